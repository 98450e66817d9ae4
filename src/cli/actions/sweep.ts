// `archsim sweep`: latency against load, DES points on worker threads.
import os from 'node:os';
import { durationFlag, intFlag } from '../flags.js';
import { out, printJson } from '../io.js';
import type { SimFlags } from '../sim-options.js';
import { prepare, cliError } from '../sim-run.js';
import { parseRates, sweepAnalytic, sweepCurve } from '../../simulate/sweep.js';
import { runPool } from '../sim-pool.js';
import { progress } from '../progress.js';
import { renderSweep, sweepNotes } from '../render-sim.js';
import { desRun, sweepJson, type DesRun } from '../provenance.js';

export interface SweepFlags extends SimFlags {
  rates?: string;
  workers?: string;
}

/** The warm-up per point when none is given: 3 s, or a tenth of a run of 3 s or less (a short sweep must not be refused for a warm-up nobody asked for). */
export function defaultWarmup(duration: string | undefined): string {
  const ms = durationFlag('--duration', duration ?? '30s');
  return ms > 3000 ? '3s' : `${ms / 10}ms`;
}

export async function action(file: string, opts: SweepFlags): Promise<number | void> {
  const workers = opts.workers ? intFlag('--workers', opts.workers) : undefined;
  const warmup = opts.warmup ?? defaultWarmup(opts.duration);
  const { blueprint, layout, options } = await prepare(file, { ...opts, warmup, rate: undefined });
  let rates: number[];
  try {
    rates = parseRates(opts.rates!);
  } catch (e) {
    throw cliError(e);
  }
  let result;
  // How the DES points were run (every point alike: one seed, run length and warm-up).
  let run: DesRun | undefined;
  try {
    if (options.method === 'des') {
      const size = workers ?? os.availableParallelism();
      const p = await progress(`sweeping ${layout} (${rates.length} points)`);
      let results;
      try {
        results = await runPool(blueprint, rates.map((rate) => ({ layout, options: { ...options, rate } })), size, (done, f) => p.update(f.reduce((a, b) => a + b, 0) / rates.length, `${done}/${rates.length}`));
      } finally {
        p.done();
      }
      run = desRun(results[0]!);
      result = sweepCurve(blueprint, layout, 'des', rates.map((rate, i) => ({ rate, result: results[i]! })), options);
    } else result = sweepAnalytic(blueprint, layout, rates, options);
  } catch (e) {
    throw cliError(e);
  }
  if (opts.json) printJson(sweepJson(result, run, sweepNotes(result)));
  else out(renderSweep(result, run));
}
