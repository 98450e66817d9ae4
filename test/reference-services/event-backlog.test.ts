// The events a layout has not handled yet, read on a real PostgreSQL: outbox rows not published
// and queue rows not done, summed over databases that hold either, both or neither table.
import { afterAll, describe, expect, it } from 'vitest';
import { openEventBacklog } from '../../reference-services/runtime/event-backlog.js';
import { eventsMigrations, outboxMigrations } from '../../reference-services/runtime/events.js';
import { ensureDatabases } from '../../reference-services/runtime/postgres.js';
import { scratchCluster, sql } from './helpers.js';

const cluster = scratchCluster('backlog');
afterAll(() => cluster.cleanup());

describe('openEventBacklog', () => {
  it('counts unpublished outbox rows and unfinished queue rows in every database, once per database', { timeout: 180_000 }, async () => {
    const pg = await cluster.start();
    await ensureDatabases(pg, ['archsim_store', 'archsim_events', 'archsim_plain']);
    const store = pg.url('archsim_store');
    const events = pg.url('archsim_events');
    await sql(store, 'CREATE SCHEMA archsim_outbox');
    for (const m of outboxMigrations) await sql(store, m);
    await sql(events, 'CREATE SCHEMA events');
    for (const m of eventsMigrations) await sql(events, m);
    // 3 pending and 2 published in the outbox; 4 pending and 1 done in the queue.
    for (let i = 0; i < 5; i++)
      await sql(store, `INSERT INTO archsim_outbox.outbox (domain, event_id, event, payload, published_at) VALUES ('d', gen_random_uuid(), 'e', '{}', ${i < 3 ? 'NULL' : 'now()'})`);
    for (let i = 0; i < 5; i++)
      await sql(events, `INSERT INTO events.queue (event_id, event, consumer, payload, done_at) VALUES (gen_random_uuid(), 'e', 'c', '{}', ${i < 4 ? 'NULL' : 'now()'})`);
    // The same database twice is read once; a database with neither table adds nothing.
    const b = await openEventBacklog([store, events, pg.url('archsim_plain'), store]);
    try {
      expect(await b.read()).toBe(7);
      await sql(store, 'UPDATE archsim_outbox.outbox SET published_at = now()');
      await sql(events, 'UPDATE events.queue SET done_at = now() WHERE id = (SELECT min(id) FROM events.queue WHERE done_at IS NULL)');
      expect(await b.read()).toBe(3);
    } finally {
      await b.close();
    }
    // A database that is not there: opening fails (the run then measures without it), nothing is left open.
    await expect(openEventBacklog([store, pg.url('archsim_missing')])).rejects.toThrow(/does not exist/);
  });
});
