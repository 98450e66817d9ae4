// Cold visits (HostModel.coldVisit, src/simulate/cold-visit.ts): a visit that finds its process
// idle costs extra CPU by how long it was idle. Checked against the M/G/1 with exceptional first
// service (Welch 1964) and the table's own arithmetic; the DES and the analytic method must agree.
import { describe, expect, it } from 'vitest';
import { ColdVisit, coldAfter, coldExtra, coldTableWords, meanColdAfter, meanColdExtra, meanColdTotal } from '../../src/simulate/cold-visit.js';
import { compile } from '../../src/simulate/compile.js';
import { opDemands } from '../../src/simulate/demand.js';
import { simulate } from '../../src/simulate/simulate.js';
import { fanout, queue } from './builder.js';

const table = ColdVisit.parse({ gapMs: [1, 10, 100], extraMs: [0.1, 0.4, 0.8] });

describe('the cold-visit table', () => {
  it('is 0 below its first gap, its points at its points, linear in log(gap) between, flat beyond', () => {
    expect(coldExtra(table, 0)).toBe(0);
    expect(coldExtra(table, 0.999)).toBe(0);
    expect(coldExtra(table, 1)).toBeCloseTo(0.1, 12);
    expect(coldExtra(table, 10)).toBeCloseTo(0.4, 12);
    expect(coldExtra(table, Math.sqrt(10))).toBeCloseTo(0.25, 12);
    expect(coldExtra(table, Math.sqrt(1000))).toBeCloseTo(0.6, 12);
    expect(coldExtra(table, 100)).toBeCloseTo(0.8, 12);
    expect(coldExtra(table, 1e9)).toBe(0.8);
  });
  it('averages over exponential gaps: a flat table gives its value, no visits give 0, and the mean moves with the rate', () => {
    const flat = ColdVisit.parse({ gapMs: [1e-6], extraMs: [0.5] });
    expect(meanColdExtra(flat, 0.4)).toBeCloseTo(0.5, 12);
    expect(meanColdExtra(table, 0)).toBe(0);
    expect(meanColdExtra(table, Infinity)).toBe(0);
    // rate 1 per 100 ms: gaps mostly beyond 10 ms. By numerical integration of the table against
    // Exp(0.01): 0.6668 (a 10^6-point midpoint rule).
    let s = 0;
    const N = 1_000_000;
    for (let k = 0; k < N; k++) s += coldExtra(table, -Math.log(1 - (k + 0.5) / N) / 0.01);
    expect(meanColdExtra(table, 0.01)).toBeCloseTo(s / N, 2);
    expect(meanColdExtra(table, 1)).toBeLessThan(meanColdExtra(table, 0.1));
    expect(meanColdExtra(table, 0.1)).toBeLessThan(meanColdExtra(table, 0.01));
  });
  it('adds workFactor × the visit’s own work, interpolated the same way (none without a workFactor)', () => {
    const w = ColdVisit.parse({ gapMs: [1, 10, 100], extraMs: [0.1, 0.4, 0.8], workFactor: [0.5, 1, 3] });
    expect(coldExtra(w, 0.5, 2)).toBe(0);
    expect(coldExtra(w, 1, 2)).toBeCloseTo(0.1 + 0.5 * 2, 12);
    expect(coldExtra(w, Math.sqrt(10), 2)).toBeCloseTo(0.25 + 0.75 * 2, 12);
    expect(coldExtra(w, Math.sqrt(1000), 2)).toBeCloseTo(0.6 + 2 * 2, 12);
    expect(coldExtra(w, 1e9, 2)).toBeCloseTo(0.8 + 3 * 2, 12);
    expect(coldExtra(w, 10, 0)).toBeCloseTo(0.4, 12);
    expect(coldExtra(table, 10, 5)).toBeCloseTo(0.4, 12);
    // linear in the work, so the mean visit's work gives the mean
    const m0 = meanColdExtra(w, 0.05, 0);
    const m1 = meanColdExtra(w, 0.05, 1);
    expect(meanColdExtra(w, 0.05, 3)).toBeCloseTo(m0 + 3 * (m1 - m0), 12);
    expect(m1 - m0).toBeGreaterThan(1);
    expect(m1 - m0).toBeLessThan(3);
  });
  it('rejects a workFactor of another length, negative or absurd', () => {
    expect(ColdVisit.safeParse({ gapMs: [1, 2], extraMs: [0, 0], workFactor: [1] }).success).toBe(false);
    expect(ColdVisit.safeParse({ gapMs: [1], extraMs: [0], workFactor: [-1] }).success).toBe(false);
    expect(ColdVisit.safeParse({ gapMs: [1], extraMs: [0], workFactor: [1e6] }).success).toBe(false);
    expect(ColdVisit.safeParse({ gapMs: [1], extraMs: [0], workFactor: [2] }).success).toBe(true);
  });
  it('rejects tables that are out of order or of unequal lengths', () => {
    expect(ColdVisit.safeParse({ gapMs: [10, 1], extraMs: [0, 0] }).success).toBe(false);
    expect(ColdVisit.safeParse({ gapMs: [1, 1], extraMs: [0, 0] }).success).toBe(false);
    expect(ColdVisit.safeParse({ gapMs: [1, 2], extraMs: [0] }).success).toBe(false);
    expect(ColdVisit.safeParse({ gapMs: [1], extraMs: [-0.1] }).success).toBe(false);
  });
});

describe('the part after the answer (afterMs)', () => {
  const split = ColdVisit.parse({ gapMs: [1, 10, 100], extraMs: [0.1, 0.4, 0.8], afterMs: [0, 1, 3] });
  it('is interpolated as the extra is, 0 without afterMs, and adds to the extra in the total', () => {
    expect(coldAfter(split, 0.5)).toBe(0);
    expect(coldAfter(split, 1)).toBe(0);
    expect(coldAfter(split, 10)).toBeCloseTo(1, 12);
    expect(coldAfter(split, Math.sqrt(1000))).toBeCloseTo(2, 12);
    expect(coldAfter(split, 1e6)).toBe(3);
    expect(coldAfter(table, 50)).toBe(0);
    // the on-path part is unchanged by it
    expect(coldExtra(split, 50)).toBe(coldExtra(table, 50));
    expect(meanColdAfter(table, 0.01)).toBe(0);
    expect(meanColdAfter(split, 0)).toBe(0);
    const flat = ColdVisit.parse({ gapMs: [1e-6], extraMs: [0.2], afterMs: [0.7] });
    expect(meanColdAfter(flat, 0.3)).toBeCloseTo(0.7, 12);
    expect(meanColdTotal(flat, 0.3)).toBeCloseTo(0.9, 12);
    expect(meanColdTotal(split, 0.01, 2)).toBeCloseTo(meanColdExtra(split, 0.01, 2) + meanColdAfter(split, 0.01), 12);
  });
  it('rejects an afterMs of another length or negative', () => {
    expect(ColdVisit.safeParse({ gapMs: [1, 10], extraMs: [0, 1], afterMs: [0] }).success).toBe(false);
    expect(ColdVisit.safeParse({ gapMs: [1, 10], extraMs: [0, 1], afterMs: [0, -0.1] }).success).toBe(false);
  });
  it('says each part in words', () => {
    expect(coldTableWords(ColdVisit.parse({ gapMs: [1, 10], extraMs: [0, 0.3], afterMs: [0, 2] }))).toBe('+0 ms (+0 ms after the answer) after 1 ms, +0.3 ms (+2 ms after the answer) after 10 ms');
    expect(coldTableWords(ColdVisit.parse({ gapMs: [10], extraMs: [0.3], workFactor: [1.5] }))).toBe('+0.3 ms + 1.5 × its own work after 10 ms');
  });
});

describe('one unit whose every wake after idling costs 0.5 ms after its answer (the server held, the request not)', () => {
  // As the exceptional-first-service queue below (S0 = S + 0.5 for a request finding the unit
  // idle: the same work for the server, so the same waits, E[W] = 0.875 ms, U = 0.5), except that
  // the request leaves after its own S: E[R] = E[W] + E[S] = 1.875 ms (2.125 with the extra on its path).
  const one = queue({ mean: 1 });
  const host = { cores: 64, driverCpu: 0, coldVisit: ColdVisit.parse({ gapMs: [1e-6], extraMs: [0], afterMs: [0.5] }) };
  it('DES: the utilization and mean response of the exact queue', () => {
    const r = simulate(one, 'one', { method: 'des', rate: 400, host, duration: 400_000, warmup: 10_000, seed: 3 });
    expect(r.stations.find((s) => s.id === 'ua')!.utilization).toBeCloseTo(0.5, 2);
    expect(r.littleCheck.meanResponse).toBeGreaterThan(1.875 * 0.97);
    expect(r.littleCheck.meanResponse).toBeLessThan(1.875 * 1.03);
  });
  it('analytic: the utilization exactly; the mean within 10%', () => {
    const r = simulate(one, 'one', { method: 'analytic', rate: 400, host });
    expect(r.stations.find((s) => s.id === 'ua')!.utilization).toBeCloseTo(0.5, 6);
    expect(Math.abs(r.littleCheck.meanResponse / 1.875 - 1)).toBeLessThan(0.1);
  });
});

describe('fresh visits: a process carrying on is warm', () => {
  it('a fan-out front unit wakes once for the request and once per reply; a callee once per call', () => {
    const c = compile(fanout({ callees: 2 }), 'one');
    const d = opDemands(c).get('front.page')!;
    const bff = c.stations.findIndex((s) => s.id === 'bff');
    expect(d.loadVisits[bff]).toBe(3);
    expect(d.loadFresh[bff]).toBe(3);
    expect(d.visits.every((v) => v.fresh)).toBe(true);
  });
});

describe('one unit whose every wake after idling costs 0.5 ms more (exceptional first service)', () => {
  // Exponential service of mean 1 ms, λ = 0.4/ms, S0 = S + 0.5 for a request that finds the unit
  // idle. Poisson arrivals see it idle 1 − U: U = λ(E[S] + 0.5(1 − U)) → U = 0.6 / 1.2 = 0.5.
  // Welch: E[W] = λE[S²]/2(1 − ρ) + λ(E[S0²] − E[S²])/2(1 + ρ0 − ρ) with ρ = 0.4, ρ0 = 0.6,
  // E[S²] = 2, E[S0²] = 3.25: 0.6667 + 0.2083 = 0.875 ms; E[R] = E[W] + (1 − U)E[S0] + U·E[S]
  // = 0.875 + 0.75 + 0.5 = 2.125 ms. (Without the extra: M/M/1, 1.667 ms.)
  const one = queue({ mean: 1 });
  // many cores: the host adds no queueing of its own, only the unit's one server queues
  const host = { cores: 64, driverCpu: 0, coldVisit: ColdVisit.parse({ gapMs: [1e-6], extraMs: [0.5] }) };
  it('DES: the utilization and mean response of the exact queue', () => {
    const r = simulate(one, 'one', { method: 'des', rate: 400, host, duration: 400_000, warmup: 10_000, seed: 3 });
    expect(r.stations.find((s) => s.id === 'ua')!.utilization).toBeCloseTo(0.5, 2);
    expect(r.littleCheck.meanResponse).toBeGreaterThan(2.125 * 0.97);
    expect(r.littleCheck.meanResponse).toBeLessThan(2.125 * 1.03);
  });
  it('analytic: the utilization exactly; the mean within 8% (the extra is spread over every visit, not only the first of a busy period)', () => {
    const r = simulate(one, 'one', { method: 'analytic', rate: 400, host });
    expect(r.stations.find((s) => s.id === 'ua')!.utilization).toBeCloseTo(0.5, 6);
    expect(r.littleCheck.meanResponse).toBeGreaterThan(2.125);
    expect(r.littleCheck.meanResponse).toBeLessThan(2.125 * 1.08);
    // a saturated unit never idles: capacity stays 1000/s
    expect(r.saturationThroughput).toBeCloseTo(1000, 3);
  });
});

describe('one unit whose wake after idling costs 0.5 ms plus half its own work (exceptional first service S0 = 1.5·S + 0.5)', () => {
  // Exponential S of mean 1 ms, λ = 0.4/ms: E[S0] = 2, E[S0²] = 2.25·2 + 1.5 + 0.25 = 6.25.
  // U = λ(E[S] + (1 − U)(E[S0] − E[S])) → U = 0.8 / 1.4. Welch with ρ = 0.4, ρ0 = 0.8:
  // E[W] = 0.4·2/1.2 + 0.4·(6.25 − 2)/(2·1.4) = 0.66667 + 0.60714; E[R] = E[W] + (1 − U)·2 + U·1.
  const one = queue({ mean: 1 });
  const host = { cores: 64, driverCpu: 0, coldVisit: ColdVisit.parse({ gapMs: [1e-6], extraMs: [0.5], workFactor: [0.5] }) };
  const U = 0.8 / 1.4;
  const R = 0.8 / 1.2 + (0.4 * 4.25) / 2.8 + (1 - U) * 2 + U;
  it('DES: the utilization and mean response of the exact queue', () => {
    const r = simulate(one, 'one', { method: 'des', rate: 400, host, duration: 400_000, warmup: 10_000, seed: 3 });
    expect(r.stations.find((s) => s.id === 'ua')!.utilization).toBeCloseTo(U, 2);
    expect(r.littleCheck.meanResponse).toBeGreaterThan(R * 0.97);
    expect(r.littleCheck.meanResponse).toBeLessThan(R * 1.03);
  });
  it('analytic: the utilization exactly; the mean within 10%', () => {
    const r = simulate(one, 'one', { method: 'analytic', rate: 400, host });
    expect(r.stations.find((s) => s.id === 'ua')!.utilization).toBeCloseTo(U, 6);
    expect(Math.abs(r.littleCheck.meanResponse / R - 1)).toBeLessThan(0.1);
  });
});

describe('a lightly loaded unit on a measured-shape table', () => {
  // 50/s of 2 ms exponential work: the unit idles most of the time and nearly every request pays.
  const one = queue({ mean: 2 });
  const host = { cores: 64, driverCpu: 0, coldVisit: table };
  it('DES and analytic agree on the utilization (exact for one server under Poisson arrivals)', () => {
    const a = simulate(one, 'one', { method: 'analytic', rate: 50, host });
    const d = simulate(one, 'one', { method: 'des', rate: 50, host, duration: 600_000, warmup: 10_000, seed: 5 });
    const ua = a.stations.find((s) => s.id === 'ua')!.utilization;
    const ud = d.stations.find((s) => s.id === 'ua')!.utilization;
    // U = a0 + b·x, x = (1 − a0)m/(1 + b·m), a0 = 0.1, b = 0.05/ms, m = meanColdExtra(table, 0.05)
    const m = meanColdExtra(table, 0.05);
    const x = (0.9 * m) / (1 + 0.05 * m);
    expect(ua).toBeCloseTo(0.1 + 0.05 * x, 6);
    expect(Math.abs(ud / ua - 1)).toBeLessThan(0.015);
    expect(ua).toBeGreaterThan(0.1 + 0.05 * 0.3);
  });
  it('analytic, 2 replicas × 3 workers at six times the rate: each of the 6 servers sees a sixth of the visits, so the same utilization', () => {
    const six = queue({ mean: 2, replicas: 2, servers: 3 });
    const a = simulate(six, 'one', { method: 'analytic', rate: 300, host });
    const m = meanColdExtra(table, 0.05);
    const x = (0.9 * m) / (1 + 0.05 * m);
    expect(a.stations.find((s) => s.id === 'ua')!.utilization).toBeCloseTo(0.1 + 0.05 * x, 6);
    // a busy station pays less: at 5 times that rate (a0 0.5, b 0.25/ms) the extra per visit is
    // (1 − 0.5)·m′/(1 + 0.25·m′) with m′ at the higher rate
    const busy = simulate(six, 'one', { method: 'analytic', rate: 1500, host });
    const m5 = meanColdExtra(table, 0.25);
    expect(busy.stations.find((s) => s.id === 'ua')!.utilization).toBeCloseTo(0.5 + 0.25 * ((0.5 * m5) / (1 + 0.25 * m5)), 6);
  });
  it('without a table nothing changes', () => {
    const r = simulate(one, 'one', { method: 'analytic', rate: 50, host: { cores: 64, driverCpu: 0 } });
    expect(r.stations.find((s) => s.id === 'ua')!.utilization).toBeCloseTo(0.1, 9);
  });
});
