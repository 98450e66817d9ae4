// The knee note when the point before the first one past twice the no-load mean is itself at or
// past saturation (a short DES run whose queue had not doubled the mean yet, or one shedding
// load): `sweep iot-telemetry -l pipeline --rates 100..1000x10 --method des --duration 10s` said
// "the knee lies between 900/s and the saturation rate of 894/s", an interval upside down. The
// curve here is an M/M/1 queue (10 ms, saturation 100/s, no-load mean 10 ms); the points past
// saturation are given means under 20 ms, as such a DES run gives them.
import { beforeEach, describe, expect, it } from 'vitest';
import { analyze } from '../../src/simulate/analytic.js';
import { kneeNote, sweepCurve } from '../../src/simulate/sweep.js';
import type { SimulationResult } from '../../src/simulate/types.js';
import { queue } from './builder.js';

describe('a knee note past saturation', () => {
  const mm1 = queue({ mean: 10 });
  // the analytic result at `solvedAt` (its mean 10/(1 − λ/100) ms), shown at `rate`
  const point = (rate: number, solvedAt: number): { rate: number; result: SimulationResult } => ({ rate, result: { ...analyze(mm1, 'one', { rate: solvedAt }), method: 'des' } });
  let points: { rate: number; result: SimulationResult }[];
  beforeEach(() => {
    // 10/s: 11.1 ms, 50/s: 20 ms (not past twice 10), then 120/s at 16.7 ms and 150/s at 100 ms
    points = [point(10, 10), point(50, 50), point(120, 40), point(150, 90)];
  });

  it('places the knee between the last point below saturation and saturation, naming the point past it', () => {
    const s = sweepCurve(mm1, 'one', 'des', points);
    expect(s.knee).toBeNull();
    expect(s.notes).toEqual(['the knee lies between 50/s and the saturation rate of 100/s, where no point was computed (120/s is at or past saturation, though its mean is not past twice the no-load mean): sweep up to about 100/s to place it']);
  });

  it('with every point before it past saturation, the knee lies below them all', () => {
    const s = sweepCurve(mm1, 'one', 'des', points.slice(2));
    expect(s.knee).toBeNull();
    expect(s.notes).toEqual(['the knee lies below the saturation rate of 100/s, under every point computed (120/s is at or past saturation, though its mean is not past twice the no-load mean): sweep below 100/s to place it']);
  });

  it('words every case (several points past saturation; a point exactly at it; none past it, as before)', () => {
    expect(kneeNote([100, 200, 300, 400, 500, 600, 700, 800, 900], 894.16)).toBe(
      'the knee lies between 800/s and the saturation rate of 894/s, where no point was computed (900/s is at or past saturation, though its mean is not past twice the no-load mean): sweep up to about 894/s to place it',
    );
    expect(kneeNote([10, 100, 110, 120], 100)).toBe(
      'the knee lies between 10/s and the saturation rate of 100/s, where no point was computed (100/s, 110/s and 120/s are at or past saturation, though their means are not past twice the no-load mean): sweep up to about 100/s to place it',
    );
    expect(kneeNote([10], 100)).toBe('the knee lies between 10/s and the saturation rate of 100/s, where no point was computed: sweep up to about 100/s to place it');
  });
});
