// Replications: one system, several measured windows back to back (the first after the warm-up),
// combined into one result whose figures carry 95% Student-t intervals over the windows. Pure:
// window results in, one result out.
//
// Windows of one started system are not fully independent (same data, same JIT state), but
// each has its own driver process and its own CPU readings; the interval says how much the
// figure moves from window to window, which is what a user comparing two figures needs.
import type { Interval, LoadTestResult, Latency, Window } from './result.js';
import { mergeErrors } from './result.js';
import { poolLatency } from './driver/histogram.js';
import type { WindowHistograms } from './driver/run.js';

/** Two-sided 97.5% quantiles of Student's t for 1…30 degrees of freedom (then ≈ normal). */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];
export const tQuantile975 = (df: number): number => (df < 1 ? Number.NaN : (T975[df - 1] ?? 1.96));

/**
 * The mean of xs and its 95% t-interval; one value gives a zero-width interval with n = 1.
 * Latencies and rates are never negative, so the lower end stops at 0.
 */
export function interval(xs: readonly number[]): Interval {
  const n = xs.length;
  if (n === 0) throw new Error('interval of nothing');
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean: r4(mean), lo: r4(mean), hi: r4(mean), n, level: 0.95 };
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  const half = (tQuantile975(n - 1) * sd) / Math.sqrt(n);
  return { mean: r4(mean), lo: r4(Math.max(0, mean - half)), hi: r4(mean + half), n, level: 0.95 };
}

const r4 = (x: number) => Math.round(x * 10000) / 10000;
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** One window's summary (what the combined result keeps of it). */
export function windowOf(r: LoadTestResult, index: number): Window {
  return {
    index,
    started: r.run.started,
    duration: r.run.duration,
    warmup: r.run.warmup,
    operations: r.operations.map((o) => ({ id: o.id, requests: o.requests, throughput: o.throughput, p50: o.latency?.p50 ?? null, p95: o.latency?.p95 ?? null, errors: o.errors.total })),
    totals: { requests: r.totals.requests, throughput: r.totals.throughput, p50: r.totals.latency?.p50 ?? null, p95: r.totals.latency?.p95 ?? null, errors: r.totals.errors.total },
    processes: r.processes,
    driverCpuSeconds: r.driver?.cpuSeconds ?? null,
  };
}

/** Latency summaries of several windows: each percentile the mean over the windows (min/max the extremes). */
function meanLatency(ls: readonly (Latency | null)[]): Latency | null {
  const xs = ls.filter((l): l is Latency => l !== null);
  if (!xs.length) return null;
  const m = (k: keyof Latency) => r4(mean(xs.map((l) => l[k])));
  return { min: Math.min(...xs.map((l) => l.min)), mean: m('mean'), p50: m('p50'), p90: m('p90'), p95: m('p95'), p99: m('p99'), max: Math.max(...xs.map((l) => l.max)) };
}

/**
 * Several windows of one run into one result: requests, errors and CPU seconds add up,
 * throughputs are the windows' means, and `intervals` holds their 95% intervals. Latency
 * percentiles are those of all the windows' requests pooled when every window handed over its
 * histograms (`histograms`, archsim's own driver), else the windows' means (k6, older runs).
 */
export function combineWindows(ws: readonly LoadTestResult[], method: string, histograms?: readonly (WindowHistograms | undefined)[]): LoadTestResult {
  if (ws.length === 0) throw new Error('no windows to combine');
  // Every window's histograms (archsim's own driver): percentiles of the pooled requests.
  const hs = histograms && histograms.length === ws.length && histograms.every((h) => !!h) ? (histograms as readonly WindowHistograms[]) : null;
  const pooledOp = (id: string, k: 'latency' | 'service'): Latency | null | undefined => {
    if (!hs) return undefined;
    const encoded = hs.map((h) => (Object.hasOwn(h.operations, id) ? h.operations[id]![k] : undefined));
    return encoded.every((e): e is string => e !== undefined) ? poolLatency(encoded) : undefined;
  };
  // A decoded histogram knows its extremes only to its buckets' width: the windows' own are exact.
  const withExtremes = (pooled: Latency | null | undefined, ls: readonly (Latency | null | undefined)[]): Latency | null | undefined => {
    const xs = ls.filter((l): l is Latency => !!l);
    return pooled && xs.length ? { ...pooled, min: Math.min(...xs.map((l) => l.min)), max: Math.max(...xs.map((l) => l.max)) } : pooled;
  };
  const first = ws[0]!;
  const duration = ws.reduce((a, w) => a + w.run.duration, 0);
  const ids = [...new Set(ws.flatMap((w) => w.operations.map((o) => o.id)))];
  const intervals: LoadTestResult['intervals'] = {};
  const operations = ids.map((id) => {
    const os = ws.map((w) => w.operations.find((o) => o.id === id)).filter((o): o is LoadTestResult['operations'][number] => !!o);
    const lat = os.map((o) => o.latency);
    const p50s = lat.filter((l): l is Latency => !!l).map((l) => l.p50);
    const p95s = lat.filter((l): l is Latency => !!l).map((l) => l.p95);
    const thr = os.map((o) => o.throughput ?? 0);
    intervals[id] = { p50: p50s.length ? interval(p50s) : null, p95: p95s.length ? interval(p95s) : null, throughput: interval(thr) };
    const requests = os.every((o) => o.requests !== null) ? os.reduce((a, o) => a + o.requests!, 0) : null;
    return {
      id,
      requests,
      throughput: os.every((o) => o.throughput !== null) ? r4(mean(thr)) : null,
      errors: mergeErrors(os.map((o) => o.errors)),
      latency: withExtremes(pooledOp(id, 'latency'), lat) ?? meanLatency(lat),
      ...(os.some((o) => o.serviceTime) ? { serviceTime: withExtremes(pooledOp(id, 'service'), os.map((o) => o.serviceTime)) ?? meanLatency(os.map((o) => o.serviceTime ?? null)) } : {}),
    };
  });
  const tl = ws.map((w) => w.totals.latency).filter((l): l is Latency => !!l);
  intervals.total = { p50: tl.length ? interval(tl.map((l) => l.p50)) : null, p95: tl.length ? interval(tl.map((l) => l.p95)) : null, throughput: interval(ws.map((w) => w.totals.throughput)) };
  // Processes: CPU seconds add up over the windows, utilization is over the measured time.
  const processes = first.processes.map((p) => {
    const same = ws.map((w) => w.processes.find((q) => q.unit === p.unit && q.role === p.role)).filter((q): q is typeof p => !!q);
    const cpuSeconds = r4(same.reduce((a, q) => a + q.cpuSeconds, 0));
    const rss = same.map((q) => q.rssMaxMiB).filter((v): v is number => v !== null);
    const maint = same.filter((q) => q.maintenanceCpuSeconds !== undefined);
    const dbs = new Map<string, number>();
    for (const q of same) for (const [k, v] of Object.entries(q.databaseCpuSeconds ?? {})) dbs.set(k, (dbs.get(k) ?? 0) + v);
    return {
      ...p,
      cpuSeconds,
      cpuUtilization: r4(cpuSeconds / Math.max(1e-9, duration)),
      rssMaxMiB: rss.length ? Math.max(...rss) : null,
      ...(maint.length ? { maintenanceCpuSeconds: r4(maint.reduce((a, q) => a + q.maintenanceCpuSeconds!, 0)) } : {}),
      ...(dbs.size ? { databaseCpuSeconds: Object.fromEntries([...dbs].map(([k, v]) => [k, r4(v)])) } : {}),
    };
  });
  const drivers = ws.map((w) => w.driver).filter((d): d is NonNullable<LoadTestResult['driver']> => !!d);
  const driverCpu = drivers.reduce((a, d) => a + d.cpuSeconds, 0);
  return {
    ...first,
    run: { ...first.run, duration, method, notes: [...new Set(ws.flatMap((w) => w.run.notes))] },
    operations,
    totals: {
      requests: ws.reduce((a, w) => a + w.totals.requests, 0),
      throughput: r4(mean(ws.map((w) => w.totals.throughput))),
      errors: mergeErrors(ws.map((w) => w.totals.errors)),
      latency: hs ? withExtremes(poolLatency(hs.map((h) => h.total)), ws.map((w) => w.totals.latency))! : meanLatency(ws.map((w) => w.totals.latency)),
      dropped: ws.reduce((a, w) => a + w.totals.dropped, 0),
    },
    processes,
    driver: drivers.length ? { ...drivers[0]!, cpuSeconds: r4(driverCpu), cpuUtilization: r4(driverCpu / Math.max(1e-9, duration)), rssMaxMiB: Math.max(...drivers.map((d) => d.rssMaxMiB ?? 0)), ...worstLag(drivers) } : null,
    windows: ws.map(windowOf),
    intervals,
  };
}

/** One sentence on how a result was obtained (stored in run.method and printed with it). */
export function describeMethod(o: { driver: string; model: 'open' | 'closed'; rate?: number | null; connections?: number | null; warmup: number; windows: number; window: number; durable?: boolean | null; level?: { fraction: number; capacity: number } | null; idle?: boolean; pooled?: boolean }): string {
  const load = o.model === 'open' ? `open model at ${o.rate}/s${o.level ? ` (${Math.round(o.level.fraction * 100)}% of the measured capacity ${Math.round(o.level.capacity)}/s)` : ''}` : `closed model, ${o.connections} connections without think time`;
  const db = o.durable === true ? 'PostgreSQL durable (fsync, synchronous_commit, full_page_writes on)' : o.durable === false ? 'PostgreSQL in the fast NOT durable mode (--fast-db)' : 'database settings not known';
  const figures = o.pooled ? "latency percentiles over all their requests, throughputs the windows' mean, with 95% Student-t intervals over the windows" : "figures the windows' mean with 95% Student-t intervals";
  const windows = o.windows > 1 ? `${o.windows} measured windows of ${o.window} s back to back, ${figures}` : `one measured window of ${o.window} s (no interval: pass --replications N)`;
  return `${o.driver} driver, ${load}; warm-up ${o.warmup} s driven and not measured; ${windows}; ${db}; CPU of every process read from /proc per window${o.idle ? ', and with no load once the seeding’s work had settled (its background)' : ''}`;
}

/**
 * The windows' lateness as the worst window's (a backlog in one window is what a reader must
 * see, not an average that hides it), with the requests that waited for a connection summed.
 */
function worstLag(drivers: readonly NonNullable<LoadTestResult['driver']>[]): { lag?: NonNullable<NonNullable<LoadTestResult['driver']>['lag']> } {
  const lags = drivers.map((d) => d.lag).filter((l): l is NonNullable<typeof l> => !!l);
  if (!lags.length) return {};
  const waits = lags.map((l) => l.waitedForConnection);
  return {
    lag: {
      p50: Math.max(...lags.map((l) => l.p50)),
      p99: Math.max(...lags.map((l) => l.p99)),
      max: Math.max(...lags.map((l) => l.max)),
      ...(waits.every((w) => w !== undefined) ? { waitedForConnection: waits.reduce((a, w) => a + w!, 0) } : {}),
    },
  };
}
