// A level beyond what the layout sustains, on either side: how validate-model judges it (pure).
// Latencies of a saturated level grow with the run's length, so when the measurement and the
// prediction both say "saturated" the level is not compared on latency; when only one does, its
// errors stay in the medians.
import { describe, expect, it } from 'vitest';
import { BACKLOG_LAG_MS, compareLevel, measuredSaturation, saturationCounts, withinInterval, worst, type LevelComparison } from '../../src/loadtest/validate-model.js';
import { combineWindows } from '../../src/loadtest/replicate.js';
import { LoadTestResult } from '../../src/loadtest/result.js';
import type { simulate } from '../../src/simulate/simulate.js';

const lat = (p50: number, p95: number) => ({ min: 0.1, mean: p50, p50, p90: p95 * 0.9, p95, p99: p95 * 1.2, max: p95 * 2 });
function run(o: { rate: number; throughput: number; lagP50?: number; waited?: number; p50?: number; p95?: number }): LoadTestResult {
  const p50 = o.p50 ?? 10;
  const p95 = o.p95 ?? 30;
  return LoadTestResult.parse({
    schemaVersion: 1,
    run: { blueprint: 'q', layout: 'monolith', target: 'http://127.0.0.1:1', driver: 'embedded', model: 'open', rate: o.rate, connections: 16, duration: 10, warmup: 5, started: '2026-12-01T00:00:00Z', machine: { cores: 2, cpuModel: 'x', node: 'v20' } },
    operations: [
      { id: 'a.read', requests: Math.round(o.throughput * 8), throughput: o.throughput * 0.8, errors: { total: 0, byKind: {} }, latency: lat(p50, p95) },
      { id: 'a.write', requests: Math.round(o.throughput * 2), throughput: o.throughput * 0.2, errors: { total: 0, byKind: {} }, latency: lat(p50 * 2, p95 * 2) },
    ],
    totals: { requests: Math.round(o.throughput * 10), throughput: o.throughput, errors: { total: 0, byKind: {} }, latency: lat(p50, p95), dropped: 0 },
    processes: [],
    driver: { pid: 2, cpuSeconds: 1, cpuUtilization: 0.1, rssMaxMiB: 40, ...(o.lagP50 !== undefined ? { lag: { p50: o.lagP50, p99: o.lagP50 * 2, max: o.lagP50 * 3, ...(o.waited !== undefined ? { waitedForConnection: o.waited } : {}) } } : {}) },
  });
}

/** A simulation result with only what compareLevel reads: each operation's p50/p95, `saturated`, and no stations (no CPU). */
function predicted(p50: number, p95: number, saturated?: { station: string; utilization: number; by: 'offered load' | 'backlog' }): ReturnType<typeof simulate> {
  return { operations: ['a.read', 'a.write'].map((id) => ({ id, latency: { p50, p95 } })), stations: [], ...(saturated ? { saturated } : {}) } as unknown as ReturnType<typeof simulate>;
}

describe('a measured level the layout did not keep up with', () => {
  it('is saturated when half its requests started more than 5 ms late (every connection busy), not at 5 ms', () => {
    expect(BACKLOG_LAG_MS).toBe(5);
    expect(measuredSaturation(run({ rate: 100, throughput: 100, lagP50: 5 }))).toBeNull();
    expect(measuredSaturation(run({ rate: 100, throughput: 100, lagP50: 5.01 }))).toBe('half the requests started 5.01 ms or more after their scheduled time (the driver\'s connections all waiting on answers: a backlog)');
    expect(measuredSaturation(run({ rate: 100, throughput: 100, lagP50: 0.1 }))).toBeNull();
  });

  it('is saturated when it completed less than 95% of the offered rate, not at exactly 95%', () => {
    expect(measuredSaturation(run({ rate: 100, throughput: 95 }))).toBeNull();
    expect(measuredSaturation(run({ rate: 100, throughput: 94.9 }))).toBe('completed 94.9/s of 100/s offered');
  });

  it('takes the worst window of several: one backlogged window marks the level', () => {
    const r = combineWindows([run({ rate: 100, throughput: 100, lagP50: 0.1, waited: 0 }), run({ rate: 100, throughput: 100, lagP50: 40, waited: 300 })], 'how');
    expect(r.driver!.lag).toEqual({ p50: 40, p99: 80, max: 120, waitedForConnection: 300 });
    expect(measuredSaturation(r)).toMatch(/^half the requests started 40 ms or more/);
    // A window from before the count existed: the sum is not made up.
    const old = combineWindows([run({ rate: 100, throughput: 100, lagP50: 0.1 }), run({ rate: 100, throughput: 100, lagP50: 1, waited: 3 })], 'how');
    expect(old.driver!.lag).toEqual({ p50: 1, p99: 2, max: 3 });
  });
});

describe('comparing a level', () => {
  it('both saturated: agreement, left out of the medians (not a number), each side says why', () => {
    const c = compareLevel(0.75, predicted(2000, 3000, { station: 'host', utilization: 1.05, by: 'offered load' }), run({ rate: 281, throughput: 280, lagP50: 1380 }));
    expect(c.saturated).toEqual({ measured: 'half the requests started 1380 ms or more after their scheduled time (the driver\'s connections all waiting on answers: a backlog)', predicted: 'host saturated (ρ=1.05, by offered load)' });
    expect(Number.isNaN(c.median.p50)).toBe(true);
    expect(Number.isNaN(c.median.p95)).toBe(true);
    // The per-operation errors are still there for a reader.
    expect(c.operations.map((o) => o.error.p50)).toEqual([(2000 - 10) / 10, (2000 - 20) / 20]);
  });

  it('only one side saturated: a miss, its errors stay in', () => {
    const measuredOnly = compareLevel(0.75, predicted(12, 36), run({ rate: 71, throughput: 71, lagP50: 163 }));
    expect(measuredOnly.saturated.predicted).toBeNull();
    expect(measuredOnly.median.p50).toBeCloseTo(0.3, 10); // read +20%, write −40%: the median of 0.2 and 0.4
    const predictedOnly = compareLevel(0.75, predicted(30, 60, { station: 'db', utilization: 1.1, by: 'backlog' }), run({ rate: 185, throughput: 185 }));
    expect(predictedOnly.saturated).toEqual({ measured: null, predicted: 'db saturated (ρ=1.10, by backlog)' });
    expect(predictedOnly.median.p50).toBeCloseTo((2 + 0.5) / 2, 10);
  });

  it('counts the predicted levels by saturation, and the worst level ignores the uncompared ones', () => {
    const lv = (m: boolean, p: boolean, e: number) => ({ saturated: { measured: m ? 'm' : null, predicted: p ? 'p' : null }, median: { p50: m && p ? Number.NaN : e, p95: m && p ? Number.NaN : e } }) as LevelComparison;
    const levels = [lv(false, false, 0.1), lv(true, true, 0), lv(true, false, 0.9), lv(false, true, 0.8), lv(true, true, 0)];
    expect(saturationCounts(levels)).toEqual({ compared: 3, both: 2, measuredOnly: 1, predictedOnly: 1 });
    expect(worst(levels.map((x) => x.median.p50))).toBe(0.9);
    expect(Number.isNaN(worst([Number.NaN]))).toBe(true);
  });
});

describe('predictions inside the measurement’s own interval', () => {
  const iv = (lo: number, hi: number) => ({ mean: (lo + hi) / 2, lo, hi, n: 3, level: 0.95 });
  const op = (p50: number, p95: number, i50: ReturnType<typeof iv> | null, i95: ReturnType<typeof iv> | null) => ({ id: 'a.read', predicted: { p50, p95 }, measured: { p50: 10, p95: 30, p50Interval: i50, p95Interval: i95 }, error: { p50: 0, p95: 0 } });
  const level = (ops: ReturnType<typeof op>[], saturated: LevelComparison['saturated'] = { measured: null, predicted: null }): LevelComparison => ({ fraction: 0.5, rate: 100, operations: ops, total: { predicted: { p50: 0, p95: 0 }, measured: { p50: 0, p95: 0, p50Interval: null, p95Interval: null } }, median: { p50: 0, p95: 0 }, saturated, cpu: { predicted: 0, measured: null, error: Number.NaN, units: { predicted: 0, measured: null }, databases: { predicted: 0, measured: null } } });

  it('counts a figure on either bound as inside and one just beyond as outside, p50 and p95 apart; leaves out figures without an interval and levels saturated on both sides', () => {
    const levels = [
      level([op(8, 20, iv(8, 12), iv(20, 40)), op(12, 40.01, iv(8, 12), iv(20, 40)), op(7.99, 30, iv(8, 12), iv(20, 40)), op(10, 30, null, null)]),
      // only the prediction saturated: still counted (a miss stays a miss)
      level([op(50, 90, iv(8, 12), iv(20, 40))], { measured: null, predicted: 'host saturated' }),
      // both saturated: not compared
      level([op(10, 30, iv(8, 12), iv(20, 40))], { measured: 'backlog', predicted: 'host saturated' }),
    ];
    // 4 figures: p50 inside for the first two (on the bounds), p95 inside for the first and third
    expect(withinInterval(levels)).toEqual({ p50: 0.5, p95: 0.5, figures: 4 });
  });

  it('is null when no figure has an interval (one window a level)', () => {
    expect(withinInterval([level([op(10, 30, null, null)])])).toBeNull();
    expect(withinInterval([])).toBeNull();
  });
});
