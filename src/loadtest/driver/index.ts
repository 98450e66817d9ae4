// The embedded driver's door: run in this process (runDriver) or in a child process pinned to
// its own core (runDriverInChild), the way `archsim loadtest` and the bench use it.
import { fork } from 'node:child_process';
import { runnableFile } from '../runnable.js';
import { pinDriver, type PinPlan } from '../pin.js';
import type { ScenarioRef } from '../scenario.js';
import type { DriverOptions, DriverReport, Progress } from './run.js';

export { runDriver } from './run.js';
export type { DriverOptions, DriverReport, Progress, DriverOperation } from './run.js';

export type ChildRun = { report: DriverReport; pid: number; notes: string[] };

/**
 * Run the driver in its own Node process, pinned to the plan's driver core (taskset -a -p), so
 * its CPU is separate from the system under test's and its own usage can be reported.
 * The scenario is a module reference: the child imports it.
 */
export function runDriverInChild(
  scenario: ScenarioRef,
  options: Omit<DriverOptions, 'onProgress' | 'onPhase'>,
  opts: { plan?: PinPlan; onProgress?: (p: Progress) => void; onPhase?: (phase: 'measure' | 'end') => void } = {},
): Promise<ChildRun> {
  const child = fork(runnableFile(import.meta.url, './child.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const notes = opts.plan ? pinDriver(child.pid!, opts.plan) : [];
  const limitMs = ((options.warmup ?? 0) + options.duration) * 1000 + (options.timeoutMs ?? 5000) + 30_000;
  // The scenario's setup (seeding through the public API) runs before the load and can take a
  // while on a busy machine or a durable database: the limit on the load starts with its first
  // progress report; setup gets its own.
  const SETUP_MS = 180_000;
  return new Promise<ChildRun>((resolve, reject) => {
    let settled = false;
    const kill = (what: string, ms: number) =>
      setTimeout(() => {
        child.kill('SIGKILL');
        finish(new Error(`the driver did not finish ${what} within ${Math.round(ms / 1000)} s`));
      }, ms);
    let killer = kill('its setup and load', SETUP_MS + limitMs);
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
          killer = kill('its load', limitMs);
        }
        opts.onProgress?.(m.progress);
      }
      else if (m.type === 'phase' && m.phase) opts.onPhase?.(m.phase);
      else if (m.type === 'done') finish(null, m.report);
      else if (m.type === 'error') finish(new Error(m.message));
    });
    child.once('error', (e) => finish(e));
    child.once('exit', (code) => finish(new Error(`the driver exited ${code} before reporting`)));
    child.send({ type: 'start', scenario, options });
  });
}
