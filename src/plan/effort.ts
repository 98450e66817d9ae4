// The effort model: person-days per phase from what moves, turned into calendar days by the
// team size. Every constant is here, documented in the README, and adjustable with
// `archsim plan --effort key=value,…`. A model to argue with, not a promise. Pure.
import { plural } from '../words.js';
import { operationEdges, domainOf } from '../model/dependencies.js';
import { isPublic, type ResolvedLayout } from '../model/resolve.js';
import type { Blueprint } from '../model/schema.js';
import type { PhaseDraft } from './phases.js';
import { isMemory, isRelational } from './stores.js';

export const EFFORT_MODEL = {
  /** a new unit: repository, service skeleton, CI, deployment, dashboards */
  perUnit: 5,
  /** a public operation moved: endpoint, contract test, gateway route */
  perPublicOperation: 1,
  /** an internal operation moved */
  perInternalOperation: 0.5,
  /** a synchronous call that becomes remote: client, timeout, retries, circuit breaker */
  perRemoteCall: 1,
  /** an event flow that crosses units: publish through the outbox, idempotent consumer */
  perEventFlow: 0.5,
  /** a relational table moved (dual write, backfill, verify, cut over, drop) */
  perRelationalTable: 3,
  /**
   * any other table moved (cache keys, objects, files), and a table moved into or out of an
   * `engine: memory` store, relational or not at the other end: loaded at start or filled by
   * writing through, with no backfill or verify of one store (stores.ts memorySteps)
   */
  perOtherTable: 1,
  /** the first gateway, the first broker (and each change of the broker's kind) */
  gateway: 3,
  broker: 3,
  /** watching each canary step before the next (calendar days, not person-days) */
  canaryStepDays: 1,
  /** share of a developer's day that goes to the migration */
  focus: 0.7,
} as const;
export type EffortModel = { -readonly [K in keyof typeof EFFORT_MODEL]: number };

export interface PhaseEffort {
  personDays: number;
  /** building and data work, by the team */
  buildDays: number;
  dataDays: number;
  /** the canary's watch time */
  canaryDays: number;
  items: string[];
}

/** What a phase starts from and ends in, for what becomes remote in it. */
export interface PhaseEffortContext {
  /** whether any phase so far had a gateway, a broker (set up once) */
  prev: { gateway: boolean; broker: boolean };
  /** the layout before this phase and this phase's, resolved: domain → unit */
  before: ResolvedLayout;
  after: ResolvedLayout;
  /** extractions whose routes the canary shifts (none: no canary, no canary days) */
  shifted: number;
  team: number;
  canarySteps: number;
}

export function phaseEffort(bp: Blueprint, p: PhaseDraft, ctx: PhaseEffortContext, model: EffortModel): PhaseEffort {
  const { prev, team, canarySteps } = ctx;
  const items: string[] = [];
  let build = 0;
  let data = 0;
  const add = (n: number, each: number, what: string, kind: 'build' | 'data' = 'build') => {
    if (!n) return;
    const v = n * each;
    if (kind === 'build') build += v;
    else data += v;
    items.push(`${what}: ${n} × ${each} = ${plural(round(v), 'person-day')}`);
  };
  const ex = p.extractions;
  add(ex.length, model.perUnit, 'new units');
  const ops = ex.flatMap((e) => e.domains.flatMap((d) => Object.values(bp.system.domains[d]!.operations)));
  add(ops.filter(isPublic).length, model.perPublicOperation, 'public operations moved');
  add(ops.filter((o) => !isPublic(o)).length, model.perInternalOperation, 'internal operations moved');
  // A call (an event flow) becomes remote where its two ends are in one unit before this phase
  // and in two after it. Counting the edges that cross the moved domains counted one already
  // remote again (order-svc's call to oven-svc, remote since oven-svc left, counted again when
  // order-svc left) and missed those the last, declared, phase splits off a continuing unit, so
  // the total depended on --phases; compared phase with phase, each is counted once.
  const unitOf = (r: ResolvedLayout, op: string) => r.unitOfDomain.get(domainOf(op));
  const crossing = operationEdges(bp).filter((e) => unitOf(ctx.before, e.from) === unitOf(ctx.before, e.to) && unitOf(ctx.after, e.from) !== unitOf(ctx.after, e.to));
  add(crossing.filter((e) => e.kind === 'sync').length, model.perRemoteCall, 'synchronous calls becoming remote');
  add(crossing.filter((e) => e.kind === 'event').length, model.perEventFlow, 'event flows crossing units');
  // The extractions' tables and those a continuing unit's move takes along (the same steps).
  // A move into or out of a memory store has no backfill or verify (postgres → memory was
  // priced as a relational move's five steps): it counts as another table, said apart.
  const tables = [...ex.flatMap((e) => e.tables), ...(p.carried ?? []).flatMap((c) => c.tables)];
  const memory = tables.filter((t) => isMemory(t.from.engine) || isMemory(t.to.engine));
  const stored = tables.filter((t) => !memory.includes(t));
  add(stored.filter((t) => isRelational(t.from.engine) || isRelational(t.to.engine)).length, model.perRelationalTable, 'relational tables moved', 'data');
  add(stored.filter((t) => !isRelational(t.from.engine) && !isRelational(t.to.engine)).length, model.perOtherTable, 'other tables moved', 'data');
  add(memory.length, model.perOtherTable, 'tables moved into or out of a memory store (loaded at start or written through, no backfill)', 'data');
  if (p.layout.gateway && !prev.gateway) add(1, model.gateway, 'gateway set-up');
  if (p.layout.broker && !prev.broker) add(1, model.broker, 'broker set-up');
  // A broker of another kind (postgres's queue, then nats): set up like a first one, with the
  // publishers switched over and the old one drained before it retires. It was counted nowhere.
  const was = ctx.before.layout.broker?.kind;
  const now = p.layout.broker?.kind;
  if (was !== undefined && now !== undefined && was !== now) add(1, model.broker, `broker change (${was} → ${now}), the old one drained`);
  const perDay = Math.max(1, team) * model.focus;
  return {
    personDays: round(build + data),
    buildDays: Math.ceil(build / perDay),
    dataDays: Math.ceil(data / perDay),
    // The canary watches routes shift: a phase that moves none (consumers, internal work) has none.
    canaryDays: ctx.shifted ? canarySteps * model.canaryStepDays : 0,
    items,
  };
}

/** `key=value,…` over the defaults; unknown keys and bad numbers are the caller's usage error. */
export function parseEffort(spec: string | undefined): { model: EffortModel; error?: string } {
  const model: EffortModel = { ...EFFORT_MODEL };
  if (!spec) return { model };
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Za-z]+)=([0-9]+(?:\.[0-9]+)?)$/.exec(part);
    if (!m || !Object.hasOwn(EFFORT_MODEL, m[1]!)) return { model, error: `--effort ${part}: expected key=number with key one of ${Object.keys(EFFORT_MODEL).join(', ')}` };
    model[m[1] as keyof EffortModel] = Number(m[2]);
  }
  if (!(model.focus > 0)) return { model, error: '--effort focus must be above 0' };
  return { model };
}

const round = (x: number) => Math.round(x * 10) / 10;
