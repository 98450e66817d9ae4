// The state of a detached `archsim up`: .archsim/run.json in the working directory, so
// `archsim down` can find the supervisor and, if it is gone, every process it started.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface RunState {
  status: 'starting' | 'ready';
  supervisorPid: number;
  blueprint: string;
  layout: string;
  gatewayUrl: string;
  units: { name: string; url: string; pid: number; domains: string[] }[];
  gateway?: { url: string; pid: number };
  postgres: { kind: string; port?: number; pid?: number; dataDir?: string };
  databases: Record<string, string>;
  logDir: string;
  startedAt: string;
}

export const statePath = (cwd = process.cwd()) => join(cwd, '.archsim', 'run.json');

export function readState(cwd?: string): RunState | undefined {
  const p = statePath(cwd);
  if (!existsSync(p)) return undefined;
  return JSON.parse(readFileSync(p, 'utf8')) as RunState;
}

export function writeState(s: RunState, cwd?: string): void {
  const p = statePath(cwd);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, `${JSON.stringify(s, null, 2)}\n`);
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
