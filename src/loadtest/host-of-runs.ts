// The host a set of measured runs had, as the simulator models it (HostModel): how many cores
// the system under test had to itself and whether the load driver's CPU was on them.
import os from 'node:os';
import * as ss from 'simple-statistics';
import type { HostModel } from '../simulate/types.js';
import type { LoadTestResult } from './result.js';

/** How many cores a taskset list names: "0" → 1, "0-2" → 3, "0,2-3" → 3. */
export function cpuListSize(list: string): number {
  let n = 0;
  for (const part of list.split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (Number.isInteger(a) && (b === undefined || Number.isInteger(b))) n += b === undefined ? 1 : b - a! + 1;
  }
  return n;
}

/**
 * How a run's requests arrived, as the simulator's workload says it: archsim's drivers send an
 * open workload evenly spaced with the mix in a fixed interleaved order (the embedded driver's
 * schedule and weighted round robin; k6's constant-arrival-rate executor), so a prediction of the
 * run simulates paced arrivals. Poisson arrivals at the same rate queue far more (at 75% of a
 * monolith's capacity, 2026-12-02 15:28 runs: p50 30 ms predicted with Poisson, 12 ms paced; 7.7 ms
 * measured).
 * As simulate options: `{ arrivals: 'paced' }`, or nothing (a closed run has no arrival process).
 */
export function arrivalsOf(r: LoadTestResult): { arrivals?: 'paced' } {
  return r.run.model === 'open' ? { arrivals: 'paced' } : {};
}

/**
 * The host the runs had. Pinned runs gave the system under test its own cores (every unit,
 * the gateway and PostgreSQL share them) and the driver another: the driver's CPU is not on
 * the system's host. Unpinned runs shared every core with the driver, whose CPU per request
 * is the runs' median.
 */
export function hostOfRuns(runs: readonly LoadTestResult[]): Required<Omit<HostModel, 'coldVisit' | 'coldVisitDb' | 'poolWeight' | 'sharing' | 'slice'>> {
  const sut = runs[0]?.run.pinning?.sut;
  if (sut && runs.every((r) => r.run.pinning?.sut === sut)) return { cores: Math.max(1, cpuListSize(sut)), driverCpu: 0, idleSlowdown: 0 };
  const perRequest = runs.filter((r) => r.driver && r.totals.requests > 0).map((r) => (r.driver!.cpuSeconds * 1000) / r.totals.requests);
  return { cores: runs[0]?.run.machine.cores ?? os.availableParallelism(), driverCpu: perRequest.length ? ss.median(perRequest) : 0.05, idleSlowdown: 0 };
}
