// startEmbedded's autovacuum switch: a benchmark's scratch cluster (the platform's event queue
// benchmark) runs without it, so an autovacuum pass over the rows a run deleted does not land in
// the CPU read as the events' own cost; every other cluster keeps PostgreSQL's default, on.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ensureDatabases, startEmbedded, type PostgresHandle } from '../../reference-services/runtime/postgres.js';
import { sql } from './helpers.js';

const started: { pg: PostgresHandle; dir: string }[] = [];
afterAll(async () => {
  for (const s of started) {
    await s.pg.stop().catch(() => undefined);
    rmSync(s.dir, { recursive: true, force: true });
  }
});

async function cluster(opts: { autovacuum?: boolean }): Promise<string> {
  // Not mkdtemp: its mode-700 directory is closed to the "postgres" user the cluster runs as under root.
  const dir = join(tmpdir(), `archsim-autovacuum-${process.pid}-${started.length}-${Date.now()}`);
  const pg = await startEmbedded({ dataDir: dir, durable: true, ...opts });
  started.push({ pg, dir });
  await ensureDatabases(pg, ['probe']);
  return pg.url('probe');
}

it('autovacuum: false turns it off and keeps the cluster durable; left out, it is on', async () => {
  const off = await cluster({ autovacuum: false });
  expect(await sql(off, 'SHOW autovacuum')).toEqual([{ autovacuum: 'off' }]);
  expect(await sql(off, 'SHOW fsync')).toEqual([{ fsync: 'on' }]);
  expect(await sql(off, 'SHOW synchronous_commit')).toEqual([{ synchronous_commit: 'on' }]);
  const on = await cluster({});
  expect(await sql(on, 'SHOW autovacuum')).toEqual([{ autovacuum: 'on' }]);
}, 120_000);
