// `calibrate --platform`'s cold-visit sweep for PostgreSQL: one connection's backend answering a
// primary-key lookup at several paces, its CPU per query read from /proc/<backend pid>/schedstat
// (ns). A backend that idled pays more for its next query, as a Node process does
// (src/loadtest/cold-visit-bench.ts): measured on this project's 2-core host, 0.18 ms per lookup
// 1 ms apart and about 0.5 ms 50 ms apart. A monolith's pool hands its few busiest connections a
// query every millisecond or so; each microservice's own pool sees one every few tens of ms.
import { readFileSync } from 'node:fs';
import pg from 'pg';

/** One pace's reading; the same shape as the HTTP sweep's (src/loadtest/cold-visit-bench.ts ColdPoint). */
export type DbColdPoint = { paceMs: number; calls: number; serverMs: number; wallMs: number };

/** A process's CPU time so far, ms (first field of /proc/<pid>/schedstat, ns); null where there is none. */
function cpuMs(pid: number): number | null {
  try {
    const ns = Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
    return Number.isFinite(ns) ? ns / 1e6 : null;
  } catch {
    return null;
  }
}

/** ms between queries, the first being the base (the HTTP sweep's own base pace) */
export const DB_COLD_PACES = [2, 5, 15, 50, 150] as const;

/**
 * The sweep on database `url` (a scratch cluster's: it creates its own small table). `queries(pace)`:
 * measured queries at that pace. Null where the kernel gives no schedstat for the backend.
 */
export async function measureDbColdVisits(url: string, queries: (paceMs: number) => number = (p) => Math.round(Math.min(400, Math.max(25, 1500 / p)))): Promise<{ points: DbColdPoint[]; idleMsPerMs: number } | null> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('CREATE TABLE IF NOT EXISTS archsim_cold_probe (id int PRIMARY KEY, v text NOT NULL)');
    await c.query("INSERT INTO archsim_cold_probe SELECT g, md5(g::text) FROM generate_series(1, 10000) g ON CONFLICT DO NOTHING");
    await c.query('ANALYZE archsim_cold_probe');
    const backend = Number((await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
    if (cpuMs(backend) === null) return null;
    let k = 0;
    const one = () => c.query('SELECT v FROM archsim_cold_probe WHERE id = $1', [(k++ % 10000) + 1]);
    /** n queries, one every `pace` ms; resolves with their summed round trips, ms */
    const paced = async (n: number, pace: number): Promise<number> => {
      const t0 = performance.now();
      let wall = 0;
      for (let i = 0; i < n; i++) {
        const wait = t0 + i * pace - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const s = performance.now();
        await one();
        wall += performance.now() - s;
      }
      return wall;
    };
    // Caches and the plan settle first; then the backend's background with no queries.
    await paced(600, 1);
    const i0 = cpuMs(backend)!;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 1500));
    const idleMsPerMs = Math.max(0, (cpuMs(backend)! - i0) / (performance.now() - t0));
    const points: DbColdPoint[] = [];
    for (const pace of DB_COLD_PACES) {
      const n = queries(pace);
      await paced(5, pace);
      const c0 = cpuMs(backend)!;
      const wall = await paced(n, pace);
      points.push({ paceMs: pace, calls: n, serverMs: (cpuMs(backend)! - c0) / n, wallMs: wall / n });
    }
    return { points, idleMsPerMs };
  } finally {
    await c.end().catch(() => undefined);
  }
}
