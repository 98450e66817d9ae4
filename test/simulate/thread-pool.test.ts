// A unit's thread pool (libuv) as its own station: an operation's `pool` work queues for the
// unit's `threadPool` threads beside the event loop, and on a shared host takes the host's cores.
// Checked against closed forms:
// - one pool thread, exponential pool work: the pool is an M/M/1 behind the loop;
// - four pool threads at the same load: an M/M/4 (Erlang C), far less waiting;
// - on a shared host of one core, the pool's work competes with the loop's for that core, so the
//   host is an M/M/1 at the sum of both demands (the layered model of host-layered.test.ts);
// - there the event loop's work comes first (a thread that mostly sleeps preempts a CPU-bound one
//   on Linux; ps-pool.ts): M/M/1 with preemptive priority, each class's mean in closed form.
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/simulate/compile.js';
import { erlangC } from '../../src/simulate/queueing.js';
import { simulate } from '../../src/simulate/simulate.js';
import { DEFAULT_POOL_WEIGHT } from '../../src/simulate/pool-weight.js';
import { bp } from './helpers.js';

function withPool(threads: number, poolMean = '4ms', cpu = '0.001ms') {
  return bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: pooled }
system:
  domains:
    a:
      operations:
        hash: { route: POST /hash, cpu: { dist: const, mean: ${cpu} }, pool: { dist: exp, mean: ${poolMean} } }
        plain: { route: GET /plain, cpu: { dist: const, mean: 0.001ms } }
workload: { rate: 100/s, mix: { a.hash: 1 } }
layouts:
  l:
    units:
      u: { domains: "*", port: 8001, threadPool: ${threads} }
    network: { latency: 0ms, cpuPerCall: 0ms, cpuPerKiB: 0ms }
`);
}
/** One unit: `plain` 2 ms of loop work, `hash` 4 ms of pool work (and 1 µs of loop), 100/s each. */
function loopAndHash() {
  return bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: priority }
system:
  domains:
    a:
      operations:
        hash: { route: POST /hash, cpu: { dist: const, mean: 0.001ms }, pool: { dist: exp, mean: 4ms } }
        plain: { route: GET /plain, cpu: { dist: exp, mean: 2ms } }
workload: { rate: 200/s, mix: { a.hash: 1, a.plain: 1 } }
layouts:
  l:
    units:
      u: { domains: "*", port: 8001, threadPool: 4 }
    network: { latency: 0ms, cpuPerCall: 0ms, cpuPerKiB: 0ms }
`);
}

const des = (b: ReturnType<typeof withPool>, rate: number, host?: number) =>
  simulate(b, 'l', { method: 'des', rate, mix: { 'a.hash': 1 }, duration: 400_000, warmup: 10_000, seed: 3, ...(host ? { host: { cores: host, driverCpu: 0 } } : {}) });

describe('thread pool station', () => {
  it('is compiled only for units whose operations declare pool work, with threadPool × workers servers', () => {
    const c = compile(withPool(4), 'l');
    const pool = c.stations.find((s) => s.kind === 'pool');
    expect(pool).toMatchObject({ id: 'u (thread pool)', servers: 4, replicas: 1, discipline: 'fcfs' });
    const none = compile(bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: nopool }
system:
  domains:
    a:
      operations:
        plain: { route: GET /plain }
workload: { rate: 1/s, mix: { a.plain: 1 } }
layouts:
  l:
    units:
      u: { domains: "*", port: 8001 }
`), 'l');
    expect(none.stations.some((s) => s.kind === 'pool')).toBe(false);
  });

  it('one thread: the pool is an M/M/1 (mean response 1/(μ − λ))', () => {
    // λ = 150/s = 0.15/ms, μ = 0.25/ms → 10 ms; as a plain delay it would be 4 ms
    const r = des(withPool(1), 150);
    expect(r.littleCheck.meanResponse).toBeGreaterThan(10 * 0.93);
    expect(r.littleCheck.meanResponse).toBeLessThan(10 * 1.07);
    const a = simulate(withPool(1), 'l', { method: 'analytic', rate: 150, mix: { 'a.hash': 1 } });
    const hash = a.operations.find((o) => o.id === 'a.hash')!;
    expect(hash.latency.mean).toBeGreaterThan(10 * 0.95);
    expect(hash.latency.mean).toBeLessThan(10 * 1.05);
  });

  it('four threads at the same load: an M/M/4 (Erlang C)', () => {
    const lambda = 0.15;
    const S = 4;
    const c = 4;
    const rho = (lambda * S) / c;
    const expected = S + (erlangC(c, lambda * S) * S) / (c * (1 - rho));
    const r = des(withPool(4), 150);
    expect(r.littleCheck.meanResponse).toBeGreaterThan(expected * 0.95);
    expect(r.littleCheck.meanResponse).toBeLessThan(expected * 1.05);
    expect(r.stations.find((s) => s.kind === 'pool')!.utilization).toBeCloseTo(rho, 1);
  });

  it('on a one-core host the pool threads share the core with everything else', () => {
    // four threads, but one core: the work is served at one core's rate, an M/M/1 at λ
    // (4 ms each at 150/s is 60% of the core): 1/(0.25 − 0.15) = 10 ms, not the M/M/4's 4.5 ms
    const r = des(withPool(4), 150, 1);
    expect(r.littleCheck.meanResponse).toBeGreaterThan(10 * 0.9);
    expect(r.littleCheck.meanResponse).toBeLessThan(10 * 1.1);
  });

  it('with pool weight 0 the event loop comes first: M/M/1 with preemptive priority, both classes exact in the mean', () => {
    // plain: 2 ms of loop work, hash: 4 ms of pool work (and 1 µs of loop), 100/s each.
    // Loop (high class): ρH = 0.2, T = 2 / (1 − 0.2) = 2.5 ms, whatever the pool does; plain
    // processor sharing of the core would give 2 / (1 − 0.6) = 5 ms.
    // Pool (low class): T = S/(1 − ρH) + R/((1 − ρH)(1 − ρ)), R = Σ ρᵢ·Sᵢ = 0.2·2 + 0.4·4 = 2:
    // 4/0.8 + 2/(0.8·0.4) = 5 + 6.25 = 11.25 ms.
    const b = loopAndHash();
    const mix = { 'a.hash': 1, 'a.plain': 1 };
    const host = { cores: 1, driverCpu: 0, poolWeight: 0 };
    const d = simulate(b, 'l', { method: 'des', rate: 200, mix, duration: 400_000, warmup: 10_000, seed: 5, host });
    const mean = (r: typeof d, id: string) => r.operations.find((o) => o.id === id)!.latency.mean;
    expect(mean(d, 'a.plain')).toBeGreaterThan(2.5 * 0.95);
    expect(mean(d, 'a.plain')).toBeLessThan(2.5 * 1.05);
    expect(mean(d, 'a.hash')).toBeGreaterThan(11.25 * 0.94);
    expect(mean(d, 'a.hash')).toBeLessThan(11.25 * 1.06);
    // The analytic method: the pool visit by the same closed form; the loop's work exactly as if
    // the pool's were not there (its own 100/s alone), which is 3 ms and not 2.5 here because the
    // layered host model stretches the loop's service on top of its own M/M/1 wait (a single
    // station is its worst case: host-layered.test.ts).
    const a = simulate(b, 'l', { method: 'analytic', rate: 200, mix, host });
    expect(mean(a, 'a.hash')).toBeGreaterThan(11.25 * 0.97);
    expect(mean(a, 'a.hash')).toBeLessThan(11.25 * 1.03);
    const alone = simulate(b, 'l', { method: 'analytic', rate: 100, mix: { 'a.plain': 1 }, host });
    // (the hash's 1 µs of loop work per request is the only high-priority load the mix adds)
    expect(mean(a, 'a.plain')).toBeCloseTo(mean(alone, 'a.plain'), 3);
  });

  it('a pool weight between 0 and 1 puts both classes between priority and plain sharing, in the DES and the analytic method', () => {
    // the priority example above (ρ 0.2 of loop work, 0.4 of pool work on one core)
    const b = loopAndHash();
    const mix = { 'a.hash': 1, 'a.plain': 1 };
    const at = (method: 'des' | 'analytic', poolWeight: number) => {
      const r = simulate(b, 'l', { method, rate: 200, mix, duration: 200_000, warmup: 10_000, seed: 5, host: { cores: 1, driverCpu: 0, poolWeight } });
      return { plain: r.operations.find((o) => o.id === 'a.plain')!.latency.mean, hash: r.operations.find((o) => o.id === 'a.hash')!.latency.mean };
    };
    for (const method of ['des', 'analytic'] as const) {
      const [p0, pHalf, p1] = [at(method, 0), at(method, 0.5), at(method, 1)];
      // the loop's work waits more as the pool's weight grows, the pool's less
      expect(pHalf.plain).toBeGreaterThan(p0.plain * 1.03);
      expect(pHalf.plain).toBeLessThan(p1.plain * 0.97);
      expect(pHalf.hash).toBeLessThan(p0.hash * 0.99);
      expect(pHalf.hash).toBeGreaterThan(p1.hash * 1.01);
    }
    // and the default is the measured weight, not priority
    const dflt = simulate(b, 'l', { method: 'des', rate: 200, mix, duration: 200_000, warmup: 10_000, seed: 5, host: { cores: 1, driverCpu: 0 } });
    expect(dflt.operations.find((o) => o.id === 'a.plain')!.latency.mean).toBe(at('des', DEFAULT_POOL_WEIGHT).plain);
  });

  it('analytic, one core: both classes at pool weights 0, ½ and 1, worked by hand from the stated model', () => {
    // The example above: loop work ρ 0.2 (plain, 2 ms), pool work ρ 0.4 (hash, 4 ms), a = 0.6.
    // The loop sees w of the pool's load, aH = 0.2 + 0.4w: its 2 ms stretched by the host's
    // 1 + aH/(1 − aH), plus its own M/G/1 wait (0.5 ms): plain = 3, 3.833, 5.5 ms.
    // A hash waits that 0.5 ms too for its 1 µs of loop work, then runs its 4 ms on the pool,
    // stretched linearly in w from priority's 1/(1 − 0.2) = 1.25 to sharing's 1 + 0.6/0.4 = 2.5,
    // after waiting (1 − w)·R/((1 − 0.2)(1 − 0.6)) behind the rest, R the stations' residual work
    // Σ ρ·(mean service of a visit there) = 0.2001 × 1.0005 (the loop's visits, 2 ms and 1 µs
    // alike) + 0.4 × 4 = 1.8002 ms (exact per class would be 2: the model's approximation).
    // hash = 0.5 + 4 × (1.25, 1.875, 2.5) + (5.626, 2.813, 0) = 11.126, 10.813, 10.5 ms, plus a
    // few µs (the 1 µs stretched, the four-thread pool's own queue).
    const b = loopAndHash();
    const mix = { 'a.hash': 1, 'a.plain': 1 };
    const at = (poolWeight: number) => {
      const r = simulate(b, 'l', { method: 'analytic', rate: 200, mix, host: { cores: 1, driverCpu: 0, poolWeight } });
      return { plain: r.operations.find((o) => o.id === 'a.plain')!.latency.mean, hash: r.operations.find((o) => o.id === 'a.hash')!.latency.mean };
    };
    const near = (x: number, want: number) => expect(Math.abs(x / want - 1), `${x} against ${want}`).toBeLessThan(0.001);
    const [w0, wHalf, w1] = [at(0), at(0.5), at(1)];
    near(w0.plain, 3);
    near(wHalf.plain, 2 / 0.6 + 0.5);
    near(w1.plain, 5.5);
    const wait = 1.8002 / (0.8 * 0.4);
    near(w0.hash, 0.5 + 4 * 1.25 + wait);
    near(wHalf.hash, 0.5 + 4 * 1.875 + wait / 2);
    near(w1.hash, 0.5 + 4 * 2.5);
  });

  it('analytic, two cores: the approximation on more cores, worked by hand from the stated model (Erlang C for the waits)', () => {
    // 400/s, half each: the loop does 0.4002 cores of work (2 ms a plain, 1 µs a hash), the pool
    // 0.8 (4 ms a hash): a = 1.2002 of the 2 cores. With pool weight 0 the loop sees only its own
    // 0.4002: its work stretched by 1 + C(2, 0.4002)/(2 − 0.4002), plus its own M/G/1 wait
    // λE[S²]/2(1 − ρ) = 0.4 × 4.0000005 / 2(1 − 0.4002). A hash's pool work runs stretched by
    // 2/(2 − 0.4002) after waiting C(2, a)/a × R / (2(1 − 0.4002/2)(1 − a/2)), R = 0.4002 × 1.0005
    // + 0.8 × 4; the four pool threads' own M/M/4 queue at 0.8 adds C(4, 0.8)/(1 − 0.2) ms. With
    // weight 1 both see the whole host: stretched by 1 + C(2, a)/(2 − a), no wait behind the rest.
    const b = loopAndHash();
    const mix = { 'a.hash': 1, 'a.plain': 1 };
    const at = (poolWeight: number) => {
      const r = simulate(b, 'l', { method: 'analytic', rate: 400, mix, host: { cores: 2, driverCpu: 0, poolWeight } });
      return { plain: r.operations.find((o) => o.id === 'a.plain')!.latency.mean, hash: r.operations.find((o) => o.id === 'a.hash')!.latency.mean };
    };
    // within 0.1%, as above (a microsecond or so of the model's own detail is not worked here)
    const near = (x: number, want: number) => expect(Math.abs(x / want - 1), `${x} against ${want}`).toBeLessThan(0.001);
    const aLoop = 0.4002;
    const a = 1.2002;
    const loopWait = (0.4 * 4.0000005) / (2 * (1 - aLoop));
    const poolQueue = erlangC(4, 0.8) / 0.8;
    const inflate0 = 1 + erlangC(2, aLoop) / (2 - aLoop);
    const inflate1 = 1 + erlangC(2, a) / (2 - a);
    const behind = ((erlangC(2, a) / a) * (aLoop * 1.0005 + 0.8 * 4)) / (2 * (1 - aLoop / 2) * (1 - a / 2));
    const [w0, w1] = [at(0), at(1)];
    near(w0.plain, 2 * inflate0 + loopWait);
    near(w0.hash, loopWait + 0.001 * inflate0 + 4 * (2 / (2 - aLoop)) + behind + poolQueue);
    near(w1.plain, 2 * inflate1 + loopWait);
    near(w1.hash, loopWait + 0.001 * inflate1 + 4 * inflate1 + poolQueue);
  });
});
