// A closed workload (users who think between requests, no rate) in the commands that set layouts
// at one open rate: compare refuses it in one line with each layout's throughput, as report does
// (both compared at an invented 100/s), and the automatic spike scenario takes the closed
// workload's own throughput as the busiest operation's usual rate, not 100/s.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { analyze } from '../../src/simulate/analytic.js';
import { autoScenarios, busiestOperation } from '../../src/simulate/auto-scenarios.js';
import { compare } from '../../src/simulate/compare.js';
import { bp } from './helpers.js';

// 3 users thinking 1 s: each layout serves just under 3/s (N / (R + Z)); the 4:1 mix puts a.x at 4/5 of it.
const CLOSED = bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: closed }
system:
  domains:
    a:
      operations:
        x: { route: GET /x, cpu: 2ms }
        y: { route: GET /y, cpu: 4ms }
layouts:
  one: { units: { app: { domains: "*", port: 8000, instance: vm } } }
  two: { units: { app: { domains: "*", port: 8000, instance: vm, replicas: 2 } } }
workload: { users: 3, thinkTime: 1s, mix: { a.x: 4, a.y: 1 } }
catalog:
  vm: { vcpu: 1, usdPerMonth: $6 }
`);

describe('compare under a closed workload', () => {
  it('is refused with each layout’s throughput, asking for --rate', () => {
    let err: unknown;
    try {
      compare(CLOSED, ['one', 'two']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/^the blueprint's workload is closed \(3 users, each thinking 1000 ms between requests\): compare sets the layouts at one open rate, which a closed workload does not have \(it serves 2\.99\/s in one, 2\.99\/s in two\); pass --rate$/);
  });

  it('with a rate it compares at that rate', () => {
    expect(compare(CLOSED, ['one', 'two'], { rate: 3 }).atRate[0]!.workload.rate).toBe(3);
  });
});

describe('the automatic spike under a closed workload', () => {
  it('is of the busiest operation at its share of the closed throughput in the first layout', () => {
    const total = analyze(CLOSED, 'one').operations.reduce((s, o) => s + o.throughput, 0);
    expect(total).toBeGreaterThan(2.9);
    expect(total).toBeLessThan(3);
    const b = busiestOperation(CLOSED)!;
    expect(b.id).toBe('a.x');
    expect(b.rate).toBeCloseTo(total * 0.8, 9);
    // ×4 its usual rate: +3 times it, in the description
    const spike = autoScenarios(CLOSED).find((s) => s.name.endsWith('spike-a.x'))!;
    expect(spike.description).toBe(`a.x, the busiest operation, at ×4 its usual rate for 15 s (+${Math.round(b.rate * 3 * 100) / 100}/s).`);
    expect(spike.description).toMatch(/\(\+7\.\d+\/s\)/);
  });
});
