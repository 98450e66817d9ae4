// Load-test a system that is already running on this machine: pin it and the driver to separate
// cores, sample its processes' CPU and memory over the measured window, run the driver in its
// own process, and return the result. `archsim loadtest --target` and (after the reference
// services land) the layout runner both come through here.
import { embeddedResult } from './assemble.js';
import { runDriverInChild, runDriver, type Progress } from './driver/index.js';
import type { DriverOptions } from './driver/run.js';
import { planPinning, pinSut } from './pin.js';
import { processUsage, sampleProcesses, type ProcSample, type ProcTarget } from './proc.js';
import { assertLoopback, loadScenario, type ScenarioRef } from './scenario.js';
import type { LoadTestResult } from './result.js';

export type TargetRun = Omit<DriverOptions, 'baseUrl' | 'onProgress' | 'onPhase'> & {
  target: string;
  scenario: ScenarioRef;
  /** the system under test's processes, measured from /proc */
  processes?: ProcTarget[];
  /** pin driver and system to separate cores (default true where possible) */
  pin?: boolean;
  /** run the driver in this process instead of a pinned child (tests, one-core machines) */
  inProcess?: boolean;
  blueprint?: string | null;
  layout?: string | null;
  notes?: string[];
  onProgress?: (p: Progress) => void;
  /** also told when the measured window opens and closes (e.g. to read the units' own counters) */
  onPhase?: (phase: 'measure' | 'end') => void;
};

export async function loadTestTarget(o: TargetRun): Promise<LoadTestResult> {
  assertLoopback(o.target);
  const plan = planPinning(undefined, { disable: o.pin === false || o.inProcess });
  const targets = o.processes ?? [];
  const notes = [...(o.notes ?? []), ...(plan.note ? [plan.note] : []), ...pinSut(targets.map((t) => t.pid), plan)];
  let before: ProcSample | undefined;
  let after: ProcSample | undefined;
  const onPhase = (phase: 'measure' | 'end') => {
    if (phase === 'measure') before = sampleProcesses(targets);
    else after = sampleProcesses(targets);
    o.onPhase?.(phase);
  };
  const { target, scenario, processes: _p, pin: _pin, inProcess, blueprint, layout, notes: _n, onProgress, onPhase: _op, ...driverOptions } = o;
  let report;
  let driverPid: number | null = null;
  if (inProcess) {
    // Sharing a process (and maybe a core) with others: no busy waiting for timer precision.
    report = await runDriver(await loadScenario(scenario), { precise: false, ...driverOptions, baseUrl: target, onProgress, onPhase });
  } else {
    const run = await runDriverInChild(scenario, { precise: plan.driver !== null, ...driverOptions, baseUrl: target }, { plan, onProgress, onPhase });
    report = run.report;
    driverPid = run.pid;
    notes.push(...run.notes);
  }
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
 * The same with k6 as the driver: run the script (pinned to the driver core), sample the
 * system's processes around it and read k6's summary into the result format. `operations` are
 * the operation tags the script uses.
 */
export async function loadTestTargetK6(o: {
  target: string;
  script: string;
  operations: readonly string[];
  processes?: ProcTarget[];
  pin?: boolean;
  rate?: number | null;
  blueprint?: string | null;
  layout?: string | null;
  notes?: string[];
  ndjson?: boolean;
  onLine?: (line: string) => void;
}): Promise<LoadTestResult> {
  const { runK6, k6Result } = await import('./k6.js');
  assertLoopback(o.target);
  const targets = o.processes ?? [];
  const plan = planPinning(undefined, { disable: o.pin === false });
  const notes = [...(o.notes ?? []), ...(plan.note ? [plan.note] : []), ...pinSut(targets.map((t) => t.pid), plan)];
  const before = sampleProcesses(targets);
  const started = new Date().toISOString();
  const run = await runK6({ script: o.script, operations: o.operations, cpuList: plan.driver, ndjson: o.ndjson, onLine: o.onLine });
  const after = sampleProcesses(targets);
  notes.push('k6: process CPU covers the whole k6 run (its warm-up and graceful stop included)');
  return k6Result(run.summary, {
    blueprint: o.blueprint,
    layout: o.layout,
    target: o.target,
    rate: o.rate ?? null,
    started,
    exitCode: run.exitCode,
    counts: run.counts,
    processes: processUsage(before, after),
    pinning: plan,
    notes,
  });
}
