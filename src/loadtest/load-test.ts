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
import { K6_SCRIPT_EXPORTS } from '../generate/k6.js';
import type { Blueprint } from '../model/schema.js';
import { resolveLayout } from '../model/resolve.js';
import type { Progress } from './driver/index.js';
import { DRIVERS, embeddedDriver, k6Driver } from './drivers.js';
import { checkK6Version, findK6 } from './k6.js';
import { capacityPlanOf, measureLevels, measurePlan, refuseGrpcOperations, startLayoutUnderTest, startOptions, k6ScriptForLayout, type LayoutRuntime, type MeasureOptions, type SystemUnderTest } from './layout-run.js';
import { findLoadProfile } from './profile/load.js';
import { planLoad, type LoadPlan, type PlanOverrides } from './plan.js';
import type { ProcTarget } from './proc.js';
import { scenarioPlan, ProfileError, type ScenarioPlan } from './profile/plan.js';
import type { LoadProfile } from './profile/schema.js';
import type { LoadTestResult } from './result.js';
import { runnableFile } from './runnable.js';
import { assertLoopback, trivialScenario, type ScenarioRef } from './scenario.js';
import { startTrivialServer } from './trivial-server.js';
import { measureSideBySide } from './side-by-side.js';

/**
 * A system already running at a loopback URL. Its requests come from a scenario module, else
 * from the blueprint's routes for the mix, else GET /.
 */
export function runningUnderTest(url: string, o: { bp: Blueprint | null; plan: LoadPlan; scenarioModule?: string; processes?: ProcTarget[]; profile?: LoadProfile | null }): SystemUnderTest {
  assertLoopback(url);
  const notes: string[] = [];
  let scenario: ScenarioRef;
  let planned: ScenarioPlan | undefined;
  if (o.scenarioModule) scenario = { module: pathToFileURL(resolve(o.scenarioModule)).href };
  else if (o.bp && Object.keys(o.plan.mix).length) {
    try {
      planned = scenarioPlan(o.bp, o.plan.mix, o.plan, o.profile ?? null);
    } catch (e) {
      throw e instanceof ProfileError ? new UsageError(e.message) : e;
    }
    scenario = { module: pathToFileURL(runnableFile(import.meta.url, './scenarios/profile.js')).href, options: planned };
    notes.push(planned.placeholder ? 'no load profile: requests are placeholders built from the blueprint routes ({param} = request number, sized JSON bodies, no authentication); write a load profile for valid requests' : 'requests built from the load profile (setup, login and bodies)');
  } else scenario = trivialScenario();
  return { baseUrl: url, units: [], database: null, processes: o.processes ?? [], scenario, notes, ...(planned ? { plan: planned } : {}), stop: async () => undefined };
}

/** The built-in trivial endpoint, started for the run (GET / answers "ok", optionally after spinning the CPU). */
export async function trivialUnderTest(o: { cpuMs?: number; bp: Blueprint | null; plan: LoadPlan; scenarioModule?: string; processes?: ProcTarget[] }): Promise<SystemUnderTest> {
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
  /** both drivers at the same time on each started layout (side by side); default [driver] */
  drivers?: ('embedded' | 'k6')[];
  /** how to build valid requests; default: the blueprint's sidecar NAME.load.yaml */
  profile?: LoadProfile | null;
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
  /** layouts: measured windows back to back after one warm-up, combined with intervals (default 1) */
  replications?: number;
  /** layouts: load levels as fractions of the measured capacity (a closed-model capacity run first) */
  levels?: number[];
  /** layouts: PostgreSQL in the fast, not durable mode (an explicit choice) */
  fastDb?: boolean;
  /** layouts: where each runs, processes on this machine (default) or containers through compose */
  runtime?: LayoutRuntime;
  /** layouts, runtime compose: every container healthy within this (default 60 s) */
  healthyWithinMs?: number;
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
  if (o.runtime === 'compose' && o.target) throw new UsageError('--runtime starts the --layout; a --target is already running');
  if (o.runtime === 'compose' && o.fastDb) throw new UsageError('--fast-db goes with --runtime process (the compose file\'s PostgreSQL is durable)');
  let plan: LoadPlan;
  try {
    plan = planLoad(o.blueprint, { operations: o.operations, rate: o.levels ? 1 : o.rate, users: o.levels ? undefined : o.users, ...(o.thinkTime !== undefined ? { thinkTime: o.thinkTime } : {}), duration: o.duration ?? (o.blueprint ? undefined : 10), warmup: o.warmup });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const drivers = (o.drivers ?? [o.driver ?? 'embedded']).map((d) => DRIVERS[d]);
  const driver = drivers[0]!;
  if (o.target && drivers.length > 1) throw new UsageError('--driver both runs against a started --layout, not --target');
  if (drivers.includes(k6Driver)) {
    const k6 = findK6();
    if (!k6) throw new UsageError('--driver k6: no k6 on PATH and no K6_BIN (install k6 v0.53+: see the README, "Installing k6"); or use --driver embedded');
    checkK6Version(k6);
  }
  const profile = o.profile !== undefined ? o.profile : o.blueprint && o.blueprintFile ? (findLoadProfile({ blueprintFile: o.blueprintFile, bp: o.blueprint })?.profile ?? null) : null;
  const common = { plan, timeoutMs: o.timeoutMs, connections: o.connections, pin: o.pin, onProgress: o.onProgress, onLine: o.onLine, blueprint: o.blueprint?.metadata.name ?? null };
  const results: LoadTestResult[] = [];
  if (o.target) {
    o.onSystem?.(o.target);
    // The driver's own checks (k6 present, a script given) come before anything starts.
    if (driver === k6Driver && !o.k6Script && !o.blueprint) throw new UsageError('--driver k6 with --target needs a blueprint (archsim writes the script) or --k6-script FILE');
    // A gRPC operation of the blueprint is refused before anything starts (both drivers speak HTTP).
    if (o.blueprint) refuseGrpcOperations(o.blueprint, o.targetLayout ?? Object.keys(o.blueprint.layouts)[0]!, Object.keys(plan.mix));
    const base = { bp: o.blueprint, plan, scenarioModule: o.scenarioModule, processes: o.processes, profile };
    const sut = o.target === 'trivial' ? await trivialUnderTest({ ...base, cpuMs: o.trivialCpuMs }) : runningUnderTest(o.target, base);
    const split = o.blueprint && o.target !== 'trivial' ? splitTargetNote(o.blueprint, o.targetLayout ?? Object.keys(o.blueprint.layouts)[0]!, Object.keys(plan.mix), o.target) : undefined;
    if (split) sut.notes.unshift(split);
    try {
      const script = o.k6Script;
      const layout = o.targetLayout ?? (o.blueprint ? Object.keys(o.blueprint.layouts)[0]! : null);
      const generated = script === undefined && o.blueprint && layout;
      const k6 = script !== undefined ? { k6Script: async () => script } : generated ? { k6Script: () => k6ScriptForLayout(o.blueprint!, layout, plan, sut.baseUrl, sut.plan?.placeholder ? null : profile, o.timeoutMs), k6Exports: K6_SCRIPT_EXPORTS } : {};
      results.push(await driver.drive({ ...common, sut, layout: o.targetLayout ?? null, ...k6 }));
    } finally {
      await sut.stop();
    }
    return results;
  }
  for (const layout of layouts) {
    o.onSystem?.(layout);
    const mo: MeasureOptions = {
      portOffset: o.portOffset ?? 0,
      timeoutMs: o.timeoutMs,
      connections: o.connections,
      pin: o.pin,
      replications: o.replications ?? 1,
      fastDb: !!o.fastDb,
      profile,
      ...(o.runtime ? { runtime: o.runtime } : {}),
      ...(o.healthyWithinMs !== undefined ? { healthyWithinMs: o.healthyWithinMs } : {}),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      // The containers' start (an image build, compose's progress) says what it is doing.
      ...(o.runtime === 'compose' && o.onLine ? { log: o.onLine } : {}),
    };
    if (o.levels) {
      if (drivers.length > 1 || driver !== embeddedDriver) throw new UsageError('--levels starts a layout with the embedded driver: use it with --layout, not --driver k6');
      const { capacity, levels } = await measureLevels(o.blueprint!, o.blueprintFile!, layout, plan, capacityPlanOf(plan, o.users ?? 16), o.levels, mo);
      results.push(capacity, ...levels);
      continue;
    }
    const sut = await startLayoutUnderTest(o.blueprint!, o.blueprintFile!, layout, plan, startOptions(mo));
    try {
      const viaK6 = (p: LoadPlan, onStarted?: (atMs: number) => void) => k6Driver.drive({ ...common, plan: p, sut, layout, k6Script: () => k6ScriptForLayout(o.blueprint!, layout, p, sut.baseUrl, !sut.plan || sut.plan.placeholder ? null : sut.plan.profile, o.timeoutMs), k6Exports: K6_SCRIPT_EXPORTS, ...(onStarted ? { onStarted } : {}) });
      // Both drivers: at the same time, on the same system state, sharing the load (side-by-side.ts).
      if (drivers.includes(k6Driver) && drivers.includes(embeddedDriver)) results.push(...(await measureSideBySide(sut, o.blueprint!, layout, plan, mo, viaK6)));
      else if (driver === embeddedDriver) results.push(await measurePlan(sut, o.blueprint!, layout, plan, mo));
      else results.push(await viaK6(plan));
    } finally {
      await sut.stop();
    }
  }
  return results;
}

/**
 * A layout with no gateway whose mix's operations are served by more than one unit: every request
 * goes to the one --target, so the other units' operations answer 404 and count as the system's
 * errors. Said first in the result's notes (nothing said it).
 */
export function splitTargetNote(bp: Blueprint, layout: string, ops: readonly string[], target: string): string | undefined {
  const l = resolveLayout(bp, layout);
  if (l.layout.gateway) return undefined;
  const byUnit = new Map<string, string[]>();
  for (const op of ops) {
    const u = l.units.find((x) => x.domains.includes(op.split('.')[0]!));
    if (u) byUnit.set(u.name, [...(byUnit.get(u.name) ?? []), op]);
  }
  if (byUnit.size < 2) return undefined;
  const units = [...byUnit.entries()].map(([u, o]) => `${u} (${o.join(', ')})`).join('; ');
  return `layout ${layout} has no gateway and its mix's operations are served by ${byUnit.size} units: ${units}; every request went to ${target}, so the operations of the units not listening there fail (404) and count as errors: measure one unit's operations with --operation, or put a gateway in front`;
}
