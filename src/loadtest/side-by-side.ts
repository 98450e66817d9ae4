// `--driver both`: k6 and the embedded driver on one started layout AT THE SAME TIME, so both
// measure the same system state (JIT, caches, table sizes, autovacuum). Driven one after the
// other they met different states, and per-operation p50s differed by more than the drivers do.
//
// The load is SHARED, not doubled: each driver runs half the plan's rate (open model) or half its
// users (closed), so the system sees the rate asked for. Each at the full rate put twice the load
// on the system (100/s for 50/s asked), overloading the larger layouts. With the open model the
// two schedules are interleaved: the embedded driver's requests fall half an interval after k6's,
// so together they arrive evenly at the full rate, as one driver's would.
//
// Alignment: k6 seeds in its own setup() (its script is the one `generate k6` writes) for an
// unknown time; the embedded driver's data is seeded first (seedOnce, in this process), then k6
// and the embedded driver's process start together, the latter waiting, ready; when k6's first
// scenario request shows in its JSON output (setup is over; its send time is the stamp less its
// duration), the embedded driver is given its start: its schedule is anchored on that send, its
// measured window opening when k6's does plus half an interval. The offset is measured and said.
// Both measure the same positions of the mix's order, so the same number of each operation
// (alignOrder), but the embedded driver sends them rotated by about half a cycle, alternately one
// way and the other (driver/interleave.ts): in step, its every request came 20 ms after k6's
// request of the same operation, and an operation's p50 differed by that neighbour (a send right
// after a send is slower), not by the driver.
//
// Each driver keeps its own pinning (both on the driver core, the system on the others) and its
// own data. k6 times each request from when it sent it, the embedded driver from its scheduled
// start (its service time, from the send, is in `serviceTime`): the comparison shows both.
import { UsageError } from '../errors.js';
import { k6WarmupIterations } from '../generate/k6.js';
import { TIMING } from './driver-comparison.js';
import type { Blueprint } from '../model/schema.js';
import { measurePlan, seedOnce, type MeasureOptions, type SystemUnderTest } from './layout-run.js';
import type { LoadPlan } from './plan.js';
import type { LoadTestResult } from './result.js';

/** Each driver's share of the plan: half the rate, or half the users (k6 the larger half). */
export function sharedPlans(plan: LoadPlan): { k6: LoadPlan; embedded: LoadPlan } {
  if (plan.model === 'open') {
    const half = { ...plan, rate: plan.rate! / 2 };
    return { k6: half, embedded: half };
  }
  const users = plan.users ?? 0;
  if (users < 2) throw new UsageError(`--driver both shares the users between k6 and the embedded driver: give at least 2 (--users ${users})`);
  return { k6: { ...plan, users: Math.ceil(users / 2) }, embedded: { ...plan, users: Math.floor(users / 2) } };
}

/** How the side-by-side run went: the note both results carry. */
export function sideBySideNote(o: { plan: LoadPlan; shares: { k6: LoadPlan; embedded: LoadPlan }; offsetMs: number | null; intendedMs: number; embeddedWarmupS: number | null }): string {
  const load =
    o.plan.model === 'open'
      ? `sharing the load: each at ${o.shares.k6.rate}/s, ${o.plan.rate}/s together (the rate asked for), the embedded driver's schedule interleaved with k6's (its requests half an interval, ${o.intendedMs.toFixed(1)} ms, after k6's; the same operations measured, in an order rotated by half a cycle of the mix, so that both drivers' requests follow the same mix of the other's, not each embedded request k6's of the same operation)`
      : `sharing the users: k6 ${o.shares.k6.users}, the embedded driver ${o.shares.embedded.users}, ${o.plan.users} together`;
  const when =
    o.offsetMs === null
      ? 'k6 showed no scenario request before it ended, so the embedded driver ran after it (not side by side)'
      : `the embedded driver started when k6's first scenario request showed in its output (k6's setup() over), warmed up for the rest of k6's warm-up (${o.embeddedWarmupS?.toFixed(1) ?? '?'} s), and its schedule opened its measured window ${(Math.abs(o.offsetMs) / 1000).toFixed(3)} s ${o.offsetMs >= 0 ? 'after' : 'before'} k6's (intended: ${(o.intendedMs / 1000).toFixed(3)} s after; k6's from the send of its first scenario request)`;
  return `side by side: k6 and the embedded driver drove this layout at the same time, ${load}, each with its own seeded data and pinned to the driver core (the processes' CPU in each result covers both drivers' load); ${when}; ${TIMING}`;
}

/**
 * k6 and the embedded driver at the same time on a started system, sharing the plan's load:
 * `k6` runs k6 on its share and calls onStarted when its first scenario request went out.
 * Returns [k6, embedded].
 */
export async function measureSideBySide(
  sut: SystemUnderTest,
  bp: Blueprint,
  layout: string,
  plan: LoadPlan,
  o: MeasureOptions,
  k6: (share: LoadPlan, onStarted: (atMs: number) => void) => Promise<LoadTestResult>,
): Promise<[LoadTestResult, LoadTestResult]> {
  const shares = sharedPlans(plan);
  const share = shares.embedded;
  // One window each: k6 runs one.
  o = { ...o, replications: 1 };
  // The embedded driver's data first: k6 must not wait for it once its own setup() is over.
  const seeded = await seedOnce(sut, bp, [{ plan: share, windows: 1 }]);
  // Half an interval of each driver's schedule: the embedded driver's requests between k6's.
  const intendedMs = share.model === 'open' && share.rate ? 500 / share.rate : 0;
  let k6Start: number | null = null;
  let openAt: (ms: number) => void = () => undefined;
  const measureAt = new Promise<number>((resolve) => (openAt = resolve));
  const k6Run = k6(shares.k6, (atMs) => {
    k6Start = atMs;
    // k6's measured window opens plan.warmup after its first scenario request's send: the
    // embedded driver's half an interval later (a wall-clock time; its schedule is anchored on
    // it, so every request falls between two of k6's).
    openAt(atMs + plan.warmup * 1000 + intendedMs);
  });
  // k6 may end (or fail) without a scenario request ever showing: the embedded driver then runs
  // after it (not side by side), its window opening now.
  void k6Run.then(
    () => openAt(Date.now()),
    () => openAt(Date.now()),
  );
  // Its measured requests follow the same order of operations as k6's, which start after k6's
  // warm-up iterations: the same count of each operation in the window.
  const alignOrder = share.model === 'open' && share.rate ? k6WarmupIterations(share.rate, plan.warmup * 1000) : undefined;
  // The embedded driver's process starts NOW, loads its scenario and data and waits, ready, for
  // the time its window opens: started only when k6's setup() was over, its start-up (seconds
  // on a loaded machine) outlasted the warm-up and its window opened late.
  const embeddedRun = measurePlan(sut, bp, layout, share, { ...o, measureAt, ...(alignOrder !== undefined ? { alignOrder, interleaved: true } : {}) }, null, seeded);
  // Both to their end whatever happens to one (no driver left running under the other's error).
  const [a, b] = await Promise.allSettled([k6Run, embeddedRun]);
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
  // Where each schedule put its window: the embedded driver's start plus its warm-up, against k6's
  // first scenario request's send plus the warm-up.
  const w = b.value.windows[0];
  const k6Window = k6Start === null ? null : k6Start + plan.warmup * 1000;
  const offsetMs = k6Window === null ? null : w ? Date.parse(w.started) + w.warmup * 1000 - k6Window : 0;
  const embeddedWarmupS = k6Window === null ? null : (w?.warmup ?? null);
  const note = sideBySideNote({ plan, shares, offsetMs, intendedMs, embeddedWarmupS });
  const embedded = { ...b.value, run: { ...b.value.run, warmup: w?.warmup ?? b.value.run.warmup } };
  return [withNote(a.value, note), withNote(embedded, note)];
}

function withNote(r: LoadTestResult, note: string): LoadTestResult {
  return { ...r, run: { ...r.run, notes: [note, ...r.run.notes] } };
}
