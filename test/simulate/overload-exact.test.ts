// overload.ts's pure parts worked by hand: the time a load profile spends above the saturation
// rate (each kind, each edge: a ramp that never gets there, one that ends exactly on it, one that
// falls; a spike over a base already above it; a cosine off zero), the peak a profile reaches
// within the run (the spike's plateau and the cosine's tops inside it, never one after it), the
// line a backlog builds and where it drains, and the warnings' exact words and number formats.
import { describe, expect, it } from 'vitest';
import type { Profile } from '../../src/model/schema.js';
import { backlogPeak, backlogPeakWarning, profilePeak, profilePeakWarning } from '../../src/simulate/overload.js';

const D = 60_000;
const above = (p: Profile, sat: number, duration = D) => profilePeak(p, duration, sat, 0)?.above;
const peak = (p: Profile, sat: number, duration = D) => profilePeak(p, duration, sat, 0)?.peak;

describe('profilePeak: the time above the saturation rate', () => {
  it('a spike: its plateau, plus the rest of the run when the base itself is above', () => {
    expect(above({ kind: 'spike', base: 50, peak: 1500, at: 10_000, for: 5_000 }, 1000)).toBe(5_000);
    expect(above({ kind: 'spike', base: 1100, peak: 1500, at: 10_000, for: 5_000 }, 1000)).toBe(60_000);
    // a base exactly at the saturation rate is not above it
    expect(above({ kind: 'spike', base: 1000, peak: 1500, at: 10_000, for: 5_000 }, 1000)).toBe(5_000);
    // a plateau cut by the run's end
    expect(above({ kind: 'spike', base: 50, peak: 1500, at: 50_000, for: 20_000 }, 1000)).toBe(10_000);
  });

  it('a rising ramp: from where it crosses, then flat to the end; never, or ending exactly at it, is not above', () => {
    // 500 → 2500/s over 20 s crosses 1000/s at 5 s: 15 s of the ramp and 40 s flat
    expect(above({ kind: 'ramp', from: 500, to: 2500, over: 20_000 }, 1000)).toBe(55_000);
    expect(profilePeak({ kind: 'ramp', from: 0, to: 900, over: 20_000 }, D, 1000, 0)).toBeUndefined();
    expect(profilePeak({ kind: 'ramp', from: 0, to: 1000, over: 20_000 }, D, 1000, 0)).toBeUndefined();
    // longer than the run: 0 → 2000/s over 80 s crosses at 40 s, so 20 s of a 60 s run
    expect(above({ kind: 'ramp', from: 0, to: 2000, over: 80_000 }, 1000)).toBe(20_000);
  });

  it('a falling ramp: until it crosses, the whole run when it crosses after the end; a flat one all or nothing', () => {
    // 1500 → 900/s over 20 s: below 1000/s from 20 s × 500/600
    expect(above({ kind: 'ramp', from: 1500, to: 900, over: 20_000 }, 1000)).toBeCloseTo(50_000 / 3, 6);
    // 2000 → 0/s over 80 s crosses 1000/s at 40 s, after a 30 s run ends
    expect(above({ kind: 'ramp', from: 2000, to: 0, over: 80_000 }, 1000, 30_000)).toBe(30_000);
    expect(above({ kind: 'ramp', from: 1500, to: 1500, over: 20_000 }, 1000)).toBe(60_000);
    expect(profilePeak({ kind: 'ramp', from: 900, to: 900, over: 20_000 }, D, 1000, 0)).toBeUndefined();
    expect(profilePeak({ kind: 'ramp', from: 1000, to: 1000, over: 20_000 }, D, 1000, 0)).toBeUndefined();
  });

  it('a cosine between a floor and a top: the phases above, all of it below the floor, none at the top or over it', () => {
    // 500–2500/s: above 1500/s (the middle) for the middle half of each period
    expect(above({ kind: 'diurnal', min: 500, max: 2500, period: 40_000 }, 1500, 40_000)).toBeCloseTo(20_000, 6);
    expect(above({ kind: 'diurnal', min: 500, max: 2500, period: 40_000 }, 400)).toBe(60_000);
    expect(profilePeak({ kind: 'diurnal', min: 500, max: 2500, period: 40_000 }, D, 2500, 0)).toBeUndefined();
    expect(profilePeak({ kind: 'diurnal', min: 500, max: 2500, period: 40_000 }, D, 3000, 0)).toBeUndefined();
  });
});

describe('profilePeak: the highest rate within the run', () => {
  it("a spike's plateau; a cosine's top inside the run, not one after it", () => {
    expect(peak({ kind: 'spike', base: 50, peak: 1200, at: 20_000, for: 5_000 }, 1000)).toBe(1200);
    // period 40 s: the top at 20 s is inside a 30 s run (its ends are at 0 and 1000/s)
    expect(peak({ kind: 'diurnal', min: 0, max: 2000, period: 40_000 }, 900, 30_000)).toBe(2000);
    // a 15 s run ends before that top: the highest rate is the end's, 1000 × (1 + cos(π/4))
    expect(peak({ kind: 'diurnal', min: 0, max: 2000, period: 40_000 }, 900, 15_000)).toBeCloseTo(1000 * (1 + Math.SQRT1_2), 9);
    expect(peak({ kind: 'ramp', from: 0, to: 2000, over: 80_000 }, 1000)).toBe(1500);
    expect(peak({ kind: 'ramp', from: 2000, to: 0, over: 20_000 }, 1000)).toBe(2000);
  });

  it('carries the mean it was given, and the fluid line at its height', () => {
    // 1500/s for 10 s against 1000/s: 5000 requests queued, drained by the end; the plateau's
    // edges are placed to within a step of 3 ms (60 s / 20 000), 500/s × 3 ms = 1.5 requests
    const pk = profilePeak({ kind: 'spike', base: 50, peak: 1500, at: 10_000, for: 10_000 }, D, 1000, 291.7)!;
    expect(pk.mean).toBe(291.7);
    expect(Math.abs(pk.backlog - 5000)).toBeLessThanOrEqual(1.5);
    // a ramp's line, smooth: ∫ of its excess from 10 s to 20 s (5000) plus 40 s × 1000/s
    expect(Math.abs(profilePeak({ kind: 'ramp', from: 0, to: 2000, over: 20_000 }, D, 1000, 0)!.backlog - 45_000)).toBeLessThan(0.01);
  });
});

describe('backlogPeak', () => {
  it('nothing sampled: nothing to say', () => {
    expect(backlogPeak([], 100, 10)).toEqual({ peak: 0, at: -1, median: 0, drained: -1, large: false });
  });

  it('the lower middle sample as the median, the first of equal peaks, drained at half the threshold above the median', () => {
    // threshold max(10/s × 1 s, 0) = 10; median 2 (sorted: six 2s, 7, 17, 40); drained where the
    // line is back within 5 of it: 17 − 2 = 15 is not, 7 − 2 = 5 is
    expect(backlogPeak([2, 2, 2, 2, 2, 40, 17, 7, 2], 10, 0)).toEqual({ peak: 40, at: 5, median: 2, drained: 7, large: true });
    expect(backlogPeak([5, 1, 3, 100], 10, 0).median).toBe(3);
    expect(backlogPeak([0, 10, 10, 0], 1, 0)).toEqual({ peak: 10, at: 1, median: 0, drained: 3, large: true });
    // drained is looked for after the peak only
    expect(backlogPeak([0, 0, 100, 100, 0], 10, 0).drained).toBe(4);
    // never back: -1
    expect(backlogPeak([0, 0, 0, 50, 50], 10, 0)).toEqual({ peak: 50, at: 3, median: 0, drained: -1, large: true });
  });

  it('large: the peak above the median by the threshold, the larger of the second of work and the floor', () => {
    expect(backlogPeak([8, 8, 8, 15, 8], 10, 0).large).toBe(false);
    expect(backlogPeak([8, 8, 8, 18, 8], 10, 0).large).toBe(true);
    expect(backlogPeak([8, 8, 8, 18, 8], 10, 11).large).toBe(false);
    expect(backlogPeak([8, 8, 8, 18, 8], Infinity, 10).large).toBe(true);
  });
});

describe('the warnings, word for word', () => {
  it('a profile peak: rates whole from 100/s and three digits below, seconds likewise, requests two digits from ten', () => {
    expect(profilePeakWarning({ peak: 1234.4, above: 123_456, backlog: 3.7, mean: 12.34 }, 99.95, 1_234_567)).toBe(
      "the load profile peaks at 1234/s, above the saturation rate of 100/s for 123 s of the 1235 s run: requests queue during the peak (a line of about 4 requests at its height, by the arrival rate less the saturation rate) and wait for it to drain, far longer than at the profile's mean rate of 12.3/s",
    );
    expect(profilePeakWarning({ peak: 150.6, above: 12_345, backlog: 0.2, mean: 1.5 }, 140, 60_000)).toBe(
      "the load profile peaks at 151/s, above the saturation rate of 140/s for 12.3 s of the 60 s run: requests queue during the peak (a line of about 1 request at its height, by the arrival rate less the saturation rate) and wait for it to drain, far longer than at the profile's mean rate of 1.5/s",
    );
    expect(profilePeakWarning({ peak: 2000, above: 10_000, backlog: 2476, mean: 241 }, 952.4, 60_000)).toContain('a line of about 2500 requests');
  });

  it('a backlog peak, drained and not', () => {
    const at = (i: number) => (i + 1) * 1000;
    expect(backlogPeakWarning({ peak: 40, at: 5, median: 2.4, drained: 7, large: true }, at)).toBe(
      'the backlog reached 40 requests in the system at 6 s of the run, against 2 at the median sample, and had drained by 8 s: requests that arrived meanwhile waited behind it, so the latencies above are those of the overload, not of the mean rate',
    );
    expect(backlogPeakWarning({ peak: 1, at: 0, median: 0, drained: -1, large: true }, at)).toBe(
      'the backlog reached 1 request in the system at 1 s of the run, against 0 at the median sample, and had not drained when the run stopped: requests that arrived meanwhile waited behind it, so the latencies above are those of the overload, not of the mean rate',
    );
  });
});
