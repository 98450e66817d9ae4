// Budgets are judged on the exact figures, not on the report's rounded ones (the report rounds
// throughputs to 2 decimals, utilizations to 4, the cost per million to 4): at a limit between
// the exact figure and its rounding, the rounded one gave the wrong verdict. A layout whose
// figures are exact by hand: 2 cores of orders-svc, a mix of 1 place (3.5 ms of it) to 3 list
// (1 ms), so the mix takes 1.625 ms of it per request:
//   throughput (the mix)        = 2 / 1.625 ms   = 1230.769…/s   (rounded 1230.77)
//   throughput(orders.place)    = 2 / 3.5 ms     = 571.428…/s    (rounded 571.43)
//   utilization(orders-db)      = 150/s × 1.625 ms / 2 = 12.1875% (rounded 12.19%)
//   cost.perMillion             = $85 / (150/s × 730 h) = $0.215627… (rounded $0.2156)
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { evaluateBudgets, parseBudgets } from '../../src/report/budget.js';
import { exactFiguresOf, figuresOf } from '../../src/report/figures.js';
import { runReport } from '../../src/report/run.js';
import { layoutFixture } from './fixture.js';
import { report } from './in-process-cli.js';
import { blueprint, SAME } from './same-layouts.js';

function run(budgets: string[]) {
  const bp = blueprint();
  const parsed = parseBudgets(`layout: alpha\nbudgets:\n${budgets.map((b) => `  - "${b}"`).join('\n')}\n`, 'budget.yaml');
  if (!parsed.ok) throw new Error(parsed.errors.map(formatDiagnostic).join('\n'));
  return runReport(bp, { file: 'same.yaml', generator: 'archsim test', layouts: ['alpha'], scenarios: [], loadtests: [], budgets: { file: 'budget.yaml', parsed: parsed.value } });
}

describe('the exact figures behind the rounded ones', () => {
  it('are remembered for a report built in this process, and only there', () => {
    const { report: r } = run(['lint.errors == 0']);
    const l = r.layouts[0]!;
    const shown = figuresOf(l);
    const exact = exactFiguresOf(l);
    expect([shown.get('throughput')!.value, shown.get('throughput(orders.place)')!.value, shown.get('utilization(orders-db)')!.value, shown.get('cost.perMillion')!.value]).toEqual([1230.77, 571.43, 0.1219, 0.2156]);
    expect(exact.get('throughput')!.value).toBeCloseTo(2000 / 1.625, 9);
    expect(exact.get('throughput(orders.place)')!.value).toBeCloseTo(2000 / 3.5, 9);
    expect(exact.get('utilization(orders-db)')!.value).toBeCloseTo(0.121875, 12);
    expect(exact.get('cost.perMillion')!.value).toBeCloseTo(85e6 / (150 * 730 * 3600), 12);
    // The JSON keeps the rounded figures: a report read back has no exact ones.
    const back = JSON.parse(JSON.stringify(l)) as typeof l;
    expect(exactFiguresOf(back)).toEqual(shown);
    // A figure edited after the build is taken as it now is, not as it was computed.
    l.saturation.throughputRps = 1000;
    expect(exactFiguresOf(l).get('throughput')!.value).toBe(1000);
  });
});

describe('budgets at a limit between the exact figure and its rounding', () => {
  it('are broken just above the exact figure and met at or below it, both sides of each', () => {
    const { report: r } = run([
      'throughput >= 1230.77/s',
      'throughput >= 1230.769/s',
      'throughput < 1230.77/s',
      'throughput(orders.place) >= 571.43/s',
      'throughput(orders.place) >= 571.428/s',
      'throughput(orders.place) < 571.43/s',
      'utilization(orders-db) >= 12.19%',
      'utilization(orders-db) >= 12.1875%',
      'utilization(orders-db) < 12.19%',
      'utilization(orders-db) <= 12.1875%',
      'utilization(orders-db) < 12.1875%',
      'cost.perMillion >= 0.2156 USD',
      'cost.perMillion <= 0.2156 USD',
      'cost.perMillion <= 0.21563 USD',
    ]);
    expect(r.budgets!.results.map((x) => [x.pass, x.text, x.value])).toEqual([
      // broken: the value shown with the decimals that tell it from the limit; the JSON value is
      // the exact figure (12 significant digits) in every budget on it, whatever the text shows
      [false, 'BROKEN: throughput >= 1230.77/s in alpha: value 1230.769/s', 1230.76923077],
      [true, 'ok: throughput >= 1230.769/s in alpha: value 1230.769/s', 1230.76923077],
      [true, 'ok: throughput < 1230.77/s in alpha: value 1230.769/s', 1230.76923077],
      [false, 'BROKEN: throughput(orders.place) >= 571.43/s in alpha: value 571.429/s', 571.428571429],
      [true, 'ok: throughput(orders.place) >= 571.428/s in alpha: value 571.429/s', 571.428571429],
      [true, 'ok: throughput(orders.place) < 571.43/s in alpha: value 571.429/s', 571.428571429],
      [false, 'BROKEN: utilization(orders-db) >= 12.19% in alpha: value 12.188%', 0.121875],
      [true, 'ok: utilization(orders-db) >= 12.1875% in alpha: value 12.1875%', 0.121875],
      [true, 'ok: utilization(orders-db) < 12.19% in alpha: value 12.188%', 0.121875],
      [true, 'ok: utilization(orders-db) <= 12.1875% in alpha: value 12.1875%', 0.121875],
      [false, 'BROKEN: utilization(orders-db) < 12.1875% in alpha: value 12.1875%', 0.121875],
      [true, 'ok: cost.perMillion >= 0.2156 USD in alpha: value $0.2156', 0.21562658549],
      [false, 'BROKEN: cost.perMillion <= 0.2156 USD in alpha: value $0.21563', 0.21562658549],
      [true, 'ok: cost.perMillion <= 0.21563 USD in alpha: value $0.21563', 0.21562658549],
    ]);
  });

  it('through the CLI: the tester’s three budgets are broken, exit 1, and no ✅ beside a limit its value equals', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-budget-exact-'));
    writeFileSync(join(dir, 'same.yaml'), SAME);
    writeFileSync(join(dir, 'budget.yaml'), 'layout: alpha\nbudgets:\n  - throughput >= 1230.77/s\n  - throughput(orders.place) >= 571.43/s\n  - utilization(orders-db) >= 12.19%\n');
    const out = await report([join(dir, 'same.yaml'), '--layouts', 'alpha', '--budget', join(dir, 'budget.yaml'), '--no-faults', '--format', 'md']);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain(
      [
        '| ❌ | `throughput >= 1230.77/s` | alpha | 1230.769/s |',
        '| ❌ | `throughput(orders.place) >= 571.43/s` | alpha | 571.429/s |',
        '| ❌ | `utilization(orders-db) >= 12.19%` | alpha | 12.188% |',
      ].join('\n'),
    );
    expect(out.stderr.split('\n').filter((l) => l.includes('budget'))).toEqual([
      'archsim: budget broken: throughput >= 1230.77/s in alpha: value 1230.769/s (limit >= 1230.77/s)',
      'archsim: budget broken: throughput(orders.place) >= 571.43/s in alpha: value 571.429/s (limit >= 571.43/s)',
      'archsim: budget broken: utilization(orders-db) >= 12.19% in alpha: value 12.188% (limit >= 12.19%)',
      'archsim: 3 budgets broken',
    ]);
  });
});

describe('the tolerance of an unrounded comparison', () => {
  it('is a billionth of the limit past 1: a float’s last digit off a large limit is at it, a hundredth past 10 million is not', () => {
    const parsed = parseBudgets('budgets:\n  - cost.monthly <= 10000000 USD\n  - cost.monthly == 10000000 USD\n', 'b.yaml');
    if (!parsed.ok) throw new Error(parsed.errors.map(formatDiagnostic).join('\n'));
    const at = (cost: number) => {
      const r = evaluateBudgets(parsed.value, [layoutFixture('microservices', { cost })], undefined);
      if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
      return r.results.map((x) => x.pass);
    };
    expect(at(10000000.000000002)).toEqual([true, true]);
    expect(at(10000000.009)).toEqual([true, true]);
    expect(at(10000000.02)).toEqual([false, false]);
  });
});
