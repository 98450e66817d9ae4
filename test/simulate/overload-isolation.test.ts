// One saturated station leaves the rest of the network's figures alone: an operation that never
// visits it, and a station it never sends work to, keep finite, steady-state figures. A request
// that visits the saturated station and then returns to one it visited before used to make that
// return visit's wait NaN (an infinite time away), and NaN spread to every operation through the
// revisited station (found on a blueprint no one had run: identity.login "-" at 26% of its
// database, and a false budget failure in `report`).
import { describe, expect, it } from 'vitest';
import { Blueprint } from '../../src/model/schema.js';
import { simulate } from '../../src/simulate/simulate.js';

/** front.heavy: front → back.slow (25 ms) → front → side.get; front.light: front → side.get. */
const blueprint = Blueprint.parse({
  apiVersion: 'archsim/v1',
  kind: 'Blueprint',
  metadata: { name: 'min-sat' },
  system: {
    domains: {
      front: {
        operations: {
          heavy: { route: 'GET /heavy', cpu: '0.5ms', calls: ['back.slow', 'side.get'] },
          light: { route: 'GET /light', cpu: '0.5ms', calls: ['side.get'] },
        },
      },
      side: { operations: { get: { cpu: '0.2ms' } } },
      back: { operations: { slow: { cpu: '25ms' } } },
    },
  },
  layouts: {
    two: {
      units: {
        front: { domains: ['front'], port: 8080 },
        back: { domains: ['back'], port: 8081 },
        side: { domains: ['side'], port: 8082 },
      },
    },
  },
  workload: { rate: '100/s', mix: { 'front.heavy': 1, 'front.light': 1 } },
});

describe('analytic: a saturated station bounds only what visits it', () => {
  // 50/s of 25 ms on back: ρ 1.25
  const r = simulate(blueprint, 'two', { method: 'analytic' });
  const op = (id: string) => r.operations.find((o) => o.id === id)!;
  const station = (id: string) => r.stations.find((s) => s.id === id)!;

  it('the operation through the saturated station is unbounded, and the run says which station', () => {
    expect(r.saturated?.station).toBe('back');
    expect(op('front.heavy').latency.mean).toBe(Infinity);
    expect(op('front.heavy').latency.p95).toBe(Infinity);
    expect(station('back').meanQueue).toBe(Infinity);
  });

  it('the operation that never visits it has finite figures, in order, within 10% of the DES', () => {
    const light = op('front.light').latency;
    for (const x of [light.mean, light.p50, light.p90, light.p95, light.p99, light.max]) expect(Number.isFinite(x)).toBe(true);
    expect(light.p50).toBeLessThan(light.p95);
    expect(light.p95).toBeLessThan(light.p99);
    // its own work (0.5 + 0.2 ms and two network hops each way at the default latency) is the floor
    expect(light.mean).toBeGreaterThan(0.7);
    const des = simulate(blueprint, 'two', { method: 'des', duration: 20_000, seed: 7 });
    const desLight = des.operations.find((o) => o.id === 'front.light')!.latency.mean;
    expect(Math.abs(light.mean - desLight) / desLight).toBeLessThan(0.1);
  });

  it('the revisited station at 6.7% and the callee at 3.1% keep finite, small queues', () => {
    // its utilization is its offered load, ten times that at a tenth of the rate (a stable run)
    const tenth = simulate(blueprint, 'two', { method: 'analytic', rate: 10 });
    expect(station('front').utilization).toBeCloseTo(10 * tenth.stations.find((s) => s.id === 'front')!.utilization, 12);
    expect(station('front').utilization).toBeLessThan(0.07);
    expect(station('front').meanQueue).toBeGreaterThan(0);
    expect(station('front').meanQueue).toBeLessThan(0.05);
    expect(Number.isFinite(station('side').meanQueue)).toBe(true);
  });
});
