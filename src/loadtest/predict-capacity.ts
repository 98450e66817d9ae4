// The maximum throughput a model predicts for a measured capacity run, predicted the way the run
// measured it. The load tester measures capacity with a closed model (N connections back to back,
// layout-run.ts), so the prediction is the DES's throughput of N users without think time on the
// same host: the same quantity, not the open model's saturation rate.
//
// Why not the analytic saturation rate (what validate-model used until 2026-12-05): it is another
// quantity, the rate at which an open workload's queues grow without bound, and the closed
// figure depends on the connections (two 1 ms units on one core: 400/s with 2 connections, 500
// with 4 or more). And its cold visits (cold-visit.ts) are a mean-field estimate: each process
// pays its extra by how often it holds work, taken from the mean number of busy processes, which
// on a layout of many small processes leaves most extras in place until the host is nearly full:
// microservices came out at 78/s against 104 measured (2026-12-05 01:27 runs), where the DES of
// 16 connections, whose processes go idle only when they are, gives 98/s. An open capacity run
// (a user's own) keeps the analytic rate: it has no connection count.
import type { Blueprint } from '../model/schema.js';
import { analyze } from '../simulate/analytic.js';
import { simulate } from '../simulate/simulate.js';
import type { HostModel } from '../simulate/types.js';
import type { LoadTestResult } from './result.js';

export type CapacityPrediction = {
  /** requests per second */
  rate: number;
  /** 'closed': the DES of the run's connections; 'saturation': the analytic open-model saturation rate */
  method: 'closed' | 'saturation';
};

/** How long every validate-model prediction simulates (the levels' and this one), and its warm-up, ms; seed 1. */
export const PREDICTION = { durationMs: 60_000, warmupMs: 5_000, seed: 1 } as const;

/**
 * The capacity `bp`'s `layout` is predicted to have for the capacity run `run` (its mix `mix`) on
 * `host`. Deterministic (PREDICTION's seed).
 */
export function predictCapacity(bp: Blueprint, layout: string, run: LoadTestResult, mix: Record<string, number>, host: HostModel): CapacityPrediction {
  const users = run.run.model === 'closed' ? run.run.connections : null;
  if (!users) return { rate: analyze(bp, layout, { rate: 1, host, mix }).saturationThroughput, method: 'saturation' };
  const r = simulate(bp, layout, { method: 'des', users, thinkTime: { dist: 'const', mean: 0, cv: 0 }, mix, duration: PREDICTION.durationMs, warmup: PREDICTION.warmupMs, seed: PREDICTION.seed, host });
  return { rate: r.operations.reduce((a, o) => a + o.throughput, 0), method: 'closed' };
}
