// A small real HTTP endpoint for testing and benchmarking the driver: node:http, answers 200
// "ok", optionally after spinning the CPU or waiting, and optionally stalling the whole process
// once (a GC pause, a blocking call) to show what coordinated omission hides.
// Run as a child process: `node trivial-server.js [--port 0] [--cpu-ms N] [--delay-ms N]
// [--stall-after N --stall-ms M] [--status 503]`; it prints one JSON line {"port":…} on stdout when listening.
import { createServer } from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { runnableFile } from './runnable.js';

export type TrivialOptions = { port?: number; cpuMs?: number; delayMs?: number; stallAfter?: number; stallMs?: number; /** answer with this status (default 200) */ status?: number };

/** Block the process for `ms` of wall time (a stall: GC pause, blocking call). */
function stall(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    /* blocked */
  }
}

/** Spend `ms` of this process's CPU time (not wall time: preemption must not shorten the demand). */
function burn(ms: number): void {
  const start = process.cpuUsage();
  const us = ms * 1000;
  for (;;) {
    for (let i = 0; i < 2000; i++) {
      /* busy */
    }
    const d = process.cpuUsage(start);
    if (d.user + d.system >= us) return;
  }
}

export function serve(o: TrivialOptions): Promise<number> {
  let n = 0;
  const server = createServer((req, res) => {
    n++;
    // Drain the request body before answering.
    req.resume();
    req.on('end', () => {
      if (o.stallAfter !== undefined && n === o.stallAfter) stall(o.stallMs ?? 500);
      if (o.cpuMs) burn(o.cpuMs);
      const reply = () => {
        res.writeHead(o.status ?? 200, { 'content-type': 'text/plain', 'content-length': '2' });
        res.end('ok');
      };
      if (o.delayMs) {
        // At least delayMs of real time: a timer counts on libuv's millisecond loop clock, cached
        // when the loop iteration began, so setTimeout(5) can fire after 4.95 ms (seen in CI).
        const until = performance.now() + o.delayMs;
        const wait = (): void => {
          const left = until - performance.now();
          if (left <= 0) reply();
          else if (left > 1) setTimeout(wait, left - 1);
          else setImmediate(wait);
        };
        setTimeout(wait, o.delayMs);
      } else reply();
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server.listen(o.port ?? 0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

/** How long stop() waits for the server to exit on SIGTERM before it kills it. */
export const STOP_GRACE_MS = 2000;

export type TrivialServer = { url: string; port: number; pid: number; child: ChildProcess; stop(): Promise<void> };

/** Start the trivial server as a child process (optionally through a command prefix such as taskset). */
export async function startTrivialServer(o: TrivialOptions = {}, prefix: string[] = []): Promise<TrivialServer> {
  const script = runnableFile(import.meta.url);
  const args = [script, '--port', String(o.port ?? 0)];
  if (o.cpuMs) args.push('--cpu-ms', String(o.cpuMs));
  if (o.delayMs) args.push('--delay-ms', String(o.delayMs));
  if (o.stallAfter !== undefined) args.push('--stall-after', String(o.stallAfter), '--stall-ms', String(o.stallMs ?? 500));
  if (o.status) args.push('--status', String(o.status));
  const [cmd, cmdArgs] = prefix.length ? [prefix[0]!, [...prefix.slice(1), process.execPath, ...args]] : [process.execPath, args];
  // stdin is a pipe the server watches: when this process goes, so does the server.
  const child = spawn(cmd, cmdArgs, { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (line) => {
      try {
        resolve((JSON.parse(line) as { port: number }).port);
      } catch {
        reject(new Error(`trivial server said: ${line}`));
      }
    });
    child.once('exit', (code) => reject(new Error(`trivial server exited ${code}`)));
    child.once('error', reject);
  });
  // With a prefix (taskset -c), taskset execs node, so the pid is node's.
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        // A server spinning through a long --trivial-cpu request runs no signal handler until the
        // request is done (an hour for --trivial-cpu 1h): SIGKILL after a grace period.
        const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

function arg(argv: string[], name: string): number | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : undefined;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  const port = await serve({
    port: arg(argv, '--port'),
    cpuMs: arg(argv, '--cpu-ms'),
    delayMs: arg(argv, '--delay-ms'),
    stallAfter: arg(argv, '--stall-after'),
    stallMs: arg(argv, '--stall-ms'),
    status: arg(argv, '--status'),
  });
  // Heard before the port is told: a parent that stops the server as soon as it reads the line
  // found it killed by the signal (exit code null) one time in five.
  process.on('SIGTERM', () => process.exit(0));
  process.stdout.write(`${JSON.stringify({ port, pid: process.pid })}\n`);
  // Never outlive the parent that started us: it holds our stdin open.
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}
