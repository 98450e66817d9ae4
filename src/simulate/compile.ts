// Compile (blueprint, layout) into a flat queueing network: stations, service-time
// distributions and, per operation, a program of station visits and delays. Both methods run
// on the same compiled form — the analytic solver walks the programs to get visit counts and
// demands, the DES executes them — which is what makes the two agree by construction.
//
// Every figure (placement, query times, payloads, call policies, call trees) is read from the
// resolved blueprint (model/resolve.ts); nothing is defaulted here.
//
// Semantics, per operation executed on its unit (DESIGN.md "Simulation semantics" sketches the
// model; this list is its exact form and the one place it is written down):
//   1. its synchronous calls, in order, a call with `count: N` N times one after another (the
//      call tree of resolve.ts has them N times): a callee in the same unit is an in-process
//      call (its work runs on the same unit); a callee elsewhere is a network hop by the call's
//      protocol (resolve.ts callProtocol; each protocol's figures in ResolvedLayout.hop):
//      serialization CPU on the caller (cpuPerCall + cpuPerKiB × request+response), one-way
//      latency, the callee's work (whose CPU burst carries the same serialization CPU), latency back;
//   2. one CPU burst on the unit (the operation's cpu, plus serialization and event publishing),
//      then its `pool` work on the unit's thread pool (poolServers: on a shared host a station of
//      threadPool × workers threads; on an instance of its own the cores the workers leave, or
//      with a worker per core the unit's own station);
//   3. `wait` (an external dependency, no CPU);
//   4. database reads then writes on the operation's primary datastore, each one visit; an
//      engine: memory store has no station of its own: its queries are CPU on the unit itself;
//      a datastore has its cores as servers, capped by the connections the units using it may
//      hold (pool × the processes of the units with a domain whose tables it holds); an object
//      store (s3, minio) with no `cores:` has only that cap, no core count: it scales out, so a
//      query waits only when every connection is busy;
//   5. events: off the critical path; each consumer's work is spawned, through the broker when
//      the layout has one (broker CPU, publish-to-deliver latency, deserialization on the consumer,
//      at the HTTP figures), else as a direct hop by the consumer unit's protocol.
// A request from outside enters through the gateway when the layout has one (gateway CPU, a
// hop each way by the entry unit's protocol). Both sides' serialization is charged in one burst per side, which keeps the
// number of visits (and DES events) per hop small without changing the CPU demand.
import { callProtocol, OBJECT_STORE_ENGINES, resolveBlueprint, type CallNode, type Hop, type OperationRef, type ResolvedLayout } from '../model/resolve.js';
import type { Autoscale, Blueprint, CircuitBreaker, Dist } from '../model/schema.js';
import type { StationKind } from './types.js';

export type CircuitBreakerPolicy = CircuitBreaker;

export const OP_VISIT = 1;
export const OP_DELAY = 2;
export const OP_BEGIN = 3;
export const OP_END = 4;
export const OP_SPAWN = 5;
/**
 * OP_CHECK station: fail here if the station is down, else go on at once (no service, no time).
 * Every entry into a unit starts with one (a request from outside, a remote call's arrival, an
 * event's delivery: Gen.arrive), unless its first instruction is a visit to that unit, which
 * fails just as the check would: an operation whose program starts with its calls is refused on
 * arrival at a unit that is down instead of running its calls (and their retries) first. A request
 * still reaches the unit its operation runs on when it asks no work of it (`cpu: 0` and nothing
 * else on the unit): without a check it would pass a unit that is down untouched. The same for a
 * datastore query, a broker delivery or a gateway pass that takes no time (Gen.reach).
 */
export const OP_CHECK = 6;
/**
 * OP_ARRIVE station: a request or a call enters the unit here (a request from outside, a remote
 * call, an event delivered through the broker or by a direct hop; not an in-process call, nor the
 * unit's later visits of the same entry): counted for an autoscaler on `requests`, then on at
 * once. Emitted only for units that autoscale on requests with a target: nothing elsewhere.
 */
export const OP_ARRIVE = 7;
/** Each instruction is 4 int32s: opcode, a, b, c. */
export const W = 4;

export const D_CONST = 0;
export const D_EXP = 1;
export const D_LOGNORMAL = 2;
export const D_GAMMA = 3;
export const D_UNIFORM = 4;

export interface DistDef {
  kind: number;
  /** mean of the random part, ms */
  mean: number;
  cv: number;
  /** constant added to every sample, ms */
  add: number;
  min: number;
  max: number;
}

/** A unit's thread-pool station is named after the unit with this suffix (its replicas are the unit's). */
export const POOL_SUFFIX = ' (thread pool)';

export interface StationDef {
  id: string;
  kind: StationKind;
  replicas: number;
  /** servers per replica */
  servers: number;
  discipline: 'fcfs' | 'ps';
  /** unit name for units; for scenarios that name a domain */
  domains: string[];
  autoscale?: Autoscale;
  /** datastores: the engine (which cold-visit table its connections pay, cold-visit.ts) */
  engine?: string;
}

export interface EdgeDef {
  /** caller → callee, e.g. "messages.send → auth.verify-token" */
  id: string;
  caller: string;
  callee: string;
  timeout?: number;
  retries: number;
  backoff: number;
  circuitBreaker?: CircuitBreakerPolicy;
  optional: boolean;
  /**
   * The station of the unit the caller runs on: while it is down the caller's process is gone,
   * so nothing is left to retry the call or skip it (des/calls.ts fail).
   */
  callerStation: number;
}

export interface EdgePolicy {
  timeout?: number;
  retries?: number;
  backoff?: number;
  circuitBreaker?: CircuitBreakerPolicy;
  optional?: boolean;
}

/** What one operation's critical path is made of in this layout: the material of "causes". */
export interface PathTally {
  /** one-way network traversals between units */
  hops: number;
  networkMs: number;
  /** of networkMs, the two hops between the gateway and the unit */
  gatewayNetworkMs: number;
  /** serialization CPU on both sides of remote calls, ms */
  serializationMs: number;
  gateway: boolean;
  gatewayMs: number;
  remoteCalls: number;
  /** of remoteCalls, those by gRPC */
  grpcCalls: number;
  inProcessCalls: number;
  /** events published (to the broker or dispatched in-process) */
  publishes: number;
  /** units the request touches, in order of first visit */
  units: string[];
}

export interface Program {
  name: string;
  code: Int32Array;
  tally: PathTally;
}

export interface Compiled {
  blueprint: string;
  layout: ResolvedLayout;
  stations: StationDef[];
  dists: DistDef[];
  edges: EdgeDef[];
  programs: Program[];
  /** operation id → program index of it as a request from outside */
  entry: Map<string, number>;
  /** one-way latency of an HTTP hop (a gRPC one may differ: ResolvedLayout.hop; tallies have each path's own) */
  networkLatency: number;
  /** cores the units' processes and the datastores keep busy with no requests (on a shared host, taken from its cores) */
  background: number;
  warnings: string[];
}

export interface CompileOptions {
  /** edge id ("caller → callee") or callee op id → policy override (scenarios) */
  edgePolicies?: Record<string, EdgePolicy>;
  /** unit name → autoscale policy override */
  autoscale?: Record<string, Autoscale>;
  /** shared host: adds the load driver as a station (and implies sharedHost) */
  driverCpu?: number;
  /**
   * The run puts every process on one host's cores (--host-cores): a unit's thread pool is then
   * a station of its own whose work the host model shares with the rest. Without it a pool's
   * threads run on their unit's instance (poolServers). A caller that compiles once and runs
   * with a host must say so here.
   */
  sharedHost?: boolean;
  /**
   * Only these operations as requests from outside (default: every operation). The analytic
   * method reads the workload mix's alone: a caller solving many layouts (the planner) compiles
   * those and gets the same figures for a third of the work.
   */
  entries?: readonly string[];
}

const KIB = 1024;

const DIST_KIND = { const: D_CONST, exp: D_EXP, lognormal: D_LOGNORMAL, gamma: D_GAMMA, uniform: D_UNIFORM } as const;

/**
 * Servers per replica of a unit's thread-pool station, 0 for none (its pool work then runs on the
 * unit's own station). `vcpu` is the unit's instance's, undefined on a shared host or with no
 * instance: then the pool is `threadPool` threads per worker beside the event loops (libuv: a
 * burst of scrypt queues for the threads while the loop goes on serving), on a shared host taking
 * the host's cores like everything else. On an instance of its own the threads run on its vCPUs,
 * which the workers already hold: with a worker per core (workers ≥ its whole cores) pool work
 * takes the workers' cores (no station of its own: a thread-pool station of threadPool × workers
 * servers beside them gave a 4-vCPU box 4 + 32 cores); with fewer workers it has the cores they
 * leave, capped by its threads. Whole cores, as the unit's station has (compile's wholeCores).
 */
export function poolServers(u: { workers: number; threadPool: number }, vcpu: number | undefined): number {
  if (vcpu === undefined) return u.threadPool * u.workers;
  const cores = Math.ceil(vcpu);
  return u.workers >= cores ? 0 : Math.min(u.threadPool * u.workers, cores - u.workers);
}

/** A shared host's cores left to requests never go below this (background at or over its cores). */
export const MIN_HOST_CORES = 0.01;

export function compile(bp: Blueprint, layoutName: string, opts: CompileOptions = {}): Compiled {
  const rb = resolveBlueprint(bp);
  const r = rb.layout(layoutName);
  const L = r.layout;
  const warnings: string[] = [];
  const stations: StationDef[] = [];
  // station index by name, per kind looked up (a unit by its name, its thread pool by the unit's)
  const unitIndex = new Map<string, number>();
  const poolIndex = new Map<string, number>();
  const storeIndex = new Map<string, number>();
  const addStation = (s: StationDef, index?: Map<string, number>, name = s.id) => {
    index?.set(name, stations.length);
    stations.push(s);
  };
  const vcpu = (instance: string | undefined) => (instance ? (bp.catalog[instance]?.vcpu ?? 1) : 1);
  // A CPU quota is not a slower core: a request on a 0.25-vCPU instance runs at full speed until
  // the period's quota is spent, then waits. The stations get whole cores (Math.ceil below), so
  // their capacity is that of the whole cores: said once per instance, naming its stations.
  const fractional = new Map<string, string[]>();
  const wholeCores = (who: string, instance: string | undefined, servers: number) => {
    // (one worker on 2.5 vCPU uses one core: nothing overstated)
    if (!instance || !(servers > vcpu(instance))) return;
    fractional.set(instance, [...(fractional.get(instance) ?? []), who]);
  };

  let driver = -1;
  if (opts.driverCpu !== undefined) {
    driver = stations.length;
    addStation({ id: 'driver', kind: 'driver', replicas: 1, servers: 1, discipline: 'fcfs', domains: [] });
  }
  let gateway = -1;
  if (L.gateway) {
    gateway = stations.length;
    const servers = Math.ceil(vcpu(L.gateway.instance));
    addStation({ id: 'gateway', kind: 'gateway', replicas: L.gateway.replicas, servers, discipline: 'fcfs', domains: [] });
    wholeCores('the gateway', L.gateway.instance, servers);
  }
  for (const u of r.units) {
    const autoscale = opts.autoscale?.[u.name] ?? u.autoscale;
    // A Node or Python worker is one core for request work; more workers than vCPUs do not add cores.
    // A unit without an instance is a bare queueing model: one server per worker.
    const servers = u.instance ? Math.min(u.workers, Math.ceil(vcpu(u.instance))) : u.workers;
    addStation(
      {
        id: u.name,
        kind: 'unit',
        replicas: u.replicas,
        servers,
        discipline: u.discipline,
        domains: u.domains,
        ...(autoscale ? { autoscale } : {}),
      },
      unitIndex,
    );
    wholeCores(u.name, u.instance, servers);
  }
  // A unit's thread pool (libuv): where its operations' `pool` work runs (poolServers). Only
  // units whose operations declare pool work have one. (An autoscaled unit's pool station keeps
  // its starting replicas: a bound.)
  const sharedHost = opts.sharedHost === true || opts.driverCpu !== undefined;
  for (const u of r.units) {
    const usesPool = u.domains.some((d) => Object.values(bp.system.domains[d]?.operations ?? {}).some((op) => op.pool && op.pool.mean > 0));
    if (!usesPool) continue;
    const servers = poolServers(u, sharedHost || !u.instance ? undefined : vcpu(u.instance));
    if (servers === 0) poolIndex.set(u.name, unitIndex.get(u.name)!);
    else {
      addStation({ id: `${u.name}${POOL_SUFFIX}`, kind: 'pool', replicas: u.replicas, servers, discipline: 'fcfs', domains: [] }, poolIndex, u.name);
      // the workers' cores and the pool's together, against the instance's vCPU
      if (!sharedHost) wholeCores(`${u.name}${POOL_SUFFIX}`, u.instance, u.workers + servers);
    }
  }
  // The processes (replicas × workers) that hold a pool of connections to a store: those of the
  // units a domain of which has tables there (the wiring's stores, resolve.ts), not every unit's:
  // a transcoder that never touches the blob store adds no connections to it.
  const processesOf = (store: string) =>
    r.units.filter((u) => u.domains.some((dm) => r.storesOfDomain.get(dm)?.includes(store))).reduce((s, u) => s + u.replicas * u.workers, 0);
  // A memory store is the unit's own state: no server, no station (its queries run on the unit).
  for (const d of r.datastores.filter((x) => x.engine !== 'memory')) {
    // An object store scales out (S3 is a fleet; MinIO spreads a request over its drives and
    // cores): with no `cores:` given, no core count bounds it, only the units' connections to it,
    // so its reads and writes take their own time and queue only past pool × processes at once.
    const scalesOut = d.cores === undefined && OBJECT_STORE_ENGINES.has(d.engine);
    const cores = d.cores ?? (scalesOut ? Infinity : vcpu(d.instance));
    // The connection pool caps concurrency only when it is smaller than the cores: every
    // connection the store's own units may hold (pool × their processes) busy at once.
    const servers = Math.max(1, Math.min(Math.ceil(cores), d.pool * processesOf(d.name)));
    addStation({ id: d.name, kind: 'datastore', replicas: 1, servers, discipline: 'fcfs', domains: [], engine: d.engine }, storeIndex);
    if (d.cores === undefined && !scalesOut) wholeCores(d.name, d.instance, servers);
  }
  let broker = -1;
  if (L.broker) {
    broker = stations.length;
    const servers = Math.ceil(vcpu(L.broker.instance));
    addStation({ id: 'broker', kind: 'broker', replicas: 1, servers, discipline: 'fcfs', domains: [] });
    wholeCores('the broker', L.broker.instance, servers);
  }
  for (const [instance, who] of fractional) {
    const v = vcpu(instance);
    const whole = Math.ceil(v);
    warnings.push(
      `${instance} has ${v} vCPU, simulated as ${whole} whole core${whole === 1 ? '' : 's'} (${who.join(', ')}): capacity overstated up to ×${+(whole / v).toFixed(2)}, since a CPU quota caps the work per scheduling period and past ${v} of a core's load requests wait for the next one`,
    );
  }

  const dists: DistDef[] = [];
  const distOf = (d: Dist | undefined, add: number): number => {
    if (noWork(d, add)) return -1;
    if (!d || d.mean <= 0) {
      dists.push({ kind: D_CONST, mean: 0, cv: 0, add, min: 0, max: 0 });
      return dists.length - 1;
    }
    dists.push({ kind: DIST_KIND[d.dist], mean: d.mean, cv: d.cv, add, min: d.min ?? 0, max: d.max ?? 0 });
    return dists.length - 1;
  };
  const constDist = (ms: number) => distOf(undefined, ms);

  const http = r.hop.http;
  const unitStation = (unit: string) => unitIndex.get(unit)!;
  // A unit scaled on requests per second counts the requests and calls that enter it (des/control.ts):
  // its visits are more (a caller resumes after a remote call on a visit of its own).
  const arrivalsCounted = new Set(stations.flatMap((s, i) => (s.kind === 'unit' && s.autoscale?.metric === 'requests' && s.autoscale.target !== undefined ? [i] : [])));
  const enter = (g: Gen, unit: string) => {
    if (arrivalsCounted.has(unitStation(unit))) g.emit(OP_ARRIVE, unitStation(unit));
    g.arrive(unitStation(unit));
  };
  const unitByName = new Map(r.units.map((u) => [u.name, u]));
  const serCpu = (bytes: number, h: Hop) => h.cpuPerCall + (h.cpuPerKiB * bytes) / KIB;
  /** A broker client's CPU per message on one side: its own per-message figure where given, else an HTTP call's, plus serialization. */
  const brokerSide = (perMessage: number | undefined, bytes: number) => (perMessage ?? http.cpuPerCall) + (http.cpuPerKiB * bytes) / KIB;
  /** The hop costs of the protocol a unit serves (what the gateway and direct events use). */
  const hopTo = (unit: string) => r.hop[unitByName.get(unit)!.protocol];

  const edges: EdgeDef[] = [];
  const edgeIndex = new Map<string, number>();
  const programs: Program[] = [];
  const spawnCache = new Map<string, number>();
  const latencyDists = new Map<number, number>();
  const latencyDist = (ms: number) => {
    if (ms <= 0) return -1;
    if (!latencyDists.has(ms)) latencyDists.set(ms, constDist(ms));
    return latencyDists.get(ms)!;
  };

  const gen = (critical: boolean) => new Gen(critical, latencyDist);

  /**
   * The blueprint's policy of a call (every default applied), overridden by the scenario's, as
   * an edge when it frames the call (a timeout, retries, optional or a circuit breaker), else
   * undefined: most calls have none, and compile runs for every analytic solve.
   */
  const framedEdge = (node: CallNode, callerUnit: string): EdgeDef | undefined => {
    const caller = node.caller.id;
    const callee = node.callee.id;
    const over = opts.edgePolicies && (opts.edgePolicies[`${caller} → ${callee}`] ?? opts.edgePolicies[callee]);
    const p = over ? { ...node.call, ...over } : node.call;
    if (!(p.timeout !== undefined || p.retries > 0 || p.optional || p.circuitBreaker)) return undefined;
    return { id: `${caller} → ${callee}`, caller, callee, callerStation: unitStation(callerUnit), retries: p.retries, backoff: p.backoff, optional: p.optional, ...(p.timeout !== undefined ? { timeout: p.timeout } : {}), ...(p.circuitBreaker ? { circuitBreaker: p.circuitBreaker } : {}) };
  };

  /** Whether an event published in `fromUnit` goes through the broker: some consumer of it is elsewhere, or the layout's broker delivers local consumers too. */
  const viaBroker = (event: string, fromUnit: string): boolean =>
    L.broker?.localDelivery !== 'in-process' ||
    (rb.events.get(event)?.consumers ?? []).some((c) => {
      const d = rb.operationIndex.get(c)?.domain;
      return d !== undefined && r.unitOfDomain.get(d) !== fromUnit;
    });

  const spawnProgram = (event: string, consumer: string, fromUnit: string): number => {
    const key = `${event}|${consumer}|${fromUnit}`;
    const hit = spawnCache.get(key);
    if (hit !== undefined) return hit;
    const c = rb.operationIndex.get(consumer);
    const idx = programs.length;
    programs.push({ name: `${event} → ${consumer}`, code: new Int32Array(0), tally: newTally() });
    spawnCache.set(key, idx);
    const g = gen(false);
    if (c) {
      const cu = r.unitOfDomain.get(c.domain);
      const payload = rb.events.get(event)?.payload ?? bp.system.defaults.payload.event;
      if (cu) {
        if (broker >= 0 && !(cu === fromUnit && L.broker!.localDelivery === 'in-process')) {
          g.reach(broker, distOf(L.broker!.cpu, 0));
          g.delay(distOf(L.broker!.latency > 0 ? { dist: 'const', mean: L.broker!.latency, cv: 0 } : undefined, 0));
          enter(g, cu);
          opBody(g, c, cu, brokerSide(L.broker!.consumeCpu, payload));
        } else if (cu === fromUnit) {
          // dispatched in process: none while the unit is down (its process is gone)
          g.arrive(unitStation(cu));
          opBody(g, c, cu, 0);
        } else {
          const h = hopTo(cu);
          g.visit(unitStation(fromUnit), constDist(serCpu(payload, h)));
          g.hop(h);
          enter(g, cu);
          opBody(g, c, cu, serCpu(payload, h));
        }
      }
    }
    programs[idx]!.code = g.program();
    programs[idx]!.tally = g.tally;
    return idx;
  };

  /** An operation's root call tree, its cuts reported once. */
  const treeOf = (o: OperationRef): CallNode[] => {
    const t = rb.callTree(o.id);
    warnings.push(...t.cut);
    return t.calls;
  };

  function opBody(g: Gen, o: OperationRef, unit: string, extraCpu: number, calls: CallNode[] = treeOf(o)): void {
    if (!g.tally.units.includes(unit) && g.critical) g.tally.units.push(unit);
    // Publishing an event: one serialization per event when it goes through a broker.
    let publish = 0;
    for (const e of o.op.emits) {
      g.tally.publishes++;
      if (broker >= 0 && viaBroker(e, unit)) publish += brokerSide(L.broker!.publishCpu, rb.events.get(e)?.payload ?? bp.system.defaults.payload.event);
    }
    // No CPU burst of its own (the burst below is dropped): the request must still be refused
    // when the unit is down, on arrival, before its calls or queries run elsewhere.
    if (noWork(o.op.cpu, extraCpu + publish)) g.emit(OP_CHECK, unitStation(unit));
    for (const node of calls) {
      const callee = node.callee;
      const cu = r.unitOfDomain.get(callee.domain);
      if (!cu) {
        warnings.push(`${callee.domain} is placed in no unit of ${r.name}; calls to ${callee.id} are skipped`);
        continue;
      }
      const edge = framedEdge(node, unit);
      let begin = -1;
      if (edge) {
        let ei = edgeIndex.get(edge.id);
        if (ei === undefined) {
          ei = edges.length;
          edges.push(edge);
          edgeIndex.set(edge.id, ei);
        }
        begin = g.emit(OP_BEGIN, ei, 0);
      }
      if (cu === unit) {
        g.tally.inProcessCalls++;
        opBody(g, callee, cu, 0, node.children);
      } else {
        const protocol = callProtocol(r, node.call, unitByName.get(cu));
        const h = r.hop[protocol];
        const ser = serCpu(callee.op.request + callee.op.response, h);
        g.tally.remoteCalls++;
        if (protocol === 'grpc') g.tally.grpcCalls++;
        g.tally.serializationMs += 2 * ser;
        g.visit(unitStation(unit), constDist(ser));
        g.hop(h);
        enter(g, cu);
        opBody(g, callee, cu, ser, node.children);
        g.hop(h);
      }
      if (edge) {
        const end = g.emit(OP_END, g.code[begin + 1]!);
        g.code[begin + 2] = end;
      }
    }
    g.visit(unitStation(unit), distOf(o.op.cpu, extraCpu + publish));
    if (o.op.pool && o.op.pool.mean > 0) g.visit(poolIndex.get(unit)!, distOf(o.op.pool, 0));
    if (o.op.wait) g.delay(distOf(o.op.wait, 0));
    const db = o.op.db;
    if (db.reads + db.writes > 0) {
      const here = r.operations.get(o.id)!;
      if (!here.store) warnings.push(`${o.id} queries a database but ${o.domain} has no datastore in ${r.name}; queries skipped`);
      else {
        // In-process state: the queries are the unit's own CPU.
        const s = here.store.engine === 'memory' ? unitStation(unit) : storeIndex.get(here.store.name)!;
        // A query that takes no time still needs its store up (a memory store is the unit, already reached).
        const memory = here.store.engine === 'memory';
        const query = (d: number) => (memory ? g.visit(s, d) : g.reach(s, d));
        for (let i = 0; i < db.reads; i++) query(distOf(here.read, 0));
        for (let i = 0; i < db.writes; i++) query(distOf(here.write, 0));
      }
    }
    for (const e of o.op.emits) {
      for (const consumer of rb.events.get(e)?.consumers ?? []) g.emit(OP_SPAWN, spawnProgram(e, consumer, unit));
    }
  }

  const entry = new Map<string, number>();
  const entryProgram = (o: OperationRef): number => {
    const hit = entry.get(o.id);
    if (hit !== undefined) return hit;
    const unit = r.unitOfDomain.get(o.domain);
    const idx = programs.length;
    programs.push({ name: o.id, code: new Int32Array(0), tally: newTally() });
    entry.set(o.id, idx);
    const g = gen(true);
    if (driver >= 0) g.visit(driver, constDist(opts.driverCpu!));
    if (!unit) warnings.push(`${o.domain} is placed in no unit of ${r.name}; ${o.id} does nothing`);
    else if (gateway >= 0) {
      const gw = L.gateway!;
      const h = hopTo(unit);
      const add = (h.cpuPerKiB * (o.op.request + o.op.response)) / KIB;
      g.reach(gateway, distOf(gw.cpu, add));
      g.tally.gateway = true;
      g.tally.gatewayMs = gw.cpu.mean + add + 2 * h.latency;
      g.tally.gatewayNetworkMs = 2 * h.latency;
      g.hop(h);
      enter(g, unit);
      opBody(g, o, unit, 0);
      g.hop(h);
    } else {
      enter(g, unit);
      opBody(g, o, unit, 0);
    }
    programs[idx]!.code = g.program();
    programs[idx]!.tally = g.tally;
    return idx;
  };
  for (const o of rb.operations) if (!opts.entries || opts.entries.includes(o.id)) entryProgram(o);

  const background = r.units.reduce((sum, u) => sum + u.backgroundCpu * u.replicas * u.workers, 0) + r.datastores.reduce((sum, d) => sum + d.backgroundCpu, 0);
  return { blueprint: bp.metadata.name, layout: r, stations, dists, edges, programs, entry, networkLatency: http.latency, background, warnings: [...new Set(warnings)] };
}

/**
 * Whether compiling some operation of this layout adds a warning: compile's only warnings are a
 * call tree cut, a domain placed in no unit and queries with no datastore, each a property of one
 * operation (its tree, its domain, its queries), checked here for every operation. When there is
 * none, compiling only some entries gives the warnings compiling them all does (none), so the
 * analytic solve compiles its mix's operations alone (a third of a bundled blueprint's) with the same result.
 */
export function compileWarns(bp: Blueprint, layoutName: string): boolean {
  const rb = resolveBlueprint(bp);
  const r = rb.layout(layoutName);
  for (const o of rb.operations) {
    if (rb.callTree(o.id).cut.length || !r.unitOfDomain.has(o.domain)) return true;
    if (o.op.db.reads + o.op.db.writes > 0 && !r.operations.get(o.id)?.store) return true;
  }
  return false;
}

/** A distribution (plus a constant) that asks nothing: compile emits no visit for it. */
function noWork(d: Dist | undefined, add: number): boolean {
  return (!d || d.mean <= 0) && add <= 0;
}

const newTally = (): PathTally => ({ hops: 0, networkMs: 0, gatewayNetworkMs: 0, serializationMs: 0, gateway: false, gatewayMs: 0, remoteCalls: 0, grpcCalls: 0, inProcessCalls: 0, publishes: 0, units: [] });

/**
 * Writes one program. A module-level class, not one declared inside compile(): a class per call
 * gives each call's programs their own hidden classes, and the engine's inline caches, seeing a
 * new shape at every compile, stop being fast (a third of the analytic solve was compile).
 */
class Gen {
  code: number[] = [];
  tally = newTally();
  constructor(
    readonly critical: boolean,
    /** the constant distribution of a one-way latency (−1 for none), shared by every program */
    private readonly latencyDist: (ms: number) => number,
  ) {}
  /** The unit whose entry check (arrive) waits for the next instruction; −1 for none. */
  private entering = -1;
  emit(op: number, a = 0, b = 0, c = 0) {
    if (this.entering >= 0) {
      const s = this.entering;
      this.entering = -1;
      // A visit to the unit (or its own check) fails where the entry check would: it stands for it.
      if (!((op === OP_VISIT || op === OP_CHECK) && a === s)) this.code.push(OP_CHECK, s, 0, 0);
    }
    this.code.push(op, a, b, c);
    return this.code.length - W;
  }
  /**
   * A request or call enters unit station s: it must be up. Emitted lazily: when the next
   * instruction is a visit to s the check is that visit's own (so an operation that starts with
   * its CPU has the program it always had), else an OP_CHECK goes first.
   */
  arrive(s: number) {
    this.entering = s;
  }
  /** The finished program. */
  program(): Int32Array {
    if (this.entering >= 0) this.emit(OP_CHECK, this.entering);
    return Int32Array.from(this.code);
  }
  visit(station: number, dist: number) {
    if (dist >= 0) this.emit(OP_VISIT, station, dist);
  }
  /**
   * A visit to a station a scenario can take down (a datastore, the broker, the gateway): with no
   * work it is an OP_CHECK, so the request still fails while the station is down (a store read in
   * 0 ms passed a store that was down untouched). Compile cannot know which stations a scenario
   * fails (scenarios resolve against the compiled stations), so every such zero-work visit gets
   * one; a second check of the same station straight after the first is dropped (no time passes
   * between them: it could not fail where the first did not). Stations with work keep their visit.
   */
  reach(station: number, dist: number) {
    if (dist >= 0) this.emit(OP_VISIT, station, dist);
    else {
      const n = this.code.length;
      if (n >= W && this.code[n - W] === OP_CHECK && this.code[n - W + 1] === station) return;
      this.emit(OP_CHECK, station);
    }
  }
  delay(dist: number) {
    if (dist >= 0) this.emit(OP_DELAY, dist);
  }
  hop(h: Hop) {
    const d = this.latencyDist(h.latency);
    if (d < 0) return;
    this.delay(d);
    this.tally.hops++;
    this.tally.networkMs += h.latency;
  }
}

/** Mean of a compiled distribution (random part plus constant). */
export function distMean(d: DistDef): number {
  return d.mean + d.add;
}

/** Variance of a compiled distribution. */
export function distVar(d: DistDef): number {
  return d.kind === D_CONST ? 0 : (d.cv * d.mean) ** 2;
}
