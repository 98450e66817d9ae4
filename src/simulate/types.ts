// The results the simulation engine hands to the report, compare, sweep and load-test code.
// These names are a contract: other areas build on them, so extend, do not rename.
// All times are milliseconds, rates per second, money US dollars, utilizations fractions.
import type { ColdVisit } from './cold-visit.js';
import type { LayoutCost } from './cost.js';
import type { Dist, Profile } from '../model/schema.js';

export type Method = 'des' | 'analytic';
/** pool: a unit's thread pool (libuv), where operations' `pool` work runs beside the event loop */
export type StationKind = 'unit' | 'pool' | 'datastore' | 'gateway' | 'broker' | 'network' | 'driver';
/** how a station's replicas share its visits (DES: per-replica queues; analytic: see analytic.ts) */
export type Balance = 'least-connections' | 'round-robin' | 'random';

/** The workload a result was computed for (normalized). */
export interface WorkloadSpec {
  kind: 'open' | 'closed';
  /** open: mean arrival rate (per second; a profile's mean over the duration when one is set) */
  rate?: number;
  /** closed: concurrent users, each thinking `thinkTime` between requests */
  users?: number;
  thinkTime?: Dist;
  profile?: Profile;
  /**
   * open: 'paced' when requests come evenly spaced with the mix in a fixed interleaved order (a
   * load driver's constant rate); absent for Poisson arrivals
   */
  arrivals?: 'paced';
  /** simulated time, ms */
  duration: number;
  /** simulated time excluded from the statistics, ms */
  warmup: number;
  /** operation id → probability (normalized weights) */
  mix: Record<string, number>;
  /** DES only: stop generating after this many requests (benchmarks) */
  requests?: number;
}

/** A 95% confidence interval over independent replications (Student t). */
export interface Interval {
  mean: number;
  low: number;
  high: number;
  halfWidth: number;
}

export interface LatencySummary {
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export interface OperationResult {
  /** domain.operation */
  id: string;
  /** requests completed (successfully or not) in the measured window */
  count: number;
  /** completed requests per second */
  throughput: number;
  /** failed requests: a station down, a timeout, an open circuit breaker, the client timeout */
  errors: number;
  errorRate: number;
  /** of all requests (successes and failures) */
  latency: LatencySummary;
  /** with --replications K ≥ 2 */
  ci95?: { mean: Interval; p95: Interval; p99: Interval; throughput: Interval; errorRate: Interval };
}

export interface StationResult {
  /** unit, "<unit> (thread pool)", datastore name, "gateway", "broker", "network", "driver" */
  id: string;
  kind: StationKind;
  /** replicas (units, gateway) or 1; for an autoscaled unit the mean replica count */
  replicas: number;
  /** servers per replica (unit: workers capped by vCPU; datastore: cores capped by pool) */
  cores: number;
  discipline: 'fcfs' | 'ps';
  /** busy servers / all servers, over the measured window (network: 0, it never queues) */
  utilization: number;
  /** mean number waiting (not in service); processor sharing: the visits beyond its servers (all share them); network: mean messages in flight */
  meanQueue: number;
  /** mean service demand per top-level request at this station, ms */
  demandPerRequest: number;
  /**
   * CPU the station's work took, in cores (work handed out per second of the measured window, a
   * cold visit's extra included; the network: 0). On a shared host this is not utilization, which
   * counts time a server holds a core share, stretched by the processes beside it.
   */
  cpu: number;
  /** visits per second */
  visitRate: number;
  /** probability a visit waits for a server (Erlang C in the analytic method) */
  waitProbability?: number;
  /** DES, autoscaling: the largest replica count reached */
  maxReplicas?: number;
}

export interface LittleCheck {
  /** λ: completed top-level requests per second */
  arrivalRate: number;
  /** W: mean response time, ms */
  meanResponse: number;
  /** L: time-average number of requests in the system (measured independently of λ·W) */
  meanInSystem: number;
  /** |L − λW| / L */
  relError: number;
}

export interface TargetCost {
  /** the load the fleet is sized for, requests per second */
  rate: number;
  targetUtilization: number;
  /** unit name → replicas needed */
  replicas: Record<string, number>;
  monthly: LayoutCost;
  /** stations that replicas cannot fix (datastores, gateway, broker) with ρ at that load */
  limits: { station: string; utilization: number }[];
}

export interface CostResult {
  monthly: LayoutCost;
  /** monthly bill / requests served in a month at the simulated throughput */
  perMillionRequests: number;
  atTarget?: TargetCost;
}

export interface HostModel {
  /** every unit, datastore, gateway, broker and the load driver share this many cores (PS) */
  cores: number;
  /** load driver CPU per request, ms (default 0.05) */
  driverCpu?: number;
  /**
   * How much slower work runs when it starts on an idle core (β: it costs 1 + β times its busy-core
   * figure). Measured on real hosts, a request's CPU falls as the host gets busier (caches and
   * branch predictors stay warm, the core is not woken from an idle state, a virtual CPU is not
   * descheduled): calibration fits it from runs at several loads (calibrate.ts). Default 0.
   */
  idleSlowdown?: number;
  /**
   * Extra CPU of a visit that finds its process (a unit's event loop, the gateway) idle, against
   * how long it was idle: measured per machine by `calibrate --platform` (cold-visit.ts). Absent:
   * none.
   */
  coldVisit?: ColdVisit;
  /**
   * The same for a relational datastore's connection (a PostgreSQL backend) that idled between
   * queries: measured per machine by `calibrate --platform` (db-cold-bench.ts). Absent: none.
   */
  coldVisitDb?: ColdVisit;
  /**
   * The units' thread-pool work (scrypt, zlib) against everything else on the host's cores: each
   * pool job's share of a core relative to another process's (discriminatory processor sharing).
   * 0: strict priority for the rest (the pool runs on what it leaves); 1: plain sharing. Default
   * DEFAULT_POOL_WEIGHT (pool-weight.ts, where it was measured).
   */
  poolWeight?: number;
  /**
   * How the cores are shared. thread (default): every job of every process alike (processor
   * sharing, the thread pools' at poolWeight). process: equally between the processes with work,
   * then between each process's jobs (Linux's autogroup: a unit's event loop and its pool threads
   * split one share, each database backend has its own; des/host-groups.ts). The DES models it;
   * the analytic method solves the host as thread sharing and says so.
   */
  sharing?: 'thread' | 'process';
  /**
   * With sharing 'process': the cores handed out in time slices of this many ms, as Linux's
   * scheduler does (des/sliced-host.ts: a waking process preempts one that has run well ahead of
   * it, others take turns), rather than shared continuously. Absent: continuous sharing. DES only.
   */
  slice?: number;
}

export interface SimulationResult {
  blueprint: string;
  layout: string;
  method: Method;
  workload: WorkloadSpec;
  seed: number;
  replications: number;
  host?: HostModel;
  scenario?: string;
  operations: OperationResult[];
  stations: StationResult[];
  bottleneck: { station: string; utilization: number };
  /** requests per second of this workload mix at which the bottleneck reaches ρ = 1 */
  saturationThroughput: number;
  cost: CostResult;
  littleCheck: LittleCheck;
  /**
   * Present when the run is past saturation (both methods; the warning says it in words, see
   * overload.ts): the station, its offered utilization (analytic ρ; DES: the same ρ from the
   * compiled demands, or the measured utilization when only a growing backlog showed it), and how
   * it was found.
   */
  saturated?: { station: string; utilization: number; by: 'offered load' | 'backlog'; /** the station is visited by event work only: its events back up, requests are not held (overload.ts saturatedWarning) */ eventsOnly?: true; /** DES only: the excess was shed, not queued — this share of requests failed fast and the rest finished as fast as they arrived, so latencies are bounded (overload.ts shedShare) */ shed?: number };
  /** DES: events processed and requests simulated (for benchmarks) */
  stats?: { events: number; requests: number };
  /** scenario runs: per failure window, per operation success rate */
  faults?: FaultRow[];
  warnings: string[];
}

/** One row of a fault-isolation table: during a failure, which operations still succeed. */
export interface FaultRow {
  /** scenario name and failure description */
  failure: string;
  layout: string;
  /** operation id → success rate during the failure window (0..1) */
  success: Record<string, number>;
  /**
   * operation id → p95 during the window of the requests that succeeded, ms; absent for an
   * operation none of whose requests succeeded (the latency of failed ones is how fast they failed)
   */
  p95: Record<string, number>;
  /** fraction of all requests that succeeded in the window (of those that finished, and every request of an operation none of whose finished) */
  overall: number;
  /**
   * operation id → requests sent in the window still unfinished when the run stopped (only
   * operations with some). One absent from `success` had no request sent in the window at all.
   */
  unfinished?: Record<string, number>;
  /** operations with requests sent in the window none of which finished before the run ended (their 0% is that, not failures) */
  noneFinished?: string[];
}

export interface OperationDelta {
  id: string;
  /** layout → mean latency at low load, ms */
  mean: Record<string, number>;
  /** layout → p95 at the compared load, ms */
  p95: Record<string, number>;
  /** second layout minus first, ms */
  delta: number;
  /** why the layouts differ, e.g. "2 extra network hops (+1.4 ms)", "queueing at message-service (ρ=0.82)" */
  causes: string[];
}

export interface ComparisonResult {
  blueprint: string;
  layouts: string[];
  /** low-load results (analytic, at lowRate), one per layout */
  lowLoad: SimulationResult[];
  /** the rate of the low-load results, req/s: 1/s, lower for a system that saturates below 1000/s (compare.ts lowLoadRate) */
  lowRate: number;
  /** results at the compared rate, one per layout */
  atRate: SimulationResult[];
  rate: number;
  operations: OperationDelta[];
  saturation: { layout: string; mix: number; byOperation: Record<string, number>; bottleneck: string; causes: string[] }[];
  faultIsolation: FaultRow[];
  /** operations with a saturation column and notes of their own: the busiest, the most expensive */
  keyOperations: string[];
  cost: { layout: string; monthly: LayoutCost; perMillionRequests: number; causes: string[] }[];
  notes: string[];
}

export interface SweepPoint {
  rate: number;
  result: SimulationResult;
}

export interface SweepResult {
  layout: string;
  method: Method;
  /**
   * meanLatency and p95 (ms) are NaN (null in the JSON) at a DES point where no request finished
   * in the measured window: nothing was measured (the notes name those rates). Infinity (also
   * null in the JSON) is an analytic point past saturation, marked `saturated`.
   */
  points: { rate: number; meanLatency: number; p95: number; throughput: number; errorRate: number; bottleneckUtilization: number; saturated?: SimulationResult['saturated'] }[];
  /** where the latency curve bends: the first rate where mean latency exceeds twice its no-load value */
  knee: number | null;
  saturationThroughput: number;
  /** what the curve cannot show (a knee between points too far apart) and the analytic approximations its points rest on */
  notes?: string[];
  /** the host every point ran on (--host-cores), its pool weight resolved; absent: each unit on its own instance */
  host?: HostModel;
}
