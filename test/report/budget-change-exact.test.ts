// change.* budgets against the exact change, shown with the diff table's rounding and never with
// a figure that contradicts the verdict (sweep item 4): cost $107 → $117 is +9.3458%, shown
// "+9.3%" in the diff table but "change 9.4%" in the budget (the JSON's 2-decimal pct rounded
// again), and broken against "< 9.346%"; throughput 740.74 → 666.67/s is −9.9995%, broken
// against "> -10%" and shown as "change -10%".
import { describe, expect, it } from 'vitest';
import { diffReports } from '../../src/report/baseline.js';
import { evaluateBudgets, parseBudgets } from '../../src/report/budget.js';
import { layoutFixture, reportFixture } from './fixture.js';

function texts(lines: string[]): string[] {
  const before = layoutFixture('micro', { cost: 107 });
  before.saturation.throughputRps = 740.74;
  const after = layoutFixture('micro', { cost: 117 });
  after.saturation.throughputRps = 666.67;
  const changes = diffReports(reportFixture(before), reportFixture(after));
  const p = parseBudgets(`budgets:\n${lines.map((l) => `  - "${l}"\n`).join('')}`, 'b.yaml');
  if (!p.ok) throw new Error(p.errors[0]!.message);
  const r = evaluateBudgets(p.value, [after], changes);
  if (!r.ok) throw new Error(r.errors[0]!.message);
  return r.results.map((x) => x.text);
}

describe('change.* budgets: the exact change, shown as the diff table shows it', () => {
  it('the diff table and the budget show the same +9.3%', () => {
    const before = layoutFixture('micro', { cost: 107 });
    const after = layoutFixture('micro', { cost: 117 });
    expect(diffReports(reportFixture(before), reportFixture(after)).find((c) => c.figure === 'cost.monthly')!.text).toBe('cost.monthly +$10 (+9.3%)');
    expect(texts(['change.cost.monthly < 9.4%'])).toEqual(['ok: change.cost.monthly < 9.4% in micro: change 9.3%']);
  });

  it('compares the exact percentage: +9.3458% is under 9.346% and over 9.345%', () => {
    expect(texts(['change.cost.monthly < 9.346%', 'change.cost.monthly < 9.345%', 'change.cost.monthly <= 9.3%', 'change.cost.monthly < 9.35%'])).toEqual([
      'ok: change.cost.monthly < 9.346% in micro: change 9.3458%',
      'BROKEN: change.cost.monthly < 9.345% in micro: change 9.346%',
      // 9.3% would read as within "<= 9.3%": enough digits to show it is not
      'BROKEN: change.cost.monthly <= 9.3% in micro: change 9.35%',
      // 9.35% beside "< 9.35%" would contradict the ok: one more digit
      'ok: change.cost.monthly < 9.35% in micro: change 9.346%',
    ]);
  });

  it('−9.9995% meets "> -10%" and is not shown as −10%', () => {
    expect(texts(['change.throughput > -10%', 'change.throughput >= -10%', 'change.throughput < -9.9%'])).toEqual([
      'ok: change.throughput > -10% in micro: change -9.999%',
      'ok: change.throughput >= -10% in micro: change -10%',
      'ok: change.throughput < -9.9% in micro: change -10%',
    ]);
  });
});
