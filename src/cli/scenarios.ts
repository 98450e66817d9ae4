// Which failure scenarios a command runs: files the user names, the automatic scenarios a
// blueprint implies (`auto`, `auto:<name>`), and the default when nobody names any — the files
// the blueprint lists under `scenarios:`, else every automatic scenario. The choice is made from
// the blueprint's own data, never from its name.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { didYouMean } from '../model/diagnostics.js';
import type { Blueprint } from '../model/schema.js';
import { AUTO_PREFIX, autoScenarios } from '../simulate/auto-scenarios.js';
import type { Scenario } from '../simulate/scenario.js';
import { UsageError } from './io.js';
import { BUNDLED_SCENARIOS, loadScenario } from './sim-options.js';

export type Locate = (p: (string | number)[]) => { file: string; line: number; col: number };

export interface LoadedScenario {
  scenario: Scenario;
  /** file positions, for scenarios read from a file */
  locate?: Locate;
}

/** A scenario file by path, or by the name of a bundled one (database-failure). */
export function scenarioPath(name: string, base?: string): string {
  const local = base && !isAbsolute(name) ? resolve(base, name) : name;
  if (existsSync(local)) return local;
  const bundled = join(BUNDLED_SCENARIOS, name.endsWith('.yaml') ? name : `${name}.yaml`);
  if (!name.includes('/') && existsSync(bundled)) return bundled;
  return local; // loadScenario reports "cannot read file" with the path
}

/** One `--scenario` argument: `auto` (all automatic), `auto:<name>`, a file or a bundled name. */
export function scenarioArg(bp: Blueprint, arg: string): LoadedScenario[] {
  if (arg === 'auto' || arg.startsWith(AUTO_PREFIX)) {
    const all = autoScenarios(bp);
    if (arg === 'auto') return all.map((scenario) => ({ scenario }));
    const s = all.find((x) => x.name === arg);
    if (!s) {
      const names = all.map((x) => x.name);
      throw new UsageError(`--scenario ${arg}: no such automatic scenario for ${bp.metadata.name}${didYouMean(arg, names)}; it has: ${names.join(', ')}`);
    }
    return [{ scenario: s }];
  }
  return [loadScenario(scenarioPath(arg))];
}

/**
 * The scenarios of `compare` and `report`: the ones asked for, else the blueprint's own list
 * (paths relative to the blueprint file), else every automatic scenario.
 */
export function chosenScenarios(bp: Blueprint, blueprintFile: string, args: string[] | undefined): LoadedScenario[] {
  if (args?.length) return args.flatMap((a) => scenarioArg(bp, a));
  if (bp.scenarios?.length) return bp.scenarios.map((s) => loadScenario(scenarioPath(s, dirname(blueprintFile))));
  return autoScenarios(bp).map((scenario) => ({ scenario }));
}
