// The embedded driver's door: run in this process (runDriver) or in a child process pinned to
// its own core (runDriverInChild), the way `archsim loadtest` and the bench use it.
import { fork, type ChildProcess } from 'node:child_process';
import { runnableFile } from '../runnable.js';
import { pinDriver, type PinPlan } from '../pin.js';
import type { ScenarioRef } from '../scenario.js';
import type { DriverOptions, DriverReport, Progress } from './run.js';
import { watchdogLimits, watchdogMessage, type WatchdogLimit } from './watchdog.js';

export { runDriver } from './run.js';
export type { DriverOptions, DriverReport, Progress, DriverOperation, WindowHistograms } from './run.js';

export type ChildRun = { report: DriverReport; pid: number; notes: string[] };

/**
 * The child's options; `measureAt` may be a promise: the child is then started, loads its
 * scenario and data, and waits, ready, until the promise gives the time (beside k6, whose setup()
 * ends at a time nobody knows beforehand: a process started only then, on a busy machine, took
 * longer than the warm-up to begin).
 */
export type ChildDriverOptions = Omit<DriverOptions, 'onProgress' | 'onPhase' | 'measureAt'> & { measureAt?: number | Promise<number> };

/**
 * Run the driver in its own Node process, pinned to the plan's driver core (taskset -a -p), so
 * its CPU is separate from the system under test's and its own usage can be reported.
 * The scenario is a module reference: the child imports it.
 */
export function runDriverInChild(
  scenario: ScenarioRef,
  childOptions: ChildDriverOptions,
  opts: { plan?: PinPlan; onProgress?: (p: Progress) => void; onPhase?: (phase: 'measure' | 'end') => void; onReady?: () => void; drivers?: DriverProcesses } = {},
): Promise<ChildRun> {
  const { measureAt, ...rest } = childOptions;
  const deferred = measureAt instanceof Promise ? measureAt : null;
  const options: Omit<DriverOptions, 'onProgress' | 'onPhase'> = deferred ? rest : { ...rest, ...(measureAt !== undefined ? { measureAt } : {}) };
  const { child, notes } = opts.drivers ? opts.drivers.take(opts.plan) : forkDriver(opts.plan);
  // The scenario's setup (seeding through the public API) runs before the load and can take a
  // while on a busy machine or a durable database: the limit on the load starts with its first
  // progress report; setup gets its own (watchdog.ts, with the wait for a promised start).
  const limits = watchdogLimits(childOptions);
  return new Promise<ChildRun>((resolve, reject) => {
    let settled = false;
    const kill = (limit: WatchdogLimit) =>
      setTimeout(() => {
        child.kill('SIGKILL');
        finish(new Error(watchdogMessage(limit)));
      }, limit.ms);
    let killer = kill(limits.setup);
    let loading = false;
    const finish = (e: Error | null, report?: DriverReport) => {
      if (settled) return;
      settled = true;
      clearTimeout(killer);
      if (e) reject(e);
      else resolve({ report: report!, pid: child.pid!, notes });
    };
    child.on('message', (m: { type: string; progress?: Progress; report?: DriverReport; message?: string; phase?: 'measure' | 'end' }) => {
      if (m.type === 'progress' && m.progress) {
        if (!loading) {
          loading = true;
          clearTimeout(killer);
          killer = kill(limits.load);
        }
        opts.onProgress?.(m.progress);
      }
      else if (m.type === 'phase' && m.phase) opts.onPhase?.(m.phase);
      else if (m.type === 'ready' && deferred) {
        opts.onReady?.();
        void deferred.then(
          (at) => child.connected && child.send({ type: 'go', measureAt: at }),
          () => child.kill('SIGKILL'),
        );
      }
      else if (m.type === 'done') finish(null, m.report);
      else if (m.type === 'error') finish(new Error(m.message));
    });
    child.once('error', (e) => finish(e));
    child.once('exit', (code) => finish(new Error(`the driver exited ${code} before reporting`)));
    child.send({ type: 'start', scenario, options, awaitGo: !!deferred });
  });
}

type Forked = { child: ChildProcess; notes: string[] };

/** A driver process, pinned to the plan's driver core, waiting for its start message. */
function forkDriver(plan?: PinPlan): Forked {
  const child = fork(runnableFile(import.meta.url, './child.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return { child, notes: plan ? pinDriver(child.pid!, plan) : [] };
}

/**
 * Driver processes for windows back to back (a run's replications, validate-model's levels):
 * each window's process is started one window ahead. A new process spends 0.3–0.45 s loading
 * its modules (undici and zod most of it, measured 2026-12-03 on this 2-core machine) and was
 * the most of the 0.56–0.64 s between one window's end and the next one's start; started ahead,
 * it loads them during the window before's warm-up, on the driver's core (the warm-up is at
 * least 2 s and not measured), and then only waits. Every window still gets a process of its
 * own. `close()` stops the one started for a window that did not come.
 */
export class DriverProcesses {
  private spare: (Forked & { cpu: string | null }) | null = null;

  /** The pid of the process waiting for the next window (null: none, or it has died). */
  get next(): number | null {
    const s = this.spare;
    return s && DriverProcesses.waiting(s.child) ? s.child.pid! : null;
  }

  /** Still there to take: connected, and no exit seen (one killed by a signal keeps exitCode null: signalCode says it died). */
  private static waiting(c: ChildProcess): boolean {
    return c.connected && c.exitCode === null && c.signalCode === null;
  }

  /** This window's process (the one started ahead, if it is alive and on the same core), and the next window's started. */
  take(plan?: PinPlan): Forked {
    const cpu = plan?.driver ?? null;
    const s = this.spare;
    this.spare = null;
    let now: Forked;
    if (s && s.cpu === cpu && DriverProcesses.waiting(s.child)) {
      s.child.ref();
      s.child.channel?.ref();
      now = s;
    } else {
      s?.child.kill();
      now = forkDriver(plan);
    }
    const next = forkDriver(plan);
    // Waiting, it must not keep this process alive: when this one exits its channel closes and
    // the child exits too (child.ts, on 'disconnect').
    next.child.unref();
    next.child.channel?.unref();
    this.spare = { ...next, cpu };
    return now;
  }

  /** Stop the process started for a window that did not come. */
  close(): void {
    this.spare?.child.kill();
    this.spare = null;
  }
}
