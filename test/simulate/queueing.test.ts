// The DES against closed forms of queueing theory, and the analytic solver exactly on them.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate/simulate.js';
import { analyze } from '../../src/simulate/analytic.js';
import { erlangC, gammaCdf, mg1Response, mmcResponse, quantileOf } from '../../src/simulate/queueing.js';
import { station } from './helpers.js';

const mix = { 'a.op': 1 };
const rel = (a: number, b: number) => Math.abs(a - b) / b;

describe('M/M/c against Erlang C', () => {
  for (const c of [1, 4]) {
    for (const rho of [0.5, 0.9]) {
      it(`M/M/${c} at ρ=${rho}: mean response and P(wait) within 2%`, () => {
        const blueprint = station({ c });
        const rate = (rho * c) / 0.001; // service mean 1 ms
        const requests = rho === 0.9 ? (c === 1 ? 4_000_000 : 1_500_000) : 400_000;
        const r = simulate(blueprint, 'one', { rate, mix, requests, warmup: 2000, seed: 7 });
        const want = mmcResponse(c, rate / 1000, 1);
        expect(rel(r.operations[0]!.latency.mean, want)).toBeLessThan(0.02);
        const pw = r.stations.find((s) => s.id === 'u')!.waitProbability!;
        expect(rel(pw, erlangC(c, rho * c))).toBeLessThan(0.02);
        expect(rel(r.stations.find((s) => s.id === 'u')!.utilization, rho)).toBeLessThan(0.01);
        expect(r.littleCheck.relError).toBeLessThan(0.01);
        // The analytic solver is the closed form, exactly.
        const a = analyze(blueprint, 'one', { rate, mix });
        expect(a.operations[0]!.latency.mean).toBeCloseTo(want, 10);
        expect(a.stations.find((s) => s.id === 'u')!.waitProbability).toBeCloseTo(erlangC(c, rho * c), 12);
        expect(a.littleCheck.relError).toBeLessThan(1e-9);
      });
    }
  }
});

describe('M/D/1 against Pollaczek–Khinchine', () => {
  it('deterministic service at ρ=0.9', () => {
    const blueprint = station({ cpu: '{ dist: const, mean: 1ms }' });
    const r = simulate(blueprint, 'one', { rate: 900, mix, requests: 2_000_000, warmup: 2000, seed: 3 });
    const want = mg1Response(0.9, 1, 0);
    expect(want).toBeCloseTo(5.5, 12);
    expect(rel(r.operations[0]!.latency.mean, want)).toBeLessThan(0.02);
    expect(r.littleCheck.relError).toBeLessThan(0.01);
  });
});

describe('processor sharing', () => {
  it('M/M/1-PS has the FCFS mean response S/(1-ρ)', () => {
    const blueprint = station({ discipline: 'ps' });
    const r = simulate(blueprint, 'one', { rate: 700, mix, requests: 1_000_000, warmup: 2000, seed: 5 });
    expect(rel(r.operations[0]!.latency.mean, 1 / 0.3)).toBeLessThan(0.02);
  });
});

describe('tandem Jackson network', () => {
  it('unit then datastore: T = S1/(1-ρ1) + S2/(1-ρ2)', () => {
    const blueprint = station({ read: '0.8ms' });
    const rate = 800;
    const want = 1 / (1 - 0.8) + 0.8 / (1 - 0.64);
    const a = analyze(blueprint, 'one', { rate, mix });
    expect(a.operations[0]!.latency.mean).toBeCloseTo(want, 10);
    const r = simulate(blueprint, 'one', { rate, mix, requests: 1_500_000, warmup: 2000, seed: 11 });
    expect(rel(r.operations[0]!.latency.mean, want)).toBeLessThan(0.02);
    expect(r.littleCheck.relError).toBeLessThan(0.01);
  });
});

describe('the analytic solver is Pollaczek–Khinchine for M/G/1', () => {
  it('M/D/1 and lognormal service, exactly', () => {
    const d = analyze(station({ cpu: '{ dist: const, mean: 1ms }' }), 'one', { rate: 900, mix });
    expect(d.operations[0]!.latency.mean).toBeCloseTo(mg1Response(0.9, 1, 0), 10);
    const l = analyze(station({ cpu: '{ dist: lognormal, mean: 1ms, cv: 0.5 }' }), 'one', { rate: 700, mix });
    expect(l.operations[0]!.latency.mean).toBeCloseTo(mg1Response(0.7, 1, 0.5), 10);
  });
});

describe('quantileOf', () => {
  // The plain bisection it replaced, to the last bit: the reference.
  const bisect = (cdf: (t: number) => number, p: number) => {
    let lo = 0;
    let hi = 1;
    while (cdf(hi) < p) hi *= 2;
    for (let i = 0; i < 200; i++) {
      const m = (lo + hi) / 2;
      if (m === lo || m === hi) break;
      if (cdf(m) >= p) hi = m;
      else lo = m;
    }
    return hi;
  };
  const cases: [string, (t: number) => number][] = [
    ['gamma', (t) => gammaCdf(3, 2, t)],
    ['two-part mixture', (t) => 0.7 * gammaCdf(2, 0.5, t) + 0.3 * gammaCdf(5, 4, t)],
    ['exponential', (t) => 1 - Math.exp(-t / 4)],
    ['a point mass at 2 and an exponential tail', (t) => (t < 2 ? 0 : 0.6 + 0.4 * (1 - Math.exp(-(t - 2))))],
  ];
  for (const [name, cdf] of cases)
    it(`finds the smallest t with cdf(t) ≥ p to 1e-9, in fewer evaluations than bisection: ${name}`, () => {
      for (const p of [0.5, 0.9, 0.95, 0.99, 0.999]) {
        let n = 0;
        const q = quantileOf((t) => (n++, cdf(t)), p, 1);
        const ref = bisect(cdf, p);
        expect(Math.abs(q - ref) / ref, `${name} p${p}`).toBeLessThan(1e-9);
        expect(cdf(q)).toBeGreaterThanOrEqual(p);
        expect(n, `${name} p${p}: ${n} evaluations`).toBeLessThan(36);
      }
    });
});
