// A queueing network without YAML: one unit (its replicas, servers, discipline, service time),
// optionally a tandem of further units called synchronously. Units have no instance (a bare
// queueing model: no cost), servers per replica come from `workers`.
import { Blueprint } from '../../src/model/schema.js';
import type { Blueprint as BlueprintT } from '../../src/model/schema.js';

export interface QueueSpec {
  /** service time: 'exp' | 'const' | 'lognormal', mean ms, cv */
  dist?: 'exp' | 'const' | 'lognormal';
  mean?: number;
  cv?: number;
  servers?: number;
  replicas?: number;
  discipline?: 'fcfs' | 'ps';
}

/** Stations visited in order by one operation `a.op` (the first calls the second, and so on). */
export function network(stations: QueueSpec[], o: { latency?: number } = {}): BlueprintT {
  const domains: Record<string, unknown> = {};
  const units: Record<string, unknown> = {};
  stations.forEach((s, i) => {
    const name = String.fromCharCode(97 + i);
    const next = i + 1 < stations.length ? [{ op: `${String.fromCharCode(98 + i)}.op` }] : [];
    domains[name] = { tables: [], operations: { op: { route: `GET /${name}`, cpu: { dist: s.dist ?? 'exp', mean: `${s.mean ?? 10}ms`, cv: s.cv ?? 1 }, calls: next } } };
    units[`u${name}`] = { domains: [name], port: 8000 + i, workers: s.servers ?? 1, replicas: s.replicas ?? 1, discipline: s.discipline ?? 'fcfs' };
  });
  return Blueprint.parse({
    apiVersion: 'archsim/v1',
    kind: 'Blueprint',
    metadata: { name: 'built' },
    system: { domains, defaults: { payload: { request: '0B', response: '0B' } } },
    layouts: { one: { units, network: { latency: `${o.latency ?? 0}ms`, cpuPerCall: '0ms', cpuPerKiB: '0ms' } } },
    catalog: {},
  });
}

/** One station. */
export const queue = (s: QueueSpec = {}): BlueprintT => network([s]);
