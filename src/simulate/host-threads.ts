// Threads on a shared host (HostModel: every process of a layout on one host's cores), for the
// analytic method. Each station's servers are threads — a unit's event loop, a database
// connection, a thread-pool worker — and a thread runs on at most one core. A busy thread beside K
// other busy threads on C cores runs at min(1, C/(1 + K)) of a core, so its work takes
// 1 / E[min(1, C/(1 + K))] as long in wall time (its stretch), and its station's threads are busy
// a·stretch of the time (a: the station's work in cores). K is taken as a sum of independent busy
// threads, each of station j's n_j threads busy with probability min(1, a_j·stretch_j / n_j), so
// the stretches are a fixed point. What it gets right: a lone busy thread is slowed by the others'
// work and fills before the host does (2 ms and 1 ms units on 1.5 cores fill at 428.6/s, as the
// DES does, where the host's cores alone say 500/s), and threads that fit the cores do not slow
// each other at all. What it misses: threads slowed together stay busy together (two 1 ms threads
// on one core at 600/s are each busy 0.37 of the time by this, 0.40 exactly), which is why the
// request's own service keeps the host's M/M/c factor (analytic.ts solve). Pure.
import type { Compiled } from './compile.js';

/** Above this many threads in all, the busy count is taken at its mean (max(1, (1 + E[K])/C)) rather than its distribution. */
export const MAX_EXACT_THREADS = 512;

export interface ThreadStretch {
  /** per station: how much longer its work takes in wall time than in CPU time (≥ 1) */
  stretch: Float64Array;
  /** per station: its busy threads, a·stretch (≥ its threads: it cannot keep up) */
  busy: Float64Array;
  /** per station: its threads (replicas × servers), 0 for a station with no work */
  threads: Int32Array;
}

/**
 * The stretch of each station's threads at `lambda` requests/s, D its work per request (ms of
 * CPU, cold extras included), on `cores` cores (the host's, less its background work).
 * `untilFull`: stop as soon as a station cannot keep up (the stretches only grow from round to
 * round, so it will not keep up at the fixed point either): all hostFull needs to know. `from`:
 * stretches to start from instead of 1, at or below this rate's (those of a lower rate are:
 * hostSaturation's bisection starts each probe from the last rate found not full).
 */
export function threadStretch(c: Compiled, lambda: number, D: ArrayLike<number>, cores: number, untilFull = false, from?: Float64Array): ThreadStretch {
  const n = c.stations.length;
  const threads = Int32Array.from(c.stations, (s, i) => (D[i]! > 0 ? s.replicas * s.servers : 0));
  const a = Float64Array.from({ length: n }, (_, i) => (lambda * D[i]!) / 1000);
  const stretch = from ? Float64Array.from(from) : new Float64Array(n).fill(1);
  const p = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) total += threads[i]!;
  const dist = new Float64Array(total + 1);
  const q = new Float64Array(total + 1);
  for (let round = 0; round < 1000; round++) {
    let full = false;
    for (let i = 0; i < n; i++) {
      const busy = threads[i]! > 0 ? (a[i]! * stretch[i]!) / threads[i]! : 0;
      if (busy >= 1) full = true;
      p[i] = Math.min(1, busy);
    }
    if (full && untilFull) break;
    let change = 0;
    if (total > MAX_EXACT_THREADS) {
      let busy = 0;
      for (let i = 0; i < n; i++) busy += threads[i]! * p[i]!;
      for (let i = 0; i < n; i++) if (threads[i]! > 0) change = Math.max(change, settle(stretch, i, Math.max(1, (1 + busy - p[i]!) / cores)));
    } else {
      busyThreads(threads, p, dist);
      for (let i = 0; i < n; i++) {
        if (threads[i]! === 0) continue;
        withoutOne(dist, total, p[i]!, q);
        let speed = 0;
        for (let k = 0; k < total; k++) speed += q[k]! * Math.min(1, cores / (1 + k));
        change = Math.max(change, settle(stretch, i, 1 / speed));
      }
    }
    if (change < 1e-9) break;
  }
  const busy = Float64Array.from({ length: n }, (_, i) => a[i]! * stretch[i]!);
  return { stretch, busy, threads };
}

/**
 * Station i's stretch to `next`; the relative change. Undamped: a longer stretch anywhere only
 * lengthens the others', so from 1 the iteration climbs to the least fixed point without
 * overshooting it.
 */
function settle(stretch: Float64Array, i: number, next: number): number {
  const was = stretch[i]!;
  stretch[i] = next;
  return Math.abs(next - was) / was;
}

/** The distribution of the number of busy threads, each of station i's busy with probability p[i], independently, into dist. */
function busyThreads(threads: Int32Array, p: Float64Array, dist: Float64Array): void {
  dist.fill(0);
  dist[0] = 1;
  let top = 0;
  for (let i = 0; i < threads.length; i++) {
    const pi = p[i]!;
    for (let t = 0; t < threads[i]!; t++) {
      top++;
      for (let k = top; k >= 1; k--) dist[k] = dist[k]! * (1 - pi) + dist[k - 1]! * pi;
      dist[0] = dist[0]! * (1 - pi);
    }
  }
}

/**
 * dist (of `top` threads) with one thread busy with probability p taken out, into q[0 … top−1]:
 * the convolution undone from whichever end keeps it stable (from below for p ≤ ½, where it
 * divides by 1 − p; from above otherwise, dividing by p).
 */
function withoutOne(dist: Float64Array, top: number, p: number, q: Float64Array): void {
  if (p <= 0.5) {
    q[0] = dist[0]! / (1 - p);
    for (let k = 1; k < top; k++) q[k] = (dist[k]! - p * q[k - 1]!) / (1 - p);
  } else {
    q[top - 1] = dist[top]! / p;
    for (let k = top - 1; k >= 1; k--) q[k - 1] = (dist[k]! - (1 - p) * q[k]!) / p;
  }
  // rounding can leave tiny negatives where the true value is 0
  for (let k = 0; k < top; k++) if (q[k]! < 0) q[k] = 0;
}

/**
 * What fills first at `lambda` on a shared host of `cores` cores: a station whose threads cannot
 * keep up (a·stretch ≥ its threads), else the host (its work ≥ its cores), else null.
 */
export function hostFull(c: Compiled, lambda: number, D: ArrayLike<number>, cores: number): string | null {
  return fullAt(c, lambda, D, cores).full;
}

/** hostFull, with the stretches it reached (a lower bound for any higher rate's). */
function fullAt(c: Compiled, lambda: number, D: ArrayLike<number>, cores: number, from?: Float64Array): { full: string | null; stretch?: Float64Array } {
  let work = 0;
  for (let i = 0; i < c.stations.length; i++) work += (lambda * D[i]!) / 1000;
  // the host named first when both are full (on one core a station's threads fill as the core does)
  if (work >= cores) return { full: 'host' };
  const t = threadStretch(c, lambda, D, cores, true, from);
  let worst = -1;
  let over = 1;
  for (let i = 0; i < c.stations.length; i++) {
    if (t.threads[i]! > 0 && t.busy[i]! / t.threads[i]! >= over) {
      over = t.busy[i]! / t.threads[i]!;
      worst = i;
    }
  }
  return { full: worst >= 0 ? c.stations[worst]!.id : null, stretch: t.stretch };
}

/**
 * The rate at which a shared host's layout fills (hostFull), by bisection below `upper` (a rate
 * at or past it: the stations' and the host's own limits, which the stretch only lowers).
 */
export function hostSaturation(c: Compiled, D: ArrayLike<number>, cores: number, upper: { rate: number; station: string }): { rate: number; station: string } {
  if (!Number.isFinite(upper.rate) || upper.rate <= 0) return upper;
  let lo = 0;
  let hi = upper.rate;
  let below: Float64Array | undefined;
  // to 1e-5 of the rate: the iteration slows down as the rate nears the edge (a probe at 1e-7 of
  // it takes thousands of rounds), and a rate is shown to the request per second
  for (let k = 0; k < 60 && hi - lo > 1e-5 * hi; k++) {
    const mid = (lo + hi) / 2;
    const f = fullAt(c, mid, D, cores, below);
    if (f.full) hi = mid;
    else {
      lo = mid;
      below = f.stretch;
    }
  }
  return { rate: hi, station: hostFull(c, hi, D, cores) ?? upper.station };
}
