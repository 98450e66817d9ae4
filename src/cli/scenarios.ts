// Which failure scenarios a command runs: files the user names, the automatic scenarios a
// blueprint implies (`auto`, `auto:<name>`), and the default when nobody names any — the files
// the blueprint lists under `scenarios:`, else every automatic scenario. The choice is made from
// the blueprint's own data, never from its name.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { didYouMean } from '../model/diagnostics.js';
import type { Blueprint } from '../model/schema.js';
import type { Diagnostic } from '../model/diagnostics.js';
import { diagnostic, type Locator } from '../model/positioned.js';
import { InputError } from '../errors.js';
import { AUTO_PREFIX, autoScenarios } from '../simulate/auto-scenarios.js';
import type { Scenario } from '../simulate/scenario.js';
import { UsageError } from './io.js';
import { BUNDLED_SCENARIOS, loadScenario } from './sim-options.js';

export type Locate = (p: (string | number)[]) => { file: string; line: number; col: number };

export interface LoadedScenario {
  scenario: Scenario;
  /** file positions, for scenarios read from a file */
  locate?: Locate;
  /** for one the blueprint lists: its index under `scenarios:`, and whether it is a bundled one */
  listed?: { index: number; bundled: boolean };
}

/** A scenario file by path, or by the name of a bundled one (database-failure). */
export function scenarioPath(name: string, base?: string): string {
  const local = base && !isAbsolute(name) ? resolve(base, name) : name;
  if (existsSync(local)) return local;
  const bundled = join(BUNDLED_SCENARIOS, name.endsWith('.yaml') ? name : `${name}.yaml`);
  if (!name.includes('/') && existsSync(bundled)) return bundled;
  return local; // loadScenario reports "cannot read file" with the path
}

/**
 * One `--scenario` argument: `auto` (all automatic), `auto:<name>`, a file or a bundled name.
 * `layouts`: those it will run on (simulate's --layout), so a file that breaks the schema has its
 * cross-references checked against them in the same run; default every layout.
 */
export function scenarioArg(bp: Blueprint, arg: string, layouts?: string[]): LoadedScenario[] {
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
  return [loadScenario(scenarioPath(arg), bp, layouts)];
}

/** The names of the bundled scenarios (scenarios/*.yaml), sorted. */
export function bundledScenarioNames(): string[] {
  try {
    return readdirSync(BUNDLED_SCENARIOS)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -'.yaml'.length))
      .sort();
  } catch {
    return [];
  }
}

/**
 * The blueprint's own `scenarios:` list, each entry read: a file relative to the blueprint file
 * that lists it (the base, for a list an overlay inherits through `extends:`), or a
 * bundled scenario's name. An entry that names neither is a problem positioned at the entry in
 * the blueprint (not at line 1 of a file that does not exist); a file that does not parse brings
 * its own positioned problems. `validate` reports them; `compare` and `report` stop on them.
 */
export function blueprintScenarios(bp: Blueprint, blueprintFile: string, locate?: Locator): { scenarios: LoadedScenario[]; problems: Diagnostic[] } {
  const scenarios: LoadedScenario[] = [];
  const problems: Diagnostic[] = [];
  (bp.scenarios ?? []).forEach((entry, i) => {
    // Relative to the file that wrote the entry: a base reached through `extends:` (the overlay
    // `plan --out` writes, in another folder) names its files beside itself, not the overlay.
    const path = scenarioPath(entry, dirname(locate ? locate(['scenarios', i]).file : blueprintFile));
    if (!existsSync(path)) {
      const names = bundledScenarioNames();
      const shown = JSON.stringify(entry.slice(0, 200));
      // A path (a slash, or .yaml) is a file the user meant; a bare word may be a bundled name.
      const message =
        entry.includes('/') || entry.endsWith('.yaml')
          ? `no such scenario file: ${shown} (a path here is relative to this blueprint's folder)`
          : `${shown} is neither a scenario file next to this blueprint nor a bundled scenario${didYouMean(entry, names)}; bundled: ${names.join(', ') || 'none'}`;
      problems.push(locate ? diagnostic(locate, ['scenarios', i], message) : { file: blueprintFile, line: 1, col: 1, path: ['scenarios', i], message, severity: 'error' });
      return;
    }
    try {
      const loaded = loadScenario(path, bp);
      // Results are keyed by the scenario's name (the fault table, `success(name:op)` budgets):
      // two files of one name were merged there without a word.
      const twin = scenarios.find((x) => x.scenario.name === loaded.scenario.name);
      if (twin) {
        const message = `scenario ${JSON.stringify(loaded.scenario.name.slice(0, 200))} is also the name of scenarios[${twin.listed!.index}]: their results would be merged (success(name:op) budgets could not tell them apart); give each its own name`;
        problems.push(locate ? diagnostic(locate, ['scenarios', i], message) : { file: blueprintFile, line: 1, col: 1, path: ['scenarios', i], message, severity: 'error' });
        return;
      }
      scenarios.push({ ...loaded, listed: { index: i, bundled: resolve(dirname(path)) === resolve(BUNDLED_SCENARIOS) } });
    } catch (e) {
      if (e instanceof InputError) problems.push(...e.diagnostics);
      else throw e;
    }
  });
  return { scenarios, problems };
}

/** `--scenario` arguments naming two scenarios of one name: refused, as in a blueprint's list. */
function refuseTwins(all: LoadedScenario[]): LoadedScenario[] {
  const seen = new Set<string>();
  for (const x of all) {
    if (seen.has(x.scenario.name)) throw new UsageError(`--scenario: two scenarios are named ${JSON.stringify(x.scenario.name.slice(0, 200))}: their results would be merged (success(name:op) budgets could not tell them apart); give each its own name`);
    seen.add(x.scenario.name);
  }
  return all;
}

/**
 * The scenarios of `compare` and `report`: the ones asked for, else the blueprint's own list
 * (paths relative to the blueprint file that lists them), else every automatic scenario.
 */
export function chosenScenarios(bp: Blueprint, blueprintFile: string, args: string[] | undefined, locate?: Locator): LoadedScenario[] {
  if (args?.length) return refuseTwins(args.flatMap((a) => scenarioArg(bp, a)));
  if (bp.scenarios?.length) {
    const { scenarios, problems } = blueprintScenarios(bp, blueprintFile, locate);
    if (problems.length) throw new InputError(problems);
    return scenarios;
  }
  return autoScenarios(bp).map((scenario) => ({ scenario }));
}
