// Shared by simulate, compare and sweep: load inputs, run, and turn engine errors into the
// CLI's (usage errors and positioned input errors, exit 2).
import { InputError } from '../model/diagnostics.js';
import type { Blueprint } from '../model/schema.js';
import { ScenarioError, simulate, type SimulateOptions } from '../simulate/simulate.js';
import { WorkloadError } from '../simulate/workload.js';
import type { SimulationResult } from '../simulate/types.js';
import { UsageError } from './io.js';
import { scenarioArg, type Locate } from './scenarios.js';
import { checkLayout, scenarioDiagnostics, simulateOptions, type SimFlags } from './sim-options.js';

export type { Locate } from './scenarios.js';

export async function prepare(file: string, flags: SimFlags) {
  const { loadBlueprint } = await import('../io/load.js');
  const { blueprint } = loadBlueprint(file);
  const layout = checkLayout(blueprint, flags.layout);
  const options = simulateOptions(flags);
  let locate: Locate | undefined;
  if (flags.scenario) {
    const all = scenarioArg(blueprint, flags.scenario);
    if (all.length !== 1) throw new UsageError(`--scenario ${flags.scenario}: simulate runs one scenario; name one, e.g. ${all[0]?.scenario.name ?? 'auto:<name>'} (compare and report run them all)`);
    options.scenario = all[0]!.scenario;
    locate = all[0]!.locate;
  }
  return { blueprint, layout, options, locate };
}

/** Map engine errors to CLI errors. */
export function cliError(e: unknown, locate?: Locate): unknown {
  const err = e as Error & { problems?: { path: (string | number)[]; message: string }[] };
  if (e instanceof WorkloadError || err?.name === 'WorkloadError' || err?.name === 'RatesError') return new UsageError(err.message);
  if (e instanceof ScenarioError || err?.name === 'ScenarioError') {
    if (locate && err.problems) return new InputError(scenarioDiagnostics(err.problems, locate));
    return new UsageError(err.message);
  }
  return e;
}

/** One simulation; on a TTY the DES runs in a worker so a progress bar can move. */
export async function runSimulation(bp: Blueprint, layout: string, o: SimulateOptions, locate: Locate | undefined, showProgress: boolean): Promise<SimulationResult> {
  try {
    const long = (o.method ?? 'des') === 'des' && process.stderr.isTTY && !process.env.CI && showProgress;
    if (!long) return simulate(bp, layout, o);
    const [{ runPool }, { progress }] = await Promise.all([import('./sim-pool.js'), import('./progress.js')]);
    const k = o.replications ?? 1;
    const p = await progress(`simulating ${layout}`);
    try {
      const [r] = await runPool(bp, [{ layout, options: o }], 1, (_, f) => p.update(f[0]!, k > 1 ? `(${k} replications)` : ''));
      return r!;
    } finally {
      p.done();
    }
  } catch (e) {
    throw cliError(e, locate);
  }
}
