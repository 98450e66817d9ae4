// `calibrate --platform`'s event microbenchmark: what an event costs when its consumer is in
// another unit (outbox, then the PostgreSQL queue with a NOTIFY, then a claim by the consumer)
// beyond what it costs consumed in the producer's own process. Two runs on a scratch embedded
// cluster (durable, like every measured run), each with the units' own EventRouter
// (runtime/event-bench-main.ts): `local`, producer and consumer in one process; `remote`, a
// consumer process of its own. Events are paced (one every paceMs), as events mostly arrive one
// at a time; back to back, the drains batch them and each costs a fraction.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchStart } from '../runtime/event-bench-main.js';
import { ensureDatabases, startEmbedded } from '../runtime/postgres.js';
import { program } from './layout.js';

export type EventQueueRun = { producerCpu: number; consumerCpu: number; serverCpu: number; events: number };

export type EventQueueCosts = {
  /** ms of CPU per event: the producer's extra, the consumer's claim and handling, PostgreSQL's extra */
  publishMs: number;
  consumeMs: number;
  queueMs: number;
  events: number;
  paceMs: number;
};

/** Per event costs of the remote path beyond the local one. Pure. */
export function eventCosts(local: EventQueueRun, remote: EventQueueRun, paceMs: number): EventQueueCosts {
  const per = (s: number, n: number) => (s * 1000) / n;
  const r4 = (x: number) => Math.round(Math.max(0, x) * 10000) / 10000;
  return {
    publishMs: r4(per(remote.producerCpu, remote.events) - per(local.producerCpu, local.events)),
    consumeMs: r4(per(remote.consumerCpu, remote.events)),
    queueMs: r4(per(remote.serverCpu, remote.events) - per(local.serverCpu, local.events)),
    events: remote.events,
    paceMs,
  };
}

/** The caller's register of what it started (src/loadtest/scratch-processes.ts), so a signal can end it. */
type Tracker = { child<T extends ChildProcess>(p: T): T; stopping(stop: () => Promise<unknown>): () => void };

type Msg = { type: 'ready' | 'measure' | 'done'; cpuSeconds?: number };

/** A child that resolves `ready`, `measure` and `done` in turn; it fails the run if it exits early. */
function child(start: BenchStart, track?: Tracker) {
  const forked: ChildProcess = fork(program('event-bench-main'), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const proc = track ? track.child(forked) : forked;
  let err = '';
  proc.stderr!.on('data', (b: Buffer) => (err = (err + b).slice(-2000)));
  const waits = new Map<Msg['type'], { promise: Promise<Msg>; resolve: (m: Msg) => void }>();
  const slot = (t: Msg['type']) => {
    let s = waits.get(t);
    if (!s) {
      let resolve!: (m: Msg) => void;
      const promise = new Promise<Msg>((r) => (resolve = r));
      s = { promise, resolve };
      waits.set(t, s);
    }
    return s;
  };
  const failed = new Promise<never>((_, rej) => proc.once('exit', (c) => rej(new Error(`the event benchmark's ${start.role} exited ${c}${err ? `: ${err.trim().split('\n').pop()}` : ''}`))));
  failed.catch(() => undefined);
  proc.on('message', (m: Msg) => slot(m.type).resolve(m));
  proc.send(start);
  // `end`: PostgreSQL's CPU has been read; the child may now close its connections and exit.
  const end = () => void (proc.connected && proc.send({ type: 'end' }));
  return { proc, next: (t: Msg['type']) => Promise.race([slot(t).promise, failed]), end };
}

/** Bound a step: a stalled child fails the benchmark instead of hanging it. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, rej) => (t = setTimeout(() => rej(new Error(`the event benchmark's ${what} took over ${ms / 1000} s`)), ms)))]).finally(() => clearTimeout(t));
}

/**
 * Measure on a scratch cluster. `treeCpu(pid)` reads a process's CPU seconds with its
 * descendants (PostgreSQL's backends): the caller's /proc reader.
 */
/**
 * `onCluster`: more measurement on the same scratch cluster once the event runs are done (the
 * platform's database cold-visit sweep), so the platform starts one PostgreSQL, not two.
 */
export async function measureEventQueue(o: { treeCpu: (pid: number) => number; events?: number; warmup?: number; paceMs?: number; log?: (l: string) => void; track?: Tracker; onCluster?: (url: (database: string) => string) => Promise<void> }): Promise<EventQueueCosts> {
  const events = o.events ?? 1000;
  // V8 optimises the producer's and consumer's paths over the first thousand events or so.
  const warmup = o.warmup ?? 1000;
  const paceMs = o.paceMs ?? 5;
  const limit = 60_000 + (events + warmup) * paceMs * 4;
  const dataDir = join(tmpdir(), `archsim-pg-platform-${process.pid}-${randomBytes(3).toString('hex')}`);
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  // Registered before the cluster is up: a signal while it starts stops it once it has started.
  // No autovacuum: its passes over the outbox's and queue's deleted rows landed in one run's
  // reading and not the other's (in CI the remote path's extra once came out 0); what the
  // reading should hold is the events' own work, and the calibrations keep maintenance apart.
  const starting = startEmbedded({ dataDir, durable: true, autovacuum: false });
  const untrack = o.track?.stopping(() => starting.then((c) => c.stop()).finally(removeDir));
  const pg = await starting.catch((e: unknown) => {
    untrack?.();
    throw e;
  });
  const kids: ChildProcess[] = [];
  try {
    const pid = pg.pid;
    if (!pid) throw new Error('the scratch PostgreSQL has no process id to measure');
    await ensureDatabases(pg, ['bench_local', 'bench_outbox', 'bench_events']);
    const run = async (mode: 'local' | 'remote'): Promise<EventQueueRun> => {
      let consumer: ReturnType<typeof child> | undefined;
      if (mode === 'remote') {
        consumer = child({ role: 'consumer', queueUrl: pg.url('bench_events'), warmup, events }, o.track);
        kids.push(consumer.proc);
        await within(consumer.next('ready'), limit, 'consumer start');
      }
      const producer = child({ role: 'producer', mode, outboxUrl: pg.url(mode === 'local' ? 'bench_local' : 'bench_outbox'), queueUrl: pg.url('bench_events'), warmup, events, paceMs }, o.track);
      kids.push(producer.proc);
      await within(producer.next('measure'), limit, `${mode} warm-up`);
      const before = o.treeCpu(pid);
      const [p, c] = await within(Promise.all([producer.next('done'), consumer?.next('done')]), limit, `${mode} run`);
      // Read while both children still hold their connections (they close on `end`): a backend
      // exiting during the read can be missed by it.
      const serverCpu = Math.max(0, o.treeCpu(pid) - before);
      producer.end();
      consumer?.end();
      return { producerCpu: p.cpuSeconds ?? 0, consumerCpu: c?.cpuSeconds ?? 0, serverCpu, events };
    };
    o.log?.(`events: ${events} one every ${paceMs} ms (after ${warmup} unmeasured), consumed in the producer's process, then by another process through the PostgreSQL queue`);
    const local = await run('local');
    const remote = await run('remote');
    await o.onCluster?.((d) => pg.url(d));
    return eventCosts(local, remote, paceMs);
  } finally {
    for (const k of kids) if (k.exitCode === null) k.kill();
    untrack?.();
    await pg.stop().catch(() => undefined);
    removeDir();
  }
}
