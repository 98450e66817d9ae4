// Shared helpers for benchmark modules.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = `${ROOT}bin/archsim`;

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * CPU time (user + system, ms) of this process's waited-for children so far, from /proc (Linux;
 * null elsewhere). On a shared machine it says what a command costs when its wall time says
 * mostly how busy the machine was.
 */
function childrenCpuMs() {
  try {
    // Fields after the command name: cutime and cstime are the 14th and 15th (clock ticks, 100/s).
    const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(f[13]) + Number(f[14])) * 10;
  } catch {
    return null;
  }
}

/** Whole-process wall time of a command, median over `runs` (after one warm-up run), and its CPU time. */
export function timeCommand(cmd, args, { runs = 9, cwd = ROOT, env = {} } = {}) {
  const times = [];
  const cpu = [];
  for (let i = 0; i <= runs; i++) {
    const c0 = childrenCpuMs();
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const c1 = childrenCpuMs();
    if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    if (i > 0) times.push(ms);
    if (i > 0 && c0 !== null && c1 !== null) cpu.push(c1 - c0);
  }
  return { median: median(times), min: Math.min(...times), max: Math.max(...times), runs, cpuMedian: cpu.length ? median(cpu) : null };
}

export const fmtMs = (ms) => `${ms < 10 ? ms.toFixed(2) : ms.toFixed(0)} ms`;
