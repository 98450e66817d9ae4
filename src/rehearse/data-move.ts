// A table move between two PostgreSQL databases, its five steps done for real (the rehearsal's
// I/O edge; runner.ts decides when each runs):
//
// - dual write: PostgreSQL's logical replication from the old copy to the new one. A publication
//   of the domain's tables on the source and a slot created with an exported snapshot; the new
//   copy is subscribed to the slot. Every write committed to the old copy from then on, by any
//   unit that serves the domain (the old route's and the new one's alike, through the canary),
//   reaches the new copy in commit order: a PostgreSQL-side mechanism, so no service code can
//   forget a write path (a consumer, an internal operation) and the rows are the same values
//   (defaults such as now() and gen_random_uuid() are not evaluated twice).
// - backfill: the rows as of the slot's snapshot, copied in one transaction (backfill.ts), so
//   the stream continues exactly where the copy ends: no row written during the move is missed
//   or applied twice.
// - verify: with the domain's writes held on every unit (the cut-over's hold), the source
//   cannot change: each table's count and checksum on both sides must agree once the stream has
//   applied what was committed (polled until then, within a bound: a copy that still differs
//   is a mismatch and blocks the cut-over).
// - cut over: the units switch the domain to the new copy (runner.ts, the units' admin
//   endpoint), then the stream is stopped (subscription, slot and publication dropped).
// - drop the old copy: its tables dropped, once the old route is retired and no unit uses it.
import pg from 'pg';
import { shortClient } from '../../reference-services/runtime/postgres.js';
import { backfillAndVerify, checksumSql, qualified, type TableCopy, type TableRef } from './backfill.js';

/** A dual write under way: what stopDualWrite needs, and what the backfill did. */
export interface DualWrite {
  /** publication, slot and subscription name */
  name: string;
  schema: string;
  sourceUrl: string;
  targetUrl: string;
  /** every table of the schema (the domain's, as the services keep it), parents first */
  tables: TableRef[];
  backfill: TableCopy[];
  /** ms from the publication to the subscription (the backfill included) */
  ms: number;
}

export interface TableComparison extends TableRef {
  rows: number;
  copyRows: number;
  checksum: string;
  copyChecksum: string;
  equal: boolean;
}

export interface Comparison {
  equal: boolean;
  tables: TableComparison[];
  /** ms until the copies agreed (or the bound, when they never did) */
  ms: number;
}

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether the server can replicate logically (wal_level=logical): the dual write needs it. */
export async function walLevel(url: string): Promise<string> {
  return (await queryOnce<{ v: string }>(url, 'SELECT current_setting($1) AS v', ['wal_level']))[0]!.v;
}

/** The tables of a schema the services keep there (their migrations' bookkeeping left out), by name. */
export async function schemaTables(url: string, schema: string): Promise<TableRef[]> {
  const rows = await queryOnce<{ t: string }>(url, `SELECT tablename AS t FROM pg_tables WHERE schemaname = $1 AND tablename <> 'schema_migrations' ORDER BY tablename`, [schema]);
  return rows.map((r) => ({ schema, table: r.t }));
}

/**
 * Start the dual write of `schema`'s tables from `sourceUrl` to `targetUrl` (the schema already
 * migrated there, its tables empty or to be replaced), backfilling the copy at the slot's snapshot.
 */
export async function startDualWrite(sourceUrl: string, targetUrl: string, schema: string, name: string): Promise<DualWrite> {
  if (!NAME.test(name) || !NAME.test(schema)) throw new Error(`not a plain name: ${JSON.stringify(`${schema} ${name}`).slice(0, 80)}`);
  const level = await walLevel(sourceUrl);
  if (level !== 'logical') throw new Error(`the source server's wal_level is ${level}, not logical: PostgreSQL cannot replicate its writes to the new copy`);
  const t0 = performance.now();
  const tables = await schemaTables(sourceUrl, schema);
  if (!tables.length) throw new Error(`schema ${schema} has no table in the source database`);
  // Published, a table without a replica identity refuses every UPDATE and DELETE on the source:
  // the services' writes would fail. Such a table is named, and nothing is started.
  const blind = await queryOnce<{ t: string }>(
    sourceUrl,
    `SELECT c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = ANY($2) AND (c.relreplident = 'n' OR (c.relreplident = 'd' AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)))
      ORDER BY 1`,
    [schema, tables.map((t) => t.table)],
  );
  if (blind.length) throw new Error(`${blind.map((x) => `${schema}.${x.t}`).join(', ')} ${blind.length === 1 ? 'has' : 'have'} no primary key (no replica identity): replicated, ${blind.length === 1 ? 'its' : 'their'} updates and deletes would fail on the source`);
  // The publication first: the slot's decoding reads it as of each change, so it must predate the slot.
  await queryOnce(sourceUrl, `CREATE PUBLICATION ${name} FOR TABLE ${tables.map(qualified).join(', ')}`);
  const repl = new pg.Client({ connectionString: sourceUrl, replication: 'database' } as pg.ClientConfig);
  repl.on('error', () => undefined);
  let backfill: TableCopy[];
  try {
    await repl.connect();
    // The snapshot stays importable while this connection runs nothing else: the copy imports it.
    const slot = await repl.query<{ snapshot_name: string }>(`CREATE_REPLICATION_SLOT ${name} LOGICAL pgoutput (SNAPSHOT 'export')`);
    backfill = await backfillAndVerify(sourceUrl, targetUrl, tables, { snapshot: slot.rows[0]!.snapshot_name });
  } catch (e) {
    await repl.end().catch(() => undefined);
    await dropReplication(sourceUrl, targetUrl, name).catch(() => undefined);
    throw e;
  }
  await repl.end().catch(() => undefined);
  try {
    // In the same server a subscription cannot create its own slot (it would wait for itself):
    // it takes the one made above, and copies nothing (the backfill did, at the slot's snapshot).
    await queryOnce(targetUrl, `CREATE SUBSCRIPTION ${name} CONNECTION '${conninfo(sourceUrl)}' PUBLICATION ${name} WITH (create_slot = false, slot_name = '${name}', copy_data = false)`);
  } catch (e) {
    await dropReplication(sourceUrl, targetUrl, name).catch(() => undefined);
    throw e;
  }
  return { name, schema, sourceUrl, targetUrl, tables: backfill.map(({ schema: s, table }) => ({ schema: s, table })), backfill, ms: Math.round(performance.now() - t0) };
}

/**
 * Compare the copies, table by table (count and checksum), polling until they agree or `boundMs`
 * has passed: with the source's writes held, the stream applies what was committed within
 * milliseconds, so copies that still differ at the bound differ for good.
 */
export async function compareCopies(sourceUrl: string, targetUrl: string, tables: readonly TableRef[], boundMs: number): Promise<Comparison> {
  const t0 = performance.now();
  const src = shortClient({ connectionString: sourceUrl });
  const dst = shortClient({ connectionString: targetUrl });
  await src.connect();
  try {
    await dst.connect();
    const sums = async (c: pg.Client) => {
      const out: string[] = [];
      for (const t of tables) out.push((await c.query<{ sum: string }>(checksumSql(qualified(t)))).rows[0]!.sum);
      return out;
    };
    const before = await sums(src);
    for (;;) {
      const after = await sums(dst);
      const equal = after.every((x, i) => x === before[i]);
      if (equal || performance.now() - t0 >= boundMs) {
        const n = (s: string) => Number(s.split(':')[0]);
        return {
          equal,
          ms: Math.round(performance.now() - t0),
          tables: tables.map((t, i) => ({ ...t, rows: n(before[i]!), copyRows: n(after[i]!), checksum: before[i]!, copyChecksum: after[i]!, equal: before[i] === after[i] })),
        };
      }
      await sleep(25);
    }
  } finally {
    await src.end().catch(() => undefined);
    await dst.end().catch(() => undefined);
  }
}

/** The schema's sequences set in the copy as they are in the source (the stream does not carry them). */
export async function syncSequences(sourceUrl: string, targetUrl: string, schema: string): Promise<number> {
  const seqs = await queryOnce<{ name: string }>(sourceUrl, `SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) AS name FROM pg_sequences WHERE schemaname = $1`, [schema]);
  for (const { name } of seqs) {
    const [v] = await queryOnce<{ last_value: string | null; is_called: boolean }>(sourceUrl, `SELECT last_value, is_called FROM ${name}`);
    if (v?.last_value !== null && v?.last_value !== undefined) await queryOnce(targetUrl, 'SELECT setval($1::regclass, $2::bigint, $3)', [name, v.last_value, v.is_called]);
  }
  return seqs.length;
}

/** Stop the dual write: the subscription, its slot and the publication dropped. */
export async function stopDualWrite(d: Pick<DualWrite, 'sourceUrl' | 'targetUrl' | 'name'>): Promise<void> {
  await dropReplication(d.sourceUrl, d.targetUrl, d.name);
}

async function dropReplication(sourceUrl: string, targetUrl: string, name: string): Promise<void> {
  if (!NAME.test(name)) throw new Error('not a plain name');
  const sub = await queryOnce(targetUrl, 'SELECT 1 FROM pg_subscription WHERE subname = $1', [name]);
  if (sub.length) {
    // Detached from its slot first: dropping it would otherwise drop the slot over a
    // replication connection into this same server, which is dropped below instead.
    await queryOnce(targetUrl, `ALTER SUBSCRIPTION ${name} DISABLE`);
    await queryOnce(targetUrl, `ALTER SUBSCRIPTION ${name} SET (slot_name = NONE)`);
    await queryOnce(targetUrl, `DROP SUBSCRIPTION ${name}`);
  }
  // The slot is busy until the disabled subscription's sender exits: a few tries.
  for (let i = 0; ; i++) {
    const slot = await queryOnce<{ active: boolean }>(sourceUrl, 'SELECT active FROM pg_replication_slots WHERE slot_name = $1', [name]);
    if (!slot.length) break;
    if (!slot[0]!.active) {
      await queryOnce(sourceUrl, 'SELECT pg_drop_replication_slot($1)', [name]);
      break;
    }
    if (i >= 100) throw new Error(`replication slot ${name} still in use after 10 s`);
    await sleep(100);
  }
  await queryOnce(sourceUrl, `DROP PUBLICATION IF EXISTS ${name}`);
}

/** Drop the old copy's tables (all at once: foreign keys between them do not matter). Waits at most `lockMs` for a reader to finish. */
export async function dropOldCopy(sourceUrl: string, tables: readonly TableRef[], lockMs = 5000): Promise<void> {
  const c = shortClient({ connectionString: sourceUrl });
  await c.connect();
  try {
    await c.query(`SET lock_timeout = ${Math.max(1, Math.round(lockMs))}`);
    await c.query(`DROP TABLE ${tables.map(qualified).join(', ')}`);
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Whether a table exists in a database. */
export async function tableExists(url: string, t: TableRef): Promise<boolean> {
  return (await queryOnce<{ oid: string | null }>(url, 'SELECT to_regclass($1)::text AS oid', [qualified(t)]))[0]!.oid !== null;
}

/** A libpq connection string from a URL, each value quoted (a password may hold anything). */
export function conninfo(url: string): string {
  const u = new URL(url);
  const q = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const parts = [`host=${q(u.hostname)}`, `port=${q(u.port || '5432')}`, `dbname=${q(decodeURIComponent(u.pathname.slice(1)))}`, `user=${q(decodeURIComponent(u.username))}`, ...(u.password ? [`password=${q(decodeURIComponent(u.password))}`] : [])];
  // Inside a single-quoted SQL literal: its quotes doubled.
  return parts.join(' ').replace(/'/g, "''");
}

async function queryOnce<T extends pg.QueryResultRow = pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = shortClient({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end().catch(() => undefined);
  }
}
