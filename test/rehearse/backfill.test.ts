// Backfill and verify of a table move (src/rehearse/backfill.ts) on real PostgreSQL: rows of a
// parent and a child table (foreign key, jsonb, timestamps, NULLs, text with quotes, newlines and
// non-ASCII) copied between two databases of an embedded cluster, parents first whatever order
// they are asked in, counted and checksummed on both sides.
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDatabases, shortClient } from '../../reference-services/runtime/postgres.js';
import { backfillAndVerify, tableChecksum } from '../../src/rehearse/backfill.js';
import { scratchCluster } from '../reference-services/helpers.js';

const cluster = scratchCluster('backfill');
afterAll(() => cluster.cleanup());

const DDL = [
  'CREATE SCHEMA g',
  'CREATE TABLE g.stays (id int PRIMARY KEY)',
  `CREATE TABLE g.parent (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL, note text, at timestamptz NOT NULL DEFAULT clock_timestamp())`,
  `CREATE TABLE g.child (id bigserial PRIMARY KEY, parent_id uuid NOT NULL REFERENCES g.parent(id), body jsonb NOT NULL DEFAULT '{}'::jsonb, n numeric, stays_id int CONSTRAINT child_stays_fk REFERENCES g.stays(id))`,
];

async function exec(url: string, sql: string[]) {
  const c = shortClient({ connectionString: url });
  await c.connect();
  try {
    for (const q of sql) await c.query(q);
  } finally {
    await c.end();
  }
}

describe('backfillAndVerify (real PostgreSQL)', () => {
  it('copies a parent and a child table at one snapshot, parents first, and verifies counts and checksums; a changed row changes the checksum', { timeout: 180_000 }, async () => {
    const pg = await cluster.start();
    await ensureDatabases(pg, ['bf_src', 'bf_dst']);
    const src = pg.url('bf_src');
    const dst = pg.url('bf_dst');
    await exec(src, DDL);
    await exec(dst, DDL);
    await exec(src, [
      `INSERT INTO g.stays VALUES (7)`,
      `INSERT INTO g.parent (name, note) SELECT 'p' || i, CASE WHEN i % 3 = 0 THEN NULL ELSE E'quote '' and \\n newline, ünïcode ' || i END FROM generate_series(1, 1234) i`,
      `INSERT INTO g.child (parent_id, body, n) SELECT id, jsonb_build_object('k', name, 'arr', jsonb_build_array(1, 'two', NULL)), 1.5 FROM g.parent`,
      `INSERT INTO g.child (parent_id, body, stays_id) SELECT id, '{"x": "y"}', 7 FROM g.parent WHERE name LIKE 'p1%'`,
    ]);
    // Asked child first: the foreign key decides the order (a child row needs its parent).
    const copies = await backfillAndVerify(src, dst, [
      { schema: 'g', table: 'child' },
      { schema: 'g', table: 'parent' },
    ]);
    expect(copies.map((c) => c.table)).toEqual(['parent', 'child']);
    // g.stays does not move with them: the copy's reference to it (it would cross databases) is
    // dropped and named; the one between the moved tables is kept.
    expect(copies.map((c) => c.droppedForeignKeys)).toEqual([[], ['child_stays_fk → g.stays']]);
    // 1234 children, and one more for each of p1, p10–p19, p100–p199, p1000–p1234 (346).
    expect(copies.map((c) => c.rows)).toEqual([1234, 1580]);
    for (const c of copies) {
      expect(c.verified, c.table).toBe(true);
      expect(c.copyChecksum).toBe(c.checksum);
      expect(c.checksum).toMatch(/^\d+:-?\d+$/);
      expect(await tableChecksum(dst, c)).toBe(c.checksum);
    }
    // The check can fail: one changed row keeps the count and changes the checksum.
    await exec(dst, [`UPDATE g.child SET n = 2 WHERE id = (SELECT min(id) FROM g.child)`]);
    const changed = await tableChecksum(dst, { schema: 'g', table: 'child' });
    expect(changed.split(':')[0]).toBe(copies[1]!.checksum.split(':')[0]);
    expect(changed).not.toBe(copies[1]!.checksum);
    // A second backfill after more writes replaces the copy (no duplicate key) and verifies again.
    await exec(src, [`INSERT INTO g.parent (name) VALUES ('late')`]);
    const again = await backfillAndVerify(src, dst, [
      { schema: 'g', table: 'parent' },
      { schema: 'g', table: 'child' },
    ]);
    expect(again.map((c) => [c.table, c.rows, c.verified])).toEqual([
      ['parent', 1235, true],
      ['child', copies[1]!.rows, true],
    ]);
    // The same database under two URLs is refused before anything is emptied.
    const alias = `${src}?application_name=alias`;
    expect(alias).not.toBe(src);
    await expect(backfillAndVerify(src, alias, [{ schema: 'g', table: 'parent' }])).rejects.toThrow(/the same database/);
    expect(await tableChecksum(src, { schema: 'g', table: 'parent' })).toMatch(/^1235:/);
    // A table the source does not have is named; an identifier that is not a plain name is refused.
    await expect(backfillAndVerify(src, dst, [{ schema: 'g', table: 'nope' }])).rejects.toThrow(/table g\.nope is not in the source database/);
    await expect(backfillAndVerify(src, dst, [{ schema: 'g', table: 'x; DROP TABLE g.parent' }])).rejects.toThrow(/not a plain table name/);
    expect(await tableChecksum(src, { schema: 'g', table: 'parent' })).toMatch(/^1235:/);
  });
});
