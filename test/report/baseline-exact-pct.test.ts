// A baseline diff's percentages from the figures as exact as they are known, not from the
// report's 4-decimal cost per million: one more $7 replica takes the bill from $85 to $92, +7/85 =
// +8.235…%, and the cost per million requests (the bill over the same requests) moves by the same
// +8.235…%. From the rounded figures ($0.2156 → $0.2334) it read +8.3% beside the bill's +8.2%,
// and a change.* budget was judged on +8.256%. The baseline is read back from JSON, as
// `--baseline` reads it (no exact figures there: its cost per million is recomputed from its
// bill and rate).
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { parseBaseline } from '../../src/report/baseline.js';
import { parseBudgets } from '../../src/report/budget.js';
import { runReport } from '../../src/report/run.js';
import { blueprint } from './same-layouts.js';

function baseline() {
  const { report } = runReport(blueprint(1), { file: 'same.yaml', generator: 'archsim test', layouts: ['alpha'], scenarios: [], loadtests: [] });
  const back = parseBaseline(JSON.stringify(report), 'base.json', 'same-layouts');
  if (!back.ok) throw new Error(back.errors.map(formatDiagnostic).join('\n'));
  return back.report;
}

function run(budgets: string[] = []) {
  const parsed = parseBudgets(`layout: alpha\nbudgets:\n${budgets.map((b) => `  - "${b}"`).join('\n')}\n`, 'budget.yaml');
  if (budgets.length && !parsed.ok) throw new Error(parsed.errors.map(formatDiagnostic).join('\n'));
  return runReport(blueprint(2), {
    file: 'same.yaml',
    generator: 'archsim test',
    layouts: ['alpha'],
    scenarios: [],
    loadtests: [],
    baseline: { file: 'base.json', report: baseline() },
    ...(budgets.length && parsed.ok ? { budgets: { file: 'budget.yaml', parsed: parsed.value } } : {}),
  }).report;
}

describe('baseline percentages of the cost', () => {
  it('the bill and the cost per million move by the same +8.2% (+8.24 in the JSON), the figures as the reports have them', () => {
    const costs = run().baseline!.changes.filter((c) => c.figure.startsWith('cost.'));
    expect(costs.map((c) => [c.figure, c.before, c.after, c.delta, c.pct, c.text])).toEqual([
      ['cost.monthly', 85, 92, 7, 8.24, 'cost.monthly +$7 (+8.2%)'],
      ['cost.perMillion', 0.2156, 0.2334, 0.2334 - 0.2156, 8.24, 'cost.perMillion +$0.02 (+8.2%)'],
    ]);
  });

  it('a change.cost.perMillion budget in % is judged on +8.2353%: met at 8.2353%, broken at 8.2352%', () => {
    const r = run(['change.cost.perMillion <= 8.2353%', 'change.cost.perMillion <= 8.2352%', 'change.cost.monthly <= 8.2353%', 'change.cost.monthly <= 8.2352%']).budgets!.results;
    expect(r.map((x) => [x.pass, x.text])).toEqual([
      [true, 'ok: change.cost.perMillion <= 8.2353% in alpha: change 8.2353%'],
      [false, 'BROKEN: change.cost.perMillion <= 8.2352% in alpha: change 8.2353%'],
      [true, 'ok: change.cost.monthly <= 8.2353% in alpha: change 8.2353%'],
      [false, 'BROKEN: change.cost.monthly <= 8.2352% in alpha: change 8.2353%'],
    ]);
  });
});
