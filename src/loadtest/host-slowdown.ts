// How much slower work runs on an idle host than on a busy one, measured from one layout's runs
// at several loads (HostModel.idleSlowdown).
//
// On this machine (2 cores, the system pinned to one), the monolith's processes spent 8.2 ms of
// CPU per request with the core 43% busy and 6.2 ms with it 97% busy, and every operation's own
// CPU fell alike (messages.conversation 1.02 → 0.55 ms, auth.verify-token 0.58 → 0.50 ms): caches
// stay warm, a core is not woken from an idle state, a virtual CPU is not descheduled. A figure
// per request that ignores it is right at one load only: calibrated on the levels' mix, it
// over-states a busy host (the simulator saturates a layout that ran at 75% of its capacity) and
// under-states an idle one. Fitted as CPU per request = D·(1 + β·(1 − U)), U the host's busy
// fraction: β is the host's, D what a request costs on a busy core.
import * as ss from 'simple-statistics';
import { hostOfRuns } from './host-of-runs.js';
import type { LoadTestResult } from './result.js';

export interface SlowdownFit {
  /** β: work that starts on an idle core costs 1 + β times its busy-core figure */
  idleSlowdown: number;
  /** ms of CPU per request on a busy host (the fit at U = 1) */
  busyMs: number;
  /** per run: the host's busy fraction and the system's CPU per request, what the line was fitted to */
  points: { busy: number; cpuMs: number; requests: number }[];
  /** the request-weighted mean of 1 + β(1 − U) over the runs: what figures pooled over them carry */
  pooledFactor: number;
}

/**
 * One run's point: the system's CPU (every process but the driver; the measured idle background
 * left out, it is modelled on its own) per request, and how busy the host was (the driver's CPU
 * counts where it shared the system's cores).
 */
export function slowdownPoint(run: LoadTestResult): { busy: number; cpuMs: number; requests: number } | null {
  const T = run.run.duration;
  const n = run.totals.requests;
  if (!(T > 0) || !(n > 0)) return null;
  // A database's maintenance (autovacuum, checkpoints: proc.ts) comes in bursts of seconds that
  // fall in one run and not the next; in a run it lands in, it reads as the host getting slower
  // per request (1.6 s of autovacuum in one 3-s window). The calibration charges it on its own,
  // averaged over the runs, so the slope is fitted on the rest.
  const cpu = ss.sum(run.processes.filter((p) => p.role !== 'driver').map((p) => p.cpuSeconds - (p.maintenanceCpuSeconds ?? 0)));
  const idle = run.idle ? ss.sum(run.idle.filter((p) => p.role !== 'driver').map((p) => p.cpuUtilization)) : 0;
  const host = hostOfRuns([run]);
  const driver = host.driverCpu > 0 ? (run.driver?.cpuSeconds ?? 0) : 0;
  return { busy: Math.min(1, (cpu + driver) / (host.cores * T)), cpuMs: (Math.max(0, cpu - idle * T) * 1000) / n, requests: n };
}

/**
 * β from the runs, or null when they cannot tell it: one load, loads too alike, CPU per request
 * not falling with load, or a run without its no-load reading (then a constant background, spread
 * over more requests at a higher rate, would look the same as a host getting faster).
 */
export function fitIdleSlowdown(runs: readonly LoadTestResult[]): SlowdownFit | null {
  if (runs.some((r) => !r.idle)) return null;
  const points = runs.map(slowdownPoint).filter((p): p is NonNullable<typeof p> => !!p);
  if (points.length < 2) return null;
  const xs = points.map((p) => 1 - p.busy);
  if (Math.max(...xs) - Math.min(...xs) < 0.1) return null;
  const { m: W, b: D } = ss.linearRegression(points.map((p, i) => [xs[i]!, p.cpuMs]));
  if (!(W > 0) || !(D > 0)) return null;
  const beta = Math.min(3, W / D);
  const total = ss.sum(points.map((p) => p.requests));
  const pooledFactor = ss.sum(points.map((p, i) => p.requests * (1 + beta * xs[i]!))) / total;
  return { idleSlowdown: round(beta), busyMs: round(D), points: points.map((p) => ({ busy: round(p.busy), cpuMs: round(p.cpuMs), requests: p.requests })), pooledFactor: round(pooledFactor) };
}

const round = (x: number) => Math.round(x * 10000) / 10000;
