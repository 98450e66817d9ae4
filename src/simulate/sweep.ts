// Latency against load: the rates to try, the analytic sweep, and the knee of the curve. The
// DES sweep runs its points in parallel at the edge (src/cli/sweep-pool.ts); this file only
// turns points into a curve. Pure.
import type { Blueprint } from '../model/schema.js';
import { analyze, namedApproximations, saturation } from './analytic.js';
import { compile } from './compile.js';
import { opDemands } from './demand.js';
import type { Method, SimulationResult, SweepResult } from './types.js';
import type { SimulateOptions } from './simulate.js';
import { workloadFor } from './workload.js';
import { ArchsimError } from '../errors.js';
import { parseRate } from '../model/units.js';
import { DEFAULT_POOL_WEIGHT } from './pool-weight.js';
import { rateWords, secondsWords } from '../words.js';
import { shareWords } from './overload.js';

export class RatesError extends ArchsimError {
  override name = 'RatesError';
  readonly kind = 'usage';
}

/** "50..2000" (20 points), "50..2000:50" (step 50), "50..2000x40" (40 points), "100,200,400" (a list). */
export function parseRates(spec: string): number[] {
  const s = spec.trim().replace(/\/s$/, '');
  const notRange = () => new RatesError(`"${spec}" is not a rate range (e.g. 50..2000, 50..2000:50, 50..2000x40, 100,200,400)`);
  // A list: rates separated by commas ("100..10" is a range, not a list).
  if (!s.includes('..')) {
    const parts = s.split(',');
    const xs = parts.map((x) => rateOf(x, spec));
    if (xs.some(Number.isNaN)) throw notRange();
    const bad = parts.find((x, i) => !(xs[i]! > 0));
    if (bad !== undefined) throw new RatesError(`rates "${spec}": "${bad.trim()}" is not a rate above 0 (write e.g. 100,200,400)`);
    return xs;
  }
  const m = /^(.+?)\s*\.\.\s*(.+?)(?::(.+)|x([0-9]+))?$/.exec(s);
  if (!m) throw notRange();
  const lo = rateOf(m[1]!, spec);
  const hi = rateOf(m[2]!, spec);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw notRange();
  // the example starts a tenth of the way up (0..10 → 1..10), a positive rate whatever the end
  if (!(lo > 0)) throw new RatesError(`rate range "${spec}": the first rate must be above 0 (e.g. ${hi > 0 ? round(hi / 10) : 1}..${hi > 0 ? m[2] : 10})`);
  if (hi < lo) throw new RatesError(`rate range "${spec}": it runs from low to high, and ${perSecond(m[1]!)} is above ${perSecond(m[2]!)} (write ${m[2]}..${m[1]})`);
  // a range of one rate is that rate once, however many points were asked for
  if (hi === lo) return [lo];
  if (m[3] !== undefined) {
    const step = rateOf(m[3], spec);
    if (Number.isNaN(step)) throw notRange();
    if (!(step > 0)) throw new RatesError(`rate range "${spec}": the step must be positive`);
    const n = Math.floor((hi - lo) / step + 1e-9) + 1;
    if (n > 10_000) throw new RatesError(`rate range "${spec}" has ${n} points; at most 10000`);
    return Array.from({ length: n }, (_, i) => round(lo + i * step));
  }
  const n = m[4] !== undefined ? Number(m[4]) : 20;
  // One point of a range would be its first rate only, the rest of the range dropped unsaid.
  if (n < 2 || n > 10_000) throw new RatesError(`rate range "${spec}": 2 to 10000 points (for one rate, give it alone: ${perSecond(m[1]!)})`);
  return Array.from({ length: n }, (_, i) => round(lo + ((hi - lo) * i) / (n - 1)));
}

/**
 * One rate of a list or range, per second: a bare number (per second, as every rate flag reads
 * it, "1e4" too) or a rate with its unit as a blueprint writes it (200/s, 12k/min); NaN when it
 * is neither. A rate over the largest archsim takes is refused with that bound, as --rate
 * refuses it ("5..1e7" was "not a rate range").
 */
function rateOf(x: string, spec: string): number {
  const t = x.trim();
  const bare = isBare(t);
  const r = parseRate(bare ? `${t}/s` : t);
  if (!r.ok) {
    const at = `${spec.includes('..') ? 'rate range' : 'rates'} "${spec}": ${t}`;
    const over = / is over the maximum rate of (\S+)$/.exec(r.message);
    if (over) throw new RatesError(`${at}: expected a rate of at most ${over[1]}`);
    if (/ is not a finite rate$/.test(r.message)) throw new RatesError(`${at}: expected a finite rate`);
  }
  if (bare) return Number(t);
  return r.ok ? r.value : NaN;
}

/** A rate as the user wrote it, a bare number read per second. */
const perSecond = (x: string) => (isBare(x.trim()) ? `${x.trim()}/s` : x.trim());

/** A number without a unit: per second. */
const isBare = (t: string) => /^[0-9.]+$/.test(t) || /^[0-9]+(\.[0-9]+)?e[+-]?[0-9]+$/i.test(t);

const round = (x: number) => Math.round(x * 1000) / 1000;


/** The curve from computed points (any method). */
export function sweepCurve(bp: Blueprint, layout: string, method: Method, results: { rate: number; result: SimulationResult }[], o: SimulateOptions = {}): SweepResult {
  const c = compile(bp, layout, { sharedHost: o.host !== undefined });
  const w = workloadFor(bp, o);
  const sat = saturation(c, opDemands(c), w.mix, o.host);
  const points = results.map(({ rate, result }) => {
    const done = result.operations.reduce((s, x) => s + x.count, 0);
    const tp = result.operations.reduce((s, x) => s + x.throughput, 0);
    // A DES point at which no request finished in the measured window has no latency: NaN here,
    // null in the JSON, "–" in the table (it was 0 ms, the fastest point of the curve).
    const measured = result.method === 'analytic' || done > 0;
    const mean = measured ? result.operations.reduce((s, x) => s + x.latency.mean * (result.method === 'analytic' ? x.throughput : x.count), 0) / (result.method === 'analytic' ? tp : done) : NaN;
    const p95 = measured ? Math.max(...result.operations.filter((x) => result.method === 'analytic' || x.count > 0).map((x) => x.latency.p95)) : NaN;
    const errs = result.operations.reduce((s, x) => s + x.errors, 0);
    const errorRate = done > 0 ? errs / done : 0;
    // A DES point that sheds its excess (simulate.ts) is past saturation without a line that
    // grows: its latencies are bounded, so the curve does not mark it (the mark reads
    // "unbounded"); the note below says why.
    const saturated = result.saturated && result.saturated.shed === undefined ? { saturated: result.saturated } : {};
    // Past saturation an open network cannot carry the offered rate: it carries the saturation rate.
    return { rate, meanLatency: mean, p95, throughput: result.method === 'analytic' ? Math.min(tp, sat.rate) : tp, errorRate, bottleneckUtilization: result.bottleneck.utilization, ...saturated };
  });
  // The low-load mean is the curve's own start at no load (the analytic mix mean at a rate a
  // millionth of saturation, where nothing queues), not the first point's: the knee of a sweep
  // that starts high would otherwise move with where it starts.
  // Points with no latency measured neither place the knee nor bound it.
  const curve = points.filter((p) => !Number.isNaN(p.meanLatency));
  const base = noLoadMean(bp, layout, sat.rate, o) ?? curve[0]?.meanLatency ?? 0;
  const at = curve.findIndex((p) => !(p.meanLatency <= 2 * base));
  const notes: string[] = [];
  let knee = at >= 0 ? curve[at]!.rate : null;
  // The first point past twice the low-load latency lies beyond saturation: the curve bent
  // somewhere below saturation, between two points too far apart to say where.
  if (knee !== null && knee > sat.rate && at > 0) {
    notes.push(kneeNote(curve.slice(0, at).map((p) => p.rate), sat.rate));
    knee = null;
  }
  const unmeasured = results.filter((_, i) => Number.isNaN(points[i]!.meanLatency));
  if (unmeasured.length) notes.push(unmeasuredNote(unmeasured));
  const shed = results.flatMap(({ rate, result }) => (result.saturated?.shed !== undefined ? [{ rate, utilization: result.saturated.utilization, station: result.saturated.station, errorRate: result.saturated.shed }] : []));
  if (shed.length) notes.push(shedNote(shed));
  // The approximations the analytic points rest on, named once (each with its known bound).
  for (const r of results) for (const w of namedApproximations(r.result)) if (!notes.includes(w)) notes.push(w);
  return { layout, method, points, knee, saturationThroughput: sat.rate, ...(notes.length ? { notes } : {}), ...(o.host ? { host: { ...o.host, poolWeight: o.host.poolWeight ?? DEFAULT_POOL_WEIGHT } } : {}) };
}

/**
 * Where the knee lies when the first point past twice the low-load mean is past saturation, from
 * the points before it (`before`: their means under twice it). The knee lies below saturation
 * (there the mean grows without bound), above the last of them below saturation. Those of them
 * at or past saturation (a DES run too short for its queue to double the mean, or shedding load)
 * do not place it: they are named, not taken as a bound (a 10 s DES sweep said "between 900/s and
 * the saturation rate of 894/s").
 */
export function kneeNote(before: number[], satRate: number): string {
  const below = before.filter((r) => r < satRate);
  const past = before.filter((r) => r >= satRate);
  const sat = `the saturation rate of ${rateWords(satRate)}`;
  if (!past.length) return `the knee lies between ${rateWords(below.at(-1)!)} and ${sat}, where no point was computed: sweep up to about ${rateWords(satRate)} to place it`;
  const list = past.length > 1 ? `${past.slice(0, -1).map(rateWords).join(', ')} and ${rateWords(past.at(-1)!)} are at or past saturation, though their means are` : `${rateWords(past[0]!)} is at or past saturation, though its mean is`;
  const where = below.length ? `between ${rateWords(below.at(-1)!)} and ${sat}, where no point was computed` : `below ${sat}, under every point computed`;
  return `the knee lies ${where} (${list} not past twice the no-load mean): sweep ${below.length ? 'up to about' : 'below'} ${rateWords(satRate)} to place it`;
}

/** Points at which no request finished in the measured window, in words, and what to do. */
function unmeasuredNote(points: { rate: number; result: SimulationResult }[]): string {
  const rates = points.map((p) => rateWords(p.rate));
  const list = rates.length > 1 ? `${rates.slice(0, -1).join(', ')} and ${rates.at(-1)}` : rates[0]!;
  const w = points[0]!.result.workload;
  return `at ${list} no request finished in the measured window (${secondsWords(w.duration - w.warmup)} after the warm-up), so ${rates.length > 1 ? 'those points have' : 'that point has'} no latency (– in the table, null in the JSON): lengthen the run (--duration)`;
}

/** Points past saturation whose excess was shed, in words: their latencies are bounded, and why. */
function shedNote(shed: { rate: number; utilization: number; station: string; errorRate: number }[]): string {
  const each = shed.map((p) => `${rateWords(p.rate)} (${p.station} ρ=${p.utilization.toFixed(2)}, ${shareWords(p.errorRate)} errors)`);
  const at = each.length > 1 ? `${each.slice(0, -1).join(', ')} and ${each.at(-1)}` : each[0]!;
  return `at ${at} the offered load is past saturation but requests finished as fast as they arrived (no growing backlog): circuit breakers and timeouts shed load by failing requests, so latencies there are bounded rather than growing with the run length (with more requests failing fast they can fall as the rate rises)`;
}


/** An analytic sweep: instant, the means of the M/M/c network. */
export function sweepAnalytic(bp: Blueprint, layout: string, rates: number[], o: SimulateOptions = {}): SweepResult {
  const compiled = compile(bp, layout, { sharedHost: o.host !== undefined });
  const results = rates.map((rate) => ({ rate, result: analyze(bp, layout, { ...o, rate, compiled }) }));
  return sweepCurve(bp, layout, 'analytic', results, o);
}

/** The mix's mean latency with no queueing (analytic, at a millionth of the saturation rate); null when it cannot be had. */
function noLoadMean(bp: Blueprint, layout: string, satRate: number, o: SimulateOptions): number | null {
  if (!(satRate > 0) || !Number.isFinite(satRate)) return null;
  const r = analyze(bp, layout, { rate: satRate * 1e-6, ...(o.mix ? { mix: o.mix } : {}), ...(o.host ? { host: o.host } : {}), ...(o.balance ? { balance: o.balance } : {}) });
  const tp = r.operations.reduce((s, x) => s + x.throughput, 0);
  const mean = r.operations.reduce((s, x) => s + x.latency.mean * x.throughput, 0) / tp;
  return Number.isFinite(mean) && mean > 0 ? mean : null;
}
