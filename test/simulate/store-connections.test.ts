// A datastore's servers are capped by the connections its units may hold: `pool` × the processes
// (replicas × workers) of the units with a domain whose tables it holds, not of every unit of the
// layout. Found on a video pipeline: the blob store showed 1240 servers, 960 of them from a
// transcoder unit that never touches it (3 replicas × 16 workers × pool 20).
import { describe, expect, it } from 'vitest';
import { renderSimulation } from '../../src/cli/render-sim.js';
import { compile } from '../../src/simulate/compile.js';
import { simulate } from '../../src/simulate/simulate.js';
import { bp } from './helpers.js';

/**
 * The search shape of object-store.test.ts (api: 2 replicas × 2 workers, reads `models`), plus a
 * `batch` unit of 3 replicas × 8 workers whose domain has its tables in `jobs-db` alone. `extra`
 * adds a table of `batch`'s domain to `models` (it then holds a pool there too).
 */
function twoUnits(engine: string, opts: { pool?: number; extra?: boolean; dbVcpu?: number } = {}) {
  const pool = opts.pool !== undefined ? `, pool: ${opts.pool}` : '';
  return bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: objects }
system:
  domains:
    ranking:
      tables: [model_files]
      operations:
        rank: { route: GET /rank, cpu: 0.5ms, db: { reads: 2, read: { dist: const, mean: 0.8ms } } }
    batch:
      tables: [jobs${opts.extra ? ', scratch' : ''}]
      operations:
        crunch: { route: POST /crunch, cpu: 40ms, db: { writes: 1 } }
layouts:
  l:
    units:
      api: { domains: [ranking], port: 8000, replicas: 2, workers: 2, instance: m-2x }
      batch: { domains: [batch], port: 8100, replicas: 3, workers: 8, instance: c-8x }
    datastores:
      models: { engine: ${engine}, tables: [model_files${opts.extra ? ', scratch' : ''}], instance: store-x${pool} }
      jobs-db: { engine: postgres, tables: [jobs], instance: db-1x }
    network: { latency: 0ms, cpuPerCall: 0ms, cpuPerKiB: 0ms }
catalog:
  m-2x: { vcpu: 2, usdPerMonth: $35 }
  c-8x: { vcpu: 8, usdPerMonth: $140 }
  store-x: { kind: storage, vcpu: ${opts.dbVcpu ?? 1}, usdPerMonth: $10 }
  db-1x: { kind: database, vcpu: 1, usdPerMonth: $10 }
`);
}

const servers = (b: ReturnType<typeof twoUnits>, id = 'models') => compile(b, 'l').stations.find((s) => s.id === id)!.servers;

describe('a datastore’s connections come from the units that use it', () => {
  it('an object store: pool 20 × api’s 4 processes = 80; batch’s 24 processes add none (they were 560)', () => {
    expect(servers(twoUnits('s3'))).toBe(80);
    expect(servers(twoUnits('minio'))).toBe(80);
  });

  it('a unit with a table in the store holds a pool there too: 20 × (4 + 24) = 560', () => {
    expect(servers(twoUnits('s3', { extra: true }))).toBe(560);
  });

  it('a database: its cores, capped by its own units’ pools (pool 1 × 4 processes on 8 cores: 4; batch’s would have made it 8)', () => {
    expect(servers(twoUnits('postgres', { pool: 1, dbVcpu: 8 }))).toBe(4);
    // the default pool is far above the cores: the cores
    expect(servers(twoUnits('postgres', { dbVcpu: 8 }))).toBe(8);
    // jobs-db: batch’s 24 processes × 20 on its one core
    expect(servers(twoUnits('postgres', { dbVcpu: 8 }), 'jobs-db')).toBe(1);
  });

  it('the stations table shows the store’s 80 servers', () => {
    const text = renderSimulation(simulate(twoUnits('s3'), 'l', { method: 'analytic', rate: 100, mix: { 'ranking.rank': 1 } }));
    const line = text.split('\n').find((l) => l.startsWith('models '))!;
    expect(line.split(/\s+/).slice(0, 4)).toEqual(['models', 'datastore', '1', '80']);
  });
});
