// The effective model of a blueprint: what every consumer (simulate, calibrate, generate,
// report, lint, checklist, the reference services) reads instead of the raw document, so that
// no two of them can fill in a default or walk a call tree differently.
//
// What is resolved, and the one rule for each:
// - operations: every default applied. The defaults themselves are declared in the zod schema
//   (schema.ts); here they are only looked up: payload sizes from system.defaults.payload, no
//   `db` means no queries, `internal` is true when there is no route.
// - call trees: one walk per operation, below it in call order (a callee called twice appears
//   twice, and a call with `count: N` appears N times), cut at a cycle (the loader rejects them;
//   a repaired draft may not), at MAX_CALL_DEPTH and at LIMITS.callSteps calls per request.
// - protocols: a call between units travels by its own `protocol`, else its callee unit's, else
//   its layout's; each protocol's hop costs are the layout's network figures, gRPC's own where
//   given (callProtocol, ResolvedLayout.hop).
// - layouts: placement ("*" takes every domain or table no explicit list took; the first "*"
//   wins), each operation's unit and primary datastore, its effective query times (the
//   operation's own, else the datastore's — Redis is not PostgreSQL —, else the system's), the
//   route table and each unit's wiring.
//
// Pure and memoized per blueprint object: a blueprint is resolved once per load, however many
// consumers ask (blueprints are never mutated after loading; derive a new object instead).
import { byRouteOrder, pathPattern, type RouteEntry } from './routes.js';
import type { Blueprint, Call, Datastore, Dist, Layout, Operation, Protocol, Queries, Unit } from './schema.js';
import { LIMITS } from './limits.js';
import { ArchsimError } from '../errors.js';

/** An operation with every default applied (same shape as the schema's, nothing optional that has a default). */
export type EffectiveOperation = Omit<Operation, 'db' | 'request' | 'response' | 'internal'> & {
  internal: boolean;
  db: Queries;
  /** request payload, bytes */
  request: number;
  /** response payload, bytes */
  response: number;
};

export interface OperationRef {
  /** "domain.operation" */
  id: string;
  domain: string;
  name: string;
  op: EffectiveOperation;
}

export interface EffectiveEvent {
  name: string;
  consumers: string[];
  /** message size, bytes */
  payload: number;
}

/** One call of a request's synchronous call tree. */
export interface CallNode {
  /** the call as the caller declares it (policy included) */
  call: Call;
  caller: OperationRef;
  callee: OperationRef;
  /** 1 for the root's own calls */
  depth: number;
  /** which of the call's `count` repetitions this is, from 0 (draw a repeated call once: nth 0, ×call.count) */
  nth: number;
  children: CallNode[];
}

/** One step of a call tree, flattened depth-first in call order. */
export type CallStep = Omit<CallNode, 'children'>;

export interface CallTree {
  root: OperationRef;
  /** the root's calls, each with the calls below it */
  calls: CallNode[];
  /** every call, depth-first in call order */
  steps: CallStep[];
  /** operation id → how many times one request of the root runs it (the root included) */
  runs: Map<string, number>;
  /** why the walk was cut somewhere, if it was */
  cut: string[];
  /** the tree has more than LIMITS.callSteps calls and was cut there (the loader rejects such a blueprint) */
  tooLarge: boolean;
}

/** Deeper call chains than this are cut (and said so). */
export const MAX_CALL_DEPTH = 32;

export interface ResolvedUnit extends Unit {
  name: string;
  domains: string[];
  /** what it serves to other units: its own protocol, else the layout's (a call may still say otherwise) */
  protocol: Protocol;
  /** its own background CPU, else the system's default (cores per worker of each replica) */
  backgroundCpu: number;
}

export interface ResolvedDatastore extends Datastore {
  name: string;
  tables: string[];
}

/** An operation as it runs in one layout. */
export interface PlacedOperation {
  ref: OperationRef;
  /** the unit that runs it (undefined only in a draft that places its domain nowhere) */
  unit: ResolvedUnit | undefined;
  /** where its queries go: its domain's primary datastore */
  store: ResolvedDatastore | undefined;
  /** service time of one read and one write there: the operation's own, else the datastore's, else the system's */
  read: Dist;
  write: Dist;
}

/** What a unit talks to: its datastores, the units it calls synchronously, the broker. */
export interface Wiring {
  unit: ResolvedUnit;
  /** the datastores it connects to (an engine: memory store is its own process's state: not here) */
  stores: ResolvedDatastore[];
  /** Units this unit calls over the network (sorted by name): its calls and, without a broker, the units its events go to. */
  calls: ResolvedUnit[];
  /** unit name → the protocols this unit calls it by (one of `calls`; sorted) */
  callProtocols: Record<string, Protocol[]>;
  /** the protocols other units call this one by, and its own (sorted): what it must serve */
  serves: Protocol[];
  usesBroker: boolean;
}

/** The cost of one hop between units by one protocol: ms, ms per call and side, ms per KiB and side. */
export interface Hop {
  latency: number;
  cpuPerCall: number;
  cpuPerKiB: number;
}

export interface ResolvedLayout {
  name: string;
  layout: Layout;
  units: ResolvedUnit[];
  datastores: ResolvedDatastore[];
  /** domain → unit name */
  unitOfDomain: Map<string, string>;
  /** table → datastore name */
  storeOfTable: Map<string, string>;
  /** domain → the datastores its tables live in (in table order, deduplicated) */
  storesOfDomain: Map<string, string[]>;
  /** domain → where its operations' queries go: the first relational store among its tables, else its first store */
  primaryStoreOfDomain: Map<string, ResolvedDatastore | undefined>;
  /** operation id → where and how it runs here */
  operations: Map<string, PlacedOperation>;
  /** which unit serves each public operation, in the order a first-match router needs */
  routes: RouteEntry[];
  /** per unit, in unit order */
  wiring: Wiring[];
  /** each protocol's hop costs here: the layout's network figures, gRPC's own where it gives them */
  hop: Record<Protocol, Hop>;
}

export interface ResolvedBlueprint {
  blueprint: Blueprint;
  /** every operation, in blueprint order */
  operations: OperationRef[];
  operationIndex: Map<string, OperationRef>;
  events: Map<string, EffectiveEvent>;
  /** table → the domains that own it (one, in a valid blueprint) */
  tableOwners: Map<string, string[]>;
  layoutNames: string[];
  hasLayout(name: string): boolean;
  /** throws UnknownLayoutError for a name the blueprint does not have */
  layout(name: string): ResolvedLayout;
  callTree(opId: string): CallTree;
}

export class UnknownLayoutError extends ArchsimError {
  override name = 'UnknownLayoutError';
  readonly kind = 'usage';
  constructor(
    readonly layout: string,
    readonly known: string[],
  ) {
    super(`unknown layout "${layout}"; layouts: ${known.join(', ')}`);
  }
}

const memo = new WeakMap<Blueprint, ResolvedBlueprint>();
/**
 * What a blueprint's resolution is made of depends on its system, and a layout's on the system
 * and that layout object alone. Derived blueprints (`{ ...bp, layouts: { ...bp.layouts, x } }`,
 * what the planner and the scenario tools build by the dozen) share both: resolving one costs
 * only its new layouts. Keyed by object identity, so the rule is the memo's: never mutate a
 * system or a layout after resolving it; derive a new object instead.
 */
interface SystemResolution {
  operations: OperationRef[];
  operationIndex: Map<string, OperationRef>;
  events: Map<string, EffectiveEvent>;
  tableOwners: Map<string, string[]>;
  trees: Map<string, CallTree>;
  /** layout object → layout name → its resolution */
  layouts: WeakMap<Layout, Map<string, ResolvedLayout>>;
}
const bySystem = new WeakMap<Blueprint['system'], SystemResolution>();
/**
 * What `db` absent means: no queries (the schema's reads/writes defaults). Written out rather
 * than parsed from the schema so that reading the model does not load zod (`archsim --help`
 * and inspect stay light); test/model/resolve.test.ts checks it equals Queries.parse({}).
 */
export const NO_QUERIES: Queries = Object.freeze({ reads: 0, writes: 0 });

function resolveSystem(bp: Blueprint): SystemResolution {
  const hit = bySystem.get(bp.system);
  if (hit) return hit;
  const payload = bp.system.defaults.payload;
  const operations: OperationRef[] = [];
  for (const [domain, d] of Object.entries(bp.system.domains)) {
    for (const [name, op] of Object.entries(d.operations)) {
      const effective: EffectiveOperation = {
        ...op,
        internal: op.internal ?? op.route === undefined,
        db: op.db ?? NO_QUERIES,
        request: op.request ?? payload.request,
        response: op.response ?? payload.response,
      };
      operations.push({ id: `${domain}.${name}`, domain, name, op: effective });
    }
  }
  const operationIndex = new Map(operations.map((o) => [o.id, o]));
  const events = new Map(Object.entries(bp.system.events).map(([name, e]) => [name, { name, consumers: e.consumers, payload: e.payload ?? payload.event }]));
  const tableOwners = new Map<string, string[]>();
  for (const [domain, d] of Object.entries(bp.system.domains)) {
    for (const t of d.tables) tableOwners.set(t, [...(tableOwners.get(t) ?? []), domain]);
  }
  const s: SystemResolution = { operations, operationIndex, events, tableOwners, trees: new Map(), layouts: new WeakMap() };
  bySystem.set(bp.system, s);
  return s;
}

export function resolveBlueprint(bp: Blueprint): ResolvedBlueprint {
  const hit = memo.get(bp);
  if (hit) return hit;
  const sys = resolveSystem(bp);
  const { operations, operationIndex, events, tableOwners, trees } = sys;
  const rb: ResolvedBlueprint = {
    blueprint: bp,
    operations,
    operationIndex,
    events,
    tableOwners,
    layoutNames: Object.keys(bp.layouts),
    // Own keys only: a layout called "toString" must not resolve to Object.prototype's.
    hasLayout: (name) => Object.hasOwn(bp.layouts, name),
    layout(name) {
      if (!Object.hasOwn(bp.layouts, name)) throw new UnknownLayoutError(name, Object.keys(bp.layouts));
      const layout = bp.layouts[name]!;
      let byName = sys.layouts.get(layout);
      if (!byName) sys.layouts.set(layout, (byName = new Map()));
      let r = byName.get(name);
      if (!r) byName.set(name, (r = resolveLayoutOf(rb, name, layout)));
      return r;
    },
    callTree(opId) {
      let t = trees.get(opId);
      if (!t) trees.set(opId, (t = walkCalls(operationIndex, opId)));
      return t;
    },
  };
  memo.set(bp, rb);
  return rb;
}

function walkCalls(ops: Map<string, OperationRef>, rootId: string): CallTree {
  const root = ops.get(rootId);
  if (!root) throw new Error(`unknown operation "${rootId}"`);
  const steps: CallStep[] = [];
  const runs = new Map<string, number>([[rootId, 1]]);
  const cut: string[] = [];
  let tooLarge = false;
  const below = (caller: OperationRef, depth: number, path: string[]): CallNode[] => {
    const out: CallNode[] = [];
    for (const call of caller.op.calls) {
      const callee = ops.get(call.op);
      if (!callee) continue;
      if (path.includes(call.op)) {
        cut.push(`cycle of synchronous calls at ${caller.id} → ${call.op} (cut here)`);
        continue;
      }
      if (depth > MAX_CALL_DEPTH) {
        cut.push(`call depth over ${MAX_CALL_DEPTH} at ${caller.id} → ${call.op} (cut here)`);
        continue;
      }
      // A call with count N is N calls, one after another: each its own node (and subtree), so
      // every consumer that walks the tree counts the callee's work N times without knowing.
      for (let nth = 0; nth < call.count; nth++) {
        if (tooLarge) return out;
        if (steps.length >= LIMITS.callSteps) {
          tooLarge = true;
          cut.push(`over ${LIMITS.callSteps} calls in one request of ${rootId} (counts multiply down the tree): cut at ${caller.id} → ${call.op}`);
          return out;
        }
        const node: CallNode = { call, caller, callee, depth, nth, children: [] };
        steps.push({ call, caller, callee, depth, nth });
        runs.set(callee.id, (runs.get(callee.id) ?? 0) + 1);
        node.children = below(callee, depth + 1, [...path, call.op]);
        out.push(node);
      }
    }
    return out;
  };
  return { root, calls: below(root, 1, [rootId]), steps, runs, cut: [...new Set(cut)], tooLarge };
}

/** Where each entry's selector places names: the one "*" rule, and what went wrong with it. */
export interface Placement {
  /** entry name → the names it holds */
  of: Map<string, string[]>;
  /** entries that wrote "*" after another already had (they get nothing) */
  extraStars: { entry: string; first: string }[];
  /** names listed by a later entry after an earlier one took them (the first keeps them) */
  twice: { entry: string; index: number; name: string; first: string }[];
  /** names listed that are not among the known ones */
  unknown: { entry: string; index: number; name: string }[];
  /** known names no entry holds */
  unplaced: string[];
}

/** "*" takes every known name no explicit list took; the first "*" wins. */
export function place(entries: [string, { selector: '*' | string[] }][], known: string[]): Placement {
  const explicit = new Set<string>();
  for (const [, e] of entries) if (Array.isArray(e.selector)) e.selector.forEach((n) => explicit.add(n));
  const knownSet = new Set(known);
  const of = new Map<string, string[]>();
  const p: Placement = { of, extraStars: [], twice: [], unknown: [], unplaced: [] };
  const firstOf = new Map<string, string>();
  let star: string | undefined;
  for (const [name, e] of entries) {
    if (e.selector === '*') {
      if (star !== undefined) p.extraStars.push({ entry: name, first: star });
      of.set(name, star !== undefined ? [] : known.filter((n) => !explicit.has(n)));
      star ??= name;
      continue;
    }
    of.set(name, [...e.selector]);
    e.selector.forEach((n, index) => {
      if (!knownSet.has(n)) p.unknown.push({ entry: name, index, name: n });
      else if (firstOf.has(n)) p.twice.push({ entry: name, index, name: n, first: firstOf.get(n)! });
      else firstOf.set(n, name);
    });
  }
  if (star === undefined) p.unplaced = known.filter((n) => !firstOf.has(n));
  return p;
}

export function placeDomains(bp: Blueprint, layout: Layout): Placement {
  return place(Object.entries(layout.units).map(([n, u]) => [n, { selector: u.domains }]), Object.keys(bp.system.domains));
}

export function placeTables(rb: ResolvedBlueprint, layout: Layout): Placement {
  return place(Object.entries(layout.datastores).map(([n, d]) => [n, { selector: d.tables }]), [...rb.tableOwners.keys()]);
}

const RELATIONAL_QUERY_ENGINES = new Set(['postgres', 'mysql']);

/**
 * Object stores: they scale out (S3 is a fleet, MinIO spreads a request over its drives and
 * cores), so a read or write of one waits for no core. compile.ts serves their queries, where one
 * is a domain's primary store, bounded only by the units' connections unless `cores:` is given.
 */
export const OBJECT_STORE_ENGINES: ReadonlySet<string> = new Set(['s3', 'minio']);

function resolveLayoutOf(rb: ResolvedBlueprint, name: string, layout: Layout): ResolvedLayout {
  const bp = rb.blueprint;
  const unitDomains = placeDomains(bp, layout).of;
  const storeTables = placeTables(rb, layout).of;
  const units: ResolvedUnit[] = Object.entries(layout.units).map(([n, u]) => ({ ...u, name: n, domains: unitDomains.get(n)!, protocol: u.protocol ?? layout.protocol, backgroundCpu: u.backgroundCpu ?? bp.system.defaults.backgroundCpu }));
  const datastores: ResolvedDatastore[] = Object.entries(layout.datastores).map(([n, d]) => ({ ...d, name: n, tables: storeTables.get(n)! }));
  const unitOfDomain = new Map<string, string>();
  for (const u of units) for (const d of u.domains) if (!unitOfDomain.has(d)) unitOfDomain.set(d, u.name);
  const storeOfTable = new Map<string, string>();
  for (const s of datastores) for (const t of s.tables) if (!storeOfTable.has(t)) storeOfTable.set(t, s.name);
  const storesOfDomain = new Map<string, string[]>();
  const primaryStoreOfDomain = new Map<string, ResolvedDatastore | undefined>();
  for (const [domain, d] of Object.entries(bp.system.domains)) {
    const stores: string[] = [];
    for (const t of d.tables) {
      const s = storeOfTable.get(t);
      if (s && !stores.includes(s)) stores.push(s);
    }
    storesOfDomain.set(domain, stores);
    // Queries are counted per operation, not per table: they go to the first relational store
    // among the domain's tables, else to its first store at all.
    const own = stores.map((n) => datastores.find((x) => x.name === n)!);
    primaryStoreOfDomain.set(domain, own.find((s) => RELATIONAL_QUERY_ENGINES.has(s.engine)) ?? own[0]);
  }
  const defaults = bp.system.defaults.db;
  // An in-process store's queries are a map lookup and a copy, not a round trip to a server.
  const memory = bp.system.defaults.memory;
  const operations = new Map<string, PlacedOperation>();
  for (const ref of rb.operations) {
    const unitName = unitOfDomain.get(ref.domain);
    const store = primaryStoreOfDomain.get(ref.domain);
    operations.set(ref.id, {
      ref,
      unit: units.find((u) => u.name === unitName),
      store,
      read: ref.op.db.read ?? store?.read ?? (store?.engine === 'memory' ? memory.read : defaults.read),
      write: ref.op.db.write ?? store?.write ?? (store?.engine === 'memory' ? memory.write : defaults.write),
    });
  }
  const net = layout.network;
  const hop: Record<Protocol, Hop> = {
    http: { latency: net.latency, cpuPerCall: net.cpuPerCall, cpuPerKiB: net.cpuPerKiB },
    grpc: { latency: net.grpc.latency ?? net.latency, cpuPerCall: net.grpc.cpuPerCall ?? net.cpuPerCall, cpuPerKiB: net.grpc.cpuPerKiB ?? net.cpuPerKiB },
  };
  const r: ResolvedLayout = { name, layout, units, datastores, unitOfDomain, storeOfTable, storesOfDomain, primaryStoreOfDomain, operations, routes: [], wiring: [], hop };
  r.routes = routeEntries(r);
  r.wiring = wiringOf(rb, r);
  return r;
}

function routeEntries(r: ResolvedLayout): RouteEntry[] {
  const out: RouteEntry[] = [];
  for (const p of r.operations.values()) {
    const { ref, unit } = p;
    if (!isPublic(ref.op) || !ref.op.route || !unit) continue;
    const { method, path } = ref.op.route;
    out.push({
      op: ref.id,
      domain: ref.domain,
      method,
      path,
      unit: unit.name,
      port: unit.port,
      pattern: pathPattern(path),
      prefix: path.split('{')[0]!,
      websocket: method === 'WS',
    });
  }
  // Literal paths before parameterized ones, longer before shorter: the order a router that
  // takes the first match needs (GET /users/search before GET /users/{id}).
  return out.sort(byRouteOrder);
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function wiringOf(rb: ResolvedBlueprint, r: ResolvedLayout): Wiring[] {
  const consumers = new Set([...rb.events.values()].flatMap((e) => e.consumers.map((c) => c.split('.')[0]!)));
  const unitByName = new Map(r.units.map((u) => [u.name, u]));
  /** unit → unit → protocols, over every declared call between two units */
  const by = new Map<string, Map<string, Set<Protocol>>>();
  for (const o of rb.operations) {
    const from = r.unitOfDomain.get(o.domain);
    for (const c of o.op.calls) {
      const target = rb.operationIndex.get(c.op);
      const to = target && r.unitOfDomain.get(target.domain);
      if (!from || !to || to === from) continue;
      const m = by.get(from) ?? by.set(from, new Map()).get(from)!;
      (m.get(to) ?? m.set(to, new Set()).get(to)!).add(callProtocol(r, c, unitByName.get(to)));
    }
    // Without a broker an event reaches a consumer in another unit as a direct call, by the
    // consumer unit's protocol (compile.ts models it so; the scaffold's events.ts calls it so):
    // the publisher needs that unit's address and both the service token.
    if (r.layout.broker !== undefined || !from) continue;
    for (const e of o.op.emits) {
      for (const c of rb.events.get(e)?.consumers ?? []) {
        const target = rb.operationIndex.get(c);
        const to = target && r.unitOfDomain.get(target.domain);
        if (!to || to === from) continue;
        const m = by.get(from) ?? by.set(from, new Map()).get(from)!;
        (m.get(to) ?? m.set(to, new Set()).get(to)!).add(unitByName.get(to)!.protocol);
      }
    }
  }
  const sorted = (s: Iterable<Protocol>) => [...new Set(s)].sort(byCodeUnit);
  return r.units.map((unit) => {
    const storeNames = new Set(unit.domains.flatMap((d) => r.storesOfDomain.get(d) ?? []));
    const stores = r.datastores.filter((d) => storeNames.has(d.name) && d.engine !== 'memory');
    const out = by.get(unit.name) ?? new Map<string, Set<Protocol>>();
    const emits = rb.operations.some((o) => unit.domains.includes(o.domain) && o.op.emits.length > 0);
    const calls = r.units.filter((u) => out.has(u.name)).sort((a, b) => byCodeUnit(a.name, b.name));
    const callProtocols = Object.fromEntries(calls.map((u) => [u.name, sorted(out.get(u.name)!)]));
    const serves = sorted([unit.protocol, ...[...by.values()].flatMap((m) => [...(m.get(unit.name) ?? [])])]);
    const usesBroker = r.layout.broker !== undefined && (emits || unit.domains.some((d) => consumers.has(d)));
    return { unit, stores, calls, callProtocols, serves, usesBroker };
  });
}

/** How a call travels in a layout when it crosses units: its own protocol, else its callee unit's, else the layout's. */
export function callProtocol(r: Pick<ResolvedLayout, 'layout'>, call: Pick<Call, 'protocol'>, callee: Pick<ResolvedUnit, 'protocol'> | undefined): Protocol {
  return call.protocol ?? callee?.protocol ?? r.layout.protocol;
}

// ---- shorthands (each one a read of the resolved model) ------------------------------------

export function isPublic(op: Pick<Operation, 'route' | 'internal'>): boolean {
  return op.route !== undefined && op.internal !== true;
}

export function operations(bp: Blueprint): OperationRef[] {
  return resolveBlueprint(bp).operations;
}

export function operationIndex(bp: Blueprint): Map<string, OperationRef> {
  return resolveBlueprint(bp).operationIndex;
}

export function tableOwners(bp: Blueprint): Map<string, string[]> {
  return resolveBlueprint(bp).tableOwners;
}

export function resolveLayout(bp: Blueprint, name: string): ResolvedLayout {
  return resolveBlueprint(bp).layout(name);
}

export function layoutNames(bp: Blueprint): string[] {
  return resolveBlueprint(bp).layoutNames;
}

/** The datastore a domain's operations query (ResolvedLayout.primaryStoreOfDomain). */
export function primaryStore(r: ResolvedLayout, domain: string): ResolvedDatastore | undefined {
  return r.primaryStoreOfDomain.get(domain);
}

export function routeTable(bp: Blueprint, layout: string): RouteEntry[] {
  return resolveBlueprint(bp).layout(layout).routes;
}
