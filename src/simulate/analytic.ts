// The analytic method: an open queueing network solved with M/M/c stations (Erlang C), the
// wait scaled for each station's arrival and service-time variability (Allen–Cunneen GI/G/c, the
// arrival variability carried along the request paths by QNA: arrivalScv). Visit
// counts and service demands come from the compiled programs, so the network is exactly the one
// the DES runs. A station's replicas are solved per balancing policy (queueOf; least-connections
// as join-the-shortest-queue: jsq.ts).
// Mean latency of an operation = Σ over its critical-path visits (service + the station's
// Erlang C wait; a return visit to a station waits less, see revisitWaits) + its delays. Events
// count as load, never as latency. Percentiles are a gamma approximation (mean and variance of
// the sum of visits), labeled as such.
import { compile, compileWarns, distMean, distVar, MIN_HOST_CORES, OP_BEGIN, OP_DELAY, OP_END, OP_VISIT, W, type Compiled, type CompileOptions } from './compile.js';
import { opDemands, type OpDemand } from './demand.js';
import { costAt, monthlyCost, perMillion } from './cost.js';
import { analyticSaturated, eventBacklog, eventWorkOnly, profileMeanNote, profilePeak, profilePeakWarning, saturatedWarning } from './overload.js';
import { jsqApplies, jsqWait } from './jsq.js';
import { coldTables, meanColdAfter, meanColdExtra } from './cold-visit.js';
import { erlangC, GammaCdf, gammaQuantile, LognormalCdf, lognormalQuantile, md1WaitCdf, quantileSearch, type Cdf } from './queueing.js';
import { DEFAULT_POOL_WEIGHT } from './pool-weight.js';
import { hostFull, hostSaturation, threadStretch } from './host-threads.js';
import type { Balance, HostModel, OperationResult, SimulationResult, StationResult, WorkloadSpec } from './types.js';
import type { Blueprint } from '../model/schema.js';
import { formatDuration } from '../model/units.js';
import { workloadFor, type WorkloadOptions } from './workload.js';

export interface AnalyzeOptions extends WorkloadOptions {
  host?: HostModel;
  /** size the fleet for this rate (cost.atTarget) */
  targetRate?: number;
  targetUtilization?: number;
  compiled?: Compiled;
  compileOptions?: CompileOptions;
  /** how replicas share visits (default least-connections) */
  balance?: Balance;
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
  /** squared coefficient of variation of the station's service times */
  cs2: number;
}

/**
 * One station's queue, whatever its balancing: the probability a visit waits, the rate θ (per ms)
 * of the exponential tail of the wait, and the factor k the wait is scaled by for variability, so
 * that the mean wait is pWait·k/θ.
 *  - one replica: M/M/c (Erlang C), the wait scaled by (ca² + cs²)/2 (Allen–Cunneen; exact for
 *    M/M/c and M/G/1, where ca² = 1: the arrivals' squared coefficient of variation, arrivalScv).
 *  - least-connections (join-the-shortest-queue): the wait and P(wait) of the threshold-jockeying
 *    chain (jsq.ts: Adan, van Houtum & van der Wal 1994), which lies between the pooled M/M/Rc (a
 *    lower bound: a replica can idle while another has a line) and JSQ itself, scaled the same
 *    way; the exponential tail of the wait keeps that mean. With so many replicas that the chain
 *    is not solved, or service so variable that its scaling fails (jsqApplies), the pooled
 *    M/M/Rc, named with its gap (JSQ_POOLED_NOTE).
 *  - random: Poisson splitting is exact: each replica is an M/G/c' with λ/R (a non-Poisson
 *    stream split at random: ca²/R + 1 − 1/R).
 *  - round-robin (the incoming stream taken as Poisson): each replica sees every R-th arrival, an Erlang-R renewal stream (ca² = 1/R):
 *    with one server per replica, GI/M/1 is exact (σ = A*(μ(1−σ)), P(wait) = σ, the wait's tail
 *    rate μ(1−σ)); less variable service scales it by (ca² + cs²)/(ca² + 1), more variable
 *    service adds the Pollaczek–Khinchine share (cs² − 1)·ρs/(2(1 − ρ)) in the M/G/1 shape
 *    (RR_VARIABLE_NOTE); with several,
 *    Allen–Cunneen GI/G/c' ((ca² + cs²)/2 on the M/M/c' wait).
 */
/**
 * Whether the chain gave this station's least-connections wait (queueOf), else the pooled queue
 * stood in: the note names each station by what it really got (jsqWait refuses an answer that is
 * not a probability or lies below the pooled queue's). Cached in jsq.ts, so asking again is cheap.
 */
function chainSolves(replicas: number, perReplica: number, st: { visitRate: number; meanService: number; cs2: number }): boolean {
  if (!jsqApplies(replicas, st.cs2)) return false;
  const j = jsqWait(replicas, perReplica, st.visitRate / 1000, st.meanService);
  return j !== undefined && j.wait > 0;
}

export function queueOf(replicas: number, perReplica: number, visitRate: number, s: number, cs2: number, balance: Balance, ca2 = 1, discipline: 'fcfs' | 'ps' = 'fcfs'): { pWait: number; theta: number; k: number } {
  if (s <= 0) return { pWait: 0, theta: 1, k: 1 };
  if (balance === 'least-connections' && jsqApplies(replicas, cs2)) {
    // join-the-shortest-queue for exponential service (jsq.ts), scaled like the pooled queue
    const j = jsqWait(replicas, perReplica, visitRate, s);
    if (j && j.wait > 0) return { pWait: j.pWait, theta: j.pWait / j.wait, k: (ca2 + cs2) / 2 };
  }
  if (replicas <= 1 || balance === 'least-connections') {
    const c = replicas * perReplica;
    const a = visitRate * s;
    return { pWait: erlangC(c, a), theta: c / s - visitRate, k: (ca2 + cs2) / 2 };
  }
  const lr = visitRate / replicas;
  const a = lr * s;
  if (balance === 'random') return { pWait: erlangC(perReplica, a), theta: perReplica / s - lr, k: (ca2 / replicas + 1 - 1 / replicas + cs2) / 2 };
  const rr2 = 1 / replicas;
  if (perReplica === 1) {
    const mu = 1 / s;
    const sigma = giM1Sigma(visitRate, replicas, mu);
    // Service more variable than exponential adds its Pollaczek–Khinchine share to the exact
    // GI/M/1 wait: W = W_GI/M/1 + (cs² − 1)·ρs / (2(1 − ρ)), exact for exponential service and
    // for Poisson arrivals (M/G/1) alike. Scaling the GI/M/1 wait by (ca² + cs²)/(ca² + 1)
    // instead put the wait 38% under the DES at cs² 9 (8 replicas, ρ 0.5), since Erlang
    // arrivals' small wait, scaled, stays small. Less variable service keeps that scaling.
    // (processor sharing takes its factor from P(wait) and θ alone: kept on GI/M/1's)
    if (cs2 > 1 && sigma > 0 && discipline === 'fcfs') {
      const rho = a;
      const wait = sigma / (mu * (1 - sigma)) + ((cs2 - 1) * rho * s) / (2 * (1 - rho));
      // its shape that of M/G/1 (P(wait) ρ, tail rate μ(1 − ρ)): long services make the requests
      // behind them wait, so far more of them wait than the σ of smooth Erlang arrivals
      const theta = mu * (1 - rho);
      return { pWait: rho, theta, k: (wait * theta) / rho };
    }
    return { pWait: sigma, theta: mu * (1 - sigma), k: (rr2 + cs2) / (rr2 + 1) };
  }
  return { pWait: erlangC(perReplica, a), theta: perReplica / s - lr, k: (rr2 + cs2) / 2 };
}

/**
 * The Krämer–Langenbach-Belz correction of the Allen–Cunneen wait for arrivals smoother than
 * Poisson (ca² < 1): exp(−2(1−ρ)(1−ca²)² / (3ρ(ca² + cs²))); 1 for ca² ≥ 1. D/M/1 at ρ 0.5: the
 * corrected wait is within 1% of the exact one (GI/M/1), the uncorrected one 96% above it.
 */
export function klbFactor(rho: number, ca2: number, cs2: number): number {
  if (!(ca2 < 1) || !(rho > 0) || !(ca2 + cs2 > 0)) return 1;
  return Math.exp((-2 * (1 - Math.min(rho, 1)) * (1 - ca2) ** 2) / (3 * rho * (ca2 + cs2)));
}

/** GI/M/1 with Erlang-R interarrivals (rate λ per phase): the root σ ∈ (0,1) of σ = (λ/(λ + μ(1−σ)))^R. */
export function giM1Sigma(lambda: number, R: number, mu: number): number {
  let lo = 0;
  let hi = 1 - 1e-15;
  for (let i = 0; i < 200; i++) {
    const x = (lo + hi) / 2;
    if (Math.pow(lambda / (lambda + mu * (1 - x)), R) > x) lo = x;
    else hi = x;
  }
  return (lo + hi) / 2;
}

/**
 * The words of the revisit warning (a station one request visits several times, with other work in
 * between: the gateway/BFF shape). The DES releases a unit's server between the visits (an event
 * loop: the worker serves other requests while the downstream call is in flight), and so does this
 * solver; a return visit's wait comes from revisitWaits (the work that arrived since the request's
 * previous visit there), which no product form makes exact (FCFS with per-visit service times), so
 * the result names it with its measured bound, and compare and report take figures at the rate
 * from the DES where such a station is at ρ ≥ REVISIT_DES_RHO (at-rate.ts).
 */
export const REVISIT_MARK = 'visited several times by one request';

/** How the analytic method names the event work requests bring to their own station (spawnedShare). */
export const SPAWN_MARK = 'work mostly from events the requests there emit';
/** The share of a station's work that is event work its requests emitted, and its ρ, from which SPAWN_MARK is said. */
const SPAWN_SHARE = 0.5;
const SPAWN_RHO = 0.2;

/**
 * Per station that requests visit themselves: the share of its work per request of the mix that
 * is event work (OP_SPAWN) rather than the requests' own visits.
 */
function spawnedShare(c: Compiled, demands: Map<string, OpDemand>, mix: Record<string, number>): { station: number; share: number }[] {
  const n = c.stations.length;
  const own = new Float64Array(n);
  const all = new Float64Array(n);
  for (const [id, p] of Object.entries(mix)) {
    const d = demands.get(id);
    if (!d) continue;
    for (const v of d.visits) own[v.station]! += p * v.mean;
    for (let i = 0; i < n; i++) all[i]! += p * d.loadDemand[i]!;
  }
  const out: { station: number; share: number }[] = [];
  for (let i = 0; i < n; i++) if (own[i]! > 0 && all[i]! > own[i]!) out.push({ station: i, share: (all[i]! - own[i]!) / all[i]! });
  return out;
}

/** What an autoscaler aims at, in words: `70% CPU`, `5000 connections a replica`. */
function scaleTarget(a: NonNullable<Compiled['stations'][number]['autoscale']>): string {
  return a.metric === 'cpu' || a.target === undefined ? `${Math.round(a.targetUtilization * 100)}% CPU` : `${a.target} ${a.metric} a replica`;
}

/** The words of the autoscaling warning: the analytic method solves a fixed fleet. */
export const AUTOSCALE_MARK = 'autoscaled units are solved at their starting replicas';

/** Paced arrivals, as solved. */
export const PACED_NOTE = 'paced arrivals (evenly spaced) enter with ca² = 0 and are carried along the request paths by QNA, each wait by Allen–Cunneen with the Krämer–Langenbach-Belz correction (an approximation: exact waits need the DES, which sends them evenly spaced; D/M/1 within 1% on the mean from ρ 0.5 up, 6% at ρ 0.3, where the wait is a few hundredths of a service); percentiles keep the exponential tail of the wait';

/**
 * The words of the shared-host warning (HostModel: every process of a layout on one host's cores).
 * solve() stretches each visit's service by an M/M/c processor-sharing host's response/service
 * ratio and queues each station on its own unstretched work: a host of jobs, not of threads. A
 * thread holds at most one core, so two busy processes on two cores do not contend at all, which
 * the ratio charges them; and a busy thread (a database connection) beside many light ones is
 * slowed by their work, which its queue does not see. Where a station fills is solved with its
 * threads (host-threads.ts). Measured against 200 s DES runs (BENCHMARKS, session 26): the bounds
 * in the warning. compare takes its figures at the rate from the DES on a shared host (at-rate.ts).
 */
export const HOST_MARK = 'on a shared host, contention between the processes’ threads is approximated';

/** The host model's measured range of error on the mean latency against the DES (the warning's, and compare's note when it takes the DES instead). */
export const HOST_LATENCY_RANGE = '−33% to +62%';

/** `1 core`, `2 cores`, `1.5 cores`: a host's cores in words (the warning's, and at-rate.ts's note). */
export function coresWord(n: number): string {
  return `${n} core${n === 1 ? '' : 's'}`;
}

/** The shared-host warning, with its measured bound. */
export function hostWarning(cores: number): string {
  return `analytic: ${HOST_MARK} (${coresWord(cores)}): each visit is stretched by an M/M/c processor-sharing host's factor and each station queues on its own work, so a few busy threads on several cores are charged contention they cannot make, and a busy thread's queue misses the others slowing it. Against the DES (a bundled system's five layouts and small networks, 1–4 cores, 30–90% of the DES's capacity): mean latency from ${HOST_LATENCY_RANGE} (many small services within 2% up to 60%, −9% to −31% at 90%; one application process and its database on 2 cores +25% at 60%, +62% at 90%); saturation within −1.4% to +4.8% (each thread slowed by the others busy beside it: host-threads.ts). --method des for figures on a shared host (compare takes them from it)`;
}

/** From this utilization of a revisited station the revisit model is least accurate: 5–7% on the mean, 10–20% on p95 at 80% of saturation (matrix test). */
export const REVISIT_DES_RHO = 0.7;

/** Least-connections across replicas, as solved (jsq.ts), with its measured bound. */
export const JSQ_NOTE = 'least-connections across replicas is solved as join-the-shortest-queue by the threshold-jockeying chain of Adan, van Houtum & van der Wal (1994) (replicas’ queues kept within T jobs of each other, T raised while the chain is small, the rest extrapolated), service variability by Allen–Cunneen: against the DES within 3% on the mean and 10% on p95 with exponential service (up to 8 replicas, ρ ≤ 0.9); with variable service (cs² up to 2.5) up to 7% above it on the mean and 20% on p95 (3 replicas of 2 workers, lognormal cv 1.5, at 60–80% of saturation, where the pooled queue is within 1% on the mean)';

/** With more replicas than the chain is solved for: the pooled queue, a lower bound. */
export const JSQ_POOLED_NOTE = 'least-connections across many replicas (more than 8) or with highly variable service (cs² above 2.5), or where the chain gives no valid answer, is solved as one pooled M/M/c queue (Erlang C), a lower bound on join-the-shortest-queue: the DES is up to 14% above it on the mean at ρ 0.9 with 8 replicas and up to 20% on p95 (less at lower load); --method des when that matters';

/**
 * Solve the network at arrival rate λ for a mix; the core of `analyze` and of sweeps. `only`
 * limits the per-operation results to these operations (the stations always see the whole mix):
 * a search over the rate for one operation's latency needs no other.
 */
export interface SolveOptions {
  /** a shared host (HostModel): every station's work on its cores */
  host?: HostModel | undefined;
  balance?: Balance | undefined;
  /** the operations to give results for (default: every one in the mix) */
  only?: readonly string[] | undefined;
  /** the squared coefficient of variation of the entry arrivals: 1 Poisson (default), 0 paced */
  entryScv?: number | undefined;
  /** also give each operation's figures visit by visit (visitMean, visitVar): what the timeout check reads (timeoutNotes) */
  perVisit?: boolean | undefined;
}
export function solve(c: Compiled, demands: Map<string, OpDemand>, mix: Record<string, number>, lambda: number, o: SolveOptions = {}) {
  const { host, balance = 'least-connections', only, entryScv = 1, perVisit = false } = o;
  const n = c.stations.length;
  const D = new Float64Array(n);
  const V = new Float64Array(n);
  const M2 = new Float64Array(n);
  const F = new Float64Array(n);
  for (const [id, p] of Object.entries(mix)) {
    const od = demands.get(id);
    if (!od) continue;
    for (let i = 0; i < n; i++) {
      D[i]! += p * od.loadDemand[i]!;
      V[i]! += p * od.loadVisits[i]!;
      M2[i]! += p * od.loadM2[i]!;
      F[i]! += p * od.loadFresh[i]!;
    }
  }
  // Cold visits (HostModel.coldVisit): each fresh visit to a process station costs its extra, which
  // also raises the station's load (before the host's own queueing stretches it).
  // The part after the answer (afterMs) holds the server too: in the load and in the service the
  // station's queue sees, not in the visit's own time (the cold[] read on a request's path).
  const coldBoth = coldPerVisit(c, host, lambda, D, V, F);
  const cold = coldBoth?.path ?? null;
  if (coldBoth) {
    for (let i = 0; i < n; i++) {
      const x = coldBoth.path[i]! + coldBoth.after[i]!;
      if (!(x > 0)) continue;
      const m1 = V[i]! > 0 ? D[i]! / V[i]! : 0;
      D[i]! += F[i]! * x;
      M2[i]! += F[i]! * (x * x + 2 * x * m1);
    }
  }
  // A shared host: all stations' work shares its cores, which stretches every service time on a
  // request's path by the mean-response/service ratio of an M/M/N processor-sharing host. The
  // stations' own queues are computed from their unstretched demand: stretching those too counts
  // the host's queueing twice (checked against the DES: within ~15% up to 90% host load).
  let inflate = 1;
  let lowFactor = 1;
  let lowWait = 0;
  if (host) {
    let total = 0;
    for (let i = 0; i < n; i++) total += D[i]!;
    // The units' background work is load the host carries whatever the rate. Work that finds a
    // core idle runs slower (idleSlowdown β): with P(idle) = 1 − U and U raised by that very
    // slowdown, U = (λT(1+β) + bg) / (c + λTβ) in closed form (exact in the mean for one core).
    const beta = host.idleSlowdown ?? 0;
    const work = (lambda * total) / 1000;
    const a = beta > 0 ? Math.min(host.cores, (work * (1 + beta) + c.background) / (1 + (work * beta) / host.cores)) : work + c.background;
    const slow = beta > 0 ? 1 + beta * Math.max(0, 1 - a / host.cores) : 1;
    if (slow !== 1) for (let i = 0; i < n; i++) D[i] = D[i]! * slow;
    // The units' thread pools run on the cores the rest leaves (the DES's low-priority host pool,
    // ps-pool.ts): the rest sees a host loaded by its own work only (an M/M/c-PS at that load). A
    // pool visit runs at the share the rest leaves, after the work it finds: the residual work of
    // every class (Σ ρᵢ·mᵢ for exponential service) cleared at that share. Exact in the mean for
    // M/M/1 with preemptive priority (S/(1−ρH) + R/((1−ρH)(1−ρ))); on more cores an
    // approximation (the M/M/c waiting probability in place of ρ). With a pool weight w between
    // (HostModel.poolWeight, discriminatory sharing) the rest sees w of the pool's load and the
    // pool's stretch and wait go linearly from priority's to plain sharing's: an interpolation,
    // exact at both ends only (the DES shares the cores by weight exactly).
    const w = Math.min(1, Math.max(0, host.poolWeight ?? DEFAULT_POOL_WEIGHT));
    let poolWork = 0;
    let residual = 0;
    for (let i = 0; i < n; i++) {
      if (c.stations[i]!.kind === 'pool') poolWork += D[i]!;
      if (V[i]! > 0) residual += ((lambda * D[i]!) / 1000) * (D[i]! / V[i]!);
    }
    const k = host.cores;
    const aPriority = poolWork > 0 && work > 0 ? a * (1 - (lambda * poolWork) / 1000 / (work + c.background)) : a;
    const aHigh = aPriority + w * (a - aPriority);
    inflate = a >= k ? Infinity : slow * (1 + erlangC(k, aHigh) / (k - aHigh));
    if (poolWork > 0) {
      const shared = a >= k ? Infinity : slow * (1 + erlangC(k, a) / (k - a));
      lowFactor = a >= k ? Infinity : (1 - w) * ((slow * k) / (k - aPriority)) + w * shared;
      lowWait = a >= k ? Infinity : a > 0 ? ((1 - w) * ((erlangC(k, a) / a) * residual)) / (k * (1 - aPriority / k) * (1 - a / k)) : 0;
    } else lowFactor = inflate;
  }
  // A station's threads are slowed by the others busy beside them on the host's cores
  // (host-threads.ts): a lone busy thread fills before the host does, and its station is then
  // saturated. Below that its queue is solved on its own work, as above (stretching it too was
  // tried: closer near saturation on many-process layouts, further everywhere else; BENCHMARKS
  // session 26).
  const threads = host ? threadStretch(c, lambda, D, Math.max(host.cores - c.background, MIN_HOST_CORES)).stretch : null;
  const isLow = (station: number) => host !== undefined && c.stations[station]!.kind === 'pool';
  /** the host's stretch of a visit's service at this station */
  const inflateOf = (station: number) => (isLow(station) ? lowFactor : inflate);
  /** the wait on the host before a thread-pool visit runs (0 elsewhere) */
  const hostWaitOf = (station: number) => (isLow(station) ? lowWait : 0);
  const ca2 = arrivalScv(c, demands, mix, lambda, V, D, M2, entryScv);
  const st: StationState[] = c.stations.map((s, i) => {
    const servers = s.replicas * s.servers;
    const visitRate = lambda * V[i]!;
    const demand = D[i]!;
    const meanService = V[i]! > 0 ? demand / V[i]! : 0;
    const a = (lambda * demand) / 1000;
    const rho = a / servers;
    const busy = threads ? (a * threads[i]!) / servers : rho;
    // ρ as offered where that is past 1 already (far into overload every thread's stretch is the
    // host's, and says nothing); otherwise the threads' stretched load that fills them
    if (busy >= 1) return { servers, visitRate, demand, rho: rho >= 1 ? rho : busy, meanService, pWait: 1, meanWait: Infinity, waitVar: Infinity, psFactor: Infinity, cs2: 1 };
    // Service times at a station are a mix (0.5 ms reads, 1.5 ms writes, lognormal CPU…): its cs².
    const m1 = V[i]! > 0 ? D[i]! / V[i]! : 0;
    const cs2 = m1 > 0 ? Math.max(0, M2[i]! / V[i]! / (m1 * m1) - 1) : 1;
    const q = queueOf(s.replicas, s.servers, visitRate / 1000, meanService, cs2, balance, ca2[i]!, s.discipline);
    // Arrivals smoother than Poisson (paced, or after low-variance service): Allen–Cunneen alone
    // overstates their wait (D/M/1 at ρ 0.5: 2× the exact one); klbFactor corrects it.
    const k = q.k * klbFactor(rho, ca2[i]!, cs2);
    const meanWait = q.pWait * k / q.theta;
    const waitVar = meanService > 0 ? ((2 * q.pWait) / (q.theta * q.theta) - (q.pWait / q.theta) ** 2) * k * k : 0;
    // Processor sharing is insensitive to the service distribution: the M/M/c ratio holds.
    const psFactor = meanService > 0 ? 1 + q.pWait / q.theta / meanService : 1;
    return { servers, visitRate, demand, rho, meanService, pWait: q.pWait, meanWait: meanService > 0 ? meanWait : 0, waitVar, psFactor, cs2 };
  });
  const waits = revisitWaits(c, demands, mix, lambda, st, inflate);
  const ops = Object.entries(mix).filter(([id]) => !only || only.includes(id)).map(([id, p]) => {
    const od = demands.get(id)!;
    const w = waits.get(id);
    const own = new Float64Array(od.visits.length);
    const chain = new Float64Array(od.visits.length);
    let mean = od.delayMean;
    let variance = od.delayVar;
    // The same sum split in two, for the low-variance fit: service and delays, and queueing waits.
    let sMean = od.delayMean;
    let sVar = od.delayVar;
    /** of sVar, the part from lognormal work */
    let sLogVar = 0;
    let wMean = 0;
    let wVar = 0;
    let noWait = 1;
    // Only asked for where some call has a timeout: an allocation most solves need not make.
    const visitMean = perVisit ? new Float64Array(od.visits.length) : undefined;
    const visitVar = perVisit ? new Float64Array(od.visits.length) : undefined;
    for (let j = 0; j < od.visits.length; j++) {
      const mean0 = mean;
      const var0 = variance;
      const v = od.visits[j]!;
      const s = st[v.station]!;
      const f = inflateOf(v.station);
      const service = (v.fresh && cold ? v.mean + cold[v.station]! : v.mean) * f;
      if (c.stations[v.station]!.discipline === 'ps') {
        // PS response of a visit: mean service × psFactor; its variance from M/M/1-PS (mm1PsVariance:
        // (2+ρ)/(2−ρ) × the squared mean for exponential service), the extra term scaling with the
        // service's own variability.
        const r = 1 - 1 / s.psFactor;
        const vv = (v.variance * f * f + service * service * ((2 * r) / (2 - r))) * s.psFactor * s.psFactor;
        mean += service * s.psFactor;
        variance += vv;
        sMean += service * s.psFactor;
        sVar += vv;
      } else {
        // the visit's own wait: the station's, or less on a return visit (revisitWaits)
        const k = w ? w.k[j]! : 1;
        const wait = s.meanWait * k;
        let wv = s.waitVar * k * k;
        if (w) {
          // a return visit's wait moves with the previous one's (slope β): Cov(W_i, W_j) = β·Var(W_i),
          // along the chain of visits to the station; the sum counts each pair twice.
          const i = w.prev[j]!;
          own[j] = wv;
          if (i >= 0) {
            chain[j] = w.slope[j]! * (own[i]! + chain[i]!);
            wv += 2 * chain[j]!;
          }
        }
        const hw = hostWaitOf(v.station);
        mean += service + wait + hw;
        variance += v.variance * f * f + wv + hw * hw;
        sMean += service;
        sVar += v.variance * f * f;
        if (v.lognormal) sLogVar += v.variance * f * f;
        wMean += wait + hw;
        wVar += wv + hw * hw;
        if (wait > 0) noWait *= 1 - s.pWait;
      }
      if (visitMean) {
        visitMean[j] = mean - mean0;
        visitVar![j] = variance - var0;
      }
    }
    // M/D/1 exactly: one visit to one FCFS server whose visits all take the same constant time.
    let md1: { lambda: number; D: number; add: number } | undefined;
    const only = od.visits.length === 1 ? od.visits[0]! : undefined;
    if (only && od.delayVar === 0 && only.variance === 0 && !host) {
      const s = st[only.station]!;
      const def = c.stations[only.station]!;
      if (def.discipline === 'fcfs' && s.servers === 1 && s.cs2 === 0 && s.meanService > 0) md1 = { lambda: s.visitRate / 1000, D: s.meanService, add: od.delayMean };
    }
    return { id, p, mean, variance, split: { sMean, sVar, sLogVar, wMean, wVar, pWait: 1 - noWait }, md1, waits: w, ...(visitMean ? { visitMean, visitVar: visitVar! } : {}) };
  });
  return { stations: st, ops, inflate, inflateOf, hostWaitOf };
}

interface RevisitWaits {
  /** each critical-path visit's wait as a multiple of its station's meanWait */
  k: Float64Array;
  /** a return visit's wait per ms of the previous visit's (the regression slope β); 0 on first visits */
  slope: Float64Array;
  /** the previous visit to the same station, −1 on first visits */
  prev: Int32Array;
}

/**
 * Return visits: the waits of a request's later visits to an FCFS station it has already visited
 * (the gateway/BFF shape: CPU around synchronous calls; a read then a write on one store), by a
 * fixed point. Solving each visit as an independent Poisson arrival overstates them (+20% and
 * more on the mean at 80% of saturation on fan-out ×4 and on a bundled monolith that reads then
 * writes one store): a return visit is not a random arrival. Under FCFS everything ahead of the request when it last arrived has been served
 * by the time it leaves, so when it leaves the station holds the work that arrived during its wait
 * and service there: v0 = ρ·(W_prev + S_prev) in the mean. While it is away (its calls and delays,
 * X ms) the station relaxes from v0 toward its time-average wait W with time constant
 * τ = ((1 + cs²)/2 + 1)·S / (c·(1 − ρ)) (the mean residual plus one service, over the drain
 * rate), so the return visit waits W + (v0 − W)·e^(−X/τ). For M/M/1 this is exact whatever X (v0 =
 * ρ(W + S) = W: product form), which is what keeps the exact cases exact; with service times that
 * differ per visit (0.1 ms serialization, 1 ms CPU) v0 is below W and the return waits less. The
 * station's time-average wait falls with it (a first visit is a Poisson arrival and sees it): for
 * FCFS, W = R + Σ ρ_k W_k over the visit kinds k (R the mean residual service, ρ_k and W_k each
 * kind's utilization and wait), so with return visits at α_k·W,
 * W = W_PK · (1 − ρ) / (1 − ρ + Σ_returns (1 − α_k) ρ_k). The same relaxation makes a return
 * visit's wait move with the previous one's, slope β = ρ·e^(−X/τ): the covariance the percentiles
 * add. On c > 1 servers the jobs that arrived during the request's wait share the servers with
 * those ahead of it, and while it is served the other c − 1 servers start (c − 1)·S_prev/S̄ of
 * them, so what it leaves behind depends less on its own visit: linearised around the time
 * average, v0 = W + ρ(W_prev − W) + (ρ − (c − 1)/c)(S_prev − S̄), which is W for M/M/c (its
 * departures see time averages: Burke) and moves with the request's own wait and service as the
 * one-server form does (its slope in W_prev is ρ, in S_prev ρ − (c − 1)/c), the deviation
 * weighted by P(wait): what a request leaves behind delays a return only when every server is
 * busy (unweighted, a lightly loaded 4-worker unit's return waits came out tens of times its
 * average, and the fixed point flipped between two values). Applying the
 * one-server ρ·(W_prev + S_prev) on c servers put a bundled 4-worker monolith's p95 21% below the
 * DES at 80% of saturation; this is within 7%. W_prev and X depend on the waits, hence the iteration. Stations no request revisits keep
 * their closed forms exactly (M/M/c, M/G/1, M/D/1, Jackson tandems), and so do return visits
 * to an M/M/c station (v0 = W). Checked against the DES in
 * test/simulate/matrix.test.ts and revisit.test.ts. Returns, per operation that revisits a
 * station, each critical-path visit's wait as a multiple of its station's meanWait (meanWait and
 * waitVar are updated in place).
 */
function revisitWaits(c: Compiled, demands: Map<string, OpDemand>, mix: Record<string, number>, lambda: number, st: StationState[], inflate: number): Map<string, RevisitWaits> {
  const n = c.stations.length;
  const revisits = (i: number) => c.stations[i]!.discipline === 'fcfs' && st[i]!.meanWait > 0 && Number.isFinite(st[i]!.meanWait);
  const out = new Map<string, RevisitWaits>();
  // per operation: the index of the previous visit to the same station (−1 for a first visit)
  const plan: { p: number; od: OpDemand; prev: Int32Array; k: Float64Array; slope: Float64Array; start: Float64Array }[] = [];
  for (const [id, p] of Object.entries(mix)) {
    const od = demands.get(id);
    if (!od || !(p > 0)) continue;
    const last = new Map<number, number>();
    const prev = new Int32Array(od.visits.length).fill(-1);
    let any = false;
    od.visits.forEach((v, j) => {
      const i = last.get(v.station);
      if (i !== undefined && revisits(v.station)) {
        prev[j] = i;
        any = true;
      }
      last.set(v.station, j);
    });
    if (!any) continue;
    const x = { p, od, prev, k: new Float64Array(od.visits.length).fill(1), slope: new Float64Array(od.visits.length), start: new Float64Array(od.visits.length) };
    plan.push(x);
    out.set(id, { k: x.k, slope: x.slope, prev });
  }
  if (!plan.length) return out;
  const base = st.map((s) => ({ meanWait: s.meanWait, waitVar: s.waitVar }));
  const factor = new Float64Array(n).fill(1);
  const relief = new Float64Array(n);
  for (let iter = 0; iter < 100; iter++) {
    relief.fill(0);
    for (const x of plan) {
      const { k, slope, start } = x;
      const vs = x.od.visits;
      // start[j]: when visit j arrives, from the request's start (means); every round writes
      // start[j] before reading it (a previous visit's), so the array is reused
      let t = 0;
      for (let j = 0; j < vs.length; j++) {
        const v = vs[j]!;
        const s = st[v.station]!;
        t += v.before;
        start[j] = t;
        const service = v.mean * inflate;
        if (c.stations[v.station]!.discipline === 'ps') {
          t += service * s.psFactor;
          continue;
        }
        if (x.prev[j]! >= 0) {
          const i = x.prev[j]!;
          const before = s.meanWait * k[i]! + vs[i]!.mean * inflate;
          const away = t - start[i]! - before;
          // the work the request leaves behind: on one server, all that arrived during its wait
          // and service; on c servers, that less what the other c − 1 started meanwhile, taken
          // as a deviation from the time average W, weighted by P(wait) (see the comment above)
          const v0 = s.servers <= 1 ? s.rho * before : Math.max(0, s.meanWait + s.pWait * (s.rho * (s.meanWait * k[i]! - s.meanWait) + (s.rho - (s.servers - 1) / s.servers) * (vs[i]!.mean * inflate - s.meanService)));
          const tau = (((1 + s.cs2) / 2 + 1) * s.meanService) / (s.servers * (1 - s.rho));
          // After a visit to a saturated station (an infinite wait) the request is away for
          // ever: its return finds the time average (Infinity − Infinity would be NaN, and NaN
          // would spread to every operation that visits this station).
          const relax = Number.isFinite(t) ? Math.exp(-away / tau) : 0;
          const a = s.meanWait > 0 ? (s.meanWait + (v0 - s.meanWait) * relax) / s.meanWait : 1;
          k[j] = a;
          slope[j] = s.rho * relax;
          relief[v.station]! += ((lambda * x.p * v.mean) / 1000 / s.servers) * (1 - a);
        }
        t += service + s.meanWait * k[j]!;
      }
    }
    let change = 0;
    for (let i = 0; i < n; i++) {
      if (!revisits(i) && factor[i] === 1) continue;
      const s = st[i]!;
      // (a return after a long visit can wait more than W, so relief can be negative: kept finite)
      const next = (1 - s.rho) / Math.max(1 - s.rho + relief[i]!, 0.05 * (1 - s.rho));
      // Past 20 rounds, half steps: a lightly loaded station with several servers (a wait of
      // microseconds) can otherwise flip between two values for ever.
      const f = iter < 20 ? next : (next + factor[i]!) / 2;
      change = Math.max(change, Math.abs(f - factor[i]!));
      factor[i] = f;
      s.meanWait = base[i]!.meanWait * f;
      s.waitVar = base[i]!.waitVar * f * f;
    }
    if (change < 1e-12) break;
  }
  return out;
}

/**
 * The squared coefficient of variation of each station's arrivals (Whitt's QNA, 1983): a visit
 * that follows a visit to another station on the request's path arrives with that station's
 * departures, which are burstier than Poisson when its service varies a lot (after a long CPU
 * burst the short visits queued behind it leave together): cd² = 1 + ρ²(cs² − 1)/√c +
 * (1 − ρ²)(ca² − 1), split by the fraction of those departures that come here (p·cd² + 1 − p) and
 * merged by rate. First visits, spawned event work and return visits to a station (revisitWaits
 * models those) count as Poisson (ca² = 1). With Poisson arrivals and exponential service every
 * cd² is 1, so M/M/c stations and Jackson tandems stay exact.
 */
function arrivalScv(c: Compiled, demands: Map<string, OpDemand>, mix: Record<string, number>, lambda: number, V: Float64Array, D: Float64Array, M2: Float64Array, entryScv = 1): Float64Array {
  const n = c.stations.length;
  const ca2 = new Float64Array(n).fill(1);
  // Requests entering the system (each operation's first visit, after constant delays at most):
  // Poisson (ca² 1), or paced (0: evenly spaced, the mix in a fixed interleaved order, so each
  // entry station's share stays evenly spaced too).
  const entry = new Float64Array(n);
  if (entryScv !== 1) {
    for (const [id, p] of Object.entries(mix)) {
      const first = demands.get(id)?.visits[0];
      if (first && p > 0) entry[first.station]! += (lambda * p) / 1000;
    }
  }
  // flows between stations: rate (per ms) from i to j, i ≠ j, first visits to j only
  const flow = new Map<number, number>();
  for (const [id, p] of Object.entries(mix)) {
    const od = demands.get(id);
    if (!od || !(p > 0)) continue;
    const seen = new Set<number>();
    od.visits.forEach((v, j) => {
      const from = j > 0 ? od.visits[j - 1]!.station : -1;
      if (from >= 0 && from !== v.station && !seen.has(v.station) && c.stations[from]!.discipline === 'fcfs') flow.set(from * n + v.station, (flow.get(from * n + v.station) ?? 0) + (lambda * p) / 1000);
      seen.add(v.station);
    });
  }
  const rate = Float64Array.from(V, (v) => (lambda * v) / 1000);
  // the entering share of a station's visits at entryScv, the rest of its outside visits at 1
  const outside = (j: number, fromFlows: number) => {
    const e = rate[j]! > 0 ? Math.min(entry[j]! / rate[j]!, 1) : 0;
    return e * entryScv + Math.max(0, 1 - fromFlows / rate[j]! - e);
  };
  if (!flow.size) {
    for (let j = 0; j < n; j++) if (rate[j]! > 0 && entry[j]! > 0) ca2[j] = outside(j, 0);
    return ca2;
  }
  const rho = new Float64Array(n);
  const cs2 = new Float64Array(n);
  const servers = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = c.stations[i]!;
    servers[i] = s.replicas * s.servers;
    rho[i] = Math.min(1, (lambda * D[i]!) / 1000 / servers[i]!);
    const m1 = V[i]! > 0 ? D[i]! / V[i]! : 0;
    cs2[i] = m1 > 0 ? Math.max(0, M2[i]! / V[i]! / (m1 * m1) - 1) : 1;
  }
  // the flows as arrays, in the map's order (the sums below add in that order)
  const m = flow.size;
  const fromOf = new Int32Array(m);
  const toOf = new Int32Array(m);
  const flowRate = new Float64Array(m);
  let f = 0;
  for (const [key, r] of flow) {
    fromOf[f] = Math.floor(key / n);
    toOf[f] = key % n;
    flowRate[f++] = r;
  }
  const next = new Float64Array(n);
  const fromFlows = new Float64Array(n);
  for (let iter = 0; iter < 50; iter++) {
    next.fill(0);
    fromFlows.fill(0);
    for (let f = 0; f < m; f++) {
      const i = fromOf[f]!;
      const j = toOf[f]!;
      const r = flowRate[f]!;
      const cd2 = 1 + (rho[i]! * rho[i]! * (cs2[i]! - 1)) / Math.sqrt(servers[i]!) + (1 - rho[i]! * rho[i]!) * (ca2[i]! - 1);
      const share = r / rate[i]!;
      next[j]! += (r / rate[j]!) * (share * cd2 + 1 - share);
      fromFlows[j]! += r;
    }
    let change = 0;
    for (let j = 0; j < n; j++) {
      if (!(rate[j]! > 0)) continue;
      const v = Math.max(0, next[j]! + outside(j, fromFlows[j]!));
      change = Math.max(change, Math.abs(v - ca2[j]!));
      ca2[j] = v;
    }
    if (change < 1e-12) break;
  }
  return ca2;
}

/**
 * Extra ms per fresh visit at each process station (0 elsewhere), on the visit's path and after its
 * answer (cold-visit.ts afterMs), or null without a cold-visit table. A fresh visit finds its
 * server idle with probability 1 − o, o the share of time the server holds work; it then ends an
 * idle period that is exponential with the server's fresh-visit rate (exact for one server under
 * Poisson arrivals; on c servers each is taken as seeing 1/c of the visits).
 *
 * o is the server's CPU load a (its extra included) stretched by the host it shares: its work runs
 * at the share of a core the other busy servers leave it, so o = a·max(1, (1 + B)/cores) with B
 * the mean number of other servers holding work (every station's servers, their own o each, and
 * the units' background). Until 2026-12-05 o was a alone: every process paid its extras by its own
 * CPU load, a few percent, however full the host, so two 1 ms units on one core with 0.5 ms a
 * wake-up were said to saturate at 400/s where the DES runs 480/s steady (its processes wait for
 * the core instead of idling), and their mean at 300/s was 13.3 ms against the DES's 7.1 (now
 * 10.1: the host's own stretch, M/M/1-PS, over-counts beside one other process; the extra per
 * visit 0.21 ms against the DES's 0.24). With m the mean extra after an idle gap
 * (m_path + m_after) and a = a0 + b·x, a server's fixed point for a given stretch I is
 * closed-form, x = (1 − a0·I)·m / (1 + b·I·m), 0 where a0·I ≥ 1; the stretches, which depend on
 * every server's o, are iterated to their fixed point (damped: more extras mean more busy servers
 * and fewer extras).
 */
function coldPerVisit(c: Compiled, host: HostModel | undefined, lambda: number, D: Float64Array, V: Float64Array, F: Float64Array): { path: Float64Array; after: Float64Array } | null {
  if (!host?.coldVisit && !host?.coldVisitDb) return null;
  const tables = coldTables(c.stations, host);
  const n = c.stations.length;
  const servers = c.stations.map((s) => s.replicas * s.servers);
  // Per server: its own load, its fresh-visit load, and the mean extra after an idle gap (path, after).
  const a0 = new Float64Array(n);
  const b = new Float64Array(n);
  const mp = new Float64Array(n);
  const ma = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a0[i] = (lambda * D[i]!) / 1000 / servers[i]!;
    const cv = tables[i];
    if (!cv || !(F[i]! > 0) || !(V[i]! > 0) || a0[i]! >= 1) continue;
    b[i] = (lambda * F[i]!) / 1000 / servers[i]!;
    // the table's work-proportional part at the station's mean visit (linear in the work: exact in the mean)
    mp[i] = meanColdExtra(cv, b[i]!, D[i]! / V[i]!);
    ma[i] = meanColdAfter(cv, b[i]!);
  }
  const path = new Float64Array(n);
  const after = new Float64Array(n);
  const o = new Float64Array(n);
  const cores = host.cores;
  for (let round = 0; round < 200; round++) {
    let busy = c.background;
    for (let i = 0; i < n; i++) busy += servers[i]! * o[i]!;
    let change = 0;
    for (let i = 0; i < n; i++) {
      if (!(a0[i]! > 0)) continue;
      const I = Math.max(1, (1 + busy - o[i]!) / cores);
      const m = mp[i]! + ma[i]!;
      const k = m > 0 ? Math.max(0, 1 - a0[i]! * I) / (1 + b[i]! * I * m) : 0;
      path[i] = k * mp[i]!;
      after[i] = k * ma[i]!;
      const next = Math.min(1, (a0[i]! + b[i]! * k * m) * I);
      change = Math.max(change, Math.abs(next - o[i]!));
      o[i] = o[i]! + 0.5 * (next - o[i]!);
    }
    if (change < 1e-10) break;
  }
  return { path, after };
}

/**
 * saturation() with cold visits: the extra work shrinks as stations get busy, but a station that
 * is not the bottleneck keeps paying it, so the rate at which a station or the host fills up is
 * found by bisection between 0 and the rate without the extra (which only adds work).
 */
function coldSaturation(c: Compiled, demands: Map<string, OpDemand>, mix: Record<string, number>, host: HostModel, warm: { rate: number; station: string }): { rate: number; station: string } {
  if (!Number.isFinite(warm.rate)) return warm;
  const n = c.stations.length;
  const hostCores = Math.max(host.cores - c.background, MIN_HOST_CORES);
  // Per-request demands do not depend on the rate: summed once, not at every bisection step.
  const D = new Float64Array(n);
  const V = new Float64Array(n);
  const F = new Float64Array(n);
  for (const [id, p] of Object.entries(mix)) {
    const od = demands.get(id);
    if (od)
      for (let i = 0; i < n; i++) {
        D[i]! += p * od.loadDemand[i]!;
        V[i]! += p * od.loadVisits[i]!;
        F[i]! += p * od.loadFresh[i]!;
      }
  }
  // a station fills when its threads, slowed by the others busy on the host, cannot keep up
  const d = new Float64Array(n);
  const full = (lambda: number): string | null => {
    const x = coldPerVisit(c, host, lambda, D, V, F)!;
    for (let i = 0; i < n; i++) d[i] = D[i]! + F[i]! * (x.path[i]! + x.after[i]!);
    return hostFull(c, lambda, d, hostCores);
  };
  let lo = 0;
  let hi = warm.rate;
  for (let k = 0; k < 60 && hi - lo > 1e-9 * hi; k++) {
    const mid = (lo + hi) / 2;
    if (full(mid)) hi = mid;
    else lo = mid;
  }
  return { rate: hi, station: full(hi) ?? warm.station };
}

/** Requests per second of this mix at which the first station reaches ρ = 1. */
/**
 * The bottleneck with a shared host (--host-cores): where the host's cores limit the mix before any
 * station does (saturation's station "host"), the host is the bottleneck, at the rate's share of
 * its saturation rate; the stations' own utilizations leave out the other processes on the cores.
 */
export function hostBottleneck(b: { station: string; utilization: number }, sat: { rate: number; station: string }, rate: number): { station: string; utilization: number } {
  if (sat.station !== 'host' || !(sat.rate > 0) || !Number.isFinite(sat.rate)) return b;
  const u = rate / sat.rate;
  return u > b.utilization ? { station: 'host', utilization: u } : b;
}

export function saturation(c: Compiled, demands: Map<string, OpDemand>, mix: Record<string, number>, host?: HostModel): { rate: number; station: string } {
  let best = Infinity;
  let station = '';
  const n = c.stations.length;
  const D = new Float64Array(n);
  for (const [id, p] of Object.entries(mix)) {
    const od = demands.get(id);
    if (od) for (let i = 0; i < n; i++) D[i]! += p * od.loadDemand[i]!;
  }
  if (host?.coldVisit || host?.coldVisitDb) return coldSaturation(c, demands, mix, host, saturation(c, demands, mix, { ...host, coldVisit: undefined, coldVisitDb: undefined }));
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
  const hostCores = host ? Math.max(host.cores - c.background, MIN_HOST_CORES) : 0;
  if (host && total > 0 && (1000 * hostCores) / total < best) {
    best = (1000 * hostCores) / total;
    station = 'host';
  }
  // On a shared host a station's threads are slowed by the others busy beside them: it can fill
  // below both limits (host-threads.ts).
  return host ? hostSaturation(c, D, hostCores, { rate: best, station }) : { rate: best, station };
}

/** Closed workload: the throughput X with X = N / (R(X) + Z), by bisection on the open solution. */
function closedThroughput(c: Compiled, demands: Map<string, OpDemand>, w: WorkloadSpec, host?: HostModel, balance?: Balance): number {
  const N = w.users!;
  const Z = w.thinkTime?.mean ?? 0;
  const sat = saturation(c, demands, w.mix, host).rate;
  let lo = 0;
  let hi = Math.min(sat * 0.999999, (1000 * N) / Math.max(Z, 1e-9));
  for (let i = 0; i < 100; i++) {
    const x = (lo + hi) / 2;
    const s = solve(c, demands, w.mix, x, { host, balance });
    const R = s.ops.reduce((a, o) => a + o.p * o.mean, 0);
    if ((x * (R + Z)) / 1000 < N) lo = x;
    else hi = x;
  }
  return lo;
}

const fin = (x: number) => (Number.isFinite(x) ? x : Infinity);

/** FCFS stations at ρ ≥ 0.2 that one request of the mix visits more than once (see analyze's warning). */
function revisitedStations(c: Compiled, demands: Map<string, OpDemand>, mix: Record<string, number>, st: StationState[]): string[] {
  const out = new Set<string>();
  for (const [id, p] of Object.entries(mix)) {
    const od = demands.get(id);
    if (!od || !(p > 0)) continue;
    const seen = new Map<number, number>();
    for (const v of od.visits) seen.set(v.station, (seen.get(v.station) ?? 0) + 1);
    for (const [i, n] of seen) if (n > 1 && c.stations[i]!.discipline === 'fcfs' && st[i]!.rho >= 0.2) out.add(c.stations[i]!.id);
  }
  return [...out];
}

type SolvedOp = ReturnType<typeof solve>['ops'][number];

/**
 * Percentile p of an operation's latency. Exact for M/D/1 (Crommelin's formula). When the
 * service part varies little (cs² < 0.5: constant or near-constant work), the gamma fit of the
 * whole sum misplaces the mass of requests that never wait, so the fit is a mixture: no wait
 * (probability Π(1 − P(wait)) over the visits) or a wait, each part a gamma fit of its own
 * mean and variance. Otherwise one gamma fit of the mean and variance of the sum (exact
 * for M/M/1; an approximation elsewhere — named in the result's warnings).
 */
export function latencyQuantile(op: SolvedOp, p: number): number {
  return latencyQuantiles(op, [p])[0]!;
}

/**
 * latencyQuantile at several p: one cdf serves every search, and its values at the points where
 * every search starts (mean, 2 × mean, …: quantileSearch's brackets) are computed once. Same
 * figures as one latencyQuantile per p, bit for bit.
 */
export function latencyQuantiles(op: SolvedOp, ps: readonly number[]): number[] {
  if (!Number.isFinite(op.mean)) return ps.map(() => Infinity);
  const brackets: number[] = [];
  if (op.md1) {
    const { lambda, D, add } = op.md1;
    const cdf = new Md1Cdf(lambda, D);
    return ps.map((p) => add + D + quantileSearch(cdf, p, D, brackets));
  }
  const x = op.split;
  const waits = x.sMean > 0 && x.wMean > 0 && x.pWait > 0;
  const lowVariance = waits && x.sVar < 0.5 * x.sMean * x.sMean;
  // A one-gamma fit of shape below 1 has its mode at 0: where the work itself is not that skewed
  // (cs² ≤ 1) and rare long waits carry the variance, most requests would take less than their
  // own work (a unit mixing 0.01 ms and 5 s requests gave p50 = p99 = 0 for the short ones, below
  // their mean). The two-part fit keeps the requests that never wait at their own work. Work that
  // is itself that skewed (lognormal cv 1.5) keeps the one fit, which matches it.
  const skewed = waits && op.variance > op.mean * op.mean && x.sVar <= x.sMean * x.sMean;
  // Work more variable than exponential with most of that variance lognormal (lognormal cv 2):
  // a gamma of shape below 1 has its mode at 0 and put p50 at 0.86 ms where the work's own median
  // is 2.24 ms (and p95 22.5 for 18.0). Such work is fitted as a lognormal (Fenton–Wilkinson:
  // exact for one lognormal part), alone when nothing waits, else as the two-part fit's parts.
  const logWork = lognormalWork(x);
  if (logWork && !waits) return ps.map((p) => lognormalQuantile(op.mean, op.variance, p));
  if (!lowVariance && !skewed && !logWork) return ps.map((p) => gammaQuantile(op.mean, op.variance, p));
  const mc = x.wMean / x.pWait;
  const vc = Math.max(0, (x.wVar + x.wMean * x.wMean) / x.pWait - mc * mc);
  // the waited part: a lognormal while the work carries most of its variance, a gamma once the wait does
  const waited = logWork && vc <= x.sVar ? new LognormalCdf(x.sMean + mc, x.sVar + vc) : new GammaCdf(x.sMean + mc, x.sVar + vc);
  const cdf = new TwoPartCdf(x.pWait, logWork ? new LognormalCdf(x.sMean, x.sVar) : new GammaCdf(x.sMean, x.sVar), waited);
  return ps.map((p) => quantileSearch(cdf, p, op.mean, brackets));
}

/** The M/D/1 wait's cdf (Crommelin). */
class Md1Cdf implements Cdf {
  constructor(
    private readonly lambda: number,
    private readonly D: number,
  ) {}
  at(t: number): number {
    return md1WaitCdf(this.lambda, this.D, t);
  }
}

/** An operation whose own work varies more than exponential, most of that variance lognormal: fitted as a lognormal (latencyQuantiles). */
function lognormalWork(x: SolvedOp['split']): boolean {
  return x.sVar > x.sMean * x.sMean && x.sLogVar > 0.5 * x.sVar;
}

/** The note that names the lognormal fit where it is in force (test/simulate/lognormal-percentiles.test.ts). */
export const LOGNORMAL_NOTE =
  'work more variable than exponential, most of it lognormal: its percentiles are a lognormal fit of the work (Fenton–Wilkinson, exact with nothing waiting) and of the work plus a wait while the work carries most of the variance (an approximation): against the DES, lognormal cv 2 on 2 servers, p95 within 11% and p50 +4% at ρ 0.5, +25% at ρ 0.7';

/** No wait (probability 1 − pWait) or a wait: the two-part fit of latencyQuantiles. */
class TwoPartCdf implements Cdf {
  constructor(
    private readonly pWait: number,
    private readonly noWait: Cdf,
    private readonly waited: Cdf,
  ) {}
  at(t: number): number {
    return (1 - this.pWait) * this.noWait.at(t) + this.pWait * this.waited.at(t);
  }
}

/** Round-robin replicas of one server whose service varies more than exponential (queueOf). */
export const RR_VARIABLE_NOTE =
  'round-robin replicas of one server with service more variable than exponential (cs² above 1): the exact GI/M/1 wait for their Erlang arrivals plus the Pollaczek–Khinchine share of the extra variability, in the M/G/1 shape (an approximation): against the DES within 17% on the mean wait and up to 25% below it on p95 (lognormal service of cv 1.5–3, 2–20 replicas, ρ 0.5–0.8); a mix of short and rare long requests is wider (p90 of the short ones ×3 at cs² 25); --method des where that matters';

/** The note every analytic result carries: what the method is, and where it is exact. */
export const ANALYTIC_NOTE = 'analytic: Erlang C waits scaled by (ca² + cs²)/2 for each station’s arrival variability (QNA) and service-time mix (exact for M/M/c, M/G/1 and Jackson networks); percentiles are a gamma approximation (a two-part fit for low-variance service, Crommelin’s exact formula for M/D/1; processor sharing: within 10% at p95–p99, about −20% at p50 at ρ 0.9)';

/**
 * The approximations in force for this result beyond the general note (a station revisited by one
 * request, least-connections replicas, round-robin replicas with several servers), each with its
 * known bound: what compare and report repeat beside figures they take from the analytic method.
 */
export function namedApproximations(r: SimulationResult): string[] {
  return r.method === 'analytic' ? r.warnings.filter((w) => w.startsWith('analytic: ') && w !== ANALYTIC_NOTE) : [];
}

/** How the analytic method names a call timeout it does not apply (timeoutNotes). */
export const TIMEOUT_MARK = 'that the analytic method does not apply';

/**
 * The calls with a timeout whose callee path, as solved, runs past it. The DES gives up on such a
 * call at its timeout (a failed call, retried or not: des/calls.ts); the analytic method has no
 * timeouts, so its figures for the caller are those of a system that waits as long as the callee
 * takes, with no request failed. One note per operation and call, where the call's path (its
 * visits and delays between OP_BEGIN and OP_END, with their solved waits) has a p99 above the
 * timeout by a gamma fit of its mean and variance (the operation's own percentiles' fit).
 */
function timeoutNotes(c: Compiled, ops: readonly SolvedOp[]): string[] {
  const notes: string[] = [];
  for (const op of ops) {
    if (!op.visitMean || !op.visitVar) continue;
    const code = c.programs[c.entry.get(op.id)!]!.code;
    // open frames (timed or not: OP_END closes the innermost), and per timed edge its worst path
    const open: { edge: number; mean: number; variance: number }[] = [];
    const worst = new Map<number, { calls: number; mean: number; variance: number; p99: number }>();
    let j = 0;
    for (let pc = 0; pc < code.length; pc += W) {
      const k = code[pc];
      let dm = 0;
      let dv = 0;
      if (k === OP_VISIT) {
        dm = op.visitMean[j]!;
        dv = op.visitVar[j]!;
        j++;
      } else if (k === OP_DELAY) {
        const d = c.dists[code[pc + 1]!]!;
        dm = distMean(d);
        dv = distVar(d);
      } else if (k === OP_BEGIN) {
        open.push({ edge: code[pc + 1]!, mean: 0, variance: 0 });
      } else if (k === OP_END) {
        const f = open.pop()!;
        if (c.edges[f.edge]!.timeout === undefined) continue;
        const p99 = Number.isFinite(f.mean) ? gammaQuantile(f.mean, f.variance, 0.99) : Infinity;
        const w = worst.get(f.edge);
        if (!w) worst.set(f.edge, { calls: 1, mean: f.mean, variance: f.variance, p99 });
        else {
          w.calls++;
          if (!(p99 <= w.p99)) Object.assign(w, { mean: f.mean, variance: f.variance, p99 });
        }
      }
      if (dm !== 0 || dv !== 0) for (const f of open) (f.mean += dm), (f.variance += dv);
    }
    for (const [e, w] of worst) {
      const edge = c.edges[e]!;
      const timeout = edge.timeout!;
      if (!(w.p99 > timeout)) continue;
      const attempts = edge.retries + 1;
      const policy = edge.retries > 0 ? `${edge.retries} ${edge.retries === 1 ? 'retry' : 'retries'}, backoff ${formatDuration(edge.backoff)} doubling: ${attempts} attempts` : 'no retries: 1 attempt';
      const calls = w.calls > 1 ? `its ${w.calls} calls to ${edge.callee} each have` : `its call to ${edge.callee} has`;
      const t = formatDuration(timeout);
      const past = Number.isFinite(w.p99) ? `${formatDuration(w.p99)} (mean ${formatDuration(w.mean)}; that fit puts ${pct(1 - new GammaCdf(w.mean, w.variance).at(timeout))} of these calls past ${t})` : 'unbounded (a station on it is saturated)';
      notes.push(
        `analytic: ${op.id}: ${calls} a ${t} timeout (${policy}) ${TIMEOUT_MARK}: the callee path's p99 as solved (a gamma fit of its mean and variance) is ${past}, so ${op.id}'s latencies here are the no-timeout figures and no request counts as timed out or failed; --method des applies timeouts and retries`,
      );
    }
  }
  return notes;
}

/** A share in words: 28.7%. */
function pct(x: number): string {
  return `${Number((x * 100).toPrecision(3))}%`;
}

/**
 * The layout compiled for a solve of this mix. Only the mix's programs are read, and compiling
 * only those gives the same result unless some operation's compilation warns (compileWarns: the
 * warnings are part of the result).
 */
function compileMix(bp: Blueprint, layout: string, mix: Record<string, number>, o: AnalyzeOptions): Compiled {
  const entries = o.compileOptions?.entries ?? (compileWarns(bp, layout) ? undefined : Object.keys(mix));
  return compile(bp, layout, { ...o.compileOptions, ...(entries ? { entries } : {}), ...(o.host ? { driverCpu: o.host.driverCpu ?? 0.05 } : {}) });
}

export function analyze(bp: Blueprint, layout: string, o: AnalyzeOptions = {}): SimulationResult {
  const w = workloadFor(bp, o);
  const c = o.compiled ?? compileMix(bp, layout, w.mix, o);
  // the mix's operations alone: nothing here reads another's
  const demands = opDemands(c, Object.keys(w.mix));
  const lambda = w.kind === 'closed' ? closedThroughput(c, demands, w, o.host, o.balance) : w.rate!;
  // The timeout check reads the solve visit by visit: asked for only where some call has a timeout.
  const timed = c.edges.some((e) => e.timeout !== undefined);
  const sol = solve(c, demands, w.mix, lambda, { host: o.host, balance: o.balance, entryScv: w.arrivals === 'paced' ? 0 : 1, perVisit: timed });
  const seconds = (w.duration - w.warmup) / 1000;
  const warnings = [...c.warnings, ANALYTIC_NOTE];
  if (w.arrivals === 'paced') warnings.push(`analytic: ${PACED_NOTE}`);
  if (o.host) warnings.push(hostWarning(o.host.cores));
  const balance = o.balance ?? 'least-connections';
  const replicated = c.stations.filter((s, i) => s.replicas > 1 && sol.stations[i]!.visitRate > 0);
  if (replicated.length && balance === 'least-connections') {
    const pooled = replicated.filter((s) => !chainSolves(s.replicas, s.servers, sol.stations[c.stations.indexOf(s)]!));
    const chained = replicated.filter((s) => !pooled.includes(s));
    if (chained.length) warnings.push(`analytic: ${JSQ_NOTE} (${chained.map((s) => s.id).join(', ')})`);
    if (pooled.length) warnings.push(`analytic: ${JSQ_POOLED_NOTE} (${pooled.map((s) => s.id).join(', ')})`);
  }
  const variableRoundRobin = balance === 'round-robin' ? replicated.filter((s) => s.servers === 1 && s.discipline === 'fcfs' && sol.stations[c.stations.indexOf(s)]!.cs2 > 1) : [];
  if (variableRoundRobin.length) warnings.push(`analytic: ${RR_VARIABLE_NOTE} (${variableRoundRobin.map((s) => s.id).join(', ')})`);
  if (replicated.some((s) => s.servers > 1) && balance === 'round-robin') warnings.push('analytic: round-robin replicas with several servers each: Allen–Cunneen GI/G/c with Erlang arrivals (an approximation; exact only for one server per replica and exponential service)');
  // The solver has no time: an autoscaled unit is solved at the replicas it starts with.
  const scaled = c.stations.filter((s, i) => s.autoscale && sol.stations[i]!.visitRate > 0);
  if (scaled.length) warnings.push(`analytic: ${AUTOSCALE_MARK} (${scaled.map((s) => `${s.id}: ${s.replicas} of ${s.autoscale!.min}–${s.autoscale!.max} on ${scaleTarget(s.autoscale!)}`).join('; ')}): the figures are those of a fleet that never scales. Where the load keeps a unit above its target the DES (like the system) adds replicas and its latencies fall below these (one such unit at 80% of saturation: mean −18%, p95 −50%); below it, one that scales in waits longer. --method des for the scaled figures`);
  const revisited = revisitedStations(c, demands, w.mix, sol.stations);
  if (revisited.length) warnings.push(`analytic: ${revisited.join(', ')} ${revisited.length > 1 ? 'are' : 'is'} ${REVISIT_MARK} with other work in between (the gateway/BFF shape); a return visit's wait is solved from the work that arrived since the request's previous visit there, relaxing toward the station's average (no product form makes it exact). A station with several servers is solved the same way, the request leaving behind what arrived during its wait and service less what the other servers started meanwhile (exact for M/M/c; a long visit followed at once by a much shorter one is overstated: +18% on the mean and +21% on p95 with 4 servers at 80%, 0.5 ms then 0.1 ms). Against the DES up to 80% of saturation (fan-out and bundled-blueprint matrix tests): mean latency within 7% (within 5% up to 60%), p95 within 25% (mostly within 15%); the gap grows toward saturation. Outside those shapes it can be wider: a BFF whose one unit (2 workers) also runs its five callees, one with lognormal work of cv 1.5, between database visits, is +18% on the mean at 60% and +23% at 80%. Use --method des where that matters (30 s of simulated time takes about a second)`);
  // Event work a request emits, consumed in the unit it runs on: it arrives at that unit together
  // with the request that emitted it, where arrivalScv counts it as independent (Poisson).
  // (Through a broker the work comes later, after the broker's own delay: not this case.)
  const inProcess = !c.stations.some((s) => s.kind === 'broker');
  const spawned = inProcess ? spawnedShare(c, demands, w.mix).filter((x) => x.share >= SPAWN_SHARE && sol.stations[x.station]!.rho >= SPAWN_RHO) : [];
  if (spawned.length) warnings.push(`analytic: ${spawned.map((x) => c.stations[x.station]!.id).join(', ')} ${spawned.length > 1 ? 'run' : 'runs'} ${SPAWN_MARK}; that work arrives together with the request that emits it, where the model's arrival variability (QNA) counts it as independent of it, so the waits there are understated: −15% to −22% on the mean against the DES at 24–72% of saturation (a 1 ms request emitting 13 ms of work consumed in its own unit). Use --method des where that matters`);
  const logFitted = sol.ops.filter((op) => Number.isFinite(op.mean) && lognormalWork(op.split)).map((op) => op.id);
  if (logFitted.length) warnings.push(`analytic: ${LOGNORMAL_NOTE} (${logFitted.join(', ')})`);
  if (timed) warnings.push(...timeoutNotes(c, sol.ops));
  const operations: OperationResult[] = sol.ops.map((op) => {
    const [p50, p90, p95, p99, p999] = latencyQuantiles(op, [0.5, 0.9, 0.95, 0.99, 0.999]).map(fin);
    return {
      id: op.id,
      count: Math.round(lambda * op.p * seconds),
      throughput: lambda * op.p,
      errors: 0,
      errorRate: 0,
      latency: { mean: fin(op.mean), p50: p50!, p90: p90!, p95: p95!, p99: p99!, max: p999! },
    };
  });
  // Waiting requests per station by Little's law over its visits (a return visit waits its own share).
  // Processor sharing: the visits beyond its servers, by the time each visit is stretched (the
  // FCFS wait of the station is not what its visits spend: for M/M/c-PS both give Erlang C's).
  const queued = sol.stations.map((x, i) => (c.stations[i]!.discipline === 'ps' ? (x.visitRate * x.meanService * (x.psFactor - 1)) / 1000 : (x.visitRate * x.meanWait) / 1000));
  for (const op of sol.ops) {
    if (!op.waits) continue;
    demands.get(op.id)!.visits.forEach((v, j) => (queued[v.station]! -= ((lambda * op.p) / 1000) * sol.stations[v.station]!.meanWait * (1 - op.waits!.k[j]!)));
  }
  const stations: StationResult[] = c.stations.map((s, i) => {
    const x = sol.stations[i]!;
    return {
      id: s.id,
      kind: s.kind,
      replicas: s.replicas,
      cores: s.servers,
      discipline: s.discipline,
      utilization: x.rho,
      meanQueue: Number.isFinite(x.meanWait) ? queued[i]! : Infinity,
      demandPerRequest: x.demand,
      visitRate: x.visitRate,
      cpu: (x.demand * lambda) / 1000,
      waitProbability: x.pWait,
    };
  });
  const hopsPerRequest = sol.ops.reduce((a, op) => a + op.p * demands.get(op.id)!.hops, 0);
  const networkMs = sol.ops.reduce((a, op) => a + op.p * demands.get(op.id)!.networkMs, 0);
  if (networkMs > 0 && hopsPerRequest > 0) {
    stations.push({ id: 'network', kind: 'network', replicas: 0, cores: 0, discipline: 'ps', utilization: 0, meanQueue: (lambda * networkMs) / 1000, demandPerRequest: networkMs, visitRate: lambda * hopsPerRequest, cpu: 0 });
  }
  const sat = saturation(c, demands, w.mix, o.host);
  const bottleneck = hostBottleneck(
    stations.reduce((b, s) => (s.utilization > b.utilization ? { station: s.id, utilization: s.utilization } : b), { station: '', utilization: -1 }),
    sat,
    lambda,
  );
  const saturated = analyticSaturated(w.kind === 'open' ? lambda : undefined, sat, eventWorkOnly(c, demands, w.mix, sat.station));
  if (saturated) warnings.push(saturatedWarning(saturated));
  // A profile is solved at its mean rate, below saturation though its peak is not: say so, in the
  // DES's words, and what the figures leave out (the 'analytic: ' note reaches compare and report).
  const peak = w.kind === 'open' ? profilePeak(w.profile, w.duration, sat.rate, lambda) : undefined;
  if (peak) warnings.push(profilePeakWarning(peak, sat.rate, w.duration, eventBacklog(c, demands, w.mix, sat.station)), profileMeanNote(peak));
  // Little's law, with L summed station by station (in service + waiting + in flight).
  let L = 0;
  for (const op of sol.ops) {
    const od = demands.get(op.id)!;
    let r = od.delayMean;
    od.visits.forEach((v, j) => (r += c.stations[v.station]!.discipline === 'ps' ? v.mean * sol.inflateOf(v.station) * sol.stations[v.station]!.psFactor : v.mean * sol.inflateOf(v.station) + sol.hostWaitOf(v.station) + sol.stations[v.station]!.meanWait * (op.waits ? op.waits.k[j]! : 1)));
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
    ...(o.host ? { host: { ...o.host, poolWeight: o.host.poolWeight ?? DEFAULT_POOL_WEIGHT } } : {}),
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
