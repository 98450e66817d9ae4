// What one request asks of each station (demand.ts), and which cold-visit table each station pays
// (cold-visit.ts), worked out by hand on blueprints built here. No simulation: milliseconds, for
// the mutation run of src/simulate.
import { describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';
import { Blueprint } from '../../src/model/schema.js';
import { compile } from '../../src/simulate/compile.js';
import { ColdVisit, coldExtra, coldTables } from '../../src/simulate/cold-visit.js';
import { opDemands } from '../../src/simulate/demand.js';

const payload = { request: '0B', response: '0B', event: '0B' };

/**
 * a.op on unit u: an in-process call to b.op (3 ms const, on u), a remote call to c.op (unit w,
 * lognormal 4 ms cv 0.5: variance 4), then its own 2 ms exponential (variance 4); it emits
 * `done`, consumed by d.handle on w (uniform 4–8 ms: mean 6, variance 16/12). Hops 1 ms each way,
 * no hop CPU; a broker with no CPU and a 5 ms latency.
 */
function withEvent(): Blueprint {
  return Blueprint.parse({
    apiVersion: 'archsim/v1',
    kind: 'Blueprint',
    metadata: { name: 'demands' },
    system: {
      domains: {
        a: { tables: [], operations: { op: { route: 'GET /a', cpu: { dist: 'exp', mean: '2ms' }, calls: ['b.op', 'c.op'], emits: ['done'] } } },
        b: { tables: [], operations: { op: { internal: true, cpu: { dist: 'const', mean: '3ms' } } } },
        c: { tables: [], operations: { op: { internal: true, cpu: { dist: 'lognormal', mean: '4ms', cv: 0.5 } } } },
        d: { tables: [], operations: { handle: { internal: true, cpu: { dist: 'uniform', min: '4ms', max: '8ms' } } } },
      },
      events: { done: { consumers: ['d.handle'] } },
      defaults: { payload },
    },
    layouts: {
      one: {
        broker: { kind: 'rabbitmq', cpu: '0ms', latency: '5ms' },
        units: { u: { domains: ['a', 'b'], port: 8000 }, w: { domains: ['c', 'd'], port: 8001 } },
        network: { latency: '1ms', cpuPerCall: '0ms', cpuPerKiB: '0ms' },
      },
    },
  });
}

describe('opDemands', () => {
  it('the critical path: each visit with its mean, variance and the delays before it; the load with the spawned event work', () => {
    const c = compile(withEvent(), 'one');
    expect(c.stations.map((s) => s.id)).toEqual(['u', 'w', 'broker']);
    const a = opDemands(c).get('a.op')!;
    expect(a.visits).toEqual([
      { station: 0, mean: 3, variance: 0, before: 0, fresh: true, lognormal: false },
      // the remote call: 1 ms out before it (lognormal work: analytic.ts fits its family)
      { station: 1, mean: 4, variance: 4, before: 1, fresh: true, lognormal: true },
      // back on u after 1 ms: a fresh visit (the process did not carry on)
      { station: 0, mean: 2, variance: 4, before: 1, fresh: true, lognormal: false },
    ]);
    expect(a.delayMean).toBe(2);
    expect(a.delayVar).toBe(0);
    expect(a.hops).toBe(2);
    expect(a.networkMs).toBe(2);
    // u: 3 + 2 ms in two visits, E[S²] 9 + (4 + 4); w: c.op 4 ms (E[S²] 4 + 16) and the event's
    // d.handle 6 ms (E[S²] 4/3 + 36), each fresh
    expect([...a.loadVisits]).toEqual([2, 2, 0]);
    expect([...a.loadDemand]).toEqual([5, 10, 0]);
    expect(a.loadM2[0]).toBe(17);
    expect(a.loadM2[1]).toBeCloseTo(20 + 4 / 3 + 36, 12);
    expect(a.loadM2[2]).toBe(0);
    expect([...a.loadFresh]).toEqual([2, 2, 0]);
    const d = opDemands(c).get('d.handle')!;
    expect([...d.loadM2][1]).toBeCloseTo(4 / 3 + 36, 12);
    expect([...d.loadFresh]).toEqual([0, 1, 0]);
  });

  it('only the operations asked for, when named (unknown names skipped)', () => {
    const c = compile(withEvent(), 'one');
    expect([...opDemands(c, ['c.op', 'no.such', 'a.op']).keys()]).toEqual(['c.op', 'a.op']);
    expect([...opDemands(c).keys()].sort()).toEqual(['a.op', 'b.op', 'c.op', 'd.handle']);
  });

  it('an in-process call followed by the caller’s own work: one process carrying on, so the second visit is not fresh; a wait is a delay with its variance', () => {
    const bp = Blueprint.parse({
      apiVersion: 'archsim/v1',
      kind: 'Blueprint',
      metadata: { name: 'inproc' },
      system: {
        domains: {
          a: { tables: [], operations: { op: { route: 'GET /a', cpu: { dist: 'exp', mean: '2ms' }, calls: ['b.op'], wait: { dist: 'exp', mean: '5ms' } } } },
          b: { tables: [], operations: { op: { internal: true, cpu: { dist: 'const', mean: '3ms' } } } },
        },
        defaults: { payload },
      },
      layouts: { one: { units: { u: { domains: ['a', 'b'], port: 8000 } }, network: { latency: '1ms', cpuPerCall: '0ms', cpuPerKiB: '0ms' } } },
    });
    const a = opDemands(compile(bp, 'one')).get('a.op')!;
    expect(a.visits).toEqual([
      { station: 0, mean: 3, variance: 0, before: 0, fresh: true, lognormal: false },
      { station: 0, mean: 2, variance: 4, before: 0, fresh: false, lognormal: false },
    ]);
    // the 5 ms exponential wait: mean 5, variance 25
    expect(a.delayMean).toBe(5);
    expect(a.delayVar).toBe(25);
    expect(a.hops).toBe(0);
    expect([...a.loadVisits]).toEqual([2]);
    expect([...a.loadDemand]).toEqual([5]);
    expect([...a.loadM2]).toEqual([17]);
    expect([...a.loadFresh]).toEqual([1]);
  });

  it('an event whose consumer emits it again: the spawned work counted 16 levels deep, then cut', () => {
    const r = parseBlueprint(
      [
        'apiVersion: archsim/v1',
        'kind: Blueprint',
        'metadata: { name: loop }',
        'system:',
        '  domains:',
        '    a: { operations: { op: { route: GET /a, cpu: 1ms, emits: [tick] } } }',
        '    t: { operations: { handle: { internal: true, cpu: 2ms, emits: [tick] } } }',
        '  events: { tick: { consumers: [t.handle] } }',
        'layouts:',
        '  one:',
        '    units: { u: { domains: [a], port: 8000 }, w: { domains: [t], port: 8001 } }',
        '    network: { latency: 0ms, cpuPerCall: 0ms, cpuPerKiB: 0ms }',
      ].join('\n'),
      'loop.yaml',
    );
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
    const c = compile(r.blueprint, 'one');
    expect(c.stations.map((s) => s.id)).toEqual(['u', 'w']);
    const a = opDemands(c).get('a.op')!;
    expect([...a.loadVisits]).toEqual([1, 16]);
    expect([...a.loadDemand]).toEqual([1, 32]);
    expect([...a.loadFresh]).toEqual([1, 16]);
  });
});

describe('cold visits', () => {
  it('ColdVisit accepts strictly increasing gaps with as many extras, and nothing else', () => {
    expect(ColdVisit.safeParse({ gapMs: [1, 10, 100], extraMs: [0.1, 0.4, 0.8] }).success).toBe(true);
    expect(ColdVisit.safeParse({ gapMs: [5], extraMs: [0.2] }).success).toBe(true);
    expect(ColdVisit.safeParse({ gapMs: [1, 1], extraMs: [0.1, 0.2] }).success).toBe(false);
    expect(ColdVisit.safeParse({ gapMs: [1, 10, 5], extraMs: [0.1, 0.2, 0.3] }).success).toBe(false);
    expect(ColdVisit.safeParse({ gapMs: [1, 10], extraMs: [0.1] }).success).toBe(false);
  });

  it('coldExtra at the last gap is its extra exactly (not the interpolation, which rounds)', () => {
    const t = { gapMs: [1, 10], extraMs: [0.3, 0.9] };
    expect(coldExtra(t, 10)).toBe(0.9);
    expect(coldExtra(t, 1)).toBe(0.3);
    expect(coldExtra(t, Math.sqrt(10))).toBeCloseTo(0.6, 12);
  });

  it('coldTables: units and the gateway the process table, PostgreSQL and MySQL datastores the database table, nothing else', () => {
    const unit = { gapMs: [1], extraMs: [0.1] };
    const db = { gapMs: [1], extraMs: [0.2] };
    const stations = [
      { kind: 'unit' },
      { kind: 'gateway' },
      { kind: 'datastore', engine: 'postgres' },
      { kind: 'datastore', engine: 'mysql' },
      { kind: 'datastore', engine: 'redis' },
      { kind: 'datastore' },
      // a PostgreSQL broker is not a datastore
      { kind: 'broker', engine: 'postgres' },
      { kind: 'network', engine: 'mysql' },
    ];
    expect(coldTables(stations, { coldVisit: unit, coldVisitDb: db })).toEqual([unit, unit, db, db, null, null, null, null]);
    expect(coldTables(stations, { coldVisitDb: db })).toEqual([null, null, db, db, null, null, null, null]);
    expect(coldTables(stations, undefined)).toEqual([null, null, null, null, null, null, null, null]);
  });
});
