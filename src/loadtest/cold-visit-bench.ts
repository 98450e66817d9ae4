// `calibrate --platform`'s cold-visit sweep: the server side of one HTTP call (the platform's
// fastify echo server, one undici connection), first back to back, then at paces from calls a
// few ms apart to calls 1.5 s apart, the server's main thread's CPU per call read from
// /proc/<pid>/schedstat (ns, where /proc/<pid>/stat counts 10 ms ticks: too coarse for 20 calls
// of half a millisecond).
//
// What a call costs beyond the same call back to back (a busy process: where the platform's
// per-call figures are measured, PACE_MS 0) is the table the simulator charges a visit that finds
// its process idle that long (HostModel.coldVisit, src/simulate/cold-visit.ts). The base is a busy
// process, not calls a couple of ms apart, because that is where a layout at its capacity runs:
// measured here the same call costs 0.10 ms back to back and 0.32 ms 2 ms apart, and with a 2-ms
// base the monolith's calibration carried that difference into its capacity (predicted 231/s
// against 339/s measured, 2026-12-01). The server's background (its timers while idle) is
// measured apart and taken out, so a slow pace is not charged for it twice.
import { fork } from 'node:child_process';
import { Pool } from 'undici';
import { ColdVisit } from '../simulate/cold-visit.js';
import { pacedSweep, schedstatMs, type PacePoint } from '../io/paced-sweep.js';
import { runnableFile } from './runnable.js';
import type { ScratchTracker } from './scratch-processes.js';

/**
 * ms between calls, the first (0: back to back) being the base the others are compared with. Up to
 * 1.5 s: a microservice visited less than once a second goes colder still than after 150 ms (a
 * bare echo here: +0.47 ms of CPU after 150 ms idle, +1.06 after 500 ms, +1.52 after 1.5 s;
 * 2026-12-02), and the table holds its last extra beyond its last gap.
 */
export const COLD_PACES = [0, 2, 5, 15, 50, 150, 500, 1500] as const;

/** Measured calls at a pace: a few seconds' worth, at least 20 below 500 ms (6 at 500 ms, 4 at 1.5 s: 3 and 6 s). */
export const coldCalls = (paceMs: number): number => (paceMs <= 0 ? 250 : paceMs >= 500 ? Math.max(4, Math.round(3000 / paceMs)) : Math.round(Math.min(250, Math.max(20, 1000 / paceMs))));

export type ColdPoint = PacePoint;

/**
 * Weighted least-squares fit of `y` that never decreases (pool-adjacent violators): a dip between
 * two paces is noise, and so is a rise that the next pace takes back. Pooling the offending paces
 * (weighted by their calls) rather than carrying the highest one on keeps one noisy pace of a few
 * calls from setting every longer gap's extra: a 150-ms pace of 20 calls once read 2.3 ms where
 * the 500-ms and 1.5-s paces read 1.5 and 0.8, and a running maximum charged 2.2 ms to every visit
 * after 150 ms.
 */
export function nonDecreasing(y: readonly number[], w: readonly number[]): number[] {
  const blocks: { v: number; w: number; n: number }[] = [];
  y.forEach((v, i) => {
    blocks.push({ v, w: w[i]!, n: 1 });
    while (blocks.length > 1 && blocks[blocks.length - 2]!.v > blocks[blocks.length - 1]!.v) {
      const b = blocks.pop()!;
      const a = blocks.pop()!;
      blocks.push({ v: (a.v * a.w + b.v * b.w) / (a.w + b.w), w: a.w + b.w, n: a.n + b.n });
    }
  });
  return blocks.flatMap((b) => Array<number>(b.n).fill(b.v));
}

/**
 * The table from the sweep's points (pure). A point's idle gap is what the server idles per call:
 * the call's cycle (its pace, or its round trip when calls go back to back) less the server's own
 * CPU, the idle time the simulator's gap is (stations.ts: from a server's release to its next
 * visit). Its extra is its CPU per call less the base's, after each has its share of the idle
 * background (`idleMsPerMs` × cycle) taken out. The base is the table's first point, at extra 0:
 * below its gap a visit pays nothing, and between it and the next the extra grows linearly in
 * log(gap) (cold-visit.ts). Fitted non-decreasing in the gap (nonDecreasing: a longer idle cannot
 * warm a process up) and never negative. Where the points read each call's own window (`pathMs`),
 * the extra on the request's path is from those and the rest of the pace's extra is `afterMs`;
 * otherwise all of it is on the path. Null when the points cannot make a table (no base, no
 * slower pace).
 */
export function coldTable(points: readonly ColdPoint[], idleMsPerMs: number, work?: WorkSweep): ColdVisit | null {
  const base = points[0];
  if (!base || points.length < 2) return null;
  const cycle = (p: ColdPoint) => Math.max(p.paceMs, p.wallMs);
  const own = (p: ColdPoint, idle = idleMsPerMs) => p.serverMs - idle * cycle(p);
  // a call's own window: its round trip (and the settle after it, too short for the background to count)
  const onPath = (p: ColdPoint, b: ColdPoint, idle = idleMsPerMs) => (p.pathMs ?? p.serverMs) - idle * p.wallMs - own(b, idle);
  const gapOf = (p: ColdPoint) => Math.round(Math.max(cycle(p) - p.serverMs, 1e-3) * 1000) / 1000;
  // The work sweep's handler does `perWork` ms more than the echo back to back; its extra beyond
  // the echo's at the same pace, per ms of that work, is the work-proportional part (cold-visit.ts).
  // Only when both sweeps ran the same paces, and the handler measured dearer than the echo.
  const wBase = work?.points[0];
  const perWork = wBase && work!.points.length === points.length && work!.points.every((p, i) => p.paceMs === points[i]!.paceMs) ? own(wBase, work!.idleMsPerMs) - own(base) : 0;
  // the paces whose gap is longer than every shorter pace's (a pace whose round trip outlasted it is left out)
  const kept: number[] = [];
  let lastGap = gapOf(base);
  points.slice(1).forEach((p, j) => {
    if (gapOf(p) <= lastGap) return;
    lastGap = gapOf(p);
    kept.push(j + 1);
  });
  if (kept.length === 0) return null;
  const split = kept.every((i) => points[i]!.pathMs !== undefined);
  const weights = kept.map((i) => points[i]!.calls);
  const r4 = (x: number) => Math.round(Math.max(0, x) * 10000) / 10000;
  const total = nonDecreasing(kept.map((i) => own(points[i]!) - own(base)), weights);
  const path = split ? nonDecreasing(kept.map((i) => onPath(points[i]!, base)), weights) : total;
  const gapMs = [gapOf(base), ...kept.map((i) => gapOf(points[i]!))];
  const extraMs = [0, ...path.map(r4)];
  const afterMs = split ? [0, ...total.map((t, k) => r4(t - Math.max(0, path[k]!)))] : null;
  let workFactor: number[] | null = null;
  if (perWork > 0) {
    const wIdle = work!.idleMsPerMs;
    // the handler's extra beyond the echo's, on the path where both read it (the work is the visit's own)
    const wSplit = split && kept.every((i) => work!.points[i]!.pathMs !== undefined);
    const per = kept.map((i) => {
      const wp = work!.points[i]!;
      const p = points[i]!;
      const extra = wSplit ? onPath(wp, wBase!, wIdle) - onPath(p, base) : own(wp, wIdle) - own(wBase!, wIdle) - (own(p) - own(base));
      return extra / perWork;
    });
    workFactor = [0, ...nonDecreasing(per, weights).map((x) => Math.round(Math.max(0, x) * 1000) / 1000)];
  }
  const t = ColdVisit.safeParse({ gapMs, extraMs, ...(workFactor ? { workFactor } : {}), ...(afterMs ? { afterMs } : {}) });
  return t.success ? t.data : null;
}

/** The same sweep against a handler with a working set (`/work`): what makes the table's workFactor. */
export type WorkSweep = { points: readonly ColdPoint[]; idleMsPerMs: number };

/** Rows of the working set the `/work` handler touches per call (platform-child.ts): about 0.4 ms of CPU beyond the echo here. */
export const WORK_TOUCHES = 1600;

/**
 * Run the sweep against a fresh echo server. `calls(pace)`: how many measured calls at that pace
 * (a few seconds each); every pace has a short warm-up at its own pace first.
 */
export async function measureColdVisits(track: ScratchTracker, warmup?: number, calls: (paceMs: number) => number = coldCalls, paces: readonly number[] = COLD_PACES, path = '/echo'): Promise<{ points: ColdPoint[]; idleMsPerMs: number } | null> {
  const file = runnableFile(import.meta.url, './platform-child.js');
  const srv = track.child(fork(file, ['server'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  let pool: Pool | undefined;
  try {
    const port = await new Promise<number>((res, rej) => {
      srv.once('message', (m: { port: number }) => res(m.port));
      srv.once('exit', (c) => rej(new Error(`the cold-visit benchmark server exited ${c}`)));
    });
    pool = new Pool(`http://127.0.0.1:${port}`, { connections: 1, pipelining: 1 });
    const body = JSON.stringify({ data: 'x'.repeat(53) });
    const one = async () => {
      const r = await pool!.request({ path, method: 'POST', headers: { 'content-type': 'application/json' }, body });
      JSON.parse(await r.body.text());
    };
    return await pacedSweep(one, () => schedstatMs(srv.pid!), paces, calls, warmup);
  } finally {
    await pool?.close();
    srv.kill();
  }
}

/**
 * The machine's speed now: the same echo server's main-thread CPU per call, back to back after a
 * warm-up (about 3 s). Taken before each layout's measurement, so a comparison can tell a layout
 * that is dearer from a machine that was slower while it ran (the shared host's speed drifts:
 * the monolith's CPU per request was 2.9 ms at 17:53 and 5.1 ms at 20:48 on 2026-12-01, same
 * code). Null where the kernel gives no schedstat.
 */
export async function speedProbe(track: ScratchTracker, calls = 2000): Promise<{ serverMs: number; calls: number } | null> {
  const sweep = await measureColdVisits(track, 2000, () => calls, [0]);
  const p = sweep?.points[0];
  return p ? { serverMs: Math.round(p.serverMs * 10000) / 10000, calls: p.calls } : null;
}
