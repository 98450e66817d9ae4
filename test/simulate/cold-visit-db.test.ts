// Database cold visits (HostModel.coldVisitDb): a query that finds its relational datastore's
// connection idle pays the database's table; units and the gateway keep the process table, and
// other engines pay none. The DES and the analytic method must agree on what it adds.
import { describe, expect, it } from 'vitest';
import { Blueprint } from '../../src/model/schema.js';
import { ColdVisit, coldTables, meanColdExtra } from '../../src/simulate/cold-visit.js';
import { compile } from '../../src/simulate/compile.js';
import { simulate } from '../../src/simulate/simulate.js';

const unitTable = ColdVisit.parse({ gapMs: [1, 10, 100], extraMs: [0.1, 0.4, 0.8] });
const dbTable = ColdVisit.parse({ gapMs: [1, 10, 100], extraMs: [0.05, 0.15, 0.3] });

/** One unit whose one operation makes one read on `engine` (1 ms, exponential), with no CPU of its own to speak of. */
function withStore(engine: string) {
  return Blueprint.parse({
    apiVersion: 'archsim/v1',
    kind: 'Blueprint',
    metadata: { name: 'store' },
    system: { domains: { a: { tables: ['t'], operations: { op: { route: 'GET /a', cpu: { dist: 'const', mean: '0.001ms' }, db: { reads: 1 } } } } }, defaults: { payload: { request: '0B', response: '0B' } } },
    layouts: { one: { units: { ua: { domains: ['a'], port: 8000 } }, datastores: { db: { engine, tables: '*', cores: 1, read: { dist: 'exp', mean: '1ms' } } }, network: { latency: '0ms', cpuPerCall: '0ms', cpuPerKiB: '0ms' } } },
    catalog: {},
  });
}

describe('which station pays which table', () => {
  it('units and the gateway the process table, relational datastores the database table, other engines none', () => {
    // the last: an engine on a station that is not a datastore (a broker on PostgreSQL, say) is no database's connection
    const stations = [{ kind: 'unit' }, { kind: 'gateway' }, { kind: 'datastore', engine: 'postgres' }, { kind: 'datastore', engine: 'mysql' }, { kind: 'datastore', engine: 'redis' }, { kind: 'datastore' }, { kind: 'pool' }, { kind: 'broker' }, { kind: 'driver' }, { kind: 'broker', engine: 'postgres' }];
    expect(coldTables(stations, { coldVisit: unitTable, coldVisitDb: dbTable })).toEqual([unitTable, unitTable, dbTable, dbTable, null, null, null, null, null, null]);
    expect(coldTables(stations, { coldVisit: unitTable })).toEqual([unitTable, unitTable, null, null, null, null, null, null, null, null]);
    expect(coldTables(stations, { coldVisitDb: dbTable })).toEqual([null, null, dbTable, dbTable, null, null, null, null, null, null]);
    expect(coldTables(stations, undefined)).toEqual(stations.map(() => null));
  });

  it('the compiled datastore station carries its engine', () => {
    expect(compile(withStore('postgres'), 'one').stations.find((s) => s.id === 'db')!.engine).toBe('postgres');
  });
});

describe('a lightly used PostgreSQL: every query finds its connection idle', () => {
  // 50/s of 1 ms reads on one server: the store idles 95% of the time.
  const host = { cores: 64, driverCpu: 0, coldVisitDb: dbTable };
  it('analytic: the utilization in closed form, DES within 1.5% of it', () => {
    const bp = withStore('postgres');
    const a = simulate(bp, 'one', { method: 'analytic', rate: 50, host });
    const d = simulate(bp, 'one', { method: 'des', rate: 50, host, duration: 600_000, warmup: 10_000, seed: 7 });
    // U = a0 + b·x, x = (1 − a0)m/(1 + b·m), a0 = 0.05, b = 0.05/ms, m = meanColdExtra(table, 0.05)
    const m = meanColdExtra(dbTable, 0.05);
    const x = (0.95 * m) / (1 + 0.05 * m);
    const ua = a.stations.find((s) => s.id === 'db')!.utilization;
    const ud = d.stations.find((s) => s.id === 'db')!.utilization;
    expect(ua).toBeCloseTo(0.05 + 0.05 * x, 6);
    expect(Math.abs(ud / ua - 1)).toBeLessThan(0.015);
    // the extra is the database table's (about 0.16 ms a query at 20 ms mean gaps), not the
    // units' (about 0.45 ms at the same gaps)
    expect(ua).toBeLessThan(0.05 + 0.05 * 0.25);
    expect(ua).toBeGreaterThan(0.05 + 0.05 * 0.1);
    // and the unit, which has no process table here, pays nothing
    expect(a.stations.find((s) => s.id === 'ua')!.utilization).toBeCloseTo(50 * 0.001 / 1000, 9);
  });

  it('a Redis store pays nothing; without a database table nothing changes', () => {
    const redis = simulate(withStore('redis'), 'one', { method: 'analytic', rate: 50, host });
    expect(redis.stations.find((s) => s.id === 'db')!.utilization).toBeCloseTo(0.05, 9);
    const plain = simulate(withStore('postgres'), 'one', { method: 'analytic', rate: 50, host: { cores: 64, driverCpu: 0 } });
    expect(plain.stations.find((s) => s.id === 'db')!.utilization).toBeCloseTo(0.05, 9);
  });
});
