// From a driver's report and the processes' measured usage to the result file's shape.
import os from 'node:os';
import { LoadTestResult, type ProcessUsage } from './result.js';
import type { DriverReport } from './driver/run.js';
import type { PinPlan } from './pin.js';

export function machine(): LoadTestResult['run']['machine'] {
  const cpus = os.cpus();
  return { cores: os.availableParallelism(), cpuModel: cpus[0]?.model.trim() ?? 'unknown', node: process.version, os: `${os.platform()} ${os.release()}` };
}

export type RunContext = {
  blueprint?: string | null;
  layout?: string | null;
  target: string;
  processes?: ProcessUsage[];
  pinning?: PinPlan | null;
  /** the driver's pid when it ran in its own process */
  driverPid?: number | null;
  notes?: string[];
};

export function embeddedResult(r: DriverReport, ctx: RunContext): LoadTestResult {
  return LoadTestResult.parse({
    schemaVersion: 1,
    run: {
      blueprint: ctx.blueprint ?? null,
      layout: ctx.layout ?? null,
      target: ctx.target,
      driver: 'embedded',
      model: r.model,
      rate: r.rate,
      connections: r.connections,
      duration: r.duration,
      warmup: r.warmup,
      started: r.started,
      machine: machine(),
      pinning: ctx.pinning ?? null,
      notes: [...(ctx.notes ?? []), ...r.notes],
    },
    operations: r.operations,
    totals: r.totals,
    processes: ctx.processes ?? [],
    driver: { ...r.driver, pid: ctx.driverPid ?? r.driver.pid },
  });
}
