// The load test as one call: `loadTest(options)` → one result per system measured. Two seams
// meet here, each an interface with interchangeable implementations:
//
//   system under test (SystemUnderTest, from layout-run.ts): a layout of the reference services
//     started for the run (`startLayoutUnderTest`), a system already running at a loopback URL
//     (`runningUnderTest`), or the built-in trivial endpoint (`trivialUnderTest`);
//   load driver (LoadDriver): the embedded open/closed-model driver, or k6.
//
// `archsim loadtest` is a thin layer on this: it parses flags, calls loadTest, prints.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { resolveBlueprint } from '../model/resolve.js';
import type { Blueprint } from '../model/schema.js';
import type { Progress } from './driver/index.js';
import { DRIVERS, k6Driver } from './drivers.js';
import { startLayoutUnderTest, k6ScriptForLayout, type SystemUnderTest } from './layout-run.js';
import { planLoad, type LoadPlan, type PlanOverrides } from './plan.js';
import type { ProcTarget } from './proc.js';
import type { LoadTestResult } from './result.js';
import { runnableFile } from './runnable.js';
import { assertLoopback, trivialScenario, type ScenarioRef } from './scenario.js';

/**
 * A system already running at a loopback URL. Its requests come from a scenario module, else
 * from the blueprint's routes for the mix, else GET /.
 */
export function runningUnderTest(url: string, o: { bp: Blueprint | null; plan: LoadPlan; scenarioModule?: string; processes?: ProcTarget[] }): SystemUnderTest {
  assertLoopback(url);
  const notes: string[] = [];
  let scenario: ScenarioRef;
  if (o.scenarioModule) scenario = { module: pathToFileURL(resolve(o.scenarioModule)).href };
  else if (o.bp && Object.keys(o.plan.mix).length) {
    const ops = resolveBlueprint(o.bp).operationIndex;
    scenario = {
      module: pathToFileURL(runnableFile(import.meta.url, './scenarios/routes.js')).href,
      options: { operations: Object.entries(o.plan.mix).map(([id, weight]) => ({ id, weight, method: ops.get(id)!.op.route!.method, path: ops.get(id)!.op.route!.path })) },
    };
    notes.push('requests built from the blueprint routes ({param} = small integers, empty JSON bodies, no authentication)');
  } else scenario = trivialScenario();
  return { baseUrl: url, processes: o.processes ?? [], scenario, notes, stop: async () => undefined };
}

/** The built-in trivial endpoint, started for the run (GET / answers "ok", optionally after spinning the CPU). */
export async function trivialUnderTest(o: { cpuMs?: number; bp: Blueprint | null; plan: LoadPlan; scenarioModule?: string; processes?: ProcTarget[] }): Promise<SystemUnderTest> {
  const { startTrivialServer } = await import('./trivial-server.js');
  const s = await startTrivialServer({ cpuMs: o.cpuMs });
  const sut = runningUnderTest(s.url, { ...o, processes: [...(o.processes ?? []), { unit: 'trivial', role: 'sut', pid: s.pid }] });
  return { ...sut, notes: [`target: the built-in trivial endpoint${o.cpuMs ? ` spinning ${o.cpuMs} ms per request` : ''}`, ...sut.notes], stop: s.stop };
}

export interface LoadTestOptions extends PlanOverrides {
  /** the blueprint (its workload, routes, layouts); null for a bare --target */
  blueprint: Blueprint | null;
  /** its file: the reference services' runner loads it in each process */
  blueprintFile?: string;
  /** start each of these layouts of the reference services in turn and measure it */
  layouts?: string[];
  /** or measure a running system at this loopback URL ("trivial": start the built-in endpoint) */
  target?: string;
  /** with target: the layout the running system is (for the result and calibrate) */
  targetLayout?: string | null;
  driver?: 'embedded' | 'k6';
  /** with target: a scenario module building the requests */
  scenarioModule?: string;
  /** with target: processes of the system to measure */
  processes?: ProcTarget[];
  /** with target and k6: the script */
  k6Script?: string;
  /** with target "trivial": CPU the endpoint spends per request, ms */
  trivialCpuMs?: number;
  timeoutMs?: number;
  connections?: number;
  pin?: boolean;
  portOffset?: number;
  /** a new system starts (its layout name, or the target) */
  onSystem?: (label: string) => void;
  onProgress?: (p: Progress) => void;
  onLine?: (line: string) => void;
}

/** Plan the load, start each system under test, drive it, stop it: one result per system. */
export async function loadTest(o: LoadTestOptions): Promise<LoadTestResult[]> {
  const layouts = o.layouts ?? [];
  if (!o.target && layouts.length === 0) throw new UsageError('say what to load: --layout NAME (with a blueprint file) or --target URL');
  if (o.target && layouts.length) throw new UsageError('--layouts starts each layout in turn; with --target name at most one --layout');
  if (layouts.length && (!o.blueprint || !o.blueprintFile)) throw new UsageError('--layout needs a blueprint file');
  let plan: LoadPlan;
  try {
    plan = planLoad(o.blueprint, { operations: o.operations, rate: o.rate, users: o.users, duration: o.duration ?? (o.blueprint ? undefined : 10), warmup: o.warmup });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const driver = DRIVERS[o.driver ?? 'embedded'];
  const common = { plan, timeoutMs: o.timeoutMs, connections: o.connections, pin: o.pin, onProgress: o.onProgress, onLine: o.onLine, blueprint: o.blueprint?.metadata.name ?? null };
  const results: LoadTestResult[] = [];
  if (o.target) {
    o.onSystem?.(o.target);
    // The driver's own checks (k6 present, a script given) come before anything starts.
    if (driver === k6Driver && !o.k6Script) throw new UsageError('--driver k6 with --target needs --k6-script FILE (archsim generate k6 writes one)');
    const base = { bp: o.blueprint, plan, scenarioModule: o.scenarioModule, processes: o.processes };
    const sut = o.target === 'trivial' ? await trivialUnderTest({ ...base, cpuMs: o.trivialCpuMs }) : runningUnderTest(o.target, base);
    try {
      const script = o.k6Script;
      results.push(await driver.drive({ ...common, sut, layout: o.targetLayout ?? null, ...(script !== undefined ? { k6Script: async () => script } : {}) }));
    } finally {
      await sut.stop();
    }
    return results;
  }
  for (const layout of layouts) {
    o.onSystem?.(layout);
    if (driver === k6Driver) {
      const { findK6 } = await import('./k6.js');
      if (!findK6()) throw new UsageError('--driver k6: no k6 on PATH and no K6_BIN; use --driver embedded (the default)');
    }
    const sut = await startLayoutUnderTest(o.blueprint!, o.blueprintFile!, layout, plan, { portOffset: o.portOffset ?? 0 });
    try {
      results.push(await driver.drive({ ...common, sut, layout, k6Script: () => k6ScriptForLayout(o.blueprint!, layout, plan, sut.baseUrl) }));
    } finally {
      await sut.stop();
    }
  }
  return results;
}
