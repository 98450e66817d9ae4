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

/**
 * The gateway/BFF shape: a front unit does CPU work around synchronous calls to `callees`
 * services (serialization CPU on the caller per call, a network hop each way).
 */
export function fanout(o: { callees: number; front?: number; callee?: number; latency?: number; cpuPerCall?: number; dist?: 'exp' | 'lognormal' | 'const' }): BlueprintT {
  const dist = o.dist ?? 'exp';
  const cv = dist === 'const' ? 0 : 1;
  const domains: Record<string, unknown> = {
    front: { tables: [], operations: { page: { route: 'GET /page', cpu: { dist, mean: `${o.front ?? 2}ms`, cv }, calls: Array.from({ length: o.callees }, (_, i) => ({ op: `s${i}.get` })) } } },
  };
  const units: Record<string, unknown> = { bff: { domains: ['front'], port: 8000 } };
  for (let i = 0; i < o.callees; i++) {
    domains[`s${i}`] = { tables: [], operations: { get: { route: `GET /s${i}`, cpu: { dist, mean: `${o.callee ?? 1}ms`, cv } } } };
    units[`svc${i}`] = { domains: [`s${i}`], port: 8001 + i };
  }
  return Blueprint.parse({
    apiVersion: 'archsim/v1',
    kind: 'Blueprint',
    metadata: { name: 'fanout' },
    system: { domains, defaults: { payload: { request: '0B', response: '0B' } } },
    layouts: { one: { units, network: { latency: `${o.latency ?? 0.5}ms`, cpuPerCall: `${o.cpuPerCall ?? 0.1}ms`, cpuPerKiB: '0ms' } } },
    catalog: {},
  });
}

/**
 * Any domains and units as layout `one`, free network (no latency, no CPU per call), empty
 * payloads: for shapes network() and fanout() do not make.
 */
export function system(domains: Record<string, unknown>, units: Record<string, unknown>, name = 'built'): BlueprintT {
  return Blueprint.parse({
    apiVersion: 'archsim/v1',
    kind: 'Blueprint',
    metadata: { name },
    system: { domains, defaults: { payload: { request: '0B', response: '0B' } } },
    layouts: { one: { units, network: { latency: '0ms', cpuPerCall: '0ms', cpuPerKiB: '0ms' } } },
    catalog: {},
  });
}
