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
  /** operation id → relative weight */
  mix: Record<string, number>;
};

export type PlanOverrides = { operations?: string[]; rate?: number; users?: number; duration?: number; warmup?: number };

export function planLoad(bp: Blueprint | null, o: PlanOverrides): LoadPlan {
  const w = bp?.workload;
  if (w?.thinkTime && o.users === undefined && o.rate === undefined && w.users) {
    // A closed workload with think time is not a maximum-throughput test; the driver runs users
    // without think time, so say so rather than silently change the load.
    throw new Error('the blueprint workload has users with think time; the embedded driver runs closed users without think time: pass --users N or --rate R');
  }
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
    warmup: o.warmup ?? (w ? w.warmup / 1000 : 0),
    mix,
  };
}
