// The units' pools as the compose runtime configures them (UnitOptions.db): a unit waits for a
// server that starts after it, opens a kept pool in full before it is ready, and gives up at once
// on an error that waiting cannot fix. Real PostgreSQL (an embedded cluster started late).
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../reference-services/runtime/postgres.js';
import { openDb, waitForDb } from '../../reference-services/runtime/db.js';
import { scratchCluster, sql } from './helpers.js';

const cluster = scratchCluster('dbpool');
afterAll(() => cluster.cleanup());

describe('unit pools for a server elsewhere', () => {
  it('waits for a server that starts later, opens a kept pool in full, and fails at once on a wrong password', { timeout: 180_000 }, async () => {
    const port = await freePort();
    // Nothing listens yet: the wait retries (connection refused) until the cluster is up.
    const early = openDb(`postgres://postgres:x@127.0.0.1:${port}/postgres`, 3);
    const t0 = Date.now();
    const waiting = waitForDb(early, 120_000).then(
      () => ({ ms: Date.now() - t0, code: 'none' }),
      (e: { code?: string }) => ({ ms: Date.now() - t0, code: e.code }),
    );
    await new Promise((r) => setTimeout(r, 1500));
    const pg = await cluster.start(port);
    const url = pg.url('postgres');
    // The early pool's password is wrong: its wait ends with PostgreSQL's refusal as soon as the
    // server answers, not at the deadline.
    const w = await waiting;
    expect(w.code).toBe('28P01');
    expect(w.ms).toBeGreaterThanOrEqual(1500);
    expect(w.ms).toBeLessThan(100_000);
    await early.end();

    const db = openDb(url, 5, { keep: true, connectTimeoutMs: 30_000 });
    try {
      const waited = Date.now();
      await waitForDb(db, 60_000);
      expect(Date.now() - waited).toBeLessThan(30_000);
      await db.warm();
      expect([db.pool.totalCount, db.pool.idleCount]).toEqual([5, 5]);
      const backends = async () => (await sql<{ n: number }>(url, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = 'postgres' AND pid <> pg_backend_pid() AND backend_type = 'client backend'`))[0]!.n;
      expect(await backends()).toBe(5);
      // Twenty queries at once are served by the five kept connections: none is opened or closed.
      await Promise.all(Array.from({ length: 20 }, () => db.query('SELECT pg_sleep(0.05)')));
      expect([db.pool.totalCount, db.pool.idleCount]).toEqual([5, 5]);
      expect(await backends()).toBe(5);
    } finally {
      await db.end();
    }
  });

  it('warm retries a server that is not there yet until its deadline, then reports why', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const db = openDb(`postgres://postgres:x@127.0.0.1:${port}/postgres`, 2, { keep: true });
    try {
      const t0 = Date.now();
      const e = await db.warm(2_000).then(() => undefined, (err: { code?: string }) => err);
      expect(e?.code).toBe('ECONNREFUSED');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(2_000);
      // Without a deadline, the first refusal is the answer.
      const t1 = Date.now();
      await expect(db.warm()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      expect(Date.now() - t1).toBeLessThan(2_000);
      expect(db.pool.totalCount).toBe(0);
    } finally {
      await db.end();
    }
  });
});

describe('a kept pool and failed queries', () => {
  const own = scratchCluster('dbpool-failed');
  afterAll(() => own.cleanup());

  it('keeps a connection the server only refused a statement on, and drops one the server ended', { timeout: 120_000 }, async () => {
    const pg = await own.start();
    const url = pg.url('postgres');
    await sql(url, 'CREATE TABLE taken (id int PRIMARY KEY)');
    await sql(url, 'INSERT INTO taken VALUES (1)');
    const db = openDb(url, 3, { keep: true, connectTimeoutMs: 30_000 });
    const backends = async () =>
      (await sql<{ pid: number }>(url, `SELECT pid FROM pg_stat_activity WHERE datname = 'postgres' AND pid <> pg_backend_pid() AND backend_type = 'client backend' ORDER BY pid`)).map((r) => r.pid);
    try {
      await db.warm();
      const before = await backends();
      expect(before).toHaveLength(3);
      // Hostile: a burst of duplicate keys and a division by zero. Each is refused with its own
      // code, and the same three server processes serve on (pool.query closed each one).
      const dup = await Promise.all(Array.from({ length: 9 }, () => db.query('INSERT INTO taken VALUES (1)').then(() => 'ok', (e: { code?: string }) => e.code)));
      expect(dup).toEqual(Array(9).fill('23505'));
      await expect(db.query('SELECT 1 / $1::int', [0])).rejects.toMatchObject({ code: '22012' });
      expect(await backends()).toEqual(before);
      expect([db.pool.totalCount, db.pool.idleCount]).toEqual([3, 3]);

      // A session the server ends (FATAL) under a running query: that connection leaves the pool
      // and the next queries are served by the others, not handed the dead one.
      const running = db.query('SELECT pg_backend_pid() AS pid, pg_sleep(30)').then(() => 'finished', (e: { code?: string }) => e.code);
      await new Promise((r) => setTimeout(r, 300));
      const [victim] = await sql<{ pid: number }>(url, `SELECT pid FROM pg_stat_activity WHERE query LIKE 'SELECT pg_backend_pid()%' AND pid <> pg_backend_pid()`);
      await sql(url, 'SELECT pg_terminate_backend($1)', [victim!.pid]);
      expect(await running).toBe('57P01');
      const pids = await Promise.all(Array.from({ length: 6 }, async () => (await db.one<{ pid: number }>('SELECT pg_backend_pid() AS pid'))!.pid));
      expect(pids).not.toContain(victim!.pid);
      expect(db.pool.totalCount).toBeLessThanOrEqual(3);
    } finally {
      await db.end();
    }

    // One connection and a query waiting for it when the server ends its session: the waiting
    // query gets a new connection, not the dying one (released as healthy, it was handed over at
    // once and failed with 'Connection terminated unexpectedly').
    const one = openDb(url, 1, { keep: true, connectTimeoutMs: 30_000 });
    try {
      await one.warm();
      const first = one.query('SELECT pg_backend_pid() AS pid, pg_sleep(30)').then(() => 'finished', (e: { code?: string }) => e.code);
      const waiting = one.one<{ ok: number }>('SELECT 1 AS ok').then((r) => r!.ok, (e: Error) => e.message);
      await new Promise((r) => setTimeout(r, 300));
      const [held] = await sql<{ pid: number }>(url, `SELECT pid FROM pg_stat_activity WHERE query LIKE 'SELECT pg_backend_pid()%' AND pid <> pg_backend_pid()`);
      await sql(url, 'SELECT pg_terminate_backend($1)', [held!.pid]);
      expect(await first).toBe('57P01');
      expect(await waiting).toBe(1);
    } finally {
      await one.end();
    }
  });
});
