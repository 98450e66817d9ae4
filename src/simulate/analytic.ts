// The analytic method: an open queueing network solved with M/M/c stations (Erlang C), the
// wait scaled for each station's service-time variability (Allen–Cunneen M/G/c). Visit
// counts and service demands come from the compiled programs, so the network is exactly the one
// the DES runs. Each station's servers are replicas × servers-per-replica (pooled: the load
// balancer is assumed to keep replicas evenly busy, which least-connections approximates).
// Mean latency of an operation = Σ over its critical-path visits (service + the station's
// Erlang C wait) + its delays. Events count as load, never as latency. Percentiles are a gamma
// approximation (mean and variance of the sum of visits), labeled as such.
import { compile, type Compiled, type CompileOptions } from './compile.js';
import { opDemands, type OpDemand } from './demand.js';
import { costAt, monthlyCost, perMillion } from './cost.js';
import { saturatedWarning } from './overload.js';
import { erlangC, gammaQuantile } from './queueing.js';
import type { HostModel, OperationResult, SimulationResult, StationResult, WorkloadSpec } from './types.js';
import type { Blueprint } from '../model/schema.js';
import { workloadFor, type WorkloadOptions } from './workload.js';

export interface AnalyzeOptions extends WorkloadOptions {
  host?: HostModel;
  /** size the fleet for this rate (cost.atTarget) */
  targetRate?: number;
  targetUtilization?: number;
  compiled?: Compiled;
  compileOptions?: CompileOptions;
}

interface StationState {
  servers: number;
  visitRate: number;
  demand: number;
  rho: number;
  /** mean service per visit (after host inflation) */
  meanService: number;
  pWait: number;
  meanWait: number;
  waitVar: number;
  /** PS stations: response/service ratio */
  psFactor: number;
}

/** Solve the network at arrival rate λ for a mix; the core of `analyze` and of sweeps. */
export function solve(c: Compiled, demands: Map<string, OpDemand>, mix: Record<string, number>, lambda: number, host?: HostModel) {
  const n = c.stations.length;
  const D = new Float64Array(n);
  const V = new Float64Array(n);
  const M2 = new Float64Array(n);
  for (const [id, p] of Object.entries(mix)) {
    const od = demands.get(id);
    if (!od) continue;
    for (let i = 0; i < n; i++) {
      D[i]! += p * od.loadDemand[i]!;
      V[i]! += p * od.loadVisits[i]!;
      M2[i]! += p * od.loadM2[i]!;
    }
  }
  // A shared host: all stations' work shares its cores, which stretches every service time on a
  // request's path by the mean-response/service ratio of an M/M/N processor-sharing host. The
  // stations' own queues are computed from their unstretched demand: stretching those too counts
  // the host's queueing twice (checked against the DES: within ~15% up to 90% host load).
  let inflate = 1;
  if (host) {
    let total = 0;
    for (let i = 0; i < n; i++) total += D[i]!;
    const a = (lambda * total) / 1000;
    inflate = a >= host.cores ? Infinity : 1 + erlangC(host.cores, a) / (host.cores - a);
  }
  const st: StationState[] = c.stations.map((s, i) => {
    const servers = s.replicas * s.servers;
    const visitRate = lambda * V[i]!;
    const demand = D[i]!;
    const meanService = V[i]! > 0 ? demand / V[i]! : 0;
    const a = (lambda * demand) / 1000;
    const rho = a / servers;
    if (rho >= 1) return { servers, visitRate, demand, rho, meanService, pWait: 1, meanWait: Infinity, waitVar: Infinity, psFactor: Infinity };
    const pWait = erlangC(servers, a);
    const theta = servers / meanService - visitRate / 1000; // per ms
    // Service times at a station are a mix (0.5 ms reads, 1.5 ms writes, lognormal CPU…): scale
    // the Erlang C wait by (1 + cs²)/2 (Allen–Cunneen; exact for M/G/1, i.e. Pollaczek–
    // Khinchine, and exactly Erlang C when service is exponential, cs² = 1).
    const m1 = V[i]! > 0 ? D[i]! / V[i]! : 0;
    const cs2 = m1 > 0 ? Math.max(0, M2[i]! / V[i]! / (m1 * m1) - 1) : 1;
    const k = (1 + cs2) / 2;
    const mmcWait = meanService > 0 ? pWait / theta : 0;
    const meanWait = mmcWait * k;
    const waitVar = meanService > 0 ? ((2 * pWait) / (theta * theta) - mmcWait * mmcWait) * k * k : 0;
    // Processor sharing is insensitive to the service distribution: the M/M/c ratio holds.
    const psFactor = meanService > 0 ? 1 + mmcWait / meanService : 1;
    return { servers, visitRate, demand, rho, meanService, pWait, meanWait, waitVar, psFactor };
  });
  const ops = Object.entries(mix).map(([id, p]) => {
    const od = demands.get(id)!;
    let mean = od.delayMean;
    let variance = od.delayVar;
    for (const v of od.visits) {
      const s = st[v.station]!;
      const service = v.mean * inflate;
      if (c.stations[v.station]!.discipline === 'ps') {
        mean += service * s.psFactor;
        variance += v.variance * inflate * inflate * s.psFactor * s.psFactor;
      } else {
        mean += service + s.meanWait;
        variance += v.variance * inflate * inflate + s.waitVar;
      }
    }
    return { id, p, mean, variance };
  });
  return { stations: st, ops, inflate };
}

/** Requests per second of this mix at which the first station reaches ρ = 1. */
export function saturation(c: Compiled, demands: Map<string, OpDemand>, mix: Record<string, number>, host?: HostModel): { rate: number; station: string } {
  let best = Infinity;
  let station = '';
  const n = c.stations.length;
  const D = new Float64Array(n);
  for (const [id, p] of Object.entries(mix)) {
    const od = demands.get(id);
    if (od) for (let i = 0; i < n; i++) D[i]! += p * od.loadDemand[i]!;
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += D[i]!;
    if (D[i]! <= 0) continue;
    const s = c.stations[i]!;
    const r = (1000 * s.replicas * s.servers) / D[i]!;
    if (r < best) {
      best = r;
      station = s.id;
    }
  }
  if (host && total > 0 && (1000 * host.cores) / total < best) {
    best = (1000 * host.cores) / total;
    station = 'host';
  }
  return { rate: best, station };
}

/** Closed workload: the throughput X with X = N / (R(X) + Z), by bisection on the open solution. */
function closedThroughput(c: Compiled, demands: Map<string, OpDemand>, w: WorkloadSpec, host?: HostModel): number {
  const N = w.users!;
  const Z = w.thinkTime?.mean ?? 0;
  const sat = saturation(c, demands, w.mix, host).rate;
  let lo = 0;
  let hi = Math.min(sat * 0.999999, (1000 * N) / Math.max(Z, 1e-9));
  for (let i = 0; i < 100; i++) {
    const x = (lo + hi) / 2;
    const s = solve(c, demands, w.mix, x, host);
    const R = s.ops.reduce((a, o) => a + o.p * o.mean, 0);
    if ((x * (R + Z)) / 1000 < N) lo = x;
    else hi = x;
  }
  return lo;
}

const fin = (x: number) => (Number.isFinite(x) ? x : Infinity);

export function analyze(bp: Blueprint, layout: string, o: AnalyzeOptions = {}): SimulationResult {
  const w = workloadFor(bp, o);
  const c = o.compiled ?? compile(bp, layout, { ...o.compileOptions, ...(o.host ? { driverCpu: o.host.driverCpu ?? 0.05 } : {}) });
  const demands = opDemands(c);
  const lambda = w.kind === 'closed' ? closedThroughput(c, demands, w, o.host) : w.rate!;
  const sol = solve(c, demands, w.mix, lambda, o.host);
  const seconds = (w.duration - w.warmup) / 1000;
  const warnings = [...c.warnings, 'analytic: Erlang C waits scaled by (1 + cs²)/2 for each station’s service-time mix (exact for M/M/c and M/G/1); percentiles are a gamma approximation'];
  const operations: OperationResult[] = sol.ops.map((op) => {
    const q = (p: number) => fin(gammaQuantile(op.mean, op.variance, p));
    return {
      id: op.id,
      count: Math.round(lambda * op.p * seconds),
      throughput: lambda * op.p,
      errors: 0,
      errorRate: 0,
      latency: { mean: fin(op.mean), p50: q(0.5), p90: q(0.9), p95: q(0.95), p99: q(0.99), max: q(0.999) },
    };
  });
  const stations: StationResult[] = c.stations.map((s, i) => {
    const x = sol.stations[i]!;
    return {
      id: s.id,
      kind: s.kind,
      replicas: s.replicas,
      cores: s.servers,
      discipline: s.discipline,
      utilization: x.rho,
      meanQueue: Number.isFinite(x.meanWait) ? (x.visitRate * x.meanWait) / 1000 : Infinity,
      demandPerRequest: x.demand,
      visitRate: x.visitRate,
      waitProbability: x.pWait,
    };
  });
  const hopsPerRequest = sol.ops.reduce((a, op) => a + op.p * demands.get(op.id)!.hops, 0);
  if (c.networkLatency > 0 && hopsPerRequest > 0) {
    stations.push({ id: 'network', kind: 'network', replicas: 0, cores: 0, discipline: 'ps', utilization: 0, meanQueue: (lambda * hopsPerRequest * c.networkLatency) / 1000, demandPerRequest: hopsPerRequest * c.networkLatency, visitRate: lambda * hopsPerRequest });
  }
  const bottleneck = stations.reduce((b, s) => (s.utilization > b.utilization ? { station: s.id, utilization: s.utilization } : b), { station: '', utilization: -1 });
  const sat = saturation(c, demands, w.mix, o.host);
  const saturated = sol.stations.some((s) => s.rho >= 1) ? { station: bottleneck.station, utilization: bottleneck.utilization, by: 'offered load' as const } : undefined;
  if (saturated) warnings.push(saturatedWarning(saturated.station, saturated.utilization));
  // Little's law, with L summed station by station (in service + waiting + in flight).
  let L = 0;
  for (const op of sol.ops) {
    const od = demands.get(op.id)!;
    let r = od.delayMean;
    for (const v of od.visits) r += c.stations[v.station]!.discipline === 'ps' ? v.mean * sol.inflate * sol.stations[v.station]!.psFactor : v.mean * sol.inflate + sol.stations[v.station]!.meanWait;
    L += ((lambda * op.p) / 1000) * r;
  }
  const W = sol.ops.reduce((a, op) => a + op.p * op.mean, 0);
  const monthly = monthlyCost(bp, layout);
  const target = o.targetRate !== undefined ? { atTarget: costAt(bp, layout, o.targetRate, { targetUtilization: o.targetUtilization, mix: w.mix, compiled: c }) } : {};
  return {
    blueprint: bp.metadata.name,
    layout,
    method: 'analytic',
    workload: w,
    seed: 0,
    replications: 1,
    ...(o.host ? { host: o.host } : {}),
    operations,
    stations,
    bottleneck,
    saturationThroughput: sat.rate,
    cost: { monthly, perMillionRequests: perMillion(monthly.usdPerMonth, lambda), ...target },
    littleCheck: { arrivalRate: lambda, meanResponse: W, meanInSystem: L, relError: L > 0 && Number.isFinite(L) ? Math.abs(L - (lambda * W) / 1000) / L : 0 },
    ...(saturated ? { saturated } : {}),
    warnings,
  };
}
