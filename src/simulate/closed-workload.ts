// Why a command that compares layouts at one open rate (compare, report) refuses a closed
// workload. Such a command sets every layout at the same rate (its latencies, its cost per
// million requests, its fault runs, a baseline's causes); a closed workload (users who think
// between requests) has none: each layout serves its own throughput, N / (R + Z). Both commands
// once compared at an invented 100/s, figures of a load the blueprint never describes.
import { UsageError } from '../errors.js';
import type { Blueprint } from '../model/schema.js';
import { rateText } from '../words.js';
import { analyze } from './analytic.js';
import type { Compiled } from './compile.js';
import type { WorkloadSpec } from './types.js';

/**
 * The refusal, with each layout's throughput under that workload (the analytic solve `archsim
 * simulate --method analytic` makes), so the rate to pass is at hand. `what`: "a report compares
 * layouts", "compare sets the layouts".
 */
/** A layout's throughput under the blueprint's own (closed) workload, req/s: the analytic solve's. */
export function closedThroughputOf(bp: Blueprint, layout: string, compiled?: Compiled): number {
  return analyze(bp, layout, compiled ? { compiled } : {}).operations.reduce((sum, op) => sum + op.throughput, 0);
}

export function closedWorkloadError(bp: Blueprint, w: WorkloadSpec, compiled: ReadonlyMap<string, Compiled>, what: string): UsageError {
  const think = w.thinkTime?.mean ?? 0;
  const throughputs = [...compiled].map(([l, c]) => `${rateText(closedThroughputOf(bp, l, c))} in ${l}`);
  return new UsageError(`the blueprint's workload is closed (${w.users} users, each thinking ${think} ms between requests): ${what} at one open rate, which a closed workload does not have (it serves ${throughputs.join(', ')}); pass --rate`);
}
