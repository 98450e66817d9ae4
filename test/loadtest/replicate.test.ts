// Replicated windows: intervals and the combined result (pure).
import { describe, expect, it } from 'vitest';
import { combineWindows, describeMethod, interval, tQuantile975 } from '../../src/loadtest/replicate.js';
import { LoadTestResult } from '../../src/loadtest/result.js';
import { encodeHistogram, newHistogram, recordMs, summarize } from '../../src/loadtest/driver/histogram.js';
import { levelWarmup, levelWindow, MAX_LEVEL_WINDOW_S, parseLevels } from '../../src/loadtest/layout-run.js';

const lat = (p50: number, p95: number) => ({ min: 0.1, mean: p50, p50, p90: p95 * 0.9, p95, p99: p95 * 1.2, max: p95 * 2 });
function win(p50: number, p95: number, thr: number, cpu: number): LoadTestResult {
  return LoadTestResult.parse({
    schemaVersion: 1,
    run: { blueprint: 'q', layout: 'monolith', target: 'http://127.0.0.1:1', driver: 'embedded', model: 'open', rate: 40, connections: 16, duration: 10, warmup: 10, started: '2026-11-30T00:00:00Z', machine: { cores: 2, cpuModel: 'x', node: 'v20' } },
    operations: [{ id: 'a.b', requests: thr * 10, throughput: thr, errors: { total: 1, byKind: { status_5xx: 1 } }, latency: lat(p50, p95) }],
    totals: { requests: thr * 10, throughput: thr, errors: { total: 1, byKind: { status_5xx: 1 } }, latency: lat(p50, p95), dropped: 0 },
    processes: [{ unit: 'app', role: 'unit', pid: 1, cpuSeconds: cpu, cpuUtilization: cpu / 10, rssMaxMiB: 50 }],
    driver: { pid: 2, cpuSeconds: 1, cpuUtilization: 0.1, rssMaxMiB: 40 },
  });
}

describe('intervals over windows', () => {
  it('uses Student t: mean ± t(0.975, n−1)·s/√n', () => {
    // 11, 12, 13: mean 12, s = 1, t(2) = 4.303 → half-width 4.303/√3 = 2.4843
    const i = interval([11, 12, 13]);
    expect(i.mean).toBe(12);
    expect(i.hi - i.mean).toBeCloseTo(4.303 / Math.sqrt(3), 3);
    expect(i.mean - i.lo).toBeCloseTo(4.303 / Math.sqrt(3), 3);
    expect(tQuantile975(100)).toBe(1.96);
    // latencies and rates are never negative: the lower end stops at 0
    expect(interval([1, 2, 3]).lo).toBe(0);
    expect(interval([5])).toMatchObject({ mean: 5, lo: 5, hi: 5, n: 1 });
    expect(() => interval([])).toThrow();
  });

  it('combines windows: counts and CPU add up, percentiles are means with intervals, every window kept', () => {
    const r = combineWindows([win(2, 6, 40, 1), win(4, 10, 38, 1.5), win(3, 8, 42, 1.2)], 'how');
    expect(r.run.duration).toBe(30);
    expect(r.run.method).toBe('how');
    expect(r.operations[0]!.requests).toBe(1200);
    expect(r.operations[0]!.latency!.p50).toBe(3);
    expect(r.operations[0]!.errors.total).toBe(3);
    expect(r.intervals['a.b']!.p50!.mean).toBe(3);
    expect(r.intervals['a.b']!.p50!.lo).toBeLessThan(3);
    expect(r.intervals['a.b']!.p95!.hi).toBeGreaterThan(8);
    expect(r.intervals.total!.throughput.mean).toBe(40);
    expect(r.processes[0]!.cpuSeconds).toBeCloseTo(3.7, 6);
    expect(r.processes[0]!.cpuUtilization).toBeCloseTo(3.7 / 30, 4);
    expect(r.windows.map((w) => w.processes[0]!.cpuSeconds)).toEqual([1, 1.5, 1.2]);
    expect(r.driver!.cpuSeconds).toBe(3);
    // The combined result is still a valid result file.
    expect(LoadTestResult.parse(JSON.parse(JSON.stringify(r)))).toBeTruthy();
  });

  it("pools the windows' requests for the latency percentiles when every window handed over its histograms", () => {
    // Two windows of 90 requests at 2 ms and 10 at 50 ms, one of 100 at 30 ms: the windows' p50s
    // are 2, 2 and 30 (mean 11.3), but of all 300 requests 180 took 2 ms: the level's p50 is 2 ms.
    const of = (values: [number, number][]) => {
      const h = newHistogram();
      for (const [ms, n] of values) for (let i = 0; i < n; i++) recordMs(h, ms);
      return h;
    };
    const parts: [number, number][][] = [[[2, 90], [50, 10]], [[2, 90], [50, 10]], [[30, 100]]];
    const hs = parts.map((p) => ({ operations: { 'a.b': { latency: encodeHistogram(of(p)) } }, total: encodeHistogram(of(p)) }));
    const ws = parts.map((p) => {
      const l = summarize(of(p))!;
      const w = win(l.p50, l.p95, 10, 1);
      return { ...w, operations: [{ ...w.operations[0]!, latency: l }], totals: { ...w.totals, latency: l } };
    });
    // (the extremes exact, as the windows had them: a decoded histogram's are its buckets' edges)
    const all = { ...summarize(of(parts.flat()))!, max: 50 };
    const meanP50 = (ws[0]!.operations[0]!.latency!.p50 + ws[1]!.operations[0]!.latency!.p50 + ws[2]!.operations[0]!.latency!.p50) / 3;
    expect(meanP50).toBeCloseTo((2 + 2 + 30) / 3, 1);
    const r = combineWindows(ws, 'how', hs);
    expect(r.operations[0]!.latency).toEqual(all);
    expect(r.totals.latency).toEqual(all);
    expect(all.p50).toBeCloseTo(2, 2);
    expect(all.p95).toBeCloseTo(50, 1);
    // the intervals stay the windows' spread: mean of 2, 2 and 30
    expect(r.intervals['a.b']!.p50!.mean).toBeCloseTo(meanP50, 3);
    // a window without histograms (k6, a result from before): the windows' means, as before
    const mixed = combineWindows(ws, 'how', [hs[0], undefined, hs[2]]);
    expect(mixed.operations[0]!.latency!.p50).toBeCloseTo(meanP50, 3);
    expect(mixed.totals.latency!.p50).toBeCloseTo(meanP50, 3);
    // an operation missing from one window's histograms falls back alone
    const missing = combineWindows(ws, 'how', [hs[0], hs[1], { operations: {}, total: hs[2]!.total }]);
    expect(missing.operations[0]!.latency!.p50).toBeCloseTo(meanP50, 3);
    expect(missing.totals.latency).toEqual(all);
    // and the method says which
    expect(describeMethod({ driver: 'embedded', model: 'open', rate: 20, warmup: 10, windows: 3, window: 10, durable: true, pooled: true })).toMatch(/3 measured windows of 10 s back to back, latency percentiles over all their requests, throughputs the windows' mean, with 95% Student-t intervals over the windows/);
    expect(describeMethod({ driver: 'k6', model: 'open', rate: 20, warmup: 10, windows: 3, window: 10, durable: true })).toMatch(/figures the windows' mean with 95% Student-t intervals/);
  });

  it('adds a database server’s CPU per database over the windows (a database one window lacks counts 0 there)', () => {
    const withDbs = (cpu: number, dbs: Record<string, number>) => {
      const w = win(2, 6, 40, 1);
      return LoadTestResult.parse({ ...w, processes: [...w.processes, { unit: 'postgres', role: 'datastore', pid: 3, cpuSeconds: cpu, cpuUtilization: cpu / 10, rssMaxMiB: 30, databaseCpuSeconds: dbs }] });
    };
    const r = combineWindows([withDbs(1, { archsim_events: 0.25, archsim_main: 0.5 }), withDbs(0.75, { archsim_main: 0.5 })], 'how');
    const pg = r.processes.find((p) => p.unit === 'postgres')!;
    expect(pg.cpuSeconds).toBe(1.75);
    expect(pg.databaseCpuSeconds).toEqual({ archsim_events: 0.25, archsim_main: 1 });
    expect(r.processes.find((p) => p.unit === 'app')!.databaseCpuSeconds).toBeUndefined();
  });

  it('says how a result was obtained', () => {
    const m = describeMethod({ driver: 'embedded', model: 'open', rate: 20, warmup: 10, windows: 3, window: 10, durable: true, level: { fraction: 0.5, capacity: 40 } });
    expect(m).toMatch(/warm-up 10 s driven and not measured/);
    expect(m).toMatch(/3 measured windows/);
    expect(m).toMatch(/50% of the measured capacity 40\/s/);
    expect(m).toMatch(/durable \(fsync/);
    expect(describeMethod({ driver: 'embedded', model: 'closed', connections: 8, warmup: 10, windows: 1, window: 10, durable: false })).toMatch(/NOT durable/);
  });
});

describe('load levels', () => {
  it('parses fractions of capacity', () => {
    expect(parseLevels('25%,50%, 0.75')).toEqual([0.25, 0.5, 0.75]);
    expect(() => parseLevels('0%')).toThrow(/above 0/);
    expect(() => parseLevels('200%')).toThrow(/at most 150%/);
    expect(() => parseLevels('half')).toThrow(/not a fraction/);
    expect(() => parseLevels('')).toThrow(/no load levels/);
  });
});

describe('a load level\'s window', () => {
  it('lasts long enough for the minimum number of requests at its rate, within its bounds', () => {
    // 300 requests at 9.4/s: 31.9 s, rounded up to whole seconds.
    expect(levelWindow(3, 9.4, 300)).toBe(32);
    // Exactly enough at the plan's own duration: not stretched; one request short: one second more.
    expect(levelWindow(3, 100, 300)).toBe(3);
    expect(levelWindow(3, 100, 301)).toBe(4);
    // Never shorter than the plan's duration.
    expect(levelWindow(10, 500, 300)).toBe(10);
    // A very low rate stops at the cap, not at hours.
    expect(levelWindow(3, 1, 300)).toBe(MAX_LEVEL_WINDOW_S);
    expect(MAX_LEVEL_WINDOW_S).toBe(60);
    // No minimum (0) or a rate of 0: the plan's duration.
    expect(levelWindow(3, 9.4, 0)).toBe(3);
    expect(levelWindow(3, 0, 300)).toBe(3);
  });
});

describe('a load level\'s warm-up', () => {
  it('is up to 5 s for the first level after the capacity run and the re-warm of 2 s for each later one, never above --warmup', () => {
    expect(levelWarmup(10, 0)).toBe(5);
    expect(levelWarmup(10, 1)).toBe(2);
    expect(levelWarmup(10, 2)).toBe(2);
    expect(levelWarmup(3, 0)).toBe(3);
    expect(levelWarmup(1, 1)).toBe(1);
    expect(levelWarmup(0, 0)).toBe(0);
  });
});
