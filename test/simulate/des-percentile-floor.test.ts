// DES percentiles stay within the smallest and largest latencies recorded. The histogram's
// buckets are 1% wide and a percentile is interpolated inside its bucket, so a constant 10 ms
// read p50 9.987 ms and a constant 60 s read p50 59,725 ms: below every request's latency.
import { describe, expect, it } from 'vitest';
import { percentile, BUCKETS, bucketOf } from '../../src/simulate/des/histogram.js';
import { simulate } from '../../src/simulate/simulate.js';
import { queue } from './builder.js';

describe('DES percentiles and the smallest latency', () => {
  it('constant work with (almost) no queueing: p50 to p95 never below the work itself, and within the 1% buckets above it', () => {
    for (const ms of [10, 60_000]) {
      // ρ 0.01: about 1 request in 100 waits
      const r = simulate(queue({ dist: 'const', mean: ms }), 'one', { rate: 0.01 * (1000 / ms), requests: 300, seed: 3, mix: { 'a.op': 1 } });
      const l = r.operations[0]!.latency;
      for (const p of [l.p50, l.p90, l.p95]) {
        expect(p, `${ms} ms`).toBeGreaterThanOrEqual(ms);
        expect(p, `${ms} ms`).toBeLessThanOrEqual(ms * 1.01);
      }
      expect(l.p99).toBeGreaterThanOrEqual(ms);
      expect(l.max).toBeGreaterThanOrEqual(l.p99);
    }
  });

  it('percentile() clamps to the min it is given, and reads as before without one', () => {
    const h = new Uint32Array(BUCKETS);
    h[bucketOf(10)] = 100;
    expect(percentile(h, 0, 100, 0.5, 10)).toBeLessThan(10); // interpolated inside the bucket
    expect(percentile(h, 0, 100, 0.5, 10, 10)).toBe(10);
    expect(percentile(h, 0, 100, 0.01, 10.05, 10)).toBe(10);
    // a min below the estimate changes nothing
    expect(percentile(h, 0, 100, 0.99, 10.09, 9)).toBe(percentile(h, 0, 100, 0.99, 10.09));
  });
});
