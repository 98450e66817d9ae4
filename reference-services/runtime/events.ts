// Events. Inside a unit: an in-process bus (the consumer runs right after the producer's
// write, in the same process). Across units: a durable queue in PostgreSQL (schema `events`
// in a database every unit of the layout reaches), standing in for the blueprint's broker:
// one row per (event, consumer operation), written right after the producer's commit, a
// NOTIFY to wake consumers, a poll as fallback, and the row marked done only after the
// handler succeeded (at-least-once; handlers are idempotent by event id). A consumer unit
// that is down simply finds its rows waiting when it starts again.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { EventEnvelope, Logger } from './context.js';
import { migrate, type Db } from './db.js';
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

const CHANNEL = 'archsim_events';
type ConsumerFn = (e: EventEnvelope) => Promise<void>;

export class EventRouter {
  private readonly handlers = new Map<string, ConsumerFn>();
  private listener?: pg.Client;
  private poller?: NodeJS.Timeout;
  private draining = false;
  private again = false;
  private stopped = false;
  private inflight: Promise<void> = Promise.resolve();

  constructor(
    /** event → consumer operations ("domain.op") from the blueprint */
    private readonly consumersOf: Map<string, string[]>,
    private readonly isLocal: (domain: string) => boolean,
    private readonly log: Logger,
    private readonly queueDb?: Db,
    private readonly queueUrl?: string,
  ) {}

  on(consumer: string, fn: ConsumerFn) {
    this.handlers.set(consumer, fn);
  }

  async emit(event: string, payload: Record<string, unknown>): Promise<void> {
    const env: EventEnvelope = { id: randomUUID(), event, payload, at: new Date().toISOString(), ...(currentRequestId() ? { requestId: currentRequestId()! } : {}) };
    const consumers = this.consumersOf.get(event) ?? [];
    const remote = consumers.filter((c) => !this.isLocal(c.split('.')[0]!));
    if (remote.length) {
      if (!this.queueDb) throw new Error(`event ${event} has consumers in other units but no events database is configured`);
      // One round trip: the rows and the wake-up (payload: the consumers, so only their units look).
      await this.queueDb.query(
        `WITH rows AS (
           INSERT INTO events.queue (event_id, event, consumer, payload, request_id) SELECT $1, $2, c, $3, $4 FROM unnest($5::text[]) AS c RETURNING 1)
         SELECT pg_notify($6, $7) FROM (SELECT count(*) FROM rows) AS n`,
        [env.id, event, JSON.stringify(payload), env.requestId ?? null, remote, CHANNEL, remote.join(',')],
      );
    }
    for (const c of consumers.filter((c) => this.isLocal(c.split('.')[0]!))) {
      const fn = this.handlers.get(c);
      if (!fn) continue;
      // In-process: after the producer's response path, errors logged (not the caller's failure).
      setImmediate(() => void fn(env).catch((e: Error) => this.log.error({ event, consumer: c, err: e.message }, 'event handler failed')));
    }
  }

  async migrate() {
    if (this.queueDb) await migrate(this.queueDb, 'events', eventsMigrations);
  }

  /** Consume the queue for this unit's consumer operations that have producers elsewhere. */
  async start(pollMs = 500) {
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
        await c.query(`LISTEN ${CHANNEL}`);
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
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = true;
    this.inflight = (async () => {
      try {
        do {
          this.again = false;
          while (!this.stopped && (await this.claimOne())) {
            /* keep draining */
          }
        } while (this.again && !this.stopped);
      } catch (e) {
        this.log.warn({ err: (e as Error).message }, 'events drain failed; will retry');
      } finally {
        this.draining = false;
      }
    })();
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
    await this.inflight.catch(() => undefined);
    await this.listener?.end().catch(() => undefined);
  }
}
