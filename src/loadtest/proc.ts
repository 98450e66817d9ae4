// CPU and memory of processes, read from /proc: utime+stime (clock ticks) from /proc/<pid>/stat
// and the peak resident set (VmHWM) from /proc/<pid>/status. Sample before and after a run and
// diff, so the figures are the processes' own, not an estimate.
import { readFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import type { ProcessUsage } from './result.js';

let clkTck: number | undefined;
/** Clock ticks per second (getconf CLK_TCK; 100 on every Linux we know of). */
export function clockTicks(): number {
  if (clkTck === undefined) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const n = Number(r.stdout?.trim());
    clkTck = Number.isFinite(n) && n > 0 ? n : 100;
  }
  return clkTck;
}

export type ProcStat = {
  pid: number;
  ppid: number;
  /** a PostgreSQL maintenance process (autovacuum, checkpointer, background writer): see maintenanceProcess */
  maintenance?: boolean;
  /** a PostgreSQL client backend: the database it serves (see backendDatabase) */
  database?: string;
  /** user + system CPU seconds of the process itself */
  cpuSeconds: number;
  /** user + system CPU seconds of its children that have exited and been waited for */
  childCpuSeconds: number;
  vmHwmKiB: number | null;
  vmRssKiB: number | null;
};

/** One process's counters, or undefined when it is gone (or /proc is absent). */
export function readProc(pid: number): ProcStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses: split after the last ")".
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime is field 14, stime 15, cutime 16, cstime 17.
  const f = (n: number) => Number(rest[n - 3]);
  const tck = clockTicks();
  let vmHwmKiB: number | null = null;
  let vmRssKiB: number | null = null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    vmHwmKiB = hwm ? Number(hwm[1]) : null;
    vmRssKiB = rss ? Number(rss[1]) : null;
  } catch {
    /* exited between the two reads */
  }
  return { pid, ppid: f(4), cpuSeconds: (f(14) + f(15)) / tck, childCpuSeconds: (f(16) + f(17)) / tck, vmHwmKiB, vmRssKiB };
}

/**
 * PostgreSQL's maintenance processes, by their process title: autovacuum (launcher and workers),
 * the checkpointer and the background writer. Their work is caused by earlier writes but lands in
 * bursts (an autovacuum pass, a checkpoint), seconds after the writes and in whichever window is
 * being measured then: a run keeps it apart (ProcessUsage.maintenanceCpuSeconds) so a calibration
 * can charge it as a long-run average instead of to the window it fell in.
 */
const MAINTENANCE = /^postgres: (?:autovacuum (?:launcher|worker)|checkpointer|background writer)\b/;
/** A client backend's title ends in its client's address: "host(port) state" or "[local] state". */
const CLIENT = / (?:\S+\(\d+\)|\[local\])(?: |$)/;
export function maintenanceProcess(cmdline: string): boolean {
  // A role named "autovacuum" connected to a database named "worker" is still a client.
  return MAINTENANCE.test(cmdline) && !CLIENT.test(cmdline);
}

/**
 * The database a PostgreSQL client backend serves, from its title ("postgres: user database
 * host(port) state"), or undefined for any other process. A database name with a space in it
 * cannot be told from the title: it is read as its first word.
 */
const BACKEND = /^postgres: \S+ (\S+) (?:\S+\(\d+\)|\[local\])(?: |$)/;
export function backendDatabase(cmdline: string): string | undefined {
  return BACKEND.exec(cmdline)?.[1];
}

function cmdlineOf(pid: number): string {
  try {
    // NUL-separated arguments; a process that rewrites its title (PostgreSQL) has one string.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Every live descendant of a process (children, grandchildren…), from the ppids in /proc/N/stat. */
export function descendants(root: number): number[] {
  // Under 0 and 1 is every process on the machine: never a system's own tree.
  if (!Number.isInteger(root) || root <= 1) return [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const p = readProc(Number(e));
    if (!p) continue;
    const list = children.get(p.ppid) ?? [];
    list.push(p.pid);
    children.set(p.ppid, list);
  }
  const out: number[] = [];
  const stack = [...(children.get(root) ?? [])];
  while (stack.length) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** A process to measure: `tree` adds its descendants (PostgreSQL's backends, cluster workers). */
export type ProcTarget = { unit: string; role?: ProcessUsage['role']; pid: number; tree?: boolean };

/** stats[i]: the readings of targets[i] (and its descendants), by pid */
export type ProcSample = { at: number; targets: ProcTarget[]; stats: Map<number, ProcStat>[] };

/** Read the counters of every target (and, for tree targets, their descendants) now. */
export function sampleProcesses(targets: readonly ProcTarget[], now: number = performance.now()): ProcSample {
  const stats = targets.map((t) => {
    const m = new Map<number, ProcStat>();
    for (const pid of [t.pid, ...(t.tree ? descendants(t.pid) : [])]) {
      const s = readProc(pid);
      if (!s) continue;
      if (!t.tree || pid === t.pid) {
        m.set(pid, s);
        continue;
      }
      const title = cmdlineOf(pid);
      const database = backendDatabase(title);
      m.set(pid, maintenanceProcess(title) ? { ...s, maintenance: true } : database !== undefined ? { ...s, database } : s);
    }
    return m;
  });
  return { at: now, targets: [...targets], stats };
}

/**
 * CPU used between two samples, per target. A process that appeared in between counts in full
 * (it started during the run); for tree targets the root's waited-for children count too, so
 * short-lived workers that exited are not lost.
 */
export function processUsage(before: ProcSample, after: ProcSample): ProcessUsage[] {
  const wall = Math.max(1e-9, (after.at - before.at) / 1000);
  return after.targets.map((t, i) => {
    const a = after.stats[i] ?? new Map<number, ProcStat>();
    const j = before.targets.findIndex((x) => x.pid === t.pid && !!x.tree === !!t.tree);
    const b = before.stats[j] ?? new Map<number, ProcStat>();
    let cpu = 0;
    let maintenance = 0;
    let hasMaintenance = false;
    let hwm: number | null = null;
    const databases = new Map<string, number>();
    for (const [pid, s] of a) {
      const d = s.cpuSeconds - (b.get(pid)?.cpuSeconds ?? 0);
      cpu += d;
      if (s.database !== undefined) databases.set(s.database, (databases.get(s.database) ?? 0) + d);
      if (s.maintenance) {
        hasMaintenance = true;
        maintenance += d;
      }
      if (t.tree && pid === t.pid) {
        // Children that exited in between: under PostgreSQL, autovacuum workers (client
        // backends of the kept pools live as long as the run).
        const exited = s.childCpuSeconds - (b.get(pid)?.childCpuSeconds ?? 0);
        cpu += exited;
        maintenance += exited;
      }
      if (s.vmHwmKiB !== null) hwm = (hwm ?? 0) + s.vmHwmKiB;
    }
    // A root that exited before the second sample: report what we saw.
    if (a.size === 0) hwm = b.get(t.pid)?.vmHwmKiB ?? null;
    const cpuSeconds = Math.max(0, round(cpu, 3));
    return {
      unit: t.unit,
      role: t.role ?? 'unit',
      pid: t.pid,
      cpuSeconds,
      cpuUtilization: round(cpuSeconds / wall, 3),
      rssMaxMiB: hwm === null ? null : round(hwm / 1024, 1),
      ...(hasMaintenance ? { maintenanceCpuSeconds: Math.min(cpuSeconds, Math.max(0, round(maintenance, 3))) } : {}),
      ...(databases.size ? { databaseCpuSeconds: Object.fromEntries([...databases].sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => [k, Math.max(0, round(v, 3))])) } : {}),
    };
  });
}

/** This process's own CPU since `since` (process.cpuUsage), and its peak RSS. */
export function selfUsage(since: NodeJS.CpuUsage, wallSeconds: number): { pid: number; cpuSeconds: number; cpuUtilization: number; rssMaxMiB: number } {
  const u = process.cpuUsage(since);
  const cpuSeconds = round((u.user + u.system) / 1e6, 3);
  return { pid: process.pid, cpuSeconds, cpuUtilization: round(cpuSeconds / Math.max(1e-9, wallSeconds), 3), rssMaxMiB: round(process.resourceUsage().maxRSS / 1024, 1) };
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
