import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { evaluateBudgets, parseBudgets } from '../../src/report/budget.js';
import { layoutFixture } from './fixture.js';

const parse = (text: string) => {
  const r = parseBudgets(text, 'budget.yaml');
  if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return r.value;
};

describe('budgets', () => {
  it('passes and breaks budgets, naming figure, limit and value', () => {
    const b = parse(`budgets:
  - p95(messages.send) < 150ms
  - cost.monthly < 100 USD
  - throughput(auth.login) > 1000/s
  - lint.errors == 0
  - p99(auth.login) < 0.01s
`);
    const r = evaluateBudgets(b, [layoutFixture()], undefined);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.results.map((x) => [x.budget, x.pass])).toEqual([
      ['p95(messages.send) < 150ms', true],
      ['cost.monthly < 100 USD', false],
      ['throughput(auth.login) > 1000/s', true],
      ['lint.errors == 0', true],
      ['p99(auth.login) < 0.01s', false],
    ]);
    expect(r.results[1]!.text).toBe('BROKEN: cost.monthly < 100 USD in microservices: value $172');
    expect(r.results[1]!.limit).toBe(100);
    expect(r.results[4]!.limit).toBe(10);
    expect(r.results[4]!.text).toBe('BROKEN: p99(auth.login) < 0.01s in microservices: value 15.9 ms');
  });

  it('scopes budgets to layouts', () => {
    const b = parse(`layout: monolith
budgets:
  - cost.monthly < 50 USD
  - { check: "cost.monthly < 200 USD", layout: microservices }
`);
    const r = evaluateBudgets(b, [layoutFixture('monolith', { cost: 32 }), layoutFixture('microservices')], undefined);
    expect(r.ok && r.results.map((x) => `${x.layout}:${x.pass}`)).toEqual(['monolith:true', 'microservices:true']);
  });

  it('change budgets compare against the baseline changes, in % or in the figure unit', () => {
    const b = parse('budgets:\n  - change.cost.monthly < 20%\n  - change.p95(messages.send) < 5ms\n');
    const changes = [
      { layout: 'microservices', figure: 'cost.monthly', before: 172, after: 212, delta: 40, pct: 23.26, unit: 'USD', text: '', causes: [] },
    ];
    const r = evaluateBudgets(b, [layoutFixture()], changes);
    expect(r.ok && r.results.map((x) => [x.pass, x.value])).toEqual([
      // the exact change (the change's pct is rounded to 2 for the JSON), to 12 significant
      // digits as every budget value: one figure, one value, whatever the budget's limit
      [false, 23.2558139535],
      [true, 0],
    ]);
    const noBase = evaluateBudgets(b, [layoutFixture()], undefined);
    expect(!noBase.ok && noBase.errors[0]!.message).toContain('need --baseline');
  });

  it('gives positioned errors for malformed budgets', () => {
    const r = parseBudgets('budgets:\n  - p95(messages.send) << 150ms\n  - latncy(auth.login) < 3ms\n  - cost.monthly(x) < 3 USD\nbudget: []\n', 'b.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map(formatDiagnostic)).toEqual([
      'b.yaml:5:1: unknown key (did you mean "budgets"?)',
    ]);
    const r2 = parseBudgets('budgets:\n  - p95(messages.send) << 150ms\n  - latncy(auth.login) < 3ms\n  - cost.monthly(x) < 3 USD\n', 'b.yaml');
    expect(!r2.ok && r2.errors.map(formatDiagnostic)).toEqual([
      'b.yaml:2:5: budgets[0]: not a budget; write FIGURE OP VALUE, e.g. "p95(messages.send) < 150ms" or "cost.monthly < 200 USD"',
      'b.yaml:3:5: budgets[1]: unknown figure; figures: cost.monthly, cost.perMillion, throughput, mean, p50, p95, p99, hops, utilization, replicas, success, lint.errors, lint.warnings',
      'b.yaml:4:5: budgets[2]: cost.monthly takes no argument',
    ]);
  });

  it('reports an unknown operation at the budget line, an unknown layout where it is named', () => {
    const b = parse('budgets:\n  - p95(messages.snd) < 150ms\n  - { check: "cost.monthly < 1 USD", layout: micro }\n');
    const r = evaluateBudgets(b, [layoutFixture()], undefined);
    expect(!r.ok && r.errors.map(formatDiagnostic)).toEqual([
      'budget.yaml:2:5: budgets[0]: layout "microservices" has no such figure (did you mean "p95(messages.send)"?)',
      'budget.yaml:3:46: budgets[1].layout: not a layout of the report; report layouts: microservices',
    ]);
  });
});

describe('budget boundaries (exact limit values)', () => {
  // The fixture's monthly cost is exactly $172: every comparator at, just under and just over it.
  const verdicts = (lines: string[]) => {
    const r = evaluateBudgets(parse(`budgets:\n${lines.map((l) => `  - ${l}\n`).join('')}`), [layoutFixture()], undefined);
    if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
    return r.results.map((x) => x.pass);
  };

  it('a strict < fails at exactly the limit and passes just above the value', () => {
    expect(verdicts(['cost.monthly < 172 USD', 'cost.monthly < 172.01 USD', 'cost.monthly < 171.99 USD'])).toEqual([false, true, false]);
  });

  it('<= passes at exactly the limit and fails just below it', () => {
    expect(verdicts(['cost.monthly <= 172 USD', 'cost.monthly <= 171.99 USD', 'cost.monthly <= 172.01 USD'])).toEqual([true, false, true]);
  });

  it('> and >= mirror them at the limit', () => {
    expect(verdicts(['cost.monthly > 172 USD', 'cost.monthly > 171.99 USD', 'cost.monthly > 172.01 USD'])).toEqual([false, true, false]);
    expect(verdicts(['cost.monthly >= 172 USD', 'cost.monthly >= 172.01 USD', 'cost.monthly >= 171.99 USD'])).toEqual([true, false, true]);
  });

  it('== and != hold only at the exact value', () => {
    expect(verdicts(['cost.monthly == 172 USD', 'cost.monthly == 172.01 USD', 'cost.monthly == 171.99 USD'])).toEqual([true, false, false]);
    expect(verdicts(['cost.monthly != 172 USD', 'cost.monthly != 172.01 USD', 'cost.monthly != 171.99 USD'])).toEqual([false, true, true]);
  });

  it('converts limits into the figure unit at the boundary (s, us, %, bare ratio)', () => {
    // p99(auth.login) is 15.9 ms; utilization(message-service) is 0.21.
    expect(verdicts(['p99(auth.login) <= 0.0159s', 'p99(auth.login) < 0.0159s', 'p99(auth.login) <= 15900us', 'p99(auth.login) < 15900us'])).toEqual([true, false, true, false]);
    // A bare number on a ratio is the fraction (budget-bare-ratio.test.ts: one past 1 is refused).
    expect(verdicts(['utilization(message-service) <= 21%', 'utilization(message-service) < 21%', 'utilization(message-service) < 0.21', 'utilization(message-service) <= 0.21'])).toEqual([true, false, false, true]);
  });
});

describe('budget units and change texts', () => {
  it('refuses a limit in the wrong unit for its figure, at the budget line', () => {
    const b = parse('budgets:\n  - cost.monthly < 3ms\n  - p95(messages.send) < 3 USD\n  - throughput > 5%\n  - utilization(auth-service) < 3/s\n  - replicas(auth-service) < 3ms\n');
    const r = evaluateBudgets(b, [layoutFixture()], undefined);
    expect(!r.ok && r.errors.map(formatDiagnostic)).toEqual([
      'budget.yaml:2:5: budgets[0]: cost.monthly is measured in USD, not ms',
      'budget.yaml:3:5: budgets[1]: p95(messages.send) is measured in ms, not USD',
      'budget.yaml:4:5: budgets[2]: throughput is measured in /s, not %',
      'budget.yaml:5:5: budgets[3]: utilization(auth-service) is measured in %, not /s',
      'budget.yaml:6:5: budgets[4]: replicas(auth-service) is measured in replicas, not ms',
    ]);
  });

  it('reads $ before or after the number as USD, and a bare number in the figure unit', () => {
    const b = parse('budgets:\n  - cost.monthly <= $172\n  - cost.monthly < 172$\n  - throughput >= 1850\n  - replicas(message-service) == 3\n');
    const r = evaluateBudgets(b, [layoutFixture()], undefined);
    expect(r.ok && r.results.map((x) => [x.pass, x.limit, x.unit, x.text])).toEqual([
      [true, 172, 'USD', 'ok: cost.monthly <= $172 in microservices: value $172'],
      [false, 172, 'USD', 'BROKEN: cost.monthly < 172$ in microservices: value $172'],
      [true, 1850, '/s', 'ok: throughput >= 1850 in microservices: value 1850/s'],
      [true, 3, 'replicas', 'ok: replicas(message-service) == 3 in microservices: value 3'],
    ]);
  });

  it('prints change budgets as signed deltas, and as 0 when the figure did not change', () => {
    const b = parse('budgets:\n  - change.cost.monthly <= 40 USD\n  - change.cost.monthly < 40 USD\n  - change.p95(messages.send) < 20%\n');
    const changes = [{ layout: 'microservices', figure: 'cost.monthly', before: 172, after: 212, delta: 40, pct: 23.26, unit: 'USD', text: '', causes: [] }];
    const r = evaluateBudgets(b, [layoutFixture()], changes);
    expect(r.ok && r.results.map((x) => [x.pass, x.figure, x.value, x.unit, x.text])).toEqual([
      [true, 'change.cost.monthly', 40, 'USD', 'ok: change.cost.monthly <= 40 USD in microservices: change +$40'],
      [false, 'change.cost.monthly', 40, 'USD', 'BROKEN: change.cost.monthly < 40 USD in microservices: change +$40'],
      [true, 'change.p95(messages.send)', 0, '%', 'ok: change.p95(messages.send) < 20% in microservices: change 0%'],
    ]);
  });

  it('needs an argument where the figure has one, and names a layout not in the report', () => {
    const r = parseBudgets('budgets:\n  - p95 < 3ms\n  - throughput(auth.login) > 1/s\n', 'b.yaml');
    expect(!r.ok && r.errors.map(formatDiagnostic)).toEqual(['b.yaml:2:5: budgets[0]: p95 needs an argument, e.g. p95(messages.send)']);
    // the file's own `layout:` is where the name is wrong: said there, once, however many budgets
    const b = parse('layout: [microservices, monolit]\nbudgets:\n  - cost.monthly < 1000 USD\n  - cost.monthly < 2000 USD\n');
    const e = evaluateBudgets(b, [layoutFixture(), layoutFixture('monolith')], undefined);
    expect(!e.ok && e.errors.map(formatDiagnostic)).toEqual(['budget.yaml:1:9: layout: not a layout of the report (did you mean "monolith"?); report layouts: microservices, monolith']);
  });
});

describe('budget limits as ratios and percentages', () => {
  it('reads a bare number as the fraction (1 is 100%), a number with % as a percentage; a bare one past 1 is refused (budget-bare-ratio.test.ts)', () => {
    // utilization(message-service) is 0.21.
    const b = parse('budgets:\n  - utilization(message-service) > 20%\n  - utilization(message-service) <= 1\n  - utilization(message-service) < 0.2\n');
    const r = evaluateBudgets(b, [layoutFixture()], undefined);
    expect(r.ok && r.results.map((x) => [x.pass, x.limit])).toEqual([
      [true, 0.2],
      [true, 1],
      [false, 0.2],
    ]);
    expect(parseBudgets('budgets:\n  - utilization(message-service) > 20\n', 'budget.yaml').ok).toBe(false);
  });

  it('prints a % change to one decimal', () => {
    const b = parse('budgets:\n  - change.cost.monthly < 20%\n');
    const changes = [{ layout: 'microservices', figure: 'cost.monthly', before: 172, after: 212, delta: 40, pct: 23.26, unit: 'USD', text: '', causes: [] }];
    const r = evaluateBudgets(b, [layoutFixture()], changes);
    expect(r.ok && r.results[0]!.text).toBe('BROKEN: change.cost.monthly < 20% in microservices: change 23.3%');
  });
});
