// Past saturation every command says so, the same way (SimulationResult.saturated and one
// wording); long runs finish in time proportional to their events.
import { describe, expect, it } from 'vitest';
import { loadBlueprint } from '../../src/io/load.js';
import { collect } from '../../src/report/collect.js';
import { analyze, saturation } from '../../src/simulate/analytic.js';
import { compare } from '../../src/simulate/compare.js';
import { compile } from '../../src/simulate/compile.js';
import { opDemands } from '../../src/simulate/demand.js';
import { backlogTrend } from '../../src/simulate/overload.js';
import { simulate } from '../../src/simulate/simulate.js';
import { sweepAnalytic, sweepCurve } from '../../src/simulate/sweep.js';
import { queue } from './builder.js';

const mix = { 'a.op': 1 };
const { blueprint: qc } = loadBlueprint('blueprints/quantchat.yaml');
const UNSTABLE = /^unstable: .+ is saturated \(ρ=\d+\.\d\d\); latencies are unbounded$/;

describe('ρ 1.2', () => {
  const bp = queue();
  it('simulate: both methods set `saturated` and say it in the same words; the DES ms/request stays the true 10 ms', () => {
    const a = analyze(bp, 'one', { rate: 120, mix });
    const d = simulate(bp, 'one', { rate: 120, mix, duration: 60_000, seed: 1 });
    for (const r of [a, d]) {
      expect(r.saturated).toMatchObject({ station: 'ua', by: 'offered load' });
      expect(r.saturated!.utilization).toBeCloseTo(1.2, 6);
      expect(r.warnings.filter((w) => UNSTABLE.test(w))).toEqual(['unstable: ua is saturated (ρ=1.20); latencies are unbounded']);
    }
    expect(Math.abs(d.stations[0]!.demandPerRequest - 10)).toBeLessThan(0.3);
    // below saturation: nothing said
    const ok = simulate(bp, 'one', { rate: 90, mix, duration: 60_000, seed: 1 });
    expect(ok.saturated).toBeUndefined();
    expect(ok.warnings.some((w) => UNSTABLE.test(w))).toBe(false);
  });

  it('sweep (analytic and DES points), compare and report flag it', () => {
    const sw = sweepAnalytic(bp, 'one', [60, 120], { mix });
    expect(sw.points.map((p) => Boolean(p.saturated))).toEqual([false, true]);
    const des = sweepCurve(bp, 'one', 'des', [60, 120].map((rate) => ({ rate, result: simulate(bp, 'one', { rate, mix, duration: 20_000, seed: 2 }) })), { mix });
    expect(des.points.map((p) => Boolean(p.saturated))).toEqual([false, true]);
    const c = compile(qc, 'monolith');
    const rate = Math.round(1.2 * saturation(c, opDemands(c), workMix()).rate);
    const cmp = compare(qc, ['monolith', 'microservices'], { rate });
    expect(cmp.notes.some((n) => n.startsWith(`monolith at ${rate}/s: unstable: `))).toBe(true);
    const rep = collect(qc, { file: 'quantchat.yaml', generator: 'test', layouts: ['monolith'], rate, scenarios: [], loadtests: [], points: 4 });
    expect(rep.notes.some((n) => n.startsWith(`monolith at ${rate}/s: unstable: `))).toBe(true);
    expect(rep.report.layouts[0]!.saturation.saturated?.by).toBe('offered load');
  });

  it('the DES sees a backlog where the mean load is below saturation but a spike is not', () => {
    // 50/s, then 150/s for the last third: mean ρ 0.83, but the line grows by ~1000 requests.
    const d = simulate(queue(), 'one', { rate: 50, mix, profile: { kind: 'spike', base: 50, peak: 150, at: 40_000, for: 20_000 }, duration: 60_000, warmup: 0, seed: 3 });
    expect(d.saturated?.by).toBe('backlog');
    expect(backlogTrend([5, 3, 6, 4, 5, 7, 4, 5, 6, 3, 5], 10_000).growing).toBe(false);
    // no false alarm at ρ 0.95, where the line is long and wanders
    for (const seed of [1, 2, 3, 4]) expect(simulate(queue(), 'one', { rate: 95, mix, duration: 60_000, seed }).saturated, `seed ${seed}`).toBeUndefined();
    expect(backlogTrend(Array.from({ length: 21 }, (_, i) => 100 * i), 10_000).growing).toBe(true);
  });
});

describe('long runs', () => {
  it('10^7 s of M/M/1-PS finishes in time proportional to its events (no stall past 2^24 ms)', () => {
    const bp = queue({ discipline: 'ps' });
    const t0 = performance.now();
    const short = simulate(bp, 'one', { rate: 0.1, mix, duration: 1e9, warmup: 0, seed: 4 });
    const t1 = performance.now();
    const long = simulate(bp, 'one', { rate: 0.1, mix, duration: 1e10, warmup: 0, seed: 4 });
    const t2 = performance.now();
    // two events per request (arrival, pool wake-up), whatever the clock reads
    expect(long.stats!.events / long.stats!.requests).toBeLessThan(2.2);
    expect(long.stats!.requests).toBeGreaterThan(0.99e6);
    expect(long.warnings.some((w) => w.includes('still in the system'))).toBe(false);
    expect(Math.abs(long.operations[0]!.latency.mean - 10 / (1 - 0.001)) / 10).toBeLessThan(0.01);
    // ×10 the events: well under ×30 the time (JIT and a loaded machine leave room)
    expect((t2 - t1) / (t1 - t0)).toBeLessThan(30);
    expect(short.stats!.events / short.stats!.requests).toBeLessThan(2.2);
  }, 120_000);
});

function workMix(): Record<string, number> {
  return analyze(qc, 'monolith').workload.mix;
}
