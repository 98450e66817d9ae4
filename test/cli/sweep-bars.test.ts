// sweep's "mean (log scale)" bars: from the lowest mean to the highest, on an axis of at least ×2,
// so means that differ in their last digit draw alike (0.0500 and 0.0501 ms drew 1 and 30 blocks).
import { describe, expect, it } from 'vitest';
import { renderSweep } from '../../src/cli/render-sim.js';
import type { SweepResult } from '../../src/simulate/types.js';

const sweep = (means: number[]): SweepResult =>
  ({
    layout: 'one',
    method: 'analytic',
    points: means.map((m, i) => ({ rate: 10 * (i + 1), meanLatency: m, p95: m * 3, throughput: 10 * (i + 1), errorRate: 0, bottleneckUtilization: 0.1 * (i + 1) })),
    knee: null,
    saturationThroughput: 1000,
  }) as unknown as SweepResult;

const bars = (means: number[]) =>
  renderSweep(sweep(means))
    .split('\n')
    .filter((l) => /▇/.test(l))
    .map((l) => (l.match(/▇+/)?.[0] ?? '').length);

describe('sweep bars', () => {
  it('a flat curve is flat: 1 block each', () => {
    expect(bars([0.05, 0.0501, 0.05005])).toEqual([1, 1, 1]);
  });
  it('a curve that rises ×100 spans 1 to 30 blocks, its middle (×10) halfway', () => {
    expect(bars([1, 10, 100])).toEqual([1, 16, 30]);
  });
  it('a rise of exactly ×2 still spans the whole axis', () => {
    expect(bars([1, 2])).toEqual([1, 30]);
  });
});
