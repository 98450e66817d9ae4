// Overload, said the same way by both methods. The analytic method knows it from ρ ≥ 1 at a
// station; the DES from the offered load (the same ρ, from the compiled demands) or, when load
// varies (scenarios, profiles, faults), from a backlog that grows along the measured window or
// builds to a large line at some point in it. A profile whose peak passes the saturation rate is
// named by both methods in one wording (profilePeakWarning): the analytic solves the mean rate and
// would otherwise hide it, and the DES samples its backlog too sparsely to see every short spike.

import { rateWords, secondsWords } from '../words.js';
import type { Profile } from '../model/schema.js';
import { OP_SPAWN, OP_VISIT, W, type Compiled } from './compile.js';
import type { OpDemand } from './demand.js';
import { rateAt } from './workload.js';

/** What a saturated run says of itself (SimulationResult.saturated, the fields its wording reads). */
export interface SaturatedWords {
  station: string;
  utilization: number;
  eventsOnly?: true | undefined;
  shed?: number | undefined;
}

/**
 * The one wording of a saturated run (SimulationResult.warnings). A station only event work
 * visits (a consumer's database) bounds no request: its backlog of events grows instead, and the
 * requests' latencies stay what they are ("latencies are unbounded" beside a finite p95 before).
 * A DES run whose breakers and timeouts shed the excess (`shed`, its failed share) is past
 * saturation too, but its latencies are bounded: saying "unbounded" there was false.
 */
export function saturatedWarning(s: SaturatedWords): string {
  const at = `unstable: ${s.station} is saturated (ρ=${s.utilization.toFixed(2)})`;
  if (s.eventsOnly) return `${at} by event work alone: its backlog of events grows without bound (no request waits on it, so request latencies stay bounded)`;
  if (s.shed !== undefined) return `${at}, but the excess is shed: ${shareWords(s.shed)} of requests failed fast (circuit breakers, timeouts) and the rest finished as fast as they arrived, so latencies stay bounded rather than growing with the run length`;
  return `${at}; latencies are unbounded`;
}

/** A share in words: one decimal below 10%. */
export const shareWords = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;

/**
 * Errors this common at a run past saturation are load being shed (circuit breakers failing
 * calls at once, timeouts giving up on them), not the odd failure.
 */
const SHED_ERROR_RATE = 0.01;

/**
 * The share of requests a DES run past saturation by its offered load failed to shed its excess,
 * or undefined when it queued the excess instead. It sheds when a material share of its requests
 * fail and the requests finish as fast as they arrive: the window's completions at least 98% of
 * its arrivals, so the line in the system grew by less than 2% of them (the threshold of a growing
 * backlog, backlogTrend). Event work alone bounds no request, so it sheds nothing.
 */
export function shedShare(errorRate: number, throughput: number, arrivalRate: number): number | undefined {
  return errorRate >= SHED_ERROR_RATE && throughput >= 0.98 * arrivalRate ? errorRate : undefined;
}

/** Is station `id` visited by event work only: on no request path of the mix's operations? ("host" is every process's.) */
export function eventWorkOnly(c: Compiled, demands: Map<string, OpDemand>, mix: Record<string, number>, id: string): boolean {
  const i = c.stations.findIndex((s) => s.id === id);
  if (i < 0) return false;
  for (const [op, p] of Object.entries(mix)) if (p > 0 && demands.get(op)?.visits.some((v) => v.station === i)) return false;
  return true;
}

/**
 * The analytic method's saturated run: an open rate at or past the mix's saturation rate, which is
 * where the first station reaches ρ = 1 or, on a shared host, its cores fill ("host"). The DES
 * says the same from the same offered load (simulate.ts). Until 2026-12-04 only a station at
 * ρ ≥ 1 was flagged, and a host-bound overload printed infinite latencies and no warning.
 * A closed workload's throughput stays below saturation: never flagged.
 */
export function analyticSaturated(rate: number | undefined, sat: { rate: number; station: string }, eventsOnly = false): { station: string; utilization: number; by: 'offered load'; eventsOnly?: true } | undefined {
  return rate !== undefined && rate >= sat.rate ? { station: sat.station, utilization: rate / sat.rate, by: 'offered load', ...(eventsOnly ? { eventsOnly: true as const } : {}) } : undefined;
}

export interface Backlog {
  /** least-squares growth of the requests in the system over the window */
  growth: number;
  /** the noise around that trend (standard deviation of the residuals) */
  noise: number;
  /** a backlog that grew beyond noise and beyond 2% of the window's arrivals */
  growing: boolean;
}

/** Least-squares growth across samples[from..n) and the residuals' standard deviation. */
function trend(samples: ArrayLike<number>, from: number): { growth: number; noise: number } {
  const n = samples.length - from;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += i;
    sy += samples[from + i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (i - mx) ** 2;
    sxy += (i - mx) * (samples[from + i]! - my);
  }
  const slope = sxy / sxx;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (samples[from + i]! - my - slope * (i - mx)) ** 2;
  return { growth: slope * (n - 1), noise: Math.sqrt(rss / Math.max(1, n - 2)) };
}

/**
 * Requests in the system sampled at evenly spaced times → is the backlog growing? In a stable
 * system the count fluctuates around its mean (no trend); past saturation it grows by (λ − μ)
 * per unit time. The trend is fitted over the whole window, its second half and its last
 * quarter (an overload that starts late, e.g. a spike, is a hockey stick a single line fits
 * badly). A segment counts when its growth exceeds 5σ of its residuals plus 20 requests and 2% of
 * the arrivals in it, and the backlog ends above twice the first half's mean plus 20: a stable
 * system at ρ 0.95 stays far from that, while a 20% overload over any window that sees a few
 * hundred arrivals is caught. The offered-load check covers steady overload exactly.
 */
export function backlogTrend(samples: ArrayLike<number>, arrivals: number): Backlog {
  const n = samples.length;
  if (n < 8) return { growth: 0, noise: 0, growing: false };
  let firstHalf = 0;
  for (let i = 0; i < n / 2; i++) firstHalf += samples[i]!;
  firstHalf /= Math.ceil(n / 2);
  const last = samples[n - 1]!;
  let best: Backlog = { growth: 0, noise: 0, growing: false };
  for (const from of [0, Math.floor(n / 2), Math.floor((3 * n) / 4)]) {
    const t = trend(samples, from);
    const share = (n - 1 - from) / (n - 1);
    const growing = t.growth > 5 * t.noise + 20 && t.growth > 0.02 * arrivals * share && last > 2 * firstHalf + 20;
    if (growing || (!best.growing && t.growth > best.growth)) best = { ...t, growing };
    if (growing) break;
  }
  return best;
}

/** Where a load profile goes past the saturation rate within a run of `duration` ms. */
export interface ProfilePeak {
  /** the highest rate the profile reaches within the run, per second */
  peak: number;
  /** ms of the run spent above the saturation rate */
  above: number;
  /**
   * the fluid line at its height: ∫(λ(t) − saturation rate)⁺ dt with the line draining at the
   * saturation rate between peaks — what the peak leaves queued, whatever the queue's noise
   */
  backlog: number;
  /** the profile's mean rate over the run, per second (the workload's rate: what the analytic method solves) */
  mean: number;
}

/**
 * Steps of the fluid line's integration. A smooth profile's line is off by far less than a
 * request; a spike's edges are each placed to within one step (duration / 20 000), so its line is
 * off by at most a step's worth of its excess (1.5 requests for 500/s over in a 60 s run).
 */
const FLUID_STEPS = 20_000;

/**
 * The part of a profile above the saturation rate `sat` within [0, duration] ms, or undefined
 * when it stays at or below it throughout (a spike scheduled after the run never happens). The
 * time above is exact per kind (the rates are piecewise linear or a raised cosine); the backlog
 * is the fluid line, integrated numerically.
 */
export function profilePeak(p: Profile | undefined, duration: number, sat: number, mean: number): ProfilePeak | undefined {
  if (!p || p.kind === 'constant' || !Number.isFinite(sat) || !(duration > 0)) return undefined;
  const above = timeAbove(p, duration, sat);
  if (!(above > 0)) return undefined;
  let line = 0;
  let backlog = 0;
  const dt = duration / FLUID_STEPS;
  for (let i = 0; i < FLUID_STEPS; i++) {
    const r = rateAt(p, 0, (i + 0.5) * dt);
    line = Math.max(0, line + ((r - sat) * dt) / 1000);
    if (line > backlog) backlog = line;
  }
  // the rate's highest point within the run: the sampled maximum can fall between steps
  const peak = Math.max(...[0, duration, ...breakpoints(p, duration)].map((t) => rateAt(p, 0, t)));
  return { peak, above, backlog, mean };
}

/**
 * Times inside (0, duration) where a profile's rate may be highest besides the run's ends: the
 * spike's start (its plateau), the cosine's tops. A ramp has none: rising, it is highest from
 * `over` on, the run's end included; falling, at 0.
 */
function breakpoints(p: Exclude<Profile, { kind: 'constant' }>, duration: number): number[] {
  let ts: number[];
  switch (p.kind) {
    case 'spike':
      ts = [p.at];
      break;
    case 'ramp':
      return [];
    case 'diurnal':
      ts = Array.from({ length: Math.min(1e4, Math.ceil(duration / p.period) + 1) }, (_, k) => (k + 0.5) * p.period);
  }
  return ts.filter((t) => t > 0 && t < duration);
}

/** ms of [0, duration] where the profile's rate is above `sat`. */
function timeAbove(p: Exclude<Profile, { kind: 'constant' }>, duration: number, sat: number): number {
  switch (p.kind) {
    case 'spike': {
      const inside = Math.max(0, Math.min(duration, p.at + p.for) - Math.max(0, p.at));
      return (p.peak > sat ? inside : 0) + (p.base > sat ? duration - inside : 0);
    }
    case 'ramp': {
      const end = Math.min(p.over, duration);
      const flat = p.to > sat ? duration - end : 0;
      if (p.from === p.to) return p.from > sat ? duration : 0;
      // the line crosses sat at t*; above after it when rising, before it when falling
      const cross = Math.min(end, Math.max(0, (p.over * (sat - p.from)) / (p.to - p.from)));
      return flat + (p.to > p.from ? end - cross : cross);
    }
    case 'diurnal': {
      if (sat < p.min) return duration;
      if (sat >= p.max) return 0;
      // rate > sat ⇔ cos(2πt/period) < c, i.e. the phase within (θ, 2π − θ) of each period
      const theta = Math.acos(1 - (2 * (sat - p.min)) / (p.max - p.min));
      const lo = (theta / (2 * Math.PI)) * p.period;
      const hi = p.period - lo;
      const whole = Math.floor(duration / p.period);
      const rest = duration - whole * p.period;
      return whole * (hi - lo) + Math.max(0, Math.min(rest, hi) - lo);
    }
  }
}

/** A count of requests, two significant digits from ten (an estimate, or one sample of a noisy line). */
function requests(n: number): string {
  const k = n < 10 ? Math.round(n) : Number(n.toPrecision(2));
  return `${k} request${k === 1 ? '' : 's'}`;
}

/**
 * What a result says of overload, for a command that shows its figures without its warnings
 * (plan's phases): saturated at the rate, or a load profile whose peak passes saturation.
 */
export function overloadNotes(r: { saturated?: SaturatedWords | undefined; warnings: readonly string[] }): string[] {
  return [...(r.saturated ? [saturatedWarning(r.saturated)] : []), ...r.warnings.filter((w) => w.startsWith(PROFILE_PEAK_MARK))];
}

/** How profilePeakWarning begins: what finds it among a result's warnings. */
export const PROFILE_PEAK_MARK = 'the load profile peaks at';

/**
 * The one wording, both methods, of a profile whose peak passes the saturation rate. When the
 * saturated station's work is mostly asynchronous event work (`events`, eventBacklog) what queues
 * there is those events, not the requests: the fluid line is said in events, and which requests,
 * if any, wait behind it ("requests queue", with a line of 50 000 requests, stood beside a p95 of
 * 0.7 ms when a slow consumer's database was the bottleneck).
 */
export function profilePeakWarning(pk: ProfilePeak, sat: number, duration: number, events?: EventBacklog): string {
  const head = `${PROFILE_PEAK_MARK} ${rateWords(pk.peak)}, above the saturation rate of ${rateWords(sat)} for ${secondsWords(pk.above)} of the ${secondsWords(duration)} run: `;
  if (!events) return `${head}requests queue during the peak (a line of about ${requests(Math.max(1, pk.backlog))} at its height, by the arrival rate less the saturation rate) and wait for it to drain, far longer than at the profile's mean rate of ${rateWords(pk.mean)}`;
  const n = Math.max(1, pk.backlog * events.eventsPerRequest);
  const k = n < 10 ? Math.round(n) : Number(n.toPrecision(2));
  const who = `${listWords(events.consumers)} (${events.consumers.length === 1 ? 'an asynchronous event consumer' : 'asynchronous event consumers'})`;
  const requestsToo =
    events.requestOps.length === 0
      ? `no request waits on ${events.station}, so request latencies do not grow with it`
      : `of the requests only those of ${listWords(events.requestOps)} (${percentWords(events.requestShare)} of them), which visit ${events.station}, wait behind that line; the rest are not held by it`;
  return `${head}events of ${who} queue at ${events.station} during the peak (a line of about ${k} event${k === 1 ? '' : 's'} at its height, by the arrival rate less the saturation rate) and wait for it to drain; ${requestsToo}`;
}

/** What queues at a saturated station whose work is mostly asynchronous event work. */
export interface EventBacklog {
  station: string;
  /** the consumer operations whose event work visits the station, most deliveries first */
  consumers: string[];
  /** their deliveries that visit it, per request of the mix */
  eventsPerRequest: number;
  /** the mix's operations whose own (synchronous) path visits it, and their share of the requests */
  requestOps: string[];
  requestShare: number;
}

/**
 * The event work at station `id`, when it is at least half of the station's work for this mix
 * (else undefined: what queues there is mostly requests). Event work is every visit of a program
 * an event spawns (its consumer's, transitively), read off the compiled programs as demand.ts
 * reads their load.
 */
export function eventBacklog(c: Compiled, demands: Map<string, OpDemand>, mix: Record<string, number>, id: string): EventBacklog | undefined {
  const i = c.stations.findIndex((s) => s.id === id);
  if (i < 0) return undefined;
  const total = Object.values(mix).reduce((a, p) => a + (p > 0 ? p : 0), 0);
  if (!(total > 0)) return undefined;
  let all = 0;
  let own = 0;
  let requestShare = 0;
  const requestOps: string[] = [];
  const deliveries = new Map<string, number>();
  const visitsStation = (prog: number) => {
    const code = c.programs[prog]!.code;
    for (let pc = 0; pc < code.length; pc += W) if (code[pc] === OP_VISIT && code[pc + 1] === i) return true;
    return false;
  };
  // every delivery an entry spawns, transitively (depth as demand.ts bounds it), weighted by p
  const walk = (prog: number, p: number, depth: number) => {
    const code = c.programs[prog]!.code;
    for (let pc = 0; pc < code.length; pc += W) {
      if (code[pc] !== OP_SPAWN || depth >= 16) continue;
      const sub = code[pc + 1]!;
      if (visitsStation(sub)) {
        const name = c.programs[sub]!.name;
        const consumer = name.slice(name.lastIndexOf(' → ') + 3);
        deliveries.set(consumer, (deliveries.get(consumer) ?? 0) + p);
      }
      walk(sub, p, depth + 1);
    }
  };
  for (const [op, w] of Object.entries(mix)) {
    const d = demands.get(op);
    const prog = c.entry.get(op);
    if (!d || prog === undefined || !(w > 0)) continue;
    const p = w / total;
    const mine = d.visits.reduce((a, v) => a + (v.station === i ? v.mean : 0), 0);
    all += p * d.loadDemand[i]!;
    own += p * mine;
    if (d.visits.some((v) => v.station === i)) {
      requestOps.push(op);
      requestShare += p;
    }
    walk(prog, p, 0);
  }
  if (!(all > 0) || (all - own) / all < 0.5 || deliveries.size === 0) return undefined;
  const consumers = [...deliveries].sort((a, b) => b[1] - a[1]).map(([op]) => op);
  const eventsPerRequest = [...deliveries.values()].reduce((a, n) => a + n, 0);
  return { station: id, consumers, eventsPerRequest, requestOps, requestShare };
}

/** "a", "a and b", "a, b and c". */
const listWords = (xs: readonly string[]) => (xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

/** A share of requests in words, two significant digits (a tiny share is not "0.0%"). */
const percentWords = (x: number) => `${Number((x * 100).toPrecision(2))}%`;

/** The analytic method's own note beside profilePeakWarning: what it solved instead. */
export function profileMeanNote(pk: ProfilePeak): string {
  return `analytic: solved at the load profile's mean rate of ${rateWords(pk.mean)}, so these latencies do not show the queue of its peak; --method des runs the profile`;
}

/** Seconds of work at the saturation rate a line must hold to count as a backlog (see backlogPeak). */
export const BACKLOG_SECONDS = 1;

/**
 * The line, beyond the servers, below which a backlog is never flagged (backlogPeak's floor): the
 * length a stable single queue at ρ 0.95 exceeds with probability 0.95^n below 2·10⁻⁷ (n = 301),
 * so a slow system whose second of work is a handful of requests is not flagged for a stable
 * queue's excursions.
 */
export const STABLE_LINE_FLOOR = Math.ceil(Math.log(2e-7) / Math.log(0.95));

export interface BacklogPeak {
  /** the largest sample, its index, and the samples' median */
  peak: number;
  at: number;
  median: number;
  /** the first sample after the peak back within half the threshold of the median, or −1 */
  drained: number;
  /** the peak stood above the median by the threshold */
  large: boolean;
}

/**
 * A backlog that builds and drains inside the window (a spike, a fault that heals) leaves no trend
 * over it; its height does. A request that joins a line of N behind the bottleneck waits about
 * N / saturation rate for it, so a line of a second's work at the saturation rate (BACKLOG_SECONDS)
 * above the run's usual count (the median sample: requests in service or in pure delays are
 * there all along) is an overload a user sees, not noise. `floor` keeps slow systems, whose second
 * of work is a handful of requests, from being flagged for a stable queue's excursions: the caller
 * passes their servers plus STABLE_LINE_FLOOR.
 */
export function backlogPeak(samples: ArrayLike<number>, satRate: number, floor: number): BacklogPeak {
  const xs = Array.from(samples);
  if (xs.length === 0) return { peak: 0, at: -1, median: 0, drained: -1, large: false };
  const sorted = [...xs].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return { median, ...lineAbove(xs, () => median, backlogThreshold(satRate, floor)) };
}

/** A second's work at the saturation rate (BACKLOG_SECONDS), never under `floor`: the height a line must stand above its base. */
const backlogThreshold = (satRate: number, floor: number) => Math.max(Number.isFinite(satRate) ? satRate * BACKLOG_SECONDS : 0, floor);

/**
 * The samples' highest point, whether it stands `threshold` above the base (baseOf, given the
 * peak's index), and the first sample after it back within half the threshold of the base (−1).
 */
function lineAbove(xs: readonly number[], baseOf: (at: number) => number, threshold: number): { peak: number; at: number; drained: number; large: boolean } {
  let at = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[at]!) at = i;
  const peak = xs[at]!;
  const base = baseOf(at);
  let drained = -1;
  for (let i = at + 1; i < xs.length; i++) {
    if (xs[i]! - base <= threshold / 2) {
      drained = i;
      break;
    }
  }
  return { peak, at, drained, large: peak - base >= threshold };
}

/**
 * A line a scenario's failure built (the layout, slowed or partly down, served less than the
 * offered load): not an overload of the layout (not `saturated`), but a user must see it beside
 * the figures the line inflated. sampleAt(i) is sample i's time in ms.
 */
export function failureBacklogWarning(samples: ArrayLike<number>, satRate: number, floor: number, sampleAt: (i: number) => number): string | undefined {
  const xs = Array.from(samples);
  if (xs.length === 0) return undefined;
  // Against the line before it built (a failure may span most of the window, so the median
  // sample can be inside it), by backlogPeak's threshold.
  const baseOf = (at: number) => Math.min(...xs.slice(0, at + 1));
  const b = lineAbove(xs, baseOf, backlogThreshold(satRate, floor));
  if (!b.large) return undefined;
  const end = b.drained >= 0 ? `and had drained by ${secondsWords(sampleAt(b.drained))}` : `and ${requests(xs[xs.length - 1]!)} were still in it at the window's end`;
  return `under the scenario's failures the backlog reached ${requests(b.peak)} in the system at ${secondsWords(sampleAt(b.at))} of the run, from ${Math.round(baseOf(b.at))} before it built, ${end}: the layout served less than the offered load while failing, so requests queued and the latencies above include that wait (the fault rows show each failure's own)`;
}

/** The DES's words for a backlog that built to a large line at some point of the window; sampleAt(i) is sample i's time in ms. */
export function backlogPeakWarning(b: BacklogPeak, sampleAt: (i: number) => number): string {
  const end = b.drained >= 0 ? `and had drained by ${secondsWords(sampleAt(b.drained))}` : 'and had not drained when the run stopped';
  return `the backlog reached ${requests(b.peak)} in the system at ${secondsWords(sampleAt(b.at))} of the run, against ${Math.round(b.median)} at the median sample, ${end}: requests that arrived meanwhile waited behind it, so the latencies above are those of the overload, not of the mean rate`;
}
