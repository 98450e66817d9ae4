// A thin, parameterized-only wrapper over a pg Pool. Every query takes SQL text with $n
// placeholders and a values array: there is no helper that splices values into SQL.
import pg from 'pg';

export type Row = Record<string, unknown>;

export interface Queryable {
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  one<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
}

/** A transaction: queries, plus work to run once it has committed (e.g. publishing its outbox rows). */
export interface Tx extends Queryable {
  onCommit(fn: () => void): void;
}

export interface Db extends Queryable {
  tx<T>(fn: (q: Tx) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  /**
   * Open every connection of the pool now (a kept pool then never connects under load), one
   * after another; a connection the server is not ready for yet is retried until `untilMs`.
   */
  warm(untilMs?: number): Promise<void>;
  end(): Promise<void>;
  pool: pg.Pool;
}

/** How a pool connects: the defaults suit a server on this machine (the process runtime). */
export interface PoolOptions {
  /** Limit on opening a connection and on waiting for a free one (default 5 s). */
  connectTimeoutMs?: number;
  /**
   * Keep every connection once opened (no idle timeout): with warm(), the pool never opens a
   * connection while serving. Over the network a new connection costs SCRAM's PBKDF2 and a DNS
   * lookup on libuv's thread pool, where they queue behind a burst of scrypt password hashes.
   */
  keep?: boolean;
}

function wrap(c: pg.Pool | pg.PoolClient): Queryable {
  const send = c instanceof pg.Pool ? pooled(c) : (sql: string, params: unknown[]) => c.query(sql, params);
  return {
    async query<T extends Row>(sql: string, params: readonly unknown[] = []) {
      const r = await send(sql, params as unknown[]);
      return r.rows as T[];
    },
    async one<T extends Row>(sql: string, params: readonly unknown[] = []) {
      const r = await send(sql, params as unknown[]);
      return r.rows[0] as T | undefined;
    },
  };
}

/**
 * One query on a connection of the pool, as pool.query runs it, but sent from this caller's own
 * async context: pool.query hands a connection that was busy to the waiting query inside the
 * callback that freed it, so a queued query went out in the context of the request before it, and
 * the per-operation CPU profile (op-cpu.ts, which charges a reply to its query's sender) gave its
 * rows to that one.
 */
function pooled(pool: pg.Pool) {
  return async (sql: string, params: unknown[]) => {
    const client = await pool.connect();
    // an error on the connection while it is out: the query rejects with it (pool.query listens too)
    const quiet = () => undefined;
    client.on('error', quiet);
    let failed: Error | undefined;
    try {
      return await client.query(sql, params);
    } catch (e) {
      // pool.query closes the connection of any failed query; one the server refused and
      // survived (a unique violation, a statement timeout) is healthy, and closing it made a
      // kept pool open a new one, SCRAM handshake and all, while serving.
      if (!refusedOnly(e)) failed = e as Error;
      throw e;
    } finally {
      client.off('error', quiet);
      client.release(failed);
    }
  };
}

/**
 * An error PostgreSQL reported for the statement alone (severity ERROR): the connection is still
 * good. FATAL and PANIC end the session, and a client-side error may leave it mid-protocol.
 */
function refusedOnly(e: unknown): boolean {
  return e instanceof pg.DatabaseError && e.severity === 'ERROR';
}

export function openDb(url: string, max = 10, o: PoolOptions = {}): Db {
  const pool = new pg.Pool({ connectionString: url, max, ...(o.keep ? { min: max } : {}), connectionTimeoutMillis: o.connectTimeoutMs ?? 5000, idleTimeoutMillis: 30_000 });
  // A dropped idle connection must not crash the unit; the pool replaces it.
  pool.on('error', () => undefined);
  const base = wrap(pool);
  return {
    ...base,
    pool,
    async tx(fn) {
      const client = await pool.connect();
      const after: (() => void)[] = [];
      try {
        await client.query('BEGIN');
        const out = await fn({ ...wrap(client), onCommit: (f) => void after.push(f) });
        await client.query('COMMIT');
        for (const f of after) f();
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    async warm(untilMs = 0) {
      // One at a time, each held so the next is a new one: eight units opening every pool at
      // once, as a server that just started became ready, was a burst of forks and SCRAM
      // handshakes the server, short of CPU on a busy machine, answered after pg's connect
      // timeout (the unit then failed and its container restarted from scratch).
      const end = Date.now() + untilMs;
      const held: pg.PoolClient[] = [];
      try {
        while (held.length < max) {
          try {
            held.push(await pool.connect());
          } catch (e) {
            if (!notYet(e) || Date.now() >= end) throw e;
            await new Promise((r) => setTimeout(r, 500));
          }
        }
      } finally {
        for (const c of held) c.release();
      }
    },
    end: () => pool.end(),
  };
}

/** Errors that mean "the server is not there yet": refused, not resolvable yet, starting up, timed out. */
const NOT_YET = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', '57P03']);
function notYet(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return (code !== undefined && NOT_YET.has(code)) || /timeout|terminated/i.test((e as Error).message ?? '');
}

/**
 * Wait until the database answers, up to `ms` (a container's server may start after the unit's):
 * retries only while the server is not there yet; any other error (a wrong password) is thrown at once.
 */
export async function waitForDb(db: Db, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await db.ping();
    } catch (e) {
      if (!notYet(e) || Date.now() >= end) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * Apply a schema's migrations once each, recorded in <schema>.schema_migrations. An advisory
 * lock per schema makes concurrent starts (two units on one database) safe.
 */
export async function migrate(db: Db, schema: string, steps: readonly string[]): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
  await db.tx(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`archsim:${schema}`]);
    // Identifiers cannot be parameters; the schema name is checked above and comes from code.
    await q.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await q.query(`CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await q.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations`)).map((r) => r.version));
    for (const [i, sql] of steps.entries()) {
      const version = i + 1;
      if (done.has(version)) continue;
      await q.query(sql);
      await q.query(`INSERT INTO ${schema}.schema_migrations (version) VALUES ($1)`, [version]);
    }
  });
}
