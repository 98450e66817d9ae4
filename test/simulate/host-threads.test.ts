// Threads on a shared host (host-threads.ts) against closed forms: a busy thread beside K others on
// C cores runs at min(1, C/(1 + K)) of a core, the others busy independently.
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/simulate/compile.js';
import { hostFull, hostSaturation, MAX_EXACT_THREADS, threadStretch } from '../../src/simulate/host-threads.js';
import { network } from './builder.js';

/** Compiled units a, b, … (one thread each unless given) and each one's work per request, ms. */
function units(spec: { ms: number; servers?: number; replicas?: number }[]) {
  const c = compile(network(spec.map((s) => ({ mean: s.ms, dist: 'const' as const, servers: s.servers ?? 1, replicas: s.replicas ?? 1 }))), 'one');
  const D = new Float64Array(c.stations.length);
  spec.forEach((s, i) => (D[c.stations.findIndex((x) => x.id === `u${String.fromCharCode(97 + i)}`)] = s.ms));
  const at = (id: string) => c.stations.findIndex((x) => x.id === id);
  return { c, D, at };
}

describe('threads on a shared host', () => {
  it('threads that fit the cores do not slow each other: three units on three cores, each alone fills at its own rate', () => {
    const { c, D, at } = units([{ ms: 3 }, { ms: 2 }, { ms: 1 }]);
    const t = threadStretch(c, 300, D, 3);
    for (const u of ["ua", "ub", "uc"]) expect(t.stretch[at(u)]).toBeCloseTo(1, 12);
    expect(t.busy[at('ua')]).toBeCloseTo(0.9, 12);
    const s = hostSaturation(c, D, 3, { rate: 1000 / 3, station: 'ua' });
    expect(s.rate).toBeCloseTo(1000 / 3, 3);
    expect(s.station).toBe('ua');
  });

  it('a 2 ms thread beside a 1 ms one on 1.5 cores fills at 1/(0.002 + 1/3000) = 428.571/s, not at the cores’ 500/s', () => {
    // at saturation the 2 ms thread is always busy; the 1 ms one, always beside it, runs at 0.75 of
    // a core and is busy λ·0.001/0.75 of the time, when the 2 ms one also gets 0.75: its speed is
    // 1 − 0.25·λ/750, and λ·0.002 = 1 − λ/3000
    const { c, D, at } = units([{ ms: 2 }, { ms: 1 }]);
    const s = hostSaturation(c, D, 1.5, { rate: 500, station: 'host' });
    expect(s.rate).toBeCloseTo(1 / (0.002 + 1 / 3000), 2);
    expect(s.station).toBe('ua');
    expect(hostFull(c, s.rate * 0.999, D, 1.5)).toBeNull();
    expect(hostFull(c, s.rate * 1.001, D, 1.5)).toBe('ua');
    // there, the 1 ms thread's stretch is 1/0.75
    expect(threadStretch(c, s.rate, D, 1.5).stretch[at('ub')]).toBeCloseTo(4 / 3, 4);
  });

  it('two equal threads on one core: each busy o = a/(1 − o/2), o = 1 − √(1 − 2a) (0.36754 at a = 0.3)', () => {
    const { c, D, at } = units([{ ms: 1 }, { ms: 1 }]);
    const t = threadStretch(c, 300, D, 1);
    expect(t.busy[at('ua')]).toBeCloseTo(1 - Math.sqrt(0.4), 6);
    expect(t.stretch[at('ub')]).toBeCloseTo((1 - Math.sqrt(0.4)) / 0.3, 6);
    // on one core a thread fills as the core does: the host named
    expect(hostFull(c, 500.5, D, 1)).toBe('host');
    expect(hostFull(c, 499.5, D, 1)).toBeNull();
  });

  it('a unit of several workers counts each: two workers of 1 ms and one 1 ms thread on two cores are three threads on two cores', () => {
    const { c, D, at } = units([{ ms: 1, servers: 2 }, { ms: 1 }]);
    const t = threadStretch(c, 600, D, 2);
    expect(t.threads[at('ua')]).toBe(2);
    // each thread slowed only when all three are busy: a stretch above 1, below the cores' 1.5
    expect(t.stretch[at('ub')]).toBeGreaterThan(1);
    expect(t.stretch[at('ub')]).toBeLessThan(1.5);
  });

  it(`past ${MAX_EXACT_THREADS} threads the busy count is taken at its mean: 600 one-worker replicas on 4 cores at 3.5 cores of work, s = 1/(4 − 3.5·599/600)`, () => {
    // each thread's stretch is (1 + the other busy threads)/4 with the others busy 599/600 of
    // 3.5·s: 4s = 1 + 3.5·s·599/600
    const { c, D, at } = units([{ ms: 1, replicas: 600 }]);
    const t = threadStretch(c, 3500, D, 4);
    expect(t.stretch[at('ua')]).toBeCloseTo(1 / (4 - (3.5 * 599) / 600), 6);
    expect(t.busy[at('ua')]).toBeCloseTo(3.5 / (4 - (3.5 * 599) / 600), 6);
    // below the cores' worth of threads nothing is stretched
    expect(threadStretch(c, 2000, D, 4).stretch[at('ua')]).toBe(1);
  });

  it('the stretches are a fixed point: each equals 1 / E[min(1, C/(1 + K))] with K summed thread by thread (threads busy 0.05 and 0.84, where undoing the sum from one end only would not hold)', () => {
    // 12 replicas of a 2-worker unit nearly always busy, beside 3 threads busy 2/3 of the time and
    // 4 busy a twentieth of it, on 24 cores (work 22.9)
    const { c, D } = units([{ ms: 10, servers: 2, replicas: 12 }, { ms: 1, replicas: 3 }, { ms: 0.1, replicas: 4 }]);
    const cores = 24;
    const t = threadStretch(c, 2000, D, cores);
    const p = Array.from(t.busy, (b, i) => (t.threads[i]! > 0 ? Math.min(1, b / t.threads[i]!) : 0));
    expect(Math.max(...p)).toBeGreaterThan(0.8);
    expect(Math.min(...p.filter((x) => x > 0))).toBeLessThan(0.06);
    for (let i = 0; i < c.stations.length; i++) {
      if (t.threads[i]! === 0) continue;
      // the other threads' busy count, convolved one thread at a time (this thread left out)
      let dist = [1];
      t.threads.forEach((n, j) => {
        for (let k = 0; k < n - (j === i ? 1 : 0); k++) dist = [...dist, 0].map((x, m) => x * (1 - p[j]!) + (m > 0 ? dist[m - 1]! * p[j]! : 0));
      });
      const speed = dist.reduce((acc, x, k) => acc + x * Math.min(1, cores / (1 + k)), 0);
      expect(t.stretch[i]).toBeCloseTo(1 / speed, 7);
    }
  });

  it('names the station furthest past its threads when several are full, and the host first when its cores are', () => {
    // at 1000/s: ua's two workers carry 3 cores of work (1.5 a thread), ub's one thread 2 (2 a thread)
    const { c, D } = units([{ ms: 3, servers: 2 }, { ms: 2 }]);
    expect(hostFull(c, 1000, D, 8)).toBe('ub');
    expect(hostFull(c, 1000, D, 5)).toBe('host');
    expect(hostFull(c, 400, D, 8)).toBeNull();
  });

  it('an upper bound that is no rate (none, or unbounded) comes back as it is', () => {
    const { c, D } = units([{ ms: 1 }]);
    expect(hostSaturation(c, D, 2, { rate: Infinity, station: '' })).toEqual({ rate: Infinity, station: '' });
    expect(hostSaturation(c, D, 2, { rate: 0, station: 'ua' })).toEqual({ rate: 0, station: 'ua' });
  });

  it('a station with no work has no threads and no stretch to speak of; a host of less than a core slows even a lone thread', () => {
    const { c, D, at } = units([{ ms: 1 }, { ms: 1 }]);
    D[at('ub')] = 0;
    const t = threadStretch(c, 100, D, 0.5);
    expect(t.threads[at('ub')]).toBe(0);
    expect(t.busy[at('ub')]).toBe(0);
    expect(t.stretch[at('ub')]).toBe(1);
    expect(t.stretch[at('ua')]).toBeCloseTo(2, 9);
    expect(hostSaturation(c, D, 0.5, { rate: 1000, station: 'ua' }).rate).toBeCloseTo(500, 3);
  });
});
