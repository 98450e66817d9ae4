// Per-operation CPU of a unit, measured where it is spent: every callback the event loop runs
// (I/O callbacks, timers, promise continuations between awaits) is timed and charged to the
// operation whose request it serves (the request context's `op`, set when the request is routed
// and switched for in-process internal calls, so the figure is the operation's *self* time).
// Work handed to libuv's thread pool (scrypt) is counted per operation as pool tasks, with the
// time from submission to completion; the pool threads' CPU is read from /proc per thread.
//
// The timer is the monotonic clock around each callback: on a loaded host it includes time the
// thread was preempted, so the per-operation figures are used as *shares* of the main thread's
// CPU, which /proc/<pid>/task/<pid>/stat gives exactly (see `threadCpu`).
//
// A client socket's callbacks (a reply read and parsed: a query's rows, a remote call's answer)
// are charged to the operation that wrote the request now on it, not to the socket's own context:
// async_hooks run a socket's callbacks in the context the socket was *created* in, which for a
// pooled connection is the first request that opened it (undici's keep-alive pool) or none at all
// (the pg pool, opened at start by warm()). Until 2026-12-05 a microservice's query results were
// "(unattributed)" and shared out over its few public requests (user-service's users.get read
// 2.5 ms a request against the monolith's 0.2), and remote answers went to whichever operation
// had opened the connection.
//
// Off unless ARCHSIM_PROFILE_OPS=1 (the load tester sets it for every layout it measures, so a
// calibration layout and a predicted layout carry the same instrumentation overhead).
import { AsyncResource, createHook, executionAsyncResource } from 'node:async_hooks';
import { pbkdf2 } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import { readdirSync, readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { requestContext } from './request-context.js';

export type OpTotals = { loopMs: number; spans: number; poolTasks: number; poolMs: number };

/** What callbacks outside any request go to (timers, the event-queue poller, HTTP parsing before routing). */
export const UNATTRIBUTED = '(unattributed)';

/**
 * async_hooks resource types whose work runs on libuv's thread pool (crypto, zlib, fs, dns). The
 * crypto jobs are every async one Node has, WebCrypto's among them: a JWT signed or verified with
 * `crypto.subtle` (HS256 in jose, as the auth domain does for every authenticated request) is a
 * SIGNREQUEST on the pool, queued behind whatever password hashes are there. Until 2026-12-03 only
 * scrypt, pbkdf2, random bytes and digests were counted, and a refresh's three token operations
 * looked like event-loop work that waited for nothing. `fs.promises` requests (FSREQPROMISE) run
 * there too.
 */
export const POOL_TYPES: ReadonlySet<string> = new Set([
  'SCRYPTREQUEST',
  'PBKDF2REQUEST',
  'RANDOMBYTESREQUEST',
  'RANDOMPRIMEREQUEST',
  'CHECKPRIMEREQUEST',
  'HASHREQUEST',
  'SIGNREQUEST',
  'VERIFYREQUEST',
  'CIPHERREQUEST',
  'DERIVEBITSREQUEST',
  'KEYGENREQUEST',
  'KEYPAIRGENREQUEST',
  'KEYEXPORTREQUEST',
  'ZLIB',
  'FSREQCALLBACK',
  'FSREQPROMISE',
  'GETADDRINFOREQWRAP',
]);

/**
 * A client socket's handle → the operation whose request was last sent on it (UNATTRIBUTED when
 * sent outside any request: a poller's query). A request/reply connection (pg, undici with
 * pipelining 1) carries one request at a time, so the reply read next is that operation's. pg
 * writes a query in its caller's context, so the write tells. undici does not always: a request
 * queued in the pool is sent from the completion of the one before, in that one's context (and a
 * connection's first sender's). Its diagnostics channel names the socket a request's headers go
 * out on, and the request's handler is an AsyncResource made in its caller's context, which
 * answers whose request it is (undici 7's Request keeps it under a symbol named "handler";
 * test/reference-services/op-cpu-sockets.test.ts fails if that changes).
 */
const socketOwner = new WeakMap<object, string>();
let socketOwnersTracked = false;

/** The operation of the context an undici request was made in, or null where the request does not say. */
function undiciRequestOp(request: object): string | null {
  const key = Object.getOwnPropertySymbols(request).find((k) => k.description === 'handler');
  const handler = key ? (request as Record<symbol, unknown>)[key] : null;
  return handler instanceof AsyncResource ? handler.runInAsyncScope(() => requestContext.getStore()?.op ?? UNATTRIBUTED) : null;
}

/** Record every client socket's sender (once per process; sockets a server accepted are left alone: what arrives on them is the next request, routed later). */
function trackSocketOwners(): void {
  if (socketOwnersTracked) return;
  socketOwnersTracked = true;
  const undiciSockets = new WeakSet<object>();
  subscribe('undici:client:sendHeaders', (m) => {
    const { request, socket } = m as { request: object; socket: Socket & { _handle?: object | null } };
    undiciSockets.add(socket);
    if (socket._handle) socketOwner.set(socket._handle, undiciRequestOp(request) ?? requestContext.getStore()?.op ?? UNATTRIBUTED);
  });
  const write = Socket.prototype.write;
  Socket.prototype.write = function (this: Socket & { server?: unknown; _handle?: object | null }, ...args: unknown[]) {
    if (!this.server && this._handle && !undiciSockets.has(this)) socketOwner.set(this._handle, requestContext.getStore()?.op ?? UNATTRIBUTED);
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as typeof write;
}

/** One running callback. `followed`: its operation is a client socket's (or inherited from one), not its async context's, and what it schedules follows it. */
type Frame = { op: string; t0: number; child: number; followed: boolean };

export class OpProfiler {
  readonly ops = new Map<string, OpTotals>();
  private readonly stack: Frame[] = [];
  /** resources created inside a followed callback (the reply's parsing scheduling its next steps) → that callback's operation */
  private readonly inherited = new WeakMap<object, string>();
  private readonly pending = new Map<number, { op: string; t0: number }>();
  /** threads alive when the profiler started: V8's own workers, and libuv's pool if it already ran a task */
  readonly bootThreads = new Set(threadIds());
  /**
   * libuv's pool threads among the boot threads, found by findPoolThreads(). Node's module loader
   * reads files through the pool before any service code runs, so the pool is usually there at
   * boot already, and "born later" alone missed it: every result up to 2026-12-02 read 0 s of pool
   * CPU with scrypt running (its CPU counted with V8's workers).
   */
  readonly poolThreads = new Set<number>();

  /** `now`: the clock around callbacks (tests pass one that only the work advances, so preemption on a busy host cannot blur them). */
  constructor(private readonly now: () => number = () => performance.now()) {}

  private acc(op: string): OpTotals {
    let a = this.ops.get(op);
    if (!a) this.ops.set(op, (a = { loopMs: 0, spans: 0, poolTasks: 0, poolMs: 0 }));
    return a;
  }

  /** A span starts: an operation (public or internal) begins serving one call. */
  span(op: string): void {
    this.acc(op).spans++;
  }

  /**
   * Run fn (synchronously) as `op`: the running callback's time so far stays with its operation,
   * fn's synchronous part is charged to `op`, and the callback continues as before. Used where
   * a request's operation becomes known in the middle of a callback (routing, an in-process call).
   */
  within<T>(op: string, fn: () => T): T {
    const top = this.stack[this.stack.length - 1];
    if (!top) return fn();
    const t = this.now();
    const prev = top.op;
    this.acc(prev).loopMs += t - top.t0 - top.child;
    top.op = op;
    top.t0 = t;
    top.child = 0;
    try {
      return fn();
    } finally {
      const t2 = this.now();
      this.acc(op).loopMs += t2 - top.t0 - top.child;
      top.op = prev;
      top.t0 = t2;
      top.child = 0;
    }
  }

  start(): this {
    const now = this.now;
    trackSocketOwners();
    createHook({
      init: (id, type, _trigger, resource) => {
        const top = this.stack[this.stack.length - 1];
        if (top?.followed) this.inherited.set(resource, top.op);
        if (!POOL_TYPES.has(type)) return;
        const op = top?.followed ? top.op : (requestContext.getStore()?.op ?? UNATTRIBUTED);
        this.pending.set(id, { op, t0: now() });
      },
      before: (id) => {
        const p = this.pending.get(id);
        if (p) {
          this.pending.delete(id);
          const a = this.acc(p.op);
          a.poolTasks++;
          a.poolMs += now() - p.t0;
        }
        const resource = executionAsyncResource();
        const followed = this.inherited.get(resource) ?? socketOwner.get(resource);
        this.stack.push({ op: followed ?? requestContext.getStore()?.op ?? UNATTRIBUTED, t0: now(), child: 0, followed: followed !== undefined });
      },
      after: () => {
        const top = this.stack.pop();
        if (!top) return;
        const spent = now() - top.t0;
        this.acc(top.op).loopMs += spent - top.child;
        const parent = this.stack[this.stack.length - 1];
        if (parent) parent.child += spent;
      },
      destroy: (id) => void this.pending.delete(id),
    }).enable();
    return this;
  }

  /**
   * Tell libuv's pool threads apart by what they do: rounds of hashes on the pool (twice its size
   * a round) until `size` threads stand clear of the rest (poolThreadsFrom), at least three rounds
   * and at most PROBE_ROUNDS_MAX. One round was not enough on a loaded host (CI, 2026-12-03): a
   * thread woken late found the round's hashes taken, was missed, and the scrypts it later ran
   * were counted as V8's (scripts/pool-probe.mjs). About 40 ms of CPU, once, at start.
   */
  async findPoolThreads(): Promise<void> {
    const size = Math.max(1, Math.min(1024, Number(process.env.UV_THREADPOOL_SIZE) || 4));
    const rounds: Map<number, number>[] = [];
    for (let r = 0; r < PROBE_ROUNDS_MAX; r++) {
      const before = new Map(
        threadIds()
          .filter((tid) => tid !== process.pid)
          .map((tid) => [tid, threadNs(tid)]),
      );
      await Promise.all(Array.from({ length: 2 * size }, () => new Promise<void>((res) => pbkdf2('archsim', 'pool-probe', PROBE_ITERATIONS, 32, 'sha256', () => res()))));
      rounds.push(new Map([...before].map(([tid, ns]) => [tid, threadNs(tid) - ns])));
      if (r >= 2 && poolThreadsFrom(rounds, size, 2 * size).settled) break;
    }
    for (const tid of poolThreadsFrom(rounds, size, 2 * size).threads) this.poolThreads.add(tid);
  }

  /** Counters for /metrics: per operation, plus the process's threads' CPU. */
  snapshot(): { ops: Record<string, OpTotals>; threads: ThreadCpu } {
    return { ops: Object.fromEntries(this.ops), threads: threadCpu(this.bootThreads, this.poolThreads) };
  }
}

/** One probe hash: about 2.5 ms of CPU on this machine, long enough that a pool thread woken a little late still finds one queued. */
const PROBE_ITERATIONS = 10_000;
const PROBE_ROUNDS_MAX = 8;

/**
 * The pool's threads from the probe: `rounds` holds each round's CPU growth per thread (ns),
 * `hashes` the hashes a round ran. A hash's cost is the round's whole growth over `hashes`; a
 * thread's score is its growth over all rounds, in hashes. The pool's threads are the (at most
 * `size`) highest scores of at least half a hash. `settled` says the answer is clear: the
 * `size`-th score is at least one hash and twice the next one's. A V8 worker compiling or
 * collecting garbage during a round grows too (CI, 2026-12-02: five threads over half a hash with
 * a pool of four); a pool thread gains about two hashes a round, so more rounds part them.
 */
export function poolThreadsFrom(rounds: readonly ReadonlyMap<number, number>[], size: number, hashes: number): { threads: number[]; settled: boolean } {
  const score = new Map<number, number>();
  for (const round of rounds) {
    let total = 0;
    for (const d of round.values()) total += Math.max(0, d);
    if (total <= 0) continue;
    const hash = total / hashes;
    for (const [tid, d] of round) score.set(tid, (score.get(tid) ?? 0) + Math.max(0, d) / hash);
  }
  const ranked = [...score].filter(([, s]) => s >= 0.5).sort((a, b) => b[1] - a[1]);
  const last = ranked[size - 1]?.[1] ?? 0;
  const next = ranked[size]?.[1] ?? 0;
  // A pool thread averages two hashes a round; a V8 worker's burst (compiling, collecting) is
  // one round's. So the size-th must have averaged most of a hash a round (¾), not merely one
  // hash in all: on a host kept busy (CI, 2026-12-05) a V8 worker's burst outranked a pool thread
  // woken late after two rounds and was named in its place (findPoolThreads now runs three).
  return { threads: ranked.slice(0, size).map(([tid]) => tid), settled: last >= Math.max(1, 0.75 * rounds.length) && next * 2 <= last };
}

export type ThreadCpu = { mainSeconds: number; bootThreadsSeconds: number; laterThreadsSeconds: number };

function threadIds(): number[] {
  try {
    return readdirSync('/proc/self/task').map(Number);
  } catch {
    return [];
  }
}

/** utime + stime of one thread of this process, seconds (clock ticks assumed 100/s, as on every Linux). */
function threadSeconds(tid: number): number {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU time of one thread of this process so far, ns (schedstat; 0 where the kernel gives none). */
function threadNs(tid: number): number {
  try {
    return Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]) || 0;
  } catch {
    return 0;
  }
}

/**
 * CPU of this process by thread: the main thread (the event loop and all JavaScript), the
 * threads that existed at start (V8's platform workers: GC, compilation) less the pool's, and
 * libuv's pool: the boot threads `pool` names (OpProfiler.findPoolThreads) and any thread started
 * later (a pool created at its first task).
 */
export function threadCpu(boot: ReadonlySet<number>, pool: ReadonlySet<number> = new Set()): ThreadCpu {
  const out = { mainSeconds: 0, bootThreadsSeconds: 0, laterThreadsSeconds: 0 };
  for (const tid of threadIds()) {
    const s = threadSeconds(tid);
    if (tid === process.pid) out.mainSeconds += s;
    else if (boot.has(tid) && !pool.has(tid)) out.bootThreadsSeconds += s;
    else out.laterThreadsSeconds += s;
  }
  return out;
}

/** The profiler of this process, when ARCHSIM_PROFILE_OPS=1. */
export const opProfiler: OpProfiler | null = process.env.ARCHSIM_PROFILE_OPS === '1' ? new OpProfiler().start() : null;
