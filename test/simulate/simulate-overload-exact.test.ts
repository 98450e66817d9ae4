// simulate()'s overload verdict, its demand per request, the network row and the replications'
// combination (src/simulate/simulate.ts), exact on runs of a few hundred requests through one
// station of constant 10 ms service (saturation at exactly 100 requests/s), so a mutation run
// pays milliseconds for them. Values marked "pinned" are the seeded run's own (deterministic).
import { describe, expect, it } from 'vitest';
import { parseScenario, type Scenario } from '../../src/simulate/scenario.js';
import { simulate } from '../../src/simulate/simulate.js';
import { network, queue } from './builder.js';

const mix = { 'a.op': 1 };
const tenMs = () => queue({ dist: 'const', mean: 10 });
/** The seed of replication 1 (simulate.ts: seed + i·0x9e3779b9). */
const secondSeed = (seed: number) => (seed + Math.imul(1, 0x9e3779b9)) >>> 0;
const scenario = (text: string): Scenario => {
  const r = parseScenario(text, 'overload.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.scenario;
};

describe('the overload verdict: offered load against the saturation rate, both sides of 1', () => {
  it('at exactly the saturation rate (100/s of 10 ms) the station is saturated by the offered load, ρ = 1.00', () => {
    const r = simulate(tenMs(), 'one', { rate: 100, duration: 2000, mix, seed: 1 });
    expect(r.saturationThroughput).toBe(100);
    expect(r.saturated).toEqual({ station: 'ua', utilization: 1, by: 'offered load' });
    expect(r.warnings).toEqual(['unstable: ua is saturated (ρ=1.00); latencies are unbounded']);
    // overloaded: the mean work handed out per visit × visits per request, exactly the service time
    expect(r.stations.map((s) => [s.id, s.demandPerRequest])).toEqual([['ua', 10]]);
  });

  it('at twice the saturation rate: ρ = 2.00, the demand still the service time', () => {
    const r = simulate(tenMs(), 'one', { rate: 200, duration: 1000, mix, seed: 1 });
    expect(r.saturated).toEqual({ station: 'ua', utilization: 2, by: 'offered load' });
    expect(r.warnings).toEqual(['unstable: ua is saturated (ρ=2.00); latencies are unbounded']);
    expect(r.stations[0]!.demandPerRequest).toBe(10);
  });

  it('at half the saturation rate: no verdict, no warning, the demand is busy time over completed requests (pinned)', () => {
    const r = simulate(tenMs(), 'one', { rate: 50, duration: 2000, mix, seed: 1 });
    expect('saturated' in r).toBe(false);
    expect(r.warnings).toEqual([]);
    expect(r.stations[0]!.demandPerRequest).toBe(9.76485);
    expect(r.operations[0]!.count).toBe(104);
  });

  it('below the saturation rate on average but a backlog that grows (a slow fault): saturated by the backlog, at the bottleneck (pinned)', () => {
    const slow = scenario('name: s\nfailures:\n  - { description: a slow, domain: a, at: 500ms, for: 1500ms, slow: 5 }\n');
    const r = simulate(tenMs(), 'one', { rate: 50, duration: 2000, mix, seed: 1, scenario: slow });
    expect(r.saturated).toEqual({ station: 'ua', utilization: 0.882758, by: 'backlog' });
    expect(r.bottleneck).toEqual({ station: 'ua', utilization: 0.882758 });
    expect(r.warnings).toEqual([
      'unstable: ua is saturated (ρ=0.88); latencies are unbounded',
      'the backlog grew by 54 requests over the measured window: the latencies above grow with the run length',
      'scenario: a slow → unit ua (runs a) slow ×5',
    ]);
  });
});

describe('the rows and warnings of one run', () => {
  it('no network row without network latency; with 1 ms a hop, a row of 2 ms a request (two hops) at twice the throughput', () => {
    const none = simulate(network([{ dist: 'const', mean: 2 }, { dist: 'const', mean: 3 }]), 'one', { rate: 50, duration: 1000, mix, seed: 1 });
    expect(none.stations.map((s) => s.id)).toEqual(['ua', 'ub']);
    const r = simulate(network([{ dist: 'const', mean: 2 }, { dist: 'const', mean: 3 }], { latency: 1 }), 'one', { rate: 50, duration: 2000, mix, seed: 1 });
    const X = r.operations[0]!.throughput;
    expect(r.stations.map((s) => s.id)).toEqual(['ua', 'ub', 'network']);
    expect(r.stations[2]).toEqual({ id: 'network', kind: 'network', replicas: 0, cores: 0, discipline: 'ps', utilization: 0, meanQueue: expect.closeTo((X * 2) / 1000, 6), demandPerRequest: 2, visitRate: expect.closeTo(X * 2, 6), cpu: 0 });
  });

  it("the compiler's warnings come first in the result's", () => {
    const two = network([{ dist: 'const', mean: 2 }, { dist: 'const', mean: 3 }]);
    const { ub: _dropped, ...units } = two.layouts.one!.units;
    const lone = { ...two, layouts: { one: { ...two.layouts.one!, units } } };
    const r = simulate(lone, 'one', { rate: 50, duration: 1000, mix, seed: 1 });
    expect(r.warnings).toEqual(['b is placed in no unit of one; calls to b.op are skipped', 'b is placed in no unit of one; b.op does nothing']);
    expect(r.stations.map((s) => s.id)).toEqual(['ua']);
  });
});

describe('replications combined', () => {
  it('counts, events and requests add up over the replications; the verdict and the warnings (once) carry over', () => {
    const r = simulate(tenMs(), 'one', { rate: 200, duration: 1000, mix, seed: 1, replications: 2 });
    const a = simulate(tenMs(), 'one', { rate: 200, duration: 1000, mix, seed: 1 });
    const b = simulate(tenMs(), 'one', { rate: 200, duration: 1000, mix, seed: secondSeed(1) });
    expect(r.replications).toBe(2);
    expect(r.operations[0]!.count).toBe(a.operations[0]!.count + b.operations[0]!.count);
    expect(r.operations[0]!.count).toBe(395);
    expect(r.stats).toEqual({ events: a.stats!.events + b.stats!.events, requests: a.stats!.requests + b.stats!.requests });
    expect(r.saturated).toEqual({ station: 'ua', utilization: 2, by: 'offered load' });
    expect(r.warnings).toEqual(['unstable: ua is saturated (ρ=2.00); latencies are unbounded']);
  });

  it('errors add up over the replications (a unit down for 0.5 s of each)', () => {
    const down = scenario('name: d\nfailures:\n  - { description: a down, domain: a, at: 500ms, for: 500ms }\n');
    const r = simulate(tenMs(), 'one', { rate: 50, duration: 2000, mix, seed: 1, replications: 2, scenario: down });
    const a = simulate(tenMs(), 'one', { rate: 50, duration: 2000, mix, seed: 1, scenario: down });
    const b = simulate(tenMs(), 'one', { rate: 50, duration: 2000, mix, seed: secondSeed(1), scenario: down });
    expect([a.operations[0]!.errors, b.operations[0]!.errors]).toEqual([27, 18]);
    expect(r.operations[0]!.errors).toBe(45);
    expect(r.warnings).toEqual(['scenario: a down → unit ua (runs a) down']);
  });
});
