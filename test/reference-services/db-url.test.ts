// --db url: an existing PostgreSQL server (here an embedded cluster we start ourselves), all
// domains in one database, each in its own schema; migrations idempotent across restarts.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDatabases, startEmbedded, type PostgresHandle } from '../../reference-services/runtime/postgres.js';
import { migrations as authMigrations } from '../../reference-services/domains/auth/migrations.js';
import { startLayout } from '../../reference-services/launcher/layout.js';
import { api, BLUEPRINT, newUser, sql } from './helpers.js';

let pg: PostgresHandle;
let url: string;
const dataDir = join(tmpdir(), `archsim-dburl-${process.pid}-${Date.now()}`);

beforeAll(async () => {
  // Not mkdtemp: its mode-700 directory is closed to the "postgres" user the cluster runs as under root.
  pg = await startEmbedded({ dataDir: dataDir });
  await ensureDatabases(pg, ['quantchat']);
  url = pg.url('quantchat');
});
afterAll(async () => {
  await pg?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('--db url', () => {
  it('runs the modular monolith on a given database, one schema per domain, and migrates idempotently', async () => {
    for (let run = 0; run < 2; run++) {
      const L = await startLayout(BLUEPRINT, 'modular-monolith', { db: 'url', databaseUrl: url, portOffset: 17400, logLevel: 'warn' });
      try {
        expect(L.databaseOf('auth')).toBe(url);
        const u = await newUser(api(L.gatewayUrl), `run${run}`);
        expect(u.token).toBeTruthy();
      } finally {
        await L.stop();
      }
    }
    const schemas = (await sql<{ nspname: string }>(url, `SELECT nspname FROM pg_namespace WHERE nspname = ANY($1) ORDER BY nspname`, [['auth', 'users', 'messages', 'groups', 'media', 'relay', 'notifications', 'realtime']])).map((r) => r.nspname);
    expect(schemas).toEqual(['auth', 'groups', 'media', 'messages', 'notifications', 'realtime', 'relay', 'users']);
    // Each migration step recorded once although the layout started twice.
    const steps = await sql<{ n: number }>(url, 'SELECT count(*)::int AS n FROM auth.schema_migrations');
    expect(steps[0]!.n).toBe(authMigrations.length);
    expect((await sql<{ n: number }>(url, 'SELECT count(*)::int AS n FROM auth.users'))[0]!.n).toBe(2);
  });

  it('says what is missing when --db url has no DATABASE_URL', async () => {
    await expect(startLayout(BLUEPRINT, 'monolith', { db: 'url', portOffset: 17450, env: {} })).rejects.toThrow(/DATABASE_URL/);
  });
});
