// Layouts side by side on the same work: latency per operation at low load, throughput at
// saturation, fault isolation under the scenarios, monthly cost — each difference with its
// cause (hops, serialization, gateway, queueing, replicas, instances). Pure.
import { rateFigure, rateText } from '../words.js';
import { Network, type Blueprint } from '../model/schema.js';
import { resolveBlueprint, type CallNode, type OperationRef, type ResolvedBlueprint } from '../model/resolve.js';
import { analyze, namedApproximations, saturation, TIMEOUT_MARK } from './analytic.js';
import { figuresAtRate } from './at-rate.js';
import { closedWorkloadError } from './closed-workload.js';
import { compile, type Compiled } from './compile.js';
import { opDemands } from './demand.js';
import { saturatedWarning } from './overload.js';
import { perMillion, type LayoutCost } from './cost.js';
import type { Scenario } from './scenario.js';
import { runFaults } from './fault-runs.js';
import { unfinishedNotes } from './simulate.js';
import type { ComparisonResult, HostModel, OperationDelta, SimulationResult } from './types.js';
import { workloadFor, type WorkloadOptions } from './workload.js';
import { formatSize } from '../model/units.js';

export interface CompareOptions extends WorkloadOptions {
  /** rate for "low load" latencies (default: lowLoadRate, where no station of any compared layout queues to speak of) */
  lowRate?: number;
  scenarios?: Scenario[];
  seed?: number;
  /** every unit of a layout on one host of this many cores (this machine), instead of each on its own instance */
  host?: HostModel;
}

const ms = (x: number) => `${Math.abs(x) < 10 ? x.toFixed(2) : x.toFixed(1)} ms`;
/** A hop's cost per KiB, below 0.1 ms in µs (the default 5 µs read "0.01 ms", twice its value). */
const hop = (x: number) => (x !== 0 && Math.abs(x) < 0.1 ? `${+(x * 1000).toPrecision(3)} µs` : ms(x));
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${ms(Math.abs(x))}`;

export function compare(bp: Blueprint, layouts: string[], o: CompareOptions = {}): ComparisonResult {
  const w = workloadFor(bp, o);
  // compiled once for the host they run on, if any (a unit's thread pool differs: compile.ts poolServers)
  const compiled = new Map<string, Compiled>(layouts.map((l) => [l, compile(bp, l, { sharedHost: o.host !== undefined })]));
  if (w.kind === 'closed') throw closedWorkloadError(bp, w, compiled, 'compare sets the layouts');
  const rate = w.rate!;
  // The "no queueing" means at a rate light for every compared layout (lowLoadRate).
  const lowRate = o.lowRate ?? lowLoadRate(layouts.map((l) => saturation(compiled.get(l)!, opDemands(compiled.get(l)!), w.mix, o.host).rate));
  const lowLoad = layouts.map((l) => analyze(bp, l, { ...o, rate: lowRate, compiled: compiled.get(l)! }));
  // At the compared rate queueing matters: a layout whose analytic figures would rest on the
  // revisit model near saturation gets the DES's (at-rate.ts), and a note says so.
  // A load profile (the blueprint's, unless --rate replaced it) goes with the figures: past
  // saturation at its peak they come from a DES of the profile (at-rate.ts).
  const figures = layouts.map((l) => figuresAtRate(bp, l, rate, { compiled: compiled.get(l)!, ...(o.mix ? { mix: o.mix } : {}), ...(o.host ? { host: o.host } : {}), ...(o.seed !== undefined ? { seed: o.seed } : {}), ...(w.kind === 'open' && w.profile ? { profile: w.profile } : {}) }));
  const atRate = figures.map((f) => f.result);
  const [a, b] = [layouts[0]!, layouts[1] ?? layouts[0]!];
  const ca = compiled.get(a)!;
  const cb = compiled.get(b)!;
  const ra = atRate[0]!;
  const rb = atRate[1] ?? atRate[0]!;

  const resolved = resolveBlueprint(bp);
  const operations: OperationDelta[] = Object.keys(w.mix).map((id) => {
    const mean: Record<string, number> = {};
    const p95: Record<string, number> = {};
    layouts.forEach((l, i) => {
      mean[l] = lowLoad[i]!.operations.find((x) => x.id === id)!.latency.mean;
      p95[l] = atRate[i]!.operations.find((x) => x.id === id)!.latency.p95;
    });
    const delta = mean[b]! - mean[a]!;
    return { id, mean, p95, delta, causes: latencyCauses(resolved, id, a, b, ca, cb, ra, rb, delta) };
  });

  const keyOps = keyOperations(w.mix, (id) => saturation(ca, opDemands(ca), { [id]: 1 }).rate);
  const saturationRows = layouts.map((l) => {
    const c = compiled.get(l)!;
    const d = opDemands(c);
    const mixSat = saturation(c, d, w.mix, o.host);
    const byOperation: Record<string, number> = {};
    const causes: string[] = [];
    for (const id of Object.keys(w.mix)) {
      const s = saturation(c, d, { [id]: 1 }, o.host);
      byOperation[id] = s.rate;
    }
    const st = c.stations.find((s) => s.id === mixSat.station);
    if (st) {
      const idx = c.stations.indexOf(st);
      let D = 0;
      for (const [id, p] of Object.entries(w.mix)) D += p * (d.get(id)?.loadDemand[idx] ?? 0);
      causes.push(`${st.id} (${st.kind}, ${st.replicas * st.servers} server${st.replicas * st.servers > 1 ? 's' : ''}${st.replicas > 1 ? ` = ${st.replicas} replicas × ${st.servers}` : ''}) does ${ms(D)} of work per request of the mix → saturates at ${rateFigure(mixSat.rate)}`);
    }
    for (const id of keyOps) {
      const s = saturation(c, d, { [id]: 1 }, o.host);
      // An operation that does no work (a health check of 0 ms) has no rate at which it saturates.
      if (!Number.isFinite(s.rate)) {
        causes.push(`${id} alone: no work on any station, so no limit`);
        continue;
      }
      const idx = c.stations.findIndex((x) => x.id === s.station);
      if (idx < 0) {
        // The shared host's cores are the limit (compare with a calibration host).
        causes.push(`${id} alone: ${rateFigure(s.rate)}, limited by the host's ${cores(o.host?.cores)}`);
        continue;
      }
      const dd = d.get(id)!.loadDemand[idx]!;
      const st2 = c.stations[idx]!;
      causes.push(`${id} alone: ${rateFigure(s.rate)}, limited by ${s.station} (${ms(dd)} per request on ${st2.replicas * st2.servers} server${st2.replicas * st2.servers > 1 ? 's' : ''})`);
    }
    return { layout: l, mix: mixSat.rate, byOperation, bottleneck: mixSat.station, causes };
  });

  const faults = runFaults(bp, layouts, o.scenarios ?? [], { seed: o.seed ?? 1, workload: pick(o) });

  const cost = layouts.map((l, i) => ({
    layout: l,
    monthly: atRate[i]!.cost.monthly,
    // At the rate the comparison names, as report prices it: a layout whose figures came from a
    // DES was divided by the throughput that run measured (159.2/s: $0.45 beside report's $0.44).
    perMillionRequests: perMillion(atRate[i]!.cost.monthly.usdPerMonth, rate),
    causes: costCauses(atRate[i]!.cost.monthly),
  }));

  return {
    blueprint: bp.metadata.name,
    layouts,
    lowLoad,
    lowRate,
    atRate,
    rate,
    operations,
    saturation: saturationRows,
    faultIsolation: faults.rows,
    keyOperations: keyOps,
    cost,
    // A layout past saturation at the compared rate: its p95 there is unbounded, said first.
    notes: [...atRate.filter((r) => r.saturated).map((r) => `${r.layout} at ${rateText(rate)}: ${saturatedWarning(r.saturated!)}`), ...figures.flatMap((f) => (f.note ? [f.note] : [])), ...approximationNotes(atRate, rate), ...lowLoadTimeoutNotes(lowLoad, atRate, lowRate), ...notes(resolved, operations, layouts, compiled, a, b), ...saturationNotes(saturationRows, compiled, keyOps, a, b, o.host), ...faults.notes, ...unfinishedNotes(faults.rows)],
  };
}

/**
 * The rate of compare's "no queueing" means: the largest power of ten at most a millionth of the
 * lowest saturation rate of the compared layouts' mix (sweep's no-load mean takes a millionth of
 * saturation the same way), and at most 1/s. Not a fixed 1/s: a layout that saturates at 3.6/s
 * queued there (ρ≈0.28: a 0.3 ms request waited behind 1.1 s ones, 256 ms in all), and one that
 * saturates at 0.9/s had no mean at all. Nor a hundredth of saturation: the light request still
 * waited 1.7 ms there. 1/s where nothing saturates.
 */
export function lowLoadRate(saturationRates: number[]): number {
  const limits = saturationRates.filter((r) => Number.isFinite(r) && r > 0);
  if (!limits.length) return 1;
  const light = Math.min(...limits) * 1e-6;
  // (the power of ten from its exponent, with a nudge: log10(0.001) is −2.9999999999999996;
  // and as "1e-4", which 10 ** -4 is not: 0.00009999999999999999)
  return Math.min(1, Number(`1e${Math.floor(Math.log10(light) + 1e-9)}`));
}

/** The p95 column at the compared rate is analytic: the approximations in force there, layout by layout. */
function approximationNotes(atRate: SimulationResult[], rate: number): string[] {
  return atRate.flatMap((r) => namedApproximations(r).map((w) => `${r.layout} at ${rateText(rate)}: ${w}`));
}

/**
 * The means with no load are analytic whatever the p95 column is: a call timeout the analytic
 * method does not apply (TIMEOUT_MARK) is said for them too, unless a note at the rate said it of
 * the same call.
 */
function lowLoadTimeoutNotes(lowLoad: SimulationResult[], atRate: SimulationResult[], lowRate: number): string[] {
  return lowLoad.flatMap((r, i) => {
    // the same call (operation, callee, policy: the words up to the mark), whatever its figures there
    const head = (w: string) => w.slice(0, w.indexOf(TIMEOUT_MARK));
    const said = new Set(namedApproximations(atRate[i]!).filter((w) => w.includes(TIMEOUT_MARK)).map(head));
    return namedApproximations(r)
      .filter((w) => w.includes(TIMEOUT_MARK) && !said.has(head(w)))
      .map((w) => `${r.layout} with no load (${rateFigure(lowRate)}): ${w}`);
  });
}

function pick(o: CompareOptions): WorkloadOptions {
  const out: WorkloadOptions = {};
  if (o.rate !== undefined) out.rate = o.rate;
  if (o.mix !== undefined) out.mix = o.mix;
  return out;
}

/**
 * The operations a request of `id` runs on its critical path, each with the unit it runs on, in
 * compile.ts opBody's order: an operation's calls (in process or remote, each with its own
 * subtree) before its own work; a callee placed in no unit is skipped with its subtree.
 */
function pathOps(rb: ResolvedBlueprint, c: Compiled, id: string): { op: OperationRef; unit: string }[] {
  const out: { op: OperationRef; unit: string }[] = [];
  const root = rb.operationIndex.get(id);
  const unit = root && c.layout.unitOfDomain.get(root.domain);
  if (!root || !unit) return out;
  const walk = (o: OperationRef, u: string, calls: readonly CallNode[]) => {
    for (const n of calls) {
      const cu = c.layout.unitOfDomain.get(n.callee.domain);
      if (cu) walk(n.callee, cu, n.children);
    }
    out.push({ op: o, unit: u });
  };
  walk(root, unit, rb.callTree(id).calls);
  return out;
}

/**
 * A datastore as the causes name it: an engine: memory store is the unit's own state (its queries
 * are CPU in the unit's process, no station of its own), named so, not left out as "none".
 */
const storeName = (d: { name: string; engine: string }) => (d.engine === 'memory' ? `${d.name} in process (memory)` : d.name);

/**
 * What an operation's path spends on datastores with nothing queued (each query's mean, as
 * compile.ts visits it: a memory store's on the unit), and which.
 */
function storeTime(rb: ResolvedBlueprint, c: Compiled, id: string): { ms: number; names: string[] } {
  let total = 0;
  const names: string[] = [];
  for (const { op } of pathOps(rb, c, id)) {
    const db = op.op.db;
    const placed = c.layout.operations.get(op.id);
    if (db.reads + db.writes === 0 || !placed?.store) continue;
    total += db.reads * placed.read.mean + db.writes * placed.write.mean;
    const name = storeName(placed.store);
    if (!names.includes(name)) names.push(name);
  }
  return { ms: total, names };
}

/**
 * The events a request of `id` publishes to the broker on its critical path, per event: how many,
 * its payload and the publishing unit's CPU for them, as compile.ts opBody charges it (the
 * broker's publishCpu, else an HTTP call's, plus the HTTP per-KiB cost on the payload). An event
 * with no consumer outside its unit under localDelivery: in-process costs nothing here. Consuming
 * an event is never on the path (its work is spawned off it).
 */
function publishes(rb: ResolvedBlueprint, c: Compiled, id: string): { event: string; n: number; bytes: number; ms: number }[] {
  const broker = c.layout.layout.broker;
  if (!broker) return [];
  const http = c.layout.hop.http;
  const viaBroker = (event: string, fromUnit: string) =>
    broker.localDelivery !== 'in-process' ||
    (rb.events.get(event)?.consumers ?? []).some((x) => {
      const d = rb.operationIndex.get(x)?.domain;
      return d !== undefined && c.layout.unitOfDomain.get(d) !== fromUnit;
    });
  const out: { event: string; n: number; bytes: number; ms: number }[] = [];
  for (const { op, unit } of pathOps(rb, c, id)) {
    for (const e of op.op.emits) {
      if (!viaBroker(e, unit)) continue;
      const bytes = rb.events.get(e)?.payload ?? rb.blueprint.system.defaults.payload.event;
      const ms = (broker.publishCpu ?? http.cpuPerCall) + (http.cpuPerKiB * bytes) / 1024;
      const seen = out.find((x) => x.event === e);
      if (seen) (seen.n++, (seen.ms += ms));
      else out.push({ event: e, n: 1, bytes, ms });
    }
  }
  return out;
}

/** `order.placed 650 KiB, item.added ×2 1 KiB to the kafka broker`: a layout's publishes on a path. */
function publishWords(list: ReturnType<typeof publishes>, c: Compiled): string {
  return `${list.map((p) => `${p.event}${p.n > 1 ? ` ×${p.n}` : ''} ${size(p.bytes)}`).join(', ')} to the ${c.layout.layout.broker!.kind} broker`;
}

const sumMs = (list: { ms: number }[]) => list.reduce((s, x) => s + x.ms, 0);

/**
 * Why b's mean with no load differs from a's, cause by cause, savings (−) as well as costs (+).
 * `delta` is that difference: where it is a saving and no cause named is one, it says so rather
 * than list only added costs (accounts.open −1.54 ms listed only "gateway hop (+0.81 ms)").
 */
function latencyCauses(bpr: ResolvedBlueprint, id: string, a: string, b: string, ca: Compiled, cb: Compiled, ra: SimulationResult, rb: SimulationResult, delta = 0): string[] {
  const ta = ca.programs[ca.entry.get(id)!]!.tally;
  const tb = cb.programs[cb.entry.get(id)!]!.tally;
  const out: string[] = [];
  // Hops between units, each at its own protocol's latency (the gateway's two are its own cause).
  const hopsA = ta.hops - (ta.gateway ? 2 : 0);
  const hopsB = tb.hops - (tb.gateway ? 2 : 0);
  const unitHopsMs = tb.networkMs - tb.gatewayNetworkMs - (ta.networkMs - ta.gatewayNetworkMs);
  if (hopsB !== hopsA) {
    const d = hopsB - hopsA;
    out.push(`${Math.abs(d)} ${d > 0 ? 'extra' : 'fewer'} network hop${Math.abs(d) > 1 ? 's' : ''} (${signed(unitHopsMs)})`);
  } else if (Math.abs(unitHopsMs) > 1e-9) {
    // The same hops at another latency (another layout's network, or gRPC where HTTP was).
    out.push(`${hopsB} network hop${hopsB > 1 ? 's' : ''} at ${unitHopsMs > 0 ? 'a higher' : 'a lower'} latency (${signed(unitHopsMs)})`);
  }
  // Serialization of the calls one layout makes and the other does not, or of the same calls at
  // another cost per call or per KiB ("of 1 costlier remote call", not "of 0 remote calls").
  const dSer = tb.serializationMs - ta.serializationMs;
  if (Math.abs(dSer) > 1e-9) {
    const same = tb.remoteCalls === ta.remoteCalls;
    const n = same ? tb.remoteCalls : Math.abs(tb.remoteCalls - ta.remoteCalls);
    out.push(`serialization of ${n}${same ? (dSer > 0 ? ' costlier' : ' cheaper') : ''} remote call${n === 1 ? '' : 's'} (${signed(dSer)})`);
  }
  // Serializing the events published to the broker on the path (bigevent: all of +7.60 ms).
  const pa = publishes(bpr, ca, id);
  const pb = publishes(bpr, cb, id);
  const dPub = sumMs(pb) - sumMs(pa);
  if (Math.abs(dPub) > 1e-9) {
    const both = pa.length > 0 && pb.length > 0;
    const what = !pa.length ? publishWords(pb, cb) : `${pb.length ? publishWords(pb, cb) : 'none through a broker'} vs ${publishWords(pa, ca)}`;
    out.push(`${both ? (dPub > 0 ? 'costlier ' : 'cheaper ') : ''}event publish (${signed(dPub)}: ${what})`);
  }
  if (tb.gateway !== ta.gateway) out.push(`gateway hop (${tb.gateway ? '+' : '−'}${ms(tb.gateway ? tb.gatewayMs : ta.gatewayMs)})`);
  // The queries' own time: the same queries on a faster store (Redis for Postgres) are a saving.
  const sa = storeTime(bpr, ca, id);
  const sb = storeTime(bpr, cb, id);
  const dStore = sb.ms - sa.ms;
  if (Math.abs(dStore) > 1e-9) {
    const same = sa.names.join() === sb.names.join();
    const plural = sb.names.length > 1 || (!same && sa.names.length > 1) ? 's' : '';
    out.push(`${dStore < 0 ? 'faster' : 'slower'} datastore${plural} (${signed(dStore)}${same ? ` on ${sb.names.join(', ')}` : `: ${sb.names.join(', ') || 'no datastore'} vs ${sa.names.join(', ') || 'no datastore'}`})`);
  }
  const saving = out.some((x) => x.includes('(−'));
  // Queueing at the compared rate on the stations this operation visits.
  // One layout compared with itself: its queueing said once.
  for (const [layout, c, r] of (a === b ? [[a, ca, ra]] : [[a, ca, ra], [b, cb, rb]]) as readonly (readonly [string, Compiled, SimulationResult])[]) {
    const d = opDemands(c).get(id)!;
    const seen = new Set<number>();
    for (const v of d.visits) {
      if (seen.has(v.station)) continue;
      seen.add(v.station);
      const s = r.stations.find((x) => x.id === c.stations[v.station]!.id && x.kind === c.stations[v.station]!.kind)!;
      if (s.utilization >= 0.3) out.push(`queueing at ${s.id} in ${layout} (ρ=${s.utilization.toFixed(2)})`);
    }
  }
  // Replicas of the unit that serves the operation.
  const ua = ca.stations.find((s) => s.kind === 'unit' && s.id === ca.layout.unitOfDomain.get(id.split('.')[0]!));
  const ub = cb.stations.find((s) => s.kind === 'unit' && s.id === cb.layout.unitOfDomain.get(id.split('.')[0]!));
  if (ua && ub && ua.replicas * ua.servers !== ub.replicas * ub.servers) out.push(`${servers(ub)} vs ${servers(ua)} (${ub.id} vs ${ua.id})`);
  // A saving none of the causes above accounts for: said, not hidden behind the costs listed.
  if (delta <= -0.005 && !saving) out.unshift(`net saving (${signed(delta)}) from work the causes below do not break down`);
  return out;
}

function costCauses(c: LayoutCost): string[] {
  const byKind = new Map<string, { usd: number; names: string[] }>();
  for (const i of c.items) {
    const k = byKind.get(i.kind) ?? { usd: 0, names: [] };
    k.usd += i.usdPerMonth;
    k.names.push(`${i.component}${i.count > 1 ? ` ×${i.count}` : ''}`);
    byKind.set(i.kind, k);
  }
  return [...byKind.entries()].map(([kind, k]) => `${kind}s: $${Math.round(k.usd * 100) / 100} (${k.names.join(', ')})`);
}

/** An operation's saturation rate alone, in words; one that does no work has none ("no limit", not "Infinity/s"). */
function aloneWords(rate: number): string {
  return Number.isFinite(rate) ? rateFigure(rate) : 'no limit';
}

/** "1 shared core", "2 shared cores" ("?" when the host is not known). */
function cores(n: number | undefined): string {
  return `${n ?? '?'} shared core${n === 1 ? '' : 's'}`;
}

/** "2 replicas × 2 workers", "4 workers", "3 replicas", "1 replica": what serves a unit's requests. */
function servers(st: { replicas: number; servers: number }): string {
  const r = `${st.replicas} replica${st.replicas === 1 ? '' : 's'}`;
  if (st.servers === 1) return r;
  const w = `${st.servers} workers`;
  return st.replicas > 1 ? `${r} × ${w}` : w;
}

/**
 * The operations worth a column and a note of their own: the busiest of the mix and the one
 * that saturates first on its own in the first layout (the most expensive), in that order.
 */
export function keyOperations(mix: Record<string, number>, aloneRate: (id: string) => number): string[] {
  const ids = Object.keys(mix);
  if (!ids.length) return [];
  const busiest = [...ids].sort((x, y) => mix[y]! - mix[x]! || x.localeCompare(y))[0]!;
  const heaviest = [...ids].sort((x, y) => aloneRate(x) - aloneRate(y) || x.localeCompare(y))[0]!;
  return heaviest === busiest ? [busiest] : [busiest, heaviest];
}

function notes(bpr: ResolvedBlueprint, ops: OperationDelta[], layouts: string[], compiled: Map<string, Compiled>, a: string, b: string): string[] {
  const out: string[] = [];
  // Hop costs of every compared layout that makes remote calls, and where they come from.
  for (const l of layouts) {
    const c = compiled.get(l)!;
    if (![...c.entry.values()].some((p) => c.programs[p]!.tally.remoteCalls > 0)) continue;
    const net = c.layout.layout.network;
    // The parsed layout always has a network (defaults filled in); say which figures are whose.
    const defaults = Network.parse({});
    const declared = net.latency !== defaults.latency || net.cpuPerCall !== defaults.cpuPerCall || net.cpuPerKiB !== defaults.cpuPerKiB;
    const remote = [...c.entry.values()].map((p) => c.programs[p]!.tally);
    const http = remote.some((t) => t.remoteCalls > t.grpcCalls);
    const grpc = remote.some((t) => t.grpcCalls > 0);
    if (http || !grpc) {
      out.push(
        `${grpc ? 'HTTP ' : ''}hop cost in ${l}: ${ms(net.latency)} one-way latency + ${ms(net.cpuPerCall)} CPU per side + ${hop(net.cpuPerKiB)} per KiB per side (${declared ? `blueprint layouts.${l}.network` : `archsim's defaults; set layouts.${l}.network to change them`})`,
      );
    }
    if (grpc) {
      const h = c.layout.hop.grpc;
      const own = net.grpc.latency !== undefined || net.grpc.cpuPerCall !== undefined || net.grpc.cpuPerKiB !== undefined;
      out.push(
        `gRPC hop cost in ${l}: ${ms(h.latency)} one-way latency + ${ms(h.cpuPerCall)} CPU per side + ${hop(h.cpuPerKiB)} per KiB per side (${own ? `blueprint layouts.${l}.network.grpc, the HTTP figures for what it leaves out` : `the HTTP figures: set layouts.${l}.network.grpc.cpuPerCall and cpuPerKiB to gRPC's own`})`,
      );
    }
  }
  if (a === b) return out;
  const ca = compiled.get(a)!;
  const cb = compiled.get(b)!;
  // The operation the split costs most, and what that is made of.
  const worst = [...ops].sort((x, y) => y.delta - x.delta)[0];
  if (worst && worst.delta > 0) {
    const t = cb.programs[cb.entry.get(worst.id)!]!.tally;
    const ta = ca.programs[ca.entry.get(worst.id)!]!.tally;
    const dh = t.hops - ta.hops;
    // Tens of milliseconds already: the model's own costs make it so, named part by part.
    if (dh > 0 && worst.delta >= 10) out.push(largeDifferenceNote(bpr, worst.id, worst.delta, b, ca, cb));
    else if (dh > 0) {
      out.push(
        `${worst.id}: ${b} is ${signed(worst.delta)} per request at low load, the largest difference (${dh} more one-way hop${dh > 1 ? 's' : ''}${Math.abs(t.networkMs - ta.networkMs - dh * cb.networkLatency) < 1e-9 ? ` at ${ms(cb.networkLatency)} each` : `, ${ms(t.networkMs - ta.networkMs)} in all`}, plus serialization${t.gateway && !ta.gateway ? ' and the gateway' : ''}); only a slower path per hop (a WAN, TLS set-up on each call) makes it tens of milliseconds`,
      );
    }
  }
  return out;
}

/** `8 MiB`, `512 KiB`, `300 B`: a payload in words. */
const size = (bytes: number) => formatSize(bytes).replace(/^([0-9.]+)/, '$1 ');

/**
 * The note on the operation a split costs most when that is ten milliseconds or more, from the
 * parts the why column's causes are made of (the hops' latency, serialization, the gateway's CPU
 * and its per-KiB cost on the payload, the queries' time), largest first. Saying that only a WAN or TLS set-up could
 * make it tens of milliseconds was false where the model's own figures did: an 8 MiB upload
 * through a gateway at 5 µs/KiB is +41 ms on a LAN.
 */
function largeDifferenceNote(bpr: ResolvedBlueprint, id: string, delta: number, b: string, ca: Compiled, cb: Compiled): string {
  const ta = ca.programs[ca.entry.get(id)!]!.tally;
  const t = cb.programs[cb.entry.get(id)!]!.tally;
  // `cpu`: a cost of CPU, not of the network's latency (what a WAN would raise)
  const parts: { ms: number; words: string; what: string; cpu: boolean }[] = [];
  const dh = t.hops - ta.hops;
  const dNet = t.networkMs - ta.networkMs;
  const each = Math.abs(dNet - dh * cb.networkLatency) < 1e-9 ? ` at ${ms(cb.networkLatency)} each` : '';
  if (Math.abs(dNet) > 1e-9) parts.push({ ms: dNet, words: `${dh} more one-way hop${dh > 1 ? 's' : ''}${each} (${signed(dNet)})`, what: 'the hops’ latency, as the layout’s network figures give it', cpu: false });
  const dSer = t.serializationMs - ta.serializationMs;
  if (Math.abs(dSer) > 1e-9) parts.push({ ms: dSer, words: `serialization of the remote calls (${signed(dSer)})`, what: 'serialization CPU, from the layout’s own hop costs', cpu: true });
  const pa = publishes(bpr, ca, id);
  const pb = publishes(bpr, cb, id);
  const dPub = sumMs(pb) - sumMs(pa);
  if (Math.abs(dPub) > 1e-9) {
    const words = !pa.length ? `publishing ${publishWords(pb, cb)}` : `publishing ${pb.length ? publishWords(pb, cb) : 'none through a broker'} rather than ${publishWords(pa, ca)}`;
    parts.push({ ms: dPub, words: `${words} (${signed(dPub)})`, what: 'serializing events for the broker, from the layout’s own hop costs', cpu: true });
  }
  if (t.gateway && !ta.gateway) {
    const placed = cb.layout.operations.get(id);
    const unit = placed?.unit;
    const bytes = placed ? placed.ref.op.request + placed.ref.op.response : 0;
    const perKiB = unit ? cb.layout.hop[unit.protocol].cpuPerKiB : 0;
    const payload = (perKiB * bytes) / 1024;
    const cpu = t.gatewayMs - t.gatewayNetworkMs - payload;
    if (payload > 1e-9) parts.push({ ms: payload, words: `${size(bytes)} of request and response through the gateway at ${hop(perKiB)}/KiB (${signed(payload)})`, what: 'the payload’s per-KiB cost at the gateway, from the layout’s own hop costs', cpu: true });
    if (cpu > 1e-9) parts.push({ ms: cpu, words: `the gateway’s own CPU (${signed(cpu)})`, what: 'the gateway’s CPU', cpu: true });
  }
  const sa = storeTime(bpr, ca, id);
  const sb = storeTime(bpr, cb, id);
  if (Math.abs(sb.ms - sa.ms) > 1e-9) parts.push({ ms: sb.ms - sa.ms, words: `queries on ${sb.names.join(', ') || 'no datastore'} rather than ${sa.names.join(', ') || 'no datastore'} (${signed(sb.ms - sa.ms)})`, what: 'the queries’ time on the datastores', cpu: true });
  parts.sort((x, y) => y.ms - x.ms);
  const top = parts[0];
  const most = top && top.ms >= delta / 2 ? `: most of it is ${top.what}${top.cpu ? ' (no WAN or TLS set-up needed)' : ''}` : '';
  return `${id}: ${b} is ${signed(delta)} per request at low load, the largest difference${parts.length ? `, of which ${parts.map((x) => x.words).join(', ')}` : ''}${most}`;
}

/** Why one layout holds more (or not): which station limits each single-operation workload. */
function saturationNotes(rows: ComparisonResult['saturation'], compiled: Map<string, Compiled>, keyOps: string[], a: string, b: string, host?: HostModel): string[] {
  const out: string[] = [];
  const ra = rows.find((r) => r.layout === a);
  const rb = rows.find((r) => r.layout === b);
  if (!ra || !rb || a === b) return out;
  if (Number.isFinite(ra.mix) && Number.isFinite(rb.mix)) {
    out.push(`workload mix: ${b} saturates at ${rateFigure(rb.mix)} (${rb.bottleneck}) vs ${a} at ${rateFigure(ra.mix)} (${ra.bottleneck}): ×${(rb.mix / ra.mix).toFixed(2)}`);
  } else {
    // A mix of operations that do no work (health checks of 0 ms) has no saturation: said, not "Infinity/s".
    const sat = (r: typeof ra) => (Number.isFinite(r.mix) ? `saturates at ${rateFigure(r.mix)} (${r.bottleneck})` : 'never saturates (no work on any station)');
    out.push(`workload mix: ${b} ${sat(rb)}, ${a} ${sat(ra)}`);
  }
  for (const id of keyOps) {
    const cb = compiled.get(b)!;
    const s = saturation(cb, opDemands(cb), { [id]: 1 }, host);
    const st = cb.stations.find((x) => x.id === s.station);
    // Computed from the unrounded rates, shown as the table shows them (words.ts rateRound: a rate under 100/s keeps
    // three digits: "0.8/s" alone, "1.6/s" twice that, not "1/s" and "2/s").
    const want = 2 * rb.byOperation[id]!;
    if (!Number.isFinite(want) || want <= 0) continue;
    if (!st) {
      // The shared host's cores are the limit: twice the rate takes twice the cores.
      const work = (want / s.rate) * (host?.cores ?? 1);
      out.push(`${id} alone: ${a} ${aloneWords(ra.byOperation[id]!)}, ${b} ${aloneWords(rb.byOperation[id]!)}, limited by the host's ${cores(host?.cores)}; twice that (${rateFigure(want)}) would need ${Math.ceil(work - 1e-9)} cores at ρ=1, ${Math.ceil(work / 0.7 - 1e-9)} at 70%`);
      continue;
    }
    const idx = cb.stations.indexOf(st);
    const load = opDemands(cb).get(id)!.loadDemand;
    const D = load[idx]!;
    const fixable = st.kind === 'unit';
    // What doubling it would take: the question a capacity plan asks next.
    const work = (want * D) / 1000;
    // Every other station that would cap it below twice the rate: more cores at the first alone
    // would gain nothing where a database limits it at the same rate.
    const also = cb.stations.flatMap((x, i) => {
      const d = load[i]!;
      if (i === idx || !(d > 0)) return [];
      const cap = (1000 * x.replicas * x.servers) / d;
      return cap < want * (1 - 1e-9) ? [`${x.id} caps it at ${rateFigure(cap)} (${Math.ceil((want * d) / 1000 - 1e-9)} cores there at ρ=1)`] : [];
    });
    out.push(
      `${id} alone: ${a} ${aloneWords(ra.byOperation[id]!)}, ${b} ${aloneWords(rb.byOperation[id]!)}, limited by ${st.id} (${ms(D)} per request${fixable ? '' : ', and replicas of the services do not scale it'}); twice that (${rateFigure(want)}) would need ${Math.ceil(work - 1e-9)} ${st.kind === 'unit' ? 'replica cores' : 'cores'} there at ρ=1, ${Math.ceil(work / 0.7 - 1e-9)} at 70%${also.length ? `, and more beside it: ${also.join('; ')}` : ''}`,
    );
  }
  return out;
}
