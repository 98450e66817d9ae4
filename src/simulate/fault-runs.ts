// The fault-isolation runs behind `compare` and `report`: every scenario on every layout, one
// seeded DES run each. Two scenarios that do the same thing to a layout (in a monolith, "the
// unit running auth is down" and "the unit running media is down" both stop the one backend)
// are simulated once and the rows relabelled, which keeps dozens of automatic scenarios cheap.
// Pure.
import type { Blueprint } from '../model/schema.js';
import { compile } from './compile.js';
import { resolveScenario, scenarioCompileOptions, type Scenario } from './scenario.js';
import { ScenarioError, simulate } from './simulate.js';
import type { FaultRow } from './types.js';
import type { WorkloadOptions } from './workload.js';

export interface FaultRunOptions {
  seed?: number;
  /** workload overrides (rate, mix) applied to every run */
  workload?: WorkloadOptions;
}

export interface FaultRuns {
  /** scenario by scenario, layout by layout; `failure` is "<scenario>: <failure>" */
  rows: FaultRow[];
  /** row failure → the scenario's description */
  descriptions: Record<string, string>;
  /** what did not apply where (a layout without a broker, a unit another layout lacks) */
  notes: string[];
}

/**
 * Run every scenario on every layout. A scenario that fits some layouts and not others (it
 * names a unit only one layout has) is skipped where it does not fit, with a note; one that
 * fits none is an error (ScenarioError), because then it is a mistake, not a comparison.
 */
export function runFaults(bp: Blueprint, layouts: string[], scenarios: Scenario[], o: FaultRunOptions = {}): FaultRuns {
  const out: FaultRuns = { rows: [], descriptions: {}, notes: [] };
  const memo = new Map<string, FaultRow[]>();
  for (const sc of scenarios) {
    let fitted = 0;
    let firstError: ScenarioError | undefined;
    for (const l of layouts) {
      const scOpts = scenarioCompileOptions(bp, l, sc);
      if (scOpts.problems.length) {
        firstError ??= new ScenarioError(scOpts.problems);
        out.notes.push(`scenario ${sc.name} does not apply to ${l}: ${scOpts.problems[0]!.message}`);
        continue;
      }
      const c = compile(bp, l, scOpts.options);
      const resolved = resolveScenario(bp, c, sc);
      if (!resolved.ok) {
        firstError ??= new ScenarioError(resolved.problems);
        out.notes.push(`scenario ${sc.name} does not apply to ${l}: ${resolved.problems[0]!.message}`);
        continue;
      }
      fitted++;
      const { des, workload } = resolved.value;
      if (!des.windows.length) {
        out.notes.push(`scenario ${sc.name} in ${l}: ${resolved.value.hits.join('; ') || 'nothing to fail'}`);
        continue;
      }
      // Same faults, loads, timeouts, workload and call policies → the same run, byte for byte.
      const key = JSON.stringify([l, des.faults, des.loads, des.clientTimeout ?? null, workload, scOpts.options]);
      let rows = memo.get(key);
      if (!rows) {
        rows = simulate(bp, l, { scenario: sc, seed: o.seed ?? 1, compiled: c, ...o.workload }).faults ?? [];
        memo.set(key, rows);
      }
      // Windows come back in the scenario's order; the labels are this scenario's own.
      rows.forEach((f, i) => {
        const failure = `${sc.name}: ${des.windows[i]?.label ?? f.failure}`;
        out.rows.push({ ...f, failure });
        out.descriptions[failure] = sc.description ?? f.failure;
      });
    }
    // Which scenario, so the command can position the error in that scenario's file.
    if (!fitted && firstError) throw Object.assign(firstError, { scenario: sc.name });
  }
  return out;
}
