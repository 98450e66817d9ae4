// k6 against the embedded driver per operation (pure): throughput from the counts, p50 compared
// only with enough samples, the verdicts the k6 bench and the k6 layout tests read.
import { describe, expect, it } from 'vitest';
import { compareAll, compareDrivers, medianIntervalPercentiles, medianRatioInterval, MIN_SAMPLES, normalUpperQuantile } from '../../src/loadtest/driver-comparison.js';
import { sharedPlans } from '../../src/loadtest/side-by-side.js';
import { LoadTestResult } from '../../src/loadtest/result.js';
import type { LoadPlan } from '../../src/loadtest/plan.js';

const lat = (p50: number) => ({ min: 0.1, mean: p50, p50, p90: p50 * 2, p95: p50 * 3, p99: p50 * 4, max: p50 * 5 });
type Op = { id: string; requests: number; p50: number; send?: number; errors?: number };
function result(driver: 'k6' | 'embedded', ops: Op[], o: { duration?: number; layout?: string; notes?: string[]; lag?: { p50: number; p99: number; max: number } } = {}): LoadTestResult {
  const duration = o.duration ?? 15;
  const requests = ops.reduce((a, x) => a + x.requests, 0);
  return LoadTestResult.parse({
    schemaVersion: 1,
    run: { blueprint: 'q', layout: o.layout ?? 'monolith', target: 'http://127.0.0.1:1', driver, model: 'open', rate: 25, connections: null, duration, warmup: 5, started: '2026-12-01T00:00:00Z', machine: { cores: 2, cpuModel: 'x', node: 'v20' }, notes: o.notes ?? [] },
    operations: ops.map((x) => ({
      id: x.id,
      requests: x.requests,
      // The embedded driver rounds its throughput to 0.01/s: the comparison must not use it.
      throughput: driver === 'embedded' ? Math.round((x.requests / duration) * 100) / 100 : x.requests / duration,
      errors: { total: x.errors ?? 0, byKind: x.errors ? { status_5xx: x.errors } : {} },
      latency: lat(x.p50),
      ...(driver === 'embedded' ? { serviceTime: lat(x.send ?? x.p50) } : {}),
    })),
    totals: { requests, throughput: requests / duration, errors: { total: 0, byKind: {} }, latency: lat(1), dropped: 0 },
    processes: [],
    driver: o.lag ? { pid: 2, cpuSeconds: 1, cpuUtilization: 0.1, rssMaxMiB: 40, lag: o.lag } : null,
  });
}

describe('k6 beside the embedded driver, per operation', () => {
  it('the median interval: n/2 ± 0.98·√n order statistics (30th–70th percentile at 30, rounded outwards)', () => {
    expect(medianIntervalPercentiles(30)).toEqual({ loPercentile: 30, hiPercentile: 70 });
    expect(medianIntervalPercentiles(400)).toEqual({ loPercentile: 45, hiPercentile: 55 });
    expect(medianIntervalPercentiles(4)).toEqual({ loPercentile: 0, hiPercentile: 100 });
    expect(medianIntervalPercentiles(0)).toBeNull();
  });

  it('compares throughput from the counts, p50 only where both measured enough requests', () => {
    const k6 = result('k6', [
      { id: 'a.big', requests: 112, p50: 4.4 },
      { id: 'a.small', requests: 7, p50: 9 },
      { id: 'a.slow', requests: 40, p50: 8 },
    ]);
    const emb = result('embedded', [
      { id: 'a.big', requests: 112, p50: 4.0, send: 3.9 },
      // 7 requests: the rounded throughput (0.47/s) is 0.7% off 7/15, the counts are equal.
      { id: 'a.small', requests: 7, p50: 3, send: 2.9 },
      { id: 'a.slow', requests: 40, p50: 5, send: 4.8 },
    ]);
    const c = compareDrivers(k6, emb);
    const by = (id: string) => c.operations.find((o) => o.id === id)!;
    expect(by('a.small').throughput.delta).toBe(0);
    expect(by('a.small').throughputVerdict).toBe('within');
    // 9 ms against 3 ms is 200%, but on 7 requests (fewer than 10: no interval either): no verdict.
    expect(by('a.small').deltaP50).toBeCloseTo(2, 6);
    expect(by('a.small').ratioInterval).toBeNull();
    expect(by('a.small').p50Verdict).toBe('not enough samples');
    // The two others get an interval, 95% together: each at z for 1.25% a side.
    expect(c.intervals.operations).toBe(2);
    expect(c.intervals.z).toBeCloseTo(2.2414, 3);
    // σ = ln 2 / 1.2816 from p90 = 2 × p50: 1.6 × e^(±2.2414·1.2533·0.541·√(2/40)) = 1.14…2.25.
    expect(by('a.slow').ratioInterval!.lo).toBeCloseTo(1.139, 2);
    expect(by('a.slow').ratioInterval!.hi).toBeCloseTo(2.248, 2);
    expect(by('a.big').deltaP50).toBeCloseTo(0.1, 6);
    expect(by('a.big').deltaP50Send).toBeCloseTo(0.5 / 3.9, 6);
    expect(by('a.big').p50Verdict).toBe('within');
    expect(by('a.slow').p50Verdict).toBe('outside');
    expect(c.compared).toBe(2);
    expect(c.largest.p50).toBeCloseTo(0.6, 6);
    expect(c.ok).toBe(false);
    expect(c.minSamples).toBe(MIN_SAMPLES);
    expect(c.timing).toMatch(/k6 .* from when it sent it; the embedded driver from its scheduled start/);
  });

  it('with few samples, an interval: "not enough samples" when it reaches within 25%, "differs" beyond', () => {
    const k6 = result('k6', [
      { id: 'a.near', requests: 12, p50: 5 },
      { id: 'a.far', requests: 12, p50: 3.5 },
      { id: 'a.one', requests: 1, p50: 30 },
    ]);
    const emb = result('embedded', [
      { id: 'a.near', requests: 12, p50: 3.5 },
      { id: 'a.far', requests: 12, p50: 10 },
      { id: 'a.one', requests: 1, p50: 10 },
    ]);
    const c = compareDrivers(k6, emb);
    const by = (id: string) => c.operations.find((o) => o.id === id)!;
    // 95% together over the two with 12 requests (z = 2.24): 43% apart, 0.77…2.65, reaching
    // below 1.25: cannot tell.
    expect(c.intervals).toMatchObject({ minSamples: 10, operations: 2 });
    expect(by('a.near').p50Verdict).toBe('not enough samples');
    expect(by('a.near').ratioInterval!.lo).toBeCloseTo(0.768, 2);
    // k6 at 0.35 × the embedded driver's: 0.19…0.65, wholly below 0.75.
    expect(by('a.far').p50Verdict).toBe('differs');
    expect(by('a.far').ratioInterval!.hi).toBeCloseTo(0.651, 2);
    // One request each (3× apart): its p90 is its p50, no spread to read: no interval, no verdict.
    expect(by('a.one').ratioInterval).toBeNull();
    expect(by('a.one').p50Verdict).toBe('not enough samples');
    expect(c.ok).toBe(false);
    // Narrower with more samples, wider with more spread; none without a p50.
    const i = (n: number, p90: number) => medianRatioInterval({ p50: 4, p90, n }, { p50: 4, p90: 8, n });
    expect(i(100, 8)!.hi - i(100, 8)!.lo).toBeLessThan(i(10, 8)!.hi - i(10, 8)!.lo);
    expect(i(10, 16)!.hi).toBeGreaterThan(i(10, 8)!.hi);
    expect(i(10, 8)!.lo * i(10, 8)!.hi).toBeCloseTo(1, 9);
    expect(medianRatioInterval({ p50: 0, p90: 1, n: 5 }, { p50: 4, p90: 8, n: 5 })).toBeNull();
    expect(medianRatioInterval({ p50: 4, p90: 8, n: 9 }, { p50: 4, p90: 8, n: 50 })).toBeNull();
    expect(medianRatioInterval({ p50: 4, p90: 8, n: 10 }, { p50: 4, p90: 8, n: 10 })).not.toBeNull();
    // The quantile: 1.96 for 2.5%, 2.77 for 2.5% over nine.
    expect(normalUpperQuantile(0.025)).toBeCloseTo(1.96, 2);
    expect(normalUpperQuantile(0.025 / 9)).toBeCloseTo(2.773, 2);
  });

  it('the whole mix: the p50 of every measured request, within 25% or not', () => {
    const ops = [{ id: 'a.b', requests: 40, p50: 4 }];
    const withTotal = (r: LoadTestResult, p50: number) => ({ ...r, totals: { ...r.totals, latency: { ...r.totals.latency!, p50 } } });
    const c = compareDrivers(withTotal(result('k6', ops), 6), withTotal(result('embedded', ops), 4));
    expect(c.mix).toEqual({ requests: { k6: 40, embedded: 40 }, p50: { k6: 6, embedded: 4 }, deltaP50: 0.5, verdict: 'outside' });
    expect(c.operations[0]!.p50Verdict).toBe('within');
    expect(c.ok).toBe(false);
    expect(compareDrivers(withTotal(result('k6', ops), 4.8), withTotal(result('embedded', ops), 4)).mix.verdict).toBe('within');
  });

  it('throughput: one request is a count’s resolution, three of 100 are outside 2%', () => {
    const k6 = result('k6', [
      { id: 'a.one', requests: 21, p50: 4 },
      { id: 'a.two', requests: 99, p50: 4 },
      { id: 'a.many', requests: 491, p50: 4 },
    ]);
    const emb = result('embedded', [
      { id: 'a.one', requests: 22, p50: 4 },
      { id: 'a.two', requests: 100, p50: 4 },
      { id: 'a.many', requests: 500, p50: 4 },
    ]);
    const c = compareDrivers(k6, emb);
    expect(c.operations.map((o) => [o.id, o.throughputVerdict])).toEqual([
      ['a.one', 'within'],
      ['a.two', 'within'],
      ['a.many', 'within'],
    ]);
    const worse = compareDrivers(result('k6', [{ id: 'a.two', requests: 97, p50: 4 }]), result('embedded', [{ id: 'a.two', requests: 100, p50: 4 }]));
    expect(worse.operations[0]!.throughputVerdict).toBe('outside');
    expect(worse.ok).toBe(false);
    // An operation only one driver measured has nothing to compare: not ok.
    const missing = compareDrivers(result('k6', [{ id: 'a.x', requests: 50, p50: 4 }]), result('embedded', [{ id: 'a.x', requests: 50, p50: 4 }, { id: 'a.y', requests: 50, p50: 4 }]));
    expect(missing.operations.find((o) => o.id === 'a.y')!.throughputVerdict).toBe('missing');
    expect(missing.ok).toBe(false);
  });

  it('pairs each layout’s k6 and embedded results', () => {
    const note = 'side by side: k6 and the embedded driver drove this layout at the same time, sharing the load';
    const list = compareAll([
      result('k6', [{ id: 'a.b', requests: 40, p50: 4 }], { layout: 'one' }),
      result('embedded', [{ id: 'a.b', requests: 40, p50: 4.2 }], { layout: 'one', notes: [note] }),
      result('embedded', [{ id: 'a.b', requests: 40, p50: 4 }], { layout: 'two' }),
    ]);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ layout: 'one', how: note, compared: 1, ok: true, embeddedLag: null });
    // The embedded driver's own lateness is carried beside the comparison (its p50 from the schedule includes it).
    const lagged = compareDrivers(result('k6', [{ id: 'a.b', requests: 40, p50: 4 }]), result('embedded', [{ id: 'a.b', requests: 40, p50: 4 }], { lag: { p50: 0.2, p99: 14, max: 30 } }));
    expect(lagged.embeddedLag).toEqual({ p50: 0.2, p99: 14 });
  });
});

describe('the load shared between the drivers', () => {
  const plan: LoadPlan = { model: 'open', rate: 50, users: null, duration: 15, warmup: 5, thinkTime: 0, mix: { 'a.b': 1 } };
  it('open model: each driver at half the rate, so the system sees the rate asked for', () => {
    const s = sharedPlans(plan);
    expect(s.k6.rate).toBe(25);
    expect(s.embedded.rate).toBe(25);
    expect(s.k6.duration).toBe(15);
    expect(plan.rate).toBe(50);
  });
  it('closed model: the users split, k6 the larger half; fewer than 2 users cannot be shared', () => {
    const s = sharedPlans({ ...plan, model: 'closed', rate: null, users: 5 });
    expect([s.k6.users, s.embedded.users]).toEqual([3, 2]);
    expect(() => sharedPlans({ ...plan, model: 'closed', rate: null, users: 1 })).toThrow(/at least 2/);
  });
});
