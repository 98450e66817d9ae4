// Load-testing a layout of the bundled reference services: start it, seed it, drive it, stop it.
//
// Starting: `startLayout(blueprintFile, layout, { db: 'embedded' })` from the reference-services
// runner (src/run/layout.ts), imported when a run starts (it loads fastify and pg); its processes (units, gateway, PostgreSQL with its backends) are measured by
// `processesOfLayout`.
//
// `seedAndScenario` seeds the QuantChat reference services and hands the driver the request
// builders of src/loadtest/scenarios/quantchat.ts.
import { pathToFileURL } from 'node:url';
import { ArchsimError } from '../errors.js';
import type { Blueprint } from '../model/schema.js';
import { runnableFile } from './runnable.js';
import type { LoadPlan } from './plan.js';
import type { ProcTarget } from './proc.js';
import type { LoadTestResult } from './result.js';
import type { ScenarioRef } from './scenario.js';

export type SystemUnderTest = {
  baseUrl: string;
  processes: ProcTarget[];
  scenario: ScenarioRef;
  notes: string[];
  stop(): Promise<void>;
};

/** The blueprint has no reference services to start, or the load scenario cannot drive an operation. */
export class UnsupportedSystemError extends ArchsimError {
  override name = 'UnsupportedSystemError';
  readonly kind = 'usage';
}

/** What the processes of a started layout are measured from (a part of the runner's RunningLayout). */
export type StartedProcesses = {
  gateway?: { pid: number } | undefined;
  units: { name: string; pid: number }[];
  postgres: { pid?: number | undefined };
};

/**
 * The processes of a started layout: each unit (with any children it forks), the gateway, and
 * PostgreSQL with its backends. PostgreSQL is one server holding every datastore's database, so
 * it is measured as one process named "postgres" (calibrate spreads it over the relational stores).
 */
export function processesOfLayout(running: StartedProcesses): ProcTarget[] {
  const out: ProcTarget[] = running.units.map((u) => ({ unit: u.name, role: 'unit', pid: u.pid, tree: true }));
  if (running.gateway) out.push({ unit: 'gateway', role: 'gateway', pid: running.gateway.pid, tree: true });
  if (running.postgres.pid) out.push({ unit: 'postgres', role: 'datastore', pid: running.postgres.pid, tree: true });
  return out;
}

export async function startLayoutUnderTest(bp: Blueprint, blueprintFile: string, layout: string, plan: LoadPlan, opts: { portOffset?: number } = {}): Promise<SystemUnderTest> {
  await checkRunnable(bp, plan);
  const { startLayout } = await import('../run/layout.js');
  const running = await startLayout(blueprintFile, layout, { db: 'embedded', portOffset: opts.portOffset ?? 0, logLevel: 'warn' });
  try {
    const { scenario, notes } = await seedAndScenario(bp, layout, plan);
    return { baseUrl: running.gatewayUrl, processes: processesOfLayout(running), scenario, notes, stop: () => running.stop() };
  } catch (e) {
    await running.stop();
    throw e;
  }
}

/** The reference services implement QuantChat, and the load scenario these operations. */
async function checkRunnable(bp: Blueprint, plan: LoadPlan): Promise<void> {
  const { SUPPORTED_OPERATIONS } = await import('./scenarios/quantchat.js');
  if (bp.metadata.name !== 'quantchat') {
    throw new UnsupportedSystemError(`the bundled reference services implement QuantChat; "${bp.metadata.name}" has none to start — load-test a running system with --target URL --scenario FILE`);
  }
  const unsupported = Object.keys(plan.mix).filter((id) => !SUPPORTED_OPERATIONS.includes(id));
  if (unsupported.length) throw new UnsupportedSystemError(`the QuantChat load scenario has no requests for ${unsupported.join(', ')}; it has ${SUPPORTED_OPERATIONS.join(', ')}`);
}

/**
 * Seed the started layout and build its requests: the QuantChat scenario module seeds users,
 * contacts, groups, conversations, relay queues and media through the public API (in the
 * driver's process, before the clock starts) and builds each operation's requests from them.
 */
export async function seedAndScenario(bp: Blueprint, layout: string, plan: LoadPlan): Promise<{ scenario: ScenarioRef; notes: string[] }> {
  await checkRunnable(bp, plan);
  // Pools of single-use things (refresh tokens, relay messages to acknowledge) are sized from
  // the requests each operation is expected to send.
  const total = Object.values(plan.mix).reduce((a, b) => a + b, 0) || 1;
  const seconds = plan.duration + plan.warmup; // the plan counts in seconds
  const perSecond = plan.rate ?? (plan.users ?? 1) * 500;
  const expected = Object.fromEntries(Object.entries(plan.mix).map(([id, w]) => [id, Math.ceil((perSecond * seconds * w) / total)]));
  const module = pathToFileURL(runnableFile(import.meta.url, './scenarios/quantchat.js')).href;
  return { scenario: { module, options: { mix: plan.mix, expected } }, notes: [`layout ${layout}: seeded through the public API before the measured window`] };
}

/** The k6 script for a layout's workload (src/generate/k6.ts), pointed at the started system's base URL. */
export async function k6ScriptForLayout(bp: Blueprint, layout: string, plan: LoadPlan, baseUrl: string): Promise<string> {
  const { k6Script } = await import('../generate/k6.js');
  return k6Script(bp, layout, { baseUrl, ...(plan.rate !== null ? { rate: plan.rate } : {}), duration: plan.duration * 1000, operations: Object.keys(plan.mix) });
}

export interface MeasureOptions {
  portOffset?: number;
  timeoutMs?: number;
  /** open model: bound on requests in flight (closed model: plan.users) */
  connections?: number;
  pin?: boolean;
  onProgress?: (p: import('./driver/index.js').Progress) => void;
}

/**
 * One measured run of a layout with the embedded driver: start it, seed it, drive the plan,
 * stop it. `archsim loadtest` and `validate-model` both measure through here.
 */
export async function measureLayout(bp: Blueprint, blueprintFile: string, layout: string, plan: LoadPlan, o: MeasureOptions = {}): Promise<LoadTestResult> {
  const sut = await startLayoutUnderTest(bp, blueprintFile, layout, plan, { portOffset: o.portOffset ?? 0 });
  try {
    const { embeddedDriver } = await import('./drivers.js');
    return await embeddedDriver.drive({ sut, plan, blueprint: bp.metadata.name, layout, ...o });
  } finally {
    await sut.stop();
  }
}
