// `--driver both`: k6 and the embedded driver on one started layout AT THE SAME TIME, each at the
// plan's rate, so both measure the same system state (JIT, caches, table sizes, autovacuum).
// Driven one after the other they met different states, and per-operation p50s differed by more
// than the drivers do.
//
// Alignment: k6 seeds in its own setup() (its script is the one `generate k6` writes) for an
// unknown time; the embedded driver's data is seeded first (seedOnce, in this process), then k6
// starts, and when k6's first scenario request shows in its JSON output (setup is over), the
// embedded driver starts, its measured window set to open when k6's does (k6's start + the
// warm-up, a wall-clock time). The offset is measured and said.
//
// Each driver keeps its own pinning (both on the driver core, the system on the others) and its
// own data. The system serves both: twice the rate. k6 times each request from when it sent it,
// the embedded driver from its scheduled start (its service time, from the send, is in
// `serviceTime`): the comparison puts like beside like.
import { k6WarmupIterations } from '../generate/k6.js';
import type { Blueprint } from '../model/schema.js';
import { measurePlan, seedOnce, type MeasureOptions, type SystemUnderTest } from './layout-run.js';
import type { LoadPlan } from './plan.js';
import type { LoadTestResult } from './result.js';

/** How the side-by-side run went: the note both results carry. */
export function sideBySideNote(o: { rate: number | null; users: number | null; offsetS: number | null; embeddedWarmupS: number | null }): string {
  const load = o.rate !== null ? `each at ${o.rate}/s (the system served both: ${Math.round(o.rate * 2 * 10) / 10}/s)` : `each with ${o.users} users`;
  const when =
    o.offsetS === null
      ? 'k6 showed no scenario request before it ended, so the embedded driver ran after it (not side by side)'
      : `the embedded driver started when k6's first scenario request showed in its output (k6's setup() over), warmed up for the rest of k6's warm-up (${o.embeddedWarmupS?.toFixed(1) ?? '?'} s), and its schedule opened its measured window ${Math.abs(o.offsetS).toFixed(2)} s ${o.offsetS >= 0 ? 'after' : 'before'} k6's (k6's taken from its first scenario request's timestamp)`;
  return `side by side: k6 and the embedded driver drove this layout at the same time, ${load}, each with its own seeded data and pinned to the driver core (the processes' CPU in each result covers both drivers' load); ${when}; k6 times each request from when it sent it, the embedded driver from its scheduled start (its service time, from the send, is the like-for-like figure beside k6's p50)`;
}

/**
 * k6 and the embedded driver at the same time on a started system: `k6` runs k6 and calls
 * onStarted when its first scenario request went out. Returns [k6, embedded].
 */
export async function measureSideBySide(
  sut: SystemUnderTest,
  bp: Blueprint,
  layout: string,
  plan: LoadPlan,
  o: MeasureOptions,
  k6: (onStarted: (atMs: number) => void) => Promise<LoadTestResult>,
): Promise<[LoadTestResult, LoadTestResult]> {
  // One window each: k6 runs one.
  o = { ...o, replications: 1 };
  // The embedded driver's data first: k6 must not wait for it once its own setup() is over.
  const seeded = await seedOnce(sut, bp, [{ plan, windows: 1 }]);
  let k6Start = 0;
  let signal: () => void = () => undefined;
  const started = new Promise<'started'>((resolve) => (signal = () => resolve('started')));
  const k6Run = k6((atMs) => {
    k6Start = atMs;
    signal();
  });
  // k6 may end (or fail) without a scenario request ever showing: then nothing runs beside it.
  const first = await Promise.race([started, k6Run.then(() => 'ended' as const, () => 'ended' as const)]);
  if (first === 'ended') {
    const viaK6 = await k6Run;
    const embedded = await measurePlan(sut, bp, layout, plan, o, null, seeded);
    const note = sideBySideNote({ rate: plan.rate, users: plan.users, offsetS: null, embeddedWarmupS: null });
    return [withNote(viaK6, note), withNote(embedded, note)];
  }
  // k6's measured window opens plan.warmup after its first scenario request: the embedded
  // driver opens its own then (a wall-clock time, so its process's start-up does not shift it).
  const measureAt = k6Start + plan.warmup * 1000;
  // Its measured requests follow the same order of operations as k6's, which start after k6's
  // warm-up iterations: the same count of each operation in the window.
  const alignOrder = plan.model === 'open' && plan.rate ? k6WarmupIterations(plan.rate, plan.warmup * 1000) : undefined;
  const embeddedRun = measurePlan(sut, bp, layout, plan, { ...o, measureAt, ...(alignOrder !== undefined ? { alignOrder } : {}) }, null, seeded);
  // Both to their end whatever happens to one (no driver left running under the other's error).
  const [a, b] = await Promise.allSettled([k6Run, embeddedRun]);
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
  // Where each schedule put its window: the embedded driver's start plus its warm-up, against k6's
  // first scenario request (its timestamp in k6's output) plus the warm-up.
  const w = b.value.windows[0];
  const offsetS = w ? (Date.parse(w.started) + w.warmup * 1000 - measureAt) / 1000 : 0;
  const embeddedWarmupS = w?.warmup ?? null;
  const note = sideBySideNote({ rate: plan.rate, users: plan.users, offsetS, embeddedWarmupS });
  const embedded = { ...b.value, run: { ...b.value.run, warmup: embeddedWarmupS ?? b.value.run.warmup } };
  return [withNote(a.value, note), withNote(embedded, note)];
}

function withNote(r: LoadTestResult, note: string): LoadTestResult {
  return { ...r, run: { ...r.run, notes: [note, ...r.run.notes] } };
}
