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
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { ColdVisit } from '../simulate/cold-visit.js';
import { runnableFile } from './runnable.js';
import type { ScratchTracker } from './scratch-processes.js';

/** ms between calls, the first being the base the others are compared with */
export const COLD_PACES = [2, 5, 15, 50, 150] as const;

export type ColdPoint = { paceMs: number; calls: number; serverMs: number; wallMs: number };

/** The main thread's CPU time so far, ms; null where the kernel gives no schedstat. */
export function mainThreadMs(pid: number): number | null {
  try {
    const ns = Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
    return Number.isFinite(ns) ? ns / 1e6 : null;
  } catch {
    return null;
  }
}

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
    if (mainThreadMs(srv.pid!) === null) return null;
    pool = new Pool(`http://127.0.0.1:${port}`, { connections: 1, pipelining: 1 });
    const body = JSON.stringify({ data: 'x'.repeat(53) });
    const one = async () => {
      const r = await pool!.request({ path: '/echo', method: 'POST', headers: { 'content-type': 'application/json' }, body });
      JSON.parse(await r.body.text());
    };
    /** n calls, one every `pace` ms; resolves with the calls' summed round trips, ms */
    const paced = async (n: number, pace: number): Promise<number> => {
      const t0 = performance.now();
      let wall = 0;
      for (let i = 0; i < n; i++) {
        const wait = t0 + i * pace - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const s = performance.now();
        await one();
        wall += performance.now() - s;
      }
      return wall;
    };
    // JIT and the connection settle first; then the server's background with no calls.
    await paced(600, 1);
    const i0 = mainThreadMs(srv.pid!)!;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 1500));
    const idleMsPerMs = Math.max(0, (mainThreadMs(srv.pid!)! - i0) / (performance.now() - t0));
    const points: ColdPoint[] = [];
    for (const pace of COLD_PACES) {
      const n = calls(pace);
      await paced(5, pace);
      const c0 = mainThreadMs(srv.pid!)!;
      const wall = await paced(n, pace);
      points.push({ paceMs: pace, calls: n, serverMs: (mainThreadMs(srv.pid!)! - c0) / n, wallMs: wall / n });
    }
    return { points, idleMsPerMs };
  } finally {
    await pool?.close();
    srv.kill();
  }
}
