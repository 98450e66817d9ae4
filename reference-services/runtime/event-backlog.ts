// How many events wait to be handled: outbox rows not yet published (every database holding a
// producing domain's schema) and cross-unit queue rows not yet done (events.ts). A load test
// reads it at each measured window's edges and after the load: a saturated system can answer
// its requests while its events pile up, work its requests caused and left for later
// (src/loadtest/deferred-work.ts).
import pg from 'pg';
import { shortClient } from './postgres.js';

/** The pending-work tables and what makes a row pending; a database may hold either, both or neither. */
const PENDING = [
  { table: 'archsim_outbox.outbox', where: 'published_at IS NULL' },
  { table: 'events.queue', where: 'done_at IS NULL' },
] as const;

export interface EventBacklog {
  /** Events waiting now, summed over the databases. */
  read(): Promise<number>;
  close(): Promise<void>;
}

/**
 * One connection per distinct database, opened now and kept: a new connection's handshake costs
 * PostgreSQL milliseconds of CPU, which a read at a window's edge would add to the window.
 */
export async function openEventBacklog(urls: readonly string[]): Promise<EventBacklog> {
  const dbs: { client: pg.Client; queries: string[] }[] = [];
  try {
    for (const url of new Set(urls)) {
      const client = shortClient({ connectionString: url, connectionTimeoutMillis: 5_000 });
      await client.connect();
      dbs.push({ client, queries: [] });
      for (const p of PENDING) {
        const found = await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [p.table]);
        // The names are this module's constants, never input.
        if (found.rows[0]?.t) dbs[dbs.length - 1]!.queries.push(`SELECT count(*)::int AS n FROM ${p.table} WHERE ${p.where}`);
      }
    }
  } catch (e) {
    await Promise.all(dbs.map((d) => d.client.end().catch(() => undefined)));
    throw e;
  }
  return {
    read: async () => {
      let n = 0;
      for (const d of dbs) for (const q of d.queries) n += (await d.client.query<{ n: number }>(q)).rows[0]?.n ?? 0;
      return n;
    },
    close: async () => void (await Promise.all(dbs.map((d) => d.client.end().catch(() => undefined)))),
  };
}
