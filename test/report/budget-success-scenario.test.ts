// success(<scenario>:<op>) budgets name the scenario as its file does. The report's fault rows
// are labelled "<scenario>: <failure window>", and the figure used to carry that whole label, so
// the documented `success(db-down:b.op)` matched nothing ("has no figure") and a label with
// parentheses could not be written in a budget at all.
import { describe, expect, it } from 'vitest';
import { parseBudgets } from '../../src/report/budget.js';
import { figuresOf } from '../../src/report/figures.js';
import { runReport } from '../../src/report/run.js';
import { parseScenario } from '../../src/simulate/scenario.js';
import { network } from '../simulate/builder.js';

// a.op (unit ua) calls b.op (unit ub). ub is slowed, then down: a.op fails while ub is down,
// so its lowest success rate over the two windows is the "down" one.
const scenario = parseScenario(
  ['name: ub-trouble', 'workload: { duration: 30s, warmup: 2s }', 'failures:', '  - { description: ub slowed, unit: ub, at: 5s, for: 8s, slow: 2 }', '  - { description: ub down, unit: ub, at: 15s, for: 8s }', ''].join('\n'),
  'ub-trouble.yaml',
);

describe('success(scenario:op) budgets', () => {
  it('name the scenario, and hold the lowest success rate of its failure windows', () => {
    if (!scenario.ok) throw new Error('scenario did not parse');
    const budgets = parseBudgets('budgets:\n  - success(ub-trouble:a.op) >= 90%\n  - success(ub-trouble:b.op) < 50%\n', 'b.yaml');
    if (!budgets.ok) throw new Error('budgets did not parse');
    const bp = network([{ mean: 2 }, { mean: 2 }]);
    const run = runReport(bp, { file: 'built.yaml', generator: 'archsim test', layouts: ['one'], scenarios: [scenario.scenario], loadtests: [], points: 3, rate: 50, budgets: { file: 'b.yaml', parsed: budgets.value } });
    const l = run.report.layouts[0]!;
    // Two windows, each labelled with its failure.
    expect(l.faultIsolation.map((f) => f.scenario)).toEqual(['ub-trouble: ub slowed', 'ub-trouble: ub down']);
    const down = l.faultIsolation[1]!.operations.find((o) => o.id === 'a.op')!.successRate;
    const slowed = l.faultIsolation[0]!.operations.find((o) => o.id === 'a.op')!.successRate;
    expect(down).toBeLessThan(slowed);
    // One figure per scenario and operation, the lower of the two windows.
    const success = [...figuresOf(l)].filter(([k]) => k.startsWith('success('));
    expect(success.map(([k, v]) => [k, v.value])).toEqual([
      ['success(ub-trouble:a.op)', down],
      ['success(ub-trouble:b.op)', l.faultIsolation[1]!.operations.find((o) => o.id === 'b.op')!.successRate],
    ]);
    expect(run.report.budgets!.results.map((r) => [r.figure, r.pass])).toEqual([
      ['success(ub-trouble:a.op)', false],
      ['success(ub-trouble:b.op)', true],
    ]);
  });
});
