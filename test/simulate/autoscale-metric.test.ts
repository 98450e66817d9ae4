// The DES autoscaler scales on the metric the blueprint names, as the generated HPA does
// (generate/k8s.ts hpa): replicas = ceil(current × metric per replica / target), within [min, max].
// The unit has 64 servers a replica and 100 ms of work a request: at 300/s a replica holds 30
// requests in service (no queueing) and is 47% busy, under the default 70% CPU target, so on CPU
// it never leaves its 1 replica; on requests or connections it goes to ceil(300 / target) or
// ceil(30 / target).
import { describe, expect, it } from 'vitest';
import type { Autoscale } from '../../src/model/schema.js';
import { simulate } from '../../src/simulate/simulate.js';
import { bp } from './helpers.js';

const wide = bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: wide }
system:
  domains:
    a:
      operations:
        op: { route: GET /op, cpu: { dist: const, mean: 100ms } }
layouts:
  one:
    units: { u: { domains: "*", port: 8000, workers: 64 } }
`);

/** The unit u autoscaled by `a` (1 to 6 replicas, ready 1 s after the order), at 300/s for 60 s with a 10 s warm-up. */
function run(a: Partial<Autoscale>) {
  const autoscale = { min: 1, max: 6, metric: 'cpu', targetUtilization: 0.7, scaleUpDelay: 1000, coldStart: 0, ...a } as Autoscale;
  const r = simulate(wide, 'one', { rate: 300, duration: 60_000, warmup: 10_000, seed: 7, compileOptions: { autoscale: { u: autoscale } } });
  const u = r.stations.find((s) => s.id === 'u')!;
  return { max: u.maxReplicas, replicas: u.replicas, utilization: u.utilization };
}

describe('the DES autoscaler reads the blueprint’s metric', () => {
  it('requests: 300/s over a target of 85 a replica is ceil(3.53) = 4 replicas, held through the window', () => {
    // 4 from the first tick (5 s) on: every replica of the measured window (10–60 s) is one of 4,
    // so the window's visit counts, zeroed when it opens, never read as a fall in the rate.
    expect(run({ metric: 'requests', target: 85 })).toEqual({ max: 4, replicas: 4, utilization: expect.closeTo(0.117, 2) });
  });

  it('requests: capped at max (300/s over 20 is 15, max 6)', () => {
    expect(run({ metric: 'requests', target: 20 }).max).toBe(6);
  });

  it('connections: 30 requests in the unit over a target of 8.5 a replica is ceil(3.53) = 4 replicas', () => {
    expect(run({ metric: 'connections', target: 8.5 })).toEqual({ max: 4, replicas: 4, utilization: expect.closeTo(0.117, 2) });
  });

  it('connections: capped at max (30 over 2 is 15, max 6)', () => {
    expect(run({ metric: 'connections', target: 2 }).max).toBe(6);
  });

  it('cpu: 47% busy under the 70% target keeps 1 replica; at a 20% target ceil(0.47 / 0.2) = 3', () => {
    expect(run({ metric: 'cpu' })).toEqual({ max: 1, replicas: 1, utilization: expect.closeTo(0.469, 2) });
    expect(run({ metric: 'cpu', targetUtilization: 0.2 }).max).toBe(3);
  });

  it('requests or connections with no target fall back to CPU, as the analytic warning says', () => {
    expect(run({ metric: 'requests' }).max).toBe(1);
    expect(run({ metric: 'connections', targetUtilization: 0.2 }).max).toBe(3);
  });
});
