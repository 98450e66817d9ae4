// One process of `calibrate --platform`'s event microbenchmark (launcher/event-queue-bench.ts),
// built on the units' own EventRouter so the figures are what a unit pays:
//
//   producer  emits `bench.pinged` on its own (outbox, then publish), paced one event every
//             paceMs. `local`: its consumer is in this process (how a single unit dispatches an
//             event); `remote`: the consumer is another unit, so publishing also writes the
//             cross-unit queue and NOTIFYs.
//   consumer  LISTENs and claims `sink.take` rows from the queue, as a consumer unit does.
//
// Each reports over IPC: `ready`, then `measure` when its warm-up is done (producer), and
// `done` with its own CPU seconds over the measured events. The parent reads PostgreSQL's, then
// sends `end`: only then do the pools close. Closed at once, their backends exited while the
// parent read the server's process tree, and a backend reaped between the postmaster's reading
// and its own was counted nowhere (a CI run measured the remote path's extra as 0).
import { EventRouter } from './events.js';
import { openDb, type Db } from './db.js';
import type { Logger } from './context.js';

export type BenchStart =
  | { role: 'producer'; mode: 'local' | 'remote'; outboxUrl: string; queueUrl: string; warmup: number; events: number; paceMs: number }
  | { role: 'consumer'; queueUrl: string; warmup: number; events: number };

const EVENT = 'bench.pinged';
const CONSUMER = 'sink.take';
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Resolves when the parent has read PostgreSQL's CPU and says `end`; a parent gone ends us too. */
const ended = new Promise<void>((resolve) => {
  process.on('message', (m: { type?: string }) => m?.type === 'end' && resolve());
  process.once('disconnect', () => resolve());
});

/** Report `done`, keep the connections open until the parent's `end`, then close them and exit. */
async function finish(cpu: NodeJS.CpuUsage, close: () => Promise<unknown>): Promise<void> {
  process.send?.({ type: 'done', cpuSeconds: (cpu.user + cpu.system) / 1e6 });
  await ended;
  await close().catch(() => undefined);
  process.exit(0);
}

async function producer(m: Extract<BenchStart, { role: 'producer' }>): Promise<void> {
  const outbox = openDb(m.outboxUrl, 4);
  const queue: Db | undefined = m.mode === 'remote' ? openDb(m.queueUrl, 4) : undefined;
  let taken = 0;
  let wake: (() => void) | undefined;
  const router = new EventRouter(new Map([[EVENT, [CONSUMER]]]), (d) => d === 'bench' || m.mode === 'local', quiet, () => outbox, queue, m.mode === 'remote' ? m.queueUrl : undefined);
  router.producer('bench');
  if (m.mode === 'local')
    router.on(CONSUMER, async () => {
      taken++;
      wake?.();
    });
  await router.migrate();
  await router.start(500);
  // Wait until the local consumer (or, remote, the outbox drain) has caught up with event n.
  const published = async (n: number) => {
    if (m.mode === 'local') {
      while (taken < n) await new Promise<void>((r) => (wake = r));
      return;
    }
    for (;;) {
      const row = await outbox.one<{ n: string }>('SELECT count(*) AS n FROM archsim_outbox.outbox WHERE published_at IS NOT NULL');
      if (Number(row?.n ?? 0) >= n) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const paced = async (from: number, count: number) => {
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      const wait = t0 + i * m.paceMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await router.emit('bench', EVENT, { n: from + i, text: 'x'.repeat(64) });
    }
  };
  process.send?.({ type: 'ready' });
  await paced(0, m.warmup);
  await published(m.warmup);
  process.send?.({ type: 'measure' });
  const c0 = process.cpuUsage();
  await paced(m.warmup, m.events);
  // Remote: the parent waits for the consumer; here only until the last row is published.
  await published(m.warmup + m.events);
  const c = process.cpuUsage(c0);
  await router.stop();
  await finish(c, () => Promise.all([outbox.end(), queue?.end()]));
}

async function consumer(m: Extract<BenchStart, { role: 'consumer' }>): Promise<void> {
  const queue = openDb(m.queueUrl, 4);
  let taken = 0;
  let c0: NodeJS.CpuUsage | undefined;
  let caughtUp: (() => void) | undefined;
  const router = new EventRouter(new Map([[EVENT, [CONSUMER]]]), (d) => d === 'sink', quiet, () => queue, queue, m.queueUrl);
  router.on(CONSUMER, async () => {
    taken++;
    // The clock starts once the warm-up's events are in: the measured ones cost what follows.
    if (taken === m.warmup) c0 = process.cpuUsage();
    if (taken === m.warmup + m.events) caughtUp?.();
  });
  await router.migrate();
  const done = new Promise<void>((r) => (caughtUp = r));
  await router.start(500);
  process.send?.({ type: 'ready' });
  await done;
  const c = process.cpuUsage(c0);
  await router.stop();
  await finish(c, () => queue.end());
}

process.once('message', (m: BenchStart) => void (m.role === 'producer' ? producer(m) : consumer(m)).catch((e: Error) => {
  process.stderr.write(`event bench ${m.role}: ${e.message}\n`);
  process.exit(1);
}));
process.on('disconnect', () => process.exit(0));
