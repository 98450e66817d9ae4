// Phases are layouts. From the source layout, each phase builds one or more units of the target
// (strangler fig: the new unit takes its domains' routes at the gateway, the old unit keeps the
// code until the cut-over), moves their tables, and adds the gateway and broker the split needs.
// The last phase is the target layout itself. Every derived layout is checked with the same
// semantic checks the loader runs. Pure.
import { isPublic, resolveLayout, type ResolvedLayout, type ResolvedUnit } from '../model/resolve.js';
import { checkSemantics } from '../model/semantics.js';
import type { Blueprint, Datastore, Layout, Protocol, Unit } from '../model/schema.js';
import { continuations, deriveOrder, moveScorer, OrderError, orderRisks, pinOrder, type Move } from './order.js';
import { matchStores, tableMoves, type TableMove } from './stores.js';
import { PlanError } from './errors.js';

export type PhaseMode = 'auto' | 'unit' | 'declared';

export interface Extraction {
  unit: string;
  domains: string[];
  /** where the unit's routes went before this phase (the canary's other side) */
  from: { unit: string; port: number } | undefined;
  /**
   * Each unit the domains come from, when more than one (a target that merges units): the canary
   * shifts each unit's routes against it (generate gateway --plan); a rehearsal refuses it.
   */
  sources?: { unit: string; port: number; domains: string[] }[];
  tables: TableMove[];
  move: Move;
}

export interface PhaseDraft {
  /** phase-1, phase-2, … (phase-0 is the source layout, not written), or another prefix (phasePrefix) */
  name: string;
  /** the blueprint layout this phase is, when it is a declared one */
  declared?: string;
  layout: Layout;
  extractions: Extraction[];
  /** the store changes that are not data moves (a store renamed or resized) and other notes */
  notes: string[];
  problems: string[];
  /**
   * Tables whose datastore changes in this phase while their unit is built by no extraction (a
   * unit that continues, renamed or not): their data moves all the same, in the five steps.
   */
  carried?: CarriedData[];
}

/** A continuing unit's tables that change datastore: `unit` as the phase has it, `oldUnit` as the layout before ran them. */
export interface CarriedData {
  unit: string;
  oldUnit: string;
  tables: TableMove[];
}

const clone = <T>(x: T): T => structuredClone(x);

/** The declared `next:` chain from `from` to `to`, if the blueprint has one. */
export function declaredChain(bp: Blueprint, from: string, to: string): string[] | undefined {
  const chain = [from];
  let cur = from;
  while (cur !== to) {
    const next = bp.layouts[cur]?.next;
    if (!next || chain.includes(next)) return undefined;
    chain.push(next);
    cur = next;
  }
  return chain;
}

/** The layouts `next:` leads through from `from`, up to the first repeat (shown) or the end. */
function walkNext(bp: Blueprint, from: string): string[] {
  const out = [from];
  for (let cur = bp.layouts[from]?.next; cur !== undefined; cur = bp.layouts[cur]?.next) {
    out.push(cur);
    if (out.indexOf(cur) !== out.length - 1 || !Object.hasOwn(bp.layouts, cur)) break;
  }
  return out;
}

/**
 * How the chain is cut into phases. "declared": one phase per layout of the `next:` chain.
 * "unit": one phase per unit built, ignoring the chain. "auto": the declared chain, except that
 * a declared step building several units is split into one phase per unit unless its source
 * layout declares `triggers` (the architect gated that whole step on load, as seed 003 does).
 */
export function buildPhases(bp: Blueprint, from: string, to: string, opts: { mode?: PhaseMode; order?: string[] } = {}) {
  const mode = opts.mode ?? 'auto';
  const declared = declaredChain(bp, from, to);
  const chain = mode === 'unit' ? [from, to] : (declared ?? [from, to]);
  const steps = chain.slice(1).map((b, i) => ({ a: chain[i]!, b, scorer: moveScorer(bp, chain[i]!, b) }));
  const notes: string[] = [];
  // A `next:` chain that leaves --from and never reaches --to: the plan goes straight to the
  // target, and says so (it said it followed the declared chain).
  if (mode !== 'unit' && chain.length === 2 && bp.layouts[from]?.next && bp.layouts[from]!.next !== to) {
    notes.push(`the declared next: chain from ${from} (${walkNext(bp, from).join(' → ')}) does not reach ${to}: the phases go from ${from} to ${to} directly`);
  }
  if (opts.order) {
    const known = steps.flatMap((s) => s.scorer.units);
    for (const u of opts.order) if (!known.includes(u)) throw new OrderError(`--order: "${u}" is not a unit this migration builds; units to build: ${known.join(', ')}`);
  }
  const prefix = phasePrefix(bp);
  const phases: PhaseDraft[] = [];
  const allMoves: Move[] = [];
  /** per position of allMoves: the scores its step's units had there (from the same layout before) */
  const scoresThere: Map<string, number>[] = [];
  let current = resolveLayout(bp, from);
  for (const { a, b, scorer } of steps) {
    const units = scorer.units;
    const pinned = opts.order?.filter((u) => units.includes(u));
    const gated = (bp.layouts[a]?.triggers.length ?? 0) > 0;
    // A step of the declared chain, a direct one (`from` declares `next: to`) included: a gated
    // one is one phase. The direct step was split per unit whatever its source's triggers, since
    // only a chain through layouts between counted as declared.
    const together = mode === 'declared' || (mode === 'auto' && declared !== undefined && (gated || units.length <= 1));
    if (mode === 'auto' && chain.length === 2 && declared !== undefined && gated && units.length > 1) {
      notes.push(`${a} declares next: ${b} and triggers: the step is one phase, its ${units.length} units built together (the architect gated the whole step on load)`);
    }
    if (together || units.length <= 1) {
      // One phase builds them all: each one's tables move from the layout before that phase.
      const moves = units.map((u) => scorer.score(u, current));
      let order = deriveOrder(moves);
      if (pinned) {
        const r = pinOrder(moves, pinned);
        order = r.order;
        notes.push(...r.notes);
      }
      const there = new Map(moves.map((m) => [m.unit, m.score]));
      for (const m of order) {
        allMoves.push(m);
        scoresThere.push(there);
      }
      phases.push(phaseTo(bp, current, order, b, `${prefix}${phases.length + 1}`));
    } else {
      // One phase per unit. Each is scored against the layout its phase starts from (its tables
      // to move are those that phase moves: a store the units before it left with exactly the
      // target's tables continues, no data move), and the least coupled there goes next; a
      // pinned order first, in its order.
      if (pinned) pinOrder(units.map((u) => scorer.score(u, current)), pinned); // refuses a unit listed twice
      const queue = [...(pinned ?? [])];
      const rest: string[] = [];
      let remaining = [...units];
      while (remaining.length) {
        const candidates = remaining.map((u) => scorer.score(u, current));
        const want = queue.shift();
        const next = want !== undefined ? candidates.find((m) => m.unit === want)! : deriveOrder(candidates)[0]!;
        if (want === undefined) rest.push(next.unit);
        allMoves.push(next);
        scoresThere.push(new Map(candidates.map((m) => [m.unit, m.score])));
        remaining = remaining.filter((u) => u !== next.unit);
        phases.push(phaseTo(bp, current, [next], remaining.length ? undefined : b, `${prefix}${phases.length + 1}`, b));
        current = resolved(bp, phases.at(-1)!);
      }
      if (pinned && rest.length) notes.push(`--order leaves out ${rest.join(', ')}; they follow in derived order`);
    }
    current = resolved(bp, phases.at(-1)!);
  }
  return { chain, phases, moves: allMoves, notes, risks: orderRisks(allMoves, (i, x) => scoresThere[i]!.get(x.unit) ?? x.score) };
}

/**
 * The prefix of the phases' layout names: phase-1, phase-2 … unless the blueprint has a layout
 * named phase-<number> already. The overlay `extends:` the blueprint, and extends merges mappings
 * key by key: a phase-2 of the plan merged into the blueprint's own phase-2 (the units of both in
 * one layout, a domain in two units), and the overlay did not load. Then plan-phase-N, else
 * plan2-phase-N, plan3-phase-N …: the first that can name no blueprint layout, whatever the
 * number of phases, so the choice rests on the layouts' names alone (deterministic).
 */
export function phasePrefix(bp: Blueprint): string {
  const taken = (prefix: string) => Object.keys(bp.layouts).some((n) => n.startsWith(prefix) && /^[1-9][0-9]*$/.test(n.slice(prefix.length)));
  for (let k = 1; ; k++) {
    const prefix = k === 1 ? 'phase-' : k === 2 ? 'plan-phase-' : `plan${k - 1}-phase-`;
    if (!taken(prefix)) return prefix;
  }
}

/** Resolve a draft phase's layout against the blueprint. */
export function resolved(bp: Blueprint, p: PhaseDraft): ResolvedLayout {
  return resolveLayout(withLayouts(bp, { [p.name]: p.layout }), p.name);
}

export function withLayouts(bp: Blueprint, layouts: Record<string, Layout>): Blueprint {
  return { ...bp, layouts: { ...bp.layouts, ...layouts } };
}

/**
 * One phase from the current layout: build `moves`' units; `declared` (when given) is the layout
 * the phase ends in exactly; otherwise the layout is derived toward `target`.
 */
function phaseTo(bp: Blueprint, cur: ResolvedLayout, moves: Move[], declared: string | undefined, name: string, target?: string): PhaseDraft {
  const tgt = resolveLayout(bp, declared ?? target!);
  const notes: string[] = [];
  const extractions: Extraction[] = moves.map((m) => {
    const tables = tableMoves(cur, tgt, m.domains.flatMap((d) => bp.system.domains[d]!.tables));
    const sources = sourcesOf(cur, m.domains);
    return { unit: m.unit, domains: m.domains, from: routeSource(bp, cur, m.domains), ...(sources.length > 1 ? { sources } : {}), tables, move: m };
  });
  const layout = declared ? clone(bp.layouts[declared]!) : derive(bp, cur, tgt, moves, notes);
  // The chain of phases is linked by the planner (phase-1 → phase-2 …), not by the declared next.
  delete layout.next;
  canarySides(bp, cur, tgt, layout, extractions, moves, declared !== undefined, notes);
  let carried: CarriedData[] = [];
  if (declared) {
    // Every unit that goes on (renamed, rescaled or redeployed) is said, in the target's order.
    const ctx = { gateway: !!layout.gateway, extractions, bp };
    for (const c of continuing(cur, tgt)) {
      const note = continuationNote(cur, tgt, c, ctx);
      if (note) notes.push(note);
    }
    const matched = matchStores(cur, tgt);
    for (const [t, f] of matched) if (t !== f) notes.push(`datastore ${f} continues as ${t} (same engine and tables: resized or renamed, no data move)`);
    // Only the extractions' tables were listed: a continuing unit's (the monolith going on as
    // billing-svc while invoices leaves postgres for mysql) changed store with no step, no effort
    // and no note. Every table whose store changes here moves; those no extraction moves are its.
    carried = carriedData(bp, cur, tgt, new Set(extractions.flatMap((e) => e.tables.map((x) => x.table))));
  }
  notes.push(...protocolNotes(bp, cur, layout, moves, declared ? new Map(continuing(cur, tgt).map((c) => [c.to, c.from])) : new Map()));
  const broker = brokerNote(cur, layout);
  if (broker) notes.push(broker);
  // Only this layout is checked (the blueprint's own layouts passed the loader already).
  const problems = checkSemantics({ ...bp, layouts: { [name]: layout } })
    .filter((p) => p.severity === 'error' && p.path[0] === 'layouts' && p.path[1] === name)
    .map((p) => `${p.path.join('.')}: ${p.message}`);
  return { name, ...(declared ? { declared } : {}), layout, extractions, notes, problems, ...(carried.length ? { carried } : {}) };
}

const protocolName = (p: Protocol) => (p === 'grpc' ? 'gRPC' : 'HTTP');

/**
 * Where a unit serves another protocol than what served its domains before: said in the phase
 * that does it. An extracted unit serves its target protocol from the phase that builds it (its
 * routes become gRPC methods at the gateway, or the reverse), a continuing unit that changes
 * protocol (a declared layout's) changes it there; either way every caller switches then.
 */
function protocolNotes(bp: Blueprint, cur: ResolvedLayout, layout: Layout, moves: Move[], renamed: Map<string, string>): string[] {
  const serves = (n: string) => layout.units[n]!.protocol ?? layout.protocol;
  const before = (n: string) => cur.units.find((u) => u.name === n)?.protocol;
  const routes = (domains: string[]) =>
    domains.flatMap((d) =>
      Object.values(bp.system.domains[d]!.operations)
        .filter(isPublic)
        .map((op) => `${op.route!.method} ${op.route!.path}`),
    );
  const callers = (n: string, p: Protocol, domains: string[]) => {
    const r = routes(domains);
    return `from this phase the units that call ${domains.join(', ')} call ${n} by ${protocolName(p)}${r.length ? `, and the gateway routes its public operations (${r.join(', ')}) as ${protocolName(p)}: their clients switch with this phase` : ''}`;
  };
  const out: string[] = [];
  const built = new Set(moves.map((m) => m.unit));
  for (const m of moves) {
    if (!layout.units[m.unit]) continue;
    const p = serves(m.unit);
    const was = sourcesOf(cur, m.domains).filter((x) => before(x.unit) !== p);
    if (!was.length) continue;
    out.push(`${m.unit} serves ${protocolName(p)} where ${was.map((x) => `${x.unit} served ${x.domains.join(', ')} over ${protocolName(before(x.unit)!)}`).join('; ')}: ${callers(m.unit, p, m.domains)}`);
  }
  for (const [n, u] of Object.entries(layout.units)) {
    if (built.has(n)) continue;
    const old = renamed.get(n) ?? n;
    const q = before(old);
    const p = serves(n);
    if (q === undefined || q === p) continue;
    const domains = u.domains === '*' ? Object.keys(bp.system.domains) : u.domains;
    out.push(`${old === n ? n : `${old} (continuing as ${n})`} switches from ${protocolName(q)} to ${protocolName(p)} in this phase: ${callers(n, p, domains)}`);
  }
  return out;
}

/**
 * A broker of another kind than the layout before's (postgres's queue, then nats, then sqs): the
 * publishers move to the new one in this phase, and the old one retires only once its in-flight
 * events are drained (every consumer has processed what it holds), or they are lost.
 */
function brokerNote(cur: ResolvedLayout, layout: Layout): string | undefined {
  const a = cur.layout.broker?.kind;
  const b = layout.broker?.kind;
  if (a === undefined || b === undefined || a === b) return undefined;
  return `the broker changes from ${a} to ${b}: the ${b} broker is set up and the publishers switch to it; consumers keep reading ${a} until the events in flight there are drained (every consumer has processed them), and only then does the ${a} broker retire`;
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
const replicas = (n: number) => `${n} replica${n === 1 ? '' : 's'}`;

/**
 * A target unit that goes on from a source unit: continuations() (the remainder of a unit the
 * others leave, renamed or not) and a unit with exactly a source unit's domains, under its name
 * or another (web going on as listings-api; nothing is built for it, so continuations() leaves
 * it out and the rename went unsaid). In the target's unit order.
 */
interface Continuing {
  from: string;
  to: string;
  /** the domains the others leave it (a continuation), or exactly the same domains */
  remainder: boolean;
}

function continuing(cur: ResolvedLayout, tgt: ResolvedLayout): Continuing[] {
  const rest = continuations(cur, tgt);
  const out: Continuing[] = [];
  for (const u of tgt.units) {
    const f = rest.get(u.name);
    if (f !== undefined) out.push({ from: f, to: u.name, remainder: true });
    else {
      const same = cur.units.find((x) => sameSet(x.domains, u.domains));
      if (same) out.push({ from: same.name, to: u.name, remainder: false });
    }
  }
  return out;
}

/** "a", "a and b", "a, b and c" */
const listed = (xs: string[]) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);

/**
 * What changes in how a unit runs, beyond its name, domains and replicas: each makes it a
 * redeploy, not a rename in place. The protocol is left to protocolNotes() for a unit that keeps
 * its name (it says who switches).
 */
function unitChanges(a: ResolvedUnit, b: ResolvedUnit, protocol: boolean): string[] {
  const out: string[] = [];
  if (a.port !== b.port) out.push(`port ${a.port} → ${b.port}`);
  if (a.image !== b.image) {
    out.push(
      a.image === undefined
        ? `the prebuilt image ${b.image} where it was built from source`
        : b.image === undefined
          ? `an image built from source where it ran ${a.image}`
          : `image ${a.image} → ${b.image}`,
    );
  }
  // No runtime is node (archsim's scaffold): "node" and none are the same.
  const runtime = (u: ResolvedUnit) => u.runtime ?? 'node';
  if (runtime(a) !== runtime(b)) out.push(`runtime ${runtime(a)} → ${runtime(b)}`);
  if (protocol && a.protocol !== b.protocol) out.push(`protocol ${protocolName(a.protocol)} → ${protocolName(b.protocol)}`);
  if (a.instance !== b.instance) out.push(`instance ${a.instance ?? 'none'} → ${b.instance ?? 'none'}`);
  return out;
}

/**
 * What a continuation is: a rename keeps the unit as it was under another name; other replicas
 * make it a scale-out (or -in) as well, which is not a rename (ingest going from 1 to 1000
 * replicas was called "a rename"). Another port, image, runtime or protocol makes it a redeploy
 * behind the gateway: the new unit starts beside the old and the traffic moves to its address
 * (search-api going on as indexer-worker on 9100 from a prebuilt image was "renamed and scaled
 * out, no traffic shift", and the canary then sent 90% of /api/search to indexer-worker:9100).
 * Nothing to say of a unit that keeps name, replicas and all.
 */
function continuationNote(cur: ResolvedLayout, tgt: ResolvedLayout, c: Continuing, ctx: { gateway: boolean; extractions: Extraction[]; bp: Blueprint }): string | undefined {
  const { from, to } = c;
  const a = cur.units.find((u) => u.name === from)!;
  const b = tgt.units.find((u) => u.name === to)!;
  const scaled = a.replicas !== b.replicas ? `from ${replicas(a.replicas)} to ${replicas(b.replicas)}` : undefined;
  const changes = unitChanges(a, b, from !== to);
  const who = `${ctx.gateway ? 'the gateway and ' : ''}the units that call ${from}`;
  if (from === to) {
    const what = [...(c.remainder ? ['keeps the domains the others leave it'] : []), ...(scaled ? [`goes ${scaled}`] : [])];
    if (!changes.length) return scaled ? `${to} ${what.join(' and ')} (no code moves, no traffic shift)` : undefined;
    const tail = a.port !== b.port ? `${who} switch from port ${a.port} to ${b.port}` : 'its replicas are replaced by new ones (a rolling update)';
    return `${to} ${[...what, `is redeployed with ${listed(changes)}`].join(' and ')}: ${tail}`;
  }
  const what = c.remainder ? 'the domains the others leave it' : 'the same domains';
  const same = a.instance === b.instance ? ', same instance' : '';
  if (!changes.length) {
    return scaled
      ? `${from} continues as ${to} (${what}${same}) and goes ${scaled}: renamed and ${b.replicas > a.replicas ? 'scaled out' : 'scaled in'}, no traffic shift`
      : `${from} continues as ${to} (${what}${same}: a rename, no traffic shift)`;
  }
  // This phase's canary shifts routes away from the renamed unit: its traffic must reach it first.
  const shifts = ctx.extractions.filter((e) => (e.from?.unit === to || e.sources?.some((x) => x.unit === to)) && hasRoutes(ctx.bp, e.domains)).map((e) => e.unit);
  const canary = shifts.length ? ` before this phase's canary shifts ${listed(shifts)}'s routes from ${to}` : '';
  return `${from} continues as ${to} (${what}${same})${scaled ? ` and goes ${scaled}` : ''}, with ${listed(changes)}; not a rename in place but a redeploy${ctx.gateway ? ' behind the gateway' : ''}: ${to} starts beside ${from}, ${who} switch from ${from}:${a.port} to ${to}:${b.port}${canary}, and ${from} stops once nothing reaches it`;
}

const hasRoutes = (bp: Blueprint, domains: string[]) => domains.some((d) => Object.values(bp.system.domains[d]!.operations).some(isPublic));

/** Tables whose datastore changes between the layouts and that no extraction moves, by the target unit that owns them. */
function carriedData(bp: Blueprint, cur: ResolvedLayout, tgt: ResolvedLayout, moved: Set<string>): CarriedData[] {
  const all = Object.values(bp.system.domains).flatMap((d) => d.tables);
  const by = new Map<string, CarriedData>();
  for (const m of tableMoves(cur, tgt, all)) {
    if (moved.has(m.table)) continue;
    const domain = Object.entries(bp.system.domains).find(([, d]) => d.tables.includes(m.table))![0];
    const unit = tgt.unitOfDomain.get(domain);
    const oldUnit = cur.unitOfDomain.get(domain);
    if (!unit || !oldUnit) continue;
    const key = `${unit}\u0000${oldUnit}`;
    const entry = by.get(key) ?? { unit, oldUnit, tables: [] };
    entry.tables.push(m);
    by.set(key, entry);
  }
  return [...by.values()];
}

/**
 * The canary's old side as this phase's layout has it. The canary runs in the phase's layout
 * (`generate gateway --plan P --phase N` writes that layout's gateway, its hosts the layout's
 * units), while routeSource() names the old unit as the layout before had it: a unit the phase
 * renames (`X-old` beside a new unit named X; a declared layout's continuation, a unit
 * `backend` running on as `monolith`) or moves to another port (the gateway takes its port) was
 * named where nothing listens, so the canary's old share of the requests went to a host the
 * phase does not have, or to the gateway's own port. A unit the phase retires keeps the name and
 * port it had before (it runs until the retire), and the phase says so.
 */
function canarySides(bp: Blueprint, cur: ResolvedLayout, tgt: ResolvedLayout, layout: Layout, extractions: Extraction[], moves: Move[], declared: boolean, notes: string[]): void {
  const built = new Set(moves.map((m) => m.unit));
  const renamed = new Map<string, string>();
  if (declared) for (const [t, f] of continuations(cur, tgt)) renamed.set(f, t);
  else for (const u of cur.units) if (built.has(u.name) && layout.units[`${u.name}-old`]) renamed.set(u.name, `${u.name}-old`);
  const side = (from: { unit: string; port: number }) => {
    const name = renamed.get(from.unit) ?? from.unit;
    const unit = built.has(name) ? undefined : layout.units[name];
    return unit ? { unit: name, port: unit.port } : from;
  };
  for (const e of extractions) if (e.sources) e.sources = e.sources.map((x) => ({ ...side(x), domains: x.domains }));
  for (const e of extractions) {
    if (!e.from) continue;
    const name = renamed.get(e.from.unit) ?? e.from.unit;
    const unit = built.has(name) ? undefined : layout.units[name];
    if (unit) e.from = { unit: name, port: unit.port };
    else if (e.domains.some((d) => Object.values(bp.system.domains[d]!.operations).some(isPublic))) notes.push(`${e.from.unit} (port ${e.from.port}) is not in this phase's layout: it serves ${e.unit}'s routes until the canary's last step and then retires, so the canary's gateway configs name it as the layout before had it`);
  }
}

/** The units these domains were in before, in the order of the domains. */
function sourcesOf(cur: ResolvedLayout, domains: string[]): { unit: string; port: number; domains: string[] }[] {
  const by = new Map<string, string[]>();
  for (const d of domains) {
    const u = cur.unitOfDomain.get(d);
    if (u) by.set(u, [...(by.get(u) ?? []), d]);
  }
  return [...by].map(([unit, ds]) => ({ unit, port: cur.units.find((x) => x.name === unit)!.port, domains: ds }));
}

/** The unit that served most of these domains' operations before (the canary's old side). */
function routeSource(bp: Blueprint, cur: ResolvedLayout, domains: string[]): { unit: string; port: number } | undefined {
  const count = new Map<string, number>();
  for (const d of domains) {
    const u = cur.unitOfDomain.get(d);
    if (u) count.set(u, (count.get(u) ?? 0) + Object.keys(bp.system.domains[d]!.operations).length);
  }
  const best = [...count].sort((a, b) => b[1] - a[1])[0];
  if (!best) return undefined;
  return { unit: best[0], port: cur.units.find((u) => u.name === best[0])!.port };
}

/** The intermediate layout: current units minus the moved domains, plus the new units. */
function derive(bp: Blueprint, cur: ResolvedLayout, tgt: ResolvedLayout, moves: Move[], notes: string[]): Layout {
  const moved = new Set(moves.flatMap((m) => m.domains));
  const units: Record<string, Unit> = {};
  for (const u of cur.units) {
    const left = u.domains.filter((d) => !moved.has(d));
    if (!left.length) {
      notes.push(`${u.name} retires: its last domains move to ${moves.map((m) => m.unit).join(', ')}`);
      continue;
    }
    units[u.name] = { ...clone(cur.layout.units[u.name]!), domains: left };
  }
  for (const m of moves) {
    let name = m.unit;
    if (units[name]) {
      // A unit of the source has the new unit's name but other domains: it keeps running as "-old".
      units[`${name}-old`] = units[name]!;
      delete units[name];
      notes.push(`${name} of the source layout runs as ${name}-old until its domains move`);
    }
    // The unit serves what it serves in the target from the phase that builds it: its own
    // protocol, else the target layout's. The derived layout keeps the source's layout-level
    // protocol (the units not yet extracted serve what they served), so a unit that inherited the
    // target's `protocol: grpc` served HTTP in every derived phase and switched, with no canary and
    // no word, in the last one.
    // (Written only where the inherited one would differ: the overlay stays as it was elsewhere.)
    const unit: Unit = { ...clone(tgt.layout.units[m.unit]!), domains: [...m.domains] };
    if (unit.protocol === undefined && tgt.layout.protocol !== cur.layout.protocol) unit.protocol = tgt.layout.protocol;
    units[name] = unit;
  }
  // Tables: moved domains' tables go to their target store (or the source store it continues).
  const match = matchStores(cur, tgt);
  const storeOf = new Map<string, string>();
  const defs = new Map<string, Datastore>();
  for (const s of cur.datastores) defs.set(s.name, clone(cur.layout.datastores[s.name]!));
  for (const s of cur.datastores) for (const t of s.tables) storeOf.set(t, s.name);
  for (const d of moved) {
    for (const t of bp.system.domains[d]!.tables) {
      const ts = tgt.storeOfTable.get(t);
      if (!ts) continue;
      const continued = match.get(ts);
      if (continued && defs.has(continued)) storeOf.set(t, continued);
      else {
        let name = ts;
        if (defs.has(name) && defs.get(name)!.engine !== tgt.layout.datastores[ts]!.engine) name = `${ts}-new`;
        if (!defs.has(name)) defs.set(name, clone(tgt.layout.datastores[ts]!));
        storeOf.set(t, name);
      }
    }
  }
  const datastores: Record<string, Datastore> = {};
  for (const [name, def] of defs) {
    const tables = [...storeOf].filter(([, s]) => s === name).map(([t]) => t);
    if (tables.length) datastores[name] = { ...def, tables };
    else notes.push(`datastore ${name} is emptied and retires`);
  }
  const layout: Layout = {
    ...clone(cur.layout),
    description: `${moves.map((m) => m.unit).join(', ')} extracted from ${cur.name} toward ${tgt.name} (archsim plan)`,
    style: 'hybrid',
    units,
    datastores,
    triggers: [],
  };
  delete layout.next;
  const multi = Object.keys(units).length > 1;
  // The routes this phase shifts from a unit of the layout before to a new one: the canary's work.
  const shifted = moves.filter((m) => m.domains.some((d) => cur.unitOfDomain.has(d) && Object.values(bp.system.domains[d]!.operations).some(isPublic)));
  if (multi && !layout.gateway && (tgt.layout.gateway || shifted.length)) {
    // The gateway runs as the service "gateway" (compose, Kubernetes): a unit or datastore of that
    // name cannot stand beside it (semantics.ts). Said here, as the user's to rename: the overlay
    // failed its own validation before (an internal error, exit 1).
    const named = units.gateway ? 'unit' : datastores.gateway ? 'datastore' : undefined;
    if (named) throw new PlanError(`${named} "gateway" (in ${cur.name} and the phases after it): this plan's phases put a gateway in front (to shift ${shifted.length ? shifted.map((m) => m.unit).join(', ') : 'the routes'} by weight), and a gateway runs as the service "gateway"; rename the ${named} in the blueprint`);
    layout.gateway = clone(tgt.layout.gateway) ?? { kind: 'nginx', port: 8000, replicas: 1, cpu: { dist: 'exp', mean: 0.2, cv: 1 } };
    // "an nginx", "an alb", "an envoy" gateway: the article goes by the name's sound.
    const article = /^(nginx|alb|envoy)$/.test(layout.gateway.kind) ? 'an' : 'a';
    // The target's own gateway goes in early. A target without one got an nginx in every derived
    // phase all the same, even one that shifts no route (a consumer-only unit), and the plan never
    // said why nor that it goes: it is there only to shift this phase's routes by weight.
    notes.push(
      tgt.layout.gateway
        ? `${article} ${layout.gateway.kind} gateway goes in front (strangler fig: it routes each domain to its unit)`
        : `${article} ${layout.gateway.kind} gateway goes in front although ${tgt.name} declares none: this phase shifts the routes of ${shifted.map((m) => m.unit).join(', ')} from the unit that serves them by weight (the canary), which needs something in front of both; it retires when the migration reaches a layout without one`,
    );
  }
  if (multi && !layout.broker && tgt.layout.broker) {
    layout.broker = clone(tgt.layout.broker);
    notes.push(`the ${layout.broker.kind} broker carries events between units`);
  }
  layout.network = clone(tgt.layout.network);
  for (const [k, x] of Object.entries(tgt.layout.extras)) if (!layout.extras[k]) layout.extras[k] = clone(x);
  freePorts(layout, new Set(moves.map((m) => m.unit)), notes);
  return layout;
}

/** Listeners must differ: units that are not new give way (the new ones keep the target's ports). */
function freePorts(l: Layout, fixed: Set<string>, notes: string[]): void {
  const taken = new Map<number, string>();
  const claim = (p: number | undefined, who: string) => p !== undefined && !taken.has(p) && taken.set(p, who);
  claim(l.gateway?.port, 'gateway');
  for (const [n, u] of Object.entries(l.units)) if (fixed.has(n)) claim(u.port, n);
  for (const [n, s] of Object.entries(l.datastores)) claim(s.port, n);
  claim(l.broker?.port, 'broker');
  let next = 8080;
  for (const [n, u] of Object.entries(l.units)) {
    if (fixed.has(n)) continue;
    if (!taken.has(u.port)) {
      taken.set(u.port, n);
      continue;
    }
    while (taken.has(next)) next++;
    notes.push(`${n} moves from port ${u.port} to ${next} (the ${taken.get(u.port)} listens on ${u.port})`);
    u.port = next;
    taken.set(next, n);
  }
}
