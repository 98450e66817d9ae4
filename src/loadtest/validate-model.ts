// archsim's loop, closed: measure one layout of the reference services, calibrate the blueprint
// from it, predict another layout with the simulator, measure that one too, and report the error.
//
// The prediction models what the run really had (`host`): this machine's cores shared by every
// unit, PostgreSQL and the load driver, the driver's own CPU per request included.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { loadBlueprint } from '../io/load.js';
import type { Blueprint } from '../model/schema.js';
import { analyze } from '../simulate/analytic.js';
import { simulate } from '../simulate/simulate.js';
import { calibrate, overlayYaml } from './calibrate.js';
import { measureLayout } from './layout-run.js';
import { planLoad, type LoadPlan } from './plan.js';
import type { LoadTestResult } from './result.js';

export interface ValidateModelOptions {
  calibrateOn: string;
  predict: string[];
  /** open-model rate of the latency runs (req/s) */
  rate: number;
  /** seconds per measured run */
  duration: number;
  /** connections of the closed (maximum throughput) runs */
  connections: number;
  portOffset?: number;
  log?: (line: string) => void;
}

export interface OperationComparison {
  id: string;
  predicted: { p50: number; p95: number };
  measured: { p50: number; p95: number };
  error: { p50: number; p95: number };
}

export interface LayoutComparison {
  layout: string;
  role: 'calibrated' | 'predicted';
  rate: number;
  operations: OperationComparison[];
  maxThroughput: { predicted: number; measured: number; error: number };
}

export interface ModelValidation {
  blueprint: string;
  machine: { cores: number; cpu: string; node: string };
  calibrateOn: string;
  overlay: string;
  layouts: LayoutComparison[];
  /** median absolute relative error over the predicted layouts' operations */
  summary: { p50: number; p95: number; maxThroughput: number };
  notes: string[];
}

/** Relative error of a prediction: (predicted − measured) / measured. */
export const relError = (predicted: number, measured: number): number => (measured > 0 ? (predicted - measured) / measured : Number.NaN);

function median(xs: number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Compare a prediction with a measurement: pure. */
export function compareLayout(layout: string, role: LayoutComparison['role'], rate: number, predicted: ReturnType<typeof simulate>, measured: LoadTestResult, predictedMax: number, measuredMax: number): LayoutComparison {
  const operations: OperationComparison[] = [];
  for (const m of measured.operations) {
    const p = predicted.operations.find((o) => o.id === m.id);
    if (!p || !m.latency) continue;
    operations.push({
      id: m.id,
      predicted: { p50: p.latency.p50, p95: p.latency.p95 },
      measured: { p50: m.latency.p50, p95: m.latency.p95 },
      error: { p50: relError(p.latency.p50, m.latency.p50), p95: relError(p.latency.p95, m.latency.p95) },
    });
  }
  return { layout, role, rate, operations, maxThroughput: { predicted: predictedMax, measured: measuredMax, error: relError(predictedMax, measuredMax) } };
}

function measure(bp: Blueprint, file: string, layout: string, plan: LoadPlan, o: ValidateModelOptions): Promise<LoadTestResult> {
  return measureLayout(bp, file, layout, plan, { portOffset: o.portOffset ?? 0, timeoutMs: 10_000 });
}

export async function validateModel(file: string, o: ValidateModelOptions): Promise<ModelValidation> {
  const log = o.log ?? (() => undefined);
  const { blueprint: bp } = loadBlueprint(file);
  const open = (rate: number) => planLoad(bp, { rate, duration: o.duration, warmup: 2 });
  // Maximum throughput: closed connections, no think time. Operations that use up what they
  // touch (a refresh token, a relay message to acknowledge) are left out: a closed run's count
  // cannot be known ahead to seed enough of them.
  // The load profile's single-use pools (refresh tokens, relay messages to acknowledge).
  const singleUse = ['auth.refresh', 'relay.ack'];
  const closedOps = Object.keys(bp.workload?.mix ?? {}).filter((id) => !singleUse.includes(id));
  const closed = planLoad(bp, { users: o.connections, duration: o.duration, warmup: 2, operations: closedOps });
  const notes: string[] = [`maximum-throughput runs leave out ${singleUse.filter((id) => id in (bp.workload?.mix ?? {})).join(' and ') || 'nothing'} (single-use tokens and messages)`];

  // 1. Measure the calibration layout at two rates (the regression needs more than one point).
  const calRuns: LoadTestResult[] = [];
  for (const rate of [o.rate, o.rate * 2]) {
    log(`measuring ${o.calibrateOn} at ${rate}/s for ${o.duration}s`);
    calRuns.push(await measure(bp, file, o.calibrateOn, open(rate), o));
  }
  log(`measuring ${o.calibrateOn}'s maximum throughput (${o.connections} connections)`);
  const calMax = await measure(bp, file, o.calibrateOn, closed, o);

  // 2. Calibrate, and load the overlay the way a user would.
  const cal = calibrate(bp, calRuns, { layout: o.calibrateOn });
  notes.push(...cal.warnings);
  const dir = mkdtempSync(join(os.tmpdir(), 'archsim-validate-'));
  const overlayPath = join(dir, `${bp.metadata.name}.calibrated.yaml`);
  writeFileSync(overlayPath, overlayYaml(bp, cal, { extendsPath: file.startsWith('/') ? file : join(process.cwd(), file), sources: calRuns.map((r) => `${r.run.layout} at ${r.run.rate}/s`) }));
  const calibrated = loadBlueprint(overlayPath).blueprint;

  // 3. The host the runs had: every process on this machine's cores, the driver's CPU included.
  const driverCpu = median(calRuns.map((r) => (r.driver && r.totals.requests ? (r.driver.cpuSeconds * 1000) / r.totals.requests : Number.NaN)));
  const host = { cores: os.cpus().length, ...(Number.isFinite(driverCpu) ? { driverCpu } : {}) };
  const predictFor = (layout: string, rate: number) => simulate(calibrated, layout, { method: 'des', rate, duration: 120_000, warmup: 5_000, seed: 1, host });
  const closedMix = Object.fromEntries(closedOps.map((id) => [id, bp.workload!.mix[id]!]));
  const maxFor = (layout: string) => analyze(calibrated, layout, { rate: o.rate, host, mix: closedMix }).saturationThroughput;

  const layouts: LayoutComparison[] = [compareLayout(o.calibrateOn, 'calibrated', o.rate, predictFor(o.calibrateOn, o.rate), calRuns[0]!, maxFor(o.calibrateOn), calMax.totals.throughput)];

  // 4. Predict and measure the other layouts.
  for (const layout of o.predict) {
    log(`measuring ${layout} at ${o.rate}/s for ${o.duration}s`);
    const m = await measure(bp, file, layout, open(o.rate), o);
    log(`measuring ${layout}'s maximum throughput (${o.connections} connections)`);
    const mx = await measure(bp, file, layout, closed, o);
    layouts.push(compareLayout(layout, 'predicted', o.rate, predictFor(layout, o.rate), m, maxFor(layout), mx.totals.throughput));
  }
  const predicted = layouts.filter((l) => l.role === 'predicted');
  const ops = predicted.flatMap((l) => l.operations);
  return {
    blueprint: bp.metadata.name,
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model.trim() ?? 'unknown', node: process.version },
    calibrateOn: o.calibrateOn,
    overlay: overlayPath,
    layouts,
    summary: {
      p50: median(ops.map((x) => Math.abs(x.error.p50))),
      p95: median(ops.map((x) => Math.abs(x.error.p95))),
      maxThroughput: median(predicted.map((l) => Math.abs(l.maxThroughput.error))),
    },
    notes,
  };
}
