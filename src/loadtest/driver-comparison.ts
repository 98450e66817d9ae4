// k6 and the embedded driver compared per operation, from two results of one side-by-side run
// (`loadtest --driver both`). Pure: results in, a comparison out; the CLI prints it and puts it in
// the JSON output, the k6 bench and the k6 tests read it.
//
// What is compared, and how:
// - Throughput: each driver's completed requests over its own measured duration (not the rounded
//   `throughput` figure: the embedded driver rounds to 0.01/s, which alone made 0.6% of a
//   7-request operation). Both drivers run the same share of the load, so the figures compare as
//   they are. A count's resolution is one request: below 50 requests 2% is less than one, so one
//   request's difference (an iteration k6 started a moment too late to fall in its window) is
//   within; two are not.
// - p50: k6 times each request from when it sent it; the embedded driver (open model) from its
//   scheduled start, and also from the send (its service time). Both are shown; the verdict is on
//   the figure the acceptance names (k6 from the send against the embedded driver from the
//   schedule), and the like-for-like difference (both from the send) is beside it.
// - Enough samples: a median of a few requests is noise (one slow request of 4 moves it by the
//   whole spread). An operation gets a within/outside verdict only when each driver measured at
//   least MIN_SAMPLES of it: with n samples the distribution-free 95% interval of a median spans the
//   order statistics n/2 ± 0.98·√n, i.e. the 30th to the 70th percentile at n = 30 (rounded
//   outwards).
// - With fewer, an interval instead of silence: the interval of the ratio of the two p50s
//   (k6 / embedded), from each median's standard error √(π/2)·σ/√n in log terms (exact for a
//   lognormal latency, asymptotic in n), σ the wider of the two drivers' spreads read from their
//   own p50 and p90 (σ = ln(p90/p50)/1.2816 for a lognormal; the p90 of a noisy run is wide, so the
//   interval errs wide). Only from MIN_INTERVAL_SAMPLES requests in each driver: below 10 the p90
//   is the largest sample or next to it, and one request (p90 = p50) gave a zero-width interval.
//   The intervals hold together at 95% over the operations that get one (Bonferroni: each at
//   1 − 5%/k), so fifteen operations do not make one false alarm likely. When an operation's whole
//   interval lies beyond 25% either way the drivers differ on it, few samples or not: "differs", a
//   failure. Otherwise "not enough samples", the interval shown: the samples cannot tell. This is
//   honest about what a 15 s run can show: at σ ≈ 0.7 (a loaded machine) two drivers measuring
//   the very same latency differ by more than 25% in one run of twenty with ~100 requests each, so
//   below that only large differences are proven.
// - The whole mix: the p50 of every measured request (both drivers measured the same count of each
//   operation, so the same mix), over all the window's requests: within/outside at 25%.
import type { LoadTestResult, MeasuredOperation } from './result.js';

/** Each driver must have measured at least this many requests of an operation to compare its p50. */
export const MIN_SAMPLES = 30;
/** Acceptance: throughput per operation within 2%, p50 within 25%. */
export const THROUGHPUT_TOLERANCE = 0.02;
export const P50_TOLERANCE = 0.25;

export type OperationComparison = {
  id: string;
  requests: { k6: number | null; embedded: number | null };
  /** requests per second of each driver's measured duration */
  throughput: { k6: number | null; embedded: number | null; delta: number | null };
  /** ms; k6 from the send, the embedded driver from the schedule and from the send */
  p50: { k6: number | null; embeddedFromSchedule: number | null; embeddedFromSend: number | null };
  /** |k6 − embedded (schedule)| / embedded (schedule); |k6 − embedded (send)| / embedded (send) */
  deltaP50: number | null;
  deltaP50Send: number | null;
  /** the percentiles of the order statistics that bound a 95% interval of the median with the fewer samples */
  medianInterval: { loPercentile: number; hiPercentile: number } | null;
  errors: { k6: number; embedded: number };
  throughputVerdict: 'within' | 'outside' | 'missing';
  /** interval of the ratio k6 p50 / embedded p50 (from the schedule), 95% together with the other operations'; null below MIN_INTERVAL_SAMPLES */
  ratioInterval: { lo: number; hi: number } | null;
  p50Verdict: 'within' | 'outside' | 'differs' | 'not enough samples' | 'missing';
};

export type MixComparison = {
  requests: { k6: number; embedded: number };
  /** ms, every measured request of the mix: k6 from the send, the embedded driver from the schedule */
  p50: { k6: number | null; embedded: number | null };
  deltaP50: number | null;
  verdict: 'within' | 'outside' | 'not enough samples' | 'missing';
};

export type DriverComparison = {
  layout: string | null;
  /** how the two were driven (the side-by-side note), null when not side by side */
  how: string | null;
  timing: string;
  minSamples: number;
  operations: OperationComparison[];
  /**
   * How late the embedded driver started its requests (send − schedule), ms: its p50 from the
   * schedule includes it, and a driver short of CPU (p99 over 10 ms) is slow to read answers too.
   */
  embeddedLag: { p50: number; p99: number } | null;
  /** the intervals of the ratio of p50s: from how many requests, for how many operations, at which z (95% together) */
  intervals: { minSamples: number; operations: number; z: number };
  /** operations compared on p50 (enough samples in both) */
  compared: number;
  /** every request of the mix together */
  mix: MixComparison;
  /** the largest deltas over the operations compared (throughput: over all) */
  largest: { throughput: number | null; p50: number | null; p50Send: number | null };
  ok: boolean;
};

/** The percentiles bounding a distribution-free 95% interval of a median of n samples. */
export function medianIntervalPercentiles(n: number): { loPercentile: number; hiPercentile: number } | null {
  if (n < 1) return null;
  const half = 0.98 * Math.sqrt(n);
  const lo = Math.max(0, Math.floor(n / 2 - half)) / n;
  const hi = Math.min(n, Math.ceil(n / 2 + half)) / n;
  return { loPercentile: Math.round(lo * 1000) / 10, hiPercentile: Math.round(hi * 1000) / 10 };
}

/** Fewest requests in each driver for an interval of the ratio of p50s (see the header). */
export const MIN_INTERVAL_SAMPLES = 10;

/** The standard normal's upper quantile: z with P(Z > z) = p, 0 < p ≤ 0.5 (Abramowitz & Stegun 26.2.23, |error| < 4.5e-4). */
export function normalUpperQuantile(p: number): number {
  const t = Math.sqrt(-2 * Math.log(p));
  return t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
}
/** the lognormal's 90th percentile is e^(1.2816·σ) times its median */
const Z90 = 1.281552;

/**
 * Interval of the ratio of two medians a/b measured on a.n and b.n samples (95% by default;
 * `z` for another level), each latency's spread σ read from its p50 and p90 as a lognormal's (the
 * wider of the two used for both). Null below MIN_INTERVAL_SAMPLES in either.
 */
export function medianRatioInterval(a: { p50: number; p90: number; n: number }, b: { p50: number; p90: number; n: number }, z = 1.959964): { lo: number; hi: number } | null {
  if (!(a.p50 > 0 && b.p50 > 0 && a.n >= MIN_INTERVAL_SAMPLES && b.n >= MIN_INTERVAL_SAMPLES)) return null;
  const sigma = Math.max(Math.log(Math.max(a.p90, a.p50) / a.p50), Math.log(Math.max(b.p90, b.p50) / b.p50)) / Z90;
  const se = Math.sqrt(Math.PI / 2) * sigma * Math.sqrt(1 / a.n + 1 / b.n);
  const ratio = a.p50 / b.p50;
  return { lo: ratio * Math.exp(-z * se), hi: ratio * Math.exp(z * se) };
}

const rel = (a: number | null | undefined, b: number | null | undefined) => (a !== null && a !== undefined && b ? Math.abs(a - b) / b : null);
const perSecond = (o: MeasuredOperation | undefined, duration: number) => (o && o.requests !== null && duration > 0 ? o.requests / duration : null);

export const TIMING = 'k6 times each request from when it sent it; the embedded driver from its scheduled start (and, as its service time, from the send)';

export function compareDrivers(k6: LoadTestResult, embedded: LoadTestResult): DriverComparison {
  const ids = [...new Set([...embedded.operations, ...k6.operations].map((o) => o.id))];
  // Simultaneous 95% over the operations with enough requests for an interval (Bonferroni).
  const withInterval = ids.filter((id) => Math.min(k6.operations.find((o) => o.id === id)?.requests ?? 0, embedded.operations.find((o) => o.id === id)?.requests ?? 0) >= MIN_INTERVAL_SAMPLES).length;
  const z = normalUpperQuantile(0.025 / Math.max(1, withInterval));
  const operations = ids.map((id): OperationComparison => {
    const e = embedded.operations.find((o) => o.id === id);
    const k = k6.operations.find((o) => o.id === id);
    const tk = perSecond(k, k6.run.duration);
    const te = perSecond(e, embedded.run.duration);
    const dThr = rel(tk, te);
    // Closed model: the embedded driver's latency is already from the send.
    const eSend = e?.serviceTime ?? (embedded.run.model === 'closed' ? e?.latency : null) ?? null;
    const pk = k?.latency?.p50 ?? null;
    const pe = e?.latency?.p50 ?? null;
    const n = Math.min(k?.requests ?? 0, e?.requests ?? 0);
    const dP50 = rel(pk, pe);
    const interval = k?.latency && e?.latency ? medianRatioInterval({ p50: k.latency.p50, p90: k.latency.p90, n: k.requests ?? 0 }, { p50: e.latency.p50, p90: e.latency.p90, n: e.requests ?? 0 }, z) : null;
    // Beyond the tolerance whichever end of the interval is true.
    const differs = interval !== null && (interval.lo > 1 + P50_TOLERANCE || interval.hi < 1 - P50_TOLERANCE);
    return {
      id,
      requests: { k6: k?.requests ?? null, embedded: e?.requests ?? null },
      throughput: { k6: tk, embedded: te, delta: dThr },
      p50: { k6: pk, embeddedFromSchedule: pe, embeddedFromSend: eSend?.p50 ?? null },
      deltaP50: dP50,
      deltaP50Send: rel(pk, eSend?.p50),
      medianInterval: medianIntervalPercentiles(n),
      ratioInterval: interval,
      errors: { k6: k?.errors.total ?? 0, embedded: e?.errors.total ?? 0 },
      throughputVerdict: dThr === null ? 'missing' : dThr <= THROUGHPUT_TOLERANCE || Math.abs((k?.requests ?? 0) - (e?.requests ?? 0)) <= 1 ? 'within' : 'outside',
      p50Verdict: dP50 === null ? 'missing' : n >= MIN_SAMPLES ? (dP50 <= P50_TOLERANCE ? 'within' : 'outside') : differs ? 'differs' : 'not enough samples',
    };
  });
  const compared = operations.filter((o) => o.p50Verdict === 'within' || o.p50Verdict === 'outside');
  const max = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length ? Math.max(...v) : null;
  };
  const mixN = { k6: k6.totals.requests, embedded: embedded.totals.requests };
  const mixP50 = { k6: k6.totals.latency?.p50 ?? null, embedded: embedded.totals.latency?.p50 ?? null };
  const mixDelta = rel(mixP50.k6, mixP50.embedded);
  const mix: MixComparison = {
    requests: mixN,
    p50: mixP50,
    deltaP50: mixDelta,
    verdict: mixDelta === null ? 'missing' : Math.min(mixN.k6, mixN.embedded) < MIN_SAMPLES ? 'not enough samples' : mixDelta <= P50_TOLERANCE ? 'within' : 'outside',
  };
  const how = embedded.run.notes.find((n) => n.startsWith('side by side:')) ?? null;
  return {
    layout: embedded.run.layout ?? k6.run.layout,
    how,
    timing: TIMING,
    embeddedLag: embedded.driver?.lag ? { p50: embedded.driver.lag.p50, p99: embedded.driver.lag.p99 } : null,
    minSamples: MIN_SAMPLES,
    operations,
    compared: compared.length,
    intervals: { minSamples: MIN_INTERVAL_SAMPLES, operations: withInterval, z },
    mix,
    largest: { throughput: max(operations.map((o) => o.throughput.delta)), p50: max(compared.map((o) => o.deltaP50)), p50Send: max(compared.map((o) => o.deltaP50Send)) },
    ok: operations.every((o) => o.throughputVerdict === 'within' && o.p50Verdict !== 'outside' && o.p50Verdict !== 'differs' && o.p50Verdict !== 'missing') && compared.length > 0 && mix.verdict === 'within',
  };
}

/** Every layout's comparison in a list of results (the k6 result and the embedded one of each). */
export function compareAll(results: readonly LoadTestResult[]): DriverComparison[] {
  const layouts = [...new Set(results.map((r) => r.run.layout ?? r.run.target))];
  const out: DriverComparison[] = [];
  for (const l of layouts) {
    const k6 = results.find((r) => (r.run.layout ?? r.run.target) === l && r.run.driver === 'k6');
    const emb = results.find((r) => (r.run.layout ?? r.run.target) === l && r.run.driver === 'embedded');
    if (k6 && emb) out.push(compareDrivers(k6, emb));
  }
  return out;
}
