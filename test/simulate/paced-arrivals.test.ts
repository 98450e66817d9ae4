// Paced arrivals (workload `arrivals: paced`): requests evenly spaced with the mix in a fixed
// interleaved order, as archsim's load driver sends them. Checked against D/M/1, which is exact
// (GI/M/1 with deterministic interarrivals: σ = exp(−μ(1−σ)/λ), mean wait σ/(μ(1−σ))), and
// against the driver's own order of the mix.
import { describe, expect, it } from 'vitest';
import { analyze, klbFactor, PACED_NOTE } from '../../src/simulate/analytic.js';
import { simulate } from '../../src/simulate/simulate.js';
import { workloadFor } from '../../src/simulate/workload.js';
import { weightedPicker } from '../../src/loadtest/scenario.js';
import { nextOfMix } from '../../src/model/mix-order.js';
import { Blueprint } from '../../src/model/schema.js';
import { checkSemantics } from '../../src/model/semantics.js';
import { queue } from './builder.js';

const mix = { 'a.op': 1 };

/** D/M/1: P(wait) σ, the root of σ = exp(−μ(1−σ)/λ) in (0, 1), by bisection. */
function dm1Sigma(lambda: number, mu: number): number {
  let lo = 0;
  let hi = 1 - 1e-15;
  for (let i = 0; i < 200; i++) {
    const x = (lo + hi) / 2;
    if (Math.exp((-mu * (1 - x)) / lambda) > x) lo = x;
    else hi = x;
  }
  return (lo + hi) / 2;
}

describe('D/M/1: one server, exponential 10 ms service, requests every 1/λ', () => {
  const bp = queue();
  for (const rho of [0.5, 0.8]) {
    const rate = rho * 100;
    const sigma = dm1Sigma(rate / 1000, 0.1);
    const exactMean = 10 + (sigma * 10) / (1 - sigma);
    it(`ρ ${rho}: the DES matches the exact mean response (${exactMean.toFixed(3)} ms) and P(response > t)`, () => {
      const r = simulate(bp, 'one', { rate, mix, arrivals: 'paced', duration: 200_000, warmup: 5000, seed: 11, replications: 3 });
      const d = r.operations[0]!;
      expect(r.workload.arrivals).toBe('paced');
      expect(Math.abs(d.ci95!.mean.mean - exactMean)).toBeLessThan(Math.max(3 * d.ci95!.mean.halfWidth, 0.015 * exactMean));
      // GI/M/1: the response time is exponential with rate μ(1−σ), so p95 = −ln(0.05)/(μ(1−σ)).
      const p95 = -Math.log(0.05) / (0.1 * (1 - sigma));
      expect(Math.abs(d.latency.p95 - p95) / p95).toBeLessThan(0.03);
      // and far below Poisson's at the same rate (M/M/1: 10/(1−ρ))
      expect(d.latency.mean).toBeLessThan(0.9 * (10 / (1 - rho)));
    });
    it(`ρ ${rho}: the analytic method (Allen–Cunneen with the Krämer–Langenbach-Belz correction) is within 1% of the exact mean and names its approximation`, () => {
      const r = analyze(bp, 'one', { rate, mix, arrivals: 'paced' });
      expect(Math.abs(r.operations[0]!.latency.mean - exactMean) / exactMean).toBeLessThan(0.01);
      expect(r.warnings).toContain(`analytic: ${PACED_NOTE}`);
      // Poisson is unchanged: M/M/1 exactly, and no paced note
      const p = analyze(bp, 'one', { rate, mix });
      expect(p.operations[0]!.latency.mean).toBeCloseTo(10 / (1 - rho), 9);
      expect(p.warnings.join(' ')).not.toContain('paced arrivals');
    });
  }

  it('a tandem: the second station sees the first one’s departures (QNA), the analytic within 5% of the DES on the mean', () => {
    const bp2 = queue({ mean: 8 });
    const a = analyze(bp2, 'one', { rate: 90, mix, arrivals: 'paced' }).operations[0]!.latency.mean;
    const d = simulate(bp2, 'one', { rate: 90, mix, arrivals: 'paced', duration: 200_000, warmup: 5000, seed: 5, replications: 3 }).operations[0]!;
    expect(Math.abs(a - d.ci95!.mean.mean) / d.ci95!.mean.mean).toBeLessThan(0.05);
  });

  it('constant service at ρ 0.9: D/D/1 never waits (every response is the service time)', () => {
    const bp2 = queue({ dist: 'const', cv: 0 });
    const d = simulate(bp2, 'one', { rate: 90, mix, arrivals: 'paced', duration: 60_000, warmup: 1000, seed: 2 }).operations[0]!;
    expect(d.latency.max).toBeCloseTo(10, 6);
    expect(d.latency.mean).toBeCloseTo(10, 6);
    expect(analyze(bp2, 'one', { rate: 90, mix, arrivals: 'paced' }).operations[0]!.latency.mean).toBeCloseTo(10, 6);
  });
});

describe('klbFactor', () => {
  it('is 1 for Poisson or burstier arrivals and below 1 for smoother ones, falling as ρ falls', () => {
    expect(klbFactor(0.5, 1, 1)).toBe(1);
    expect(klbFactor(0.5, 2, 1)).toBe(1);
    expect(klbFactor(0.5, 0, 1)).toBeCloseTo(Math.exp(-2 / 3), 12);
    expect(klbFactor(0.9, 0, 1)).toBeCloseTo(Math.exp(-0.2 / 2.7), 12);
    expect(klbFactor(0.3, 0, 1)).toBeLessThan(klbFactor(0.6, 0, 1));
    expect(klbFactor(0, 0, 1)).toBe(1);
  });
});

describe('the mix in the driver’s order', () => {
  it('a paced run sends each operation exactly its share, in the order archsim’s driver uses', () => {
    const bp = Blueprint.parse({
      apiVersion: 'archsim/v1',
      kind: 'Blueprint',
      metadata: { name: 'two' },
      system: {
        domains: { a: { tables: [], operations: { x: { route: 'GET /x', cpu: { dist: 'const', mean: '1ms', cv: 0 } }, y: { route: 'GET /y', cpu: { dist: 'const', mean: '1ms', cv: 0 } } } } },
        defaults: { payload: { request: '0B', response: '0B' } },
      },
      layouts: { one: { units: { u: { domains: ['a'], port: 8000 } }, network: { latency: '0ms', cpuPerCall: '0ms', cpuPerKiB: '0ms' } } },
      catalog: {},
    });
    // 3:1 at 40/s for 100 s: 4,000 requests, 3,000 and 1,000 (a Poisson mix would be off by tens)
    const r = simulate(bp, 'one', { rate: 40, mix: { 'a.x': 3, 'a.y': 1 }, arrivals: 'paced', duration: 100_000, warmup: 0, seed: 9 });
    const count = Object.fromEntries(r.operations.map((o) => [o.id, o.count]));
    expect(count['a.x']! + count['a.y']!).toBeGreaterThanOrEqual(3999);
    expect(count['a.x']! + count['a.y']!).toBeLessThanOrEqual(4000);
    expect(Math.abs(count['a.x']! - 3 * count['a.y']!)).toBeLessThanOrEqual(3);
    // the driver's picker (smooth weighted round robin, as the DES's): x, x, y, x, then again
    const pick = weightedPicker([3, 1]);
    const order = Array.from({ length: 8 }, () => pick());
    expect(order).toEqual([0, 0, 1, 0, 0, 0, 1, 0]);
  });
});

describe('the paced stream itself', () => {
  it('takes the mix in exactly the driver’s order: nginx’s smooth weighted round robin, ties to the first entry', () => {
    // nginx's own example (weights 5, 1, 1: a a b a c a a), and a few more worked by hand
    const expected: [number[], string][] = [
      [[5, 1, 1], '0010200' + '0010200'],
      [[3, 1], '0010' + '0010' + '0010'],
      // 1, 2, 3 (credits after each pick): 2 [1,2,-3], 1 [2,-2,0], a tie at 3 to the first: 0, 2, 1, 2 [0,0,0]
      [[1, 2, 3], '210212' + '210212'],
      [[1, 1], '010101'],
      [[0.5, 0.25, 0.25], '0120' + '0120'],
    ];
    for (const [weights, order] of expected) {
      const total = weights.reduce((a, b) => a + b, 0);
      const credit = new Float64Array(weights.length);
      const weight = Float64Array.from(weights, (w) => w / total);
      const des = Array.from({ length: order.length }, () => nextOfMix(credit, weight)).join('');
      const driver = weightedPicker(weights);
      expect(des, weights.join(':')).toBe(order);
      expect(Array.from({ length: order.length }, () => driver()).join(''), weights.join(':')).toBe(order);
    }
  });

  it('starts exactly rate × duration requests, and stops at --requests', () => {
    const bp = queue({ mean: 1 });
    const r = simulate(bp, 'one', { rate: 50, mix, arrivals: 'paced', duration: 20_000, warmup: 0, seed: 4 });
    expect(r.stats!.requests).toBe(1000);
    const n = simulate(bp, 'one', { rate: 50, mix, arrivals: 'paced', requests: 300, duration: 20_000, warmup: 0, seed: 4 });
    expect(n.stats!.requests).toBe(300);
  });

  it('follows a profile’s rate, and carries on past a moment where the rate is 0 (a diurnal profile with min 0)', () => {
    const bp = queue({ mean: 1 });
    // 0 → 100/s → 0 over 20 s: 1,000 requests in all (the mean rate is 50/s), none lost at the 0/s start
    const profile = { kind: 'diurnal' as const, min: 0, max: 100, period: 20_000 };
    const r = simulate(bp, 'one', { rate: 50, profile, mix, arrivals: 'paced', duration: 20_000, warmup: 0, seed: 6 });
    expect(r.stats!.requests).toBeGreaterThan(950);
    expect(r.stats!.requests).toBeLessThan(1050);
  });
});

describe('where paced arrivals do not apply', () => {
  it('a closed workload with paced arrivals is a usage error, and a positioned blueprint error', () => {
    const bp = queue();
    expect(() => workloadFor(bp, { users: 5, arrivals: 'paced' })).toThrow(/paced arrivals need an open workload/);
    const withUsers = { ...bp, workload: { users: 5, arrivals: 'paced' as const, duration: 60_000, warmup: 0, mix } };
    const issues = checkSemantics(withUsers);
    expect(issues.some((d) => d.severity === 'error' && d.path.join('.') === 'workload.arrivals' && /open workload/.test(d.message))).toBe(true);
  });

  it('a profile on a closed workload, and a think time on an open one, are blueprint errors (each was silently ignored)', () => {
    const bp = queue();
    const at = (workload: object) => checkSemantics({ ...bp, workload: { duration: 60_000, warmup: 0, mix, ...workload } as never }).filter((d) => d.severity === 'error').map((d) => `${d.path.join('.')}: ${d.message}`);
    expect(at({ users: 5, profile: { kind: 'ramp', from: 10, to: 50, over: 60_000 } })).toEqual([
      'workload.profile: a profile shapes an open workload’s rate over time; a closed workload (users) has no rate to shape: give rate instead of users, or drop the profile',
    ]);
    expect(at({ rate: 10, thinkTime: { dist: 'exp', mean: 500, cv: 1 } })).toEqual([
      'workload.thinkTime: thinkTime is the wait between a user’s requests in a closed workload (users); an open workload (rate) has none',
    ]);
    expect(at({ profile: { kind: 'spike', base: 10, peak: 50, at: 1000, for: 1000 }, thinkTime: { dist: 'exp', mean: 500, cv: 1 } })).toHaveLength(1);
    expect(at({ users: 5, thinkTime: { dist: 'exp', mean: 500, cv: 1 } })).toEqual([]);
    expect(at({ rate: 10, profile: { kind: 'ramp', from: 10, to: 50, over: 60_000 } })).toEqual([]);
  });
});
