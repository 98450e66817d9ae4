// The live rehearsal: the I/O edge that executes the step planner's actions (steps.ts) on the
// reference services. It starts the plan's `from` layout (with a gateway in front, the event
// queue between processes, and every unit of the plan accepted as a peer), keeps an open-model
// load running through the gateway (the embedded driver, in this process, each request's result
// and the unit that answered it reported back, so every canary step is its own window and the
// new route's latencies are told from the old route's), and for each action: starts the
// extracted unit (its pools opened before it is ready; the next one boots during the previous
// extraction's drain, never during a judged step) with the run's databases, starts the dual
// write of each table the extraction moves (logical replication from the old copy to the new,
// backfilled at the stream's snapshot: moves.ts), shifts the gateway's weights (one atomic
// change on its admin endpoint), watches the step's triggers every second and rolls back (all
// weight back to the old unit) on a breach, and retires the old route once the new unit has it
// all; then the moves cut over (verify with the domain's writes held, every unit serving it
// switched to the new copy; a failed verify rolls the extraction back) and, after the drain,
// the old copies are dropped. Every unit, the ones it adds included,
// is supervised: a crash is restarted and reported in the step it happened in. At the end it reads back what the
// services committed: every acknowledged request of an event-emitting operation must have its
// event in an outbox, and every event must be delivered (outbox published, queue rows done).
import { join, resolve } from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { shortClient } from '../../reference-services/runtime/postgres.js';
import { stringify } from 'yaml';
import { loadBlueprint } from '../io/load.js';
import { resolveLayout } from '../model/resolve.js';
import type { Blueprint } from '../model/schema.js';
import type { Plan } from '../plan/schema.js';
import { runDriver } from '../loadtest/driver/index.js';
import { newHistogram, recordMs } from '../loadtest/driver/histogram.js';
import { checkServed, missingDomains, planScenario, UnsupportedSystemError } from '../loadtest/layout-run.js';
import { countedOps, createScenario, topUpPools } from '../loadtest/scenarios/profile.js';
import { POOL_AHEAD_S, POOL_LOW_S, POOL_TOP_UP_IN_FLIGHT, poolsLow, poolWant } from './pool-reserve.js';
import { gatewayControl, UPSTREAM_HEADER } from '../../reference-services/launcher/gateway-control.js';
import { startLayout, type RunningLayout, type UnitEvent, type UnitInfo } from '../../reference-services/launcher/layout.js';
import { cutOver, dropOld, startMoves, type ActiveMove, type DataMoveReport, type MoveContext } from './moves.js';
import { stopDualWrite } from './data-move.js';
import { BACKLOG_WAIT_MS, behindSchedule, measuredCapacity, MIN_RATE, nextRateStep, overBudget, phaseRates, predictedOnHost, type PhaseRate } from './rates.js';
import { descendants, readProc } from '../loadtest/proc.js';
import { breaches, canReachMinimum, judgeP95, MIN_P95_SAMPLES, describeAction, moveStepStatus, parseTrigger, type Action, type Breach, type CanaryRoutes, type P95Verdict, type RouteFigures, type Trigger, type WarmupBreach, type WindowStats, warmupBreach } from './steps.js';
import { plural } from '../words.js';
import { frontGateway } from './front-gateway.js';

export type { DataMoveReport };

export interface RehearseOptions {
  /** requests per second, or a fraction of the `from` layout's capacity measured first */
  rate: { rps: number } | { fraction: number };
  /** seconds of load before the first action (pools and JIT settle) */
  warmupS?: number;
  /** ms after each weight change whose latencies the step's percentiles leave out (default 1000); errors always count */
  settleMs?: number;
  portOffset?: number;
  /** cores of the host everything shares (default: this machine's), for each phase's predicted capacity */
  cores?: number;
  /** Tests only: the unit started with fault "answer-500" (every public route answers 500). */
  breakUnit?: string;
  /** Tests only: the unit started with fault "refuse-switch" (it refuses a table move's cut-over: the others must be switched back). */
  refuseSwitch?: string;
  /** Tests only: this extracted unit is killed (SIGKILL) once, a second into its first canary step. */
  crashUnit?: string;
  /** Tests only: a row of this moved table is deleted from its new copy alone just before the cut-over's verify (it must block the cut-over). */
  tamperCopy?: string;
  /** Tests only: the load's duration in seconds instead of the generous one from the steps (a load that ends before the steps do must stop the rehearsal and fail it). */
  loadSeconds?: number;
  /** Tests only: how far ahead of the load the single-use pools are kept, in seconds (POOL_AHEAD_S; a top-up starts below two thirds of it), counted from what the load needs rather than what the capacity run's seeding left, so a short run tops them up in the background. */
  poolAheadS?: number;
  onLine?: (line: string) => void;
}

export interface StepReport {
  action: string;
  phase: number;
  kind: Action['kind'];
  unit?: string;
  percent?: number;
  seconds: number;
  requests: number;
  errors: number;
  /** p50/p95 in ms of the step's routes in its window */
  p50: number | null;
  p95: number | null;
  /** whole-mix figures in the window */
  all: { requests: number; errors: number; p95: number | null };
  /** the window's failed requests by "operation status" (any route, not only the step's) */
  failures: Record<string, number>;
  /** each broken trigger; a p95 one with the old unit's p95 of the operation in the same seconds (like with like) */
  breaches: { description: string; value: number; oldP95?: number | null }[];
  /**
   * p95 budgets the step was not judged on, each with why: the old route broke it too (in the same
   * seconds, or just before the change), or the new route answered too few requests to have a p95
   */
  notJudged?: { description: string; why: string; cause: 'old-route-over' | 'too-few' }[];
  /** the step's routes by the unit that answered them (the gateway's upstream header): like with like */
  byUnit?: Record<string, { requests: number; errors: number; p50: number | null; p95: number | null }>;
  /** ms the step was watched past its duration, waiting for the new route's MIN_P95_SAMPLES latencies */
  extendedMs?: number;
  /** the load's rate during the step (requests per second) */
  rateRps?: number;
  /**
   * Both routes were over budget (the host's doing, nothing judged): the rate was lowered to
   * this and the same step watched again, reported as the next step.
   */
  rewatchedAtRps?: number;
  rolledBack?: { afterMs: number; errorsCaused: number };
  /** supervision during the step: a unit crashed, was restarted, or was given up on */
  supervision?: SupervisionRecord[];
}

export interface SupervisionRecord {
  /** seconds since the rehearsal started */
  atS: number;
  kind: UnitEvent['kind'];
  unit: string;
  /** one line: exit code or signal, pid, restarts */
  detail: string;
}

export interface RehearsalReport {
  blueprint: string;
  from: string;
  rateRps: number;
  capacityRps?: number;
  /**
   * Each rehearsed phase's rate and why: with a share (--rate 50%), that share of the phase's own
   * capacity expected on this host, lowered further when the layout in place was over its p95
   * budgets before the phase's first canary step; with a fixed rate, the rate and a warning where
   * a phase's predicted capacity on this host is below it.
   */
  phaseRates: PhaseRate[];
  steps: StepReport[];
  rolledBack: boolean;
  totals: { requests: number; errors: number; errorKinds: Record<string, number>; failures: Record<string, number> };
  messages: { event: string; acknowledged: number; recorded: number; delivered: number; lost: number; undelivered: number }[];
  /**
   * The plan's data moves in the rehearsed phases, each with its five steps (`steps`: ran, when,
   * rows, outcome, or why not) and the backfill's figures (`backfill`).
   */
  dataMoves: DataMoveReport[];
  /** every supervision event of the run, in order (also in the step each happened in) */
  supervision: SupervisionRecord[];
  /** units supervision gave up on (crashed more than it restarts): the rehearsal failed */
  failedUnits: string[];
  notes: string[];
  seconds: number;
  /**
   * The load reached its duration (or failed) before the steps were done: the steps from `phase`
   * on ran without it and judged nothing (the rehearsal failed). Seconds since the start.
   */
  loadEnded?: { atS: number; phase: number | null };
  /**
   * The warm-up, before any change, already failed more of its requests than the plan's
   * strictest error-rate trigger allows: no step could be judged, none ran (the rehearsal failed).
   */
  baselineFailed?: WarmupBreach;
}

/** The blueprint file the units load: the plan's overlay when the blueprint lacks the phase layouts. */
function overlayFor(bp: Blueprint, file: string, plan: Plan): { file: string; bp: Blueprint; cleanup(): void } {
  const missing = plan.phases.filter((p) => p.index > 0 && !Object.hasOwn(bp.layouts, p.layout));
  if (!missing.length) return { file, bp, cleanup: () => undefined };
  // Beside the blueprint is not ours to write; a private temp folder is, with extends: allowed
  // to reach back (the child processes get the same permission through the environment).
  const dir = mkdtempSync(join(tmpdir(), 'archsim-rehearse-'));
  const f = join(dir, `${bp.metadata.name}.plan.yaml`);
  const layouts = Object.fromEntries(missing.map((p) => [p.layout, p.layoutInput]));
  writeFileSync(f, stringify({ extends: resolve(file), layouts }, { lineWidth: 0, aliasDuplicateObjects: false }), { mode: 0o600, flag: 'wx' });
  process.env.ARCHSIM_EXTENDS_ANYWHERE = '1';
  const loaded = loadBlueprint(f).blueprint;
  return { file: f, bp: loaded, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One window's figures, per operation and for the whole mix. */
type Figures = { requests: number; errors: number; h: ReturnType<typeof newHistogram> };
const figures = (): Figures => ({ requests: 0, errors: 0, h: newHistogram() });

export class Window {
  ops = new Map<string, Figures>();
  /** op → answering unit → figures (requests the gateway answered itself, or that failed unanswered, have no unit) */
  units = new Map<string, Map<string, Figures>>();
  all = { requests: 0, errors: 0, h: newHistogram() };
  /** "op status" (or "op kind" when nothing answered) → failed requests: what broke, where */
  failures: Record<string, number> = {};
  readonly started = performance.now();
  /**
   * Latencies of the first settleMs are left out of the percentiles (requests and errors are not):
   * right after a weight change the fresh unit compiles its hot paths and fills its pools, and
   * in a window of seconds those first requests would be the p95 by themselves.
   * fromIntended: leave out the latencies of requests *scheduled* in the first settleMs, not
   * those that ended there: after the rate was lowered, requests queued at the higher rate end
   * late, and their latencies are the old rate's backlog, not the new rate's.
   */
  constructor(readonly settleMs = 0, readonly fromIntended = false) {}
  /** fromIntended: latencies of requests scheduled from this moment on are left out too (a window closed on its schedule, waited on for its own answers). */
  scheduleEnd = Infinity;
  add(op: string, ms: number | null, error: string | null, status: number | null = null, unit: string | null = null) {
    const now = performance.now();
    if (this.fromIntended ? ms !== null && (now - ms < this.started + this.settleMs || now - ms >= this.scheduleEnd) : now - this.started < this.settleMs) ms = null;
    if (error) {
      const k = failureKey(op, error, status);
      this.failures[k] = (this.failures[k] ?? 0) + 1;
    }
    let s = this.ops.get(op);
    if (!s) this.ops.set(op, (s = figures()));
    const targets = [s, this.all];
    if (unit !== null) {
      let byUnit = this.units.get(op);
      if (!byUnit) this.units.set(op, (byUnit = new Map()));
      let u = byUnit.get(unit);
      if (!u) byUnit.set(unit, (u = figures()));
      targets.push(u);
    }
    for (const x of targets) {
      x.requests++;
      if (error) x.errors++;
      if (ms !== null) recordMs(x.h, ms);
    }
  }
  /** How many latencies the window holds (over every operation). */
  latencies(): number {
    return this.all.h.totalCount;
  }
  /**
   * Several windows' figures as one (the percentiles over all their latencies), for evidence
   * gathered across windows at one rate with one layout in place.
   */
  static merged(ws: readonly Window[]): Window {
    const out = new Window();
    const into = (t: Figures, f: Figures) => {
      t.requests += f.requests;
      t.errors += f.errors;
      t.h.add(f.h);
    };
    for (const w of new Set(ws)) {
      for (const [op, f] of w.ops) {
        if (!out.ops.has(op)) out.ops.set(op, figures());
        into(out.ops.get(op)!, f);
      }
      for (const [op, byUnit] of w.units) {
        if (!out.units.has(op)) out.units.set(op, new Map());
        const m = out.units.get(op)!;
        for (const [u, f] of byUnit) {
          if (!m.has(u)) m.set(u, figures());
          into(m.get(u)!, f);
        }
      }
      into(out.all, w.all);
      for (const [k, n] of Object.entries(w.failures)) out.failures[k] = (out.failures[k] ?? 0) + n;
    }
    return out;
  }
  stats(): WindowStats {
    const fig = (s: Figures): RouteFigures => ({ requests: s.requests, errors: s.errors, p95: s.h.totalCount ? s.h.getValueAtPercentile(95) / 1000 : null, samples: s.h.totalCount });
    const ops: WindowStats['ops'] = {};
    for (const [op, s] of this.ops) {
      const byUnit = this.units.get(op);
      ops[op] = { ...fig(s), ...(byUnit ? { byUnit: Object.fromEntries([...byUnit].map(([u, f]) => [u, fig(f)])) } : {}) };
    }
    return { ops };
  }
  /** The step's routes per answering unit: requests, errors, p50 and p95 (ms). */
  byUnit(ops: readonly string[]): NonNullable<StepReport['byUnit']> {
    const merged = new Map<string, Figures>();
    for (const op of ops)
      for (const [u, f] of this.units.get(op) ?? []) {
        const m = merged.get(u) ?? figures();
        m.requests += f.requests;
        m.errors += f.errors;
        m.h.add(f.h);
        merged.set(u, m);
      }
    const pct = (h: Figures['h'], p: number) => (h.totalCount ? Math.round((h.getValueAtPercentile(p) / 1000) * 100) / 100 : null);
    return Object.fromEntries([...merged].map(([u, f]) => [u, { requests: f.requests, errors: f.errors, p50: pct(f.h, 50), p95: pct(f.h, 95) }]));
  }
  of(ops: readonly string[]) {
    const h = newHistogram();
    let requests = 0;
    let errors = 0;
    for (const op of ops) {
      const s = this.ops.get(op);
      if (!s) continue;
      requests += s.requests;
      errors += s.errors;
      h.add(s.h);
    }
    const pct = (p: number) => (h.totalCount ? Math.round((h.getValueAtPercentile(p) / 1000) * 100) / 100 : null);
    return { requests, errors, p50: pct(50), p95: pct(95) };
  }
}

/** "groups.post-message 404", "relay.ack reset": the operation and what it got back. */
export const failureKey = (op: string, error: string, status: number | null) => `${op} ${status ?? error}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Only the reference services can be rehearsed: a blueprint with a domain they do not implement
 * has nothing to start. Refused before anything starts, one line and exit 2 (as loadtest does):
 * the run used to start PostgreSQL and the layout's first unit, which exited on the unknown domain,
 * and the rehearsal ended as an internal error.
 */
export async function checkRehearsable(bp: Blueprint): Promise<void> {
  const { domainModules, moduleSurfaces } = await import('../../reference-services/launcher/under-test.js');
  const missing = missingDomains(bp, domainModules);
  if (missing.length) {
    throw new UnsupportedSystemError(
      `rehearse runs a plan on the bundled reference services, which implement the domains ${Object.keys(domainModules).join(', ')}; "${bp.metadata.name}" also has ${missing.join(', ')}, so there is nothing to start (--dry-run prints the plan's steps without starting anything)`,
    );
  }
  checkServed(bp, await moduleSurfaces(domainModules), "--dry-run prints the plan's steps without starting anything");
}

export async function rehearse(blueprintFile: string, plan: Plan, actions: Action[], o: RehearseOptions): Promise<RehearsalReport> {
  const t0 = performance.now();
  const line = o.onLine ?? (() => undefined);
  const { blueprint: given } = loadBlueprint(blueprintFile);
  await checkRehearsable(given);
  const ov = overlayFor(given, blueprintFile, plan);
  const bp = ov.bp;
  const notes: string[] = [];
  const dataMoves: DataMoveReport[] = [];
  for (const a of actions) {
    if (a.kind !== 'start-unit' || !a.dataMoves.length) continue;
    for (const m of a.dataMoves) dataMoves.push({ phase: a.phase, unit: a.unit, ...m, backfill: null, notPerformed: 'the rehearsal ended before this extraction' });
  }
  if (!dataMoves.length) notes.push('no rehearsed step moves data to another datastore (the plan keeps these tables where they are)');
  else notes.push('data moves: a move between two PostgreSQL databases runs the plan’s five steps: before the extraction’s first canary step, the dual write (logical replication of the domain’s schema from the old copy to the new) and the backfill at the stream’s snapshot; at its retire, the verify (counts and checksums, with the domain’s writes held on every unit serving it) and the cut-over (each of those units switched to the new copy; a verify that fails switches nothing and rolls the extraction back); after the drain, the drop of the old copy. A move to or from another kind of store is not rehearsed (dataMoves[].steps says what each step did, when, or why not)');
  // Supervision: a crashed unit (the from layout's or one the rehearsal adds) is restarted with
  // backoff; each event is recorded with its time and shows in the step it happened in.
  const supervision: SupervisionRecord[] = [];
  const onEvent = (e: UnitEvent) => {
    const detail =
      e.kind === 'crashed' ? `exited (${e.signal ?? `code ${e.code}`}, pid ${e.pid}); restart in ${e.restartInMs} ms (failure ${e.failures})`
      : e.kind === 'restarted' ? `restarted (pid ${e.pid}, restart ${e.restarts})`
      : e.kind === 'restart-failed' ? `restart failed: ${e.error}`
      : `given up after ${e.failures} failed restarts (log ${e.log})`;
    const rec = { atS: Math.round((performance.now() - t0) / 100) / 10, kind: e.kind, unit: e.unit, detail };
    supervision.push(rec);
    line(`  ${e.unit}: ${detail}`);
  };
  // Every unit of every phase may call the others' internal operations with its own token.
  const peers: Record<string, string[]> = {};
  for (const p of plan.phases) for (const u of resolveLayout(bp, p.layout).units) peers[u.name] ??= u.domains;
  const offset = o.portOffset ?? 0;
  const front = frontGateway(bp, plan, offset);
  const gatewayPort = front?.port;
  if (front) notes.push(front.note);
  line(`starting ${plan.from} (PostgreSQL durable, a gateway, the event queue between processes)…`);
  let L: RunningLayout | undefined;
  try {
    L = await startLayout(ov.file, plan.from, {
      db: 'embedded',
      portOffset: offset,
      logLevel: 'warn',
      peers,
      crossUnitEvents: true,
      // A table move's dual write is PostgreSQL's logical replication (data-move.ts).
      logicalReplication: true,
      supervise: { onEvent },
      ...(gatewayPort !== undefined ? { gatewayPort } : {}),
      env: { ...process.env, ARCHSIM_EXTENDS_ANYWHERE: process.env.ARCHSIM_EXTENDS_ANYWHERE ?? '' },
    });
    // The load profile sits beside the blueprint the user named (NAME.load.yaml), not the overlay.
    const r = await drive(L, bp, blueprintFile, plan, actions, o, notes, line, t0, supervision, dataMoves);
    const failedUnits = [...new Set(supervision.filter((x) => x.kind === 'gave-up').map((x) => x.unit))];
    for (const m of dataMoves) m.steps = moveStepStatus(m);
    return { ...r, dataMoves, supervision, failedUnits };
  } finally {
    await L?.stop();
    ov.cleanup();
  }
}

type Driven = Omit<RehearsalReport, 'dataMoves' | 'supervision' | 'failedUnits'>;

async function drive(L: RunningLayout, bp: Blueprint, file: string, plan: Plan, actions: Action[], o: RehearseOptions, notes: string[], line: (s: string) => void, t0: number, supervision: readonly SupervisionRecord[], dataMoves: DataMoveReport[]): Promise<Driven> {
  const control = gatewayControl(L.gateway!.internalUrl, L.serviceSecret);
  // Who serves each route now (op → unit and port), and each running unit's internal origin.
  const server = new Map<string, { unit: string; port: number }>();
  for (const r of L.routes) server.set(r.op, { unit: r.unit, port: r.port });
  const internal = new Map(L.units.map((u) => [u.name, u.internalUrl]));
  const hosting = new Map<string, string>(); // domain → running unit
  for (const u of L.units) for (const d of u.domains) hosting.set(d, u.name);
  const started = new Map<string, UnitInfo>();
  let crashed = false;

  // The load: the blueprint's workload mix through its load profile, seeded before the clock.
  const stepMs = actions.filter((a) => a.kind === 'weights').reduce((s, a) => s + (a.kind === 'weights' ? a.watchMs : 0), 0);
  const drainMs = actions.reduce((s, a) => s + (a.kind === 'retire' ? a.drainMs : 0), 0);
  const warmupS = o.warmupS ?? 5;
  const settleMs = o.settleMs ?? 1000;
  notes.push(`each canary step's percentiles leave out its first ${settleMs / 1000} s (the new route warming up); a p95 budget is judged on the new unit's own latencies, from ${MIN_P95_SAMPLES} of them on (a step is watched up to ${EXTEND_WATCH}× longer to get them), beside the old unit's in the same seconds; errors count from the first request`);
  // Generous: unit starts take seconds each; the load stops as soon as the actions are done.
  const durationS = o.loadSeconds ?? warmupS + (stepMs + drainMs) / 1000 + actions.filter((a) => a.kind === 'start-unit').length * 20 + 10;
  const aheadS = o.poolAheadS ?? POOL_AHEAD_S;
  const lowS = o.poolAheadS !== undefined ? (o.poolAheadS * 2) / 3 : POOL_LOW_S;
  const mix = bp.workload?.mix ?? {};
  if (!Object.keys(mix).length) throw new Error(`blueprint ${bp.metadata.name} has no workload mix to drive`);
  // Seeded once, before the clock: the capacity measurement and the rehearsal's load share the
  // data, and the load goes on from the request numbers the measurement reached (counters), so a
  // single-use item (a refresh token, a relay message to acknowledge) is never sent twice: a
  // spent one is a 401/404 the migration did not cause. Sized for the larger of the two runs.
  const shape = (rate: number | null) =>
    // Capacity unknown yet: sized as for a closed run of the whole rehearsal (the profile's caps apply).
    rate === null ? ({ model: 'closed', rate: null, users: 8, duration: durationS, warmup: 6, thinkTime: 0, mix } as const) : ({ model: 'open', rate, users: null, duration: durationS, warmup: 0, thinkTime: 0, mix } as const);
  const fixed = 'rps' in o.rate ? o.rate.rps : null;
  const cores = o.cores ?? availableParallelism();
  const predictedFromRps = predictedOnHost(bp, plan.from, cores);
  // With a share as the rate, the rate is known only after the capacity run. Every refresh token
  // in the pools is a login (a password hash: tens of ms of CPU each), and sizing the pools for
  // any rate at all (the closed shape's bound) made the seeding 2,000 logins, most of them never
  // used. So the pools are seeded for the capacity run (its 6 s at CAPACITY_SEED_FACTOR × the
  // model's capacity of the from layout on this host, which measured below it in every run here),
  // and topped up once the rate is known, for the load's first POOL_AHEAD_S seconds; then kept
  // that far ahead while it runs (pool-reserve.ts).
  const capacityShape = { model: 'open', rate: CAPACITY_SEED_FACTOR * (predictedFromRps ?? 1000), users: null, duration: 5, warmup: 1, thinkTime: 0, mix } as const;
  const planned = planScenario(bp, file, fixed !== null ? shape(fixed) : capacityShape);
  if (planned.placeholder) notes.push('no load profile beside the blueprint: requests are placeholders built from the routes (expect 4xx: they carry no authentication)');
  const scenario = createScenario(planned);
  line('seeding through the public API…');
  const data = await scenario.setup!(L.gatewayUrl);
  let rps: number;
  let capacityRps: number | undefined;
  let counters: Record<string, number> | undefined;
  /** the counts the single-use pools are sized for (pool-reserve.ts) */
  let sizedFor: Record<string, number> = planned.expected;
  if (fixed !== null) rps = fixed;
  else {
    line('measuring capacity (closed model, 8 connections, 5 s)…');
    const r = await runDriver({ ...scenario, setup: async () => data }, { baseUrl: L.gatewayUrl, model: 'closed', connections: 8, duration: 5, warmup: 1, data });
    capacityRps = r.totals.throughput;
    counters = r.counters;
    rps = Math.max(1, Math.round(capacityRps * (o.rate as { fraction: number }).fraction * 10) / 10);
    line(`capacity ${capacityRps}/s: rehearsing at ${rps}/s`);
    const want = poolWant(mix, counters, rps, warmupS + aheadS, planned.expected);
    const added = await topUpPools(planned.profile, data, planned.expected, want, L.gatewayUrl);
    // Tests only (poolAheadS): counted from what the load needs, not from what the capacity run's
    // seeding left over, so a run of seconds tops its pools up in the background as a long one does.
    sizedFor = o.poolAheadS !== undefined ? poolWant(mix, counters, rps, warmupS + aheadS) : want;
    if (added.length) line(`  pools topped up for the load's first ${warmupS + aheadS} s at ${rps}/s (then kept ${aheadS} s ahead of it): ${added.map((x) => `${x.step} +${x.added}`).join(', ')}`);
  }
  // Each phase's rate: the requested share of its own capacity expected on this host (the
  // shared-host model scaled by the from layout's measured/predicted), checked live before its
  // first canary step (see rates.ts). The load follows rateNow.
  const rehearsed = [...new Map(actions.filter((a) => a.kind === 'start-unit').map((a) => [a.phase, a.layout])).entries()];
  const rates = phaseRates({
    rate: o.rate,
    startRps: rps,
    ...(capacityRps !== undefined ? { measuredFromRps: capacityRps } : {}),
    predictedFromRps,
    cores,
    phases: rehearsed.map(([phase, layout]) => ({ phase, layout, predictedRps: predictedOnHost(bp, layout, cores) })),
  });
  for (const r of rates) if (r.warning) line(`WARNING: ${r.warning}`);
  notes.push(`hosts: the plan's per-phase figures assume a machine per unit (each unit on its own catalog instance, the simulator's default); this rehearsal ran every unit of each phase on this one host of ${plural(cores, 'core')}, so its latencies and capacities are this host's, not the plan's: each phase's rate is in phaseRates (the text output's "rate by phase")`);
  const rateOf = new Map(rates.map((r) => [r.phase, r]));
  // Every p95 budget of a phase (not only the extraction's own): before its first canary step,
  // any of them broken by the layout in place is the host not carrying the rate.
  const budgetsOf = (phase: number) => (plan.phases.find((p) => p.index === phase)?.canary?.rollback ?? []).map(parseTrigger);
  let rateNow = rps;
  const before = await eventCounts(L);
  const emitting = emittingOps(bp);
  const acked = new Map<string, number>();
  const kinds: Record<string, number> = {};
  const failures: Record<string, number> = {};
  let total = { requests: 0, errors: 0 };
  // The warm-up: its first second of schedule left out of its percentiles (cold pools and JIT),
  // as it is the first phase's evidence for the live rate check and a fallback baseline.
  let win = new Window(1000, true);
  /**
   * The load since the last retire (at first: the warm-up), every route still on its current
   * unit: the next extraction's baseline, frozen at its first weight change. A p95 budget the old
   * unit already broke there is not the step's doing (see alreadyBroken).
   */
  let recent: Window | null = win;
  const warmupWin = win;
  /** The last window with a whole layout in place (the warm-up, then each held 100% step) and its rate: the live rate check's evidence. */
  let lastFull: { w: Window; rps: number; phase?: number; cpuPerRequest?: number } = { w: warmupWin, rps };
  // The CPU of every process of the rehearsal (this one with its load, the units, the gateway,
  // PostgreSQL and its backends: all descendants), read from /proc around each 100% step: what
  // the layout in place really costs a request on this host (measuredCapacity in rates.ts).
  const treeCpu = (): Map<number, number> => {
    const m = new Map<number, number>();
    for (const pid of [process.pid, ...descendants(process.pid)]) {
      const st = readProc(pid);
      if (st) m.set(pid, st.cpuSeconds);
    }
    return m;
  };
  const cpuSince = (before: Map<number, number>) => [...treeCpu()].reduce((t, [pid, c]) => t + Math.max(0, c - (before.get(pid) ?? 0)), 0);
  const checked = new Set<number>();
  let baseline: WindowStats | undefined;
  let done = false;
  // The gateway names the answering unit only to the control identity (its tap header); the
  // token is read per request and renewed well before it expires, however long the run.
  let tap = await control.tapHeaders();
  const renewTap = setInterval(() => void control.tapHeaders().then((h) => (tap = h), () => undefined), 30_000);
  renewTap.unref();
  // Each operation's next request number (the driver numbers them from the capacity run's
  // counters on): how far into its pool the load has reached.
  const next: Record<string, number> = { ...(counters ?? {}) };
  const numbered = {
    ...scenario,
    setup: async () => data,
    operations: scenario.operations.map((op) => ({
      ...op,
      build: (ctx: Parameters<typeof op.build>[0]) => {
        if (ctx.opSeq + 1 > (next[op.id] ?? 0)) next[op.id] = ctx.opSeq + 1;
        return op.build(ctx);
      },
    })),
  };
  // The pools kept POOL_AHEAD_S seconds ahead of the load: a background top-up, a few requests
  // in flight, whenever one is fewer than POOL_LOW_S seconds ahead (one at a time). A failed one
  // (the unit serving the setup's route down mid-step) is said once and tried again a second later.
  const pooled = countedOps(planned.profile);
  const topUps = { runs: 0, added: new Map<string, number>(), failed: [] as string[] };
  let toppingUp: Promise<void> | null = null;
  const reserve = setInterval(() => {
    if (toppingUp || done || !poolsLow(pooled, mix, sizedFor, next, rateNow, lowS).length) return;
    const want = poolWant(mix, next, rateNow, aheadS, sizedFor);
    toppingUp = topUpPools(planned.profile, data, sizedFor, want, L.gatewayUrl, { inFlight: POOL_TOP_UP_IN_FLIGHT })
      .then(
        (added) => {
          sizedFor = want;
          topUps.runs++;
          for (const x of added) topUps.added.set(x.step, (topUps.added.get(x.step) ?? 0) + x.added);
        },
        (e: Error) => {
          if (!topUps.failed.length) line(`  pool top-up failed (tried again in a second): ${e.message}`);
          topUps.failed.push(e.message);
        },
      )
      .finally(() => (toppingUp = null));
  }, 1000);
  reserve.unref();
  const load = runDriver(
    numbered,
    {
      baseUrl: L.gatewayUrl,
      data,
      ...(counters ? { counters } : {}),
      model: 'open',
      rate: rps,
      rateNow: () => rateNow,
      duration: durationS,
      timeoutMs: 10_000,
      precise: false,
      until: () => done,
      tagHeader: UPSTREAM_HEADER,
      extraHeaders: () => tap,
      onResult: (op, ms, error, status, unit) => {
        win.add(op, ms, error, status, unit);
        if (recent && recent !== win) recent.add(op, ms, error, status, unit);
        total.requests++;
        if (error) {
          total.errors++;
          kinds[error] = (kinds[error] ?? 0) + 1;
          const k = failureKey(op, error, status);
          failures[k] = (failures[k] ?? 0) + 1;
        } else acked.set(op, (acked.get(op) ?? 0) + 1);
      },
    },
  );
  // The load has a duration (a cap: the steps end it): one that ends before the steps do
  // leaves them without load, judging nothing, which must not pass for a held step.
  let loadEnded: { atS: number; phase: number | null } | undefined;
  let phaseNow: number | null = null;
  load.then(
    () => {
      if (!done) loadEnded = { atS: Math.round((performance.now() - t0) / 100) / 10, phase: phaseNow };
    },
    () => undefined,
  );
  /** An extraction's unit, started with the internal origins known now (units started before it, else the domains' current hosts). */
  const startUnit = (a: Extract<Action, { kind: 'start-unit' }>) => {
    const origins: Record<string, string> = {};
    for (const u of resolveLayout(bp, a.layout).units) {
      const host = started.has(u.name) ? u.name : hosting.get(u.domains[0]!);
      if (host && internal.has(host)) origins[u.name] = internal.get(host)!;
    }
    const faults = [o.breakUnit === a.unit ? 'answer-500' : '', o.refuseSwitch === a.unit ? 'refuse-switch' : ''].filter(Boolean).join(',');
    return L.addUnit({ layout: a.layout, unit: a.unit, internalOrigins: origins, warmPools: true, ...(faults ? { faults } : {}) });
  };
  const starting = new Map<string, Promise<UnitInfo>>();
  /** extracted unit → when its old unit's weight on the extraction's routes went to 0 (the drain counts from then) */
  const zeroWeightAt = new Map<string, number>();
  // Table moves: each extraction's, started before its first canary step, cut over at its retire.
  const moving = new Map<string, ActiveMove[]>();
  /** the moves' new databases: a domain cut over records its events there (read back at the end) */
  const moveDbs = new Set<string>();
  const hostsOf = (domain: string) => {
    const by = new Map<string, UnitInfo>();
    for (const u of [...L.units, ...started.values()]) if (u.domains.includes(domain) && u.state !== 'stopped' && u.state !== 'failed') by.set(u.name, u);
    return [...by.values()].map((u) => ({ name: u.name, internalUrl: u.internalUrl }));
  };
  const mctx: MoveContext = { L, bp, plan, line, atS: () => Math.round((performance.now() - t0) / 100) / 10, hostsOf, ...(o.tamperCopy ? { tamperCopy: o.tamperCopy } : {}) };
  const steps: StepReport[] = [];
  // Each step's failures on the progress lines as they happen: which operation, which status.
  const push = (st: StepReport) => {
    steps.push(st);
    const f = Object.entries(st.failures);
    if (f.length) line(`  failed in this step: ${f.map(([k, n]) => `${k} ×${n}`).join(', ')}`);
  };
  /**
   * A phase's rate, before its first canary step: its planned rate when lower than the load's,
   * then the live check: the layout in place must hold every p95 budget of the phase at the rate.
   * Evidence: the last window with a whole layout in place (held at a rate at least this one: it
   * holds at this one; over budget at a higher rate: a fresh window at this one is measured);
   * over budget at this rate, the rate is lowered (a share only: a fixed rate is kept, with a
   * warning) and checked again on a fresh window, at most MAX_LOWERINGS times.
   */
  const fitRate = async (pr: PhaseRate, budgets: Trigger[]) => {
    const share = 'fraction' in o.rate;
    if (share && pr.rateRps < rateNow) {
      line(`  phase ${pr.phase}: rate ${rateNow}/s → ${pr.rateRps}/s: ${pr.why}`);
      rateNow = pr.rateRps;
    } else line(`  phase ${pr.phase}: rate ${rateNow}/s: ${pr.why}`);
    // The last whole layout's window and the load since the retire after it (the same rate, the
    // same routes in place): a budget of an operation with a few percent of the mix has its
    // MIN_P95_SAMPLES latencies across both where one window of seconds had too few to judge, and
    // a phase whose layout in place is over budget is lowered here, not in a canary step watched
    // again at each lower rate.
    // What the layout in place cost a request at its 100% step: this phase at the share of the
    // capacity that gives on this host, when that is below the model's (the model's was twice too
    // high for the late layouts, and a backfill under that load held a backlog of seconds).
    if (share && lastFull.cpuPerRequest !== undefined) {
      const prevPredicted = lastFull.phase === undefined ? predictedFromRps : (rateOf.get(lastFull.phase)?.predictedRps ?? null);
      const cap = measuredCapacity({ cpuSecondsPerRequest: lastFull.cpuPerRequest, cores, predictedRps: pr.predictedRps, predictedPrevRps: prevPredicted });
      if (cap !== null) pr.measured = { cpuMsPerRequest: Math.round(lastFull.cpuPerRequest * 1e5) / 100, atRps: lastFull.rps, capacityRps: Math.round(cap * 10) / 10 };
      const to = cap === null ? null : Math.max(MIN_RATE, Math.round((o.rate as { fraction: number }).fraction * cap * 10) / 10);
      if (to !== null && to < rateNow) {
        const why = `the layout in place took ${(lastFull.cpuPerRequest * 1000).toFixed(1)} ms of CPU a request (every process of the rehearsal) at its 100% step at ${lastFull.rps}/s: about ${Math.round(cap!)}/s on ${cores} cores for this phase's layout`;
        line(`  phase ${pr.phase}: rate ${rateNow}/s → ${to}/s: ${why}`);
        (pr.lowered ??= []).push({ fromRps: rateNow, toRps: to, why });
        rateNow = to;
      }
    }
    let evidence: Awaited<ReturnType<typeof freshWindow>> = { w: recent ? Window.merged([lastFull.w, recent]) : lastFull.w, rps: lastFull.rps };
    for (let lowered = 0; ; ) {
      const over = overBudget(budgets, evidence.w.stats());
      const step = nextRateStep({ share, rateRps: rateNow, evidenceRps: evidence.rps, overBudget: over.length + (evidence.behind ? 1 : 0), lowered });
      if (step.kind === 'hold') break;
      if (step.kind === 'measure') {
        evidence = await freshWindow();
        continue;
      }
      const shown = [
        ...over.map((x) => `${x.op} p95 ${round(x.p95)} ms > ${x.budget} ms`),
        ...(evidence.behind ? [`${evidence.behind.answered} of its ${evidence.behind.due} requests answered ${BACKLOG_WAIT_MS / 1000} s after the window (a backlog)`] : []),
      ].join(', ');
      if (step.kind === 'warn') {
        const w = `before its first canary step the layout in place was over budget at the fixed ${rateNow}/s (${shown}): the host cannot carry it, so this phase's p95 budgets may go unjudged`;
        pr.warning = pr.warning ? `${pr.warning}; ${w}` : w;
        line(`  WARNING: phase ${pr.phase}: ${w}`);
        break;
      }
      if (step.kind === 'give-up') {
        const w = `still over budget at ${rateNow}/s before its first canary step (${shown}) after ${lowered} lowering${lowered === 1 ? '' : 's'}: its p95 budgets may go unjudged`;
        pr.warning = pr.warning ? `${pr.warning}; ${w}` : w;
        line(`  WARNING: phase ${pr.phase}: ${w}`);
        break;
      }
      const why = `the layout in place over budget at ${evidence.rps}/s before the change: ${shown}`;
      line(`  phase ${pr.phase}: rate ${rateNow}/s → ${step.toRps}/s: ${why}`);
      (pr.lowered ??= []).push({ fromRps: rateNow, toRps: step.toRps, why });
      rateNow = step.toRps;
      lowered++;
      evidence = await freshWindow();
    }
    pr.ranAtRps = rateNow;
  };
  /** RATE_CHECK_MS of load at the current rate, the first RATE_SETTLE_MS of schedule left out (the higher rate's backlog): also the next canary step's baseline. */
  const freshWindow = async (): Promise<{ w: Window; rps: number; behind?: { answered: number; due: number } }> => {
    const w = new Window(RATE_SETTLE_MS, true);
    w.scheduleEnd = w.started + RATE_CHECK_MS;
    recent = w;
    const at = rateNow;
    await sleep(RATE_CHECK_MS);
    // A host holding a backlog answers the window's own requests seconds late, and a window read
    // at its end then has next to no latencies: under budget by having none (2026-12-01 23:53, a
    // p50 of 8 s in the step that followed). Its requests are waited for, up to BACKLOG_WAIT_MS.
    const due = (at * (RATE_CHECK_MS - RATE_SETTLE_MS)) / 1000;
    const until = performance.now() + BACKLOG_WAIT_MS;
    while (behindSchedule(w.latencies(), due) && performance.now() < until) await sleep(200);
    return { w, rps: at, ...(behindSchedule(w.latencies(), due) ? { behind: { answered: w.latencies(), due: Math.floor(due) } } : {}) };
  };
  let rolledBack = false;
  let baselineFailed: RehearsalReport['baselineFailed'];
  try {
    await sleep(warmupS * 1000);
    const early = Object.entries(win.failures);
    if (early.length) line(`  failed during the warm-up (before any change): ${early.map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    // A warm-up that already breaks the strictest error-rate trigger leaves nothing to judge: every
    // step would roll back, and the report blamed the first extraction (placeholder requests
    // without a load profile all answered 401). The rehearsal stops here, before any change.
    baselineFailed = warmupBreach(actions, total, win.failures);
    if (baselineFailed) {
      line(`BASELINE FAILS: the warm-up, before any change, failed ${pctWords(baselineFailed.errorRate)} of its ${baselineFailed.requests} requests (${early.map(([k, n]) => `${k} ×${n}`).join(', ')}), above the plan's error-rate trigger of ${pctWords(baselineFailed.above)}: no step could be judged, the rehearsal stops before any change`);
      notes.push(`the warm-up failed ${pctWords(baselineFailed.errorRate)} of its requests before any change (above the error-rate trigger of ${pctWords(baselineFailed.above)}): no step ran; the run failed. ${planned.placeholder ? 'There is no load profile beside the blueprint: the requests are placeholders without authentication; write one (NAME.load.yaml, docs/loadtest.md)' : 'Check the load profile\'s requests against the layout the plan starts from'}`);
    }
    stepLoop: for (const a of baselineFailed ? [] : actions) {
      if (rolledBack) break;
      phaseNow = a.phase;
      if (loadEnded) {
        line(`LOAD ENDED at ${loadEnded.atS} s (its duration, ${durationS} s, passed: a paused or very slow run), before phase ${loadEnded.phase ?? a.phase}'s steps were done: the rehearsal stops here, its remaining steps not run`);
        notes.push(`the load ended at ${loadEnded.atS} s, its duration of ${durationS} s passed before the steps were done (a paused or very slow run): the rehearsal stopped at phase ${a.phase}, its steps from there not run; the run failed`);
        break;
      }
      line(describeAction(a));
      win = new Window();
      let seen = supervision.length;
      const report = (extra: Partial<StepReport>, ops: readonly string[] = []): StepReport => {
        const w = win.of(ops);
        const all = win.of([...win.ops.keys()]);
        const events = supervision.slice(seen);
        return { action: describeAction(a), phase: a.phase, kind: a.kind, seconds: Math.round((performance.now() - win.started) / 100) / 10, rateRps: rateNow, ...w, all: { requests: all.requests, errors: all.errors, p95: all.p95 }, failures: { ...win.failures }, breaches: [], ...(events.length ? { supervision: events } : {}), ...extra };
      };
      if (a.kind === 'note') continue;
      if (a.kind === 'start-unit') {
        // The dual write and backfill run while the unit boots: neither needs the other (the
        // unit uses the old copy until the cut-over), and one waiting for the other was seconds
        // of every extraction with a table move.
        const [booted, moved] = await Promise.allSettled([
          starting.get(a.unit) ?? startUnit(a),
          a.dataMoves.length ? startMoves(mctx, a, dataMoves.filter((m) => m.phase === a.phase && m.unit === a.unit)) : Promise.resolve([]),
        ]);
        if (moved.status === 'fulfilled') {
          moving.set(a.unit, moved.value);
          for (const m of moved.value) moveDbs.add(m.targetUrl);
        }
        if (booted.status === 'rejected') throw booted.reason;
        if (moved.status === 'rejected') throw moved.reason;
        const info = booted.value;
        started.set(a.unit, info);
        internal.set(a.unit, info.internalUrl);
        const pr = rateOf.get(a.phase);
        if (pr && !checked.has(a.phase)) {
          checked.add(a.phase);
          await fitRate(pr, budgetsOf(a.phase));
        }
        push(report({ unit: a.unit }, a.ops));
        continue;
      }
      const old = server.get(a.ops[0]!)!;
      const mine = started.get(a.kind === 'retire' ? a.movedTo : a.unit)!;
      // A unit that crashed is being restarted by supervision: more traffic goes to it only once
      // it is back. One that cannot be brought back ends the rehearsal with its routes on the old unit.
      if (mine.state !== 'up') {
        line(`  waiting for ${mine.name} to restart before the next step…`);
        // Read through a function: supervision changes the state while this loop sleeps.
        const state = (): UnitInfo['state'] => mine.state;
        while (state() === 'restarting') await sleep(100);
        if (state() !== 'up') {
          await control.setWeights(a.ops, [{ unit: old.unit, port: old.port, weight: 100 }]);
          rolledBack = true;
          line(`  ${mine.name} could not be restarted: its routes are back on ${old.unit}`);
          push(report({ unit: mine.name, breaches: [{ description: `${mine.name} crashed and supervision could not restart it`, value: mine.restarts }], rolledBack: { afterMs: Math.round(performance.now() - win.started), errorsCaused: win.of(a.ops).errors } }, a.ops));
          continue;
        }
      }
      if (a.kind === 'weights') {
        if (a.percent === 100) zeroWeightAt.delete(a.unit);
        await control.setWeights(a.ops, [
          { unit: a.unit, port: mine.port, weight: a.percent },
          { unit: old.unit, port: old.port, weight: 100 - a.percent },
        ]);
        if (a.percent === 100) zeroWeightAt.set(a.unit, performance.now());
        win = new Window(settleMs);
        let cpuAt = { cpu: a.percent === 100 ? treeCpu() : null, t: performance.now() };
        if (recent) {
          baseline = baselineOf(recent, warmupWin);
          recent = null;
        }
        const routes: CanaryRoutes = { unit: a.unit, from: old.unit };
        if (o.crashUnit === a.unit && !crashed) {
          // Tests only: the unit dies mid-step, as a process does; supervision must bring it back.
          crashed = true;
          const victim = mine;
          setTimeout(() => {
            try {
              process.kill(victim.pid, 'SIGKILL');
            } catch {
              // already gone
            }
          }, Math.min(1000, a.watchMs / 3)).unref();
        }
        for (;;) {
          let found: Breach[] = [];
          const end = performance.now() + a.watchMs;
          const extendUntil = end + EXTEND_WATCH * a.watchMs;
          // Mid-step, a new route over budget waits for the old route's latencies in the same
          // seconds while they can still reach the minimum (judgeP95); the final check does not.
          const oldCanReach = (samples: number) => {
            const now = performance.now();
            return canReachMinimum(samples, now - win.started - win.settleMs, extendUntil - now);
          };
          const check = (final = false) => (found = breaches(a.triggers, a.ops, win.stats(), baseline, routes, final ? undefined : oldCanReach)).length > 0;
          while (performance.now() < end) {
            await sleep(Math.min(1000, Math.max(0, end - performance.now())));
            if (check()) break;
          }
          // A budget is judged on the new route's own latencies: a step whose new route has
          // answered some but fewer than MIN_P95_SAMPLES is watched on (at most EXTEND_WATCH
          // times its duration), as a canary analysis waits for its minimum sample; but only
          // while the pace of its latencies so far can reach the minimum by then (a route with a
          // few percent of the mix at a 10% step cannot: waiting the whole extension for it
          // judged nothing more and cost the run tens of seconds).
          const waiting = () => {
            if (a.percent === 0) return false;
            const now = performance.now();
            const countedMs = now - win.started - win.settleMs;
            return p95Triggers(a.triggers).some((t) => {
              const v = judgeP95(t, win.stats(), baseline, routes, oldCanReach);
              return v.verdict === 'too-few' && v.samples > 0 && canReachMinimum(v.samples, countedMs, extendUntil - now);
            });
          };
          while (!found.length && waiting() && performance.now() < extendUntil) {
            await sleep(1000);
            check();
          }
          if (!found.length) check(true);
          const extendedMs = Math.max(0, Math.round(performance.now() - end));
          const verdicts = p95Triggers(a.triggers).map((t) => [t, judgeP95(t, win.stats(), baseline, routes)] as const);
          const notJudged = verdicts.flatMap(([t, v]) => (v.verdict === 'excused' || v.verdict === 'too-few' ? [{ description: t.description, why: whyNotJudged(v, routes), cause: v.verdict === 'too-few' ? ('too-few' as const) : ('old-route-over' as const) }] : []));
          if (notJudged.length) line(`  not judged: ${notJudged.map((x) => `${x.description} (${x.why})`).join('; ')}`);
          const judged = { byUnit: win.byUnit(a.ops), ...(extendedMs >= 500 ? { extendedMs } : {}), ...(notJudged.length ? { notJudged } : {}) };
          if (found.length) {
            await control.setWeights(a.ops, [{ unit: old.unit, port: old.port, weight: 100 }]);
            rolledBack = true;
            const afterMs = Math.round(performance.now() - win.started);
            const w = win.of(a.ops);
            const stats = win.stats();
            const oldP95 = (b: Breach) => (b.trigger.kind === 'p95' ? (stats.ops[b.trigger.op]?.byUnit?.[old.unit]?.p95 ?? null) : undefined);
            const shown = found.map((b) => ({ description: b.trigger.description, value: round(b.value), ...(oldP95(b) !== undefined ? { oldP95: oldP95(b) === null ? null : round(oldP95(b)!) } : {}) }));
            line(`  rolled back after ${(afterMs / 1000).toFixed(1)} s: ${shown.map((b) => `${b.description} (${b.value}${b.oldP95 !== undefined ? `; ${old.unit} ${b.oldP95 ?? '–'} ms in the same seconds` : ''})`).join('; ')} (${w.errors} errors)`);
            // Requests already sent to the broken unit finish; let them land in this step's window.
            await sleep(1000);
            push(report({ unit: a.unit, percent: a.percent, breaches: shown, ...judged, byUnit: win.byUnit(a.ops), rolledBack: { afterMs, errorsCaused: win.of(a.ops).errors } }, a.ops));
            continue stepLoop;
          }
          // Both routes over budget: the host, not the step, and nothing was judged. With a share
          // as the rate, the rate is lowered and the same step watched again (at most
          // MAX_LOWERINGS lowerings per phase, with those made before its first step).
          const pr = rateOf.get(a.phase);
          const hostOver = notJudged.filter((x) => x.cause === 'old-route-over');
          const next = pr ? nextRateStep({ share: 'fraction' in o.rate, rateRps: rateNow, evidenceRps: rateNow, overBudget: hostOver.length, lowered: pr.lowered?.length ?? 0 }) : null;
          if (pr && next?.kind === 'lower') {
            const to = next.toRps;
            const why = `both routes over budget in the ${a.percent}% step at ${rateNow}/s: ${hostOver.map((x) => x.why).join('; ')}`;
            line(`  phase ${a.phase}: rate ${rateNow}/s → ${to}/s: ${why}; the step is watched again at the lower rate`);
            (pr.lowered ??= []).push({ fromRps: rateNow, toRps: to, why });
            push(report({ unit: a.unit, percent: a.percent, ...judged, rewatchedAtRps: to }, a.ops));
            rateNow = to;
            pr.ranAtRps = to;
            seen = supervision.length;
            // The higher rate's backlog is left out: only requests scheduled after it settled count.
            win = new Window(Math.max(settleMs, RATE_SETTLE_MS), true);
            cpuAt = { cpu: a.percent === 100 ? treeCpu() : null, t: performance.now() };
            continue;
          }
          // The old route's latest figures in this step: the next step's baseline (at 100% no
          // request goes to the old route, and its figures of the moment before stand in).
          const now = win.stats();
          for (const op of a.ops) {
            const f = now.ops[op]?.byUnit?.[old.unit];
            if (f && (f.samples ?? 0) >= MIN_P95_SAMPLES) baseline = { ops: { ...baseline?.ops, [op]: f } };
          }
          if (a.percent === 100) {
            const sec = (performance.now() - cpuAt.t) / 1000;
            const cpu = cpuAt.cpu ? cpuSince(cpuAt.cpu) : 0;
            lastFull = { w: win, rps: rateNow, phase: a.phase, ...(cpuAt.cpu && sec > 0 && rateNow > 0 && cpu > 0 ? { cpuPerRequest: cpu / (rateNow * sec) } : {}) };
          }
          push(report({ unit: a.unit, percent: a.percent, ...judged }, a.ops));
          continue stepLoop;
        }
      }
      // retire: the new unit alone serves the routes; requests the old one holds drain.
      await control.setWeights(a.ops, [{ unit: a.movedTo, port: mine.port, weight: 100 }]);
      const hostedBefore = new Map(hosting);
      for (const op of a.ops) server.set(op, { unit: a.movedTo, port: mine.port });
      for (const d of resolveLayout(bp, a.layout).units.find((u) => u.name === a.movedTo)?.domains ?? []) hosting.set(d, a.movedTo);
      // The next extraction's unit starts now, during this cut-over and drain, not while canary
      // steps are watched: a node process booting (modules, migrations, its pools opened) takes
      // a core for a second or more, and on a small host that lands in the p95 of whatever step
      // is judged. It boots beside the cut-over (it serves other domains, on their databases).
      const next = actions.slice(actions.indexOf(a) + 1).find((x): x is Extract<Action, { kind: 'start-unit' }> => x.kind === 'start-unit');
      if (next && !starting.has(next.unit)) {
        const p = startUnit(next);
        p.catch(() => undefined); // awaited (and thrown) at its own step; a rollback may leave it unawaited
        starting.set(next.unit, p);
      }
      // The extraction's table moves cut over now: the old route is retired, and every unit
      // serving the domain switches to the new copy once the verify passed (moves.ts). A verify
      // that fails (or a unit that cannot hold the domain's writes) switches nothing: the
      // extraction is rolled back, its routes back on the old unit, and the rehearsal ends.
      const cut = moving.get(a.movedTo) ?? [];
      for (const m of cut) {
        const why = await cutOver(mctx, m);
        if (why === null) continue;
        await control.setWeights(a.ops, [{ unit: old.unit, port: old.port, weight: 100 }]);
        for (const op of a.ops) server.set(op, old);
        for (const [d, u] of hostedBefore) hosting.set(d, u);
        rolledBack = true;
        line(`  rolled back: ${a.ops.length} route${a.ops.length === 1 ? '' : 's'} back on ${old.unit}`);
        push(report({ unit: a.movedTo, breaches: [{ description: why, value: m.reports.filter((r) => r.record?.verify && !r.record.verify.ok).length }], rolledBack: { afterMs: Math.round(performance.now() - win.started), errorsCaused: win.of(a.ops).errors } }, a.ops));
        continue stepLoop;
      }
      // The drain counts from the moment the old unit got its last request on these routes (the
      // weight change that gave it 0%, a whole canary step ago), not from the retire: what it
      // still held has had that long to finish, and a fixed sleep here was seconds per phase.
      const drainedAt = (zeroWeightAt.get(a.movedTo) ?? performance.now()) + a.drainMs;
      await sleep(Math.max(0, drainedAt - performance.now()));
      // Drained, and no unit uses the old copy any more (each one serving the domain switched).
      for (const m of cut) if (m.state === 'cut-over') await dropOld(mctx, m, old.unit);
      push(report({ unit: a.unit }, a.ops));
      recent = new Window();
    }
  } finally {
    done = true;
    // A move still streaming (the rehearsal ended before its cut-over) is stopped: nothing switched.
    for (const m of [...moving.values()].flat())
      if (m.state === 'streaming') {
        await stopDualWrite(m.dual).catch(() => undefined);
        m.state = 'stopped';
        for (const r of m.reports) r.notPerformed = `the rehearsal ended before the cut-over${rolledBack ? ' (rolled back)' : ''}: the units kept using ${m.from}, the stream was stopped`;
      }
  }
  const final = await load.finally(() => {
    clearInterval(renewTap);
    clearInterval(reserve);
  });
  await toppingUp;
  if (topUps.runs || topUps.failed.length)
    notes.push(`single-use pools kept ${aheadS} s ahead of the load while it ran: ${topUps.runs} background top-up${topUps.runs === 1 ? '' : 's'} (${POOL_TOP_UP_IN_FLIGHT} request${POOL_TOP_UP_IN_FLIGHT === 1 ? '' : 's'} in flight)${topUps.added.size ? `, ${[...topUps.added].map(([k, n]) => `${k} +${n}`).join(', ')}` : ''}${topUps.failed.length ? `; ${topUps.failed.length} failed (first: ${topUps.failed[0]})` : ''}`);
  // A unit still coming back from a crash (a rollback ended the steps early) is waited for, so
  // the report says whether it came back: at most a minute.
  const restarting = () => [...started.values()].filter((u) => u.state === 'restarting');
  const until = performance.now() + 60_000;
  if (restarting().length) line(`waiting for ${restarting().map((u) => u.name).join(', ')} to restart…`);
  while (restarting().length && performance.now() < until) await sleep(100);
  line('load stopped; reading back what was committed and delivered…');
  const messages = await readBack(L, before, emitting, acked, moveDbs);
  return {
    blueprint: bp.metadata.name,
    from: plan.from,
    rateRps: rps,
    ...(capacityRps !== undefined ? { capacityRps } : {}),
    phaseRates: rates,
    steps,
    rolledBack,
    totals: { ...total, errorKinds: kinds, failures },
    messages,
    notes: [...notes, ...final.notes],
    seconds: Math.round((performance.now() - t0) / 100) / 10,
    ...(loadEnded ? { loadEnded } : {}),
    ...(baselineFailed ? { baselineFailed } : {}),
  };
}

const pctWords = (x: number) => `${Number((x * 100).toPrecision(3))}%`;

/** The live rate check's fresh window: this long at the new rate, its first RATE_SETTLE_MS of schedule left out. */
const RATE_CHECK_MS = 4000;
const RATE_SETTLE_MS = 1500;

/** The capacity run's pools are seeded for this many times the model's capacity of the from layout on this host. */
const CAPACITY_SEED_FACTOR = 1.5;

/** A step is watched at most this many times its duration more, for the new route's latencies. */
const EXTEND_WATCH = 3;

const p95Triggers = (ts: readonly Trigger[]) => ts.filter((t): t is Extract<Trigger, { kind: 'p95' }> => t.kind === 'p95');

/**
 * The canary steps whose p95 budgets went unjudged because the old route was over budget too:
 * the host, not the extraction, could not carry the rate, so those cutovers were not a judged
 * canary. One line for the summary, or null when every step was judged. Pure.
 */
export function unjudgedLine(steps: readonly Pick<StepReport, 'phase' | 'notJudged' | 'rewatchedAtRps'>[]): string | null {
  // A step watched again at a lower rate is judged (or not) in its re-watch, reported after it.
  const over = steps.filter((s) => s.rewatchedAtRps === undefined && s.notJudged?.some((x) => x.cause === 'old-route-over'));
  if (!over.length) return null;
  const phases = [...new Set(over.map((s) => s.phase))].sort((a, b) => a - b);
  return `p95 budgets not judged in ${over.length} canary step${over.length === 1 ? '' : 's'} (phase${phases.length === 1 ? '' : 's'} ${phases.join(', ')}): the old route was over budget in the same seconds, so the host could not carry this rate; at a lower --rate those steps are judged`;
}

/** Why a p95 budget was not judged in a step, in one line. */
function whyNotJudged(v: P95Verdict, routes: CanaryRoutes): string {
  if (v.verdict === 'too-few') return `${v.samples} latencies of ${v.route === 'old' ? routes.from : routes.unit} in the window, fewer than ${MIN_P95_SAMPLES}`;
  if (v.verdict !== 'excused') return '';
  return v.when === 'same-window'
    ? `${routes.unit} at ${round(v.p95)} ms, ${routes.from} at ${round(v.oldP95)} ms in the same seconds: both over, the host's doing`
    : `${routes.unit} at ${round(v.p95)} ms, ${routes.from} already at ${round(v.oldP95)} ms just before the change`;
}

/** Per operation: the load since the last retire when it holds enough latencies, else the warm-up's. */
function baselineOf(recent: Window, warmup: Window): WindowStats {
  const r = recent.stats().ops;
  const ops = { ...warmup.stats().ops };
  for (const [op, s] of Object.entries(r)) if ((s.samples ?? 0) >= MIN_P95_SAMPLES) ops[op] = s;
  return { ops };
}

const round = (x: number) => Math.round(x * 10000) / 10000;

/** event → the public operations that emit it. */
function emittingOps(bp: Blueprint): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [d, dom] of Object.entries(bp.system.domains))
    for (const [name, op] of Object.entries(dom.operations)) if (op.route) for (const e of op.emits) out.set(e, [...(out.get(e) ?? []), `${d}.${name}`]);
  return out;
}

type Counts = Map<string, { rows: number; published: number }>;

/** Outbox rows per event, over every database of the run and those the moves made (each database once). */
async function eventCounts(L: RunningLayout, more: Iterable<string> = []): Promise<Counts> {
  const out: Counts = new Map();
  for (const url of new Set([...Object.values(L.databases), ...more])) {
    const c = shortClient({ connectionString: url });
    await c.connect();
    try {
      const has = await c.query(`SELECT to_regclass('archsim_outbox.outbox') AS t`);
      if (!has.rows[0].t) continue;
      const r = await c.query<{ event: string; rows: string; published: string }>(`SELECT event, count(*) AS rows, count(published_at) AS published FROM archsim_outbox.outbox GROUP BY event`);
      for (const x of r.rows) {
        const o = out.get(x.event) ?? { rows: 0, published: 0 };
        out.set(x.event, { rows: o.rows + Number(x.rows), published: o.published + Number(x.published) });
      }
    } finally {
      await c.end();
    }
  }
  return out;
}

async function pendingQueue(L: RunningLayout): Promise<Map<string, number>> {
  const c = shortClient({ connectionString: L.databases.events! });
  await c.connect();
  try {
    const has = await c.query(`SELECT to_regclass('events.queue') AS t`);
    if (!has.rows[0].t) return new Map();
    const r = await c.query<{ event: string; n: string }>(`SELECT event, count(*) AS n FROM events.queue WHERE done_at IS NULL GROUP BY event`);
    return new Map(r.rows.map((x) => [x.event, Number(x.n)]));
  } finally {
    await c.end();
  }
}

/**
 * Acknowledged vs recorded vs delivered, per event: an acknowledged request of an emitting
 * operation committed its event with its data (outbox, same transaction), so rows recorded
 * during the run below the acknowledgements are lost messages; rows not yet published, or queue
 * rows not yet done, after a grace period are undelivered ones.
 */
async function readBack(L: RunningLayout, before: Counts, emitting: Map<string, string[]>, acked: Map<string, number>, more: Iterable<string>) {
  let after = await eventCounts(L, more);
  let queue = await pendingQueue(L);
  const deadline = Date.now() + 20_000;
  const unsettled = () => [...after.values()].some((x) => x.rows > x.published) || [...queue.values()].some((n) => n > 0);
  while (unsettled() && Date.now() < deadline) {
    await sleep(500);
    after = await eventCounts(L, more);
    queue = await pendingQueue(L);
  }
  return [...emitting].map(([event, ops]) => {
    const acknowledged = ops.reduce((s, op) => s + (acked.get(op) ?? 0), 0);
    const a = after.get(event) ?? { rows: 0, published: 0 };
    const b = before.get(event) ?? { rows: 0, published: 0 };
    const recorded = a.rows - b.rows;
    const undelivered = a.rows - a.published + (queue.get(event) ?? 0);
    return { event, acknowledged, recorded, delivered: Math.max(0, recorded - undelivered), lost: Math.max(0, acknowledged - recorded), undelivered };
  });
}

