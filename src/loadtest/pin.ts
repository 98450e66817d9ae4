// Pinning the driver and the system under test to separate cores with taskset (util-linux), so
// the driver does not steal the CPU it is measuring. Where taskset or a second core is missing,
// nothing is pinned and the plan says why (the result carries the note).
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readProc } from './proc.js';

let tasksetPath: string | null | undefined;
export function taskset(): string | null {
  if (tasksetPath === undefined) {
    const r = spawnSync('taskset', ['-V'], { encoding: 'utf8' });
    tasksetPath = r.error ? null : 'taskset';
  }
  return tasksetPath;
}

export type PinPlan = { driver: string | null; sut: string | null; note?: string };

/**
 * Which cores go to whom: the driver gets the last core, the system under test the others.
 * `cores` defaults to the machine's.
 */
export function planPinning(cores: number = os.availableParallelism(), opts: { disable?: boolean } = {}): PinPlan {
  if (opts.disable) return { driver: null, sut: null, note: 'pinning disabled' };
  if (cores < 2) return { driver: null, sut: null, note: `not pinned: ${cores} core (the driver shares it with the system under test)` };
  if (!taskset()) return { driver: null, sut: null, note: 'not pinned: taskset (util-linux) not found' };
  const last = cores - 1;
  return { driver: String(last), sut: last === 1 ? '0' : `0-${last - 1}` };
}

/**
 * The core list every thread of a process may run on now, as the kernel writes it ("0", "0-1"),
 * or null when its threads differ or it cannot be read.
 */
export function affinityOf(pid: number): string | null {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  let list: string | null = null;
  for (const task of tasks) {
    const here = cpusAllowed(`/proc/${pid}/task/${task}/status`);
    if (here === undefined) continue; // a thread that ended meanwhile
    if (here === null || (list !== null && list !== here)) return null;
    list = here;
  }
  return list;
}

/** A /proc status file's Cpus_allowed_list (undefined: the file is gone; null: no such line). */
function cpusAllowed(statusFile: string): string | null | undefined {
  let status: string;
  try {
    status = readFileSync(statusFile, 'utf8');
  } catch {
    return undefined;
  }
  return /^Cpus_allowed_list:\s*(\S+)$/m.exec(status)?.[1] ?? null;
}

/**
 * Pin a running process and all its threads (-a) to a core list like "0" or "0-2". One already
 * there in every thread is left alone: a microservices layout is 135 processes with PostgreSQL's
 * backends, and a taskset for each took 0.43–0.66 s before every window (2026-12-03).
 */
export function pinPid(pid: number, cpuList: string): { ok: boolean; message?: string } {
  if (!taskset()) return { ok: false, message: 'taskset not found' };
  if (!Number.isInteger(pid) || pid <= 1) return { ok: false, message: `no process ${pid} to pin` };
  // taskset -a on a pid that is gone finds no threads and still exits 0.
  if (!existsSync(`/proc/${pid}`)) return { ok: false, message: `no process ${pid}` };
  if (affinityOf(pid) === cpuList) return { ok: true };
  const r = spawnSync('taskset', ['-a', '-p', '-c', cpuList, String(pid)], { encoding: 'utf8' });
  if (r.status === 0) return { ok: true };
  return { ok: false, message: (r.stderr || r.error?.message || `taskset exited ${r.status}`).trim().split('\n')[0] };
}

/**
 * Processes pinning must never move: init (pid 1, and 0, its parent in /proc) and archsim with its
 * ancestors. Pinning any of them pins whatever they start later (a shell, the next test, every
 * later session: a unit that failed to spawn once had pid 0, and the tree under it is every
 * process on the machine).
 */
export function unpinnable(self: number = process.pid): Set<number> {
  const out = new Set<number>([0, 1]);
  for (let pid: number | undefined = self; pid !== undefined && pid > 1 && !out.has(pid); pid = readProc(pid)?.ppid) out.add(pid);
  return out;
}

/** What pinSut did: its notes, and how to give every process it moved its cores back. */
export type Pinned = { notes: string[]; restore(): void };

/**
 * Pin the system under test: every pid given (and its threads) to the plan's SUT cores, except
 * init and archsim's own line (unpinnable). `restore` sets each moved process back to the cores
 * it had: a user's own system (`loadtest --target --pid`) must not stay on one core after the run.
 */
export function pinSut(pids: readonly number[], plan: PinPlan): Pinned {
  const notes: string[] = [];
  const moved: [number, string][] = [];
  if (!plan.sut) return { notes, restore: () => undefined };
  const never = unpinnable();
  for (const pid of new Set(pids)) {
    if (never.has(pid)) {
      notes.push(`not pinned: pid ${pid} is ${pid <= 1 ? 'the machine’s init' : 'archsim itself or a process it runs under'}`);
      continue;
    }
    const before = affinityOf(pid) ?? allowedCpus(pid);
    const r = pinPid(pid, plan.sut);
    if (!r.ok) notes.push(`could not pin pid ${pid}: ${r.message}`);
    else if (before && before !== plan.sut) moved.push([pid, before]);
  }
  return {
    notes,
    restore: () => {
      for (const [pid, cpus] of moved) pinPid(pid, cpus);
    },
  };
}

/**
 * Let the system under test use every core again (between measured windows: seeding that hashes
 * passwords runs twice as fast on two cores as on the one it is pinned to). Where taskset is
 * missing nothing was pinned; a process that is gone is skipped.
 */
export function unpinSut(pids: readonly number[], cpus: string | null = allowedCpus(process.pid)): void {
  if (!taskset() || !cpus) return;
  const never = unpinnable();
  for (const pid of pids) if (!never.has(pid)) pinPid(pid, cpus);
}

/** Pin the driver process to the plan's driver core. */
export function pinDriver(pid: number, plan: PinPlan): string[] {
  if (!plan.driver) return [];
  const r = pinPid(pid, plan.driver);
  return r.ok ? [] : [`could not pin the driver: ${r.message}`];
}

/** The command prefix that starts a program on given cores (for wrk, k6, servers). */
export function pinnedCommand(cpuList: string | null, cmd: string, args: string[]): [string, string[]] {
  if (!cpuList || !taskset()) return [cmd, args];
  return ['taskset', ['-c', cpuList, cmd, ...args]];
}

/** The cores a process (its main thread) may run on now (from /proc/<pid>/status Cpus_allowed_list). */
export function allowedCpus(pid: number): string | null {
  return cpusAllowed(`/proc/${pid}/status`) ?? null;
}
