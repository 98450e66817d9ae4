// After the load test's seeding (a bulk load), the database's own maintenance is done at once:
// every database vacuumed and analysed, one checkpoint, so autovacuum and a WAL-triggered
// checkpoint do not land in a measured window. Real PostgreSQL (embedded, durable; 18: checkpoints
// are counted in pg_stat_checkpointer).
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDatabases, settleAfterLoad } from '../../reference-services/runtime/postgres.js';
import { scratchCluster, sql } from './helpers.js';

const cluster = scratchCluster('settle');
afterAll(() => cluster.cleanup());

describe('settleAfterLoad', () => {
  it('vacuums and analyses every database, checkpoints once, and reports (never throws) what it could not do', { timeout: 180_000 }, async () => {
    const pg = await cluster.start();
    await ensureDatabases(pg, ['archsim_a', 'archsim_b']);
    const urls = [pg.url('archsim_a'), pg.url('archsim_b'), pg.url('archsim_a')];
    for (const u of urls.slice(0, 2)) {
      await sql(u, 'CREATE TABLE t (id int PRIMARY KEY, v text)');
      await sql(u, `INSERT INTO t SELECT g, repeat('x', 100) FROM generate_series(1, 20000) g`);
    }
    const checkpoints = async () => (await sql<{ n: string }>(urls[0]!, 'SELECT num_requested::text AS n FROM pg_stat_checkpointer'))[0]!.n;
    const before = Number(await checkpoints());
    expect(await settleAfterLoad(urls)).toEqual([]);
    for (const u of urls.slice(0, 2)) {
      const [row] = await sql<{ vac: string | null; an: string | null; dead: number }>(u, `SELECT last_vacuum::text AS vac, last_analyze::text AS an, n_dead_tup::int AS dead FROM pg_stat_user_tables WHERE relname = 't'`);
      expect(row!.vac).not.toBeNull();
      expect(row!.an).not.toBeNull();
    }
    expect(Number(await checkpoints())).toBeGreaterThan(before);
    // A database that is not there: one line saying so, the others still done.
    const problems = await settleAfterLoad([pg.url('archsim_missing'), urls[0]!]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^VACUUM \(ANALYZE\) of archsim_missing: .*does not exist/);
  });
});
