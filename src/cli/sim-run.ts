// Shared by simulate, compare and sweep: load inputs, run, and turn engine errors into the
// CLI's (usage errors and positioned input errors, exit 2).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import type { Blueprint } from '../model/schema.js';
import { simulate, type SimulateOptions } from '../simulate/simulate.js';
import type { ScenarioProblem } from '../simulate/scenario.js';
import type { SimulationResult } from '../simulate/types.js';
import { BUNDLED_SCENARIOS, checkLayout, loadScenario, scenarioDiagnostics, simulateOptions, type SimFlags } from './sim-options.js';

export type Locate = (p: (string | number)[]) => { file: string; line: number; col: number };

export function scenarioPath(name: string): string {
  if (existsSync(name)) return name;
  const bundled = join(BUNDLED_SCENARIOS, name.endsWith('.yaml') ? name : `${name}.yaml`);
  if (existsSync(bundled)) return bundled;
  return name; // loadScenario reports "cannot read file" with the path the user gave
}

export async function prepare(file: string, flags: SimFlags) {
  // Flags first: a bad value is reported before any file is read.
  const options = simulateOptions(flags);
  const { loadBlueprint } = await import('../io/load.js');
  const { blueprint } = loadBlueprint(file);
  const layout = checkLayout(blueprint, flags.layout);
  let locate: Locate | undefined;
  if (flags.scenario) {
    const s = loadScenario(scenarioPath(flags.scenario));
    options.scenario = s.scenario;
    locate = s.locate;
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
