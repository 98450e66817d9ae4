// A process's wake-up cost: work that reaches a process after it has been idle costs more CPU than
// the same work arriving while it is busy, and more the longer it was idle (its caches, TLB and
// branch predictors were taken over by the host's other processes in the meantime).
//
// Measured on this project's 2-core host with one fastify server answering one paced client, the
// server's main thread spent 0.12 ms per call with calls 1 ms apart, 0.40 ms 10 ms apart and
// 0.87 ms 100 ms apart, for the same handler. A unit of a microservices layout sees a visit every
// few tens of milliseconds where the monolith's one process sees several per millisecond, so a
// per-call figure measured on one layout is wrong on the other (the reference services' handlers
// ran about 1 ms slower per call in microservices than in the monolith, in the same code).
//
// The cost is a table measured by `calibrate --platform` (platform.ts): extra ms of CPU against the
// idle gap before the visit, relative to the pace the platform's per-call figures were measured at
// (so those figures and this table never count the same CPU twice). Between two points it is
// linear in log(gap); below the first point it is 0 and beyond the last it stays at the last.
//
// A visit's extra also grows with its own work: what went cold is the process's working set, and
// a handler that touches more of it reloads more (measured 2026-12-01: after 50 ms idle a handler
// doing 0.19 ms of work beyond a bare echo paid 0.48 ms more than the echo's own extra, 2.5× that
// work; after 5 ms, 0.8×). `workFactor` is that slope per gap: extra = extraMs(gap) + workFactor(gap)
// × the visit's own CPU. Absent: the bare table (files written before it was measured).
//
// Not all of a wake-up's CPU is on the request's path. Measured per call (2026-12-03, the echo
// server's main thread from just before a call to just after its answer): 0.28 ms more after 150 ms
// idle than back to back; measured over the whole pace (every call and the idle time between, less
// the idle background): 2.2 ms more. The rest runs after the answer (V8's idle-time and
// memory-reducing GC, timers re-armed), on the same thread: it delays no one that is not queued
// behind it, but it holds the process and the host's cores. `afterMs` is that part per gap: the
// simulator keeps the server busy for it after the visit (stations.ts), and the analytic method
// counts it in the station's load, not in the visit's own time. Absent: every extra is on the path
// (tables measured before the split).
import { z } from 'zod';

export const ColdVisit = z
  .strictObject({
    /** idle gaps, ms, strictly increasing */
    gapMs: z.array(z.number().positive()).min(1).max(64),
    /** extra CPU of a visit after that gap, ms (non-negative) */
    extraMs: z.array(z.number().min(0)).min(1).max(64),
    /** extra CPU per ms of the visit's own CPU after that gap (non-negative); absent: none */
    workFactor: z.array(z.number().min(0).max(100)).min(1).max(64).optional(),
    /** extra CPU after the visit's answer, off the request's path, ms (non-negative); absent: none */
    afterMs: z.array(z.number().min(0)).min(1).max(64).optional(),
  })
  .refine((c) => c.gapMs.length === c.extraMs.length, { message: 'gapMs and extraMs must have the same length' })
  .refine((c) => !c.workFactor || c.workFactor.length === c.gapMs.length, { message: 'workFactor and gapMs must have the same length' })
  .refine((c) => !c.afterMs || c.afterMs.length === c.gapMs.length, { message: 'afterMs and gapMs must have the same length' })
  .refine((c) => c.gapMs.every((g, i) => i === 0 || g > c.gapMs[i - 1]!), { message: 'gapMs must be strictly increasing' });
export type ColdVisit = z.output<typeof ColdVisit>;

/** A per-gap column of the table at `gap`: 0 below the first gap, linear in log(gap) between points, flat beyond the last. */
function at(G: readonly number[], Y: readonly number[], gap: number): number {
  // At a knot either branch gives its value (the segment before it ends there, the one after starts
  // there), up to the last bit of rounding: the comparisons' boundaries are free, hence disabled.
  // Stryker disable next-line EqualityOperator: at G[0] the interpolation below gives Y[0] exactly (f = 0)
  if (!(gap > G[0]!)) return gap === G[0] ? Y[0]! : 0;
  const last = G.length - 1;
  // Stryker disable next-line EqualityOperator: at G[last] the interpolation gives Y[last] (f = 1)
  if (gap >= G[last]!) return Y[last]!;
  let i = 1;
  // Stryker disable next-line EqualityOperator: at an inner knot both segments give its value
  while (G[i]! < gap) i++;
  const f = Math.log(gap / G[i - 1]!) / Math.log(G[i]! / G[i - 1]!);
  return Y[i - 1]! + f * (Y[i]! - Y[i - 1]!);
}

/** Extra ms of CPU of a visit that finds its process idle for `gap` ms, the visit's own CPU being `work` ms (on the request's path). */
export function coldExtra(c: ColdVisit, gap: number, work = 0): number {
  const x = at(c.gapMs, c.extraMs, gap);
  return c.workFactor ? x + at(c.gapMs, c.workFactor, gap) * work : x;
}

/** Extra ms of CPU after the answer of a visit that found its process idle for `gap` ms (0 without `afterMs`). */
export function coldAfter(c: ColdVisit, gap: number): number {
  return c.afterMs ? at(c.gapMs, c.afterMs, gap) : 0;
}

/** The table in words, one entry per gap: "+0.28 ms + 0.04 × its own work (+1.9 ms after the answer) after 148 ms". */
export function coldTableWords(c: ColdVisit): string {
  return c.gapMs.map((g, i) => `+${c.extraMs[i]} ms${c.workFactor ? ` + ${c.workFactor[i]} × its own work` : ''}${c.afterMs ? ` (+${c.afterMs[i]} ms after the answer)` : ''} after ${g} ms`).join(', ');
}

/** Quadrature points: the midpoints of K equally likely slices of an exponential of rate 1. */
const K = 48;
const UNIT_GAPS = Float64Array.from({ length: K }, (_, k) => -Math.log(1 - (k + 0.5) / K));

/** The mean of f(gap) over an exponential gap of rate `perMs` (per ms), by the quadrature above; 0 for a rate that is not positive and finite. */
function overExpGaps(perMs: number, f: (gap: number) => number): number {
  if (!(perMs > 0) || !Number.isFinite(perMs)) return 0;
  let s = 0;
  // Stryker disable next-line EqualityOperator: one more point reads UNIT_GAPS[K], undefined, and at(NaN) is 0
  for (let k = 0; k < K; k++) s += f(UNIT_GAPS[k]! / perMs);
  return s / K;
}

/**
 * Mean extra CPU of a visit whose idle gap is exponential with rate `perMs` (per ms): the gap a
 * Poisson stream's arrival ends (an M/G/1 idle period is exponential with the arrival rate).
 * 0 for a rate that is not positive and finite (no visits, no extra). `work`: the visit's own CPU, ms
 * (its part of the extra is linear in it, so the mean visit's work gives the mean).
 */
export function meanColdExtra(c: ColdVisit, perMs: number, work = 0): number {
  return overExpGaps(perMs, (gap) => coldExtra(c, gap, work));
}

/** meanColdExtra's counterpart for the part after the answer (coldAfter). */
export function meanColdAfter(c: ColdVisit, perMs: number): number {
  return c.afterMs ? overExpGaps(perMs, (gap) => coldAfter(c, gap)) : 0;
}

/** All the extra CPU of such a visit, on its path and after it: what a process's CPU counters see. */
export function meanColdTotal(c: ColdVisit, perMs: number, work = 0): number {
  return meanColdExtra(c, perMs, work) + meanColdAfter(c, perMs);
}

/** The stations whose servers are processes that go cold: the units' event loops and the gateway. */
export const COLD_KINDS: ReadonlySet<string> = new Set(['unit', 'gateway']);

/**
 * Relational datastores, whose connections are each served by a process (PostgreSQL's backends)
 * or a thread of their own that goes cold between queries: they pay the database's table.
 */
export const COLD_DB_ENGINES: ReadonlySet<string | undefined> = new Set(['postgres', 'mysql']);

/**
 * The table each station pays (null: none): the process table for units and the gateway, the
 * database table for relational datastores. `tables` holds what the host model has.
 */
export function coldTables(stations: readonly { kind: string; engine?: string }[], tables: { coldVisit?: ColdVisit | undefined; coldVisitDb?: ColdVisit | undefined } | undefined): (ColdVisit | null)[] {
  return stations.map((s) => (COLD_KINDS.has(s.kind) ? (tables?.coldVisit ?? null) : s.kind === 'datastore' && COLD_DB_ENGINES.has(s.engine) ? (tables?.coldVisitDb ?? null) : null));
}
