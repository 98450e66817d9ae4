// A DES sweep past saturation: where circuit breakers and timeouts shed the excess (requests
// finish as fast as they arrive, a material share failing) the latencies are bounded and the
// sweep says so; where the backlog grows — with no errors, or with errors that relieve nothing —
// the point stays flagged saturated and the CLI's note calls its latencies unbounded.
import { describe, expect, it } from 'vitest';
import type { Blueprint } from '../../src/model/schema.js';
import { renderSweep } from '../../src/cli/render-sim.js';
import { simulate } from '../../src/simulate/simulate.js';
import { sweepCurve } from '../../src/simulate/sweep.js';
import { bp } from './helpers.js';

/** front (0.1 ms) calls back (10 ms exponential, one server: 100/s) with this call policy. */
const chain = (policy: string) =>
  bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shed }
system:
  domains:
    a:
      operations:
        op: { route: GET /op, cpu: 0.1ms, calls: [ ${policy} ] }
    b:
      operations:
        work: { internal: true, cpu: { dist: exp, mean: 10ms } }
layouts:
  two:
    units:
      front: { domains: [a], port: 8000, workers: 4 }
      back: { domains: [b], port: 8001 }
`);

/**
 * front (one server) saturated by heavy (90% of the mix, 10 ms): flaky's call times out every
 * time (1 ms against 5 ms of work) and fails 10% of requests, which relieves front of nothing.
 */
const mixed = bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: mixed }
system:
  domains:
    a:
      operations:
        heavy: { route: GET /heavy, cpu: { dist: exp, mean: 10ms } }
        flaky: { route: GET /flaky, cpu: 0.1ms, calls: [ { op: b.slow, timeout: 1ms } ] }
    b:
      operations:
        slow: { internal: true, cpu: { dist: const, mean: 5ms } }
layouts:
  two:
    units:
      front: { domains: [a], port: 8000 }
      back: { domains: [b], port: 8001, workers: 8 }
workload: { rate: 100/s, mix: { a.heavy: 90, a.flaky: 10 } }
`);

const sweep = (blueprint: Blueprint, rates: number[]) => {
  const o = { duration: 20_000, warmup: 2000, seed: 3 };
  return sweepCurve(blueprint, 'two', 'des', rates.map((rate) => ({ rate, result: simulate(blueprint, 'two', { ...o, rate }) })), o);
};
const BREAKER = '{ op: b.work, timeout: 100ms, circuitBreaker: { failureThreshold: 50%, window: 1s, minCalls: 10, openFor: 1s } }';
const notes = (text: string) => text.split('\n').filter((l) => l.startsWith('note: '));

describe('sweep past saturation: load shed or a growing backlog', () => {
  it('a circuit breaker sheds the excess: the point is not flagged, the note gives the error share, nothing is called unbounded', () => {
    const s = sweep(chain(BREAKER), [150]);
    expect(s.points[0]!.saturated).toBeUndefined();
    expect(s.points[0]!.errorRate).toBeCloseTo(0.88, 2);
    expect(s.points[0]!.throughput / 150).toBeGreaterThan(0.98);
    expect(s.notes).toEqual([
      'at 150/s (back ρ=1.52, 88% errors) the offered load is past saturation but requests finished as fast as they arrived (no growing backlog): circuit breakers and timeouts shed load by failing requests, so latencies there are bounded rather than growing with the run length (with more requests failing fast they can fall as the rate rises)',
    ]);
    expect(notes(renderSweep(s)).filter((l) => l.includes('unbounded'))).toEqual([]);
  });

  it('no policy: the backlog grows, the point stays flagged and its latencies are called unbounded', () => {
    const s = sweep(chain('b.work'), [150]);
    expect(s.points[0]!.saturated).toEqual({ station: 'back', utilization: expect.closeTo(1.5165, 4), by: 'offered load' });
    expect(s.points[0]!.errorRate).toBe(0);
    expect(s.notes).toBeUndefined();
    expect(notes(renderSweep(s))).toEqual(['note: unstable from 150/s: back is saturated (ρ=1.52); latencies there are unbounded (the DES figures at those rates grow with the run length)']);
  });

  it('errors that relieve nothing (10% fail, front still takes every heavy request): requests finish slower than they arrive, still unbounded', () => {
    const s = sweep(mixed, [150]);
    expect(s.points[0]!.errorRate).toBeGreaterThan(0.09);
    expect(s.points[0]!.throughput).toBeLessThan(0.8 * 150);
    expect(s.points[0]!.saturated).toMatchObject({ station: 'front', by: 'offered load' });
    expect(s.notes).toBeUndefined();
    expect(notes(renderSweep(s))).toEqual(['note: unstable from 150/s: front is saturated (ρ=1.35); latencies there are unbounded (the DES figures at those rates grow with the run length)']);
  });

  it('several shedding points are listed in one note, each with its station, ρ and error share', () => {
    const s = sweep(chain(BREAKER), [150, 300]);
    expect(s.points.map((p) => Boolean(p.saturated))).toEqual([false, false]);
    expect(s.notes).toEqual([
      'at 150/s (back ρ=1.52, 88% errors) and 300/s (back ρ=3.03, 96% errors) the offered load is past saturation but requests finished as fast as they arrived (no growing backlog): circuit breakers and timeouts shed load by failing requests, so latencies there are bounded rather than growing with the run length (with more requests failing fast they can fall as the rate rises)',
    ]);
  });

  it('simulate says it too: saturated, with the shed share, and its warning calls the latencies bounded, not unbounded', () => {
    const r = simulate(chain(BREAKER), 'two', { duration: 20_000, warmup: 2000, seed: 3, rate: 150 });
    expect(r.saturated).toEqual({ station: 'back', utilization: expect.closeTo(1.5165, 4), by: 'offered load', shed: expect.closeTo(0.88, 2) });
    expect(r.warnings.filter((w) => w.startsWith('unstable'))).toEqual([
      'unstable: back is saturated (ρ=1.52), but the excess is shed: 88% of requests failed fast (circuit breakers, timeouts) and the rest finished as fast as they arrived, so latencies stay bounded rather than growing with the run length',
    ]);
    expect(r.warnings.filter((w) => w.includes('unbounded'))).toEqual([]);
  });

  it('simulate without a policy: saturated with no shed share, its latencies unbounded', () => {
    const r = simulate(chain('b.work'), 'two', { duration: 20_000, warmup: 2000, seed: 3, rate: 150 });
    expect(r.saturated).toEqual({ station: 'back', utilization: expect.closeTo(1.5165, 4), by: 'offered load' });
    expect(r.warnings.filter((w) => w.startsWith('unstable'))).toEqual(['unstable: back is saturated (ρ=1.52); latencies are unbounded']);
  });
});
