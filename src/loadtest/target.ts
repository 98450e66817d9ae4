// Load-test a system that is already running on this machine: pin it and the driver to separate
// cores, sample its processes' CPU and memory over the measured window, run the driver in its
// own process, and return the result. `archsim loadtest --target` and the layout runner
// (layout-run.ts) both come through here.
import { embeddedResult } from './assemble.js';
import { runDriverInChild, runDriver, type DriverProcesses, type DriverReport, type Progress } from './driver/index.js';
import type { DriverOptions } from './driver/run.js';
import { k6Result, K6ScriptError, runK6, type K6Exports } from './k6.js';
import { planPinning, pinSut, unpinnable, type PinPlan } from './pin.js';
import { descendants, processUsage, sampleProcesses, type ProcSample, type ProcTarget } from './proc.js';
import { assertLoopback, loadScenario, type ScenarioRef } from './scenario.js';
import type { LoadTestResult } from './result.js';

export type TargetRun = Omit<DriverOptions, 'baseUrl' | 'onProgress' | 'onPhase' | 'measureAt'> & {
  /** see ChildDriverOptions: a promise starts the driver now and opens its window when it gives the time */
  measureAt?: number | Promise<number>;
  target: string;
  scenario: ScenarioRef;
  /** the system under test's processes, measured from /proc */
  processes?: ProcTarget[];
  /** pin driver and system to separate cores (default true where possible) */
  pin?: boolean;
  /**
   * leave the system pinned after the run (archsim's own started layout between back-to-back
   * windows: re-pinning 135 processes cost half a second a window); by default every process
   * moved gets its cores back, as a user's own system must
   */
  keepPinned?: boolean;
  /** run the driver in this process instead of a pinned child (tests, one-core machines) */
  inProcess?: boolean;
  blueprint?: string | null;
  layout?: string | null;
  notes?: string[];
  onProgress?: (p: Progress) => void;
  /** also told when the measured window opens and closes (e.g. to read the units' own counters) */
  onPhase?: (phase: 'measure' | 'end') => void;
  /** the driver's own report, before it becomes the result (its `counters` continue in the next window) */
  onReport?: (r: DriverReport) => void;
  /** windows back to back: the driver process comes from here (started one window ahead) */
  drivers?: DriverProcesses;
};

/**
 * Every process of the system under test, with the descendants of tree targets: PostgreSQL's
 * backends and background workers are forked before the run starts, and pinning the postmaster
 * alone (taskset -a pins threads, not child processes) would leave them on every core, the
 * driver's too, so the "system under test on its own cores" would not hold.
 */
export function sutPids(targets: readonly ProcTarget[]): number[] {
  // Never the tree under init or under archsim's own line: that is every process (unpinnable).
  const never = unpinnable();
  return targets.filter((t) => !never.has(t.pid)).flatMap((t) => [t.pid, ...(t.tree ? descendants(t.pid) : [])]);
}

export async function loadTestTarget(o: TargetRun): Promise<LoadTestResult> {
  assertLoopback(o.target);
  const plan = planPinning(undefined, { disable: o.pin === false || o.inProcess });
  const targets = o.processes ?? [];
  const pinned = pinSut(sutPids(targets), plan);
  try {
    return await driveTarget(o, plan, targets, [...(o.notes ?? []), ...(plan.note ? [plan.note] : []), ...pinned.notes]);
  } finally {
    if (!o.keepPinned) pinned.restore();
  }
}

async function driveTarget(o: TargetRun, plan: PinPlan, targets: ProcTarget[], notes: string[]): Promise<LoadTestResult> {
  let before: ProcSample | undefined;
  let after: ProcSample | undefined;
  const onPhase = (phase: 'measure' | 'end') => {
    if (phase === 'measure') before = sampleProcesses(targets);
    else after = sampleProcesses(targets);
    o.onPhase?.(phase);
  };
  const { target, scenario, processes: _p, pin: _pin, keepPinned: _k, inProcess, blueprint, layout, notes: _n, onProgress, onPhase: _op, onReport, drivers, ...driverOptions } = o;
  let report;
  let driverPid: number | null = null;
  if (inProcess) {
    // Sharing a process (and maybe a core) with others: no busy waiting for timer precision.
    const { measureAt, ...rest } = driverOptions;
    const at = await measureAt;
    report = await runDriver(await loadScenario(scenario), { precise: false, ...rest, ...(at !== undefined ? { measureAt: at } : {}), baseUrl: target, onProgress, onPhase });
  } else {
    const run = await runDriverInChild(scenario, { precise: plan.driver !== null, ...driverOptions, baseUrl: target }, { plan, onProgress, onPhase, ...(drivers ? { drivers } : {}) });
    report = run.report;
    driverPid = run.pid;
    notes.push(...run.notes);
  }
  onReport?.(report);
  before ??= sampleProcesses(targets);
  after ??= sampleProcesses(targets);
  return embeddedResult(report, {
    blueprint,
    layout,
    target,
    processes: processUsage(before, after),
    pinning: plan.driver || plan.sut ? plan : { driver: null, sut: null, ...(plan.note ? { note: plan.note } : {}) },
    driverPid,
    notes,
  });
}

/**
 * The same with k6 as the driver: run the script (pinned to the driver core) with BASE_URL set
 * to the target, sample the system's processes around it and read k6's summary into the result
 * format. `operations` are the operation tags the script uses.
 */
export async function loadTestTargetK6(o: {
  target: string;
  script: string;
  operations: readonly string[];
  exports?: K6Exports;
  processes?: ProcTarget[];
  pin?: boolean;
  model?: 'open' | 'closed';
  rate?: number | null;
  users?: number | null;
  /** seconds measured and of warm-up, when the script is archsim's (else what k6 reports) */
  duration?: number | null;
  warmup?: number;
  blueprint?: string | null;
  layout?: string | null;
  notes?: string[];
  onLine?: (line: string) => void;
  /** k6's setup() is over and its first scenario request went out (see runK6) */
  onStarted?: (atMs: number) => void;
}): Promise<LoadTestResult> {
  assertLoopback(o.target);
  const targets = o.processes ?? [];
  const plan = planPinning(undefined, { disable: o.pin === false });
  const pinned = pinSut(sutPids(targets), plan);
  const notes = [...(o.notes ?? []), ...(plan.note ? [plan.note] : []), ...pinned.notes];
  const before = sampleProcesses(targets);
  const started = new Date().toISOString();
  let run: Awaited<ReturnType<typeof runK6>>;
  try {
    run = await runK6({ script: o.script, operations: o.operations, target: o.target, cpuList: plan.driver, onLine: o.onLine, ...(o.exports ? { exports: o.exports } : {}), ...(o.onStarted ? { onStarted: o.onStarted } : {}) });
  } finally {
    pinned.restore();
  }
  const after = sampleProcesses(targets);
  const hosts = [...(run.counts.hosts?.entries() ?? [])].map(([h, n]) => `${h} (${n})`).join(', ');
  notes.push(`k6 v${run.version}: latency counts from when k6 sent each request; every request went to ${hosts || 'no host'} (checked in k6's output); process CPU covers the whole k6 run (setup and warm-up included)`);
  if (o.operations.length && !run.summary.operations.some((x) => (x.requests ?? 0) > 0)) {
    throw new K6ScriptError(`k6 reported no request tagged with an operation (${o.operations.join(', ')}): tag each request with { tags: { operation: 'domain.op' } }`);
  }
  return k6Result(run.summary, {
    blueprint: o.blueprint,
    layout: o.layout,
    target: o.target,
    model: o.model ?? 'open',
    rate: o.rate ?? null,
    users: o.users ?? null,
    duration: o.duration ?? null,
    ...(o.warmup !== undefined ? { warmup: o.warmup } : {}),
    started,
    exitCode: run.exitCode,
    counts: run.counts,
    processes: processUsage(before, after),
    pinning: plan,
    notes,
  });
}
