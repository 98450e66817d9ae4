// A change.* budget in % on a figure whose baseline was 0 (a store idle before, 14.6% busy now)
// or infinite (a throughput nothing limited, 40000/s now): the change had no percentage, so the
// budget read "change —" and broke whatever its limit (a rise from 0 broke "> -50%"). A change
// from 0 is +∞% (0 → 0 is no change, and no figure falls below 0); to an infinite figure +∞%;
// from one to a finite figure −100%, the limit of after/before − 1. Judged by that, shown with
// both ends; the JSON value is null where the change is infinite (JSON has none).
import { describe, expect, it } from 'vitest';
import { diffReports } from '../../src/report/baseline.js';
import { evaluateBudgets, parseBudgets } from '../../src/report/budget.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { LayoutReport, Report } from '../../src/report/schema.js';
import { layoutFixture, reportFixture } from './fixture.js';

/** The fixture with an audit-db idle (0) and auth.login limited by nothing (null: unlimited). */
function before(): LayoutReport {
  const l = layoutFixture('monolith');
  l.stations = [...l.stations, { id: 'audit-db', utilization: 0 }];
  l.operations = l.operations.map((o) => (o.id === 'auth.login' ? { ...o, maxThroughputRps: null } : o));
  return l;
}
/** audit-db 14.58% busy, auth.login limited at 40000/s, messages.send unlimited now. */
function after(): LayoutReport {
  const l = layoutFixture('monolith');
  l.stations = [...l.stations, { id: 'audit-db', utilization: 0.1458 }];
  l.operations = l.operations.map((o) => (o.id === 'auth.login' ? { ...o, maxThroughputRps: 40000 } : { ...o, maxThroughputRps: null }));
  return l;
}

function run(budgets: string[]): Report {
  const b = reportFixture(before());
  const a = reportFixture(after());
  const changes = diffReports(b, a);
  const parsed = parseBudgets(`budgets:\n${budgets.map((x) => `  - "${x}"`).join('\n')}\n`, 'b.yaml');
  if (!parsed.ok) throw new Error('did not parse');
  const r = evaluateBudgets(parsed.value, a.layouts, changes);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return { ...a, baseline: { file: 'base.json', changes }, budgets: { file: 'b.yaml', passed: r.results.every((x) => x.pass !== false), results: r.results } };
}

describe('a change budget from 0 or from an infinite figure', () => {
  const r = run([
    'change.utilization(audit-db) > -50%',
    'change.utilization(audit-db) < 50%',
    'change.utilization(audit-db) < 0.2',
    'change.throughput(auth.login) > -10%',
    'change.throughput(auth.login) < 10%',
    'change.throughput(auth.login) > -100/s',
    'change.throughput(messages.send) > -10%',
    'change.throughput(messages.send) > 100/s',
  ]);
  const results = r.budgets!.results;

  it('is judged by its sign: a rise from 0 is +∞%, a fall from unlimited −100%', () => {
    expect(results.map((x) => [x.pass, x.value, x.unit, x.text])).toEqual([
      [true, null, '%', 'ok: change.utilization(audit-db) > -50% in monolith: change +∞% (0% → 14.6%)'],
      [false, null, '%', 'BROKEN: change.utilization(audit-db) < 50% in monolith: change +∞% (0% → 14.6%)'],
      // in fractions the change is finite: judged as before
      [true, 0.1458, 'ratio', 'ok: change.utilization(audit-db) < 0.2 in monolith: change +14.6 pp'],
      [false, -100, '%', 'BROKEN: change.throughput(auth.login) > -10% in monolith: change -100% (unlimited → 40000/s)'],
      [true, -100, '%', 'ok: change.throughput(auth.login) < 10% in monolith: change -100% (unlimited → 40000/s)'],
      [false, null, '/s', 'BROKEN: change.throughput(auth.login) > -100/s in monolith: change −∞/s (unlimited → 40000/s)'],
      [true, null, '%', 'ok: change.throughput(messages.send) > -10% in monolith: change +∞% (2200/s → unlimited)'],
      [true, null, '/s', 'ok: change.throughput(messages.send) > 100/s in monolith: change +∞/s (2200/s → unlimited)'],
    ]);
  });

  it('the markdown shows the change with both ends, never "—" beside a verdict', () => {
    const md = renderMarkdown(r);
    expect(md).toContain(
      [
        '| ✅ | `change.utilization(audit-db) > -50%` | monolith | +∞% (0% → 14.6%) |',
        '| ❌ | `change.utilization(audit-db) < 50%` | monolith | +∞% (0% → 14.6%) |',
        '| ✅ | `change.utilization(audit-db) < 0.2` (read as < +20 pp) | monolith | +14.6 pp |',
        '| ❌ | `change.throughput(auth.login) > -10%` | monolith | -100% (unlimited → 40000/s) |',
      ].join('\n'),
    );
  });
});
