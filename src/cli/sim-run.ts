// Shared by simulate, compare and sweep: load inputs, run, and turn engine errors into the
// CLI's (usage errors and positioned input errors, exit 2).
import { InputError, UsageError } from '../errors.js';
import { loadBlueprint } from '../io/load.js';
import type { Blueprint } from '../model/schema.js';
import { simulate, type SimulateOptions } from '../simulate/simulate.js';
import type { ScenarioProblem } from '../simulate/scenario.js';
import type { SimulationResult } from '../simulate/types.js';
import { scenarioArg, type Locate } from './scenarios.js';
import { checkLayout, scenarioDiagnostics, simulateOptions, type SimFlags } from './sim-options.js';
import { runPool } from './sim-pool.js';
import { progress } from './progress.js';

export type { Locate } from './scenarios.js';

export async function prepare(file: string, flags: SimFlags) {
  // Flags first: a bad value is reported before any file is read.
  const options = simulateOptions(flags);
  const { blueprint } = loadBlueprint(file);
  const layout = checkLayout(blueprint, flags.layout);
  // Think time belongs to the closed model's users (--users, or a workload of users); on an open
  // workload it was dropped without a word.
  if (options.thinkTime !== undefined && options.users === undefined && (options.rate !== undefined || blueprint.workload?.users === undefined)) {
    throw new UsageError('--think-time is how long a user waits in the closed model: it goes with --users (the workload here is an open model, at a rate)');
  }
  let locate: Locate | undefined;
  if (flags.scenario) {
    const all = scenarioArg(blueprint, flags.scenario, [layout]);
    if (all.length !== 1) throw new UsageError(`--scenario ${flags.scenario}: simulate runs one scenario; name one, e.g. ${all[0]?.scenario.name ?? 'auto:<name>'} (compare and report run them all)`);
    options.scenario = all[0]!.scenario;
    locate = all[0]!.locate;
  }
  return { blueprint, layout, options, locate };
}

/** A scenario's problems, positioned in its file when we have it (whichever thread found them). */
export function cliError(e: unknown, locate?: Locate): unknown {
  const problems = (e as { detail?: { scenarioProblems?: ScenarioProblem[] } } | null)?.detail?.scenarioProblems;
  if (locate && problems) return new InputError(scenarioDiagnostics(problems, locate));
  return e;
}

/** One simulation; on a TTY the DES runs in a worker so a progress bar can move. */
export async function runSimulation(bp: Blueprint, layout: string, o: SimulateOptions, locate: Locate | undefined, showProgress: boolean): Promise<SimulationResult> {
  try {
    const long = (o.method ?? 'des') === 'des' && process.stderr.isTTY && !process.env.CI && showProgress;
    if (!long) return simulate(bp, layout, o);
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
