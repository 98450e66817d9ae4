// `--requests N` without a duration runs as long as N arrivals take. Under a load profile that is
// the time the profile's own rates take (a spike that comes after the base rate's N/rate would
// otherwise be cut off, under a header naming the whole profile's mean rate).
import { describe, expect, it } from 'vitest';
import { arrivalsBy, durationFor, meanRate, workloadFor } from '../../src/simulate/workload.js';
import { simulate } from '../../src/simulate/simulate.js';
import { queue } from './builder.js';

const spike = { kind: 'spike' as const, base: 150, peak: 900, at: 20_000, for: 10_000 };

describe('durationFor: the time a profile takes to bring N arrivals', () => {
  it('a constant rate: N / rate exactly', () => {
    expect(durationFor(5000, undefined, 150)).toBe((5000 / 150) * 1000);
    expect(durationFor(300, { kind: 'constant' }, 100)).toBe(3000);
  });

  it('a spike: 3,000 at 150/s by 20 s, the other 2,000 at 900/s take 2.22 s more', () => {
    const t = durationFor(5000, spike, 150);
    expect(t).toBeCloseTo(20_000 + (2000 / 900) * 1000, 3);
    // before the spike starts, the base rate alone
    expect(durationFor(1500, spike, 150)).toBeCloseTo(10_000, 3);
    // past the spike: 3,000 + 9,000 by 30 s, then 150/s again
    expect(durationFor(12_000 + 1500, spike, 150)).toBeCloseTo(40_000, 3);
  });

  it('a ramp from 0/s: N = ∫ (to·t/over) = to·T²/(2·over) while it rises', () => {
    const ramp = { kind: 'ramp' as const, from: 0, to: 200, over: 60_000 };
    // 200/s over 60 s: 600 arrivals by 6√10 s ≈ 18.97 s
    expect(durationFor(600, ramp, 100)).toBeCloseTo(Math.sqrt((2 * 600 * 60) / 200) * 1000, 3);
  });

  it('a profile that stops arriving before N is refused with a line that says what to do', () => {
    const down = { kind: 'ramp' as const, from: 100, to: 0, over: 10_000 };
    // 500 arrivals in all (a triangle): 400 are reached, 600 never
    expect(durationFor(400, down, 100)).toBeGreaterThan(0);
    expect(() => durationFor(600, down, 100)).toThrow("the load profile's arrivals never reach 600 requests: give a duration instead");
  });
});

describe('arrivalsBy: ∫₀ᵗ rate, exactly, against the profile rates summed finely', () => {
  const profiles = [
    spike,
    { kind: 'ramp' as const, from: 50, to: 300, over: 12_000 },
    { kind: 'ramp' as const, from: 300, to: 20, over: 7_000 },
    { kind: 'diurnal' as const, min: 10, max: 500, period: 9_000 },
  ];
  for (const p of profiles) {
    it(`${p.kind} ${JSON.stringify(p)}`, () => {
      for (const t of [0, 1_000, 6_999, 7_001, 15_000, 31_234, 45_000]) {
        const fine = (meanRate(p, 100, t) * t) / 1000;
        // the midpoint sum of 2,000 steps is within a step's worth of arrivals at the peak rate
        const step = t / 2000;
        expect(Math.abs(arrivalsBy(p, 100, t) - fine)).toBeLessThanOrEqual((Math.max(500, 900) * step) / 1000 + 1e-9);
      }
    });
  }
  it('exact values: a ramp past its end, a whole diurnal period, a spike inside the window', () => {
    // 50→300 over 12 s is 2,100 arrivals, then 300/s for 3 s more
    expect(arrivalsBy({ kind: 'ramp', from: 50, to: 300, over: 12_000 }, 1, 15_000)).toBeCloseTo(2100 + 900, 9);
    // one whole period of a diurnal profile: its mean rate (min + max)/2
    expect(arrivalsBy({ kind: 'diurnal', min: 10, max: 500, period: 9_000 }, 1, 9_000)).toBeCloseTo(255 * 9, 9);
    expect(arrivalsBy(spike, 1, 35_000)).toBeCloseTo(150 * 25 + 900 * 10, 9);
    expect(arrivalsBy(spike, 1, 25_000)).toBeCloseTo(150 * 20 + 900 * 5, 9);
    expect(arrivalsBy({ kind: 'ramp', from: 10, to: 90, over: 0 }, 1, 2_000)).toBe(180);
    expect(arrivalsBy(undefined, 40, 2_500)).toBe(100);
  });
});

describe('workloadFor and the DES: N requests under a profile', () => {
  const bp = queue({ dist: 'const', mean: 1 });
  it("the workload's duration and mean rate make N arrivals, and the run brings N", () => {
    const w = workloadFor(bp, { requests: 5000, profile: spike, mix: { 'a.op': 1 } });
    expect(w.duration).toBeCloseTo(22_222, -1);
    expect(w.rate).toBeCloseTo(meanRate(spike, 100, w.duration), 9);
    expect((w.rate! * w.duration) / 1000).toBeCloseTo(5000, -1);
    const r = simulate(bp, 'one', { method: 'des', requests: 5000, profile: spike, mix: { 'a.op': 1 }, seed: 3 });
    const count = r.operations.reduce((s, o) => s + o.count, 0);
    // the run stops at N arrivals, or at the duration a few short of them
    expect(count).toBeLessThanOrEqual(5000);
    expect(count).toBeGreaterThan(4800);
    // throughput: the requests over the run's duration, about the profile's mean rate (225/s), not the base 150/s
    expect(r.operations[0]!.throughput).toBeGreaterThan(215);
    expect(r.operations[0]!.throughput).toBeLessThan(230);
  });
});
