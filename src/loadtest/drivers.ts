// The load driver seam: the embedded open/closed-model driver and k6 both take a started system
// under test and a load plan, and return a result in archsim's format. A new driver is one more
// LoadDriver in DRIVERS.
import { UsageError } from '../errors.js';
import type { Progress } from './driver/index.js';
import type { SystemUnderTest } from './layout-run.js';
import { findK6, type K6Exports } from './k6.js';
import type { LoadPlan } from './plan.js';
import type { LoadTestResult } from './result.js';
import { loadTestTarget, loadTestTargetK6 } from './target.js';

/** What a driver is handed: a started system, the load to put on it, what to record. */
export interface DriveRequest {
  sut: SystemUnderTest;
  plan: LoadPlan;
  blueprint: string | null;
  layout: string | null;
  /** k6: the script to run (the layout's generated script, or the user's) and, for archsim's own, its exports */
  k6Script?: () => Promise<string>;
  k6Exports?: K6Exports;
  timeoutMs?: number;
  /** open model: bound on requests in flight (closed model: plan.users) */
  connections?: number;
  pin?: boolean;
  onProgress?: (p: Progress) => void;
  /** k6's own output lines */
  onLine?: (line: string) => void;
  /** k6: its setup() is over and the first scenario request went out */
  onStarted?: (atMs: number) => void;
}

/** The load driver seam: the embedded driver and k6 both take a started system and return a result. */
export interface LoadDriver {
  readonly name: 'embedded' | 'k6';
  drive(r: DriveRequest): Promise<LoadTestResult>;
}

export const embeddedDriver: LoadDriver = {
  name: 'embedded',
  async drive(r) {
    return loadTestTarget({
      target: r.sut.baseUrl,
      scenario: r.sut.scenario,
      processes: r.sut.processes,
      model: r.plan.model,
      rate: r.plan.rate ?? undefined,
      connections: r.plan.users ?? r.connections,
      duration: r.plan.duration,
      warmup: r.plan.warmup,
      ...(r.plan.thinkTime ? { thinkTimeMs: r.plan.thinkTime * 1000 } : {}),
      ...(r.timeoutMs !== undefined ? { timeoutMs: r.timeoutMs } : {}),
      ...(r.pin !== undefined ? { pin: r.pin } : {}),
      blueprint: r.blueprint,
      layout: r.layout,
      notes: [...r.sut.notes, ...(r.plan.model === 'open' ? ['embedded driver: latency counts from each request’s scheduled start, so queueing behind a stalled system is included'] : [])],
      ...(r.onProgress ? { onProgress: r.onProgress } : {}),
    });
  },
};

export const k6Driver: LoadDriver = {
  name: 'k6',
  async drive(r) {
    if (!findK6()) throw new UsageError('--driver k6: no k6 on PATH and no K6_BIN (install k6 v0.53+: see the README, "Installing k6"); or use --driver embedded');
    if (!r.k6Script) throw new UsageError('--driver k6 with --target needs a blueprint (archsim writes the script) or --k6-script FILE');
    const script = await r.k6Script();
    const ops = Object.keys(r.plan.mix);
    return loadTestTargetK6({
      target: r.sut.baseUrl,
      script,
      ...(r.k6Exports ? { exports: r.k6Exports, duration: r.plan.duration, warmup: r.plan.warmup } : {}),
      operations: ops.length ? ops : ['trivial.get'],
      processes: r.sut.processes,
      pin: r.pin,
      model: r.plan.model,
      rate: r.plan.rate,
      users: r.plan.users,
      blueprint: r.blueprint,
      layout: r.layout,
      notes: r.sut.notes,
      ...(r.onLine ? { onLine: r.onLine } : {}),
      ...(r.onStarted ? { onStarted: r.onStarted } : {}),
    });
  },
};

export const DRIVERS = { embedded: embeddedDriver, k6: k6Driver } as const;

