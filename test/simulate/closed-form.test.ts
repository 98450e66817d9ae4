// The analytic method and the DES against exact queueing results, on networks built without
// YAML (builder.ts): replicas per balancing policy, processor sharing, M/D/1.
import { describe, expect, it } from 'vitest';
import { analyze, giM1Sigma } from '../../src/simulate/analytic.js';
import { compile } from '../../src/simulate/compile.js';
import { jockeyChain, jsqWait, phaseCount } from '../../src/simulate/jsq.js';
import { erlangC, md1WaitCdf, mm1PsVariance, mmcWait } from '../../src/simulate/queueing.js';
import { simulate } from '../../src/simulate/simulate.js';
import { queue } from './builder.js';

const rel = (a: number, b: number) => Math.abs(a - b) / b;
const mix = { 'a.op': 1 };

describe('replicas by balancing policy (8 replicas of one server, exponential 10 ms)', () => {
  const bp = queue({ replicas: 8 });
  it('random: Poisson splitting, each replica an M/M/1 with λ/8 (exact)', () => {
    const a = analyze(bp, 'one', { rate: 640, mix, balance: 'random' }).operations[0]!.latency;
    expect(a.mean).toBeCloseTo(10 / (1 - 0.8), 9);
    const d = simulate(bp, 'one', { rate: 640, mix, balance: 'random', duration: 150_000, warmup: 5000, seed: 3, replications: 3 }).operations[0]!;
    expect(Math.abs(d.ci95!.mean.mean - a.mean)).toBeLessThan(Math.max(3 * d.ci95!.mean.halfWidth, 0.02 * a.mean));
  });

  it('round-robin: Erlang-8 arrivals at each replica, GI/M/1 exactly (σ = A*(μ(1−σ)))', () => {
    // R = 1 is M/M/1: σ = ρ.
    expect(giM1Sigma(0.08, 1, 0.1)).toBeCloseTo(0.8, 9);
    const sigma = giM1Sigma(0.64, 8, 0.1);
    expect(sigma).toBeCloseTo(Math.pow(0.64 / (0.64 + 0.1 * (1 - sigma)), 8), 12);
    const a = analyze(bp, 'one', { rate: 640, mix, balance: 'round-robin' }).operations[0]!.latency;
    expect(a.mean).toBeCloseTo(10 + (sigma * 10) / (1 - sigma), 6);
    expect(a.mean).toBeLessThan(10 / (1 - 0.8)); // more regular than Poisson: shorter than random
    const d = simulate(bp, 'one', { rate: 640, mix, balance: 'round-robin', duration: 150_000, warmup: 5000, seed: 4, replications: 3 }).operations[0]!;
    expect(Math.abs(d.ci95!.mean.mean - a.mean)).toBeLessThan(Math.max(3 * d.ci95!.mean.halfWidth, 0.02 * a.mean));
  });

  it('least-connections: join-the-shortest-queue by the jockeying chain, named, within 3% of the DES (the pooled M/M/8 was 11% low)', () => {
    const r = analyze(bp, 'one', { rate: 720, mix });
    expect(r.warnings.some((w) => w.includes('threshold-jockeying chain of Adan, van Houtum & van der Wal'))).toBe(true);
    const a = r.operations[0]!.latency;
    const pooled = 10 + mmcWait(8, 0.72, 10);
    expect(a.mean).toBeGreaterThan(pooled * 1.1);
    const d = simulate(bp, 'one', { rate: 720, mix, duration: 150_000, warmup: 5000, seed: 5, replications: 3 }).operations[0]!;
    expect(Math.abs(d.ci95!.mean.mean - a.mean)).toBeLessThan(Math.max(3 * d.ci95!.mean.halfWidth, 0.03 * a.mean));
    expect(rel(a.p95, d.latency.p95)).toBeLessThan(0.1);
  });
});

describe('join-the-shortest-queue chain (jsq.ts)', () => {
  it('variable service (3 replicas of 2 workers, lognormal cv 1.5, 60% and 80% of saturation): within the bound the warning states (7% on the mean, 20% on p95), never below the DES by more than its interval', () => {
    const bp = queue({ replicas: 3, servers: 2, dist: 'lognormal', cv: 1.5 });
    const sat = analyze(bp, 'one', { rate: 1, mix }).saturationThroughput;
    for (const f of [0.6, 0.8]) {
      const r = analyze(bp, 'one', { rate: f * sat, mix });
      expect(r.warnings.some((w) => w.includes('up to 7% above it on the mean and 20% on p95'))).toBe(true);
      const a = r.operations[0]!.latency;
      const d = simulate(bp, 'one', { rate: f * sat, mix, duration: 5000 + (400_000 / 4 / (f * sat)) * 1000, warmup: 5000, seed: 7, replications: 4 }).operations[0]!;
      const gm = (a.mean - d.latency.mean) / d.latency.mean;
      expect(gm).toBeLessThanOrEqual(0.07);
      expect(gm).toBeGreaterThan(-d.ci95!.mean.halfWidth / d.latency.mean);
      expect(rel(a.p95, d.latency.p95)).toBeLessThanOrEqual(0.2);
    }
  }, 120_000);


  it('spread 1 is the pooled M/M/Rc exactly (no server idles while a job waits): mean wait and P(wait) by Erlang C', () => {
    for (const [R, c, rho] of [[2, 1, 0.5], [4, 1, 0.8], [3, 2, 0.9], [8, 1, 0.9]] as const) {
      const lambda = (rho * R * c) / 10;
      const x = jockeyChain(R, c, lambda, 10, 1);
      expect(x.wait).toBeCloseTo(mmcWait(R * c, lambda, 10), 8);
      expect(x.pWait).toBeCloseTo(erlangC(R * c, lambda * 10), 10);
    }
  });

  it('wider spreads wait longer, by shrinking steps (the series jsqWait extrapolates)', () => {
    const w = [1, 2, 3, 4].map((T) => jockeyChain(4, 1, 0.32, 10, T).wait);
    for (let i = 1; i < 4; i++) expect(w[i]!).toBeGreaterThan(w[i - 1]!);
    expect(w[3]! - w[2]!).toBeLessThan((w[2]! - w[1]!) * 0.5);
    expect(w[2]! - w[1]!).toBeLessThan((w[1]! - w[0]!) * 0.5);
    const j = jsqWait(4, 1, 0.32, 10)!;
    expect(j.wait).toBeGreaterThan(w[2]!);
    expect(j.wait).toBeLessThan(w[2]! + (w[2]! - w[1]!));
  });

  it('two replicas: the spread is raised until the chain converges; too many replicas are left to the pooled queue, named', () => {
    expect(jsqWait(2, 1, 0.16, 10)!.spread).toBeGreaterThan(5);
    expect(phaseCount(4, 3)).toBe(20);
    expect(jsqWait(12, 1, 1, 10)).toBeUndefined();
    const r = analyze(queue({ replicas: 12 }), 'one', { rate: 1000, mix });
    expect(r.warnings.some((w) => w.includes('lower bound on join-the-shortest-queue'))).toBe(true);
    expect(r.operations[0]!.latency.mean).toBeCloseTo(10 + mmcWait(12, 1, 10), 9);
  });
});

describe('processor sharing (M/M/1-PS, 10 ms, ρ 0.8)', () => {
  const bp = queue({ discipline: 'ps' });
  it('mean s/(1−ρ), and p95/p99 from the exact variance (Coffman, Muntz & Trotter 1970) within 10% of the DES', () => {
    const a = analyze(bp, 'one', { rate: 80, mix }).operations[0]!.latency;
    expect(a.mean).toBeCloseTo(50, 6);
    // E[T²] = 4/((2−ρ)μ²(1−ρ)²): 4 · 100 / (1.2 · 0.04)
    expect(mm1PsVariance(0.8, 10) + 50 * 50).toBeCloseTo((4 * 100) / (1.2 * 0.04), 6);
    const r = simulate(bp, 'one', { rate: 80, mix, duration: 400_000, warmup: 5000, seed: 6, replications: 4 }).operations[0]!;
    const d = r.latency;
    expect(Math.abs(r.ci95!.mean.mean - 50)).toBeLessThan(Math.max(3 * r.ci95!.mean.halfWidth, 0.01 * 50));
    // interpolated percentiles: replications differ, so their intervals are not a false 0.00
    expect(r.ci95!.p95.halfWidth).toBeGreaterThan(0);
    expect(rel(a.p95, d.p95)).toBeLessThan(0.1);
    expect(rel(a.p99, d.p99)).toBeLessThan(0.1);
    // FCFS percentiles (exponential with mean 50: p99 = 230 ms) understate the PS tail.
    expect(a.p99).toBeGreaterThan(50 * Math.log(100) * 1.1);
  });
});

/**
 * The exact M/M/1-PS sojourn-time tail P(V > t) (Coffman, Muntz & Trotter 1970), computed as what
 * it is: service is memoryless, so a tagged request's state is the number n of others present
 * (geometric at its arrival, by PASTA). It leaves at rate μ/(n+1), another leaves at rate μn/(n+1),
 * one arrives at rate λ: a phase-type absorption time, evaluated by uniformization (rate λ + μ)
 * on n < 600. Independent of both the analytic method and the DES.
 */
function mm1PsTail(lambda: number, mu: number, t: number): number {
  const N = 600;
  const L = lambda + mu;
  const rho = lambda / mu;
  let p = new Float64Array(N);
  for (let n = 0; n < N; n++) p[n] = (1 - rho) * rho ** n;
  let alive = p.reduce((a, b) => a + b, 0);
  // Σ_k Poisson(k; Lt) · P(still there after k uniformized steps)
  let w = Math.exp(-L * t);
  let logw = -L * t;
  let tail = 0;
  for (let k = 0; k < 20 * L * t + 200; k++) {
    if (k > 0) {
      logw += Math.log((L * t) / k);
      w = Math.exp(logw);
      const q = new Float64Array(N);
      for (let n = 0; n < N; n++) {
        const x = p[n]!;
        if (x === 0) continue;
        const up = lambda / L;
        const down = (mu * n) / (n + 1) / L;
        if (n + 1 < N) q[n + 1]! += x * up;
        else q[n]! += x * up;
        if (n > 0) q[n - 1]! += x * down;
      }
      p = q;
      alive = p.reduce((a, b) => a + b, 0);
    }
    tail += w * alive;
    if (k > L * t && w < 1e-14) break;
  }
  return tail;
}

const mm1PsQuantile = (lambda: number, mu: number, q: number) => {
  let lo = 0;
  let hi = 100 / (mu - lambda);
  for (let i = 0; i < 60; i++) {
    const m = (lo + hi) / 2;
    if (1 - mm1PsTail(lambda, mu, m) < q) lo = m;
    else hi = m;
  }
  return (lo + hi) / 2;
};

describe('processor sharing against the exact M/M/1-PS sojourn-time distribution (10 ms, ρ 0.8)', () => {
  const lambda = 0.08;
  const mu = 0.1;
  it('the exact distribution: P(V > 0) = 1, falling; its mean is s/(1−ρ) = 50 ms', () => {
    expect(mm1PsTail(lambda, mu, 0)).toBeCloseTo(1, 9);
    expect(mm1PsTail(lambda, mu, 100)).toBeLessThan(mm1PsTail(lambda, mu, 50));
    // E[V] = ∫ P(V > t) dt, Simpson with 10 ms steps on 0 … 2000 ms: within 0.1%
    const h = 10;
    let mean = 0;
    for (let i = 0; i <= 200; i++) mean += (i === 0 || i === 200 ? 1 : i % 2 ? 4 : 2) * mm1PsTail(lambda, mu, i * h);
    expect(rel((mean * h) / 3, 50)).toBeLessThan(0.001);
  });

  it('the analytic p95 and p99 within 6% of the exact ones, the DES within 3%', () => {
    const exact = { p95: mm1PsQuantile(lambda, mu, 0.95), p99: mm1PsQuantile(lambda, mu, 0.99) };
    console.log(`M/M/1-PS ρ 0.8, 10 ms: exact p95 ${exact.p95.toFixed(1)} ms, p99 ${exact.p99.toFixed(1)} ms`);
    const bp = queue({ discipline: 'ps' });
    const a = analyze(bp, 'one', { rate: 80, mix }).operations[0]!.latency;
    // the gamma fit of the exact mean and variance: +4.8% at p95, −3.4% at p99
    expect(rel(a.p95, exact.p95)).toBeLessThan(0.06);
    expect(rel(a.p99, exact.p99)).toBeLessThan(0.06);
    // 4 × 2,000 s (640,000 requests): a PS tail needs a long run (400 s gives p99 ±18%)
    const d = simulate(bp, 'one', { rate: 80, mix, duration: 2_000_000, warmup: 5000, seed: 6, replications: 4 }).operations[0]!;
    expect(rel(d.latency.p95, exact.p95)).toBeLessThan(0.03);
    expect(rel(d.latency.p99, exact.p99)).toBeLessThan(0.03);
    expect(Math.abs(d.latency.p99 - exact.p99)).toBeLessThan(2 * d.ci95!.p99.halfWidth);
  });
});

describe('M/D/1 (constant 10 ms)', () => {
  it('Crommelin: P(W = 0) = 1 − ρ, and the analytic percentiles are exact', () => {
    expect(md1WaitCdf(0.05, 10, 0)).toBeCloseTo(0.5, 12);
    // Below one service time the formula is (1 − ρ)e^{λt}.
    expect(md1WaitCdf(0.05, 10, 7)).toBeCloseTo(0.5 * Math.exp(0.35), 12);
    const a = analyze(queue({ dist: 'const', cv: 0 }), 'one', { rate: 50, mix }).operations[0]!.latency;
    expect(a.mean).toBeCloseTo(15, 9);
    expect(a.p50).toBeCloseTo(10, 6);
    // 1,600 s (80,000 requests): at 400 s this check failed at 20 of 40 seeds (p99 ±4%), so its
    // pass hung on the seed, not on the DES being right.
    const d = simulate(queue({ dist: 'const', cv: 0 }), 'one', { rate: 50, mix, duration: 1_600_000, warmup: 5000, seed: 7 }).operations[0]!.latency;
    expect(rel(d.p95, a.p95)).toBeLessThan(0.03);
    expect(rel(d.p99, a.p99)).toBeLessThan(0.03);
  });
});

describe('a unit without an instance', () => {
  it('compiles to one server per worker and costs nothing', () => {
    const bp = queue({ servers: 3 });
    expect(compile(bp, 'one').stations[0]!.servers).toBe(3);
    expect(analyze(bp, 'one', { rate: 10, mix }).cost.monthly.usdPerMonth).toBe(0);
  });
});

describe('M/M/1 FCFS percentiles (exponential 10 ms, ρ 0.5): the response time is exponential with mean 20 ms', () => {
  // Each percentile at its own rank: q ↦ −20·ln(1 − q). p90 46.1, p95 59.9, p99 92.1 ms: reading
  // one percentile at another's rank is off by 20% or more.
  const exact = (q: number) => -20 * Math.log(1 - q);
  const bp = queue();
  it('the analytic method (a gamma fit of the waiting time) within 2%', () => {
    const a = analyze(bp, 'one', { rate: 50, mix }).operations[0]!.latency;
    expect(a.mean).toBeCloseTo(20, 6);
    for (const [q, v] of [[0.5, a.p50], [0.9, a.p90], [0.95, a.p95], [0.99, a.p99]] as const) expect(rel(v, exact(q)), `p${q * 100}`).toBeLessThan(0.02);
  });

  it('the DES within 4%', () => {
    // 1,600 s (80,000 requests): at 400 s this check failed at 17 of 40 seeds.
    const d = simulate(bp, 'one', { rate: 50, mix, duration: 1_600_000, warmup: 5000, seed: 8 }).operations[0]!.latency;
    expect(rel(d.mean, 20)).toBeLessThan(0.04);
    for (const [q, v] of [[0.5, d.p50], [0.9, d.p90], [0.95, d.p95], [0.99, d.p99]] as const) expect(rel(v, exact(q)), `p${q * 100}`).toBeLessThan(0.04);
    expect(d.max).toBeGreaterThan(d.p99);
  });
});
