// Layouts side by side on the same work: latency per operation at low load, throughput at
// saturation, fault isolation under the scenarios, monthly cost — each difference with its
// cause (hops, serialization, gateway, queueing, replicas, instances). Pure.
import type { Blueprint } from '../model/schema.js';
import { analyze, saturation } from './analytic.js';
import { compile, type Compiled } from './compile.js';
import { opDemands } from './demand.js';
import { saturatedWarning } from './overload.js';
import type { LayoutCost } from './cost.js';
import type { Scenario } from './scenario.js';
import { ScenarioError, simulate } from './simulate.js';
import type { ComparisonResult, FaultRow, OperationDelta, SimulationResult } from './types.js';
import { workloadFor, type WorkloadOptions } from './workload.js';

export interface CompareOptions extends WorkloadOptions {
  /** rate for "low load" latencies (default 1/s: no queueing to speak of) */
  lowRate?: number;
  scenarios?: Scenario[];
  /** skip (with a note) scenarios that name something the blueprint does not have, instead of failing */
  skipUnfitScenarios?: boolean;
  seed?: number;
}

const ms = (x: number) => `${Math.abs(x) < 10 ? x.toFixed(2) : x.toFixed(1)} ms`;
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${ms(Math.abs(x))}`;

export function compare(bp: Blueprint, layouts: string[], o: CompareOptions = {}): ComparisonResult {
  const w = workloadFor(bp, o);
  const rate = w.rate ?? 100;
  const compiled = new Map<string, Compiled>(layouts.map((l) => [l, compile(bp, l)]));
  const lowLoad = layouts.map((l) => analyze(bp, l, { ...o, rate: o.lowRate ?? 1, compiled: compiled.get(l)! }));
  const atRate = layouts.map((l) => analyze(bp, l, { ...o, rate, compiled: compiled.get(l)! }));
  const [a, b] = [layouts[0]!, layouts[1] ?? layouts[0]!];
  const ca = compiled.get(a)!;
  const cb = compiled.get(b)!;
  const ra = atRate[0]!;
  const rb = atRate[1] ?? atRate[0]!;

  const operations: OperationDelta[] = Object.keys(w.mix).map((id) => {
    const mean: Record<string, number> = {};
    const p95: Record<string, number> = {};
    layouts.forEach((l, i) => {
      mean[l] = lowLoad[i]!.operations.find((x) => x.id === id)!.latency.mean;
      p95[l] = atRate[i]!.operations.find((x) => x.id === id)!.latency.p95;
    });
    return { id, mean, p95, delta: mean[b]! - mean[a]!, causes: latencyCauses(id, a, b, ca, cb, ra, rb) };
  });

  const saturationRows = layouts.map((l) => {
    const c = compiled.get(l)!;
    const d = opDemands(c);
    const mixSat = saturation(c, d, w.mix);
    const byOperation: Record<string, number> = {};
    const causes: string[] = [];
    for (const id of Object.keys(w.mix)) {
      const s = saturation(c, d, { [id]: 1 });
      byOperation[id] = s.rate;
    }
    const st = c.stations.find((s) => s.id === mixSat.station);
    if (st) {
      const idx = c.stations.indexOf(st);
      let D = 0;
      for (const [id, p] of Object.entries(w.mix)) D += p * (d.get(id)?.loadDemand[idx] ?? 0);
      causes.push(`${st.id} (${st.kind}, ${st.replicas * st.servers} server${st.replicas * st.servers > 1 ? 's' : ''}${st.replicas > 1 ? ` = ${st.replicas} replicas × ${st.servers}` : ''}) does ${ms(D)} of work per request of the mix → saturates at ${Math.round(mixSat.rate)}/s`);
    }
    for (const id of ['auth.login', 'messages.send'].filter((x) => x in w.mix)) {
      const s = saturation(c, d, { [id]: 1 });
      const idx = c.stations.findIndex((x) => x.id === s.station);
      const dd = d.get(id)!.loadDemand[idx]!;
      const st2 = c.stations[idx]!;
      causes.push(`${id} alone: ${Math.round(s.rate)}/s, limited by ${s.station} (${ms(dd)} per request on ${st2.replicas * st2.servers} server${st2.replicas * st2.servers > 1 ? 's' : ''})`);
    }
    return { layout: l, mix: mixSat.rate, byOperation, bottleneck: mixSat.station, causes };
  });

  const faultIsolation: FaultRow[] = [];
  const skipped: string[] = [];
  for (const sc of o.scenarios ?? []) {
    try {
      for (const l of layouts) {
        const r = simulate(bp, l, { scenario: sc, seed: o.seed ?? 1, ...pick(o) });
        faultIsolation.push(...(r.faults ?? []).map((f) => ({ ...f, failure: `${sc.name}: ${f.failure}` })));
      }
    } catch (e) {
      if (!(e instanceof ScenarioError) || !o.skipUnfitScenarios) throw e;
      skipped.push(`scenario ${sc.name} skipped: ${e.problems[0]?.message ?? e.message}`);
    }
  }

  const cost = layouts.map((l, i) => ({
    layout: l,
    monthly: atRate[i]!.cost.monthly,
    perMillionRequests: atRate[i]!.cost.perMillionRequests,
    causes: costCauses(atRate[i]!.cost.monthly),
  }));

  return {
    blueprint: bp.metadata.name,
    layouts,
    lowLoad,
    atRate,
    rate,
    operations,
    saturation: saturationRows,
    faultIsolation,
    cost,
    // A layout past saturation at the compared rate: its p95 there is unbounded, said first.
    notes: [...atRate.filter((r) => r.saturated).map((r) => `${r.layout} at ${Math.round(rate)}/s: ${saturatedWarning(r.saturated!.station, r.saturated!.utilization)}`), ...notes(operations, a, b, ca, cb), ...saturationNotes(saturationRows, compiled, w.mix, a, b), ...skipped],
  };
}

function pick(o: CompareOptions): WorkloadOptions {
  const out: WorkloadOptions = {};
  if (o.rate !== undefined) out.rate = o.rate;
  if (o.mix !== undefined) out.mix = o.mix;
  return out;
}

function latencyCauses(id: string, a: string, b: string, ca: Compiled, cb: Compiled, ra: SimulationResult, rb: SimulationResult): string[] {
  const ta = ca.programs[ca.entry.get(id)!]!.tally;
  const tb = cb.programs[cb.entry.get(id)!]!.tally;
  const out: string[] = [];
  const lat = cb.networkLatency;
  const hopsA = ta.hops - (ta.gateway ? 2 : 0);
  const hopsB = tb.hops - (tb.gateway ? 2 : 0);
  if (hopsB !== hopsA) {
    const d = hopsB - hopsA;
    out.push(`${Math.abs(d)} ${d > 0 ? 'extra' : 'fewer'} network hop${Math.abs(d) > 1 ? 's' : ''} (${signed(d * lat)})`);
  }
  const dr = tb.remoteCalls - ta.remoteCalls;
  if (Math.abs(tb.serializationMs - ta.serializationMs) > 1e-9) out.push(`serialization of ${Math.abs(dr)} remote call${Math.abs(dr) === 1 ? '' : 's'} (${signed(tb.serializationMs - ta.serializationMs)})`);
  if (tb.gateway !== ta.gateway) out.push(`gateway hop (${tb.gateway ? '+' : '−'}${ms(tb.gateway ? tb.gatewayMs : ta.gatewayMs)})`);
  // Queueing at the compared rate on the stations this operation visits.
  for (const [layout, c, r] of [[a, ca, ra], [b, cb, rb]] as const) {
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
  if (ua && ub && ua.replicas * ua.servers !== ub.replicas * ub.servers) out.push(`${ub.replicas * ub.servers} replica${ub.replicas > 1 ? 's' : ''} vs ${ua.replicas * ua.servers} (${ub.id} vs ${ua.id})`);
  return out;
}

function costCauses(c: LayoutCost): string[] {
  const byKind = new Map<string, { usd: number; count: number; names: string[] }>();
  for (const i of c.items) {
    const k = byKind.get(i.kind) ?? { usd: 0, count: 0, names: [] };
    k.usd += i.usdPerMonth;
    k.count += i.count;
    k.names.push(`${i.component}${i.count > 1 ? ` ×${i.count}` : ''}`);
    byKind.set(i.kind, k);
  }
  return [...byKind.entries()].map(([kind, k]) => `${kind}s: $${Math.round(k.usd * 100) / 100} (${k.names.join(', ')})`);
}

function notes(ops: OperationDelta[], a: string, b: string, ca: Compiled, cb: Compiled): string[] {
  const out: string[] = [];
  if (a === b) return out;
  const net = cb.layout.layout.network;
  out.push(
    `hop cost in ${b}: ${ms(net.latency)} one-way latency + ${ms(net.cpuPerCall)} CPU per side + ${ms(net.cpuPerKiB)} per KiB per side (blueprint layouts.${b}.network)`,
  );
  const login = ops.find((o) => o.id === 'auth.login') ?? ops[0];
  if (login) {
    const t = cb.programs[cb.entry.get(login.id)!]!.tally;
    const ta = ca.programs[ca.entry.get(login.id)!]!.tally;
    const dh = t.hops - ta.hops;
    if (dh > 0) {
      const perHop = 25 / dh;
      out.push(
        `${login.id}: ${b} is ${signed(login.delta)} per request at low load (${dh} more one-way hop${dh > 1 ? 's' : ''}); a +20–30 ms difference would need ≈${perHop.toFixed(0)} ms per one-way hop — a WAN or cross-region path with TLS set-up, not a LAN hop in one data centre`,
      );
    }
  }
  return out;
}

/** Why one layout holds more (or not): which station limits each single-operation workload. */
function saturationNotes(rows: ComparisonResult['saturation'], compiled: Map<string, Compiled>, mix: Record<string, number>, a: string, b: string): string[] {
  const out: string[] = [];
  const ra = rows.find((r) => r.layout === a);
  const rb = rows.find((r) => r.layout === b);
  if (!ra || !rb || a === b) return out;
  out.push(`workload mix: ${b} saturates at ${Math.round(rb.mix)}/s (${rb.bottleneck}) vs ${a} at ${Math.round(ra.mix)}/s (${ra.bottleneck}): ×${(rb.mix / ra.mix).toFixed(2)}`);
  for (const id of ['auth.login', 'messages.send'].filter((x) => x in mix)) {
    const cb = compiled.get(b)!;
    const s = saturation(cb, opDemands(cb), { [id]: 1 });
    const st = cb.stations.find((x) => x.id === s.station)!;
    const idx = cb.stations.indexOf(st);
    const D = opDemands(cb).get(id)!.loadDemand[idx]!;
    const fixable = st.kind === 'unit';
    const want = 2000;
    const needed = Math.ceil((want * D) / 1000);
    out.push(
      `${id} alone: ${a} ${Math.round(ra.byOperation[id]!)}/s, ${b} ${Math.round(rb.byOperation[id]!)}/s, limited by ${st.id} (${ms(D)} per request${fixable ? '' : ', and replicas of the services do not scale it'}); ${want}/s would need ${needed} ${st.kind === 'unit' ? 'replica cores' : 'cores'} there at ρ=1, ${Math.ceil(needed / 0.7)} at 70%`,
    );
  }
  return out;
}
