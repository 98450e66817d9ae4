// The embedded driver's door: run in this process (runDriver) or in a child process pinned to
// its own core (runDriverInChild), the way `archsim loadtest` and the bench use it.
import { fork } from 'node:child_process';
import { runnableFile } from '../runnable.js';
import { pinDriver, type PinPlan } from '../pin.js';
import type { ScenarioRef } from '../scenario.js';
import type { DriverOptions, DriverReport, Progress } from './run.js';
import { watchdogLimits, watchdogMessage, type WatchdogLimit } from './watchdog.js';

export { runDriver } from './run.js';
export type { DriverOptions, DriverReport, Progress, DriverOperation } from './run.js';

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
  opts: { plan?: PinPlan; onProgress?: (p: Progress) => void; onPhase?: (phase: 'measure' | 'end') => void; onReady?: () => void } = {},
): Promise<ChildRun> {
  const { measureAt, ...rest } = childOptions;
  const deferred = measureAt instanceof Promise ? measureAt : null;
  const options: Omit<DriverOptions, 'onProgress' | 'onPhase'> = deferred ? rest : { ...rest, ...(measureAt !== undefined ? { measureAt } : {}) };
  const child = fork(runnableFile(import.meta.url, './child.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const notes = opts.plan ? pinDriver(child.pid!, opts.plan) : [];
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
