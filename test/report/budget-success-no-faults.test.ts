// A success(...) budget in a report run with --no-faults (no scenario: no fault-isolation runs)
// is refused once, saying why, not "layout "mono" has no such figure" once per layout.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { evaluateBudgets, parseBudgets } from '../../src/report/budget.js';
import { runReport } from '../../src/report/run.js';
import { bp } from '../simulate/helpers.js';
import { layoutFixture } from './fixture.js';

const TWO = () =>
  bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: two }
system:
  domains:
    a: { tables: [t], operations: { op: { route: GET /a, cpu: 1ms, db: { reads: 1 } } } }
layouts:
  mono:
    units: { app: { domains: "*", port: 8080 } }
    datastores: { pg: { engine: postgres, tables: "*" } }
  split:
    units: { app: { domains: "*", port: 8080, replicas: 2 } }
    datastores: { pg: { engine: postgres, tables: "*" } }
workload: { rate: 50/s, mix: { a.op: 1 } }
`);

const errorsOf = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e.diagnostics.map(formatDiagnostic);
    throw e;
  }
  return [];
};

describe('success budgets under --no-faults', () => {
  it('one line, at the budget, saying the fault runs are off', () => {
    const budgets = parseBudgets('budgets:\n  - p95(a.op) < 100ms\n  - success(auto:a-down:a.op) >= 90%\n', 'b.yaml');
    if (!budgets.ok) throw new Error('budgets did not parse');
    const run = () => runReport(TWO(), { file: 'two.yaml', generator: 'archsim test', layouts: ['mono', 'split'], scenarios: [], loadtests: [], points: 3, budgets: { file: 'b.yaml', parsed: budgets.value } });
    expect(errorsOf(run)).toEqual(['b.yaml:3:5: budgets[1]: no success figures: the fault-isolation runs are off (--no-faults), so success(...) is not computed; drop --no-faults to check this budget']);
  });

  it('evaluateBudgets: off, said once for the budget; on, an unknown scenario is "no such figure" as before', () => {
    const budgets = parseBudgets('budgets:\n  - success(nope:messages.send) >= 90%\n', 'b.yaml');
    if (!budgets.ok) throw new Error('budgets did not parse');
    const layouts = [layoutFixture('mono'), layoutFixture('split')];
    const off = evaluateBudgets(budgets.value, layouts, undefined, false);
    expect(off.ok ? [] : off.errors.map((d) => d.message)).toEqual(['no success figures: the fault-isolation runs are off (--no-faults), so success(...) is not computed; drop --no-faults to check this budget']);
    const on = evaluateBudgets(budgets.value, layouts, undefined);
    expect(on.ok ? [] : on.errors.map((d) => d.message)).toEqual(['layout "mono" has no such figure', 'layout "split" has no such figure']);
  });
});
