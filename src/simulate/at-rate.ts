// The figures of one layout at one rate, for compare and report: the analytic solution, unless
// it rests on the revisit approximation (analytic.ts REVISIT_MARK) with a revisited station at
// ρ ≥ REVISIT_DES_RHO, where that model is least accurate (near 5% on the mean, 10–20% on p95 at
// 80% of saturation), or on the shared-host approximation (HOST_MARK: every process on one host's
// cores, compare --calibration; −33% to +62% on the mean). There the figures come from a seeded
// DES instead (deterministic: the same inputs give the same result), and a note says so with what
// it ran; below it the analytic result carries the revisit warning with its bound. Its cost:
// DES_REQUESTS simulated requests per such layout, about 0.1–0.4 s of one core (on a 2-core
// shared host, 0.7–0.9 s for a five-layout compare in all; docs/commands-simulate.md). Pure.
import { rateText } from '../words.js';
import type { Blueprint, Profile } from '../model/schema.js';
import { analyze, coresWord, HOST_LATENCY_RANGE, REVISIT_DES_RHO, REVISIT_MARK, SPAWN_MARK } from './analytic.js';
import type { Compiled } from './compile.js';
import { PROFILE_PEAK_MARK } from './overload.js';
import { simulate } from './simulate.js';
import type { HostModel, SimulationResult } from './types.js';

/** Simulated requests for one layout's figures at the rate (in DES_REPLICATIONS replications). */
export const DES_REQUESTS = 60_000;
export const DES_REPLICATIONS = 3;
const WARMUP_MS = 5_000;

export interface AtRate {
  result: SimulationResult;
  /** set when the figures come from the DES: why, and what was run */
  note?: string;
  /** set with the note: the DES run itself, for a report to state (collect.ts desRuns) */
  des?: { reason: string; requests: number; replications: number; seed: number };
}

export function figuresAtRate(bp: Blueprint, layout: string, rate: number, o: { compiled: Compiled; mix?: Record<string, number>; host?: HostModel; seed?: number; profile?: Profile }): AtRate {
  const base = { rate, compiled: o.compiled, ...(o.mix ? { mix: o.mix } : {}), ...(o.host ? { host: o.host } : {}) };
  const a = analyze(bp, layout, { ...base, ...(o.profile ? { profile: o.profile } : {}) });
  // A load profile whose peak passes the saturation rate: the analytic figures are the mean
  // rate's and show no queue at all, so they come from a DES that runs the profile over the
  // workload's own duration (the line it builds and drains, and `saturated` by that backlog).
  const peak = !a.saturated && o.profile ? a.warnings.find((w) => w.startsWith(PROFILE_PEAK_MARK)) : undefined;
  if (peak) {
    // Stryker disable next-line StringLiteral: 'des' is simulate()'s default method too; said here for the reader
    const d = simulate(bp, layout, { ...base, profile: o.profile!, method: 'des', seed: o.seed ?? 1, replications: DES_REPLICATIONS });
    const n = d.stats?.requests ?? Math.round((rate * d.workload.duration) / 1000) * DES_REPLICATIONS;
    return {
      result: d,
      note: `${layout}: latencies from the DES running the load profile over the workload's ${d.workload.duration / 1000} s (${n} simulated requests in ${DES_REPLICATIONS} replications, seed ${o.seed ?? 1}), not the analytic method's at the profile's mean rate of ${rateText(rate)}, which show no queue: ${peak}`,
      des: { reason: peak, requests: n, replications: DES_REPLICATIONS, seed: o.seed ?? 1 },
    };
  }
  // Past saturation the analytic answer (unbounded, the station named) is the right one: on a
  // shared host too, where the analytic saturation is within −1.4% to +4.8% of the DES's
  // (host-threads.ts), so past it the DES is saturated or within a few percent of it.
  if (a.saturated) return { result: a };
  const why = o.host ? `on a host of ${coresWord(o.host.cores)} shared by every process, where the analytic method's host model is an approximation (${HOST_LATENCY_RANGE} on the mean against the DES)` : (revisitReason(a) ?? spawnReason(a));
  if (!why) return { result: a };
  // Long enough for DES_REQUESTS in all, and never under 20 s of measured time per replication.
  const measured = Math.max(20_000, ((DES_REQUESTS / DES_REPLICATIONS) * 1000) / rate);
  // Stryker disable next-line StringLiteral: as above
  const d = simulate(bp, layout, { ...base, method: 'des', duration: WARMUP_MS + measured, warmup: WARMUP_MS, seed: o.seed ?? 1, replications: DES_REPLICATIONS });
  const n = Math.round((rate * measured) / 1000) * DES_REPLICATIONS;
  return {
    result: d,
    note: `${layout} at ${rateText(rate)}: latencies from the DES (${n} simulated requests in ${DES_REPLICATIONS} replications, seed ${o.seed ?? 1}), not the analytic method: ${why}`,
    des: { reason: why, requests: n, replications: DES_REPLICATIONS, seed: o.seed ?? 1 },
  };
}

/** Why the analytic figures understate the waits where requests bring their own event work (analytic.ts SPAWN_MARK), or null. */
function spawnReason(a: SimulationResult): string | null {
  const w = a.warnings.find((x) => x.includes(SPAWN_MARK));
  if (!w) return null;
  const stations = w.slice('analytic: '.length, w.indexOf(' run'));
  return `${stations} ${stations.includes(',') ? 'run' : 'runs'} ${SPAWN_MARK}, which arrives with the request that emits it, where the analytic method counts it as independent and understates the waits (−15% to −22% on the mean)`;
}

/** Why the revisit model should not give these figures (a revisited station near saturation), or null. */
function revisitReason(a: SimulationResult): string | null {
  const revisit = a.warnings.find((w) => w.includes(REVISIT_MARK));
  if (!revisit) return null;
  const stations = revisit.slice('analytic: '.length, revisit.indexOf(REVISIT_MARK)).replace(/ (is|are) $/, '');
  const busiest = Math.max(...stations.split(', ').flatMap((id) => a.stations.filter((s) => s.id === id && s.kind !== 'network').map((s) => s.utilization)));
  if (!(busiest >= REVISIT_DES_RHO)) return null;
  return `${stations} ${stations.includes(',') ? 'are' : 'is'} ${REVISIT_MARK}, at ρ ${busiest.toFixed(2)}, near saturation, where the analytic method's revisit model is least accurate`;
}
