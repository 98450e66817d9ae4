// Load-testing a layout of the bundled reference services: start it, seed it, drive it, stop it.
//
// Starting: `startLayout(blueprintFile, layout, { db: 'embedded' })` from the reference-services
// runner (reference-services/launcher/layout.ts); its processes (units, gateway, PostgreSQL with its backends) are
// measured by `processesOfLayout`.
//
// What the drivers send comes from the blueprint's load profile (src/loadtest/profile: the
// sidecar <blueprint>.load.yaml or --load-profile): the embedded driver interprets it in its own
// process, and the k6 driver runs the script `generate k6` renders from the same plan.
import { pathToFileURL } from 'node:url';
import { ArchsimError, UsageError } from '../errors.js';
import { k6GrpcCalls, k6Script, K6_SCRIPT_EXPORTS } from '../generate/k6.js';
import { gatewayKind, layoutToGenerate } from '../generate/common.js';
import type { Blueprint } from '../model/schema.js';
import { runnableFile } from './runnable.js';
import { stopOnSignal } from './stop-on-signal.js';
import type { LoadPlan } from './plan.js';
import { DriverProcesses, type DriverReport, type Progress, type WindowHistograms } from './driver/index.js';
import { processUsage, sampleProcesses, type ProcTarget } from './proc.js';
import { combineWindows, describeMethod } from './replicate.js';
import type { LoadTestResult, ProcessUsage } from './result.js';
import type { ScenarioRef } from './scenario.js';
import { loadTestTarget, loadTestTargetK6, sutPids, type TargetRun } from './target.js';
import { unpinSut } from './pin.js';
import { startLayout } from '../../reference-services/launcher/layout.js';
import { findLoadProfile } from './profile/load.js';
import { expectedCounts, scenarioPlan, ProfileError, type ScenarioPlan } from './profile/plan.js';
import type { LoadProfile } from './profile/schema.js';
import { profileDelta, scrapeUnits, sumProfiles, type UnitCounters } from './op-profile.js';
import { settlingWords, unsettledNote, windowsOnceSettled } from './settling.js';
import { chargeDeferredWork, deferredNote, type Drain, type WindowBacklog } from './deferred-work.js';

export type SystemUnderTest = {
  baseUrl: string;
  /** units whose /metrics (on their internal listener) carry the per-operation CPU profile */
  units: { name: string; url: string }[];
  /** what PostgreSQL runs with, read from the server (null: not started by archsim) */
  database: LoadTestResult['run']['database'];
  processes: ProcTarget[];
  scenario: ScenarioRef;
  /** the scenario plan both drivers run (absent for a scenario module) */
  plan?: ScenarioPlan;
  notes: string[];
  /** after the seeding's bulk load: the database's own maintenance done now, not in a measured window; returns what could not be done */
  afterLoad?(): Promise<string[]>;
  /** events waiting to be handled (outbox and queue rows): absent where the databases cannot be read (containers) */
  eventBacklog?: { read(): Promise<number>; close(): Promise<void> };
  stop(): Promise<void>;
};

/** The blueprint has no reference services to start, or the load scenario cannot drive an operation. */
export class UnsupportedSystemError extends ArchsimError {
  override name = 'UnsupportedSystemError';
  readonly kind = 'usage';
}

/** The part of the reference-services runner's RunningLayout that load testing uses. */
export type StartedProcesses = {
  gatewayUrl: string;
  gateway?: { pid: number } | undefined;
  units: { name: string; pid: number }[];
  postgres: { pid?: number | undefined };
  stop(): Promise<void>;
};

/**
 * The processes of a started layout: each unit (with any children it forks), the gateway, and
 * PostgreSQL with its backends. PostgreSQL is one server holding every datastore's database, so
 * it is measured as one process named "postgres" (calibrate spreads it over the relational stores).
 */
export function processesOfLayout(running: StartedProcesses): ProcTarget[] {
  // A unit that could not be spawned has pid 0: no process to measure (and its "tree" is the machine's).
  const out: ProcTarget[] = running.units.filter((u) => u.pid > 1).map((u) => ({ unit: u.name, role: 'unit', pid: u.pid, tree: true }));
  if (running.gateway && running.gateway.pid > 1) out.push({ unit: 'gateway', role: 'gateway', pid: running.gateway.pid, tree: true });
  if (running.postgres.pid) out.push({ unit: 'postgres', role: 'datastore', pid: running.postgres.pid, tree: true });
  return out;
}

/**
 * The bundled reference services' own code (their eight domain modules and PostgreSQL helpers,
 * with fastify, pg and jose: about half a second of CPU to load), imported only when a layout of
 * them is checked or started. Kept dynamic on purpose: `--target` runs, k6 against a URL and
 * library users that never start a layout do not load a program they do not run.
 */
async function referenceServices() {
  const { domainModules, moduleSurfaces, durabilityOf, settleAfterLoad, openEventBacklog } = await import('../../reference-services/launcher/under-test.js');
  return { domainModules, moduleSurfaces, durabilityOf, settleAfterLoad, openEventBacklog };
}

/** Where a started layout runs: processes on this machine (default), or containers through compose. */
export type LayoutRuntime = 'process' | 'compose';

export interface StartOptions {
  portOffset?: number;
  profile?: LoadProfile | null;
  fastDb?: boolean;
  runtime?: LayoutRuntime;
  /** --runtime compose: every container healthy within this (default 60 s) */
  healthyWithinMs?: number;
  /** progress lines (the compose runtime's image build, its start) */
  log?: (line: string) => void;
}

export async function startLayoutUnderTest(bp: Blueprint, blueprintFile: string, layout: string, plan: LoadPlan, opts: StartOptions = {}): Promise<SystemUnderTest> {
  const sut = await startUnderTest(bp, blueprintFile, layout, plan, opts);
  // What the run is of, beside how it was seeded: a layout's gRPC units run over HTTP here.
  const grpc = grpcUnitsNote(bp, layout);
  if (grpc) sut.notes.push(grpc);
  return sut;
}

/** The layout started as processes (or containers) and seeded, its own notes with it. */
async function startUnderTest(bp: Blueprint, blueprintFile: string, layout: string, plan: LoadPlan, opts: StartOptions): Promise<SystemUnderTest> {
  const { domainModules, moduleSurfaces, durabilityOf, settleAfterLoad, openEventBacklog } = await referenceServices();
  checkRunnable(bp, domainModules);
  checkServed(bp, await moduleSurfaces(domainModules));
  const planned = planScenario(bp, blueprintFile, plan, opts.profile);
  if (opts.runtime === 'compose') return composeUnderTest(bp, blueprintFile, layout, plan, planned, opts);
  const signals = stopOnSignal(`layout ${layout}`);
  // Every measured layout carries the per-operation CPU instrumentation (the same overhead for a
  // calibration layout and a predicted one).
  let started;
  try {
    started = await signals.guard(startLayout(blueprintFile, layout, { db: 'embedded', portOffset: opts.portOffset ?? 0, logLevel: 'warn', durable: !opts.fastDb, env: { ...process.env, ARCHSIM_PROFILE_OPS: '1' } }));
  } catch (e) {
    signals.dispose();
    throw e;
  }
  signals.started(started);
  const running = started;
  let eventBacklog: SystemUnderTest['eventBacklog'];
  // The normal end gives the signals back (a signal's stop ends the process itself).
  const stop = () =>
    (eventBacklog?.close() ?? Promise.resolve())
      .then(() => running.stop())
      .finally(() => (signals.signalled ? undefined : signals.dispose()));
  try {
    const settings = await durabilityOf(running.databases.events!);
    const database = { engine: 'postgres', durable: Object.values(settings).every((v) => v === 'on'), settings };
    const { scenario, notes } = await seedAndScenario(bp, layout, plan, planned);
    if (!database.durable) notes.push(`PostgreSQL NOT durable (${Object.entries(settings).map(([k, v]) => `${k}=${v}`).join(', ')}): writes cost less than on any real deployment`);
    const units = running.units.map((u) => ({ name: u.name, url: u.internalUrl ?? u.url }));
    const afterLoad = () => settleAfterLoad(Object.values(running.databases));
    // Without it a run still measures, but cannot charge a saturated window for the events it left.
    eventBacklog = await openEventBacklog(Object.values(running.databases)).catch((e: Error) => {
      notes.push(`events left queued by the load are not counted (their databases could not be read: ${e.message})`);
      return undefined;
    });
    return { baseUrl: running.gatewayUrl, units, database, processes: processesOfLayout(running), scenario, notes, plan: planned, afterLoad, eventBacklog, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * The layout in containers (`archsim up --runtime compose`'s project: a unit each, the gateway,
 * PostgreSQL), loaded through its published entry on 127.0.0.1. What is measured: each
 * container's processes, found on this machine by their main process (the engine runs them in
 * this kernel). What is not: the units' per-operation profile (their internal listeners are on
 * the project's network only) and PostgreSQL's settings (not published); the notes say so.
 * Stopping removes the project (containers, network, volume), on a signal too.
 */
async function composeUnderTest(bp: Blueprint, blueprintFile: string, layout: string, plan: LoadPlan, planned: ScenarioPlan, opts: StartOptions): Promise<SystemUnderTest> {
  const { composeUp, composeDown, projectContainers } = await import('../../reference-services/launcher/compose.js');
  const signals = stopOnSignal(`layout ${layout} (containers)`);
  let c;
  try {
    c = await signals.guard(composeUp(blueprintFile, layout, { portOffset: opts.portOffset ?? 0, ...(opts.healthyWithinMs !== undefined ? { healthyWithinMs: opts.healthyWithinMs } : {}), ...(opts.log ? { log: opts.log } : {}) }));
  } catch (e) {
    signals.dispose();
    throw e;
  }
  const running = c;
  const down = () => composeDown(running).then(() => undefined);
  signals.started({ stop: down });
  const stop = () => down().finally(() => (signals.signalled ? undefined : signals.dispose()));
  try {
    const role = (service: string): ProcTarget['role'] => (service === running.services.postgres ? 'datastore' : service === running.services.gateway ? 'gateway' : 'unit');
    const processes: ProcTarget[] = (await projectContainers(running.project))
      .filter((x) => x.pid > 0)
      .map((x) => ({ unit: x.service === running.services.postgres ? 'postgres' : x.service, role: role(x.service), pid: x.pid, tree: true }));
    const { scenario, notes } = await seedAndScenario(bp, layout, plan, planned);
    notes.push(
      `layout ${layout} in containers: compose project ${running.project} (image ${running.image}); each container measured by its processes on this machine`,
      'in containers the units\' per-operation CPU profile is not read (their internal listeners are on the project\'s network only), nor PostgreSQL\'s settings (database: null)',
    );
    return { baseUrl: running.entryUrl, units: [], database: null, processes, scenario, notes, plan: planned, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The blueprint's domains the reference services do not implement (by name). */
export function missingDomains(bp: Blueprint, domainModules: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(bp.system.domains).filter((d) => !Object.hasOwn(domainModules, d));
}

/** What a bundled domain module serves (reference-services/launcher/surface.ts reads it). */
export interface ServedSurface {
  routes: readonly string[];
  internal: readonly string[];
  consumers: readonly string[];
}

/** A route as the router matches it: WS is an upgrade of a GET, and a parameter's name does not matter ({id}, :id). */
const routeKey = (method: string, path: string) => `${method === 'WS' ? 'GET' : method} ${path.replace(/\{[^}/]*\}|:[^/]+/g, ':')}`;

/**
 * The blueprint's operations, in domains the reference services implement, that they do not
 * serve: a public one whose method and route their module does not register, an internal one
 * with no handler, an event consumer with no consumer. Each as "domain.op (why)". Pure.
 */
export function unservedOperations(bp: Blueprint, surfaces: Readonly<Record<string, ServedSurface>>): string[] {
  const consumers = new Set(Object.values(bp.system.events).flatMap((e) => e.consumers as string[]));
  const out: string[] = [];
  for (const [d, domain] of Object.entries(bp.system.domains)) {
    // own keys only: a domain may be called "constructor" (a valid name, and a key of every object)
    if (!Object.hasOwn(surfaces, d)) continue;
    const s = surfaces[d]!;
    const routes = new Set(s.routes.map((r) => routeKey(r.slice(0, r.indexOf(' ')), r.slice(r.indexOf(' ') + 1))));
    for (const [name, op] of Object.entries(domain.operations)) {
      const id = `${d}.${name}`;
      if (op.route) {
        if (!routes.has(routeKey(op.route.method, op.route.path))) out.push(`${id} (${op.route.method} ${op.route.path}: no such route in their ${d} module)`);
      } else if (consumers.has(id)) {
        if (!s.consumers.includes(name)) out.push(`${id} (an event consumer their ${d} module does not have)`);
      } else if (!s.internal.includes(name)) out.push(`${id} (an internal operation their ${d} module does not serve)`);
    }
  }
  return out;
}

/** Refuses a blueprint whose operations the reference services do not serve (unservedOperations), before anything starts. */
export function checkServed(bp: Blueprint, surfaces: Readonly<Record<string, ServedSurface>>, instead = 'load-test a running system with --target URL (and a load profile)'): void {
  const missing = unservedOperations(bp, surfaces);
  if (!missing.length) return;
  const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? ` and ${missing.length - 5} more` : '');
  throw new UnsupportedSystemError(`the bundled reference services do not serve every operation of "${bp.metadata.name}": ${shown}; they would answer other routes than the blueprint's — ${instead}`);
}

/**
 * Whether the bundled reference services can run this blueprint, decided by what they
 * implement (their domain modules), never by the blueprint's name: a blueprint whose domains
 * they do not all implement has nothing to start.
 */
export function checkRunnable(bp: Blueprint, domainModules: Readonly<Record<string, unknown>>, instead = 'load-test a running system with --target URL (and a load profile)'): void {
  const missing = missingDomains(bp, domainModules);
  if (missing.length) {
    throw new UnsupportedSystemError(
      `the bundled reference services implement the domains ${Object.keys(domainModules).join(', ')}; "${bp.metadata.name}" also has ${missing.join(', ')}, so there is nothing to start — ${instead}`,
    );
  }
}

/**
 * Operations of the reference services' scenario that use up what they touch (a refresh token,
 * a relay message to acknowledge): a closed (capacity) run's request count cannot be known ahead
 * to seed enough of them, so capacity runs leave them out and say so.
 */
export const SINGLE_USE_OPERATIONS = ['auth.refresh', 'relay.ack'];

/** A closed-model plan for the capacity of a mix: `users` connections, the single-use operations left out. */
export function capacityPlanOf(plan: LoadPlan, users: number): LoadPlan {
  const mix = Object.fromEntries(Object.entries(plan.mix).filter(([id]) => !SINGLE_USE_OPERATIONS.includes(id)));
  return { ...plan, model: 'closed', rate: null, users, mix: Object.keys(mix).length ? mix : plan.mix };
}

/** The scenario plan of a run: the load profile (given, else the blueprint's sidecar) over the plan's mix. */
export function planScenario(bp: Blueprint, blueprintFile: string | null, plan: LoadPlan, profile?: LoadProfile | null): ScenarioPlan {
  const p = profile !== undefined ? profile : (findLoadProfile({ blueprintFile, bp })?.profile ?? null);
  try {
    return scenarioPlan(bp, plan.mix, plan, p);
  } catch (e) {
    if (e instanceof ProfileError) throw new UnsupportedSystemError(e.message);
    throw e;
  }
}

/**
 * The embedded driver's scenario for a started layout: the load profile's interpreter
 * (scenarios/profile.ts) seeds through the public API in the driver's process, before the
 * clock starts, and builds each operation's requests.
 */
export async function seedAndScenario(bp: Blueprint, layout: string, plan: LoadPlan, planned?: ScenarioPlan): Promise<{ scenario: ScenarioRef; notes: string[] }> {
  const sp = planned ?? planScenario(bp, null, plan);
  const module = pathToFileURL(runnableFile(import.meta.url, './scenarios/profile.js')).href;
  // Without a load profile nothing is seeded: saying both read as if a profile's setup had run.
  const notes = sp.placeholder
    ? [`layout ${layout}: no load profile, nothing seeded: requests are placeholders built from the blueprint routes ({param} = request number, sized JSON bodies, no authentication)`]
    : [`layout ${layout}: seeded through the public API before the measured window (load profile setup)`];
  return { scenario: { module, options: sp }, notes };
}

/**
 * The reference services speak HTTP only: a unit the layout puts on gRPC is started, and called
 * by the other units, over HTTP. The run is still a real one of that layout's boundaries, but its
 * hops are HTTP's, so a prediction of the layout (which charges gRPC's hop costs) is not of the
 * same system: said, not refused (rehearse, which splits one route between two protocols,
 * refuses).
 */
export function grpcUnitsNote(bp: Blueprint, layout: string): string | undefined {
  const grpc = layoutToGenerate(bp, layout).units.filter((u) => u.protocol === 'grpc').map((u) => u.name);
  if (!grpc.length) return undefined;
  return `layout ${layout}: ${grpc.join(', ')} ${grpc.length === 1 ? 'serves' : 'serve'} gRPC in the blueprint; the reference services speak HTTP only, so this run calls ${grpc.length === 1 ? 'it' : 'them'} over HTTP (a prediction of the layout charges gRPC's hop costs)`;
}

/**
 * Both drivers send HTTP requests and read HTTP figures: an operation served over gRPC (its
 * unit's protocol) would be measured as errors, so it is refused in one line. The script of
 * `generate k6` calls such operations with k6/net/grpc.
 */
export function refuseGrpcOperations(bp: Blueprint, layout: string, operations: string[]): void {
  const r = layoutToGenerate(bp, layout);
  const grpc = k6GrpcCalls(bp, r, operations, gatewayKind(r, {}));
  if (grpc.length) throw new UsageError(`loadtest sends HTTP requests; ${grpc.map((g) => `${g.id} (gRPC, ${g.unit})`).join(', ')} ${grpc.length === 1 ? 'is' : 'are'} served over gRPC: leave ${grpc.length === 1 ? 'it' : 'them'} out of --operation, or run the script of \`archsim generate k6\` (it calls gRPC methods) with k6 itself`);
}

/** The k6 script for a run: `generate k6`'s script for the same plan, pointed at BASE_URL. */
export async function k6ScriptForLayout(bp: Blueprint, layout: string, plan: LoadPlan, baseUrl: string, profile: LoadProfile | null = null, timeoutMs?: number): Promise<string> {
  refuseGrpcOperations(bp, layout, Object.keys(plan.mix));
  return k6Script(bp, layout, {
    baseUrl,
    ...(plan.rate !== null ? { rate: plan.rate } : {}),
    ...(plan.users !== null ? { users: plan.users, thinkTime: plan.thinkTime * 1000 } : {}),
    duration: plan.duration * 1000,
    warmup: plan.warmup * 1000,
    ...(timeoutMs !== undefined ? { timeout: timeoutMs } : {}),
    operations: Object.keys(plan.mix),
    profile,
  });
}

export type DriverName = 'embedded' | 'k6';

export interface MeasureOptions {
  portOffset?: number;
  timeoutMs?: number;
  /** open model: bound on requests in flight (closed model: plan.users) */
  connections?: number;
  pin?: boolean;
  /** the load profile (default: the blueprint's sidecar, if any) */
  profile?: LoadProfile | null;
  /** measured windows back to back after one warm-up (default 1) */
  replications?: number;
  /**
   * Load levels (measureLevels): each window lasts long enough for at least this many requests at
   * its rate (up to MAX_LEVEL_WINDOW_S), so a low level's percentiles rest on as many samples as a
   * high one's. Default 0: every window lasts the plan's duration.
   */
  minRequests?: number;
  /** PostgreSQL in the fast, not durable mode */
  fastDb?: boolean;
  /** where the layout runs (default: processes) */
  runtime?: LayoutRuntime;
  /** --runtime compose: every container healthy within this */
  healthyWithinMs?: number;
  onProgress?: (p: Progress) => void;
  onLine?: (line: string) => void;
  /** one line per step (window, level) */
  log?: (line: string) => void;
  /** the first window's measured part opens at this wall-clock time (ms since the epoch; its warm-up is what is left); a promise: the driver process starts now and waits for it */
  measureAt?: number | Promise<number>;
  /** the first window's first measured request takes this position in the mix's order (DriverOptions.alignOrder) */
  alignOrder?: number;
  /** with alignOrder: interleaved with another driver's schedule, the same positions rotated (DriverOptions.interleaved) */
  interleaved?: boolean;
  /** each window's measured part opens and closes */
  onPhase?: (phase: 'measure' | 'end') => void;
  /** windows of several plans back to back: their driver processes, each started a window ahead (measurePlan makes its own for its windows) */
  drivers?: DriverProcesses;
}

/** How to start the layout, from a run's options. */
export function startOptions(o: MeasureOptions): StartOptions {
  return {
    portOffset: o.portOffset ?? 0,
    fastDb: o.fastDb ?? false,
    ...(o.profile !== undefined ? { profile: o.profile } : {}),
    ...(o.runtime ? { runtime: o.runtime } : {}),
    ...(o.healthyWithinMs !== undefined ? { healthyWithinMs: o.healthyWithinMs } : {}),
    ...(o.log ? { log: o.log } : {}),
  };
}

/** Warm-up of the windows after the first: the system is warm, the new driver process is not. */
const REWARM_SECONDS = 2;

/** The driver's options for one window of a plan. */
function windowRun(sut: SystemUnderTest, scenario: ScenarioRef, bp: Blueprint, layout: string, plan: LoadPlan, o: MeasureOptions, warmup: number): TargetRun {
  return {
    target: sut.baseUrl,
    scenario,
    processes: sut.processes,
    model: plan.model,
    rate: plan.rate ?? undefined,
    connections: plan.users ?? o.connections,
    duration: plan.duration,
    warmup,
    ...(plan.thinkTime ? { thinkTimeMs: plan.thinkTime * 1000 } : {}),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.pin !== undefined ? { pin: o.pin } : {}),
    blueprint: bp.metadata.name,
    layout,
    notes: [...sut.notes, ...(plan.model === 'open' ? ['embedded driver: latency counts from each request’s scheduled start, so queueing behind a stalled system is included'] : [])],
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(o.drivers ? { drivers: o.drivers } : {}),
  };
}

/**
 * Data seeded once through the public API for several windows, and how far each operation's
 * request numbers have got (so a single-use item, a refresh token say, is used once across them).
 */
export interface Seeded {
  data: unknown;
  counters: Record<string, number>;
  /** windows driven so far (each gets its own random seed) */
  windows: number;
  /** the request counts per operation the pools were sized for */
  expected: Record<string, number>;
  /** each process's CPU with no load, read once the seeding's work had settled */
  idle: ProcessUsage[];
  /** said in the results when the system did not settle */
  notes: string[];
}

/** Seconds of the no-load reading of every process's CPU. */
const IDLE_SECONDS = 2;
/** The seeding's work (events it published, writes being flushed) has settled when every process stays under this, cores. */
const SETTLED_CORES_PER_PROCESS = 0.05;
const SETTLE_LIMIT_MS = 30_000;

/**
 * Wait until the work the seeding left behind (events still being handled, a burst of writes
 * being checkpointed) has died down, then read each process's CPU over IDLE_SECONDS with no
 * load: that is the background the calibration keeps apart from per-request costs. Without
 * this wait the first measured window paid for the seeding's events (measured: PostgreSQL at
 * 0.3 cores in a window at 17 requests/s). Reads /proc only; bounded by SETTLE_LIMIT_MS.
 */
export async function settleAndReadIdle(processes: readonly ProcTarget[], o: { limitMs?: number; idleSeconds?: number } = {}): Promise<{ idle: ProcessUsage[]; notes: string[] }> {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const limit = performance.now() + (o.limitMs ?? SETTLE_LIMIT_MS);
  const bound = SETTLED_CORES_PER_PROCESS * Math.max(1, processes.length);
  let quiet = 0;
  let prev = sampleProcesses(processes);
  while (quiet < 2 && performance.now() < limit) {
    await sleep(500);
    const next = sampleProcesses(processes);
    const cores = processUsage(prev, next).reduce((a, p) => a + p.cpuUtilization, 0);
    quiet = cores <= bound ? quiet + 1 : 0;
    prev = next;
  }
  const notes = quiet < 2 ? [`the system was still busy ${Math.round((o.limitMs ?? SETTLE_LIMIT_MS) / 1000)} s after the seeding: its no-load CPU reading includes that work`] : [];
  const before = sampleProcesses(processes);
  await sleep((o.idleSeconds ?? IDLE_SECONDS) * 1000);
  return { idle: processUsage(before, sampleProcesses(processes)), notes };
}

/** The warm-up of a plan's window `i`: the plan's for the first, a short re-warm after. */
const windowWarmup = (plan: LoadPlan, i: number) => (i === 0 ? plan.warmup : Math.min(plan.warmup, REWARM_SECONDS));

/**
 * Seed a started system once for every window of the given plans (same mix): the load profile's
 * setup through the public API, its pools of single-use items sized for all of them. Seeding per
 * window cost seconds of registrations and password hashes each time, longer than a window.
 */
export async function seedOnce(sut: SystemUnderTest, bp: Blueprint, plans: readonly { plan: LoadPlan; windows: number }[]): Promise<Seeded> {
  const profile = sut.plan && !sut.plan.placeholder ? sut.plan.profile : null;
  const expected = expectedOfPlans(plans);
  const sp = planScenario(bp, null, plans[0]!.plan, profile);
  const { runSetup } = await import('./scenarios/profile.js');
  const data = await runSetup({ profile: sp.profile, expected }, sut.baseUrl);
  return { data, counters: {}, windows: 0, expected, ...(await settleAfterSeeding(sut)) };
}

/** Requests per operation that the windows of these plans are expected to make, warm-ups included. */
function expectedOfPlans(plans: readonly { plan: LoadPlan; windows: number }[]): Record<string, number> {
  const expected: Record<string, number> = {};
  for (const { plan, windows } of plans)
    for (let i = 0; i < windows; i++)
      for (const [id, n] of Object.entries(expectedCounts(plan.mix, { ...plan, warmup: windowWarmup(plan, i) }))) expected[id] = (expected[id] ?? 0) + n;
  return expected;
}

/**
 * The seeding (or a load run) is a bulk load: the database's vacuum and checkpoint now, before
 * the settle and the no-load reading, rather than by autovacuum inside a measured window.
 */
async function settleAfterSeeding(sut: SystemUnderTest): Promise<Pick<Seeded, 'idle' | 'notes'>> {
  const problems = (await sut.afterLoad?.()) ?? [];
  const settled = await settleAndReadIdle(sut.processes);
  return { idle: settled.idle, notes: [...settled.notes, ...(sut.afterLoad ? [problems.length ? `after the seeding, the database's maintenance was not all done: ${problems.join('; ')}` : 'after the seeding: VACUUM (ANALYZE) of every database and a CHECKPOINT, before the no-load reading'] : [])] };
}

/**
 * The same system seeded for more windows: the data already there is kept (its users,
 * conversations and groups: most of a seeding's time, a password hash per user), only the pools
 * of single-use items (refresh tokens, messages to acknowledge) are grown from what `seeded` was
 * sized for to what the new plans need, then the database is vacuumed and the no-load reading
 * taken again (the earlier windows' writes are settled out of the new ones). Measured on the
 * reference services: re-seeding a started layout for its load levels took 20–25 s of a
 * layout's 2–4 minutes in validate-model; topping up takes the pools' logins only.
 */
export async function seedMore(sut: SystemUnderTest, bp: Blueprint, seeded: Seeded, plans: readonly { plan: LoadPlan; windows: number }[]): Promise<Seeded> {
  const profile = sut.plan && !sut.plan.placeholder ? sut.plan.profile : null;
  const want = expectedOfPlans(plans);
  // A pool holds what every window so far and every new one takes: the counters say how far the
  // earlier windows' requests got, and the new windows' requests are numbered after them.
  const total: Record<string, number> = { ...seeded.expected };
  for (const [id, n] of Object.entries(want)) total[id] = Math.max(total[id] ?? 0, seeded.counters[id] ?? 0) + n;
  const sp = planScenario(bp, null, plans[0]!.plan, profile);
  const { topUpPools } = await import('./scenarios/profile.js');
  const added = await topUpPools(sp.profile, seeded.data, seeded.expected, total, sut.baseUrl);
  const settled = await settleAfterSeeding(sut);
  const grown = added.filter((a) => a.added > 0).map((a) => `${a.step} +${a.added}`);
  return { ...seeded, expected: total, idle: settled.idle, notes: [`the earlier windows' seeded data kept; pools of single-use items grown: ${grown.length ? grown.join(', ') : 'none needed'}`, ...settled.notes] };
}

/**
 * Measure a plan on a started system: its warm-up (driven, not measured), then `replications`
 * windows, combined with intervals. Every window has its own driver process and CPU readings;
 * the data is seeded once (`seeded`, else here for this plan's windows).
 */
export async function measurePlan(sut: SystemUnderTest, bp: Blueprint, layout: string, plan: LoadPlan, o: MeasureOptions = {}, level: LoadTestResult['run']['level'] = null, seeded?: Seeded): Promise<LoadTestResult> {
  const n = Math.max(1, o.replications ?? 1);
  // The plan's own mix (a capacity run and a level run differ).
  const profile = sut.plan && !sut.plan.placeholder ? sut.plan.profile : null;
  const { scenario } = await seedAndScenario(bp, layout, plan, planScenario(bp, null, plan, profile));
  const seed = seeded ?? (await seedOnce(sut, bp, [{ plan, windows: n }]));
  // Several windows: each one's driver process started during the one before (DriverProcesses).
  const own = !o.drivers && n > 1 ? new DriverProcesses() : null;
  try {
    return await measureWindows(sut, bp, layout, plan, own ? { ...o, drivers: own } : o, level, scenario, seed, n);
  } finally {
    own?.close();
  }
}

async function measureWindows(sut: SystemUnderTest, bp: Blueprint, layout: string, plan: LoadPlan, o: MeasureOptions, level: LoadTestResult['run']['level'], scenario: ScenarioRef, seed: Seeded, n: number): Promise<LoadTestResult> {
  // A first window that had not settled (settling.ts) is dropped and one more measured.
  const closed = plan.model === 'closed';
  const queued = new WeakMap<LoadTestResult, WindowBacklog>();
  // Each window's latency histograms, from its driver's report, for the level's pooled percentiles.
  const histograms = new WeakMap<LoadTestResult, WindowHistograms>();
  const { windows: measured, dropped } = await windowsOnceSettled<LoadTestResult>(n, closed, (w) => ({ throughput: w.totals.throughput, p50: w.totals.latency?.p50 ?? 0 }), async (i) => {
    const warmup = windowWarmup(plan, i);
    o.log?.(`${layout}: window ${i + 1}/${n}${plan.model === 'open' ? ` at ${plan.rate}/s` : `, ${plan.users} connections`} (${warmup} s warm-up, ${plan.duration} s measured)`);
    // The units' own counters around the measured window (async reads started at each edge).
    let atStart: Promise<Map<string, UnitCounters>> | undefined;
    let atEnd: Promise<Map<string, UnitCounters>> | undefined;
    // The events waiting at each edge: their growth is work this window's requests left undone.
    let queuedAtStart: Promise<number | undefined> | undefined;
    let queuedAtEnd: Promise<number | undefined> | undefined;
    const onPhase = (phase: 'measure' | 'end') => {
      if (phase === 'measure') {
        atStart = scrapeUnits(sut.units);
        queuedAtStart = readBacklog(sut);
      } else {
        atEnd = scrapeUnits(sut.units);
        queuedAtEnd = readBacklog(sut);
      }
      o.onPhase?.(phase);
    };
    let report: DriverReport | undefined;
    const w = await loadTestTarget({
      ...windowRun(sut, scenario, bp, layout, plan, o, warmup),
      data: seed.data,
      counters: { ...seed.counters },
      seed: ++seed.windows,
      ...(i === 0 && o.measureAt !== undefined ? { measureAt: o.measureAt } : {}),
      ...(i === 0 && o.alignOrder !== undefined ? { alignOrder: o.alignOrder, ...(o.interleaved ? { interleaved: true } : {}) } : {}),
      onPhase,
      onReport: (r) => {
        Object.assign(seed.counters, r.counters);
        report = r;
      },
      // archsim's own layout, windows back to back: it stays pinned until unpinSut or its stop
      keepPinned: true,
    });
    const [b, a, q0, q1] = await Promise.all([atStart, atEnd, queuedAtStart, queuedAtEnd]);
    const profile = b && a ? [...a].filter(([u]) => b.has(u)).map(([u, after]) => profileDelta(u, b.get(u)!, after)) : [];
    const result: LoadTestResult = { ...w, run: { ...w.run, database: sut.database, level, notes: [...w.run.notes, ...seed.notes] }, profile, idle: seed.idle };
    if (q0 !== undefined && q1 !== undefined) queued.set(result, { start: q0, end: q1 });
    if (report) histograms.set(result, report.histograms);
    return result;
  }, (d) => o.log?.(`${layout}: the first window (${settlingWords(closed, d)}) had not settled: dropped, one more measured`));
  const pools = measured.map((w) => histograms.get(w));
  const windows = await withDeferredWork(sut, measured, queued, seed.idle, closed, o.log);
  // What the dropped windows were: driven, not measured (the warm-up grew by their time).
  const warmup = plan.warmup + dropped.length * (plan.duration + REWARM_SECONDS);
  if (dropped.length) {
    const note = unsettledNote(closed, dropped, warmup);
    windows.forEach((w) => w.run.notes.push(note));
  }
  const method = describeMethod({ driver: 'embedded', model: plan.model, rate: plan.rate, connections: plan.users, warmup, windows: n, window: plan.duration, durable: sut.database?.durable ?? null, level, idle: seed.idle.length > 0, pooled: pools.every((h) => !!h) });
  const r = combineWindows(windows, method, pools);
  r.profile = sut.units.map((u) => windows.map((w) => w.profile.find((p) => p.unit === u.name)).filter((p): p is NonNullable<typeof p> => !!p)).filter((l) => l.length === windows.length).map(sumProfiles);
  // The reported warm-up is the first window's (the one that settles JIT and pools), with any
  // window dropped as not settled.
  return { ...r, run: { ...r.run, warmup } };
}

/** The events waiting now, or undefined when they cannot be read (the window is then not charged: a reading never fails a run). */
const readBacklog = (sut: SystemUnderTest): Promise<number | undefined> | undefined => sut.eventBacklog?.read().catch(() => undefined);

/** The longest a drain after the load is waited for, s. */
export const DRAIN_LIMIT_S = 60;

/**
 * When events were left queued as the load stopped: wait for them to drain (at most
 * DRAIN_LIMIT_S), measure the processes' CPU meanwhile above their idle background, and charge
 * each window with its share (deferred-work.ts); the windows carry a note saying so.
 */
async function withDeferredWork(sut: SystemUnderTest, windows: LoadTestResult[], queued: WeakMap<LoadTestResult, WindowBacklog>, idle: readonly ProcessUsage[], closed: boolean, log?: (line: string) => void): Promise<LoadTestResult[]> {
  const probe = sut.eventBacklog;
  const backlog = windows.map((w) => queued.get(w));
  if (!probe || backlog.some((b) => !b)) return windows;
  const at = await probe.read().catch(() => 0);
  if (at === 0) return windows;
  const before = sampleProcesses(sut.processes);
  const t0 = performance.now();
  let left = at;
  try {
    while (left > 0 && performance.now() - t0 < DRAIN_LIMIT_S * 1000) {
      await new Promise((r) => setTimeout(r, 200));
      left = await probe.read();
    }
  } catch (e) {
    const note = `events left queued when the load stopped: ${at}, not charged (the backlog could not be read while it drained: ${(e as Error).message})`;
    return windows.map((w) => ({ ...w, run: { ...w.run, notes: [...w.run.notes, note] } }));
  }
  const after = sampleProcesses(sut.processes);
  const seconds = (performance.now() - t0) / 1000;
  const usage = processUsage(before, after).map((p) => {
    const still = idle.find((q) => q.unit === p.unit && q.role === p.role)?.cpuUtilization ?? 0;
    return { ...p, cpuSeconds: Math.max(0, p.cpuSeconds - still * seconds) };
  });
  const drain: Drain = { events: at - left, seconds, processes: usage, complete: left === 0 };
  const charged = chargeDeferredWork(windows, backlog as WindowBacklog[], drain);
  const note = deferredNote(backlog as WindowBacklog[], drain, closed, windows, charged);
  log?.(note);
  return charged.map((w) => ({ ...w, run: { ...w.run, notes: [...w.run.notes, note] } }));
}

/**
 * One measured run of a layout: start it, drive the plan with each driver in turn (each seeds
 * its own data through its own setup), stop it. `archsim loadtest` and `validate-model` both
 * measure through here.
 */
export async function measureLayoutWith(drivers: readonly DriverName[], bp: Blueprint, blueprintFile: string, layout: string, plan: LoadPlan, o: MeasureOptions = {}): Promise<LoadTestResult[]> {
  const sut = await startLayoutUnderTest(bp, blueprintFile, layout, plan, startOptions(o));
  const results: LoadTestResult[] = [];
  try {
    for (const driver of drivers) {
      if (driver === 'k6') {
        const script = await k6ScriptForLayout(bp, layout, plan, sut.baseUrl, !sut.plan || sut.plan.placeholder ? null : sut.plan.profile, o.timeoutMs);
        results.push(
          await loadTestTargetK6({
            target: sut.baseUrl,
            script,
            exports: K6_SCRIPT_EXPORTS,
            operations: Object.keys(plan.mix),
            processes: sut.processes,
            ...(o.pin !== undefined ? { pin: o.pin } : {}),
            model: plan.model,
            rate: plan.rate,
            users: plan.users,
            duration: plan.duration,
            warmup: plan.warmup,
            blueprint: bp.metadata.name,
            layout,
            notes: sut.notes,
            ...(o.onLine ? { onLine: o.onLine } : {}),
          }),
        );
        continue;
      }
      // The embedded driver: warm-up, replications and the units' own CPU profile.
      results.push(await measurePlan(sut, bp, layout, plan, o));
    }
  } finally {
    await sut.stop();
  }
  return results;
}

/** One measured run of a layout with one driver (the embedded one by default). */
export async function measureLayout(bp: Blueprint, blueprintFile: string, layout: string, plan: LoadPlan, o: MeasureOptions & { driver?: DriverName } = {}): Promise<LoadTestResult> {
  return (await measureLayoutWith([o.driver ?? 'embedded'], bp, blueprintFile, layout, plan, o))[0]!;
}

/**
 * Load levels as fractions of the measured capacity, on one started system: first the capacity
 * (closed model, `capacityPlan`), then each level as an open-model run at fraction × capacity.
 * Returns the capacity run followed by one result per level.
 */
export async function measureLevels(bp: Blueprint, blueprintFile: string, layout: string, openPlan: LoadPlan, capacityPlan: LoadPlan, fractions: readonly number[], o: MeasureOptions = {}): Promise<{ capacity: LoadTestResult; levels: LoadTestResult[] }> {
  const sut = await startLayoutUnderTest(bp, blueprintFile, layout, openPlan, startOptions(o));
  // One chain of driver processes for the capacity run's windows and every level's.
  const drivers = new DriverProcesses();
  try {
    const replications = Math.max(1, o.replications ?? 1);
    const forCapacity = await seedOnce(sut, bp, [{ plan: capacityPlan, windows: replications }]);
    const capacity = await measurePlan(sut, bp, layout, capacityPlan, { ...o, drivers }, null, forCapacity);
    const x = capacity.totals.throughput;
    if (!(x > 0)) throw new Error(`${layout}: the capacity run completed no requests; cannot place load levels`);
    const plans = fractions.map((f, i) => {
      const rate = Math.max(1, Math.round(f * x * 10) / 10);
      return { f, plan: { ...openPlan, rate, duration: levelWindow(openPlan.duration, rate, o.minRequests ?? 0), model: 'open' as const, users: null, warmup: levelWarmup(openPlan.warmup, i) } };
    });
    // The capacity run's data serves the levels too; only the single-use pools (left out of the
    // capacity run's mix) are grown, once for every level's windows together.
    // The top-up's password hashes (a login per refresh token) on every core: nothing is measured
    // while it runs, and the next window pins the system again (loadTestTarget).
    unpinSut(sutPids(sut.processes));
    const seeded = await seedMore(sut, bp, forCapacity, plans.map(({ plan }) => ({ plan, windows: replications })));
    const levels: LoadTestResult[] = [];
    for (const { f, plan } of plans) levels.push(await measurePlan(sut, bp, layout, plan, { ...o, drivers }, { fraction: f, capacity: x }, seeded));
    return { capacity, levels };
  } finally {
    drivers.close();
    await sut.stop();
  }
}

/**
 * The warm-up before a load level's first window, s. The system is warm (the capacity run just
 * drove it): the first level gets up to 5 s, for the caches the seeding's VACUUM and CHECKPOINT
 * just disturbed; a later level only what each later window's new driver process gets
 * (REWARM_SECONDS), which settles a new rate's queues too (they relax in well under a second at
 * these service times). Measured on the seven saved run sets of 2026-12-02/03 (35 levels each
 * position): a level's first window, after 5 s, had a p50 0.95, 0.95 and 1.06 times (median) its
 * next two windows', after 2 s each, at the first, second and third level — no slower after 2 s.
 */
export function levelWarmup(warmup: number, index: number): number {
  return Math.min(warmup, index === 0 ? 5 : REWARM_SECONDS);
}

/** The longest a load level's window is stretched to reach its minimum number of requests, s. */
export const MAX_LEVEL_WINDOW_S = 60;

/**
 * A load level's measured window, s: the plan's, or longer so that about `minRequests` requests
 * fall in it at `rate` (a p95 of ten requests is their largest one), at most MAX_LEVEL_WINDOW_S.
 */
export function levelWindow(duration: number, rate: number, minRequests: number): number {
  if (!(minRequests > 0) || !(rate > 0)) return duration;
  return Math.max(duration, Math.min(MAX_LEVEL_WINDOW_S, Math.ceil(minRequests / rate)));
}

/** "25%,50%,0.75" → [0.25, 0.5, 0.75]; each in (0, 1.5]. */
export function parseLevels(text: string): number[] {
  const out = text.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(s);
    if (!m) throw new Error(`load level "${s}" is not a fraction of capacity (e.g. 25%, 50%, 0.75)`);
    const v = Number(m[1]) / (m[2] ? 100 : 1);
    if (!(v > 0 && v <= 1.5)) throw new Error(`load level "${s}" must be above 0 and at most 150% of capacity`);
    return v;
  });
  if (!out.length) throw new Error('no load levels given (e.g. --levels 25%,50%,75%)');
  return out;
}
