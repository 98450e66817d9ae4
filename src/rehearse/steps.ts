// The rehearsal's script, from a plan: pure. Each phase that moves routes becomes: start the
// extracted unit, shift the gateway's weights along the plan's canary steps (each step watched
// for one window against the phase's rollback triggers), then retire the old route (its weight
// is already 0 at 100%: the old unit is left to drain what it still holds). A phase that moves
// no routes (a rename, a phase of the chain that builds nothing) is a note, not an action.
// The live runner (runner.ts) only executes this list, so what a rehearsal will do can be read,
// tested and printed (`archsim rehearse --dry-run`) without starting anything.
import type { Blueprint, Layout, Protocol } from '../model/schema.js';
import type { Plan } from '../plan/schema.js';
import { phaseLayout } from '../plan/units-check.js';

/** A rollback trigger the runner can watch, parsed from the plan's metric strings. */
export type Trigger =
  | { kind: 'p95'; op: string; aboveMs: number; description: string }
  | { kind: 'error-rate'; unit: string; above: number; description: string }
  /** A metric this runner does not measure: listed in the report, never silently dropped. */
  | { kind: 'unwatched'; metric: string; description: string };

export type Action =
  | {
      kind: 'start-unit';
      phase: number;
      layout: string;
      unit: string;
      domains: string[];
      from: string;
      ops: string[];
      /**
       * The plan's data moves of this extraction (tables whose datastore changes). Between two
       * PostgreSQL databases the rehearsal runs the move's five steps (runner.ts, data-move.ts);
       * to or from another kind of store, none: said in every output.
       */
      dataMoves: PlannedDataMove[];
    }
  | {
      kind: 'weights';
      phase: number;
      layout: string;
      unit: string;
      from: string;
      percent: number;
      ops: string[];
      /** new unit first; weights sum to 100 */
      weights: { unit: string; weight: number }[];
      watchMs: number;
      triggers: Trigger[];
    }
  | { kind: 'retire'; phase: number; layout: string; unit: string; movedTo: string; ops: string[]; drainMs: number }
  | { kind: 'note'; phase: number; layout: string; text: string };

/** A table the plan moves to another datastore in this step. */
export interface PlannedDataMove {
  table: string;
  from: string;
  to: string;
  /** the stores' engines (from the plan); absent in actions built before they were recorded */
  engines?: { from: string; to: string };
}

/** Whether the rehearsal can copy a move's rows: both stores PostgreSQL (unknown engines: assumed so, the runner checks). */
export const copyable = (m: PlannedDataMove) => !m.engines || (m.engines.from === 'postgres' && m.engines.to === 'postgres');

/** The five steps of a table move, in the plan's order (src/plan/stores.ts). */
export const MOVE_STEPS = ['dual write', 'backfill', 'verify', 'cut over', 'drop the old copy'] as const;
export type MoveStep = (typeof MOVE_STEPS)[number];

/** What one step of a table move did, recorded as it ran. */
export interface MoveStepRecord {
  /** seconds since the rehearsal started */
  atS: number;
  /** the step did what it is for (a verify that found the copies equal, a drop that dropped) */
  ok: boolean;
  detail: string;
  /** rows copied (backfill), compared (verify), switched (cut over) or dropped */
  rows?: number;
  ms?: number;
}

/** One step of one table move in a rehearsal: whether it ran, when, what it did, or why not. */
export interface MoveStepStatus {
  step: MoveStep;
  ran: boolean;
  ok?: boolean;
  atS?: number;
  rows?: number;
  ms?: number;
  detail: string;
}

/**
 * The five steps of a move as the rehearsal ran them (`record`), in the plan's order; a step
 * that did not run says why: the move's error, else why the rest of it was not done
 * (`notPerformed`: a store that is not PostgreSQL, a failed verify, the rehearsal ending first).
 */
export function moveStepStatus(m: { record?: Partial<Record<MoveStep, MoveStepRecord>>; notPerformed?: string; error?: string }): MoveStepStatus[] {
  const why = m.error !== undefined ? `not done: ${m.error}` : `not done: ${m.notPerformed ?? 'not reached'}`;
  return MOVE_STEPS.map((step) => {
    const r = m.record?.[step];
    if (!r) return { step, ran: false, detail: why };
    return { step, ran: true, ok: r.ok, atS: r.atS, ...(r.rows !== undefined ? { rows: r.rows } : {}), ...(r.ms !== undefined ? { ms: r.ms } : {}), detail: r.detail };
  });
}

export class StepsError extends Error {}

/** "METHOD /path" → "domain.op", for the public routes of a blueprint. */
export function opsByRoute(bp: Blueprint): Map<string, string> {
  const out = new Map<string, string>();
  for (const [domain, d] of Object.entries(bp.system.domains))
    for (const [name, op] of Object.entries(d.operations)) if (op.route) out.set(`${op.route.method} ${op.route.path}`, `${domain}.${name}`);
  return out;
}

/** A plan's metric string ("latency.p95(op)", "error_rate(unit)") as a trigger the runner watches. */
export function parseTrigger(t: { metric: string; above: number; description: string }): Trigger {
  const p95 = /^latency\.p95\(([^()]+)\)$/.exec(t.metric);
  if (p95) return { kind: 'p95', op: p95[1]!, aboveMs: t.above, description: t.description };
  const er = /^error_rate\(([^()]+)\)$/.exec(t.metric);
  if (er) return { kind: 'error-rate', unit: er[1]!, above: t.above, description: t.description };
  return { kind: 'unwatched', metric: t.metric, description: t.description };
}

export interface StepOptions {
  /** how long each canary step is watched before the next one */
  stepMs: number;
  /** how long the old route is left to drain after its last request was sent elsewhere */
  drainMs?: number;
  /** only these phases (by index), e.g. a short rehearsal of the first extraction */
  phases?: readonly number[];
}

/** The protocol a unit of a layout serves: its own, else the layout's. */
const servedBy = (l: Layout, unit: string): Protocol | undefined => (Object.hasOwn(l.units, unit) ? (l.units[unit]!.protocol ?? l.protocol) : undefined);

/**
 * The route-moving extractions of phase `n` where gRPC is served on either side: the new unit, or
 * the old one as it serves during the canary (a unit of this phase as the phase has it, else the
 * layout before's; as plan/units-check.ts protocolSwitches reads them). Pure.
 */
export function grpcExtractions(plan: Plan, bp: Blueprint, n: number): { phase: number; unit: string; from: string; now: Protocol; was: Protocol }[] {
  const i = plan.phases.findIndex((p) => p.index === n);
  const phase = plan.phases[i];
  const before = plan.phases[i - 1];
  if (!phase || !before) return [];
  const here = phaseLayout(bp, phase, before);
  const there = phaseLayout(bp, before);
  if (!here.ok || !there.ok) return []; // (a plan file whose layouts do not parse is refused when read)
  return phase.extractions
    .filter((e) => e.from && e.routes.length)
    .map((e) => ({ phase: n, unit: e.unit, from: e.from!.unit, now: servedBy(here.layout, e.unit) ?? here.layout.protocol, was: servedBy(here.layout, e.from!.unit) ?? servedBy(there.layout, e.from!.unit) ?? there.layout.protocol }))
    .filter((x) => x.now === 'grpc' || x.was === 'grpc');
}

const protocolName = (p: Protocol) => (p === 'grpc' ? 'gRPC' : 'HTTP');

/**
 * A rehearsal runs the reference services, which serve HTTP only, and its load sends HTTP: a unit
 * that serves gRPC in the plan would run as an HTTP one, its canary steps held or rolled back on
 * HTTP figures, and a canary from an HTTP unit onto a gRPC one (or back) split by weight, which no
 * gateway can do (a gRPC method and an HTTP path are not one route). Such a phase is refused in one
 * line naming it and the unit, with the phases that can be rehearsed; so is a plan whose `from`
 * layout, started for every rehearsal, has a unit serving gRPC.
 */
function refuseGrpc(plan: Plan, bp: Blueprint, rehearsed: readonly number[]): void {
  const first = plan.phases[0];
  const start = first ? phaseLayout(bp, first) : undefined;
  const grpcAtStart = start?.ok ? Object.keys(start.layout.units).find((u) => servedBy(start.layout, u) === 'grpc') : undefined;
  const why = 'a rehearsal runs the reference services, which serve HTTP only, under HTTP load';
  if (grpcAtStart !== undefined) {
    throw new StepsError(`phase 0 (${plan.from}): ${grpcAtStart} serves gRPC; ${why}, and every rehearsal starts ${plan.from}: no phase of this plan can be rehearsed`);
  }
  const bad = rehearsed.flatMap((n) => grpcExtractions(plan, bp, n));
  if (!bad.length) return;
  const x = bad[0]!;
  const what =
    x.now !== x.was
      ? `${x.unit} serves ${protocolName(x.now)} where ${x.from} served its routes over ${protocolName(x.was)}; ${why}, and would split those routes by weight between the two protocols, which no gateway can`
      : `${x.unit} takes its routes from ${x.from} and both serve gRPC; ${why}, and would rehearse both as HTTP units`;
  // The phases that move routes between HTTP units only: what can be rehearsed instead.
  const fine = plan.phases.filter((p) => p.index > 0 && p.canary && p.extractions.some((e) => e.from && e.routes.length) && !grpcExtractions(plan, bp, p.index).length).map((p) => p.index);
  throw new StepsError(`phase ${x.phase}: ${what}; ${fine.length ? `leave the phase out (--phases ${fine.join(',')})` : 'no phase of this plan moves routes between HTTP units only'}`);
}

export function rehearsalSteps(plan: Plan, bp: Blueprint, o: StepOptions): Action[] {
  if (!(o.stepMs > 0)) throw new StepsError('the step duration must be above 0');
  const byRoute = opsByRoute(bp);
  const out: Action[] = [];
  // Phase 0 is the source layout, nothing to rehearse (--phases takes 1 on): not offered.
  const known = new Set(plan.phases.map((p) => p.index).filter((n) => n > 0));
  for (const n of o.phases ?? []) if (!known.has(n)) throw new StepsError(`phase ${n}: the plan has phases ${[...known].join(', ') || 'none to rehearse'}`);
  refuseGrpc(plan, bp, [...known].filter((n) => !o.phases || o.phases.includes(n)));
  for (const phase of plan.phases) {
    if (phase.index === 0 || (o.phases && !o.phases.includes(phase.index))) continue;
    // A continuing unit's tables that change store: the rehearsal runs that unit as the layout
    // before had it, against its old store, so those moves are not rehearsed; said, not skipped.
    // Said after the phase's own steps.
    const carried: Action[] = (phase.carried ?? []).map((c) => ({
      kind: 'note',
      phase: phase.index,
      layout: phase.layout,
      text: `${c.unit}${c.unit !== c.oldUnit ? ` (${c.oldUnit} before)` : ''} carries on and its data moves (${c.data.map((t) => `${t.table}: ${t.from.store} → ${t.to.store}`).join(', ')}): not rehearsed (a rehearsal moves the tables of the units it starts); the plan's steps for them stand`,
    }));
    const moving = phase.extractions.filter((e) => e.from && e.routes.length);
    if (!moving.length || !phase.canary) {
      out.push({ kind: 'note', phase: phase.index, layout: phase.layout, text: `${phase.layout} moves no routes: nothing to rehearse` }, ...carried);
      continue;
    }
    const triggers = phase.canary.rollback.map(parseTrigger);
    for (const e of moving) {
      // The runner shifts an extraction's routes against one old unit (the one serving its first
      // route): a unit that takes routes from several (a merge) would send the others' share to a
      // unit that does not serve them, and roll back a sound move on the errors.
      if (e.sources && e.sources.length > 1) {
        throw new StepsError(`phase ${phase.index}: ${e.unit} takes routes from ${e.sources.map((x) => x.unit).join(' and ')}; a rehearsal shifts an extraction's routes against one old unit (declare a layout between them in the blueprint's next: chain, where ${e.unit} takes one unit's domains)`);
      }
      const from = e.from!.unit;
      const ops = e.routes.map((r) => {
        const op = byRoute.get(r.replace(/\s+/, ' '));
        if (!op) throw new StepsError(`phase ${phase.index}: route "${r}" of ${e.unit} is not a route of blueprint ${bp.metadata.name}`);
        return op;
      });
      const dataMoves = e.data.map((d) => ({ table: d.table, from: d.from.store, to: d.to.store, engines: { from: d.from.engine, to: d.to.engine } }));
      out.push({ kind: 'start-unit', phase: phase.index, layout: phase.layout, unit: e.unit, domains: e.domains, from, ops, dataMoves });
      // This extraction's own triggers: its unit's error rate, its domains' budgets.
      const own = triggers.filter((t) => (t.kind === 'error-rate' ? t.unit === e.unit : t.kind === 'p95' ? e.domains.includes(t.op.split('.')[0]!) : true));
      for (const s of phase.canary.steps) {
        const mine = s.weights.find((w) => w.route === e.unit && w.to === e.unit);
        const percent = mine?.weight ?? s.percent;
        if (!(percent >= 0 && percent <= 100)) throw new StepsError(`phase ${phase.index}: canary weight ${percent} of ${e.unit} is not a percentage`);
        out.push({
          kind: 'weights',
          phase: phase.index,
          layout: phase.layout,
          unit: e.unit,
          from,
          percent,
          ops,
          weights: [
            { unit: e.unit, weight: percent },
            { unit: from, weight: 100 - percent },
          ],
          watchMs: o.stepMs,
          triggers: own,
        });
      }
      out.push({ kind: 'retire', phase: phase.index, layout: phase.layout, unit: from, movedTo: e.unit, ops, drainMs: o.drainMs ?? Math.min(o.stepMs, 2000) });
    }
    out.push(...carried);
  }
  return out;
}

/** One line per action, for `--dry-run` and progress. */
export function describeAction(a: Action): string {
  switch (a.kind) {
    case 'start-unit':
      return `phase ${a.phase} (${a.layout}): start ${a.unit} (${a.domains.join(', ')}), taking ${a.ops.length} route${a.ops.length === 1 ? '' : 's'} from ${a.from}${a.dataMoves.length ? `; ${dataMoveText(a.dataMoves)}` : ''}`;
    case 'weights':
      return `phase ${a.phase}: ${a.percent}% of ${a.unit}'s routes to ${a.unit}, ${100 - a.percent}% to ${a.from}; watch ${a.watchMs / 1000} s: ${a.triggers.map((t) => t.description).join('; ') || 'no trigger'}`;
    case 'retire':
      return `phase ${a.phase}: retire ${a.unit}'s route${a.ops.length === 1 ? '' : 's'} (${a.ops.join(', ')}), now ${a.movedTo}'s; drain ${a.drainMs / 1000} s`;
    case 'note':
      return `phase ${a.phase} (${a.layout}): ${a.text}`;
  }
}

/**
 * What the plan moves and which of its steps the rehearsal runs, in one line: a move between two
 * PostgreSQL databases runs all five (dual write by logical replication from the old copy, the
 * backfill at its snapshot, the verify with the domain's writes held, the cut-over of every unit
 * serving the domain, the drop after the retire); a move to or from a store that is not
 * PostgreSQL (files, object storage) runs none.
 */
export function dataMoveText(moves: readonly PlannedDataMove[]): string {
  const byRoute = (ms: readonly PlannedDataMove[]) => {
    const by = new Map<string, string[]>();
    for (const m of ms) by.set(`${m.from} → ${m.to}`, [...(by.get(`${m.from} → ${m.to}`) ?? []), m.table]);
    return [...by].map(([route, tables]) => `${tables.join(', ')} (${route})`).join('; ');
  };
  const ok = moves.filter(copyable);
  const not = moves.filter((m) => !copyable(m));
  const notCopied = not.length ? `; no step of ${not.map((m) => `${m.table} (${m.from} is ${m.engines!.from}, ${m.to} ${m.engines!.to}: not databases the rehearsal copies rows between)`).join(', ')}` : '';
  if (!ok.length) return `DATA MOVE NOT REHEARSED: the plan moves ${byRoute(moves)}; rehearsed: none of its steps${notCopied}; the unit keeps using ${moves.length === 1 ? 'the table where it is' : 'the tables where they are'}`;
  const steps = 'dual write (logical replication from the old copy), backfill (at the stream\'s snapshot), verify (counts and checksums, writes held), cut-over (every unit serving the domain switched to the new copy at the retire), drop of the old copy (after the drain)';
  return `${not.length ? 'DATA MOVE PARTLY REHEARSED' : 'DATA MOVE REHEARSED'}: the plan moves ${byRoute(moves)}; rehearsed${not.length ? ` for ${ok.map((m) => m.table).join(', ')}` : ''}: ${steps}${notCopied}`;
}

/** One route's (or one operation's) figures in a window. */
export interface RouteFigures {
  requests: number;
  errors: number;
  /** ms; null: no latency after the window's settling time */
  p95: number | null;
  /** latencies the p95 is over (those after the settling time; may be fewer than requests) */
  samples?: number;
}

/** Per-window figures of the routes a step watches. */
export interface WindowStats {
  /**
   * op → requests, errors (5xx, timeouts, connection failures) and p95 in ms over the window, and
   * the same per unit that answered (`byUnit`, from the gateway's upstream header) when known.
   */
  ops: Record<string, RouteFigures & { byUnit?: Record<string, RouteFigures> }>;
}

/** The two routes of a canary step: the new unit and the one it takes the routes from. */
export interface CanaryRoutes {
  unit: string;
  from: string;
}

/**
 * Below this many latencies a window's p95 is its slowest request or next to it: one GC pause or
 * a neighbour's burst on a shared machine, not the new unit. Such a p95 is reported, not judged.
 */
export const MIN_P95_SAMPLES = 20;

/**
 * Whether a route with `samples` latencies gathered over `countedMs` will, at that pace, have
 * MIN_P95_SAMPLES of them within `remainingMs` more: the watch of a step is extended for its new
 * route's latencies only while this holds. Pure.
 */
export function canReachMinimum(samples: number, countedMs: number, remainingMs: number): boolean {
  if (samples >= MIN_P95_SAMPLES) return true;
  if (!(remainingMs > 0)) return false;
  if (!(countedMs > 0)) return true; // no pace yet to project from
  return samples + (samples / countedMs) * remainingMs >= MIN_P95_SAMPLES;
}

/**
 * The new route is blamed for a p95 budget the old route broke too in the same seconds only when
 * it is this much slower than the old route: both over budget at once is the host (the shared
 * database, the CPU), and a p95 of 20 to 100 latencies moves by a few tens of percent by itself.
 */
export const CONCURRENT_SLOWER = 1.5;

export type Breach = { trigger: Trigger; value: number };

const enough = (f: RouteFigures | undefined): f is RouteFigures & { p95: number } => !!f && f.p95 !== null && (f.samples ?? f.requests) >= MIN_P95_SAMPLES;

/**
 * The triggers a window breaks. error-rate: errors / requests over the step's routes (the routes
 * the unit takes over, whichever unit served them: a canary that breaks them shows there);
 * p95: see judgeP95. A window with no request breaks nothing.
 */
export function breaches(triggers: readonly Trigger[], ops: readonly string[], w: WindowStats, baseline?: WindowStats, routes?: CanaryRoutes, oldCanReach?: (samples: number) => boolean): Breach[] {
  const out: Breach[] = [];
  for (const t of triggers) {
    if (t.kind === 'error-rate') {
      let n = 0;
      let e = 0;
      for (const op of ops) {
        n += w.ops[op]?.requests ?? 0;
        e += w.ops[op]?.errors ?? 0;
      }
      if (n > 0 && e / n > t.above) out.push({ trigger: t, value: e / n });
    } else if (t.kind === 'p95') {
      const v = judgeP95(t, w, baseline, routes, oldCanReach);
      if (v.verdict === 'breach') out.push({ trigger: t, value: v.p95 });
    }
  }
  return out;
}

export type P95Verdict =
  | { verdict: 'breach'; p95: number }
  | { verdict: 'held'; p95: number | null }
  /**
   * the new route has fewer than MIN_P95_SAMPLES latencies in the window yet; or (route 'old',
   * mid-step only) the new route is over budget and the old one, which may be over it too in the
   * same seconds, has fewer than that yet, with time to reach them
   */
  | { verdict: 'too-few'; samples: number; route?: 'old' }
  /** over budget, but the old route was too (now, or just before the extraction): the host, not the step */
  | { verdict: 'excused'; p95: number; oldP95: number; when: 'same-window' | 'before' };

/**
 * A p95 budget, like with like. With the answering unit known (`routes` and the window's byUnit):
 * the new route's p95 in the window, judged from MIN_P95_SAMPLES of its own latencies (at 10% a
 * mixed p95 is the canary's upper half by construction, and a handful of its requests). Over the
 * budget, it is excused when the old route, in the same seconds, was over the budget too and the
 * new one is not CONCURRENT_SLOWER times slower than it; at 100% (no old route left in the
 * window) when the old route was over it just before (`baseline`). Without byUnit: the
 * operation's p95 over both routes, excused by the baseline alone (the figures before the change).
 */
export function judgeP95(t: Extract<Trigger, { kind: 'p95' }>, w: WindowStats, baseline?: WindowStats, routes?: CanaryRoutes, oldCanReach?: (samples: number) => boolean): P95Verdict {
  const op = w.ops[t.op];
  const split = routes && op?.byUnit;
  const mine = split ? op.byUnit![routes.unit] : op;
  if (!enough(mine)) return { verdict: 'too-few', samples: mine ? (mine.samples ?? mine.requests) : 0 };
  if (mine.p95 <= t.aboveMs) return { verdict: 'held', p95: mine.p95 };
  const old = split ? op.byUnit![routes.from] : undefined;
  if (enough(old)) {
    if (old.p95 > t.aboveMs && mine.p95 <= CONCURRENT_SLOWER * old.p95) return { verdict: 'excused', p95: mine.p95, oldP95: old.p95, when: 'same-window' };
    return { verdict: 'breach', p95: mine.p95 };
  }
  // Mid-step, the old route still answering in these seconds but short of its minimum: wait for
  // it rather than fall back to the baseline. Judged a second into a 50% step, the new route had
  // its 20 latencies and the old one 15, both over budget on a host that could not carry the rate
  // (259.6 and 203.9 ms against 200): the baseline from before the burst blamed the new unit and
  // rolled back a sound extraction. The caller says whether the old route can still reach the
  // minimum; at the step's end it gives nothing and the baseline decides, as before.
  const oldSamples = old ? (old.samples ?? old.requests) : 0;
  if (oldSamples > 0 && oldCanReach?.(oldSamples)) return { verdict: 'too-few', samples: oldSamples, route: 'old' };
  const before = alreadyBroken([t], baseline)[0];
  if (before) return { verdict: 'excused', p95: mine.p95, oldP95: before.baselineP95, when: 'before' };
  return { verdict: 'breach', p95: mine.p95 };
}

/** A warm-up that already failed more of its requests than the strictest error-rate trigger allows. */
export interface WarmupBreach {
  errorRate: number;
  above: number;
  requests: number;
  failures: Record<string, number>;
}

/**
 * The warm-up's errors (before any change) against the plan's strictest error-rate trigger: past
 * it, every step would breach whatever the new unit does (runner.ts stops there).
 */
export function warmupBreach(actions: readonly Action[], warm: { requests: number; errors: number }, failures: Record<string, number>): WarmupBreach | undefined {
  const limits = actions.flatMap((a) => ('triggers' in a ? a.triggers : []).flatMap((t) => (t.kind === 'error-rate' ? [t.above] : [])));
  if (!limits.length || warm.requests === 0) return undefined;
  const above = Math.min(...limits);
  const errorRate = warm.errors / warm.requests;
  return errorRate > above ? { errorRate, above, requests: warm.requests, failures: { ...failures } } : undefined;
}

/**
 * The p95 budgets the old unit already broke before the step changed anything (the baseline: the
 * old route's most recent figures before this step). A step cannot be blamed for those: on a
 * saturated machine every route is over budget, the old ones too, and rolling back would say
 * nothing about the new unit. Reported, not judged.
 */
export function alreadyBroken(triggers: readonly Trigger[], baseline?: WindowStats): { trigger: Extract<Trigger, { kind: 'p95' }>; baselineP95: number }[] {
  if (!baseline) return [];
  const out: { trigger: Extract<Trigger, { kind: 'p95' }>; baselineP95: number }[] = [];
  for (const t of triggers) {
    if (t.kind !== 'p95') continue;
    const b = baseline.ops[t.op];
    if (enough(b) && b.p95 > t.aboveMs) out.push({ trigger: t, baselineP95: b.p95 });
  }
  return out;
}
