// Events, with a transactional outbox. A producer writes its event in the same transaction
// as the change it describes (archsim_outbox.outbox, in the producer's own database), so a
// crash can never keep one without the other. After the commit (and by a poll, for rows a
// crash left behind) the unit's publisher drains its outbox: rows for consumers in other
// units go to the cross-unit queue (schema `events` in a database every unit reaches,
// standing in for the blueprint's broker: one row per (event, consumer operation), a NOTIFY
// to wake consumers, a poll as fallback); consumers in this unit run right there. An outbox
// row is marked published only after all of that succeeded, and a queue row is marked done
// only after its handler succeeded: delivery is at-least-once, and every consumer is
// idempotent by event id (a redelivered event changes nothing). A consumer unit that is down
// simply finds its rows waiting when it starts again.
import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import type { EventEnvelope, Logger } from './context.js';
import { migrate, type Db, type Queryable, type Tx } from './db.js';
import { currentRequestId } from './request-context.js';

export const eventsMigrations = [
  `CREATE TABLE IF NOT EXISTS events.queue (
     id bigserial PRIMARY KEY,
     event_id uuid NOT NULL,
     event text NOT NULL,
     consumer text NOT NULL,
     payload jsonb NOT NULL,
     request_id text,
     created_at timestamptz NOT NULL DEFAULT now(),
     available_at timestamptz NOT NULL DEFAULT now(),
     attempts int NOT NULL DEFAULT 0,
     last_error text,
     done_at timestamptz,
     UNIQUE (event_id, consumer))`,
  `CREATE INDEX IF NOT EXISTS queue_pending ON events.queue (consumer, id) WHERE done_at IS NULL`,
];

/** The outbox, one per database that holds a producing domain's schema. */
export const outboxMigrations = [
  `CREATE TABLE IF NOT EXISTS archsim_outbox.outbox (
     id bigserial PRIMARY KEY,
     domain text NOT NULL,
     event_id uuid NOT NULL UNIQUE,
     event text NOT NULL,
     payload jsonb NOT NULL,
     request_id text,
     created_at timestamptz NOT NULL DEFAULT now(),
     available_at timestamptz NOT NULL DEFAULT now(),
     attempts int NOT NULL DEFAULT 0,
     last_error text,
     published_at timestamptz)`,
  `CREATE INDEX IF NOT EXISTS outbox_pending ON archsim_outbox.outbox (domain, id) WHERE published_at IS NULL`,
];

/**
 * The NOTIFY channel of a consumer domain's units. One channel per consuming domain, so an event
 * wakes only the units that consume it: on one shared channel PostgreSQL signalled every
 * listening backend and every unit parsed every notification (eight of them per event in an
 * eight-unit layout, for one or two consumers), CPU no broker spends. A hash keeps the name a
 * plain identifier (LISTEN takes no parameter) whatever the blueprint calls its domains.
 */
const CHANNEL_NAME = /^archsim_ev_[0-9a-f]{24}$/;
export function channelOf(domain: string): string {
  return `archsim_ev_${createHash('sha256').update(domain).digest('hex').slice(0, 24)}`;
}

/**
 * The id of an event a consumer emits because of another one: the same for every delivery of
 * the cause, so a consumer that runs twice (at-least-once delivery) records its event once.
 */
export function derivedEventId(causeId: string, event: string): string {
  const h = createHash('sha256').update(`${causeId}\u0000${event}`).digest('hex');
  // RFC 9562 layout: version 8 (custom), variant 10.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
type ConsumerFn = (e: EventEnvelope) => Promise<void>;
/** One drain loop: running, asked to go round again, and the loop itself (awaited on stop). */
interface DrainState {
  draining: boolean;
  again: boolean;
  inflight: Promise<void>;
}

export class EventRouter {
  private readonly handlers = new Map<string, ConsumerFn>();
  private listener?: pg.Client;
  private poller?: NodeJS.Timeout;
  private stopped = false;
  /** the cross-unit queue's drain state */
  private readonly queue: DrainState = { draining: false, again: false, inflight: Promise.resolve() };
  private readonly timers: NodeJS.Timeout[] = [];
  /** outbox database → the local domains whose rows it holds, and its drain state */
  private readonly outboxes = new Map<Db, DrainState & { domains: string[] }>();

  constructor(
    /** event → consumer operations ("domain.op") from the blueprint */
    private readonly consumersOf: Map<string, string[]>,
    private readonly isLocal: (domain: string) => boolean,
    private readonly log: Logger,
    /** the database of each local domain (its outbox lives there) */
    private readonly dbOf: (domain: string) => Db,
    private readonly queueDb?: Db,
    private readonly queueUrl?: string,
    /** test-only fault hook (see unit.ts): called where a crash would hurt most */
    private readonly fault: (point: string) => void = () => undefined,
  ) {}

  on(consumer: string, fn: ConsumerFn) {
    this.handlers.set(consumer, fn);
  }

  /** Register a local producing domain (its outbox is drained by this unit). */
  producer(domain: string) {
    const db = this.dbOf(domain);
    const o = this.outboxes.get(db);
    if (o) o.domains.push(domain);
    else this.outboxes.set(db, { domains: [domain], draining: false, again: false, inflight: Promise.resolve() });
  }

  /**
   * A local domain moved to another database (a cut-over): its events are recorded there from
   * now on and drained from there too; its rows recorded before stay where they are and are
   * still drained from there.
   */
  addOutbox(db: Db, domain: string) {
    const o = this.outboxes.get(db);
    if (!o) this.outboxes.set(db, { domains: [domain], draining: false, again: false, inflight: Promise.resolve() });
    else if (!o.domains.includes(domain)) o.domains.push(domain);
    this.kickOutbox(db);
  }

  /**
   * Record an event of `domain`. With `tx`, in that transaction (it commits or rolls back with
   * the change); without, on its own (durable once this returns). Published after the commit.
   * With `id` (derivedEventId), recording the same event again is a no-op.
   */
  async emit(domain: string, event: string, payload: Record<string, unknown>, tx?: Tx, id?: string): Promise<void> {
    const db = this.dbOf(domain);
    const q: Queryable = tx ?? db;
    await q.query('INSERT INTO archsim_outbox.outbox (domain, event_id, event, payload, request_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING', [
      domain,
      id ?? randomUUID(),
      event,
      JSON.stringify(payload),
      currentRequestId() ?? null,
    ]);
    const publish = () => {
      // The window a crash must not lose: committed, not yet published.
      this.fault('after-commit');
      setImmediate(() => this.kickOutbox(db));
    };
    if (tx) tx.onCommit(publish);
    else publish();
  }

  async migrate() {
    for (const db of this.outboxes.keys()) await migrate(db, 'archsim_outbox', outboxMigrations);
    if (this.queueDb) await migrate(this.queueDb, 'events', eventsMigrations);
  }

  private kickOutbox(db: Db) {
    const o = this.outboxes.get(db);
    if (o) this.drain(o, () => this.drainOutbox(db, o.domains), 'outbox drain failed; will retry');
  }

  /**
   * Run `step` until it reports nothing more to do, one loop at a time per state: a kick while
   * a loop runs makes it go round once more instead of starting a second loop.
   */
  private drain(s: DrainState, step: () => Promise<boolean>, failure: string) {
    if (this.stopped) return;
    if (s.draining) {
      s.again = true;
      return;
    }
    s.draining = true;
    s.inflight = (async () => {
      try {
        do {
          s.again = false;
          while (!this.stopped && (await step())) {
            /* keep draining */
          }
        } while (s.again && !this.stopped);
      } catch (e) {
        this.log.warn({ err: (e as Error).message }, failure);
      } finally {
        s.draining = false;
      }
    })();
  }

  /** Publish a batch of due outbox rows: remote consumers' queue rows, then local handlers. */
  private async drainOutbox(db: Db, domains: string[]): Promise<boolean> {
    const BATCH = 64;
    return db.tx(async (q) => {
      const rows = await q.query<{ id: string; event_id: string; event: string; payload: Record<string, unknown>; request_id: string | null; created_at: Date }>(
        `SELECT id, event_id, event, payload, request_id, created_at FROM archsim_outbox.outbox
         WHERE published_at IS NULL AND domain = ANY($1) AND available_at <= now() ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [domains, BATCH],
      );
      if (!rows.length) return false;
      const remote: { row: (typeof rows)[number]; consumer: string }[] = [];
      for (const row of rows) for (const c of this.consumersOf.get(row.event) ?? []) if (!this.isLocal(c.split('.')[0]!)) remote.push({ row, consumer: c });
      if (remote.length) {
        if (!this.queueDb) throw new Error(`events have consumers in other units but no events database is configured`);
        // One round trip: the rows (again after a crash: no-ops) and the wake-up (payload: the consumers).
        await this.queueDb.query(
          `WITH rows AS (
             INSERT INTO events.queue (event_id, event, consumer, payload, request_id)
             SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::text[])
             ON CONFLICT (event_id, consumer) DO NOTHING RETURNING 1)
           SELECT pg_notify(ch, $7) FROM unnest($6::text[]) AS ch, (SELECT count(*) FROM rows) AS n`,
          [
            remote.map((r) => r.row.event_id),
            remote.map((r) => r.row.event),
            remote.map((r) => r.consumer),
            remote.map((r) => JSON.stringify(r.row.payload)),
            remote.map((r) => r.row.request_id),
            [...new Set(remote.map((r) => channelOf(r.consumer.split('.')[0]!)))],
            [...new Set(remote.map((r) => r.consumer))].join(','),
          ],
        );
      }
      const published: string[] = [];
      for (const row of rows) {
        const env: EventEnvelope = { id: row.event_id, event: row.event, payload: row.payload, at: row.created_at.toISOString(), ...(row.request_id ? { requestId: row.request_id } : {}) };
        let failed: Error | undefined;
        for (const c of (this.consumersOf.get(row.event) ?? []).filter((c) => this.isLocal(c.split('.')[0]!))) {
          const fn = this.handlers.get(c);
          if (!fn) continue;
          try {
            await fn(env);
          } catch (e) {
            failed = e as Error;
            this.log.warn({ event: row.event, consumer: c, err: failed.message }, 'event delivery failed; will retry');
          }
        }
        if (!failed) published.push(row.id);
        else
          // Back off (1 s per attempt, up to 30 s); every local consumer runs again then (idempotent).
          await q.query(`UPDATE archsim_outbox.outbox SET attempts = attempts + 1, last_error = $2, available_at = now() + make_interval(secs => LEAST(attempts + 1, 30)) WHERE id = $1`, [
            row.id,
            failed.message.slice(0, 500),
          ]);
      }
      if (published.length) await q.query('UPDATE archsim_outbox.outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])', [published]);
      return rows.length === BATCH;
    });
  }

  /** Consume the queue for this unit's consumer operations that have producers elsewhere. */
  async start(pollMs = 500) {
    // Outbox rows a crash left unpublished, and rows whose publishing failed, are retried by poll.
    const outboxPoll = setInterval(() => {
      for (const db of this.outboxes.keys()) this.kickOutbox(db);
    }, pollMs);
    this.timers.push(outboxPoll);
    for (const db of this.outboxes.keys()) this.kickOutbox(db);
    if (!this.queueDb || !this.queueUrl || this.handlers.size === 0) return;
    const connect = async () => {
      try {
        const c = new pg.Client({ connectionString: this.queueUrl });
        c.on('error', () => {
          this.listener = undefined;
        });
        c.on('notification', (n) => {
          if (!n.payload || n.payload.split(',').some((x) => this.handlers.has(x))) this.kick();
        });
        await c.connect();
        for (const ch of new Set([...this.handlers.keys()].map((h) => channelOf(h.split('.')[0]!)))) {
          // LISTEN takes no parameter: the name is interpolated, so it must be the hash's shape.
          if (!CHANNEL_NAME.test(ch)) throw new Error(`not a channel name: ${ch}`);
          await c.query(`LISTEN ${ch}`);
        }
        this.listener = c;
      } catch (e) {
        this.log.warn({ err: (e as Error).message }, 'events LISTEN failed; polling only');
      }
    };
    await connect();
    this.poller = setInterval(() => {
      if (!this.listener && !this.stopped) void connect();
      this.kick();
    }, pollMs);
    this.kick();
  }

  private kick() {
    this.drain(this.queue, () => this.claimOne(), 'events drain failed; will retry');
  }

  /** Claim up to a batch of due rows, handle them in order, mark each done or back it off. */
  private async claimOne(): Promise<boolean> {
    const consumers = [...this.handlers.keys()];
    const BATCH = 32;
    return this.queueDb!.tx(async (q) => {
      const rows = await q.query<{ id: string; event_id: string; event: string; consumer: string; payload: Record<string, unknown>; request_id: string | null; created_at: Date }>(
        `SELECT id, event_id, event, consumer, payload, request_id, created_at FROM events.queue
         WHERE done_at IS NULL AND consumer = ANY($1) AND available_at <= now() ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [consumers, BATCH],
      );
      const done: string[] = [];
      for (const row of rows) {
        const env: EventEnvelope = { id: row.event_id, event: row.event, payload: row.payload, at: row.created_at.toISOString(), ...(row.request_id ? { requestId: row.request_id } : {}) };
        try {
          await this.handlers.get(row.consumer)!(env);
          done.push(row.id);
        } catch (e) {
          // Back off (1 s per attempt, up to 30 s); the row stays until a handler succeeds.
          await q.query(`UPDATE events.queue SET attempts = attempts + 1, last_error = $2, available_at = now() + make_interval(secs => LEAST(attempts + 1, 30)) WHERE id = $1`, [
            row.id,
            (e as Error).message.slice(0, 500),
          ]);
          this.log.warn({ event: row.event, consumer: row.consumer, err: (e as Error).message }, 'event delivery failed; will retry');
        }
      }
      if (done.length) await q.query('UPDATE events.queue SET done_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])', [done]);
      return rows.length === BATCH;
    });
  }

  async stop() {
    this.stopped = true;
    clearInterval(this.poller);
    for (const t of this.timers) clearInterval(t);
    await this.queue.inflight.catch(() => undefined);
    await Promise.all([...this.outboxes.values()].map((o) => o.inflight.catch(() => undefined)));
    await this.listener?.end().catch(() => undefined);
  }
}
