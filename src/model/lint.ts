// Architecture lint: the coupling problems a layout of a blueprint has, each with the document
// path to point at and why it matters. Pure: blueprint in, findings out.
import { domainEdges, unitEdges, type Edge } from './dependencies.js';
import { terminalText } from './diagnostics.js';
import { brokerMessageFindings } from './lint-broker-message.js';
import { callProtocol, isPublic, OBJECT_STORE_ENGINES, operations, primaryStore, resolveBlueprint, type CallStep, type OperationRef, type ResolvedLayout } from './resolve.js';
import type { Blueprint } from './schema.js';

export type LintSeverity = 'error' | 'warning' | 'info';

export interface Finding {
  rule: LintRule;
  severity: LintSeverity;
  /** the layout the finding is about; absent for findings about the system itself */
  layout?: string;
  /** path in the blueprint document, for file:line:col */
  path: (string | number)[];
  message: string;
  why: string;
}

export const LINT_RULES = {
  'sync-cycle': 'units that call each other synchronously, in a cycle',
  'shared-datastore': 'a datastore holding tables of domains placed in different units',
  'chatty-operation': 'a request that makes many synchronous calls across units',
  'distributed-write': 'a request that writes in two or more units through its synchronous calls',
  'dual-write': 'an operation that writes and publishes an event to another unit',
  'hub-unit': 'a unit with high fan-in and fan-out, or one that depends on most others',
  'critical-dependency': 'a unit most other units depend on',
  'extraction-order': 'the order in which domains could leave the monolith, fewest dependencies first',
  'workers-over-vcpu': 'a unit with more workers than its instance has vCPUs (the extra workers add no cores)',
  'grpc-hop-cost': 'gRPC calls between units charged the HTTP hop costs, because the layout gives no network.grpc figure',
  'memory-state-replicas': 'an in-process (engine: memory) store in a unit with several replicas: each replica holds its own copy',
  'unqueried-datastore': 'a datastore holding tables that no query reaches: each domain queries only its primary store',
  'broker-message-size': "an event larger than the most its layout's broker can be set to take (SQS 1 MiB, NATS 64 MiB, RabbitMQ 512 MiB, a PostgreSQL queue 1 GiB)",
} as const;
export type LintRule = keyof typeof LINT_RULES;

export interface LintOptions {
  /** a request making more than this many cross-unit synchronous calls is chatty (default 3) */
  chattyThreshold?: number;
  /** fan-in + fan-out at which a unit with both ≥ 2 is a hub (default 5) */
  hubDegree?: number;
}

const RELATIONAL = new Set(['postgres', 'mysql', 'mongodb']);
const BLOB_ENGINES = new Set(['minio', 's3', 'filesystem']);
const SEVERITY_ORDER: Record<LintSeverity, number> = { error: 0, warning: 1, info: 2 };

/** Lint one layout, or every layout when none is named; system-wide findings come once. */
export function lint(bp: Blueprint, layout?: string, opts: LintOptions = {}): Finding[] {
  const names = layout === undefined ? Object.keys(bp.layouts) : [layout];
  const out: Finding[] = [];
  const rb = resolveBlueprint(bp);
  for (const name of names) out.push(...lintLayout(bp, rb.layout(name), opts));
  const order = extractionFinding(bp);
  if (order) out.push(order);
  return out.sort(lintOrder(names));
}

/** Severity, then layout (in the order given), then rule, then document path. */
const lintOrder = (names: string[]) => (a: Finding, b: Finding) =>
  SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
  names.indexOf(a.layout ?? '') - names.indexOf(b.layout ?? '') ||
  a.rule.localeCompare(b.rule) ||
  a.path.join('.').localeCompare(b.path.join('.'));

/**
 * One layout's shared-datastore findings, exactly as `lint` lists them, without running the
 * other rules (the planner lists these for every phase).
 */
export function sharedDatastoreLint(bp: Blueprint, layout: string): Finding[] {
  const r = resolveBlueprint(bp).layout(layout);
  return r.units.length < 2 ? [] : sharedDatastoreFindings(bp, r).sort(lintOrder([layout]));
}

function lintLayout(bp: Blueprint, r: ResolvedLayout, opts: LintOptions): Finding[] {
  // A broker delivers to the publishing unit's own consumers too (localDelivery: broker): one unit is enough.
  const capacity = [...workerFindings(bp, r), ...memoryFindings(r), ...unqueriedStoreFindings(r), ...brokerSizeFindings(bp, r)];
  if (r.units.length < 2) return capacity;
  const edges = unitEdges(bp, r);
  return [
    ...syncCycleFindings(bp, r, edges),
    ...sharedDatastoreFindings(bp, r),
    ...requestFindings(bp, r, opts.chattyThreshold ?? 3),
    ...dualWriteFindings(bp, r),
    ...hubFindings(r, edges, opts.hubDegree ?? 5),
    ...grpcFindings(bp, r),
    ...capacity,
  ];
}

// ---- protocols and in-process state ----------------------------------------------------------

/** gRPC hops without gRPC's own figures cost what HTTP ones do: say so, and where to set them. */
function grpcFindings(bp: Blueprint, r: ResolvedLayout): Finding[] {
  const g = r.layout.network.grpc;
  // Any gRPC figure given is a decision about gRPC's costs: hint only where there is none.
  if (g.cpuPerCall !== undefined || g.cpuPerKiB !== undefined || g.latency !== undefined) return [];
  const unitByName = new Map(r.units.map((u) => [u.name, u]));
  const calls: string[] = [];
  for (const o of operations(bp)) {
    const from = r.unitOfDomain.get(o.domain);
    for (const c of o.op.calls) {
      const to = r.unitOfDomain.get(split(c.op)[0]);
      if (from && to && from !== to && callProtocol(r, c, unitByName.get(to)) === 'grpc') calls.push(`${o.id} → ${c.op}`);
    }
  }
  if (!calls.length) return [];
  const h = r.hop.http;
  return [
    {
      rule: 'grpc-hop-cost',
      severity: 'info',
      layout: r.name,
      path: ['layouts', r.name, 'network'],
      message: `${calls.length} gRPC call${calls.length === 1 ? '' : 's'} between units (${calls.slice(0, 3).join(', ')}${calls.length > 3 ? ', …' : ''}) cost the HTTP figures: network.cpuPerCall ${h.cpuPerCall} ms and cpuPerKiB ${h.cpuPerKiB} ms per side`,
      why: 'archsim has no gRPC figure of its own: protobuf over HTTP/2 usually costs a different CPU per call and per KiB than JSON over HTTP/1.1, so set network.grpc.cpuPerCall and network.grpc.cpuPerKiB (and latency, if it differs) from a measurement of your services, e.g. a micro-benchmark of one call, or `archsim calibrate` on a layout that makes them.',
    },
  ];
}

/** State in a process is per process: replicas of its unit each hold their own. */
function memoryFindings(r: ResolvedLayout): Finding[] {
  const out: Finding[] = [];
  for (const s of r.datastores) {
    if (s.engine !== 'memory') continue;
    const owners = new Set([...r.storesOfDomain].filter(([, st]) => st.includes(s.name)).map(([d]) => d));
    const units = r.units.filter((u) => u.domains.some((d) => owners.has(d)) && (u.replicas > 1 || (u.autoscale?.max ?? 1) > 1));
    for (const u of units) {
      out.push({
        rule: 'memory-state-replicas',
        severity: 'warning',
        layout: r.name,
        path: ['layouts', r.name, 'datastores', s.name, 'engine'],
        message: `"${s.name}" (engine memory) lives in each replica of ${u.name} (${u.autoscale ? `${u.autoscale.min}–${u.autoscale.max}` : u.replicas} replicas): each holds its own copy`,
        why: 'In-process state is not shared: a write on one replica is not seen by the others, and a restart loses it. That is right for a cache or read-only data loaded at start-up; for anything else use a shared store (redis, a database) or one replica.',
      });
    }
  }
  return out;
}

/**
 * A domain's queries go to one store, its primary (resolve.ts: the first postgres/mysql store
 * among its tables, else its first): a second store of the domain (a redis for a cache table) is
 * costed, drawn and failed in scenarios, but no request ever waits on it in the simulation.
 */
function unqueriedStoreFindings(r: ResolvedLayout): Finding[] {
  const primaries = new Set([...r.primaryStoreOfDomain.values()].filter((s) => s !== undefined).map((s) => s!.name));
  const out: Finding[] = [];
  for (const s of r.datastores) {
    if (primaries.has(s.name)) continue;
    const tables = [...r.storeOfTable].filter(([, st]) => st === s.name).map(([t]) => t);
    if (!tables.length) continue;
    const domains = [...r.storesOfDomain].filter(([, st]) => st.includes(s.name)).map(([d]) => d);
    const elsewhere = domains.map((d) => `the queries of ${d} go to ${r.primaryStoreOfDomain.get(d)?.name ?? 'none'}`).join(', ');
    // An object or file store holds blobs, which no blueprint figure describes: said, not warned.
    const blobs = BLOB_ENGINES.has(s.engine);
    // As a domain's primary store an object store is simulated (compile.ts: it scales out): said,
    // so that "not reached" is not read as "object stores are never simulated".
    const asPrimary = OBJECT_STORE_ENGINES.has(s.engine)
      ? ` (An object store that is a domain's primary store is simulated: object stores scale out, so each read or write takes its read or write time and waits for no core, only for a connection once the units' pool × processes are all busy; give the store \`cores:\` to have it queue on that many.)`
      : '';
    out.push({
      rule: 'unqueried-datastore',
      severity: blobs ? 'info' : 'warning',
      layout: r.name,
      path: ['layouts', r.name, 'datastores', s.name, 'tables'],
      message: `"${s.name}" (${s.engine}) holds ${tables.join(', ')} but no query reaches it: ${elsewhere}`,
      why: blobs
        ? `An operation's reads and writes go to its domain's primary store only, and this store is no domain's primary (that is the first postgres or mysql store among the domain's tables, else its first store): no read or write reaches it in the simulation, so its cost and its failure scenarios count, its latency does not. Put the transfer's time in the operation's cpu or wait if it matters.${asPrimary}`
        : "archsim sends an operation's queries to its domain's primary store (the first postgres or mysql store among the domain's tables, else its first store), so this one is paid for and drawn but idle in every simulation. To model reads from a cache, put the cached table in a domain of its own (a get operation with db reads on this store) and have the readers call it.",
    });
  }
  return out;
}

/** An event no setting of the layout's broker lets through: the broker rejects every one (lint-broker-message.ts). */
function brokerSizeFindings(bp: Blueprint, r: ResolvedLayout): Finding[] {
  return brokerMessageFindings(bp, r).map((f) => ({ rule: 'broker-message-size', severity: 'error', layout: r.name, path: f.path, message: f.message, why: f.why }));
}

// ---- workers above the instance's cores ------------------------------------------------------

/** The simulator serves a unit's requests on min(workers, vCPU) servers: say so where that caps. */
function workerFindings(bp: Blueprint, r: ResolvedLayout): Finding[] {
  const out: Finding[] = [];
  for (const u of r.units) {
    const vcpu = u.instance ? bp.catalog[u.instance]?.vcpu : undefined;
    if (vcpu === undefined || u.workers <= Math.ceil(vcpu)) continue;
    out.push({
      rule: 'workers-over-vcpu',
      severity: 'warning',
      layout: r.name,
      path: ['layouts', r.name, 'units', u.name, 'workers'],
      // A catalog key is free text (any character): escaped, so the finding stays one line.
      message: `${u.name} runs ${u.workers} workers on ${terminalText(u.instance!)} (${vcpu} vCPU): it is simulated with ${Math.ceil(vcpu)} server${Math.ceil(vcpu) > 1 ? 's' : ''}`,
      why: 'A worker process doing request work uses one core; workers beyond the cores share them and add no capacity (they can still hide I/O waits, which the blueprint models as `wait`). Use an instance with more vCPUs, or fewer workers.',
    });
  }
  return out;
}

// ---- sync cycles between units ------------------------------------------------------------

/** The loader already rejects operation-level cycles; units can still call each other in a circle. */
function syncCycleFindings(bp: Blueprint, r: ResolvedLayout, edges: Edge[]): Finding[] {
  const sync = edges.filter((e) => e.kind === 'sync');
  const out: Finding[] = [];
  for (const scc of stronglyConnected(r.units.map((u) => u.name), sync)) {
    if (scc.length < 2) continue;
    const cycle = cycleThrough(scc, sync);
    const first = sync.find((e) => e.from === cycle[0] && e.to === cycle[1])!;
    const [caller, callee] = first.via[0]!.split(' → ') as [string, string];
    out.push({
      rule: 'sync-cycle',
      severity: 'error',
      layout: r.name,
      path: callPath(bp, caller, callee),
      message: `units call each other synchronously in a cycle: ${cycle.join(' → ')} (${cycle
        .slice(0, -1)
        .map((u, i) => sync.find((e) => e.from === u && e.to === cycle[i + 1])!.via[0])
        .join('; ')})`,
      why: 'Units in a synchronous cycle cannot be deployed, scaled or restarted independently: each waits on the other, a slow one slows all, and a failure in one can cascade around the loop. Break the cycle with an event, or merge the units.',
    });
  }
  return out;
}

function stronglyConnected(nodes: string[], edges: Edge[]): string[][] {
  // Tarjan's algorithm; the graphs are a few dozen units, recursion depth is no concern.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const e of edges) {
      if (e.from !== v) continue;
      if (!idx.has(e.to)) {
        visit(e.to);
        low.set(v, Math.min(low.get(v)!, low.get(e.to)!));
      } else if (on.has(e.to)) low.set(v, Math.min(low.get(v)!, idx.get(e.to)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      out.push(scc.sort((a, b) => nodes.indexOf(a) - nodes.indexOf(b)));
    }
  };
  for (const n of nodes) if (!idx.has(n)) visit(n);
  return out;
}

/** A shortest cycle from the first node of a strongly connected component back to itself. */
function cycleThrough(scc: string[], edges: Edge[]): string[] {
  const start = scc[0]!;
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const e of edges) {
      if (e.from !== v || !scc.includes(e.to)) continue;
      if (e.to === start) {
        const path = [start];
        for (let x = v; x !== start; x = prev.get(x)!) path.splice(1, 0, x);
        return [...path, start];
      }
      if (!prev.has(e.to)) {
        prev.set(e.to, v);
        queue.push(e.to);
      }
    }
  }
  return [...scc, start];
}

function callPath(bp: Blueprint, caller: string, callee: string): (string | number)[] {
  const [d, n] = split(caller);
  const i = bp.system.domains[d]?.operations[n]?.calls.findIndex((c) => c.op === callee) ?? -1;
  return ['system', 'domains', d, 'operations', n, ...(i >= 0 ? ['calls', i] : [])];
}

function split(id: string): [string, string] {
  const i = id.indexOf('.');
  return [id.slice(0, i), id.slice(i + 1)];
}

// ---- shared datastores ----------------------------------------------------------------------

/**
 * An operation queries its own domain's datastore, so "a unit querying another unit's datastore"
 * and "a datastore holding tables of two units" are the same finding here.
 */
function sharedDatastoreFindings(bp: Blueprint, r: ResolvedLayout): Finding[] {
  const owner = new Map<string, string>();
  for (const [d, dom] of Object.entries(bp.system.domains)) for (const t of dom.tables) if (!owner.has(t)) owner.set(t, d);
  const out: Finding[] = [];
  for (const s of r.datastores) {
    const byUnit = new Map<string, { domains: Set<string>; tables: string[] }>();
    for (const t of s.tables) {
      const d = owner.get(t);
      const u = d && r.unitOfDomain.get(d);
      if (!d || !u) continue;
      const entry = byUnit.get(u) ?? { domains: new Set(), tables: [] };
      entry.domains.add(d);
      entry.tables.push(t);
      byUnit.set(u, entry);
    }
    if (byUnit.size < 2) continue;
    const [, second] = [...byUnit.values()];
    const sel = r.layout.datastores[s.name]!.tables;
    const tableIdx = Array.isArray(sel) ? sel.indexOf(second!.tables[0]!) : -1;
    const relational = RELATIONAL.has(s.engine);
    const parts = [...byUnit.entries()].map(([u, e]) => `${u} (${[...e.domains].join(', ')}: ${e.tables.join(', ')})`);
    out.push({
      rule: 'shared-datastore',
      severity: relational ? 'error' : 'warning',
      layout: r.name,
      path: ['layouts', r.name, 'datastores', s.name, 'tables', ...(tableIdx >= 0 ? [tableIdx] : [])],
      message: `${s.engine} datastore "${s.name}" is shared by ${byUnit.size} units: ${parts.join('; ')}`,
      why: relational
        ? 'The shared-database anti-pattern: units that share a database are coupled through its schema (a migration for one can break the other), its connection limit and its load, and cannot be deployed or scaled on their own. Give each unit its own database and reach the other unit’s data through its API or events.'
        : `A shared ${s.engine} instance is a weaker coupling than a shared schema (keys can be namespaced per unit), but one unit's load, eviction or flush still hits the others, and it is one failure domain. Split it when the units must fail or scale apart.`,
    });
  }
  return out;
}

// ---- per-request rules: chatty operations, distributed writes -------------------------------

/** Requests start at public operations and at event consumers. */
function entryOperations(bp: Blueprint): OperationRef[] {
  const consumers = new Set(Object.values(bp.system.events).flatMap((e) => e.consumers));
  return operations(bp).filter((o) => isPublic(o.op) || consumers.has(o.id));
}

function requestFindings(bp: Blueprint, r: ResolvedLayout, threshold: number): Finding[] {
  const out: Finding[] = [];
  const unitOf = (o: OperationRef) => r.unitOfDomain.get(o.domain);
  for (const entry of entryOperations(bp)) {
    const tree = resolveBlueprint(bp).callTree(entry.id).steps;
    const remote = tree.filter((s) => unitOf(s.caller) !== unitOf(s.callee));
    const base = ['system', 'domains', entry.domain, 'operations', entry.name];
    if (remote.length > threshold) {
      out.push({
        rule: 'chatty-operation',
        severity: 'warning',
        layout: r.name,
        path: [...base, 'calls'],
        message: `${entry.id} makes ${remote.length} synchronous calls across units per request (more than ${threshold}): ${callList(remote)}`,
        why: 'Each cross-unit call adds a network hop (latency, serialization CPU on both sides, the callee’s queue) and one more way for the request to fail; their latencies add up in the tail. Move the domains closer (same unit), batch the calls, or keep a local copy of the data fed by events.',
      });
    }
    const writers = [entry, ...tree.map((s) => s.callee)].filter((o) => o.op.db.writes > 0);
    const units = [...new Set(writers.map((o) => unitOf(o)!))];
    if (units.length >= 2) {
      const detail = units.map((u) => {
        const ws = [...new Set(writers.filter((o) => unitOf(o) === u).map((o) => `${o.id} → ${primaryStore(r, o.domain)?.name ?? '?'}`))];
        return `${u} (${ws.join(', ')})`;
      });
      out.push({
        rule: 'distributed-write',
        severity: 'warning',
        layout: r.name,
        path: base,
        message: `${entry.id} writes in ${units.length} units in one request: ${detail.join('; ')}`,
        why: 'Writes in two units are two transactions: when the second fails after the first committed, the data disagree. Use a saga (each step with a compensating action) or an outbox (commit locally, publish an event, let the other unit apply it), or keep the writes in one unit.',
      });
    }
  }
  return out;
}

/** "a → b ×3, b → c ×3, a → d": each caller → callee once, in order of first call, with how many per request. */
function callList(steps: CallStep[]): string {
  const n = new Map<string, number>();
  for (const s of steps) {
    const key = `${s.caller.id} → ${s.callee.id}`;
    n.set(key, (n.get(key) ?? 0) + 1);
  }
  return [...n].map(([k, c]) => (c > 1 ? `${k} ×${c}` : k)).join(', ');
}

/** Commit then publish is not atomic once the consumer lives in another unit. */
function dualWriteFindings(bp: Blueprint, r: ResolvedLayout): Finding[] {
  const out: Finding[] = [];
  for (const o of operations(bp)) {
    if (o.op.db.writes === 0 || !o.op.emits.length) continue;
    const from = r.unitOfDomain.get(o.domain);
    const remote = o.op.emits.flatMap((ev) =>
      // An event name is free text (line breaks included): escaped, as everywhere it is shown.
      (bp.system.events[ev]?.consumers ?? []).filter((c) => r.unitOfDomain.get(split(c)[0]) !== from).map((c) => `${terminalText(ev)} → ${c}`),
    );
    if (!remote.length) continue;
    out.push({
      rule: 'dual-write',
      severity: 'info',
      layout: r.name,
      path: ['system', 'domains', o.domain, 'operations', o.name, 'emits'],
      message: `${o.id} writes to ${primaryStore(r, o.domain)?.name ?? 'its datastore'} and publishes to other units: ${remote.join(', ')}`,
      why: `Across units the event goes through ${r.layout.broker ? `the ${r.layout.broker.kind} broker` : 'the network'}; a crash between the commit and the publish loses the event (or publishes one for a rolled-back write). A transactional outbox (the event stored in the same transaction, relayed afterwards) makes the pair atomic.`,
    });
  }
  return out;
}

// ---- hubs -----------------------------------------------------------------------------------

function hubFindings(r: ResolvedLayout, edges: Edge[], hubDegree: number): Finding[] {
  const n = r.units.length;
  if (n < 3) return [];
  const others = n - 1;
  // "Most" is more than half of the other units, and at least three.
  const most = Math.max(3, Math.floor(others / 2) + 1);
  const out: Finding[] = [];
  for (const u of r.units) {
    const outs = [...new Set(edges.filter((e) => e.from === u.name).map((e) => e.to))];
    const ins = [...new Set(edges.filter((e) => e.to === u.name).map((e) => e.from))];
    const path = ['layouts', r.name, 'units', u.name];
    const hub = ins.length >= 2 && outs.length >= 2 && ins.length + outs.length >= hubDegree;
    if (hub || outs.length >= most) {
      out.push({
        rule: 'hub-unit',
        severity: 'warning',
        layout: r.name,
        path,
        message: hub
          ? `unit "${u.name}" is a hub: ${ins.length} units depend on it (${ins.join(', ')}) and it depends on ${outs.length} (${outs.join(', ')})`
          : `unit "${u.name}" depends on ${outs.length} of the other ${others} units (${outs.join(', ')})`,
        why: `A unit in the middle of many dependencies changes with all of them and fails with any of them: ${u.name} will be the last unit of ${r.name} able to move independently. Feed it by events rather than calls, or split the part others depend on from the part that depends on others.`,
      });
    }
    if (ins.length >= most) {
      out.push({
        rule: 'critical-dependency',
        severity: 'info',
        layout: r.name,
        path,
        message: `${ins.length} of the other ${others} units depend on "${u.name}" (${ins.join(', ')})`,
        why: 'When this unit is slow or down, most of the system is. Give it replicas, put timeouts and circuit breakers on the calls to it, and cache what callers need from it (e.g. verify tokens locally with the public key).',
      });
    }
  }
  return out;
}

// ---- extraction order -----------------------------------------------------------------------

export interface ExtractionStep {
  domain: string;
  /** Σ over neighbouring domains: 1 when any synchronous call links them, 0.5 for events only */
  score: number;
  neighbours: { domain: string; sync: boolean }[];
}

/**
 * Domains by fewest dependencies first: a domain's score counts each neighbouring domain (in
 * either direction) once, a synchronous link as 1 and an event-only link as 0.5, because events
 * already decouple the two sides in time. Ties go to the domain with fewer neighbours, then by
 * name. Direction is ignored on purpose: a domain many others call is as hard to move out as
 * one that calls many (every caller gains a network hop).
 */
export function extractionOrder(bp: Blueprint): { order: ExtractionStep[]; ties: string[] } {
  const edges = domainEdges(bp);
  const steps = Object.keys(bp.system.domains).map((domain) => {
    const nb = new Map<string, boolean>();
    for (const e of edges) {
      const other = e.from === domain ? e.to : e.to === domain ? e.from : undefined;
      if (other !== undefined) nb.set(other, (nb.get(other) ?? false) || e.kind === 'sync');
    }
    const neighbours = [...nb.entries()].map(([d, sync]) => ({ domain: d, sync })).sort((a, b) => a.domain.localeCompare(b.domain));
    return { domain, score: neighbours.reduce((s, x) => s + (x.sync ? 1 : 0.5), 0), neighbours };
  });
  const order = steps.sort((a, b) => a.score - b.score || a.neighbours.length - b.neighbours.length || a.domain.localeCompare(b.domain));
  const ties: string[] = [];
  for (let i = 1; i < order.length; i++) {
    const [a, b] = [order[i - 1]!, order[i]!];
    if (a.score !== b.score) continue;
    ties.push(
      a.neighbours.length !== b.neighbours.length
        ? `${a.domain} and ${b.domain} tie at ${a.score}; ${a.domain} goes first with fewer neighbouring domains (${a.neighbours.length} vs ${b.neighbours.length})`
        : `${a.domain} and ${b.domain} tie at ${a.score} with ${a.neighbours.length} neighbouring domain${a.neighbours.length === 1 ? '' : 's'} each; alphabetical order decides`,
    );
  }
  return { order, ties };
}

function extractionFinding(bp: Blueprint): Finding | undefined {
  const { order, ties } = extractionOrder(bp);
  const first = order[0];
  if (!first) return undefined;
  const fmt = (s: ExtractionStep) => `${s.domain} (${s.score})`;
  const links = (s: ExtractionStep) => s.neighbours.map((n) => `${n.domain}${n.sync ? '' : ' (events only)'}`).join(', ') || 'none';
  return {
    rule: 'extraction-order',
    severity: 'info',
    path: ['system', 'domains', first.domain],
    message: `extract ${first.domain} first; order by fewest dependencies: ${order.map(fmt).join(', ')}`,
    why:
      `Score = neighbouring domains, 1 for a synchronous link and 0.5 for events only. ${first.domain} is linked to ${links(first)}. ` +
      `Extracting the least coupled domain first (here ${first.domain}) proves the deployment, gateway routing and event flow with the smallest blast radius: if something goes wrong, the fewest other domains notice.` +
      (ties.length ? ` Ties: ${ties.join('; ')}.` : ''),
  };
}
