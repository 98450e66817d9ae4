// The closed forms of src/simulate/queueing.ts against values worked out by hand, each at its
// boundaries. Pure arithmetic, milliseconds: the mutation run of src/simulate leans on this file
// (the DES-against-theory comparisons in queueing.test.ts and closed-form.test.ts are too slow
// to run for every mutant, scripts/mutation-folders.mjs).
import { describe, expect, it } from 'vitest';
import {
  erlangC,
  gammaCdf,
  GammaCdf,
  gammaP,
  gammaQuantile,
  md1WaitCdf,
  mg1Response,
  mm1PsVariance,
  mmcResponse,
  mmcWait,
  normalQuantile,
  quantileOf,
  quantileSearch,
  t975,
} from '../../src/simulate/queueing.js';

describe('Erlang C and the M/M/c and M/G/1 means', () => {
  it('erlangC: by hand, and its edges (no load, load at the servers)', () => {
    // c = 2, a = 0.5: B(1) = 0.5 / 1.5 = 1/3, B(2) = (0.5/3) / (2 + 0.5/3) = 1/13,
    // C = (1/13) / (1 − 0.25 + 0.25/13) = 0.1.
    expect(erlangC(2, 0.5)).toBeCloseTo(0.1, 14);
    // one server: C = ρ
    expect(erlangC(1, 0.5)).toBeCloseTo(0.5, 14);
    // c = 4, a = 1: B(4, 1) = 1/65, C = (1/65) / (0.75 + 0.25/65)
    expect(erlangC(4, 1)).toBeCloseTo(1 / 65 / (0.75 + 0.25 / 65), 14);
    expect(erlangC(2, 0)).toBe(0);
    expect(erlangC(2, -1)).toBe(0);
    expect(erlangC(2, 2)).toBe(1);
    expect(erlangC(2, 3)).toBe(1);
    // just under the servers: close to, and below, 1
    const near = erlangC(2, 1.999);
    expect(near).toBeGreaterThan(0.998);
    expect(near).toBeLessThan(1);
  });

  it('mmcWait and mmcResponse: C·s/(c − a), infinite from a = c on', () => {
    // c = 2, λ = 0.1, s = 5: a = 0.5, C = 0.1, wait = 0.5 / 1.5
    expect(mmcWait(2, 0.1, 5)).toBeCloseTo(1 / 3, 14);
    // M/M/1 at ρ = 0.5, s = 10: wait ρs/(1 − ρ) = 10, response 20
    expect(mmcWait(1, 0.05, 10)).toBeCloseTo(10, 12);
    expect(mmcResponse(1, 0.05, 10)).toBeCloseTo(20, 12);
    expect(mmcWait(1, 0.1, 10)).toBe(Infinity);
    expect(mmcWait(2, 0.3, 10)).toBe(Infinity);
    expect(mmcResponse(2, 0, 10)).toBe(10);
  });

  it('mg1Response: Pollaczek–Khinchine, s + ρs(1 + cv²)/(2(1 − ρ))', () => {
    // ρ = 0.5, s = 10: exponential (cv 1) 10 + 5·2/1 = 20; deterministic (cv 0) 10 + 5/1 = 15;
    // cv 2: 10 + 5·5/1 = 35
    expect(mg1Response(0.05, 10, 1)).toBeCloseTo(20, 12);
    expect(mg1Response(0.05, 10, 0)).toBeCloseTo(15, 12);
    expect(mg1Response(0.05, 10, 2)).toBeCloseTo(35, 12);
    // at ρ 0.5 the divisor 2(1 − ρ) is 1; at ρ 0.8 it is 0.4: 10 + 8·2/0.4 = 50
    expect(mg1Response(0.08, 10, 1)).toBeCloseTo(50, 12);
    expect(mg1Response(0.1, 10, 0)).toBe(Infinity);
    expect(mg1Response(0.2, 10, 1)).toBe(Infinity);
  });

  it('mm1PsVariance: (2 + ρ)/(2 − ρ) · (s/(1 − ρ))², infinite from ρ = 1 on', () => {
    // ρ = 0.5, s = 10: (2.5/1.5) · 20² = 2000/3
    expect(mm1PsVariance(0.5, 10)).toBeCloseTo(2000 / 3, 10);
    // ρ = 0: the exponential service's variance s²
    expect(mm1PsVariance(0, 10)).toBeCloseTo(100, 12);
    // ρ = 0.8: (2.8/1.2) · 50²
    expect(mm1PsVariance(0.8, 10)).toBeCloseTo((2.8 / 1.2) * 2500, 8);
    expect(mm1PsVariance(1, 10)).toBe(Infinity);
    expect(mm1PsVariance(1.5, 10)).toBe(Infinity);
  });
});

describe('quantiles', () => {
  it('normalQuantile: the standard normal table, both tails and the centre', () => {
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.959963984540054, 8);
    expect(normalQuantile(0.9)).toBeCloseTo(1.2815515655446004, 8);
    expect(normalQuantile(0.99)).toBeCloseTo(2.3263478740408408, 8);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263478740408408, 8);
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232306167814, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167814, 8);
    expect(normalQuantile(0.02)).toBeCloseTo(-2.053748910631823, 8);
    expect(normalQuantile(0.98)).toBeCloseTo(2.053748910631823, 8);
    // either side of the tails' boundary 0.02425 (and 1 − 0.02425)
    expect(normalQuantile(0.0242)).toBeCloseTo(-1.9738395, 6);
    expect(normalQuantile(0.0243)).toBeCloseTo(-1.9720842, 6);
    expect(normalQuantile(0.9758)).toBeCloseTo(1.9738395, 6);
    expect(normalQuantile(0.9757)).toBeCloseTo(1.9720842, 6);
  });

  it('gammaQuantile: Wilson–Hilferty; the mean when there is no spread', () => {
    // mean 10, variance 100: k = 1, θ = 10; at p = 0.5, z = 0: 10 · (1 − 1/9)³ = 10 · 512/729
    expect(gammaQuantile(10, 100, 0.5)).toBeCloseTo(5120 / 729, 10);
    // p = 0.9, k = 4, θ = 1 (mean 4, variance 4): 4 · (1 − 1/36 + z/6)³
    const z = normalQuantile(0.9);
    expect(gammaQuantile(4, 4, 0.9)).toBeCloseTo(4 * (1 - 1 / 36 + z / 6) ** 3, 10);
    expect(gammaQuantile(10, 0, 0.9)).toBe(10);
    expect(gammaQuantile(10, -1, 0.9)).toBe(10);
    expect(gammaQuantile(0, 5, 0.9)).toBe(0);
    // k = 0.04 at p = 0.01: h < 0, cubed negative, held at 0
    expect(gammaQuantile(2, 100, 0.01)).toBe(0);
  });

  it('t975: the table from 1 to 30 degrees of freedom, 1.96 + 2.4/df above, NaN below 1', () => {
    expect(t975(0)).toBeNaN();
    expect(t975(1)).toBe(12.706);
    expect(t975(2)).toBe(4.303);
    expect(t975(10)).toBe(2.228);
    expect(t975(30)).toBe(2.042);
    expect(t975(31)).toBeCloseTo(1.96 + 2.4 / 31, 14);
    expect(t975(120)).toBeCloseTo(1.98, 14);
  });

  it('gammaP: the exponential and Erlang-2 cdfs, by the series (x < k + 1) and the continued fraction', () => {
    // P(1, x) = 1 − e^−x; P(2, x) = 1 − (1 + x)e^−x
    expect(gammaP(1, 1)).toBeCloseTo(1 - Math.exp(-1), 13);
    expect(gammaP(1, 3)).toBeCloseTo(1 - Math.exp(-3), 13);
    expect(gammaP(1, 30)).toBeCloseTo(1 - Math.exp(-30), 12);
    expect(gammaP(2, 1)).toBeCloseTo(1 - 2 * Math.exp(-1), 13);
    expect(gammaP(2, 5)).toBeCloseTo(1 - 6 * Math.exp(-5), 13);
    expect(gammaP(2, 2.9)).toBeCloseTo(1 - 3.9 * Math.exp(-2.9), 13);
    expect(gammaP(2, 3.1)).toBeCloseTo(1 - 4.1 * Math.exp(-3.1), 13);
    // k = 1/2: P(1/2, x) = erf(√x); erf(1) = 0.8427007929497149
    expect(gammaP(0.5, 1)).toBeCloseTo(0.8427007929497149, 12);
    // k below 1/2 takes ln Γ's reflection: Γ(0.3) = 2.991568987687591; P(0.3, x) ≈ x^0.3/(0.3 Γ(0.3)) for small x
    expect(gammaP(0.3, 1e-8)).toBeCloseTo(1e-8 ** 0.3 / (0.3 * 2.991568987687591), 10);
    expect(gammaP(3, 0)).toBe(0);
    expect(gammaP(3, -1)).toBe(0);
  });

  it('gammaCdf: an exponential of mean 4, and a point mass at the mean when there is no spread', () => {
    expect(gammaCdf(4, 16, 2)).toBeCloseTo(1 - Math.exp(-0.5), 13);
    expect(gammaCdf(4, 16, 8)).toBeCloseTo(1 - Math.exp(-2), 13);
    expect(gammaCdf(4, 16, 0)).toBe(0);
    expect(gammaCdf(5, 0, 4.999)).toBe(0);
    expect(gammaCdf(5, 0, 5)).toBe(1);
    expect(gammaCdf(5, -1, 5.5)).toBe(1);
    expect(gammaCdf(0, 4, -0.1)).toBe(0);
    expect(gammaCdf(0, 4, 0)).toBe(1);
  });

  it('quantileOf: the exponential quantile −4 ln(1 − p) to a relative 1e-10, from any starting scale', () => {
    const exp4 = (t: number) => 1 - Math.exp(-t / 4);
    for (const [p, scale] of [
      [0.5, 1],
      [0.9, 1],
      [0.99, 0.001],
      [0.999, 100],
      [0.1, 0],
    ] as const) {
      const want = -4 * Math.log(1 - p);
      const got = quantileOf(exp4, p, scale);
      expect(Math.abs(got - want) / want, `p ${p}, scale ${scale}`).toBeLessThan(1e-10);
      expect(exp4(got), `p ${p}`).toBeGreaterThanOrEqual(p - 1e-15);
    }
  });

  it('quantileSearch on a point mass (a cdf with a jump): the jump, from above, within 1e-10', () => {
    for (const p of [0.01, 0.5, 1]) {
      const q = quantileSearch(new GammaCdf(5, 0), p, 1);
      expect(q).toBeGreaterThanOrEqual(5);
      expect(q).toBeLessThan(5 * (1 + 1e-10));
    }
  });

  it('quantileSearch keeps the bracketing values for the next search of the same cdf, and reuses them', () => {
    let calls = 0;
    const exp4 = { at: (t: number) => (calls++, 1 - Math.exp(-t / 4)) };
    const brackets: number[] = [];
    // p = 0.9: the brackets at 1, 2, 4, 8, 16 (the first with cdf ≥ 0.9)
    const q90 = quantileSearch(exp4, 0.9, 1, brackets);
    expect(Math.abs(q90 - 4 * Math.log(10)) / q90).toBeLessThan(1e-10);
    expect(brackets).toEqual([1, 2, 4, 8, 16].map((t) => 1 - Math.exp(-t / 4)));
    // p = 0.5 needs the first three, kept: none evaluated again
    calls = 0;
    const q50 = quantileSearch(exp4, 0.5, 1, brackets);
    expect(Math.abs(q50 - 4 * Math.LN2) / q50).toBeLessThan(1e-10);
    expect(brackets).toHaveLength(5);
    let fresh = 0;
    const count = { at: (t: number) => (fresh++, 1 - Math.exp(-t / 4)) };
    expect(quantileSearch(count, 0.5, 1)).toBe(q50);
    expect(calls).toBe(fresh - 3);
    // p = 0.9999 goes past them: 32 and 64 are added
    const q4 = quantileSearch(exp4, 0.9999, 1, brackets);
    expect(Math.abs(q4 - 4 * Math.log(1e4)) / q4).toBeLessThan(1e-10);
    expect(brackets).toEqual([1, 2, 4, 8, 16, 32, 64].map((t) => 1 - Math.exp(-t / 4)));
  });
});

describe('md1WaitCdf: the M/D/1 wait, exactly (λ = 0.05/ms, D = 10 ms, ρ = 0.5)', () => {
  it('at 0 the probability of no wait, 1 − ρ; nothing below 0; 0 when unstable', () => {
    expect(md1WaitCdf(0.05, 10, 0)).toBeCloseTo(0.5, 14);
    expect(md1WaitCdf(0.05, 10, -1)).toBe(0);
    expect(md1WaitCdf(0.1, 10, 5)).toBe(0);
    expect(md1WaitCdf(0.2, 10, 50)).toBe(0);
  });

  it('inside the first service time, (1 − ρ)e^{λt}; inside the second, the alternating sum', () => {
    expect(md1WaitCdf(0.05, 10, 7)).toBeCloseTo(0.5 * Math.exp(0.35), 13);
    // t = 10 (k = 1 term is 0): (1 − ρ)e^{0.5}
    expect(md1WaitCdf(0.05, 10, 10)).toBeCloseTo(0.5 * Math.exp(0.5), 13);
    // t = 15: 0.5 (e^{0.75} − 0.25 e^{0.25})
    expect(md1WaitCdf(0.05, 10, 15)).toBeCloseTo(0.5 * (Math.exp(0.75) - 0.25 * Math.exp(0.25)), 13);
    // t = 25, three terms: k = 0 e^{1.25}; k = 1 −(0.75)e^{0.75}; k = 2 (0.25²/2)e^{0.25}
    expect(md1WaitCdf(0.05, 10, 25)).toBeCloseTo(0.5 * (Math.exp(1.25) - 0.75 * Math.exp(0.75) + (0.0625 / 2) * Math.exp(0.25)), 13);
    // far out, held at 1
    expect(md1WaitCdf(0.01, 10, 500)).toBeLessThanOrEqual(1);
    expect(md1WaitCdf(0.01, 10, 500)).toBeGreaterThan(1 - 1e-9);
  });
});
