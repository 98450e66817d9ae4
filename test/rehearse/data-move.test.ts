// A table move's dual write, backfill, verify and drop (src/rehearse/data-move.ts) on real
// PostgreSQL with wal_level=logical: a writer inserts, updates and deletes rows of a parent and
// a child table all through the move (before the slot, while the backfill copies, after it), and
// once it stops every row it committed is in the new copy, counts and checksums equal; a row
// changed in the copy alone is a mismatch the verify reports; the stream stopped leaves no
// subscription, slot or publication; the old copy dropped is gone.
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDatabases, shortClient } from '../../reference-services/runtime/postgres.js';
import { compareCopies, conninfo, dropOldCopy, startDualWrite, stopDualWrite, syncSequences, tableExists, walLevel } from '../../src/rehearse/data-move.js';
import { scratchCluster } from '../reference-services/helpers.js';

const cluster = scratchCluster('data-move', { logical: true });
afterAll(() => cluster.cleanup());

const DDL = [
  'CREATE SCHEMA g',
  'CREATE TABLE g.schema_migrations (version int PRIMARY KEY)',
  `CREATE TABLE g.parent (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL, note text, at timestamptz NOT NULL DEFAULT clock_timestamp())`,
  `CREATE TABLE g.child (id bigserial PRIMARY KEY, parent_id uuid NOT NULL REFERENCES g.parent(id) ON DELETE CASCADE, body jsonb NOT NULL DEFAULT '{}'::jsonb)`,
];

async function exec(url: string, sql: string[], params: unknown[] = []) {
  const c = shortClient({ connectionString: url });
  await c.connect();
  try {
    let last: unknown[] = [];
    for (const q of sql) last = (await c.query(q, params.length ? params : undefined)).rows;
    return last as Record<string, unknown>[];
  } finally {
    await c.end();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a table move between two databases (real PostgreSQL, logical replication)', () => {
  it('loses no row written during the move, verifies the copies, blocks on a mismatch, stops the stream and drops the old copy', { timeout: 240_000 }, async () => {
    const pg = await cluster.start();
    await ensureDatabases(pg, ['dm_src', 'dm_dst']);
    const src = pg.url('dm_src');
    const dst = pg.url('dm_dst');
    expect(await walLevel(src)).toBe('logical');
    await exec(src, DDL);
    await exec(dst, DDL);
    await exec(src, [
      `INSERT INTO g.parent (name, note) SELECT 'p' || i, CASE WHEN i % 3 = 0 THEN NULL ELSE E'it''s \\n ünï ' || i END FROM generate_series(1, 2000) i`,
      `INSERT INTO g.child (parent_id, body) SELECT id, jsonb_build_object('k', name) FROM g.parent`,
    ]);
    // The writer: one transaction after another, each a new parent and child, an update and a
    // delete (cascading to a child), until told to stop. It runs through the whole move.
    let stop = false;
    let committed = 0;
    const writer = (async () => {
      const c = shortClient({ connectionString: src });
      await c.connect();
      try {
        for (let i = 0; !stop; i++) {
          await c.query('BEGIN');
          const p = await c.query<{ id: string }>(`INSERT INTO g.parent (name) VALUES ($1) RETURNING id`, [`w${i}`]);
          await c.query(`INSERT INTO g.child (parent_id, body) VALUES ($1, $2)`, [p.rows[0]!.id, JSON.stringify({ i })]);
          await c.query(`UPDATE g.parent SET note = $1 WHERE name = $2`, [`updated ${i}`, `p${(i % 2000) + 1}`]);
          await c.query(`DELETE FROM g.parent WHERE name = $1`, [`p${2000 - (i % 500)}`]);
          await c.query('COMMIT');
          committed++;
        }
      } finally {
        await c.end();
      }
    })();
    await sleep(300);
    const atStart = committed;
    const move = await startDualWrite(src, dst, 'g', 'archsim_move_t1');
    const atBackfilled = committed;
    await sleep(1500);
    stop = true;
    await writer;
    // Writes ran before, during and after the backfill: the stream must carry what the copy missed.
    expect(atStart).toBeGreaterThan(0);
    expect(committed).toBeGreaterThan(atBackfilled);
    expect(move.tables.map((t) => t.table)).toEqual(['parent', 'child']);
    for (const c of move.backfill) expect(c.verified, c.table).toBe(true);
    const parents = Number((await exec(src, ['SELECT count(*) AS n FROM g.parent']))[0]!.n);
    // Each commit adds a parent and deletes one of p1501–p2000 (500 distinct, then again).
    expect(parents).toBe(2000 + committed - Math.min(committed, 500));

    const same = await compareCopies(src, dst, move.tables, 10_000);
    expect(same.equal).toBe(true);
    expect(same.tables.map((t) => [t.table, t.rows, t.copyRows, t.equal])).toEqual([
      ['parent', parents, parents, true],
      ['child', same.tables[1]!.rows, same.tables[1]!.rows, true],
    ]);
    // Every writer row is there, by name, in the copy: none lost, none doubled.
    const names = (url: string) => exec(url, [`SELECT count(*) AS n, count(DISTINCT name) AS d FROM g.parent WHERE name LIKE 'w%'`]);
    expect(await names(dst)).toEqual(await names(src));
    expect(Number((await names(dst))[0]!.n)).toBe(committed);

    // The sequence behind child.id comes along (the stream does not carry sequences).
    expect(await syncSequences(src, dst, 'g')).toBe(1);
    const seq = (url: string) => exec(url, [`SELECT last_value FROM g.child_id_seq`]);
    expect(await seq(dst)).toEqual(await seq(src));

    // A row changed in the copy alone (or lost there) is a mismatch, reported at the bound.
    await exec(dst, [`SET session_replication_role = replica`, `DELETE FROM g.parent WHERE name = 'w0'`]);
    const differ = await compareCopies(src, dst, move.tables, 300);
    expect(differ.equal).toBe(false);
    expect(differ.ms).toBeGreaterThanOrEqual(300);
    expect(differ.ms).toBeLessThan(5000);
    expect(differ.tables.find((t) => t.table === 'parent')).toMatchObject({ rows: parents, copyRows: parents - 1, equal: false });

    await stopDualWrite(move);
    expect(await exec(dst, [`SELECT count(*)::int AS n FROM pg_subscription`])).toEqual([{ n: 0 }]);
    expect(await exec(src, [`SELECT count(*)::int AS n FROM pg_replication_slots`])).toEqual([{ n: 0 }]);
    expect(await exec(src, [`SELECT count(*)::int AS n FROM pg_publication`])).toEqual([{ n: 0 }]);
    // Stopped: a write to the old copy no longer reaches the new one.
    await exec(src, [`INSERT INTO g.parent (name) VALUES ('after-stop')`]);
    await sleep(500);
    expect(await exec(dst, [`SELECT count(*)::int AS n FROM g.parent WHERE name = 'after-stop'`])).toEqual([{ n: 0 }]);

    await dropOldCopy(src, move.tables);
    for (const t of move.tables) {
      expect(await tableExists(src, t)).toBe(false);
      expect(await tableExists(dst, t)).toBe(true);
    }
    // The migrations' bookkeeping is not the domain's data: neither copied nor dropped.
    expect(await tableExists(src, { schema: 'g', table: 'schema_migrations' })).toBe(true);

    // A table without a primary key cannot be replicated without breaking its updates and
    // deletes on the source: named, and nothing started (no publication, no slot).
    await exec(src, ['CREATE SCHEMA h', 'CREATE TABLE h.keyed (id int PRIMARY KEY)', 'CREATE TABLE h.loose (v text)']);
    await exec(dst, ['CREATE SCHEMA h', 'CREATE TABLE h.keyed (id int PRIMARY KEY)', 'CREATE TABLE h.loose (v text)']);
    await expect(startDualWrite(src, dst, 'h', 'archsim_move_t3')).rejects.toThrow(/^h\.loose has no primary key \(no replica identity\): replicated, its updates and deletes would fail on the source$/);
    expect(await exec(src, [`SELECT count(*)::int AS n FROM pg_publication`])).toEqual([{ n: 0 }]);
    expect(await exec(src, [`SELECT count(*)::int AS n FROM pg_replication_slots`])).toEqual([{ n: 0 }]);
  });

  it('refuses to start without wal_level=logical, and names it', { timeout: 120_000 }, async () => {
    const plain = scratchCluster('data-move-plain');
    try {
      const pg = await plain.start();
      await ensureDatabases(pg, ['a', 'b']);
      await exec(pg.url('a'), DDL);
      await expect(startDualWrite(pg.url('a'), pg.url('b'), 'g', 'archsim_move_t2')).rejects.toThrow(/^the source server's wal_level is replica, not logical/);
      expect(await exec(pg.url('a'), [`SELECT count(*)::int AS n FROM pg_publication`])).toEqual([{ n: 0 }]);
    } finally {
      await plain.cleanup();
    }
  });

  it('quotes every value of the connection string it gives the subscription', () => {
    expect(conninfo(`postgres://postgres:${encodeURIComponent("p'a\\ss w")}@127.0.0.1:5433/db_x`)).toBe(
      "host=''127.0.0.1'' port=''5433'' dbname=''db_x'' user=''postgres'' password=''p\\''a\\\\ss w''",
    );
  });
});
