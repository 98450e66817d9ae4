// The event queue's CPU in a calibration run, measured apart from the queries'. The reference
// services' broker is a PostgreSQL queue in its own database (`events`) on the server that holds
// the stores, so a layout with a broker shows its queue work in the database server's CPU. Left
// there, a calibration on such a layout gave it to the operations' queries: calibrated on
// microservices, every query came out 3.3× the monolith's, and the monolith was predicted at
// 106/s against 251/s measured (2026-12-02). The server's client backends are read by the
// database they serve (ProcessUsage.databaseCpuSeconds), so the queue's database is the
// broker's, per delivery, and the rest is the queries'.
import type { ResolvedBlueprint, ResolvedLayout } from '../model/resolve.js';
import type { LoadTestResult, ProcessUsage } from './result.js';

/**
 * The reference services' event queue database on the shared server (their `events` store's,
 * runtime/names.ts dbName). Written out here: the load tester reaches the services only through
 * their launcher (test/meta/folder-cycles.test.ts); queue-cpu.test.ts checks the two agree.
 */
export const QUEUE_DATABASE = 'archsim_events';

/** How deep a chain of events (a consumer that publishes in turn) is followed. */
const MAX_EVENT_DEPTH = 4;

/**
 * Every event delivery a set of operation runs causes (operation → times), per consumer: all of
 * them, and those whose consumer is in another unit than the publisher. A consumer's own events
 * count too, down a few levels (compile.ts spawns them alike).
 */
function deliveriesOf(rb: ResolvedBlueprint, r: ResolvedLayout, runs: Iterable<readonly [string, number]>): { all: Map<string, number>; elsewhere: Map<string, number> } {
  const all = new Map<string, number>();
  const elsewhere = new Map<string, number>();
  const unitOf = (opId: string) => {
    const d = rb.operationIndex.get(opId)?.domain;
    return d === undefined ? undefined : r.unitOfDomain.get(d);
  };
  const publish = (opId: string, times: number, depth: number) => {
    const op = rb.operationIndex.get(opId);
    if (!op || depth > MAX_EVENT_DEPTH) return;
    const from = unitOf(opId);
    for (const e of op.op.emits)
      for (const c of rb.events.get(e)?.consumers ?? []) {
        const to = unitOf(c);
        if (to === undefined) continue;
        all.set(c, (all.get(c) ?? 0) + times);
        if (to !== from) elsewhere.set(c, (elsewhere.get(c) ?? 0) + times);
        publish(c, times, depth + 1);
      }
  };
  for (const [opId, times] of runs) publish(opId, times, 0);
  return { all, elsewhere };
}

const total = (m: ReadonlyMap<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/**
 * Deliveries through the broker per request of a root operation, from its call tree's runs
 * (operation → times per request): each event an operation publishes reaches each consumer
 * through the broker, except a consumer in the publishing unit when the broker delivers those in
 * process (`local`: the layout's localDelivery unless given).
 */
export function brokerDeliveries(rb: ResolvedBlueprint, r: ResolvedLayout, runs: ReadonlyMap<string, number>, local = r.layout.broker?.localDelivery === 'in-process'): number {
  if (!r.layout.broker) return 0;
  const d = deliveriesOf(rb, r, runs);
  return total(local ? d.elsewhere : d.all);
}

/** The CPU seconds a database server's backends spent serving one database in a run, or null when the run did not read them. */
export function databaseCpu(p: ProcessUsage | undefined, database: string): number | null {
  if (!p?.databaseCpuSeconds) return null;
  return p.databaseCpuSeconds[database] ?? 0;
}

/** The same database's share of the server's idle reading, in cores (0 when the reading has none). */
export function databaseIdleCores(run: LoadTestResult, server: string, database: string): number {
  const p = run.idle?.find((x) => x.role === 'datastore' && x.unit === server);
  const cpu = databaseCpu(p, database);
  if (!p || cpu === null || !(p.cpuUtilization > 0) || !(p.cpuSeconds > 0)) return 0;
  return cpu * (p.cpuUtilization / p.cpuSeconds);
}

export type QueueFit = {
  /** the queue's database on the server */
  database: string;
  /** the database server's process (its unit name in the results) */
  server: string;
  /** per run: the queue database's CPU seconds with its idle share taken out */
  cpuSeconds: number[];
  /** per run: deliveries through the broker */
  deliveries: number[];
  /** server CPU per delivery, ms (over all runs) */
  perDeliveryMs: number;
};

/**
 * The queue's CPU per run and per delivery, or null when the layout has no broker, a run did not
 * read its server's databases, or no run delivered anything. Deliveries are counted as the
 * reference services make them, whatever the blueprint's localDelivery: a consumer in the
 * publishing unit runs there after the commit (their outbox), only other units' go through the
 * queue.
 */
export function fitQueue(
  rb: ResolvedBlueprint,
  r: ResolvedLayout,
  results: readonly LoadTestResult[],
  server: string,
  database: string,
  measured: readonly string[],
  counts: readonly (readonly number[])[],
): QueueFit | null {
  if (!r.layout.broker) return null;
  const perRequest = measured.map((id) => brokerDeliveries(rb, r, rb.callTree(id).runs, true));
  const cpuSeconds: number[] = [];
  const deliveries: number[] = [];
  for (const [i, x] of results.entries()) {
    const cpu = databaseCpu(
      x.processes.find((p) => p.role === 'datastore' && p.unit === server),
      database,
    );
    if (cpu === null) return null;
    cpuSeconds.push(Math.max(0, cpu - databaseIdleCores(x, server, database) * x.run.duration));
    deliveries.push(perRequest.reduce((s, d, j) => s + d * (counts[i]![j] ?? 0), 0));
  }
  const total = deliveries.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return null;
  const cpu = cpuSeconds.reduce((a, b) => a + b, 0);
  return { database, server, cpuSeconds, deliveries, perDeliveryMs: Math.round((cpu / total) * 1e7) / 1e4 };
}

/**
 * Consumer operation → the share of its deliveries that came through the queue (a publisher in
 * another unit), over the measured roots' requests (`requests`: root → count) and their call
 * trees' runs; consumers in the publishing unit run in process (the reference services' outbox).
 * The rest of a consumer's deliveries are in-process calls after a commit.
 */
export function queueShare(rb: ResolvedBlueprint, r: ResolvedLayout, requests: ReadonlyMap<string, number>): Map<string, number> {
  const runs = [...requests].flatMap(([root, n]) => [...rb.callTree(root).runs].map(([opId, times]) => [opId, times * n] as const));
  const { all, elsewhere } = deliveriesOf(rb, r, runs);
  return new Map([...all].filter(([, n]) => n > 0).map(([c, n]) => [c, r.layout.broker ? (elsewhere.get(c) ?? 0) / n : 0]));
}
