// `calibrate --platform`'s cold-visit sweep: the server side of one HTTP call (the platform's
// fastify echo server, one undici connection) at several paces, from calls a few ms apart to calls
// 150 ms apart, the server's main thread's CPU per call read from /proc/<pid>/schedstat (ns, where
// /proc/<pid>/stat counts 10 ms ticks: too coarse for 20 calls of half a millisecond).
//
// What a call costs beyond the same call at the platform's base pace (PACE_MS, where its
// per-call figures are measured) is the table the simulator charges a visit that finds its process
// idle that long (HostModel.coldVisit, src/simulate/cold-visit.ts). The server's background (its
// timers while idle) is measured apart and taken out, so a slow pace is not charged for it twice.
import { fork } from 'node:child_process';
import { Pool } from 'undici';
import { ColdVisit } from '../simulate/cold-visit.js';
import { pacedSweep, schedstatMs, type PacePoint } from '../io/paced-sweep.js';
import { runnableFile } from './runnable.js';
import type { ScratchTracker } from './scratch-processes.js';

/** ms between calls, the first being the base the others are compared with */
export const COLD_PACES = [2, 5, 15, 50, 150] as const;

export type ColdPoint = PacePoint;

/**
 * The table from the sweep's points (pure). Each pace's idle gap is the pace less the call's own
 * round trip; its extra is its CPU per call less the base pace's, after each has its share of the
 * idle background (`idleMsPerMs` × pace) taken out. Kept non-decreasing in the gap (a longer idle
 * cannot warm a process up: a dip is noise) and never negative. Null when the points cannot make
 * a table (no base, no slower pace).
 */
export function coldTable(points: readonly ColdPoint[], idleMsPerMs: number): ColdVisit | null {
  const base = points[0];
  if (!base || points.length < 2) return null;
  const own = (p: ColdPoint) => p.serverMs - idleMsPerMs * p.paceMs;
  const gapMs: number[] = [];
  const extraMs: number[] = [];
  let top = 0;
  for (const p of points.slice(1)) {
    const gap = Math.max(p.paceMs - p.wallMs, 1e-3);
    if (gapMs.length && gap <= gapMs[gapMs.length - 1]!) continue;
    top = Math.max(top, own(p) - own(base), 0);
    gapMs.push(Math.round(gap * 1000) / 1000);
    extraMs.push(Math.round(top * 10000) / 10000);
  }
  const t = ColdVisit.safeParse({ gapMs, extraMs });
  return t.success ? t.data : null;
}

/**
 * Run the sweep against a fresh echo server. `calls(pace)`: how many measured calls at that pace
 * (a few seconds each); every pace has a short warm-up at its own pace first.
 */
export async function measureColdVisits(track: ScratchTracker, calls: (paceMs: number) => number = (p) => Math.round(Math.min(250, Math.max(20, 1000 / p)))): Promise<{ points: ColdPoint[]; idleMsPerMs: number } | null> {
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
      const r = await pool!.request({ path: '/echo', method: 'POST', headers: { 'content-type': 'application/json' }, body });
      JSON.parse(await r.body.text());
    };
    return await pacedSweep(one, () => schedstatMs(srv.pid!), COLD_PACES, calls);
  } finally {
    await pool?.close();
    srv.kill();
  }
}
