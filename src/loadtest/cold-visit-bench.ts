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
 * The table from the sweep's points (pure). A point's idle gap is what the server idles per call:
 * the call's cycle (its pace, or its round trip when calls go back to back) less the server's own
 * CPU, the idle time the simulator's gap is (stations.ts: from a server's release to its next
 * visit). Its extra is its CPU per call less the base's, after each has its share of the idle
 * background (`idleMsPerMs` × cycle) taken out. The base is the table's first point, at extra 0:
 * below its gap a visit pays nothing, and between it and the next the extra grows linearly in
 * log(gap) (cold-visit.ts). Kept non-decreasing in the gap (a longer idle cannot warm a process
 * up: a dip is noise) and never negative. Null when the points cannot make a table (no base, no
 * slower pace).
 */
export function coldTable(points: readonly ColdPoint[], idleMsPerMs: number, work?: WorkSweep): ColdVisit | null {
  const base = points[0];
  if (!base || points.length < 2) return null;
  const cycle = (p: ColdPoint) => Math.max(p.paceMs, p.wallMs);
  const own = (p: ColdPoint, idle = idleMsPerMs) => p.serverMs - idle * cycle(p);
  const gapOf = (p: ColdPoint) => Math.round(Math.max(cycle(p) - p.serverMs, 1e-3) * 1000) / 1000;
  // The work sweep's handler does `perWork` ms more than the echo back to back; its extra beyond
  // the echo's at the same pace, per ms of that work, is the work-proportional part (cold-visit.ts).
  // Only when both sweeps ran the same paces, and the handler measured dearer than the echo.
  const wBase = work?.points[0];
  const perWork = wBase && work!.points.length === points.length && work!.points.every((p, i) => p.paceMs === points[i]!.paceMs) ? own(wBase, work!.idleMsPerMs) - own(base) : 0;
  const workFactor: number[] | null = perWork > 0 ? [0] : null;
  const gapMs: number[] = [gapOf(base)];
  const extraMs: number[] = [0];
  let top = 0;
  let topW = 0;
  points.slice(1).forEach((p, j) => {
    const gap = gapOf(p);
    if (gap <= gapMs[gapMs.length - 1]!) return;
    const echoExtra = own(p) - own(base);
    top = Math.max(top, echoExtra, 0);
    gapMs.push(gap);
    extraMs.push(Math.round(top * 10000) / 10000);
    if (workFactor) {
      const wp = work!.points[j + 1]!;
      topW = Math.max(topW, (own(wp, work!.idleMsPerMs) - own(wBase!, work!.idleMsPerMs) - echoExtra) / perWork, 0);
      workFactor.push(Math.round(topW * 1000) / 1000);
    }
  });
  if (gapMs.length < 2) return null;
  const t = ColdVisit.safeParse({ gapMs, extraMs, ...(workFactor ? { workFactor } : {}) });
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
