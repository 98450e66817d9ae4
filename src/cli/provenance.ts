// How sweep's and compare's figures were obtained (method, seed, run length, warm-up,
// replications), for their JSON and their text headers: a figure without it cannot be
// reproduced, and a CI reading the JSON could not tell a 3 s run from a 60 s one.
import type { Blueprint } from '../model/schema.js';
import type { Scenario } from '../simulate/scenario.js';
import type { SimulationResult, SweepResult, WorkloadSpec } from '../simulate/types.js';
import { workloadFor } from '../simulate/workload.js';
import { secondsWords } from '../words.js';

/** A DES run's settings: seed, replications, simulated time and warm-up (ms), requests when the run was counted in them. */
export interface DesRun {
  seed: number;
  replications: number;
  /** simulated time of each run, ms (the warm-up included) */
  duration: number;
  /** the first part of each run left out of the figures, ms */
  warmup: number;
  /** the run's length was set by this many requests */
  requests?: number;
}

/** What sweep's `p95` is (kept under that key for compatibility): said in its JSON. */
export const SWEEP_P95_OF = "the slowest operation: each point's p95 is the largest p95 (ms) among the operations of the mix at that rate";

export function desRun(r: Pick<SimulationResult, 'seed' | 'replications' | 'workload'>): DesRun {
  return { seed: r.seed, replications: r.replications, duration: r.workload.duration, warmup: r.workload.warmup, ...(r.workload.requests !== undefined ? { requests: r.workload.requests } : {}) };
}

/** "seed 5, 3 s per run, 0.3 s warm-up" (with the replications and requests when there are). */
export function desRunText(d: DesRun, per = 'run'): string {
  const reps = d.replications > 1 ? `${d.replications} replications of ` : '';
  const length = d.requests !== undefined ? `${d.requests} requests (${secondsWords(d.duration)})` : secondsWords(d.duration);
  return `seed ${d.seed}, ${reps}${length}${reps ? '' : ` per ${per}`}, ${secondsWords(d.warmup)} warm-up`;
}

/** sweep --json: the curve, how its points were obtained, what its p95 is, and every note the text prints. */
export function sweepJson(s: SweepResult, run: DesRun | undefined, notes: string[]): unknown {
  // Every field of the result kept (a field added to SweepResult reaches the JSON as before).
  const { layout, method, points, ...rest } = s;
  return { layout, method, ...(run ?? {}), points, p95Of: SWEEP_P95_OF, ...rest, notes };
}

/** compare's fault-isolation runs: a DES per scenario and layout, one seed, each scenario's own run length. */
export interface FaultRuns {
  method: 'des';
  seed: number;
  replications: 1;
  scenarios: { name: string; duration: number; warmup: number }[];
}

/**
 * The run length of each scenario as the fault runs take it (simulate.ts: the scenario's own
 * workload, the compared rate over it, else the blueprint's): workloadFor's defaults, not a copy.
 */
export function faultRuns(bp: Blueprint, scenarios: readonly Scenario[], seed: number, rate: number | undefined): FaultRuns {
  return {
    method: 'des',
    seed,
    replications: 1,
    scenarios: scenarios.map((sc) => {
      const sw = sc.workload ?? {};
      let w: WorkloadSpec | undefined;
      try {
        w = workloadFor(bp, { ...(sw.duration !== undefined ? { duration: sw.duration } : {}), ...(sw.warmup !== undefined ? { warmup: sw.warmup } : {}), ...(sw.mix !== undefined ? { mix: sw.mix } : {}), ...(rate !== undefined ? { rate } : sw.rate !== undefined ? { rate: sw.rate } : {}) });
      } catch {
        w = undefined;
      }
      return { name: sc.name, duration: w?.duration ?? NaN, warmup: w?.warmup ?? NaN };
    }),
  };
}

