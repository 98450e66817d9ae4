// The limits runDriverInChild's watchdog puts on the driver's child process, and what it says
// when one is reached (the child is then killed). Pure, so each limit is tested to the
// millisecond: reaching one for real takes minutes.

/** What the limits depend on: the child's run options (a promised `measureAt`: it waits for it). */
export type WatchdogRun = { warmup?: number; duration: number; timeoutMs?: number; measureAt?: number | Promise<number> };

/** One limit: what the child did not finish, and in how many milliseconds. */
export type WatchdogLimit = { what: string; ms: number };

/** The scenario's setup (seeding through the public API) may be slow on a busy machine or a durable database. */
export const SETUP_MS = 180_000;
/** Beyond the run's own time: the child's start, its report, a slow machine. */
export const SLACK_MS = 30_000;
/** Waiting for a promised start time (beside k6) is bounded by whoever gives it (k6's own run limit). */
export const AWAIT_START_MS = 15 * 60_000;

/**
 * The two limits: from the start, setup and load together (and the wait for a promised start
 * time); from the first progress report on, the load alone: warm-up and duration, one request
 * timeout (5 s unless given) for the last requests, and the slack.
 */
export function watchdogLimits(run: WatchdogRun): { setup: WatchdogLimit; load: WatchdogLimit } {
  const loadMs = ((run.warmup ?? 0) + run.duration) * 1000 + (run.timeoutMs ?? 5000) + SLACK_MS;
  return {
    setup: { what: 'its setup and load', ms: SETUP_MS + loadMs + (run.measureAt instanceof Promise ? AWAIT_START_MS : 0) },
    load: { what: 'its load', ms: loadMs },
  };
}

/** The error a reached limit rejects with, in whole seconds. */
export function watchdogMessage(limit: WatchdogLimit): string {
  return `the driver did not finish ${limit.what} within ${Math.round(limit.ms / 1000)} s`;
}
