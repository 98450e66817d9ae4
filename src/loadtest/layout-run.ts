// Load-testing a layout of the bundled reference services: start it, seed it, drive it, stop it.
//
// Starting: `startLayout(blueprintFile, layout, { db: 'embedded' })` from the reference-services
// runner (src/run/layout.ts), imported when a run starts (it loads fastify and pg); its processes (units, gateway, PostgreSQL with its backends) are measured by
// `processesOfLayout`.
//
// What the drivers send comes from the blueprint's load profile (src/loadtest/profile: the
// sidecar <blueprint>.load.yaml or --load-profile): the embedded driver interprets it in its own
// process, and the k6 driver runs the script `generate k6` renders from the same plan.
import { pathToFileURL } from 'node:url';
import { ArchsimError } from '../errors.js';
import type { Blueprint } from '../model/schema.js';
import { runnableFile } from './runnable.js';
import type { LoadPlan } from './plan.js';
import type { ProcTarget } from './proc.js';
import type { LoadTestResult } from './result.js';
import type { ScenarioRef } from './scenario.js';
import { findLoadProfile } from './profile/load.js';
import { scenarioPlan, ProfileError, type ScenarioPlan } from './profile/plan.js';
import type { LoadProfile } from './profile/schema.js';

export type SystemUnderTest = {
  baseUrl: string;
  processes: ProcTarget[];
  scenario: ScenarioRef;
  /** the scenario plan both drivers run (absent for a scenario module) */
  plan?: ScenarioPlan;
  notes: string[];
  stop(): Promise<void>;
};

/** The blueprint has no reference services to start, or the load scenario cannot drive an operation. */
export class UnsupportedSystemError extends ArchsimError {
  override name = 'UnsupportedSystemError';
  readonly kind = 'usage';
}
export { UnsupportedSystemError as NotWiredYet };

/** The part of the reference-services runner's RunningLayout that load testing uses. */
export type StartedProcesses = RunningLayoutLike;
export type RunningLayoutLike = {
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
export function processesOfLayout(running: RunningLayoutLike): ProcTarget[] {
  const out: ProcTarget[] = running.units.map((u) => ({ unit: u.name, role: 'unit', pid: u.pid, tree: true }));
  if (running.gateway) out.push({ unit: 'gateway', role: 'gateway', pid: running.gateway.pid, tree: true });
  if (running.postgres.pid) out.push({ unit: 'postgres', role: 'datastore', pid: running.postgres.pid, tree: true });
  return out;
}

export async function startLayoutUnderTest(bp: Blueprint, blueprintFile: string, layout: string, plan: LoadPlan, opts: { portOffset?: number; profile?: LoadProfile | null } = {}): Promise<SystemUnderTest> {
  await checkRunnable(bp);
  const planned = planScenario(bp, blueprintFile, plan, opts.profile);
  const { startLayout } = await import('../run/layout.js');
  const running = await startLayout(blueprintFile, layout, { db: 'embedded', portOffset: opts.portOffset ?? 0, logLevel: 'warn' });
  const { scenario, notes } = await seedAndScenario(bp, layout, plan, running, planned);
  return { baseUrl: running.gatewayUrl, processes: processesOfLayout(running), scenario, notes, plan: planned, stop: () => running.stop() };
}

/**
 * Whether the bundled reference services can run this blueprint, decided by what they
 * implement (their domain modules), never by the blueprint's name: a blueprint whose domains
 * they do not all implement has nothing to start.
 */
async function checkRunnable(bp: Blueprint): Promise<void> {
  const { domainModules } = await import('../../reference-services/domains/index.js');
  const missing = Object.keys(bp.system.domains).filter((d) => !Object.hasOwn(domainModules, d));
  if (missing.length) {
    throw new UnsupportedSystemError(
      `the bundled reference services implement the domains ${Object.keys(domainModules).join(', ')}; "${bp.metadata.name}" also has ${missing.join(', ')}, so there is nothing to start — load-test a running system with --target URL (and a load profile)`,
    );
  }
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
export async function seedAndScenario(bp: Blueprint, layout: string, plan: LoadPlan, running: RunningLayoutLike, planned?: ScenarioPlan): Promise<{ scenario: ScenarioRef; notes: string[] }> {
  void running;
  const sp = planned ?? planScenario(bp, null, plan);
  const module = pathToFileURL(runnableFile(import.meta.url, './scenarios/profile.js')).href;
  const notes = [`layout ${layout}: seeded through the public API before the measured window (load profile setup)`];
  if (sp.placeholder) notes.push('no load profile: requests are placeholders built from the blueprint routes ({param} = request number, sized JSON bodies, no authentication)');
  return { scenario: { module, options: sp }, notes };
}

/** The k6 script for a run: `generate k6`'s script for the same plan, pointed at BASE_URL. */
export async function k6ScriptForLayout(bp: Blueprint, layout: string, plan: LoadPlan, baseUrl: string, profile: LoadProfile | null = null, timeoutMs?: number): Promise<string> {
  const { k6Script } = await import('../generate/k6.js');
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
  onProgress?: (p: import('./driver/index.js').Progress) => void;
  onLine?: (line: string) => void;
}

/**
 * One measured run of a layout: start it, drive the plan with each driver in turn (each seeds
 * its own data through its own setup), stop it. `archsim loadtest` and `validate-model` both
 * measure through here.
 */
export async function measureLayoutWith(drivers: readonly DriverName[], bp: Blueprint, blueprintFile: string, layout: string, plan: LoadPlan, o: MeasureOptions = {}): Promise<LoadTestResult[]> {
  const sut = await startLayoutUnderTest(bp, blueprintFile, layout, plan, { portOffset: o.portOffset ?? 0, ...(o.profile !== undefined ? { profile: o.profile } : {}) });
  const results: LoadTestResult[] = [];
  try {
    for (const driver of drivers) {
      if (driver === 'k6') {
        const { loadTestTargetK6 } = await import('./target.js');
        const { K6_SCRIPT_EXPORTS } = await import('../generate/k6.js');
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
      const { loadTestTarget } = await import('./target.js');
      results.push(
        await loadTestTarget({
          target: sut.baseUrl,
          scenario: sut.scenario,
          processes: sut.processes,
          model: plan.model,
          rate: plan.rate ?? undefined,
          connections: plan.users ?? o.connections,
          duration: plan.duration,
          warmup: plan.warmup,
          ...(plan.thinkTime ? { thinkTimeMs: plan.thinkTime * 1000 } : {}),
          ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
          ...(o.pin !== undefined ? { pin: o.pin } : {}),
          blueprint: bp.metadata.name,
          layout,
          notes: [...sut.notes, ...(plan.model === 'open' ? ['embedded driver: latency counts from each request’s scheduled start, so queueing behind a stalled system is included'] : [])],
          ...(o.onProgress ? { onProgress: o.onProgress } : {}),
        }),
      );
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
