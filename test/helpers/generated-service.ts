// Running a generated (scaffolded) service for real in a test: a free port, one request on a
// connection of its own, waiting for what its log or its answers show, and its JSON log lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';

export type LogLine = Record<string, unknown>;

/** A port nothing listens on now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** One request on a connection of its own (a cluster hands each new connection to the next worker). */
export function call(port: number, method: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false, headers: method === 'POST' ? { 'content-type': 'application/json' } : {} }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? '{}' : undefined);
  });
}

/** f's first defined value, asked every 100 ms; after `ms`, fails naming `what` with the process's logs. */
export async function waitFor<T>(what: string, f: () => Promise<T | undefined> | T | undefined, logs: () => string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await Promise.resolve(f()).catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${logs()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The JSON log lines a process wrote. */
export function logLines(text: string): LogLine[] {
  return text.split('\n').flatMap((l) => {
    try {
      const v = JSON.parse(l) as unknown;
      return typeof v === 'object' && v !== null ? [v as LogLine] : [];
    } catch {
      return [];
    }
  });
}

/** Starts a built service (dist/src/main.js in `dir`) on 127.0.0.1 with `env`; its output collected. */
export function startService(dir: string, env: Record<string, string>): { child: ChildProcess; logs: () => string; exited: Promise<number | null> } {
  let logs = '';
  const child = spawn(process.execPath, ['dist/src/main.js'], { cwd: dir, env: { ...process.env, HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (logs += d));
  child.stderr!.on('data', (d) => (logs += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, logs: () => logs, exited };
}
