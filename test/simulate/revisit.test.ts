// The revisit model (analytic.ts revisitWaits): a request that comes back to a station it has
// already visited (the gateway/BFF shape) waits for the work that arrived since it was last there,
// not the time average. Checked against long DES runs, and exact where product form makes it so.
import { describe, expect, it } from 'vitest';
import { Blueprint } from '../../src/model/schema.js';
import { analyze } from '../../src/simulate/analytic.js';
import { mmcWait } from '../../src/simulate/queueing.js';
import { simulate } from '../../src/simulate/simulate.js';
import { fanout } from './builder.js';

const mix = { 'front.page': 1 };

/** One unit of `workers` servers; a.op calls b.op in process: two exponential visits a request, back to back. */
function twice(workers: number, mean: { a: number; b: number } = { a: 1, b: 1 }) {
  const exp = (m: number) => ({ dist: 'exp', mean: `${m}ms`, cv: 1 });
  return Blueprint.parse({
    apiVersion: 'archsim/v1',
    kind: 'Blueprint',
    metadata: { name: 'twice' },
    system: { domains: { a: { tables: [], operations: { op: { route: 'GET /a', cpu: exp(mean.a), calls: [{ op: 'b.op' }] } } }, b: { tables: [], operations: { op: { internal: true, cpu: exp(mean.b) } } } } },
    layouts: { one: { units: { u: { domains: ['a', 'b'], port: 8000, workers } }, network: { latency: '0ms', cpuPerCall: '0ms', cpuPerKiB: '0ms' } } },
    catalog: {},
  });
}

describe('return visits', () => {
  // Both DES checks below run 1,200,000 requests: the model's gaps sit near their bounds (about
  // −4.2% against 5% here, +21.5% against 23% on the four-worker p95), and at 300,000 requests the
  // DES's own noise (±1%) decided the verdict at some seeds (the four-worker p95 failed at 1 of 6).
  it('fan-out ×4, one page at 30/60/80% of saturation: mean within 5%, p95 within 10% of a 1,200,000-request DES (the independent-visit model was +37% at 80%)', () => {
    const bp = fanout({ callees: 4, front: 1, callee: 0.5 });
    const sat = analyze(bp, 'one', { rate: 1, mix }).saturationThroughput;
    const rows: string[] = [];
    try {
      for (const [f, bound] of [[0.3, 0.02], [0.6, 0.03], [0.8, 0.05]] as const) {
        const rate = f * sat;
        const a = analyze(bp, 'one', { rate, mix }).operations[0]!.latency;
        const d = simulate(bp, 'one', { rate, mix, duration: 5000 + (1_200_000 / 4 / rate) * 1000, warmup: 5000, seed: 5, replications: 4 }).operations[0]!;
        const gm = (a.mean - d.latency.mean) / d.latency.mean;
        const gp = (a.p95 - d.latency.p95) / d.latency.p95;
        rows.push(`${f * 100}%: mean ${a.mean.toFixed(2)} vs ${d.latency.mean.toFixed(2)} ms (${(gm * 100).toFixed(1)}%, DES ±${((d.ci95!.mean.halfWidth / d.latency.mean) * 100).toFixed(1)}%), p95 ${a.p95.toFixed(2)} vs ${d.latency.p95.toFixed(2)} ms (${(gp * 100).toFixed(1)}%)`);
        expect(Math.abs(gm)).toBeLessThanOrEqual(bound);
        expect(Math.abs(gp)).toBeLessThanOrEqual(0.1);
      }
    } finally {
      console.log(`fan-out ×4, one page: ${rows.join(' · ')}`);
    }
  }, 240_000);

  it('several servers, one exponential service at every visit (product form): a return visit waits exactly the M/M/2 time average', () => {
    // The same two visits on a unit of 2 workers at ρ 0.8: each waits the M/M/2 W (Burke: its
    // departures see time averages). The one-server form ρ(W + S) would give 1.42 ms, not W.
    const r = analyze(twice(2), 'one', { rate: 800, mix: { 'a.op': 1 } });
    const W = mmcWait(2, 1.6, 1); // two visits a request: 1.6 visits per ms
    expect(r.stations.find((s) => s.id === 'u')!.utilization).toBeCloseTo(0.8, 12);
    expect(r.operations[0]!.latency.mean).toBeCloseTo(2 * (1 + W), 9);
  });

  it('four workers, visits of different lengths back to back (a monolith calling in process) at 80% of saturation: short then long within 5% (mean) and 10% (p95) of the DES, long then short above it by no more than the warning states (the one-server form: +55% and +30%)', () => {
    for (const [first, second, lo, hi, pHi] of [[0.1, 0.5, -0.05, 0.05, 0.1], [0.5, 0.1, 0, 0.2, 0.23]] as const) {
      const bp = twice(4, { a: first, b: second });
      const sat = analyze(bp, 'one', { rate: 1, mix: { 'a.op': 1 } }).saturationThroughput;
      const rate = 0.8 * sat;
      const a = analyze(bp, 'one', { rate, mix: { 'a.op': 1 } });
      expect(a.warnings.some((w) => w.includes('several servers is solved the same way') && w.includes('+18% on the mean and +21% on p95'))).toBe(true);
      const d = simulate(bp, 'one', { rate, mix: { 'a.op': 1 }, duration: 5000 + (1_200_000 / 4 / rate) * 1000, warmup: 5000, seed: 9, replications: 4 }).operations[0]!;
      const al = a.operations[0]!.latency;
      const gm = (al.mean - d.latency.mean) / d.latency.mean;
      const gp = (al.p95 - d.latency.p95) / d.latency.p95;
      console.log(`4 workers, ${first} then ${second} ms at 80%: mean ${al.mean.toFixed(3)} vs ${d.latency.mean.toFixed(3)} ms (${(gm * 100).toFixed(1)}%, DES ±${((d.ci95!.mean.halfWidth / d.latency.mean) * 100).toFixed(1)}%), p95 ${al.p95.toFixed(3)} vs ${d.latency.p95.toFixed(3)} ms (${(gp * 100).toFixed(1)}%)`);
      expect(gm).toBeGreaterThanOrEqual(lo);
      expect(gm).toBeLessThanOrEqual(hi);
      expect(Math.abs(gp)).toBeLessThanOrEqual(pHi);
    }
  }, 120_000);

  it('one exponential service at every visit (product form): a return visit waits exactly the M/M/1 time average', () => {
    // One unit, one worker; a.op calls b.op in process: two 1 ms exponential visits a request, the
    // second right after the first. By product form each waits ρS/(1 − ρ); the model's fixed point
    // has v0 = ρ(W + S) = W, so the return visit is not discounted.
    const bp = twice(1);
    const r = analyze(bp, 'one', { rate: 300, mix: { 'a.op': 1 } });
    const u = r.stations.find((s) => s.id === 'u')!;
    expect(u.utilization).toBeCloseTo(0.6, 12);
    expect(r.warnings.some((w) => w.includes('u is visited several times by one request'))).toBe(true);
    // two visits of S + ρS/(1 − ρ) = 2.5 ms
    expect(r.operations[0]!.latency.mean).toBeCloseTo(5, 9);
    expect(u.meanQueue).toBeCloseTo((600 / 1000) * 1.5, 9);
  });
});
