// Budgets at their edges, worked by hand on the hand-made layout of fixture.ts: each comparator a
// billionth either side of its limit (the tolerance that keeps rounding from breaking a budget),
// unit conversion of a limit, negative limits, change.* budgets without a change entry, with a
// percentage of a figure that was 0, and with another layout's change beside it. Milliseconds.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { evaluateBudgets, parseBudgets } from '../../src/report/budget.js';
import type { Change } from '../../src/report/schema.js';
import { layoutFixture } from './fixture.js';

const parse = (text: string) => {
  const r = parseBudgets(text, 'budget.yaml');
  if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return r.value;
};

const results = (text: string, layouts = [layoutFixture()], changes?: Change[]) => {
  const r = evaluateBudgets(parse(text), layouts, changes);
  if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return r.results;
};

describe('comparators within a billionth', () => {
  it('< and <= , > and >=, == and != at limit 0 with values ±1e-9', () => {
    const at = (cost: number, budget: string) => results(`budgets:\n  - ${budget}\n`, [layoutFixture('microservices', { cost })])[0]!.pass;
    // −1e-9 is not below 0 - 1e-9, but is at least it.
    expect(at(-1e-9, 'cost.monthly < 0 USD')).toBe(false);
    expect(at(-2e-9, 'cost.monthly < 0 USD')).toBe(true);
    expect(at(-1e-9, 'cost.monthly >= 0 USD')).toBe(true);
    expect(at(-2e-9, 'cost.monthly >= 0 USD')).toBe(false);
    // +1e-9 is at most 0 + 1e-9, and not above it; it equals 0 within the tolerance.
    expect(at(1e-9, 'cost.monthly <= 0 USD')).toBe(true);
    expect(at(2e-9, 'cost.monthly <= 0 USD')).toBe(false);
    expect(at(1e-9, 'cost.monthly > 0 USD')).toBe(false);
    expect(at(2e-9, 'cost.monthly > 0 USD')).toBe(true);
    expect(at(1e-9, 'cost.monthly == 0 USD')).toBe(true);
    expect(at(2e-9, 'cost.monthly == 0 USD')).toBe(false);
    expect(at(1e-9, 'cost.monthly != 0 USD')).toBe(false);
    expect(at(2e-9, 'cost.monthly != 0 USD')).toBe(true);
  });
});

describe('limits', () => {
  it('a limit in seconds is compared in milliseconds, a $ before the number is USD, the text is trimmed', () => {
    const r = results('budgets:\n  - " p95(messages.send) < 1s "\n  - cost.monthly < $200\n  - cost.monthly < 200$\n');
    expect(r.map((x) => [x.budget, x.limit, x.unit, x.pass, x.text])).toEqual([
      ['p95(messages.send) < 1s', 1000, 'ms', true, 'ok: p95(messages.send) < 1s in microservices: value 14.8 ms'],
      ['cost.monthly < $200', 200, 'USD', true, 'ok: cost.monthly < $200 in microservices: value $172'],
      ['cost.monthly < 200$', 200, 'USD', true, 'ok: cost.monthly < 200$ in microservices: value $172'],
    ]);
  });

  it('a negative limit is refused, except for a change', () => {
    const r = parseBudgets('budgets:\n  - " p95(messages.send) < -5ms"\n  - cost.monthly < -5\n  - change.p95(messages.send) < -5%\n', 'budget.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.message)).toEqual([
      // the line and its limit are the file's text, never quoted (README, Security)
      'the limit is below 0, and p95 never is; write a limit of 0 or more (a negative limit is for change.* budgets, e.g. "change.p95(…) < -5%")',
      'the limit is below 0, and cost.monthly never is; write a limit of 0 or more (a negative limit is for change.* budgets, e.g. "change.cost.monthly < -5%")',
    ]);
  });
});

describe('where a budget file’s mistakes are said', () => {
  it('at the check of an object entry, at a plain entry, at the entry’s own layout key, at the file’s layout key once', () => {
    const bad = parseBudgets('budgets:\n  - { check: "lots of money", layout: microservices }\n  - "also bad"\n', 'budget.yaml');
    expect(bad.ok ? [] : bad.errors.map(formatDiagnostic)).toEqual([
      'budget.yaml:2:14: budgets[0].check: not a budget; write FIGURE OP VALUE, e.g. "p95(messages.send) < 150ms" or "cost.monthly < 200 USD"',
      'budget.yaml:3:5: budgets[1]: not a budget; write FIGURE OP VALUE, e.g. "p95(messages.send) < 150ms" or "cost.monthly < 200 USD"',
    ]);
    // an entry's own layouts (one missing) and the file's (missing: said once for the two entries that use it)
    const parsed = parse('layout: nope\nbudgets:\n  - { check: "cost.monthly < 5 USD", layout: [microservices, mono] }\n  - cost.monthly < 5 USD\n  - { check: "cost.monthly < 5 USD" }\n');
    const r = evaluateBudgets(parsed, [layoutFixture()], undefined);
    expect(r.ok ? [] : r.errors.map(formatDiagnostic)).toEqual([
      'budget.yaml:3:46: budgets[0].layout: not a layout of the report; report layouts: microservices',
      'budget.yaml:1:9: layout: not a layout of the report; report layouts: microservices',
    ]);
  });
});

describe('change budgets', () => {
  const change = (layout: string, over: Partial<Change>): Change => ({ layout, figure: 'cost.monthly', before: 100, after: 110, delta: 10, pct: 10, unit: 'USD', text: '', causes: [], ...over });

  // A percentage from 0 read '—' and broke whatever its limit (a rise from 0 broke "> -50%"): it is
  // +∞% now, judged by its sign and shown with both ends.
  it('each layout reads its own change; none means no change; a percentage from 0 is +∞%, shown with both ends', () => {
    const layouts = [layoutFixture('monolith'), layoutFixture('microservices')];
    const changes = [change('monolith', { before: 150, after: 180, delta: 30, pct: 20 }), change('microservices', { delta: 5, pct: null, before: 0, after: 5 })];
    const r = results('budgets:\n  - change.cost.monthly <= 10 USD\n  - change.cost.monthly < 15%\n  - change.p95(messages.send) == 0ms\n', layouts, changes);
    expect(r.map((x) => x.text)).toEqual([
      'BROKEN: change.cost.monthly <= 10 USD in monolith: change +$30',
      'ok: change.cost.monthly <= 10 USD in microservices: change +$5',
      'BROKEN: change.cost.monthly < 15% in monolith: change 20%',
      'BROKEN: change.cost.monthly < 15% in microservices: change +∞% ($0 → $5)',
      'ok: change.p95(messages.send) == 0ms in monolith: change ±0 ms',
      'ok: change.p95(messages.send) == 0ms in microservices: change ±0 ms',
    ]);
    expect(r.map((x) => [x.figure, x.value, x.unit])).toEqual([
      ['change.cost.monthly', 30, 'USD'],
      ['change.cost.monthly', 5, 'USD'],
      ['change.cost.monthly', 20, '%'],
      ['change.cost.monthly', null, '%'],
      ['change.p95(messages.send)', 0, 'ms'],
      ['change.p95(messages.send)', 0, 'ms'],
    ]);
  });
});
