// The state of an `archsim up`: .archsim/run.json in the working directory, so `archsim down`
// can find the supervisor and, if it is gone, every process it started, and `archsim status`
// can say what runs. The supervisor rewrites it whenever a unit or the gateway dies or is restarted, so its
// pids are always the live ones. It holds database URLs with their password: mode 0600 in a
// 0700 directory, written to a temp file and renamed (a reader never sees half a file).
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface RunState {
  status: 'starting' | 'ready';
  supervisorPid: number;
  blueprint: string;
  layout: string;
  gatewayUrl: string;
  units: { name: string; url: string; internalUrl?: string; pid: number; domains: string[]; state?: 'up' | 'restarting' | 'stopped' | 'failed'; restarts?: number }[];
  gateway?: { url: string; pid: number; state?: 'up' | 'restarting' | 'stopped' | 'failed'; restarts?: number };
  postgres: { kind: string; port?: number; pid?: number; dataDir?: string; containerId?: string };
  databases: Record<string, string>;
  logDir: string;
  startedAt: string;
  /** `up --runtime compose`: the compose project (docker supervises its containers; supervisorPid is 0 when detached). */
  compose?: { project: string; dir: string; command: string[]; image: string; services: string[] };
}

export const statePath = (cwd = process.cwd()) => join(cwd, '.archsim', 'run.json');

export function readState(cwd?: string): RunState | undefined {
  const p = statePath(cwd);
  if (!existsSync(p)) return undefined;
  return JSON.parse(readFileSync(p, 'utf8')) as RunState;
}

export function writeState(s: RunState, cwd?: string): void {
  const p = statePath(cwd);
  mkdirSync(dirname(p), { recursive: true, mode: 0o700 });
  const tmp = `${p}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(s, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600); // an older file's mode is not inherited, but be explicit
  renameSync(tmp, p);
}

/** A database URL without its password, for anything printed or logged. */
export function hidePassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:\/\/([^:/@]+):[^@]*@/, '://$1:***@');
  }
}

/** The state as printed (--json, up.log): database passwords hidden. */
export function printableState(s: RunState): RunState {
  return { ...s, databases: Object.fromEntries(Object.entries(s.databases).map(([k, v]) => [k, hidePassword(v)])) };
}

export function clearState(cwd?: string, pid?: number): void {
  const s = readState(cwd);
  // Only the supervisor that wrote it removes it (a second `up` must not erase the first's).
  if (s && (pid === undefined || s.supervisorPid === pid)) rmSync(statePath(cwd), { force: true });
}

export function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
