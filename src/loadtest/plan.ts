// What to run: the blueprint's workload, overridden by the command line. Pure.
import { operationIndex, isPublic } from '../model/resolve.js';
import { didYouMean } from '../model/diagnostics.js';
import type { Blueprint } from '../model/schema.js';

export type LoadPlan = {
  model: 'open' | 'closed';
  /** open: requests per second */
  rate: number | null;
  /** closed: connections */
  users: number | null;
  /** seconds */
  duration: number;
  warmup: number;
  /** closed: seconds a user waits after each answer (0: back to back, the maximum throughput) */
  thinkTime: number;
  /** operation id → relative weight */
  mix: Record<string, number>;
};

/**
 * Warm-up when neither the command line nor the workload gives one: long enough that V8 has
 * optimised the hot paths and every connection pool (driver → gateway → units → PostgreSQL) is
 * full. Measured on the reference services: the running microservices p95 settles after about
 * 10 s at 40/s (150 ms after 1 s, 53 ms after 19 s when the warm-up was counted).
 */
export const DEFAULT_WARMUP_SECONDS = 10;

export type PlanOverrides = { operations?: string[]; rate?: number; users?: number; thinkTime?: number; duration?: number; warmup?: number };

export function planLoad(bp: Blueprint | null, o: PlanOverrides): LoadPlan {
  const w = bp?.workload;
  const users = o.users ?? (o.rate === undefined ? w?.users : undefined) ?? null;
  const rate = users !== null ? null : (o.rate ?? w?.rate ?? null);
  if (users === null && rate === null) throw new Error('no load given: pass --rate R (open model) or --users N (closed model), or give the blueprint a workload');
  let mix: Record<string, number> = { ...(w?.mix ?? {}) };
  if (o.operations?.length) {
    const chosen: Record<string, number> = {};
    for (const id of o.operations) chosen[id] = mix[id] ?? 1;
    mix = chosen;
  }
  if (bp) {
    const idx = operationIndex(bp);
    for (const id of Object.keys(mix)) {
      const ref = idx.get(id);
      if (!ref) throw new Error(`unknown operation "${id}"${didYouMean(id, [...idx.keys()])}`);
      if (!isPublic(ref.op)) throw new Error(`operation "${id}" is internal: it has no public route to load-test`);
    }
  }
  return {
    model: users !== null ? 'closed' : 'open',
    rate,
    users,
    duration: o.duration ?? (w ? w.duration / 1000 : 30),
    warmup: o.warmup ?? (w && w.warmup > 0 ? w.warmup / 1000 : DEFAULT_WARMUP_SECONDS),
    // The workload's think time belongs to its users; --users alone means back to back.
    thinkTime: users === null ? 0 : (o.thinkTime ?? (o.users === undefined && w?.thinkTime ? w.thinkTime.mean / 1000 : 0)),
    mix,
  };
}
