// Reading the reference services' per-operation CPU profile (reference-services/runtime/op-cpu.ts)
// from each unit's /metrics, before and after a measured window, and the difference: what each
// operation cost each unit in that window. The parse and the difference are pure.
import type { OperationProfile } from './result.js';

export type UnitCounters = {
  ops: Map<string, { loop: number; spans: number; poolTasks: number; pool: number }>;
  threads: { main: number; boot: number; later: number };
  /** how the unit charges a reply read on a client socket (archsim_op_profile_info), when it says */
  replies?: 'sender';
};

/** The archsim_* lines of a Prometheus text exposition. */
export function parseProfileMetrics(text: string): UnitCounters {
  const ops: UnitCounters['ops'] = new Map();
  const threads = { main: 0, boot: 0, later: 0 };
  let replies: UnitCounters['replies'];
  const line = /^(archsim_[a-z_]+)\{([^}]*)\}\s+([-+0-9.eE]+|NaN)$/;
  for (const raw of text.split('\n')) {
    const m = line.exec(raw.trim());
    if (!m) continue;
    const [, name, labels, value] = m;
    const v = Number(value);
    const label = (k: string) => new RegExp(`${k}="((?:[^"\\\\]|\\\\.)*)"`).exec(labels!)?.[1]?.replace(/\\(.)/g, '$1');
    if (name === 'archsim_op_profile_info') {
      if (label('replies') === 'sender' && v === 1) replies = 'sender';
      continue;
    }
    if (name === 'archsim_thread_cpu_seconds_total') {
      const t = label('thread') as keyof typeof threads | undefined;
      if (t && t in threads) threads[t] = v;
      continue;
    }
    const op = label('operation');
    if (op === undefined) continue;
    const e = ops.get(op) ?? { loop: 0, spans: 0, poolTasks: 0, pool: 0 };
    if (name === 'archsim_op_loop_seconds_total') e.loop = v;
    else if (name === 'archsim_op_spans_total') e.spans = v;
    else if (name === 'archsim_op_pool_tasks_total') e.poolTasks = v;
    else if (name === 'archsim_op_pool_seconds_total') e.pool = v;
    else continue;
    ops.set(op, e);
  }
  return { ops, threads, ...(replies ? { replies } : {}) };
}

/** Whether a profile charged a reply read on a client socket to the operation that sent the request (every result since 2026-12-05). */
export const repliesBySender = (p: OperationProfile): boolean => p.replies === 'sender';

/** What a profile from before that means, for whoever names the processes or layouts it covers. */
export const PROFILED_BEFORE_SENDER =
  "profiled before replies were charged to the operation that sent the request (runs measured before 2026-12-05): a query's rows counted outside any operation and were shared over the public requests, a remote call's answer went to the operation that opened the connection; measure again for per-operation figures that hold";

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * One unit's profile over a window (after − before). `cpuSeconds` per operation is the
 * operation's share of the event-loop time times the main thread's measured CPU: the loop
 * timer is wall clock (it counts preemption on a busy host), the thread's CPU is exact.
 */
export function profileDelta(unit: string, before: UnitCounters, after: UnitCounters): OperationProfile {
  const main = Math.max(0, after.threads.main - before.threads.main);
  const offMain = Math.max(0, after.threads.boot + after.threads.later - before.threads.boot - before.threads.later);
  // Threads born after boot are libuv's pool (created at its first task); V8's workers exist from the start.
  const poolThreads = Math.max(0, after.threads.later - before.threads.later);
  const rows = [...after.ops].map(([op, a]) => {
    const b = before.ops.get(op) ?? { loop: 0, spans: 0, poolTasks: 0, pool: 0 };
    return { operation: op, spans: Math.round(a.spans - b.spans), loopSeconds: Math.max(0, a.loop - b.loop), poolTasks: Math.round(a.poolTasks - b.poolTasks), poolSeconds: Math.max(0, a.pool - b.pool) };
  });
  const loopTotal = rows.reduce((s, r) => s + r.loopSeconds, 0);
  return {
    unit,
    mainThreadCpuSeconds: r6(main),
    offMainCpuSeconds: r6(offMain),
    poolThreadsCpuSeconds: r6(poolThreads),
    loopSeconds: r6(loopTotal),
    ...(before.replies === 'sender' && after.replies === 'sender' ? { replies: 'sender' as const } : {}),
    operations: rows
      .filter((r) => r.spans > 0 || r.loopSeconds > 0)
      .map((r) => ({ ...r, loopSeconds: r6(r.loopSeconds), poolSeconds: r6(r.poolSeconds), cpuSeconds: r6(loopTotal > 0 ? (r.loopSeconds / loopTotal) * main : 0) }))
      .sort((x, y) => x.operation.localeCompare(y.operation)),
  };
}

/** Several windows' profiles of one unit, added up. */
export function sumProfiles(list: readonly OperationProfile[]): OperationProfile {
  const first = list[0]!;
  const ops = new Map<string, OperationProfile['operations'][number]>();
  for (const p of list)
    for (const o of p.operations) {
      const e = ops.get(o.operation);
      ops.set(o.operation, e ? { operation: o.operation, spans: e.spans + o.spans, loopSeconds: r6(e.loopSeconds + o.loopSeconds), poolTasks: e.poolTasks + o.poolTasks, poolSeconds: r6(e.poolSeconds + o.poolSeconds), cpuSeconds: r6(e.cpuSeconds + o.cpuSeconds) } : { ...o });
    }
  const sum = (k: 'mainThreadCpuSeconds' | 'offMainCpuSeconds' | 'loopSeconds') => r6(list.reduce((s, p) => s + p[k], 0));
  const pool = list.every((p) => p.poolThreadsCpuSeconds !== undefined) ? { poolThreadsCpuSeconds: r6(list.reduce((s, p) => s + p.poolThreadsCpuSeconds!, 0)) } : {};
  const replies = list.every(repliesBySender) ? { replies: 'sender' as const } : {};
  return { unit: first.unit, mainThreadCpuSeconds: sum('mainThreadCpuSeconds'), offMainCpuSeconds: sum('offMainCpuSeconds'), ...pool, loopSeconds: sum('loopSeconds'), ...replies, operations: [...ops.values()].sort((x, y) => x.operation.localeCompare(y.operation)) };
}

/** Scrape every unit's counters now (undici's fetch; a unit that does not answer is left out). */
export async function scrapeUnits(units: readonly { name: string; url: string }[]): Promise<Map<string, UnitCounters>> {
  const out = new Map<string, UnitCounters>();
  await Promise.all(
    units.map(async (u) => {
      try {
        const res = await fetch(`${u.url}/metrics`, { signal: AbortSignal.timeout(5000) });
        if (res.ok) out.set(u.name, parseProfileMetrics(await res.text()));
      } catch {
        /* left out: the result says which units have a profile */
      }
    }),
  );
  return out;
}
