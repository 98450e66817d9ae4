// The join-the-shortest-queue chain (jsq.ts) against exact values: spread 1 is the pooled M/M/Rc
// (Erlang C), and for two single-server replicas against join-the-shortest-queue itself, solved
// here independently as a truncated Markov chain of the two queue lengths. Analytic only, well
// under a second: for the mutation run of src/simulate (closed-form.test.ts checks the chain
// against the DES, too slow to run for every mutant).
import { describe, expect, it } from 'vitest';
import { jockeyChain, JSQ_MAX_PHASES, jsqApplies, jsqWait, phaseCount } from '../../src/simulate/jsq.js';
import { erlangC, mmcWait } from '../../src/simulate/queueing.js';

/**
 * Two M/M/1 queues, each arrival joining the shorter (Poisson λ per ms, mean service s ms), as a
 * chain on the sorted lengths (a ≤ b ≤ N), solved by Gauss–Seidel: the mean wait by Little's law
 * and P(wait) = P(both busy) (an arrival sees the time average).
 */
function exactJsq2(lambda: number, s: number, N: number): { wait: number; pWait: number } {
  const mu = 1 / s;
  const idx = (a: number, b: number) => a * (N + 1) + b;
  const pi = new Float64Array((N + 1) * (N + 1));
  const into: [number, number][][] = Array.from({ length: pi.length }, () => []);
  const out = new Float64Array(pi.length);
  const edge = (from: number, a: number, b: number, rate: number) => {
    const [x, y] = a <= b ? [a, b] : [b, a];
    if (y > N) return;
    into[idx(x, y)]!.push([from, rate]);
    out[from]! += rate;
  };
  for (let a = 0; a <= N; a++)
    for (let b = a; b <= N; b++) {
      edge(idx(a, b), a + 1, b, lambda);
      if (a > 0) edge(idx(a, b), a - 1, b, mu);
      if (b > 0) edge(idx(a, b), a, b - 1, mu);
    }
  pi[0] = 1;
  for (let it = 0; it < 20_000; it++) {
    let delta = 0;
    for (let a = 0; a <= N; a++)
      for (let b = a; b <= N; b++) {
        const f = idx(a, b);
        if (f === 0) continue;
        let v = 0;
        for (const [g, r] of into[f]!) v += pi[g]! * r;
        v /= out[f]!;
        delta = Math.max(delta, Math.abs(v - pi[f]!));
        pi[f] = v;
      }
    if (delta < 1e-15) break;
  }
  let total = 0;
  let L = 0;
  let both = 0;
  for (let a = 0; a <= N; a++)
    for (let b = a; b <= N; b++) {
      const p = pi[idx(a, b)]!;
      total += p;
      L += p * (a + b);
      if (a >= 1) both += p;
    }
  return { wait: L / total / lambda - s, pWait: both / total };
}

let solved: { wait: number; pWait: number } | undefined;
/** ρ 0.5 (λ 0.1/ms, 10 ms), lengths up to 50 (the chain's mass beyond is far below 1e-15): solved once */
const exactAtHalf = () => (solved ??= exactJsq2(0.1, 10, 50));

describe('the phases of a level', () => {
  it('phaseCount is C(R − 1 + T, T)', () => {
    expect(phaseCount(2, 1)).toBe(2);
    expect(phaseCount(4, 3)).toBe(20);
    expect(phaseCount(8, 2)).toBe(36);
    expect(phaseCount(9, 2)).toBe(45);
    expect(phaseCount(1, 7)).toBe(1);
    expect(phaseCount(3, 0)).toBe(1);
    expect(JSQ_MAX_PHASES).toBe(40);
  });

  it('jsqApplies: more than one replica, cs² up to 2.5, at most 40 phases at spread 2 (8 replicas)', () => {
    expect(jsqApplies(8, 2.5)).toBe(true);
    expect(jsqApplies(9, 0)).toBe(false);
    expect(jsqApplies(2, 2.500001)).toBe(false);
    expect(jsqApplies(1, 0)).toBe(false);
    expect(jsqApplies(0, 0)).toBe(false);
  });
});

describe('jockeyChain', () => {
  it('spread 1 is the pooled M/M/Rc exactly: the wait and P(wait) by Erlang C', () => {
    for (const [R, c, rho] of [
      [2, 1, 0.5],
      [4, 1, 0.8],
      [3, 2, 0.9],
      [2, 2, 0.3],
    ] as const) {
      const lambda = (rho * R * c) / 10;
      const x = jockeyChain(R, c, lambda, 10, 1);
      expect(x.wait, `${R}×${c} at ${rho}`).toBeCloseTo(mmcWait(R * c, lambda, 10), 9);
      expect(x.pWait, `${R}×${c} at ${rho}`).toBeCloseTo(erlangC(R * c, lambda * 10), 11);
    }
  });

  it('a spread below 1 is refused', () => {
    expect(() => jockeyChain(2, 1, 0.1, 10, 0)).toThrow(new RangeError('the spread T is at least 1'));
    expect(() => jockeyChain(2, 1, 0.1, 10, 0.5)).toThrow(RangeError);
    expect(() => jockeyChain(2, 1, 0.1, 10, NaN)).toThrow(RangeError);
  });

  it('two single-server replicas at ρ 0.5: the spreads rise to join-the-shortest-queue from below, 16 within 1e-9', () => {
    const exact = exactAtHalf();
    // the independent chain at ρ 0.5: about 4.2632 ms of wait, P(wait) about 0.31597
    expect(exact.wait).toBeGreaterThan(4.2632);
    expect(exact.wait).toBeLessThan(4.2633);
    const w = [1, 2, 3, 4, 8, 16].map((T) => jockeyChain(2, 1, 0.1, 10, T));
    for (let i = 1; i < w.length; i++) expect(w[i]!.wait).toBeGreaterThan(w[i - 1]!.wait);
    for (const x of w) expect(x.wait).toBeLessThan(exact.wait + 1e-9);
    expect(Math.abs(w[5]!.wait - exact.wait) / exact.wait).toBeLessThan(1e-9);
    expect(Math.abs(w[5]!.pWait - exact.pWait)).toBeLessThan(1e-9);
    // spread 2 by its own chain is below, spread 1 the M/M/2
    expect(w[0]!.wait).toBeCloseTo(10 / 3, 9);
  });

  it('two replicas of two servers: spread 1 the M/M/4; wider spreads wait longer', () => {
    const one = jockeyChain(2, 2, 0.3, 10, 1);
    const two = jockeyChain(2, 2, 0.3, 10, 2);
    const three = jockeyChain(2, 2, 0.3, 10, 3);
    expect(one.wait).toBeCloseTo(mmcWait(4, 0.3, 10), 9);
    expect(two.wait).toBeGreaterThan(one.wait);
    expect(three.wait).toBeGreaterThan(two.wait);
    expect(three.wait - two.wait).toBeLessThan(two.wait - one.wait);
  });
});

describe('jsqWait', () => {
  it('two single-server replicas at ρ 0.5: join-the-shortest-queue to 1e-5, its spreads until an increment is within 1e-4, then the geometric tail', () => {
    const exact = exactAtHalf();
    const j = jsqWait(2, 1, 0.1, 10)!;
    expect(Math.abs(j.wait - exact.wait) / exact.wait).toBeLessThan(1e-5);
    expect(Math.abs(j.pWait - exact.pWait)).toBeLessThan(1e-5);
    // the spread where the increment first falls within 1e-4 of the wait
    const seq = [jockeyChain(2, 1, 0.1, 10, 1)];
    for (let T = 2; ; T++) {
      seq.push(jockeyChain(2, 1, 0.1, 10, T));
      const l = seq.length;
      if (Math.abs(seq[l - 1]!.wait - seq[l - 2]!.wait) <= 1e-4 * seq[l - 1]!.wait) break;
    }
    const l = seq.length;
    expect(j.spread).toBe(l);
    expect(l).toBeGreaterThan(3);
    expect(j.pWait).toBe(seq[l - 1]!.pWait);
    const d1 = seq[l - 2]!.wait - seq[l - 3]!.wait;
    const d2 = seq[l - 1]!.wait - seq[l - 2]!.wait;
    const r = d2 / d1;
    expect(r).toBeGreaterThan(0);
    expect(r).toBeLessThan(0.9);
    expect(j.wait).toBeCloseTo(seq[l - 1]!.wait + (d2 * r) / (1 - r), 12);
    expect(j.wait).toBeGreaterThan(seq[l - 1]!.wait);
    // asked again: the kept answer
    expect(jsqWait(2, 1, 0.1, 10)).toBe(j);
  });

  it('four replicas (spread 3 has 20 phases, 4 has 35): solved up to spread 3 with the geometric tail', () => {
    const j = jsqWait(4, 1, 0.32, 10)!;
    const w = [1, 2, 3].map((T) => jockeyChain(4, 1, 0.32, 10, T).wait);
    expect(j.spread).toBe(3);
    const r = (w[2]! - w[1]!) / (w[1]! - w[0]!);
    expect(j.wait).toBeCloseTo(w[2]! + ((w[2]! - w[1]!) * r) / (1 - r), 12);
    expect(j.pWait).toBe(jockeyChain(4, 1, 0.32, 10, 3).pWait);
  });

  it('eight replicas solve spread 2 only (spread 3 has 120 phases); nine none (45 phases at spread 2)', () => {
    const j = jsqWait(8, 1, 0.4, 10)!;
    expect(j.spread).toBe(2);
    expect(j.wait).toBe(jockeyChain(8, 1, 0.4, 10, 2).wait);
    expect(jsqWait(9, 1, 0.4, 10)).toBeUndefined();
  });

  it('undefined without arrivals, without service, or at and past saturation', () => {
    expect(jsqWait(2, 1, 0, 10)).toBeUndefined();
    expect(jsqWait(2, 1, -0.1, 10)).toBeUndefined();
    expect(jsqWait(2, 1, 0.1, 0)).toBeUndefined();
    expect(jsqWait(2, 1, 0.2, 10)).toBeUndefined();
    expect(jsqWait(2, 1, 0.3, 10)).toBeUndefined();
    expect(jsqWait(2, 1, 0.199, 10)).toBeDefined();
  });
});
