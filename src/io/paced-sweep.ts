// One process answering one caller at several paces, its CPU per call read from
// /proc/<pid>/schedstat (ns: /proc/<pid>/stat counts 10 ms ticks, too coarse for a few dozen calls
// of a fraction of a millisecond). The cold-visit sweeps of `calibrate --platform` run through
// here: the echo server's main thread (src/loadtest/cold-visit-bench.ts) and a PostgreSQL backend
// (reference-services/launcher/db-cold-bench.ts). I/O only; the tables are made from its points
// by the pure coldTable.
import { readFileSync } from 'node:fs';

/**
 * One pace's reading: calls made, the process's CPU per call over the whole pace (calls and the
 * idle time between them) and the caller's round trip per call, ms. `pathMs`: the process's CPU per
 * call from just before each call to just after its answer (SETTLE_MS, or the next call if that is
 * sooner): the part on the request's path. Absent at pace 0 (no time between calls: all of it) and
 * in files written before it was read.
 */
export type PacePoint = { paceMs: number; calls: number; serverMs: number; wallMs: number; pathMs?: number };

/**
 * How long after an answer a call's own window closes: the process's last writes and callbacks of
 * that call land in it, while what it runs later (idle-time GC, timers) does not. Measured with the
 * echo server after 150 ms idle (2026-12-03): 0.31 ms per call read at the answer, 0.34 at 3 ms,
 * 0.36 at 20 ms, 2.3 over the whole pace.
 */
export const SETTLE_MS = 3;

/** A process's (or, for a thread id, a thread's) CPU time so far, ms; null where the kernel gives no schedstat. */
export function schedstatMs(pid: number): number | null {
  try {
    const ns = Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
    return Number.isFinite(ns) ? ns / 1e6 : null;
  } catch {
    return null;
  }
}

/**
 * Resolves once performance.now() has reached `at`. One timer is not enough: it can fire up to a
 * couple of ms early against performance.now() (libuv reads its loop clock once per iteration
 * and Node keeps whole ms: a pace of 120 ms once measured 118.3), so what is left is waited again.
 */
export async function until(at: number): Promise<void> {
  for (let left = at - performance.now(); left > 0; left = at - performance.now()) await new Promise((r) => setTimeout(r, Math.ceil(left)));
}

/**
 * Drive `one` (one call to the measured process) at each of `paces`, ms apart (0: back to back).
 * First `warmup` calls back to back and 600 1 ms apart (JIT, caches, the connection), then 1.5 s with no calls for the process's background,
 * then per pace 5 unmeasured calls (1 from 500 ms) and `calls(pace)` measured ones. `cpuMs` reads the process's
 * CPU so far. Null when it cannot be read.
 */
export async function pacedSweep(one: () => Promise<unknown>, cpuMs: () => number | null, paces: readonly number[], calls: (paceMs: number) => number, warmup = 3000): Promise<{ points: PacePoint[]; idleMsPerMs: number } | null> {
  if (cpuMs() === null) return null;
  /**
   * n calls, one every `pace` ms, the first `after` ms from now; resolves with the calls' summed
   * round trips, ms. With `path`, each call's own CPU window (SETTLE_MS) is pushed to it.
   */
  const paced = async (n: number, pace: number, after = 0, path?: number[]): Promise<number> => {
    const t0 = performance.now() + after;
    let wall = 0;
    for (let i = 0; i < n; i++) {
      await until(t0 + i * pace);
      const c0 = path ? cpuMs() : null;
      const s = performance.now();
      await one();
      wall += performance.now() - s;
      if (path && c0 !== null) {
        await until(Math.min(t0 + (i + 1) * pace, performance.now() + SETTLE_MS));
        const c1 = cpuMs();
        if (c1 !== null) path.push(c1 - c0);
      }
    }
    return wall;
  };
  // Warm (V8 optimises the path over thousands of calls: see platform.ts WARMUP_CALLS), then a
  // while at a gentle pace so the measured paces start from the same state.
  await paced(warmup, 0);
  await paced(600, 1);
  const i0 = cpuMs()!;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, 1500));
  const idleMsPerMs = Math.max(0, (cpuMs()! - i0) / (performance.now() - t0));
  const points: PacePoint[] = [];
  for (const pace of paces) {
    const n = calls(pace);
    // into the pace's rhythm first; one call at the slow paces (each is cold anyway, and 5 of them would be 7.5 s at 1.5 s)
    await paced(pace >= 500 ? 1 : 5, pace);
    const c0 = cpuMs()!;
    // the first measured call a whole pace after the last unmeasured one: its gap is the pace's
    // too (it used to follow at once, warm: one call in n, a quarter of them at 1.5 s)
    const path: number[] = [];
    const wall = await paced(n, pace, pace, pace > 0 ? path : undefined);
    const serverMs = (cpuMs()! - c0) / n;
    points.push({ paceMs: pace, calls: n, serverMs, wallMs: wall / n, ...(path.length === n ? { pathMs: Math.min(serverMs, path.reduce((a, b) => a + b, 0) / n) } : {}) });
  }
  return { points, idleMsPerMs };
}
