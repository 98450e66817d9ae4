// A budget's value and limit, as the report and the terminal show them. The value was rounded to
// the figure's default digits whatever the limit said, so a budget broken by a hair read as met
// ("BROKEN: throughput > 384.62/s: value 385/s"), and the terminal printed a ratio's limit as the
// raw float in another unit than its value ("value 20.8% (limit < 0.20800000000000002)").
import { describe, expect, it } from 'vitest';
import { evaluateBudgets, formatLimit, parseBudgets } from '../../src/report/budget.js';
import { layoutFixture } from './fixture.js';

function evaluate(lines: string[]) {
  const parsed = parseBudgets(`budgets:\n${lines.map((l) => `  - "${l}"`).join('\n')}\n`, 'b.yaml');
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
  const l = layoutFixture();
  l.saturation.throughputRps = 384.62;
  l.cost.perMillionRequestsUsd = 0.2997;
  l.stations[1]!.utilization = 0.208;
  const r = evaluateBudgets(parsed.value, [l], undefined);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.results;
}

describe('budget values and limits at the boundary', () => {
  it('show the value with the limit’s decimals, so a broken budget reads broken', () => {
    const r = evaluate(['throughput > 384.62/s', 'throughput >= 384.62/s', 'cost.perMillion < 0.2997 USD', 'p95(messages.send) < 14.80ms', 'utilization(message-service) < 20.8%', 'utilization(message-service) <= 0.208', 'cost.monthly < 172 USD']);
    expect(r.map((x) => [x.pass, x.text])).toEqual([
      [false, 'BROKEN: throughput > 384.62/s in microservices: value 384.62/s'],
      [true, 'ok: throughput >= 384.62/s in microservices: value 384.62/s'],
      [false, 'BROKEN: cost.perMillion < 0.2997 USD in microservices: value $0.2997'],
      [false, 'BROKEN: p95(messages.send) < 14.80ms in microservices: value 14.8 ms'],
      [false, 'BROKEN: utilization(message-service) < 20.8% in microservices: value 20.8%'],
      [true, 'ok: utilization(message-service) <= 0.208 in microservices: value 20.8%'],
      [false, 'BROKEN: cost.monthly < 172 USD in microservices: value $172'],
    ]);
  });

  it('show the limit in the unit of the value, with the decimals it was written with', () => {
    const r = evaluate(['throughput > 384.62/s', 'cost.perMillion < 0.2997 USD', 'p95(messages.send) < 0.01s', 'utilization(message-service) < 20.8%', 'cost.monthly < 172 USD', 'lint.warnings <= 1']);
    expect(r.map(formatLimit)).toEqual(['> 384.62/s', '< $0.2997', '< 10 ms', '< 20.8%', '< $172', '<= 1']);
  });
});
