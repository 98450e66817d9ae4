// The front door of the engine: (blueprint, layout, workload, scenario) → SimulationResult,
// by discrete-event simulation (default) or the analytic solver. Pure: the same inputs and
// seed give the same result, byte for byte.
import { secondsWords } from '../words.js';
import { mean as ssMean, sampleStandardDeviation } from 'simple-statistics';
import type { Blueprint } from '../model/schema.js';
import { profileWarnings } from '../model/semantics.js';
import { ArchsimError } from '../errors.js';
import { analyze, hostBottleneck, saturation, type AnalyzeOptions } from './analytic.js';
import { compile, type Compiled } from './compile.js';
import { costAt, monthlyCost, perMillion } from './cost.js';
import { opDemands } from './demand.js';
import { runDes, type DesRaw } from './des/engine.js';
import { BUCKETS, percentile } from './des/histogram.js';
import { backlogPeak, backlogPeakWarning, backlogTrend, eventBacklog, failureBacklogWarning, eventWorkOnly, profilePeak, profilePeakWarning, saturatedWarning, shedShare, STABLE_LINE_FLOOR } from './overload.js';
import { BACKLOG_SAMPLES } from './des/measure.js';
import { t975 } from './queueing.js';
import { resolveScenario, scenarioCompileOptions, type Scenario, type ScenarioProblem } from './scenario.js';
import { DEFAULT_POOL_WEIGHT } from './pool-weight.js';
import type { Balance, FaultRow, Interval, Method, OperationResult, SimulationResult, StationResult, WorkloadSpec } from './types.js';
import { workloadFor, WorkloadError, type WorkloadOptions } from './workload.js';
import { LIMITS } from '../model/limits.js';

export interface SimulateOptions extends AnalyzeOptions {
  method?: Method;
  seed?: number;
  /** independent replications (different seeds) for 95% confidence intervals */
  replications?: number;
  balance?: Balance;
  scenario?: Scenario;
  /** progress of the current replication, 0..1, and which replication */
  onProgress?: (fraction: number, replication: number) => void;
}

/** A scenario that does not fit the layout (unknown unit, domain, operation). */
export class ScenarioError extends ArchsimError {
  override name = 'ScenarioError';
  readonly kind = 'usage';
  constructor(readonly problems: ScenarioProblem[]) {
    super(problems.map((p) => `${p.path.join('.')}: ${p.message}`).join('; '));
  }
  /** What crosses a worker thread with it: the problems, for the CLI to position in the scenario file. */
  get detail(): { scenarioProblems: ScenarioProblem[] } {
    return { scenarioProblems: this.problems };
  }
}

export function simulate(bp: Blueprint, layout: string, o: SimulateOptions = {}): SimulationResult {
  const method = o.method ?? 'des';
  const sc = o.scenario;
  const scOpts = sc ? scenarioCompileOptions(bp, layout, sc) : undefined;
  if (scOpts?.problems.length) throw new ScenarioError(scOpts.problems);
  const c = o.compiled ?? compile(bp, layout, { ...o.compileOptions, ...scOpts?.options, ...(o.host ? { driverCpu: o.host.driverCpu ?? 0.05 } : {}) });
  const resolved = sc ? resolveScenario(bp, c, sc) : undefined;
  if (resolved && !resolved.ok) throw new ScenarioError(resolved.problems);
  const wopts = { ...(resolved?.ok ? resolved.value.workload : {}), ...pickWorkload(o) };
  if (method === 'analytic') {
    const r = analyze(bp, layout, { ...o, ...wopts, compiled: c });
    r.warnings.push(...runProfileWarnings(bp, wopts, o));
    if (sc) r.warnings.push(`scenario "${sc.name}" needs the DES method; the analytic result ignores it`);
    if (o.host?.sharing === 'process') r.warnings.push(`the analytic method shares the host per thread (the thread pools at their weight); sharing per process${o.host.slice ? ' in time slices' : ''} is the DES’s (--method des)`);
    return tidy(r);
  }
  // (the CLI refuses it; a caller that passes slices with thread sharing has a bug, not bad input)
  if (o.host?.slice !== undefined && o.host.sharing !== 'process') throw new Error('host.slice needs host.sharing "process" (time slices are handed out per process)');
  const w = workloadFor(bp, wopts);
  const seed = o.seed ?? 1;
  const k = Math.max(1, o.replications ?? 1);
  checkDesBudget(w, k, wordsPerRequest(c, w));
  const reps: SimulationResult[] = [];
  for (let i = 0; i < k; i++) {
    const repSeed = (seed + Math.imul(i, 0x9e3779b9)) >>> 0;
    const raw = runDes(c, w, {
      seed: repSeed,
      ...(o.balance ? { balance: o.balance } : {}),
      ...(o.host ? { hostCores: o.host.cores, hostIdleSlowdown: o.host.idleSlowdown ?? 0, hostPoolWeight: o.host.poolWeight ?? DEFAULT_POOL_WEIGHT, ...(o.host.sharing ? { hostSharing: o.host.sharing } : {}), ...(o.host.slice ? { hostSlice: o.host.slice } : {}) } : {}),
      ...(o.host?.coldVisit ? { coldVisit: o.host.coldVisit } : {}),
      ...(o.host?.coldVisitDb ? { coldVisitDb: o.host.coldVisitDb } : {}),
      ...(resolved?.ok ? { scenario: resolved.value.des } : {}),
      ...(o.onProgress ? { onProgress: (f: number) => o.onProgress!(f, i) } : {}),
    });
    reps.push(fromRaw(bp, layout, c, w, raw, seed, o));
  }
  const r = k === 1 ? reps[0]! : combine(reps);
  r.warnings.push(...runProfileWarnings(bp, wopts, o));
  if (sc) {
    r.scenario = sc.name;
    if (resolved?.ok) {
      r.warnings.push(...resolved.value.hits.map((h) => `scenario: ${h}`));
      // A window the run never reaches: its row has no request, so nothing "survived" it.
      for (const win of resolved.value.des.windows) {
        if (win.from >= w.duration) r.warnings.push(`scenario: "${win.label}" starts at ${secondsWords(win.from)}, after the run's ${secondsWords(w.duration)}: it never happened (its row has no requests); lengthen the run (--duration) or move it`);
      }
    }
  }
  // An operation none of whose requests finished in the measured window: its latencies are not
  // measured (the tables show –), not 0 ms.
  const unmeasured = r.operations.filter((op) => op.count === 0 && (w.mix[op.id] ?? 0) > 0).map((op) => op.id);
  if (unmeasured.length) r.warnings.push(`${unmeasured.join(', ')}: no request finished in the measured window (${secondsWords(w.duration - w.warmup)} at this rate and mix), so ${unmeasured.length === 1 ? 'its latencies are' : 'their latencies are'} not measured; run longer (--duration) for ${unmeasured.length === 1 ? 'it' : 'them'}`);
  return tidy(r);
}

/**
 * validate checks a load profile against the blueprint's own run (a spike after it ends, a ramp
 * it cuts short); a run made shorter or longer here (--duration, --warmup, --requests, a
 * scenario's workload) is checked again, or a spike at 20 s in a 15-s run vanished silently.
 */
function runProfileWarnings(bp: Blueprint, wopts: WorkloadOptions, o: SimulateOptions): string[] {
  if (o.duration === undefined && o.warmup === undefined && o.requests === undefined && wopts.duration === undefined && wopts.warmup === undefined) return [];
  const w = workloadFor(bp, wopts);
  if (w.kind !== 'open' || !w.profile) return [];
  const own = workloadFor(bp, {});
  if (own.duration === w.duration && own.warmup === w.warmup) return [];
  const out: string[] = [];
  profileWarnings(w.profile, w.duration, w.warmup, (_, m) => out.push(`load profile: ${m}`));
  return out;
}

function pickWorkload(o: SimulateOptions) {
  const out: Record<string, unknown> = {};
  for (const k of ['rate', 'users', 'thinkTime', 'duration', 'warmup', 'mix', 'profile', 'requests', 'arrivals'] as const) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

function fromRaw(bp: Blueprint, layout: string, c: Compiled, w: WorkloadSpec, raw: DesRaw, seed: number, o: SimulateOptions): SimulationResult {
  const T = raw.measured / 1000;
  const operations: OperationResult[] = raw.opIds.map((id, i) => {
    const n = raw.count[i]!;
    const off = i * BUCKETS;
    const mx = raw.max[i]!;
    const mn = raw.min[i]!;
    return {
      id,
      count: n,
      throughput: raw.done[i]! / T,
      errors: raw.errors[i]!,
      errorRate: n > 0 ? raw.errors[i]! / n : 0,
      latency: {
        mean: n > 0 ? raw.sum[i]! / n : 0,
        p50: percentile(raw.hist, off, n, 0.5, mx, mn),
        p90: percentile(raw.hist, off, n, 0.9, mx, mn),
        p95: percentile(raw.hist, off, n, 0.95, mx, mn),
        p99: percentile(raw.hist, off, n, 0.99, mx, mn),
        max: mx,
      },
    };
  });
  const completed = operations.reduce((s, op) => s + op.count, 0);
  const st = raw.station;
  // Overload: the offered load (open workload, its mean rate) against the compiled demands — the
  // analytic method's own ρ — or, when load varies, a backlog growing along the window.
  const demands = opDemands(c);
  const sat = saturation(c, demands, w.mix, o.host);
  const backlog = backlogTrend(raw.backlog, raw.arrivals);
  // A backlog that builds and drains inside the window has no trend over it, only a height: the
  // stations' servers (each may hold a request) plus the floor backlogPeak explains.
  const servers = c.stations.reduce((n, s) => n + s.servers * (s.autoscale?.max ?? s.replicas), 0);
  const peakLine = backlogPeak(raw.backlog, sat.rate, servers + STABLE_LINE_FLOOR);
  const peak = w.kind === 'open' && w.rate !== undefined ? profilePeak(w.profile, w.duration, sat.rate, w.rate) : undefined;
  const offered = w.kind === 'open' && w.rate !== undefined && Number.isFinite(sat.rate) ? w.rate / sat.rate : 0;
  // Past saturation busy/completed undercounts (the window's servers are all busy, on work of
  // requests that finish later): a request's demand is then the mean work handed out per visit
  // times the visits a request of this mix makes.
  const visitsPerRequest = new Float64Array(c.stations.length);
  // A line that built and drained under a profile that passes the saturation rate (see saturated below).
  const transient = !backlog.growing && peakLine.large && peak !== undefined;
  const overloaded = offered >= 1 || backlog.growing || transient;
  if (overloaded) for (const [id, p] of Object.entries(w.mix)) {
    const od = demands.get(id);
    if (od) for (let i = 0; i < c.stations.length; i++) visitsPerRequest[i]! += p * od.loadVisits[i]!;
  }
  const stations: StationResult[] = c.stations.map((s, g) => {
    const active = st.active[g]! / raw.measured;
    const r: StationResult = {
      id: s.id,
      kind: s.kind,
      replicas: active,
      cores: s.servers,
      discipline: s.discipline,
      utilization: st.active[g]! > 0 ? st.busy[g]! / (s.servers * st.active[g]!) : 0,
      meanQueue: st.wait[g]! / raw.measured,
      demandPerRequest: overloaded ? (st.served[g]! > 0 ? (st.work[g]! / st.served[g]!) * visitsPerRequest[g]! : 0) : completed > 0 ? st.busy[g]! / completed : 0,
      visitRate: st.visits[g]! / T,
      cpu: st.work[g]! / raw.measured,
      waitProbability: st.visits[g]! > 0 ? st.waited[g]! / st.visits[g]! : 0,
    };
    if (s.autoscale) r.maxReplicas = st.maxActive[g]!;
    return r;
  });
  const X = operations.reduce((s, op) => s + op.throughput, 0);
  // The network is a pure delay: its "demand" is the one-way latencies a request crosses (each hop at its protocol's).
  let hops = 0;
  let networkMs = 0;
  for (const op of operations) {
    const t = c.programs[c.entry.get(op.id)!]!.tally;
    hops += (op.count / Math.max(completed, 1)) * t.hops;
    networkMs += (op.count / Math.max(completed, 1)) * t.networkMs;
  }
  if (networkMs > 0 && hops > 0) {
    stations.push({ id: 'network', kind: 'network', replicas: 0, cores: 0, discipline: 'ps', utilization: 0, meanQueue: (X * networkMs) / 1000, demandPerRequest: networkMs, visitRate: X * hops, cpu: 0 });
  }
  const bottleneck = hostBottleneck(
    stations.reduce((b, s) => (s.utilization > b.utilization ? { station: s.id, utilization: s.utilization } : b), { station: '', utilization: -1 }),
    sat,
    operations.reduce((x, op) => x + op.throughput, 0),
  );
  // A line that built and drained under a profile that passes the saturation rate: past
  // saturation for part of the run, its ρ the peak's offered load (the window's measured
  // utilization averages the overload away). A fault's line that drains (a database down for
  // 20 s) is the scenario's to report, not an overload of the layout: left as it was.
  const eventsOnly = offered >= 1 && eventWorkOnly(c, demands, w.mix, sat.station);
  // Past saturation by its offered load, a fleet with breakers and timeouts can fail the excess
  // fast instead of queueing it: still saturated, but its latencies are bounded (said so).
  const shed = offered >= 1 && !eventsOnly && completed > 0 ? shedShare(operations.reduce((n, op) => n + op.errors, 0) / completed, operations.reduce((x, op) => x + op.throughput, 0), raw.arrivals / T) : undefined;
  const saturated =
    offered >= 1
      ? { station: sat.station, utilization: offered, by: 'offered load' as const, ...(eventsOnly ? { eventsOnly: true as const } : {}), ...(shed !== undefined ? { shed } : {}) }
      : backlog.growing
        ? { station: bottleneck.station, utilization: bottleneck.utilization, by: 'backlog' as const }
        : transient
          ? { station: sat.station, utilization: peak!.peak / sat.rate, by: 'backlog' as const }
          : undefined;
  const W = completed > 0 ? operations.reduce((s, op) => s + op.latency.mean * op.count, 0) / completed : 0;
  const lambda = raw.arrivals / T;
  const L = raw.inSystemArea / raw.measured;
  const monthly = monthlyCost(bp, layout);
  const warnings = [...c.warnings];
  if (raw.rejected > 0) warnings.push(`${raw.rejected} requests were refused (counted as errors): over a million requests were already in the system, far past saturation`);
  if (saturated) {
    warnings.push(saturatedWarning(saturated));
    if (saturated.by === 'backlog' && !transient) warnings.push(`the backlog grew by ${Math.round(backlog.growth)} requests over the measured window: the latencies above grow with the run length`);
    if (saturated.by === 'backlog' && transient) warnings.push(backlogPeakWarning(peakLine, (i) => w.warmup + (i * (w.duration - w.warmup)) / BACKLOG_SAMPLES));
  }
  if (peak) warnings.push(profilePeakWarning(peak, sat.rate, w.duration, eventBacklog(c, demands, w.mix, sat.station)));
  // A line a failure built, the layout itself not saturated: said, though not flagged saturated.
  else if (!saturated && (o.scenario?.failures.length ?? 0) > 0) {
    const line = failureBacklogWarning(raw.backlog, sat.rate, servers + STABLE_LINE_FLOOR, (i) => w.warmup + (i * (w.duration - w.warmup)) / BACKLOG_SAMPLES);
    if (line) warnings.push(line);
  }
  if (raw.unfinished > 0) warnings.push(`${raw.unfinished} requests were still in the system when the run stopped (overload): counted as neither success nor failure`);
  const faults = faultRows(raw, layout);
  warnings.push(...unfinishedNotes(faults));
  const target = o.targetRate !== undefined ? { atTarget: costAt(bp, layout, o.targetRate, { targetUtilization: o.targetUtilization, mix: w.mix, compiled: c }) } : {};
  return {
    blueprint: bp.metadata.name,
    layout,
    method: 'des',
    workload: w,
    seed,
    replications: 1,
    ...(o.host ? { host: { ...o.host, poolWeight: o.host.poolWeight ?? DEFAULT_POOL_WEIGHT } } : {}),
    operations,
    stations,
    bottleneck,
    saturationThroughput: sat.rate,
    cost: { monthly, perMillionRequests: perMillion(monthly.usdPerMonth, X), ...target },
    littleCheck: { arrivalRate: lambda, meanResponse: W, meanInSystem: L, relError: L > 0 ? Math.abs(L - (lambda * W) / 1000) / L : 0 },
    ...(saturated ? { saturated } : {}),
    stats: { events: raw.events, requests: raw.requests },
    ...(faults.length ? { faults } : {}),
    warnings,
  };
}

/** The failure windows of a DES run, a row each: per operation its success share and p95 in the window. */
export function faultRows(raw: Pick<DesRaw, 'windows' | 'opIds'>, layout: string): FaultRow[] {
  return raw.windows.map((win) => {
    const success: Record<string, number> = {};
    const p95: Record<string, number> = {};
    const unfinished: Record<string, number> = {};
    const noneFinished: string[] = [];
    let ok = 0;
    let total = 0;
    raw.opIds.forEach((id, i) => {
      const n = win.total[i]!;
      const sent = win.sent[i]!;
      if (sent > n) unfinished[id] = sent - n;
      // No request of it sent during the failure: nothing to say of it (it is not in `success`).
      // Requests sent and none finished by the end of the run: none succeeded (0%, no p95), and
      // all of them count against the overall rate. It was left out of both columns.
      if (n === 0) {
        if (sent > 0) {
          success[id] = 0;
          noneFinished.push(id);
          total += sent;
        }
        return;
      }
      success[id] = win.ok[i]! / n;
      // The p95 of the requests that succeeded: a failed one's latency is how fast it failed (a
      // call refused 1.27 ms in gave an operation at 0% success a p95), and one refused at the
      // door has none (a p95 of 0 ms said it was fast). None succeeded: no p95.
      if (win.ok[i]! > 0) p95[id] = percentile(win.okHist, i * BUCKETS, win.ok[i]!, 0.95, win.okMax[i]!);
      ok += win.ok[i]!;
      total += n;
    });
    return { failure: win.label, layout, success, p95, overall: total > 0 ? ok / total : 1, ...(Object.keys(unfinished).length ? { unfinished } : {}), ...(noneFinished.length ? { noneFinished } : {}) };
  });
}

function interval(xs: number[]): Interval {
  const m = ssMean(xs);
  const h = xs.length > 1 ? (t975(xs.length - 1) * sampleStandardDeviation(xs)) / Math.sqrt(xs.length) : 0;
  return { mean: m, low: m - h, high: m + h, halfWidth: h };
}

/** Replications → one result: means of the per-replication figures, with 95% intervals. */
function combine(reps: SimulationResult[]): SimulationResult {
  const first = reps[0]!;
  const avg = (f: (r: SimulationResult) => number) => ssMean(reps.map(f));
  const operations = first.operations.map((op, i) => {
    const at = (r: SimulationResult) => r.operations[i]!;
    const pick = (f: (x: OperationResult) => number) => reps.map((r) => f(at(r)));
    return {
      id: op.id,
      count: reps.reduce((s, r) => s + at(r).count, 0),
      throughput: avg((r) => at(r).throughput),
      errors: reps.reduce((s, r) => s + at(r).errors, 0),
      errorRate: avg((r) => at(r).errorRate),
      latency: {
        mean: avg((r) => at(r).latency.mean),
        p50: avg((r) => at(r).latency.p50),
        p90: avg((r) => at(r).latency.p90),
        p95: avg((r) => at(r).latency.p95),
        p99: avg((r) => at(r).latency.p99),
        max: Math.max(...pick((x) => x.latency.max)),
      },
      ci95: {
        mean: interval(pick((x) => x.latency.mean)),
        p95: interval(pick((x) => x.latency.p95)),
        p99: interval(pick((x) => x.latency.p99)),
        throughput: interval(pick((x) => x.throughput)),
        errorRate: interval(pick((x) => x.errorRate)),
      },
    };
  });
  const stations = first.stations.map((s, i) => ({
    ...s,
    replicas: avg((r) => r.stations[i]!.replicas),
    utilization: avg((r) => r.stations[i]!.utilization),
    meanQueue: avg((r) => r.stations[i]!.meanQueue),
    demandPerRequest: avg((r) => r.stations[i]!.demandPerRequest),
    cpu: avg((r) => r.stations[i]!.cpu),
    visitRate: avg((r) => r.stations[i]!.visitRate),
    ...(s.waitProbability !== undefined ? { waitProbability: avg((r) => r.stations[i]!.waitProbability ?? 0) } : {}),
  }));
  // The host, when it was each replication's bottleneck (hostBottleneck), at their mean share.
  const own = stations.reduce((b, s) => (s.utilization > b.utilization ? { station: s.id, utilization: s.utilization } : b), { station: '', utilization: -1 });
  const bottleneck = reps.every((r) => r.bottleneck.station === 'host') ? { station: 'host', utilization: avg((r) => r.bottleneck.utilization) } : own;
  const lc = {
    arrivalRate: avg((r) => r.littleCheck.arrivalRate),
    meanResponse: avg((r) => r.littleCheck.meanResponse),
    meanInSystem: avg((r) => r.littleCheck.meanInSystem),
    relError: 0,
  };
  lc.relError = lc.meanInSystem > 0 ? Math.abs(lc.meanInSystem - (lc.arrivalRate * lc.meanResponse) / 1000) / lc.meanInSystem : 0;
  const saturated = reps.find((r) => r.saturated)?.saturated;
  const { saturated: _first, ...rest } = first;
  return {
    ...rest,
    ...(saturated ? { saturated } : {}),
    replications: reps.length,
    operations,
    stations,
    bottleneck,
    littleCheck: lc,
    cost: { ...first.cost, perMillionRequests: perMillion(first.cost.monthly.usdPerMonth, avg((r) => r.operations.reduce((s, o) => s + o.throughput, 0))) },
    stats: { events: reps.reduce((s, r) => s + (r.stats?.events ?? 0), 0), requests: reps.reduce((s, r) => s + (r.stats?.requests ?? 0), 0) },
    warnings: [...new Set(reps.flatMap((r) => r.warnings))],
  };
}

/** Round non-integers to 6 significant digits: readable JSON, still deterministic. */
export function tidy<T>(v: T): T {
  if (typeof v === 'number') return (Number.isInteger(v) || !Number.isFinite(v) ? v : Number(v.toPrecision(6))) as T;
  if (Array.isArray(v)) return v.map(tidy) as T;
  if (v && typeof v === 'object' && !(v instanceof Float64Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = tidy(x);
    return out as T;
  }
  return v;
}

/**
 * The DES's cost grows with the requests it simulates; a run beyond the budget (a rate of
 * 1M/s for a week, a million replications) would not finish. Say so up front, with the way out.
 */
export function checkDesBudget(w: WorkloadSpec, replications: number, words = 0): void {
  if (replications > LIMITS.replications) throw new WorkloadError(`at most ${LIMITS.replications} replications, got ${replications}`);
  if (w.duration > LIMITS.simulatedMs) throw new WorkloadError(`the simulated duration ${Math.round(w.duration / 1000)}s is over the maximum of ${LIMITS.simulatedMs / 1000}s (about 116 days)`);
  const perRun =
    w.requests ??
    (w.kind === 'open' ? ((w.rate ?? 0) * w.duration) / 1000 : ((w.users ?? 0) * w.duration) / Math.max(1, w.thinkTime?.mean ?? 1000));
  const total = perRun * replications;
  if (total > LIMITS.desRequests) {
    throw new WorkloadError(
      `this simulation would process about ${Math.round(total).toLocaleString('en-US')} requests, over the DES budget of ${LIMITS.desRequests.toLocaleString('en-US')}; shorten --duration, lower --rate or --replications, or use --method analytic`,
    );
  }
  // Requests alone do not bound the time: a request whose call tree runs thousands of calls costs
  // thousands of times one that runs a few (a run within the request budget took minutes).
  if (total * words > LIMITS.desWords) {
    throw new WorkloadError(
      `this simulation would run about ${Math.round(total).toLocaleString('en-US')} requests of ${Math.round(words).toLocaleString('en-US')} program words each, over the DES budget of ${LIMITS.desWords.toLocaleString('en-US')} words (${(LIMITS.desWords / LIMITS.desRequests).toLocaleString('en-US')} a request over the request budget); shorten --duration, lower --rate or --replications, or use --method analytic`,
    );
  }
}

/** The compiled program's length a request runs, over the mix: what one DES request costs, within a small factor. */
export function wordsPerRequest(c: Compiled, w: WorkloadSpec): number {
  let words = 0;
  for (const [op, p] of Object.entries(w.mix)) {
    const i = c.entry.get(op);
    if (i !== undefined) words += p * c.programs[i]!.code.length;
  }
  return words;
}

/**
 * A note per fault row and operation none of whose requests sent during the failure finished
 * before the run ended (its 0% is that, not failures), told apart from one that sent none (absent
 * from the row).
 */
export function unfinishedNotes(rows: readonly FaultRow[]): string[] {
  return rows.flatMap((f) =>
    // (not "no p95": an operation whose finished requests all failed has none either)
    Object.entries(f.unfinished ?? {})
      .filter(([id]) => f.noneFinished?.includes(id))
      .map(([id, n]) => `${f.failure}${f.layout ? ` in ${f.layout}` : ''}: none of the ${n} ${id} request${n === 1 ? '' : 's'} sent during it finished before the run ended (still queued): counted as 0% success`),
  );
}
