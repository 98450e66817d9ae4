// Join-the-shortest-queue (least-connections across replicas) solved as a Markov chain in which
// the replicas' queue lengths may differ by at most T jobs: when a departure would make the spread
// T + 1, one job moves from a longest queue to the one that just emptied a place. This is the
// threshold-jockeying model of Adan, van Houtum & van der Wal ("Upper and lower bounds for the
// waiting time in the symmetric shortest queue system", Annals of Operations Research 48, 1994,
// 197–217), there for two queues, here for R replicas of c servers each: T = 1 is the pooled
// M/M/Rc queue exactly (no server idles while a job waits), and as T grows the mean number in
// system rises to join-the-shortest-queue's from below. The increments shrink about
// geometrically in T, so the rest of the series is extrapolated from the last two.
//
// State: the shortest queue's length m (the level) and how many replicas hold m, m + 1, …, m + T
// jobs (the phase). A level-structured chain (quasi-birth-death: arrivals raise the level by at
// most one, departures lower it by at most one), truncated where the level's probability is
// below 1e-14 and solved by linear level reduction (π_m = π_{m−1}·R_m): each R_m is one LU
// factorization of the level's block. An arrival raises a level only from phases with one
// shortest queue and a departure lowers it only from one kind of phase, so those blocks have at
// most one entry per row and the products with them are sparse.

import { mmcWait } from './queueing.js';

/**
 * Phases per level: spread 2 is solved up to JSQ_MAX_PHASES (8 replicas), larger spreads while
 * they have at most JSQ_MORE_PHASES (the chain's cost grows as the cube of its phases: a solve
 * stays within a few ms, which sweeps and closed workloads repeat many times).
 */
export const JSQ_MAX_PHASES = 40;
const JSQ_MORE_PHASES = 20;

interface Phases {
  /** counts[i·(T+1) + j]: replicas at the level + j in phase i */
  counts: Int32Array;
  n: number;
  // Per phase: where an arrival takes it (up: level + 1, or same level) and where a departure
  // from the shortest queues takes it (down: level − 1, or same level after a jockey).
  arrTo: Int32Array;
  arrUp: Uint8Array;
  depTo: Int32Array;
  depDown: Uint8Array;
  /** departures from level + j (j ≥ 1): the phase they lead to, −1 if none hold that level */
  innerTo: Int32Array;
  /** the phases an arrival raises a level from */
  upRows: number[];
}

/** The phases and their transitions depend on R and T alone: kept (a sweep solves the same R and T at every rate). */
const phaseCache = new Map<string, Phases>();

/** All ways to place R replicas at the levels m … m + T (T ≥ 1) with at least one at m, and the transitions between them. */
function phasesOf(R: number, T: number): Phases {
  const key = `${R}/${T}`;
  const hit = phaseCache.get(key);
  if (hit) return hit;
  const list: number[][] = [];
  const rec = (pre: number[], left: number, parts: number) => {
    if (parts === 1) list.push([...pre, left]);
    else for (let x = 0; x <= left; x++) rec([...pre, x], left - x, parts - 1);
  };
  for (let c0 = 1; c0 <= R; c0++) rec([c0], R - c0, T);
  const counts = new Int32Array(list.length * (T + 1));
  const index = new Map<string, number>();
  list.forEach((c, i) => {
    counts.set(c, i * (T + 1));
    index.set(c.join(','), i);
  });
  const P = list.length;
  const w = T + 1;
  const arrTo = new Int32Array(P);
  const arrUp = new Uint8Array(P);
  const depTo = new Int32Array(P);
  const depDown = new Uint8Array(P);
  const innerTo = new Int32Array(P * w).fill(-1);
  const at = (a: number[]) => index.get(a.join(','))!;
  for (let i = 0; i < P; i++) {
    const c0 = Array.from(counts.subarray(i * w, i * w + w));
    if (c0[0]! > 1) {
      const a = [...c0];
      a[0]!--;
      a[1]!++;
      arrTo[i] = at(a);
    } else {
      const a = [...c0.slice(1), 0];
      a[0]!++;
      arrTo[i] = at(a);
      arrUp[i] = 1;
    }
    for (let j = 1; j <= T; j++) {
      if (!c0[j]) continue;
      const a = [...c0];
      a[j]!--;
      a[j - 1]!++;
      innerTo[i * w + j] = at(a);
    }
    if (c0[T]! > 0) {
      // the spread would become T + 1: a job moves from a longest queue to the emptied place
      const a = [...c0];
      a[T]!--;
      a[T - 1]!++;
      depTo[i] = at(a);
    } else {
      depTo[i] = at([1, c0[0]! - 1, ...c0.slice(1, T)]);
      depDown[i] = 1;
    }
  }
  const upRows: number[] = [];
  for (let i = 0; i < P; i++) if (arrUp[i]) upRows.push(i);
  const p = { counts, n: P, arrTo, arrUp, depTo, depDown, innerTo, upRows };
  phaseCache.set(key, p);
  return p;
}

/** Number of phases for R replicas and spread T: compositions with the first part ≥ 1. */
export function phaseCount(R: number, T: number): number {
  // C(R − 1 + T, T)
  let x = 1;
  for (let i = 1; i <= T; i++) x = (x * (R - 1 + i)) / i;
  return Math.round(x);
}

export interface JsqResult {
  /** mean wait in queue (ms, exponential service) */
  wait: number;
  /** probability an arrival waits (its shortest queue has all c servers busy) */
  pWait: number;
  /** the largest spread solved */
  spread: number;
}

/**
 * Mean wait and P(wait) of R replicas of c exponential servers each (mean service s ms), Poisson
 * arrivals at λ per ms, each arrival joining a replica with the fewest jobs, with the queue
 * lengths' spread limited to T ≥ 1 (see the file's comment). ρ = λs/(Rc) < 1.
 */
export function jockeyChain(R: number, c: number, lambda: number, s: number, T: number): { wait: number; pWait: number } {
  if (!(T >= 1)) throw new RangeError('the spread T is at least 1');
  const { counts, n: P, arrTo, arrUp, depTo, depDown, innerTo, upRows } = phasesOf(R, T);
  const w = T + 1;
  // Time is counted in mean service times inside the chain (rates: a = λs per service time, a
  // server's 1): the answer depends on s only through λs, so wait/s and P(wait) are the same at
  // every s by construction, and the rates are of the size of the normalisation row of ones in
  // the level-0 solve whatever s is (in ms they were not: which row won a pivot then depended on
  // s, see luSolve).
  const a = lambda * s;
  const rho = a / (R * c);
  const M = Math.min(20_000, c + T + 5 + Math.ceil(Math.log(1e-14) / (R * Math.log(rho))));
  const mu = (level: number) => Math.min(level, c);
  // X = −(local block at level m) − R_{m+1}·D_{m+1}; R_m = U_{m−1}·X⁻¹, which has rows only where U
  // has an entry: Rm[m] keeps those, row k for phase upRows[k] (the others are zero)
  const up = upRows.length;
  const Rm: Float64Array[] = new Array(M + 1);
  const X = new Float64Array(P * P);
  const piv = new Int32Array(P);
  const local = (m: number, out: Float64Array, sign: number) => {
    out.fill(0);
    for (let i = 0; i < P; i++) {
      let leave = 0;
      if (!arrUp[i] || m < M) {
        leave += a;
        if (!arrUp[i]) out[i * P + arrTo[i]!]! += sign * a;
      }
      for (let j = 1; j <= T; j++) {
        const to = innerTo[i * w + j]!;
        if (to < 0) continue;
        const r = counts[i * w + j]! * mu(m + j);
        out[i * P + to]! += sign * r;
        leave += r;
      }
      if (m >= 1) {
        const r = counts[i * w]! * mu(m);
        if (r > 0) {
          leave += r;
          if (!depDown[i]) out[i * P + depTo[i]!]! += sign * r;
        }
      }
      out[i * P + i]! -= sign * leave;
    }
  };
  let next: Float64Array | undefined;
  const y = new Float64Array(P);
  for (let m = M; m >= 1; m--) {
    // X as its transpose (we solve Xᵀy = e_t for the rows of X⁻¹ that U picks)
    local(m, X, -1);
    if (next) {
      // (R_{m+1} D_{m+1})[a][b] = Σ_i R[a][i] · D[i][b]; D[i][depTo[i]] = c0_i · μ(m + 1) where depDown
      for (let k = 0; k < up; k++) {
        const a = upRows[k]!;
        for (let i = 0; i < P; i++) {
          if (!depDown[i]) continue;
          const r = next[k * P + i]!;
          if (r !== 0) X[a * P + depTo[i]!]! -= r * counts[i * w]! * mu(m + 1);
        }
      }
    }
    // transpose in place, then LU with partial pivoting
    for (let i = 0; i < P; i++)
      for (let j = i + 1; j < P; j++) {
        const t = X[i * P + j]!;
        X[i * P + j] = X[j * P + i]!;
        X[j * P + i] = t;
      }
    if (!lu(X, P, piv)) return { wait: NaN, pWait: NaN };
    const out = new Float64Array(up * P);
    for (let k = 0; k < up; k++) {
      // row i of R_m = a · row arrTo[i] of X⁻¹ = a · (solution of Xᵀy = e_t)
      y.fill(0);
      y[arrTo[upRows[k]!]!] = 1;
      luSolve(X, P, piv, y);
      for (let j = 0; j < P; j++) out[k * P + j] = a * y[j]!;
    }
    Rm[m] = out;
    next = out;
  }
  // level 0: π_0 (L_0 + R_1 D_1) = 0, Σπ normalised afterwards
  const A = new Float64Array(P * P);
  local(0, A, 1);
  if (next) {
    for (let k = 0; k < up; k++)
      for (let i = 0; i < P; i++) {
        if (!depDown[i]) continue;
        const r = next[k * P + i]!;
        if (r !== 0) A[upRows[k]! * P + depTo[i]!]! += r * counts[i * w]! * mu(1);
      }
  }
  // solve Aᵀ π = 0 with the last equation replaced by π_0 summing to 1 (scaled below)
  const At = new Float64Array(P * P);
  for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) At[j * P + i] = A[i * P + j]!;
  for (let j = 0; j < P; j++) At[(P - 1) * P + j] = 1;
  const pi = new Float64Array(P);
  pi[P - 1] = 1;
  if (!lu(At, P, piv)) return { wait: NaN, pWait: NaN };
  luSolve(At, P, piv, pi);
  let total = 0;
  let queued = 0;
  let waits = 0;
  let cur = pi;
  let nx = new Float64Array(P);
  for (let m = 0; m <= M; m++) {
    if (m > 0) {
      const r = Rm[m]!;
      nx.fill(0);
      for (let k = 0; k < up; k++) {
        const x = cur[upRows[k]!]!;
        if (x !== 0) for (let j = 0; j < P; j++) nx[j]! += x * r[k * P + j]!;
      }
      const t = cur;
      cur = nx;
      nx = t; // π_0 (pi) is not read again: its array takes the next level
    }
    for (let i = 0; i < P; i++) {
      const x = cur[i]!;
      if (x === 0) continue;
      total += x;
      // jobs waiting (beyond the c in service) in each replica: the wait by Little's law, not
      // as response − s, which cancels to nothing when waits are rare (R = 8, c = 2, ρ 0.1:
      // the wait is 1e-12 of s, and response − s kept 3 digits of it)
      let k = 0;
      for (let j = 0; j <= T; j++) if (m + j > c) k += counts[i * w + j]! * (m + j - c);
      queued += x * k;
      if (m >= c) waits += x;
    }
  }
  // the exact zero skips above (r !== 0, x === 0) only pass over terms that are 0 anyway
  return { wait: (queued / total / a) * s, pWait: waits / total };
}

/**
 * In-place LU factorization with partial pivoting of an n × n row-major matrix, LAPACK's way:
 * an interchange swaps whole rows, the multipliers already stored left of the pivot included, so
 * that P·A = L·U with P all the interchanges (luSolve applies them all before L). False when a
 * pivot column is all zero (the matrix is singular: the caller has no answer, not a guess).
 */
function lu(a: Float64Array, n: number, piv: Int32Array): boolean {
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(a[k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k]!);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    piv[k] = p;
    if (p !== k)
      for (let j = 0; j < n; j++) {
        const t = a[k * n + j]!;
        a[k * n + j] = a[p * n + j]!;
        a[p * n + j] = t;
      }
    const d = a[k * n + k]!;
    if (!(d !== 0) || !Number.isFinite(d)) return false;
    for (let i = k + 1; i < n; i++) {
      const f = (a[i * n + k]! /= d);
      if (f !== 0) for (let j = k + 1; j < n; j++) a[i * n + j]! -= f * a[k * n + j]!;
    }
  }
  return true;
}

/**
 * Solve (the matrix lu() factorized) · x = b in place: b ← P·b (every interchange, in order),
 * then L and U. The interchanges must all come first: lu() moved the stored multipliers with
 * their rows, so column k of L is in the final row order, not the order at step k. Interleaving
 * them with the elimination (LINPACK's way, right only when the multipliers stay put) paired
 * each multiplier with another row's b whenever a later pivot swapped rows below k: the level-0
 * solve, whose normalisation row of ones won or lost pivots against rates in 1/ms, so by the
 * value of s (8 replicas at ρ 0.3: s from 0.8 to 7.65 ms), came out as π ≈ 1e-49 instead of
 * summing to 1, a wait of 246·s and P(wait) 8.5.
 */
function luSolve(a: Float64Array, n: number, piv: Int32Array, b: Float64Array): void {
  for (let k = 0; k < n; k++) {
    const p = piv[k]!;
    if (p !== k) {
      const t = b[k]!;
      b[k] = b[p]!;
      b[p] = t;
    }
  }
  for (let k = 0; k < n; k++) {
    const x = b[k]!;
    if (x !== 0) for (let i = k + 1; i < n; i++) b[i]! -= a[i * n + k]! * x;
  }
  for (let k = n - 1; k >= 0; k--) {
    let x = b[k]!;
    for (let j = k + 1; j < n; j++) x -= a[k * n + j]! * b[j]!;
    b[k] = x / a[k * n + k]!; // lu() left no zero pivot
  }
}

/**
 * Service variability up to which the chain (exact for exponential service) is used with the
 * Allen–Cunneen scaling. Beyond it, a join-the-shortest-queue wait is mostly the residual of
 * one long job on the chosen replica, which the scaled exponential chain overstates in the tail:
 * on a bundled blueprint whose replicated unit mixes 5 ms requests with 1.5 s uploads (cs² 4.7)
 * its p95 was 13–34% above the DES at 30% of saturation, where the pooled queue was within 8%.
 * Lognormal service with cs² 2.25 on 2 replicas of one server stays within 4% on the mean and
 * 1% on p95 at ρ 0.6 (the pooled queue: −6%, −12%); on 3 replicas of 2 servers the chain is
 * +4% / +17% at ρ 0.6 and +7% / +8% at 0.8, where the pooled queue is within 1% on the mean: the
 * warning (JSQ_NOTE) states that bound.
 */
export const JSQ_MAX_CS2 = 2.5;

/** Whether a station's least-connections replicas are solved by the chain (else: the pooled queue). */
export function jsqApplies(replicas: number, cs2: number): boolean {
  return replicas > 1 && cs2 <= JSQ_MAX_CS2 && phaseCount(replicas, 2) <= JSQ_MAX_PHASES;
}

const memo = new Map<string, JsqResult>();

/**
 * Whether a chain's answer can be right: finite, P(wait) a probability, and the wait not below
 * the pooled M/M/Rc's (spread 1 is that queue, and wider spreads only add waits: a replica may
 * idle while another has a line). The tolerances are rounding's: spread 1 meets Erlang C to
 * 1e-13 (relative) over R ≤ 8, c ≤ 2, ρ 0.1–0.9. A chain that fails this was mis-solved (a
 * luSolve that paired rows wrongly gave P(wait) 8.5 and a wait of 246·s): jsqWait then has no
 * answer and the caller keeps the pooled queue.
 */
function plausible(x: { wait: number; pWait: number }, pooledWait: number): boolean {
  return Number.isFinite(x.wait) && Number.isFinite(x.pWait) && x.pWait >= -1e-12 && x.pWait <= 1 + 1e-12 && x.wait >= pooledWait * (1 - 1e-9);
}

/**
 * Join-the-shortest-queue's mean wait and P(wait), exponential service: the jockeying chain at
 * spreads T = 1, 2, … (T > 2 while a level has at most JSQ_MORE_PHASES phases), the rest of the series
 * extrapolated geometrically from the last two increments (when there are two). Undefined when
 * even T = 2 is too large to solve (many replicas), or when an answer is impossible (plausible:
 * a mis-solved chain): the caller keeps the pooled queue and says so.
 */
export function jsqWait(R: number, c: number, lambda: number, s: number): JsqResult | undefined {
  if (!(lambda > 0) || !(s > 0) || lambda * s >= R * c) return undefined;
  if (phaseCount(R, 2) > JSQ_MAX_PHASES) return undefined;
  const k = `${R}/${c}/${lambda}/${s}`;
  const hit = memo.get(k);
  if (hit) return hit;
  const pooled = mmcWait(R * c, lambda, s);
  const seq: { wait: number; pWait: number }[] = [];
  let T = 1;
  for (; (T <= 2 || phaseCount(R, T) <= JSQ_MORE_PHASES) && T <= 24; T++) {
    const x = jockeyChain(R, c, lambda, s, T);
    // a wrong spread would also bend the extrapolation: none is used
    if (!plausible(x, pooled)) return undefined;
    seq.push(x);
    const l = seq.length;
    // converged: the last increment is below 1e-4 of the wait (the extrapolation adds the rest)
    if (l >= 2 && Math.abs(seq[l - 1]!.wait - seq[l - 2]!.wait) <= 1e-4 * seq[l - 1]!.wait) break;
  }
  const l = seq.length;
  let wait = seq[l - 1]!.wait;
  const pWait = seq[l - 1]!.pWait;
  if (l >= 3) {
    const d1 = seq[l - 2]!.wait - seq[l - 3]!.wait;
    const d2 = seq[l - 1]!.wait - seq[l - 2]!.wait;
    const r = d1 > 0 ? d2 / d1 : 0;
    if (r > 0 && r < 0.9) wait += (d2 * r) / (1 - r);
  }
  if (!plausible({ wait, pWait }, pooled)) return undefined;
  const out = { wait, pWait, spread: l };
  if (memo.size > 4096) memo.clear();
  memo.set(k, out);
  return out;
}
