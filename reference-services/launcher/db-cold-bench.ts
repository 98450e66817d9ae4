// `calibrate --platform`'s cold-visit sweep for PostgreSQL: one connection's backend answering a
// primary-key lookup at several paces, its CPU per query read from /proc/<backend pid>/schedstat
// (ns). A backend that idled pays more for its next query, as a Node process does
// (src/loadtest/cold-visit-bench.ts): measured on this project's 2-core host, 0.075–0.11 ms of the
// server's CPU per lookup back to back (the base: a busy connection), 0.15–0.16 ms 2 ms apart,
// 0.2–0.25 ms more after 49 ms idle, 0.29–0.36 ms more after 148 ms. A monolith's pool hands its few busiest connections a
// query every millisecond or so; each microservice's own pool sees one every few tens of ms.
import pg from 'pg';
import { pacedSweep, schedstatMs, type PacePoint } from '../../src/io/paced-sweep.js';

/** ms between queries, the first being the base (0: back to back, the HTTP sweep's own base); up to 1.5 s as the HTTP sweep's (cold-visit-bench.ts) */
export const DB_COLD_PACES = [0, 2, 5, 15, 50, 150, 500, 1500] as const;

/**
 * The sweep on database `url` (a scratch cluster's: it creates its own small table). `queries(pace)`:
 * measured queries at that pace. Null where the kernel gives no schedstat for the backend.
 */
export async function measureDbColdVisits(url: string, warmup?: number, queries: (paceMs: number) => number = (p) => (p <= 0 ? 400 : p >= 500 ? Math.max(4, Math.round(3000 / p)) : Math.round(Math.min(400, Math.max(25, 1500 / p))))): Promise<{ points: PacePoint[]; idleMsPerMs: number } | null> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('CREATE TABLE IF NOT EXISTS archsim_cold_probe (id int PRIMARY KEY, v text NOT NULL)');
    await c.query("INSERT INTO archsim_cold_probe SELECT g, md5(g::text) FROM generate_series(1, 10000) g ON CONFLICT DO NOTHING");
    await c.query('ANALYZE archsim_cold_probe');
    const backend = Number((await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
    let k = 0;
    const one = () => c.query('SELECT v FROM archsim_cold_probe WHERE id = $1', [(k++ % 10000) + 1]);
    return await pacedSweep(one, () => schedstatMs(backend), DB_COLD_PACES, queries, warmup);
  } finally {
    await c.end().catch(() => undefined);
  }
}
