// The single-use pools of a rehearsal's load (refresh tokens, relay messages to acknowledge: each
// request takes the next one, and one taken twice is a 401 or 404 the migration did not cause),
// kept ahead of the load while it runs. Sized up front for the load's whole longest length (the
// steps, the drains, a generous boot per unit) at the first phase's rate, they were about 1,800
// logins of a password hash each: 35–50 s of the 5-minute rehearsal before its first step, most
// of them never used (later phases run at lower rates, the run ends well before its cap). Now the
// pools are topped up before the load for its first POOL_AHEAD_S seconds, then in the background
// whenever a pool is fewer than POOL_LOW_S seconds ahead of what the load has taken, a few
// requests in flight at a time: the same logins, spread over the run. Pure; runner.ts does the I/O.
import { expectedCounts } from '../loadtest/profile/plan.js';

/** A top-up brings each pool this many seconds of load (at the rate then) ahead of the load. */
export const POOL_AHEAD_S = 60;
/** A top-up starts when a pool is fewer than this many seconds ahead. */
export const POOL_LOW_S = 40;
/** Requests in flight of a background top-up: one (a login is a password hash, tens of ms of a core; two at once took both cores of this host from the canary step being judged). The seeding sends 8: it has the machine to itself. */
export const POOL_TOP_UP_IN_FLIGHT = 1;

/** The counts the pools should be sized for: each operation's next request number plus `aheadS` seconds of it at `rateRps`, never less than `sizedFor`. */
export function poolWant(mix: Readonly<Record<string, number>>, next: Readonly<Record<string, number>>, rateRps: number, aheadS: number, sizedFor: Readonly<Record<string, number>> = {}): Record<string, number> {
  const ahead = expectedCounts(mix as Record<string, number>, { rate: rateRps, users: null, duration: aheadS, warmup: 0 });
  const out: Record<string, number> = { ...sizedFor };
  for (const op of Object.keys(mix)) out[op] = Math.max(out[op] ?? 0, (next[op] ?? 0) + (ahead[op] ?? 0));
  return out;
}

/**
 * The pooled operations (`counted`) fewer than `lowS` seconds ahead of the load: those whose
 * sized-for count, less the next request number the load will use, is below `lowS` seconds of
 * the operation at `rateRps`. An operation not in the mix is never low.
 */
export function poolsLow(counted: readonly string[], mix: Readonly<Record<string, number>>, sizedFor: Readonly<Record<string, number>>, next: Readonly<Record<string, number>>, rateRps: number, lowS: number): string[] {
  const total = Object.values(mix).reduce((a, b) => a + b, 0);
  if (!(total > 0)) return [];
  return counted.filter((op) => {
    const share = (mix[op] ?? 0) / total;
    if (!(share > 0)) return false;
    return (sizedFor[op] ?? 0) - (next[op] ?? 0) < rateRps * share * lowS;
  });
}
