// archsim's loop, closed: measure every layout of the reference services at load levels placed
// as fractions of each layout's measured capacity, calibrate the blueprint on ONE layout's runs
// only, predict every other layout at the rates it was measured at, and report the error. The
// reverse direction (calibrate on another layout, predict the first) reuses the same
// measurements: only the calibration's inputs change.
//
// The prediction models what the runs really had (`host`): this machine's cores shared by every
// unit, PostgreSQL and the load driver, the driver's own CPU per request included.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { loadBlueprint } from '../io/load.js';
import { ScratchProcesses } from './scratch-processes.js';
import { speedProbe } from './cold-visit-bench.js';
import type { Blueprint } from '../model/schema.js';
import { simulate } from '../simulate/simulate.js';
import { calibrate, overlayYaml } from './calibrate.js';
import { capacityPlanOf, MAX_LEVEL_WINDOW_S, measureLevels } from './layout-run.js';
import { arrivalsOf, hostOfRuns } from './host-of-runs.js';
import { planLoad } from './plan.js';
import { PREDICTION, predictCapacity } from './predict-capacity.js';
import { measurePlatform, PlatformCosts } from './platform.js';
import { coldTableWords, type ColdVisit } from '../simulate/cold-visit.js';
import { DEFAULT_POOL_WEIGHT } from '../simulate/pool-weight.js';
import { LoadTestResult, type Interval } from './result.js';
import { PROFILED_BEFORE_SENDER, repliesBySender } from './op-profile.js';

export interface ValidateModelOptions {
  calibrateOn: string;
  predict: string[];
  /** also calibrate on each of these (from the same measurements) and predict calibrateOn */
  reverse?: string[];
  /** load levels as fractions of each layout's measured capacity */
  levels: number[];
  /** seconds per measured window */
  duration: number;
  /** seconds of warm-up before a layout's first window */
  warmup: number;
  /** measured windows per level */
  replications: number;
  /** each level's windows hold at least this many requests at its rate (layout-run.ts levelWindow); 0: --duration only */
  minRequests?: number;
  /** connections of the closed (capacity) runs */
  connections: number;
  portOffset?: number;
  fastDb?: boolean;
  /**
   * cold (default): the platform's cold-visit table when it has one (calibrate.ts takes it out at
   * the runs' pace, predictions charge it by each layout's own); slowdown: the host-wide idle
   * slowdown fitted on the calibration's runs, the table left out (how predictions were made before it)
   */
  idleModel?: 'cold' | 'slowdown';
  /**
   * none (default): every layout predicted for the machine as the calibration layout's runs found
   * it; probe: a predicted layout's figures for the machine's speed while that layout was measured
   * (its speed probe's ratio to the calibration layout's, speedRatio). Not the default: on
   * 2026-12-02 it tracked the drift between the single-process layouts (the monolith's own code
   * measured 0.89× and 1.37× its speed, the probe said 0.89× and 1.32×) but not microservices'
   * (the probe said 1.56× faster, it measured as predicted). Without probes on both layouts, none.
   */
  speedCorrection?: 'probe' | 'none';
  /**
   * How the host shares its cores between the units' thread-pool work (password hashes) and the
   * rest, in the calibration's fit and every prediction (HostModel.poolWeight): default
   * DEFAULT_POOL_WEIGHT (pool-weight.ts, where it was measured). For working on the model with
   * saved runs: the weight is the one host figure not measured per run.
   */
  poolWeight?: number;
  /** HostModel.sharing in the calibration's fit and every prediction (default: the platform file's measured cpuSharing, else thread) */
  sharing?: 'thread' | 'process';
  /** HostModel.slice in the calibration's fit and every prediction (with per-process sharing) */
  slice?: number;
  /** given every measured run (capacity and levels, per layout) as soon as they are all in, before predicting (the CLI writes them for --runs-out) */
  onRuns?: (saved: SavedRuns) => void;
  /** predict from runs an earlier `runsOut` saved instead of measuring again */
  fromRuns?: SavedRuns;
  /** this machine's platform measurement (`calibrate --platform`), used instead of measuring it first (and in place of the saved runs' own); `platformFile` names it in the notes */
  platform?: PlatformCosts;
  platformFile?: string;
  /**
   * where the calibrated blueprints go, one per direction (`<name>.calibrated-on-<layout>.yaml`,
   * see `overlayName`), written by `writeOverlay`; default a fresh directory under the system's
   * temporary one, written there directly
   */
  calibratedDir?: string;
  writeOverlay?: (path: string, text: string) => void;
  log?: (line: string) => void;
}

/** The calibrated blueprint's file name for a direction: the CLI checks it before measuring. */
export function overlayName(blueprint: string, calibrateOn: string): string {
  return `${blueprint}.calibrated-on-${calibrateOn}.yaml`;
}

/** The raw measurements of one validate-model loop, as `--runs-out` writes them. */
export const SavedRuns = z.strictObject({
  kind: z.literal('archsim/validate-model-runs'),
  blueprint: z.string(),
  layouts: z.record(
    z.string(),
    z.strictObject({
      capacity: LoadTestResult,
      levels: z.array(LoadTestResult).min(1),
      /** the machine's speed just before this layout was measured, and `afterMs` just after (cold-visit-bench.ts speedProbe) */
      probe: z.strictObject({ serverMs: z.number().positive(), calls: z.number().int().positive(), started: z.string(), afterMs: z.number().positive().optional() }).optional(),
    }),
  ),
  /** the runtime's HTTP costs on the machine, measured before the layouts */
  platform: PlatformCosts.optional(),
});
export type SavedRuns = z.infer<typeof SavedRuns>;

/** Parse a `--runs-out` file; errors name the file and the field. */
export function parseSavedRuns(text: string, file: string): SavedRuns {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${file}: not JSON`);
  }
  const r = SavedRuns.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`${file}: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  // A run filed under another layout would calibrate or be compared as that layout's.
  for (const [layout, m] of Object.entries(r.data.layouts))
    for (const [where, run] of [['capacity', m.capacity] as const, ...m.levels.map((x, i) => [`levels.${i}`, x] as const)])
      if (run.run.layout !== layout) throw new Error(`${file}: layouts.${layout}.${where}.run.layout: "${run.run.layout}", not "${layout}"`);
  return r.data;
}

export interface OperationComparison {
  id: string;
  predicted: { p50: number; p95: number };
  measured: { p50: number; p95: number; p50Interval: Interval | null; p95Interval: Interval | null };
  error: { p50: number; p95: number };
}

export interface LevelComparison {
  fraction: number;
  rate: number;
  operations: OperationComparison[];
  total: { predicted: { p50: number; p95: number }; measured: { p50: number; p95: number; p50Interval: Interval | null; p95Interval: Interval | null } };
  /** median |error| over the operations at this level (not a number when both sides say saturated) */
  median: { p50: number; p95: number };
  /**
   * Whether each side found the level beyond what the layout sustains, and why (null: it did
   * not). Latencies of a saturated level grow with the run's length: when both sides say so they
   * agree and the level's latency errors are left out of the medians; when only one does, its
   * errors stay in (a prediction that misses saturation is a miss).
   */
  saturated: { measured: string | null; predicted: string | null };
  /**
   * CPU the requests took, in cores, in all and split between the units' processes (their event
   * loops and thread pools, the gateway) and the database servers (the queries, and the broker's
   * queue where it is the database's): predicted, every station's work but the driver's; measured,
   * every process of the system under test less what it used with no load (its background, which
   * the model also keeps apart); measured null where the run read no CPU. Latency near capacity
   * follows utilization steeply (1/(1−ρ)): a few points of CPU missing here is where a high level's
   * latency goes missing.
   */
  cpu: CpuComparison;
}

export interface CpuShare {
  predicted: number;
  measured: number | null;
}
export interface CpuComparison extends CpuShare {
  /** (predicted − measured) / measured of the total; not a number without a measurement */
  error: number;
  units: CpuShare;
  databases: CpuShare;
}

export interface LayoutComparison {
  layout: string;
  role: 'calibrated' | 'predicted';
  /** the machine's speed while this layout ran against while the calibration layout did (CPU per probe call, ×), applied to the prediction; null: not applied */
  speed: number | null;
  levels: LevelComparison[];
  /** method: how the prediction was made (predict-capacity.ts): the DES of the capacity run's connections, or the analytic saturation rate of an open one */
  maxThroughput: { predicted: number; measured: number; measuredInterval: Interval | null; error: number; method: 'closed' | 'saturation' };
}

export interface Direction {
  calibrateOn: string;
  overlay: string;
  /** the host's idle slowdown β fitted on the calibration's runs (null: none could be fitted) */
  idleSlowdown: number | null;
  /** the cold-visit table the predictions charged (the platform's), or null */
  coldVisit: ColdVisit | null;
  /** the platform's database cold-visit table the direction's calibration and predictions used (HostModel.coldVisitDb) */
  coldVisitDb: ColdVisit | null;
  /** what the calibration read: layout and start time of every run (never a predicted layout's) */
  inputs: { layout: string; started: string; model: 'open' | 'closed'; rate: number | null }[];
  layouts: LayoutComparison[];
  /** medians over the predicted layouts' levels */
  summary: { p50: number; p95: number; maxThroughput: number };
  /** the same without the machine-speed correction (null: none was applied) */
  uncorrected: { p50: number; p95: number; maxThroughput: number } | null;
  /** the predicted layouts' levels: compared on latency, saturated on both sides, or on one side only */
  saturation: { compared: number; both: number; measuredOnly: number; predictedOnly: number };
  /** the calibration layout reproduced: the worst level's median |error|, and the throughput error */
  reproduced: { p50: number; p95: number; maxThroughput: number };
  /** the predicted layouts' figures inside the measurement's own 95% interval (withinInterval); null: no interval (one window a level) */
  withinInterval: { p50: number; p95: number; figures: number } | null;
}

export interface ModelValidation {
  blueprint: string;
  machine: { cores: number; cpu: string; node: string; loadAverage: number[] };
  method: string;
  directions: Direction[];
  notes: string[];
}

/** A relative figure as a signed whole percentage ("+12%", "-4%"), or "—" when it is not a number. */
export const signedPct = (x: number): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}%` : '—');

/** Relative error of a prediction: (predicted − measured) / measured. */
export const relError = (predicted: number, measured: number): number => (measured > 0 ? (predicted - measured) / measured : Number.NaN);

/** The largest finite value (not a number if there is none). */
export function worst(xs: readonly number[]): number {
  const f = xs.filter(Number.isFinite);
  return f.length ? Math.max(...f) : Number.NaN;
}

export function median(xs: number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * A measured level the layout did not keep up with: half its requests were due while every one
 * of the driver's connections waited on an answer (the driver runs on its own core: started
 * this late, only a backlog explains it), or it completed clearly less than was offered. Pure.
 */
export const BACKLOG_LAG_MS = 5;
export function measuredSaturation(r: LoadTestResult): string | null {
  const lag = r.driver?.lag;
  if (lag && lag.p50 > BACKLOG_LAG_MS) return `half the requests started ${lag.p50} ms or more after their scheduled time (the driver's connections all waiting on answers: a backlog)`;
  const offered = r.run.rate;
  if (offered && r.totals.throughput < 0.95 * offered) return `completed ${r.totals.throughput}/s of ${offered}/s offered`;
  return null;
}

/** Compare a prediction with a measurement at one level: pure. */
export function compareLevel(fraction: number, predicted: ReturnType<typeof simulate>, measured: LoadTestResult): LevelComparison {
  const operations: OperationComparison[] = [];
  for (const m of measured.operations) {
    const p = predicted.operations.find((o) => o.id === m.id);
    if (!p || !m.latency) continue;
    const iv = measured.intervals[m.id];
    operations.push({
      id: m.id,
      predicted: { p50: p.latency.p50, p95: p.latency.p95 },
      measured: { p50: m.latency.p50, p95: m.latency.p95, p50Interval: iv?.p50 ?? null, p95Interval: iv?.p95 ?? null },
      error: { p50: relError(p.latency.p50, m.latency.p50), p95: relError(p.latency.p95, m.latency.p95) },
    });
  }
  // The mix's figure: the request-weighted mean of the operations' p50 (p95), the same way for
  // the prediction and the measurement (a mixture's percentile needs whole distributions).
  const weight = (id: string) => measured.operations.find((m) => m.id === id)?.requests ?? 0;
  const W = operations.reduce((a, x) => a + weight(x.id), 0) || 1;
  const wmean = (f: (x: OperationComparison) => number) => operations.reduce((a, x) => a + weight(x.id) * f(x), 0) / W;
  const wiv = (k: 'p50Interval' | 'p95Interval'): Interval | null =>
    operations.every((x) => x.measured[k]) && operations.length ? { mean: wmean((x) => x.measured[k]!.mean), lo: wmean((x) => x.measured[k]!.lo), hi: wmean((x) => x.measured[k]!.hi), n: operations[0]!.measured[k]!.n, level: 0.95 } : null;
  const sat = predicted.saturated;
  const saturated = { measured: measuredSaturation(measured), predicted: sat ? `${sat.station} saturated (ρ=${sat.utilization.toFixed(2)}, by ${sat.by})` : null };
  return {
    fraction,
    rate: measured.run.rate ?? 0,
    operations,
    total: { predicted: { p50: wmean((x) => x.predicted.p50), p95: wmean((x) => x.predicted.p95) }, measured: { p50: wmean((x) => x.measured.p50), p95: wmean((x) => x.measured.p95), p50Interval: wiv('p50Interval'), p95Interval: wiv('p95Interval') } },
    ...levelMedians(operations, saturated),
    saturated,
    cpu: cpuComparison(predicted, measured),
  };
}

/** Station kinds whose work runs in a database server's processes (the queue of a broker is the database's: QUEUE_DATABASE). */
const DATABASE_KINDS: ReadonlySet<string> = new Set(['datastore', 'broker']);

/** The requests' CPU, predicted against measured (LevelComparison.cpu). Pure. */
export function cpuComparison(predicted: ReturnType<typeof simulate>, measured: LoadTestResult): CpuComparison {
  let units = 0;
  let databases = 0;
  for (const s of predicted.stations) {
    if (s.kind === 'driver' || s.kind === 'network') continue;
    if (DATABASE_KINDS.has(s.kind)) databases += s.cpu;
    else units += s.cpu;
  }
  const sut = measured.processes.filter((x) => x.role !== 'driver');
  const read = sut.length > 0 && sut.every((x) => Number.isFinite(x.cpuUtilization));
  const idleOf = (pid: number) => measured.idle?.find((x) => x.pid === pid)?.cpuUtilization ?? 0;
  const busy = (xs: typeof sut) => (read ? xs.reduce((a, x) => a + Math.max(0, x.cpuUtilization - idleOf(x.pid)), 0) : null);
  const mUnits = busy(sut.filter((x) => x.role !== 'datastore'));
  const mDatabases = busy(sut.filter((x) => x.role === 'datastore'));
  const total = mUnits === null || mDatabases === null ? null : mUnits + mDatabases;
  return {
    predicted: units + databases,
    measured: total,
    error: total === null ? Number.NaN : relError(units + databases, total),
    units: { predicted: units, measured: mUnits },
    databases: { predicted: databases, measured: mDatabases },
  };
}

function levelMedians(operations: readonly OperationComparison[], saturated: LevelComparison['saturated']): Pick<LevelComparison, 'median'> {
  if (saturated.measured && saturated.predicted) return { median: { p50: Number.NaN, p95: Number.NaN } };
  return { median: { p50: median(operations.map((o) => Math.abs(o.error.p50))), p95: median(operations.map((o) => Math.abs(o.error.p95))) } };
}

/**
 * The share of the predicted figures (each operation's p50 and p95 at each level compared on
 * latency) that fall inside the measurement's 95% interval over its windows: where the
 * measurement cannot tell the prediction from what it found itself. A median |error| of 30% means
 * little when a level's windows disagree by as much (on this shared machine the same layout
 * measured twice minutes apart differs by 22–29% on p50: BENCHMARKS session 18). Figures without
 * an interval (one window) are left out; null when none has one. Pure.
 */
export function withinInterval(levels: readonly LevelComparison[]): Direction['withinInterval'] {
  let figures = 0;
  let p50 = 0;
  let p95 = 0;
  const inside = (x: number, iv: Interval) => x >= iv.lo && x <= iv.hi;
  for (const lv of levels) {
    if (lv.saturated.measured && lv.saturated.predicted) continue;
    for (const op of lv.operations) {
      const a = op.measured.p50Interval;
      const b = op.measured.p95Interval;
      if (!a || !b) continue;
      figures++;
      if (inside(op.predicted.p50, a)) p50++;
      if (inside(op.predicted.p95, b)) p95++;
    }
  }
  return figures ? { p50: p50 / figures, p95: p95 / figures, figures } : null;
}

/** How the predicted layouts' levels split by saturation. Pure. */
export function saturationCounts(levels: readonly LevelComparison[]): Direction['saturation'] {
  const c = { compared: 0, both: 0, measuredOnly: 0, predictedOnly: 0 };
  for (const x of levels) {
    const m = !!x.saturated.measured;
    const p = !!x.saturated.predicted;
    if (m && p) c.both++;
    else {
      c.compared++;
      if (m) c.measuredOnly++;
      if (p) c.predictedOnly++;
    }
  }
  return c;
}

/**
 * The layout as it ran: each unit with as many replicas as the run had processes of it (the
 * reference services start one process per unit, whatever the blueprint's replicas say).
 */
export function asRun(bp: Blueprint, layout: string, run: LoadTestResult): Blueprint {
  const counts = new Map<string, number>();
  for (const p of run.processes) if (p.role === 'unit') counts.set(p.unit, (counts.get(p.unit) ?? 0) + 1);
  const units = bp.layouts[layout]?.units ?? {};
  if (![...counts].some(([u, n]) => units[u] && (units[u].replicas !== n || units[u].workers !== 1))) return bp;
  const out = structuredClone(bp);
  for (const [u, n] of counts) if (out.layouts[layout]!.units[u]) Object.assign(out.layouts[layout]!.units[u]!, { replicas: n, workers: 1, autoscale: undefined });
  return out;
}

type Measured = SavedRuns['layouts'][string];

/**
 * The speed probes taken before each layout, as one note (none when no layout has one): each
 * layout's figure and its ratio to the first probed layout's. The same work each time, so a ratio
 * away from 1 is the machine, not the layout. Pure.
 */
/** A layout's probe figure: the geometric mean of the probes before and after it where both were taken. */
function probeMs(p: NonNullable<Measured['probe']>): number {
  return p.afterMs ? Math.sqrt(p.serverMs * p.afterMs) : p.serverMs;
}

/**
 * How much dearer the same work was while `layout` ran than while `calibrateOn` did: the ratio of
 * their speed probes (the same echo server's CPU per call, cold-visit-bench.ts speedProbe), or null
 * without a probe on either. Pure.
 */
export function speedRatio(measured: ReadonlyMap<string, Measured>, layout: string, calibrateOn: string): number | null {
  const a = measured.get(layout)?.probe;
  const b = measured.get(calibrateOn)?.probe;
  return a && b ? probeMs(a) / probeMs(b) : null;
}

/**
 * A prediction for a machine k times slower: every CPU cost ×k. On a host where a request's time is
 * CPU (the reference services on one machine: loopback hops take microseconds), that system at
 * rate λ is the calibrated one at rate kλ with every time ×k. So simulate at kλ and scale its
 * latencies (what compareLevel reads), and divide its maximum throughput by k. Pure.
 */
export function atSpeed<T extends { operations: { latency: { p50: number; p95: number } }[] }>(r: T, k: number): T {
  return k === 1 ? r : { ...r, operations: r.operations.map((o) => ({ ...o, latency: { ...o.latency, p50: o.latency.p50 * k, p95: o.latency.p95 * k } })) };
}

/** A note naming the layouts whose saved runs were profiled before replies were charged to their sender (op-cpu.ts). */
export function profileNotes(measured: ReadonlyMap<string, Measured>): string[] {
  const older = [...measured].filter(([, m]) => [m.capacity, ...m.levels].some((r) => !r.profile.every(repliesBySender))).map(([l]) => l);
  return older.length ? [`the per-operation CPU of ${older.join(', ')} was ${PROFILED_BEFORE_SENDER}`] : [];
}

export function probeNotes(measured: ReadonlyMap<string, Measured>, applied = false): string[] {
  const probed = [...measured].filter(([, m]) => m.probe);
  if (!probed.length) return [];
  const first = probeMs(probed[0]![1].probe!);
  const parts = probed.map(([l, m]) => `${l} ${m.probe!.afterMs ? `${m.probe!.serverMs} before, ${m.probe!.afterMs} after` : m.probe!.serverMs} ms (×${(probeMs(m.probe!) / first).toFixed(2)})`);
  return [`machine speed before${probed.some(([, m]) => m.probe!.afterMs) ? ' and after' : ''} each layout (an echo server's CPU per call back to back, the same work each time; ×: against the first): ${parts.join(', ')}; ${applied ? "applied: each predicted layout's figures are for the machine as its own probe found it (CPU costs × its ratio to the calibration layout's)" : 'not applied to the predictions (--speed-correction probe applies them)'}`];
}

/** Platform costs measured on idle cores, as a busy core's: every CPU figure divided by `slowdown`. */
export function onBusyCores(p: PlatformCosts, slowdown: number): PlatformCosts {
  const k = (x: number) => Math.round((x / slowdown) * 10000) / 10000;
  return {
    ...p,
    http: { ...p.http, clientPerCallMs: k(p.http.clientPerCallMs), serverPerCallMs: k(p.http.serverPerCallMs), clientPerKiBMs: k(p.http.clientPerKiBMs), serverPerKiBMs: k(p.http.serverPerKiBMs) },
    ...(p.gateway ? { gateway: { ...p.gateway, perRequestMs: k(p.gateway.perRequestMs) } } : {}),
    ...(p.events ? { events: { ...p.events, publishMs: k(p.events.publishMs), consumeMs: k(p.events.consumeMs), queueMs: k(p.events.queueMs) } } : {}),
    network: { cpuPerCall: k(p.network.cpuPerCall), cpuPerKiB: k(p.network.cpuPerKiB) },
    notes: [...p.notes, `CPU figures divided by ${Math.round(slowdown * 1000) / 1000}: measured one call at a time on idle cores, used as a busy core's`],
  };
}

/** How the maximum throughputs were predicted (predict-capacity.ts), in words. */
export function capacityNote(directions: readonly Direction[]): string {
  const by = new Set(directions.flatMap((d) => d.layouts.map((l) => l.maxThroughput.method)));
  const closed = `maximum throughput predicted as it was measured: the DES of the capacity run’s connections back to back (closed model, no think time, ${PREDICTION.durationMs / 1000} s, seed ${PREDICTION.seed}) on the same host`;
  const open = 'maximum throughput of an open capacity run: the analytic rate at which the first station or the host reaches ρ = 1';
  return by.has('closed') && by.has('saturation') ? `${closed}; ${open}` : by.has('saturation') ? open : closed;
}

/** The platform measurement without its cold-visit table (--idle-model slowdown). */
function withoutColdVisits(p: PlatformCosts): PlatformCosts {
  const { coldVisit: _dropped, coldVisitDb: _droppedDb, ...rest } = p;
  return rest;
}

/**
 * One direction: calibrate on `calibrateOn`'s runs alone, predict every layout in `layouts`.
 * Pure apart from writing the overlay file (the simulator loads it as a user would).
 */
export function predictDirection(
  bp: Blueprint,
  file: string,
  calibrateOn: string,
  layouts: string[],
  measured: ReadonlyMap<string, Measured>,
  dir: string,
  platform?: PlatformCosts,
  o: { speedCorrection?: 'probe' | 'none'; writeOverlay?: (path: string, text: string) => void; poolWeight?: number; sharing?: 'thread' | 'process'; slice?: number } = {},
): Direction {
  const speedCorrection = o.speedCorrection ?? 'none';
  const writeOverlay = o.writeOverlay ?? ((path: string, text: string) => writeFileSync(path, text));
  const poolWeight = o.poolWeight ?? DEFAULT_POOL_WEIGHT;
  const sharing = o.sharing ?? 'thread';
  const own = measured.get(calibrateOn)!;
  // The calibration's inputs: this layout's runs, nothing else (a test checks it). Its capacity
  // run too: a process kept busy there pays few cold visits (the
  // monolith's messages.conversation handler 0.40 ms there against 0.63–1.03 ms at 75–25% of
  // capacity, 2026-12-03 03:04), which the levels alone leave to the cold-visit table's estimate.
  const inputs = [...own.levels, own.capacity];
  if (inputs.some((r) => r.run.layout !== calibrateOn)) throw new Error('a calibration input is not from the calibration layout');
  const slice = o.slice !== undefined ? { slice: o.slice } : {};
  const cal = calibrate(bp, inputs, { layout: calibrateOn, poolWeight, sharing, ...slice, ...(platform ? { platform } : {}) });
  // A platform file whose calls were paced (2026-11-30 to 12-01) measured each call finding its
  // core idle: with the host's idle slowdown known, their busy-core cost is what the simulator's
  // figures must be (it applies the slowdown itself to work that finds a core idle). Calls
  // measured back to back (paceMs 0, or absent in the oldest files) are a busy process's already.
  const plat = platform && cal.host && (platform.paceMs ?? 0) > 0 ? onBusyCores(platform, 1 + cal.host.idleSlowdown) : platform;
  const overlayPath = join(dir, overlayName(bp.metadata.name, calibrateOn));
  writeOverlay(overlayPath, overlayYaml(bp, cal, { extendsPath: file.startsWith('/') ? file : join(process.cwd(), file), sources: inputs.map((r) => `${r.run.layout} at ${r.run.rate}/s`), ...(plat ? { platform: plat } : {}) }));
  // The overlay extends the user's blueprint wherever it is (the temporary folder is neither
  // beside it nor the working directory): that one base is trusted, it is what this run loaded.
  const calibrated = loadBlueprint(overlayPath, [file]).blueprint;
  // The host the runs had, and how much slower its work ran when it found a core idle (fitted
  // on the calibration's runs: a property of this machine, so every layout's prediction has it).
  // With the platform's cold-visit table, a visit that finds its process idle pays its extra
  // by the predicted layout's own pace (the calibration took the calibration layout's out).
  const coldVisit = cal.cold?.table;
  const coldVisitDb = cal.cold?.dbTable;
  const host = { ...hostOfRuns(inputs), idleSlowdown: cal.host?.idleSlowdown ?? 0, poolWeight, sharing, ...slice, ...(coldVisit ? { coldVisit } : {}), ...(coldVisitDb ? { coldVisitDb } : {}) };
  const out: LayoutComparison[] = [];
  const raw: LayoutComparison[] = [];
  const compareAt = (layout: string, m: Measured, k: number): LayoutComparison => {
    const ran = asRun(calibrated, layout, m.levels[0]!);
    const levels = m.levels.map((r) => compareLevel(r.run.level?.fraction ?? 0, atSpeed(simulate(ran, layout, { method: 'des', rate: r.run.rate! * k, ...arrivalsOf(r), duration: PREDICTION.durationMs, warmup: PREDICTION.warmupMs, seed: PREDICTION.seed, host }), k), r));
    const closedMix = m.capacity.operations.map((o) => o.id);
    const mixOf = Object.fromEntries(closedMix.map((id) => [id, bp.workload?.mix[id] ?? 1]));
    const cap = predictCapacity(ran, layout, m.capacity, mixOf, host);
    const predictedMax = cap.rate / k;
    return { layout, role: layout === calibrateOn ? 'calibrated' : 'predicted', speed: k === 1 ? null : Math.round(k * 1000) / 1000, levels, maxThroughput: { predicted: predictedMax, measured: m.capacity.totals.throughput, measuredInterval: m.capacity.intervals.total?.throughput ?? null, error: relError(predictedMax, m.capacity.totals.throughput), method: cap.method } };
  };
  for (const layout of [calibrateOn, ...layouts.filter((l) => l !== calibrateOn)]) {
    const m = measured.get(layout);
    if (!m) continue;
    // The calibration layout is reproduced as its own runs found the machine; another layout at
    // the machine's speed while it ran (its probe against the calibration layout's).
    const k = layout !== calibrateOn && speedCorrection === 'probe' ? (speedRatio(measured, layout, calibrateOn) ?? 1) : 1;
    out.push(compareAt(layout, m, k));
    if (k !== 1) raw.push(compareAt(layout, m, 1));
    else if (layout !== calibrateOn) raw.push(out[out.length - 1]!);
  }
  const predicted = out.filter((l) => l.role === 'predicted');
  const cal0 = out.find((l) => l.role === 'calibrated')!;
  const medians = (ls: readonly LayoutComparison[]) => ({
    p50: median(ls.flatMap((l) => l.levels.map((x) => x.median.p50))),
    p95: median(ls.flatMap((l) => l.levels.map((x) => x.median.p95))),
    maxThroughput: median(ls.map((l) => Math.abs(l.maxThroughput.error))),
  });
  return {
    calibrateOn,
    overlay: overlayPath,
    idleSlowdown: cal.host?.idleSlowdown ?? null,
    coldVisit: coldVisit ?? null,
    coldVisitDb: coldVisitDb ?? null,
    inputs: inputs.map((r) => ({ layout: r.run.layout!, started: r.run.started, model: r.run.model, rate: r.run.rate ?? null })),
    layouts: out,
    summary: medians(predicted),
    uncorrected: predicted.some((l) => l.speed !== null) ? medians(raw) : null,
    saturation: saturationCounts(predicted.flatMap((l) => l.levels)),
    reproduced: {
      // the worst level compared (levels both sides call saturated are not compared)
      p50: worst(cal0.levels.map((x) => x.median.p50)),
      p95: worst(cal0.levels.map((x) => x.median.p95)),
      maxThroughput: Math.abs(cal0.maxThroughput.error),
    },
    withinInterval: withinInterval(predicted.flatMap((l) => l.levels)),
  };
}

/** One speed probe on an echo server of its own, stopped after (null where the kernel gives no schedstat). */
async function probeOnce(): Promise<Awaited<ReturnType<typeof speedProbe>>> {
  const scratch = new ScratchProcesses();
  return speedProbe(scratch).finally(() => scratch.stop());
}

export async function validateModel(file: string, o: ValidateModelOptions): Promise<ModelValidation> {
  const log = o.log ?? (() => undefined);
  const { blueprint: bp } = loadBlueprint(file);
  if (o.fromRuns && o.fromRuns.blueprint !== bp.metadata.name) throw new UsageError(`--from-runs: the saved runs measured blueprint "${o.fromRuns.blueprint}", not "${bp.metadata.name}"`);
  const all = [...new Set([o.calibrateOn, ...o.predict, ...(o.reverse ?? [])])];
  const open = planLoad(bp, { rate: 1, duration: o.duration, warmup: o.warmup });
  const capacity = capacityPlanOf(open, o.connections);
  const measured = new Map<string, Measured>();
  const load0 = os.loadavg();
  // The runtime's own costs (an HTTP call's CPU on each side) are what a layout that splits
  // units adds; no layout's runs can show them to a calibration on a layout without hops.
  let platform = o.platform ?? o.fromRuns?.platform;
  if (o.platform) log(`platform costs from ${o.platformFile ?? 'the given measurement'} (measured ${o.platform.measured}), not measured again`);
  else if (!o.fromRuns) {
    log('measuring the platform: CPU of an HTTP call on the client and the server side, and of the gateway per request');
    platform = await measurePlatform({ log });
  }
  // A layout's probe after it is the next one's before it: nothing runs between the two.
  type Probe = { serverMs: number; calls: number } | null;
  let lastProbe: Probe = null;
  for (const layout of all) {
    const saved = o.fromRuns?.layouts[layout];
    if (o.fromRuns) {
      if (!saved) throw new UsageError(`--from-runs: the saved runs hold no measurement of layout "${layout}" (they hold ${Object.keys(o.fromRuns.layouts).join(', ')})`);
      measured.set(layout, saved);
      continue;
    }
    const started = new Date().toISOString();
    const probe: Probe = lastProbe ?? (await probeOnce());
    if (probe) log(`machine speed before ${layout}: ${probe.serverMs} ms of an echo server's CPU per call, back to back${lastProbe ? ' (the probe after the layout before)' : ''}`);
    log(`measuring ${layout}: capacity (${o.connections} connections), then ${o.levels.map((f) => `${Math.round(f * 100)}%`).join(', ')} of it, ${o.replications} × ${o.duration} s each${o.minRequests ? ` (longer where a level needs it for ${o.minRequests} requests, up to ${MAX_LEVEL_WINDOW_S} s)` : ''}`);
    const runs = await measureLevels(bp, file, layout, open, capacity, o.levels, { portOffset: o.portOffset ?? 0, timeoutMs: 10_000, replications: o.replications, minRequests: o.minRequests ?? 0, fastDb: o.fastDb ?? false, log });
    // and after it: the machine's speed drifts within minutes, so the layout's figure is the two's geometric mean
    const after: Probe = probe ? await probeOnce() : null;
    if (after) log(`machine speed after ${layout}: ${after.serverMs} ms`);
    lastProbe = after;
    measured.set(layout, { ...runs, ...(probe ? { probe: { ...probe, started, ...(after ? { afterMs: after.serverMs } : {}) } } : {}) });
  }
  if (o.onRuns && !o.fromRuns) o.onRuns({ kind: 'archsim/validate-model-runs', blueprint: bp.metadata.name, layouts: Object.fromEntries(measured), ...(platform ? { platform } : {}) });
  const dir = o.calibratedDir ?? mkdtempSync(join(os.tmpdir(), 'archsim-validate-'));
  const forPrediction = platform && o.idleModel === 'slowdown' ? withoutColdVisits(platform) : platform;
  const speed = o.speedCorrection ?? 'none';
  // The host shares its cores as the platform measurement found (per process on a Linux with autogroup), unless told.
  const sharing = o.sharing ?? platform?.cpuSharing?.rule ?? 'thread';
  if (sharing === 'process' && o.poolWeight !== undefined) throw new UsageError(`--pool-weight weighs the thread pools in thread sharing; the host here shares per process${o.sharing ? '' : ' (as the platform measurement found this machine)'}: give --cpu-sharing thread with it`);
  if (o.slice !== undefined && sharing !== 'process') throw new UsageError(`--cpu-slice hands the cores out per process; the host here shares per thread${o.sharing ? ' (--cpu-sharing thread)' : ' (the platform measurement found no per-process sharing, or there is none)'}: give --cpu-sharing process with it`);
  const how = { speedCorrection: speed, ...(o.writeOverlay ? { writeOverlay: o.writeOverlay } : {}), ...(o.poolWeight !== undefined ? { poolWeight: o.poolWeight } : {}), sharing, ...(o.slice !== undefined ? { slice: o.slice } : {}) };
  const directions = [predictDirection(bp, file, o.calibrateOn, all, measured, dir, forPrediction, how)];
  for (const r of o.reverse ?? []) directions.push(predictDirection(bp, file, r, [o.calibrateOn], measured, dir, forPrediction, how));
  const load1 = os.loadavg();
  const anyRun = measured.get(o.calibrateOn)!.levels[0]!;
  return {
    blueprint: bp.metadata.name,
    machine: { cores: os.availableParallelism(), cpu: os.cpus()[0]?.model.trim() ?? 'unknown', node: process.version, loadAverage: [load0[0]!, load1[0]!].map((x) => Math.round(x * 100) / 100) },
    method: anyRun.run.method,
    directions,
    notes: [
      `capacity runs leave out the single-use operations (${Object.keys(open.mix).filter((id) => !(id in capacity.mix)).join(', ') || 'none'})`,
      'each layout is measured once; every direction reuses those measurements, and calibrates on its own layout’s runs only (its capacity run and its levels)',
      ...probeNotes(measured, directions.some((d) => d.uncorrected !== null)),
      ...profileNotes(measured),
      `predictions: the calibrated blueprint simulated (DES, ${PREDICTION.durationMs / 1000} s, seed ${PREDICTION.seed}) on the host the runs had: the system’s cores (pinned runs: the cores the system was pinned to, the driver on its own) shared by every process ${sharing === 'process' ? `(per process, then among each process’s threads: ${o.sharing ? '--cpu-sharing' : 'as the platform measurement found this machine'}; a database connection is a process${o.slice !== undefined ? `; handed out in ${o.slice} ms time slices: --cpu-slice` : ''})` : `(the units’ thread pools at weight ${o.poolWeight ?? DEFAULT_POOL_WEIGHT} against the rest: ${o.poolWeight === undefined ? 'src/simulate/pool-weight.ts' : '--pool-weight'})`}; the requests arriving as the driver sent them (open model: evenly spaced, the mix in its interleaved order: paced arrivals)`,
      capacityNote(directions),
      ...directions.filter((d) => d.coldVisitDb).map((d) => `calibrated on ${d.calibrateOn}: a query that finds its database connection idle pays the platform's database cold-visit table (${coldTableWords(d.coldVisitDb!)}), taken out of the calibration at its runs' pace and charged by each layout's own`),
      ...directions.map((d) => (d.coldVisit ? `calibrated on ${d.calibrateOn}: a process woken after idling pays the platform's cold-visit table (${coldTableWords(d.coldVisit)}), taken out of the calibration at its runs' pace and charged by each layout's own; no idle slowdown fitted` : d.idleSlowdown !== null ? `calibrated on ${d.calibrateOn}: work that starts on an idle core costs ${Math.round((1 + d.idleSlowdown) * 1000) / 1000}× (the host's idle slowdown, fitted on its runs); CPU figures are a busy core's` : `calibrated on ${d.calibrateOn}: no idle slowdown fitted (the runs could not tell it)`)),
      platform
        ? `network and gateway CPU from this machine’s platform measurement${o.platform ? ` (${o.platformFile ?? 'given'}, measured ${o.platform.measured})` : ''}: ${platform.http.clientPerCallMs} ms (client) + ${platform.http.serverPerCallMs} ms (server) per HTTP call${platform.paceMs ? ` (one every ${platform.paceMs} ms)` : ' (back to back)'}, ${platform.gateway ? `${platform.gateway.perRequestMs} ms per request through the gateway` : 'the gateway as one call’s two sides'}${platform.events ? `; broker CPU from an event on the PostgreSQL queue: ${platform.events.queueMs} ms (server), ${platform.events.publishMs} ms (publisher), ${platform.events.consumeMs} ms (consumer) per event` : ''}`
        : 'network and gateway CPU: the blueprint’s own figures (no platform measurement in the saved runs)',
    ],
  };
}
