// A table move's backfill and verify, rehearsed: the rows of some tables copied from the database
// holding them now to the move's target database (schemas already migrated there), then counted
// and checksummed on both sides. The source is read in one REPEATABLE READ snapshot, so the copy
// and the source's checksum are of the same instant while the units keep writing; the copy is
// checked against that snapshot. With the snapshot a replication slot exported (data-move.ts),
// the copy is where the dual write starts from; no unit reads it before the cut-over.
import { shortClient } from '../../reference-services/runtime/postgres.js';

export interface TableRef {
  schema: string;
  table: string;
}

export interface TableCopy extends TableRef {
  rows: number;
  /** the source snapshot's checksum (count and the sum of each row's md5, its first 64 bits) */
  checksum: string;
  /** the copy's, computed the same way after it committed */
  copyChecksum: string;
  verified: boolean;
  /**
   * Foreign keys of the copy to tables that do not move with it, dropped in the copy: once the
   * table lives in another database they would cross datastores (the application keeps that
   * reference, as the move's plan must say).
   */
  droppedForeignKeys: string[];
}

/** Rows per INSERT: one JSON array each, so any table's columns go through one statement. */
const BATCH = 500;

const IDENT = /^[a-z_][a-z0-9_]*$/;
export const qualified = (t: TableRef) => {
  // Identifiers cannot be parameters: only plain lower-case names (the reference services' own) pass.
  if (!IDENT.test(t.schema) || !IDENT.test(t.table)) throw new Error(`not a plain table name: ${JSON.stringify(`${t.schema}.${t.table}`).slice(0, 80)}`);
  return `${t.schema}.${t.table}`;
};

/**
 * Order-independent and bounded: the count, and the sum of the first 64 bits of each row's md5
 * (its text form: same columns, same types and the same server settings on both sides).
 */
export const checksumSql = (name: string) =>
  `SELECT count(*)::text || ':' || coalesce(sum(('x' || left(md5(t::text), 16))::bit(64)::bigint::numeric), 0)::text AS sum FROM ${name} t`;

/**
 * Copy `tables` (parents before children: the order of their foreign keys) from `sourceUrl` to
 * `targetUrl`, replacing what the target held, and verify each. Tables absent from the source are
 * an error (the caller names what it asked for).
 */
export async function backfillAndVerify(
  sourceUrl: string,
  targetUrl: string,
  tables: readonly TableRef[],
  /**
   * A snapshot exported by the creation of a logical replication slot (data-move.ts): the copy is
   * of exactly the instant from which the slot streams the changes, so the dual write that follows
   * neither misses nor repeats a row.
   */
  o: { snapshot?: string } = {},
): Promise<TableCopy[]> {
  if (o.snapshot !== undefined && !/^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$/i.test(o.snapshot)) throw new Error(`not a snapshot name: ${JSON.stringify(o.snapshot).slice(0, 40)}`);
  const src = shortClient({ connectionString: sourceUrl });
  const dst = shortClient({ connectionString: targetUrl });
  await src.connect();
  try {
    await dst.connect();
    // The copy starts by emptying its tables: never on the source itself (two URLs, one database,
    // as --db url gives every datastore without a variable of its own). Both connections are
    // backends of one server when the source sees the target's pid on its own database.
    const dstPid = (await dst.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const same = await src.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND datname = current_database()', [dstPid]);
    if (sourceUrl === targetUrl || same.rowCount) throw new Error('the source and the target are the same database: nothing to copy');
    const out: TableCopy[] = [];
    await src.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      // Checked above to be a snapshot name (hex and dashes): it cannot be a parameter.
      if (o.snapshot !== undefined) await src.query(`SET TRANSACTION SNAPSHOT '${o.snapshot}'`);
      const ordered = await parentsFirst(src, tables);
      await dst.query('BEGIN');
      try {
        const dropped = await dropForeignKeysLeaving(dst, ordered);
        // Children first when emptying (a re-run starts from an empty copy), parents first when filling.
        for (const t of [...ordered].reverse()) await dst.query(`DELETE FROM ${qualified(t)}`);
        const sums: string[] = [];
        for (const t of ordered) {
          const name = qualified(t);
          sums.push((await src.query<{ sum: string }>(checksumSql(name))).rows[0]!.sum);
          await src.query(`DECLARE rows_out NO SCROLL CURSOR FOR SELECT to_jsonb(t) AS r FROM ${name} t`);
          for (;;) {
            const batch = await src.query<{ r: unknown }>(`FETCH ${BATCH} FROM rows_out`);
            if (!batch.rows.length) break;
            await dst.query(`INSERT INTO ${name} SELECT * FROM jsonb_populate_recordset(NULL::${name}, $1::jsonb)`, [JSON.stringify(batch.rows.map((x) => x.r))]);
          }
          await src.query('CLOSE rows_out');
        }
        await dst.query('COMMIT');
        for (const [i, t] of ordered.entries()) {
          const copy = (await dst.query<{ sum: string }>(checksumSql(qualified(t)))).rows[0]!.sum;
          out.push({ ...t, rows: Number(sums[i]!.split(':')[0]), checksum: sums[i]!, copyChecksum: copy, verified: copy === sums[i], droppedForeignKeys: dropped.get(`${t.schema}.${t.table}`) ?? [] });
        }
      } catch (e) {
        await dst.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    } finally {
      await src.query('ROLLBACK').catch(() => undefined);
    }
    return out;
  } finally {
    await src.end().catch(() => undefined);
    await dst.end().catch(() => undefined);
  }
}

/** In the target, the foreign keys from the copied tables to tables not copied with them, dropped: table → "name → referenced table". */
async function dropForeignKeysLeaving(dst: ReturnType<typeof shortClient>, tables: readonly TableRef[]): Promise<Map<string, string[]>> {
  const names = tables.map((t) => qualified(t));
  const r = await dst.query<{ child: string; name: string; parent: string }>(
    `SELECT cn.nspname || '.' || c.relname AS child, k.conname AS name, pn.nspname || '.' || p.relname AS parent
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace cn ON cn.oid = c.relnamespace
       JOIN pg_class p ON p.oid = k.confrelid JOIN pg_namespace pn ON pn.oid = p.relnamespace
      WHERE k.contype = 'f' AND cn.nspname || '.' || c.relname = ANY($1::text[]) AND NOT (pn.nspname || '.' || p.relname = ANY($1::text[]))`,
    [names],
  );
  const out = new Map<string, string[]>();
  for (const x of r.rows) {
    // The constraint's name comes from the catalog: quoted as an identifier, whatever it holds.
    await dst.query(`ALTER TABLE ${x.child} DROP CONSTRAINT ${quoteIdent(x.name)}`);
    out.set(x.child, [...(out.get(x.child) ?? []), `${x.name} → ${x.parent}`]);
  }
  return out;
}

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** One table's count and checksum as the verify computes them ("rows:sum"). */
export async function tableChecksum(url: string, t: TableRef): Promise<string> {
  const c = shortClient({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ sum: string }>(checksumSql(qualified(t)))).rows[0]!.sum;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** The tables, each after the tables (of the set) its foreign keys reference. */
async function parentsFirst(src: ReturnType<typeof shortClient>, tables: readonly TableRef[]): Promise<TableRef[]> {
  const key = (t: TableRef) => `${t.schema}.${t.table}`;
  for (const t of tables) {
    const r = await src.query<{ oid: string | null }>('SELECT to_regclass($1)::text AS oid', [qualified(t)]);
    if (!r.rows[0]!.oid) throw new Error(`table ${key(t)} is not in the source database`);
  }
  const fk = await src.query<{ child: string; parent: string }>(
    `SELECT cn.nspname || '.' || c.relname AS child, pn.nspname || '.' || p.relname AS parent
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace cn ON cn.oid = c.relnamespace
       JOIN pg_class p ON p.oid = k.confrelid JOIN pg_namespace pn ON pn.oid = p.relnamespace
      WHERE k.contype = 'f'`,
  );
  const wanted = new Map(tables.map((t) => [key(t), t]));
  const parents = new Map<string, string[]>();
  for (const { child, parent } of fk.rows) if (wanted.has(child) && wanted.has(parent) && child !== parent) parents.set(child, [...(parents.get(child) ?? []), parent]);
  const out: TableRef[] = [];
  const seen = new Set<string>();
  const visit = (k: string, path: Set<string>) => {
    if (seen.has(k) || path.has(k)) return; // a cycle of foreign keys: keep the given order
    path.add(k);
    for (const p of parents.get(k) ?? []) visit(p, path);
    seen.add(k);
    out.push(wanted.get(k)!);
  };
  for (const t of tables) visit(key(t), new Set());
  return out;
}
