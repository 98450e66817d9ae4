// One figure, one value in a report's JSON: a budget's `value` is the figure its verdict was
// judged on, the exact one (to 12 significant digits, the float's noise dropped), in every budget
// on that figure. It was the report's rounded figure where that read the same beside the limit
// and the exact one where not, so one throughput was 331.92 in a met budget and 331.923 in a
// broken one. The text still shows the figure as the report does, with more decimals only where
// the verdict needs them. Layout alpha of same-layouts.ts: the mix's throughput 2 / 1.625 ms =
// 1230.769…/s, utilization(orders-db) 12.1875%.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { parseBudgets } from '../../src/report/budget.js';
import { runReport } from '../../src/report/run.js';
import { blueprint } from './same-layouts.js';

function results(budgets: string[]) {
  const parsed = parseBudgets(`layout: alpha\nbudgets:\n${budgets.map((b) => `  - "${b}"`).join('\n')}\n`, 'budget.yaml');
  if (!parsed.ok) throw new Error(parsed.errors.map(formatDiagnostic).join('\n'));
  return runReport(blueprint(), { file: 'same.yaml', generator: 'archsim test', layouts: ['alpha'], scenarios: [], loadtests: [], budgets: { file: 'budget.yaml', parsed: parsed.value } }).report.budgets!.results;
}

describe('a figure in several budgets', () => {
  it('has one value in all of them, the exact figure, whatever each text shows', () => {
    const r = results(['throughput >= 1000/s', 'throughput >= 1230.77/s', 'throughput <= 1230.77/s', 'utilization(orders-db) <= 13%', 'utilization(orders-db) >= 12.19%', 'utilization(orders-db) < 12.19%']);
    expect(r.map((x) => [x.value, x.text])).toEqual([
      [1230.76923077, 'ok: throughput >= 1000/s in alpha: value 1231/s'],
      [1230.76923077, 'BROKEN: throughput >= 1230.77/s in alpha: value 1230.769/s'],
      [1230.76923077, 'ok: throughput <= 1230.77/s in alpha: value 1230.77/s'],
      [0.121875, 'ok: utilization(orders-db) <= 13% in alpha: value 12.2%'],
      [0.121875, 'BROKEN: utilization(orders-db) >= 12.19% in alpha: value 12.188%'],
      [0.121875, 'ok: utilization(orders-db) < 12.19% in alpha: value 12.188%'],
    ]);
  });
});
