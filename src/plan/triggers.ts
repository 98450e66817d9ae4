// When to move on: for each trigger of a phase, the workload rate at which it fires (the
// blueprint's mix, scaled), and with a growth rate the month that rate is reached. CPU and
// queue triggers come from the analytic network (utilization is linear in the rate; latency and
// queue are found below saturation by a bracketed secant search: crossing()); connection and rate triggers scale with the
// workload. Pure.
import type { Blueprint, Layout } from '../model/schema.js';
import { TRIGGER_METRIC } from '../model/trigger-metrics.js';
import { latencyQuantile, saturation, solve } from '../simulate/analytic.js';
import type { Compiled } from '../simulate/compile.js';
import { opDemands, type OpDemand } from '../simulate/demand.js';
import type { WorkloadSpec } from '../simulate/types.js';

export interface TriggerFire {
  description: string;
  metric?: string;
  above?: number;
  /** where it came from: the blueprint's layout, or derived by the planner */
  source: 'declared' | 'derived';
  /** the value at today's workload; null: none finite (over capacity: JSON has no Infinity) */
  now?: number | null;
  /** requests per second of the workload mix at which it fires; null: never below saturation */
  fireRps?: number | null;
  /** the workload's concurrent connections at that rate, when the workload has connections */
  fireConnections?: number;
  /** months from today with --growth; 0: already firing */
  month?: number | null;
  /** why it cannot be evaluated, when it cannot */
  note?: string;
}

// One grammar for the metric: the loader checks what a declared one names (model/trigger-metrics.ts).
const METRIC = TRIGGER_METRIC;

export interface TriggerContext {
  bp: Blueprint;
  compiled: Compiled;
  /** opDemands(compiled), computed once per phase */
  demands?: Map<string, OpDemand>;
  workload: WorkloadSpec;
  /** monthly growth as a fraction (0.15 for 15%/month) */
  growth?: number;
}

export function evaluateTrigger(t: Layout['triggers'][number], source: TriggerFire['source'], ctx: TriggerContext): TriggerFire {
  const base: TriggerFire = { description: t.description, source, ...(t.metric ? { metric: t.metric } : {}), ...(t.above !== undefined ? { above: t.above } : {}) };
  if (!t.metric || t.above === undefined) return { ...base, note: 'not a load trigger: a decision for the team' };
  const m = METRIC.exec(t.metric.trim());
  if (!m) return { ...base, note: `cannot evaluate metric "${t.metric}"` };
  const [, name, arg] = m as unknown as [string, string, string | undefined];
  const r0 = ctx.workload.rate ?? 0;
  if (!(r0 > 0) && name !== 'team.developers') return { ...base, note: 'the workload has no open rate to scale (a closed workload): give it a rate' };
  const c = ctx.compiled;
  const demands = ctx.demands ?? opDemands(c);
  const mix = ctx.workload.mix;
  const sat = saturation(c, demands, mix).rate;
  const station = (id: string | undefined) => c.stations.findIndex((s) => s.id === id && (s.kind === 'unit' || s.kind === 'datastore' || s.kind === 'gateway' || s.kind === 'broker'));
  // The solver as `analyze` (simulate --method analytic) calls it: a paced workload's arrivals are
  // regular (entry scv 0), or "now" and the figures differ.
  const entryScv = ctx.workload.arrivals === 'paced' ? 0 : 1;
  const at = (rate: number, only: string[]) => solve(c, demands, mix, rate, { only, entryScv });
  /**
   * `now` and `fire` unrounded. A trigger reads "above": it has fired when today's value is over
   * the threshold, strictly, and this one comparison (not a rounded value, nor the fire rate
   * against today's, which said "already reached" at equality for a rate but not for a latency)
   * says so for every metric.
   */
  const finish = (now: number, fire: number | null, above = t.above!): TriggerFire => {
    const reached = now > above;
    const out: TriggerFire = { ...base, now: Number.isFinite(now) ? round(now) : null, fireRps: fire === null ? null : round(fire) };
    const conns = ctx.bp.workload?.connections;
    if (fire !== null && conns !== undefined && r0 > 0) out.fireConnections = Math.round((conns * fire) / r0);
    if (ctx.growth !== undefined) out.month = reached ? 0 : monthOf(r0, fire, ctx.growth, true);
    return out;
  };
  switch (name) {
    case 'team.developers': {
      const n = ctx.bp.metadata.team?.developers;
      if (n === undefined) return { ...base, note: 'metadata.team.developers is not set' };
      return { ...base, now: n, note: n > t.above ? `fires now: the team has ${n} developers` : `not a load trigger: fires when the team grows beyond ${t.above} (now ${n})` };
    }
    case 'connections': {
      const conns = ctx.bp.workload?.connections;
      if (conns === undefined || r0 <= 0) return { ...base, note: 'the workload declares no connections' };
      return finish(conns, (t.above * r0) / conns);
    }
    case 'rate': {
      const share = arg ? mix[arg] : 1;
      if (!share) return { ...base, note: `${arg} is not in the workload mix` };
      return finish(r0 * share, t.above / share);
    }
    case 'utilization':
    case 'cpu': {
      const i = station(arg);
      if (i < 0) return { ...base, note: `no unit or datastore "${arg}" in this layout` };
      const rho = at(r0, []).stations[i]!.rho;
      const above = t.above > 1 ? t.above / 100 : t.above;
      // Linear in the rate, but only up to saturation: a rate past the layout's saturation is
      // one it never serves (a CPU trigger "fired" at 760/s on a layout whose database saturates
      // at 408/s), so none, as queue and latency triggers say. (Already above today, on a layout
      // over capacity, it keeps its rate: it has fired.)
      const fire = rho > 0 ? (above * r0) / rho : null;
      return finish(rho, fire !== null && (fire < sat || rho > above) ? fire : null, above);
    }
    case 'queue': {
      const i = station(arg);
      if (i < 0) return { ...base, note: `no unit or datastore "${arg}" in this layout` };
      const q = (rate: number) => {
        const s = at(rate, []).stations[i]!;
        return s.meanWait === Infinity ? Infinity : (s.visitRate * s.meanWait) / 1000;
      };
      const now = q(r0);
      return finish(now, crossing(q, t.above, sat, { rate: r0, value: now }).rate);
    }
    default: {
      const lat = /^latency(?:\.(p50|p90|p95|p99|mean))?$/.exec(name);
      if (!lat || !arg || !(arg in mix)) return { ...base, note: lat ? `${arg ?? '(none)'} is not in the workload mix` : `cannot evaluate metric "${t.metric}"` };
      const p = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99, mean: 0 }[lat[1] ?? 'mean']!;
      // The percentile as the figures compute it (latencyQuantile: the two-part fit for
      // low-variance work, Crommelin's M/D/1), not a one-gamma fit of the mean and variance,
      // which put "now" at 70.8 ms beside figures of 71.0 ms for the same phase and rate.
      const f = (rate: number) => {
        const o = at(rate, [arg]).ops.find((x) => x.id === arg)!;
        if (!Number.isFinite(o.mean)) return Infinity;
        return p === 0 ? o.mean : latencyQuantile(o, p);
      };
      const now = f(r0);
      return finish(now, crossing(f, t.above, sat, { rate: r0, value: now }).rate);
    }
  }
}

/**
 * The rate in (0, saturation) where an increasing f crosses `above`; null when it never does.
 * Found as the root of 1/f(rate) − 1/above by the Illinois variant of regula falsi, to the
 * precision 18 bisection steps gave (saturation / 2^18), returning the bracket's upper end (f is
 * over `above` there). Why not bisection: each evaluation is a whole network solve, and near
 * saturation the least-connections chains are the costliest part of `archsim plan`; 1/latency is
 * close to linear in the rate (exactly so for the mean of an M/M/1 queue, 1 − ρ over the service
 * time), so a few secant steps land within the precision where bisection took 19 solves.
 */
export function crossing(f: (rate: number) => number, above: number, sat: number, known?: { rate: number; value: number }): { rate: number | null; evaluations: number } {
  let evaluations = 0;
  const g = (rate: number) => {
    evaluations++;
    const v = f(rate);
    return (v > 0 ? 1 / v : Infinity) - 1 / above;
  };
  let b = sat * 0.9999;
  let gb = g(b);
  if (!(gb < 0)) return { rate: null, evaluations };
  // The lower end: today's rate when its value is known and under `above` (already computed by
  // the caller, and nearer the crossing than no load, so the first secant lands nearer too).
  const under = known && known.rate > 0 && known.rate < b && known.value < above;
  let a = under ? known.rate : 0;
  let ga = under ? (known.value > 0 ? 1 / known.value : Infinity) - 1 / above : g(0);
  // Over `above` even with no load: it fires at any rate.
  if (!(ga > 0)) return { rate: 0, evaluations };
  const tol = sat / 2 ** 18;
  /** the end the last step replaced */
  let last: 'a' | 'b' | null = null;
  for (let i = 0; i < 64 && b - a > tol; i++) {
    let x = Number.isFinite(ga) ? (a * gb - b * ga) / (gb - ga) : (a + b) / 2;
    // A secant approaches the root from one side: once it puts the root within a tolerance of
    // the end it keeps moving, a probe just past it closes the bracket from the other side.
    if (last === 'a' && x - a < tol) x = a + 0.99 * tol;
    else if (last === 'b' && b - x < tol) x = b - 0.99 * tol;
    if (!(x > a && x < b)) x = (a + b) / 2;
    const gx = g(x);
    if (gx > 0) {
      if (last === 'a') gb /= 2; // b kept twice: halve its weight (Illinois), or it is kept for ever
      a = x;
      ga = gx;
      last = 'a';
    } else {
      if (last === 'b') ga /= 2;
      b = x;
      gb = gx;
      last = 'b';
    }
  }
  return { rate: b, evaluations };
}

/**
 * Months until the rate grows from r0 to fire at `growth` per month (0: already there). `strict`:
 * the trigger fires above `fire`, not at it (the caller has said it has not fired today), so the
 * month is the first whose rate is over `fire`.
 */
export function monthOf(r0: number, fire: number | null, growth: number, strict = false): number | null {
  if (fire === null || !(growth > 0) || !(r0 > 0)) return fire !== null && (strict ? fire < r0 : fire <= r0) ? 0 : null;
  if (strict ? fire < r0 : fire <= r0) return 0;
  const m = Math.log(fire / r0) / Math.log(1 + growth);
  return strict ? Math.max(1, Math.floor(m) + 1) : Math.ceil(m);
}

/**
 * Triggers for a phase the blueprint does not declare: its busiest unit's CPU above 70% and the
 * budgeted operation with the least headroom over its p95 budget.
 */
export function derivedTriggers(bp: Blueprint, busiest: { unit: string }, p95: Record<string, number>): Layout['triggers'] {
  const out: Layout['triggers'] = [{ description: `CPU of ${busiest.unit} above 70% sustained`, metric: `utilization(${busiest.unit})`, above: 0.7 }];
  let tight: { id: string; budget: number; ratio: number } | undefined;
  for (const [d, dom] of Object.entries(bp.system.domains)) {
    for (const [n, op] of Object.entries(dom.operations)) {
      const id = `${d}.${n}`;
      const b = op.budget?.p95;
      if (b === undefined || p95[id] === undefined) continue;
      const ratio = p95[id]! / b;
      if (!tight || ratio > tight.ratio) tight = { id, budget: b, ratio };
    }
  }
  if (tight) out.push({ description: `p95 of ${tight.id} above its ${tight.budget} ms budget`, metric: `latency.p95(${tight.id})`, above: tight.budget });
  return out;
}

const round = (x: number) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : x);
