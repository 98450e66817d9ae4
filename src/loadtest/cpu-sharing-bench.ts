// `calibrate --platform`'s CPU-sharing benchmark: does this machine share a core between
// processes first (Linux's autogroup: each session one share, split among its threads) or
// between threads alike? Two processes in sessions of their own (as the launcher starts every
// unit, and as every PostgreSQL backend puts itself), pinned to one core: one spins one thread,
// the other two. Per process the first gets half the core; per thread, a third. The simulator's
// host follows the answer (HostModel.sharing; des/host-groups.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { z } from 'zod';
import { taskset } from './pin.js';
import { readProc } from './proc.js';
import type { ScratchTracker } from './scratch-processes.js';

export const CpuSharing = z.strictObject({
  /** process: a core is shared between processes first (autogroup); thread: between every thread alike */
  rule: z.enum(['process', 'thread']),
  /** the one-thread process's share of the core beside the two-thread one (process ½, thread ⅓) */
  oneThreadShare: z.number().min(0).max(1),
  /** seconds measured */
  seconds: z.number().positive(),
});
export type CpuSharing = z.output<typeof CpuSharing>;

/**
 * The rule from the two processes' CPU seconds: the one-thread process's share, against the
 * midpoint of ½ (per process) and ⅓ (per thread). Null when nothing ran. Pure.
 */
export function sharingRule(oneThread: number, twoThreads: number): { rule: 'process' | 'thread'; share: number } | null {
  const total = oneThread + twoThreads;
  if (!(total > 0)) return null;
  const share = oneThread / total;
  return { rule: share > 5 / 12 ? 'process' : 'thread', share: Math.round(share * 1000) / 1000 };
}

/** Spins `threads` threads for `ms` and exits (bounded: the benchmark's children never outlive it by much). */
const spinner = (threads: number, ms: number) =>
  `const spin = 'const end = Date.now() + ${ms}; while (Date.now() < end) {}';` +
  (threads > 1 ? `const { Worker } = require('node:worker_threads'); for (let i = 1; i < ${threads}; i++) new Worker(spin, { eval: true });` : '') +
  'eval(spin);';

/**
 * Measure it: null where the machine has no `taskset` to pin the two to one core (the file then
 * says nothing of it and the simulator keeps thread sharing).
 */
export async function measureCpuSharing(o: { seconds?: number; track?: ScratchTracker } = {}): Promise<CpuSharing | null> {
  if (!taskset()) return null;
  const seconds = o.seconds ?? 1;
  // Node starts and its worker thread with it in well under half a second; measure after that.
  const settle = 500;
  const cpu = String(os.availableParallelism() - 1);
  const start = (threads: number): ChildProcess => {
    // detached: a session of its own, as the launcher starts units (and PostgreSQL its backends)
    const p = spawn('taskset', ['-c', cpu, process.execPath, '-e', spinner(threads, settle + seconds * 1000 + 2000)], { detached: true, stdio: 'ignore' });
    return o.track ? o.track.child(p) : p;
  };
  const one = start(1);
  const two = start(2);
  try {
    await new Promise((r) => setTimeout(r, settle));
    const cpuOf = (p: ChildProcess) => (p.pid ? (readProc(p.pid)?.cpuSeconds ?? NaN) : NaN);
    const a0 = cpuOf(one);
    const b0 = cpuOf(two);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const r = sharingRule(cpuOf(one) - a0, cpuOf(two) - b0);
    return r ? { rule: r.rule, oneThreadShare: r.share, seconds } : null;
  } finally {
    for (const p of [one, two]) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  }
}
