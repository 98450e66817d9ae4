// The docker CLI and compose, run as child processes (argument arrays, never a shell), with a
// timeout and bounded output. `up --runtime compose` and `down` go through here.
import { spawn } from 'node:child_process';
import { ArchsimError } from '../../src/errors.js';

/** Docker is missing, not answering, or refused what we asked: one line for the user (exit 2). */
export class DockerError extends ArchsimError {
  override name = 'DockerError';
  readonly kind = 'usage';
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

const MAX_OUTPUT = 1 << 20;

export function run(cmd: string, args: string[], o: { env?: Record<string, string>; allowFail?: boolean; timeoutMs?: number; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((res, rej) => {
    const p = spawn(cmd, args, { env: { ...process.env, ...o.env }, cwd: o.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => void (stdout.length < MAX_OUTPUT && (stdout += d.toString())));
    p.stderr.on('data', (d: Buffer) => void (stderr.length < MAX_OUTPUT && (stderr += d.toString())));
    const t = setTimeout(() => p.kill('SIGKILL'), o.timeoutMs ?? 120_000);
    p.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(t);
      rej(new DockerError(e.code === 'ENOENT' ? `${cmd} is not installed (a Docker engine and its CLI are needed: apt-get install docker.io)` : `${cmd}: ${e.message}`));
    });
    p.once('close', (code, signal) => {
      clearTimeout(t);
      const r = { code: code ?? (signal ? 128 : 1), stdout, stderr };
      if (r.code !== 0 && !o.allowFail) rej(new DockerError(`${cmd} ${args.slice(0, 3).join(' ')}: ${errorLine(stderr || stdout) ?? `exit ${r.code}`}`));
      else res(r);
    });
  });
}

/** The line that says what went wrong: compose's last ERROR line (its progress goes to stderr too), else the last line. */
export function errorLine(text: string): string | undefined {
  const lines = text.trim().split('\n').filter(Boolean);
  return [...lines].reverse().find((l) => /^(ERROR|Error)\b/.test(l)) ?? lines.at(-1);
}

export const docker = (args: string[], o: Parameters<typeof run>[2] = {}) => run('docker', args, o);

/** Whether a Docker engine answers (its version), or why not. */
export async function engine(): Promise<{ ok: true; version: string } | { ok: false; why: string }> {
  try {
    const r = await docker(['version', '--format', '{{.Server.Version}}'], { allowFail: true, timeoutMs: 15_000 });
    if (r.code === 0 && r.stdout.trim()) return { ok: true, version: r.stdout.trim() };
    return { ok: false, why: `no Docker engine answers (${(r.stderr.trim().split('\n').slice(-1)[0] ?? '') || `exit ${r.code}`})` };
  } catch (e) {
    return { ok: false, why: (e as Error).message };
  }
}

/**
 * The compose command: the v2 plugin (`docker compose`) where installed, else the standalone
 * `docker-compose` (Debian's package is 1.29, which reads the same files). undefined: neither.
 */
export async function composeCommand(): Promise<string[] | undefined> {
  const v2 = await docker(['compose', 'version'], { allowFail: true, timeoutMs: 15_000 }).catch(() => undefined);
  if (v2?.code === 0) return ['docker', 'compose'];
  const v1 = await run('docker-compose', ['version', '--short'], { allowFail: true, timeoutMs: 30_000 }).catch(() => undefined);
  if (v1?.code === 0) return ['docker-compose'];
  return undefined;
}
