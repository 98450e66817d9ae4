// `archsim simulate`: one simulation (in a worker with a progress bar on a terminal).
import { out, printJson, UsageError } from '../io.js';
import type { SimFlags } from '../sim-options.js';
import { prepare, runSimulation } from '../sim-run.js';
import { renderSimulation } from '../render-sim.js';
import type { SimulationResult } from '../../simulate/types.js';

export async function action(file: string, opts: SimFlags): Promise<number | void> {
  const { blueprint, layout, options, locate } = await prepare(file, opts);
  // The analytic method has one answer: a seed or replications (the DES's) changed nothing, without a word.
  if (options.method === 'analytic') {
    // (both have defaults, 1: only another value was asked for)
    const des = (options.replications ?? 1) > 1 ? '--replications' : (options.seed ?? 1) !== 1 ? '--seed' : undefined;
    if (des) throw new UsageError(`${des} is the DES's (--method des): the analytic method solves the model once, with no random draws`);
  }
  const result = await runSimulation(blueprint, layout, options, locate, !opts.json);
  if (opts.json) printJson(unmeasuredAsNull(result));
  else out(renderSimulation(result));
}

/**
 * A DES operation none of whose requests finished in the measured window has no latency: its
 * figures are null in the JSON (the text shows –, and a warning says why), not 0 ms, which a CI
 * reading the JSON took for a measurement.
 */
export function unmeasuredAsNull(r: SimulationResult): unknown {
  if (r.method !== 'des') return r;
  return { ...r, operations: r.operations.map((op) => (op.count === 0 ? { ...op, latency: Object.fromEntries(Object.keys(op.latency).map((k) => [k, null])) } : op)) };
}
