// The automatic scenarios' exact content (autoScenarios, busiestOperation): names, descriptions,
// each failure's target, window and kind, the client timeout, the data groups, name clashes, the
// spike. Pure and without a simulation (auto-scenarios.test.ts runs them through the DES), so the
// file takes milliseconds: it is what the mutation run of src/simulate/auto-scenarios.ts leans on.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/simulate/analytic.js';
import { AUTO_PREFIX, autoScenarioList, autoScenarios, busiestOperation, SLOW_FACTOR, SPIKE_FACTOR } from '../../src/simulate/auto-scenarios.js';
import { bp } from './helpers.js';

const shop = (o: { workload?: string; extraDomain?: string; memory?: boolean; slowCpu?: string } = {}) =>
  bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop }
system:
  domains:
    web:
      operations:
        home: { route: GET /, cpu: ${o.slowCpu ?? '1ms'}, calls: [cart.get] }
        checkout: { route: POST /checkout, cpu: 1ms, calls: [cart.get, orders.place] }
    cart:
      tables: [carts]
      operations:
        get: { internal: true, cpu: 0.3ms, db: { reads: 1 } }
    orders:
      tables: [orders, order_lines, order_cache${o.memory ? ', order_memo' : ''}]
      operations:
        place: { internal: true, cpu: 2ms, db: { writes: 2 } }
${o.extraDomain ?? ''}
layouts:
  mono:
    units: { app: { domains: "*", port: 8080, instance: box } }
    datastores:
      pg: { engine: postgres, tables: "*", instance: box }
      kv: { engine: redis, tables: [carts, order_cache], instance: box }
${o.memory ? '      memo: { engine: memory, tables: [order_memo] }\n' : ''}  split:
    broker: { kind: nats, instance: box }
    units:
      frontend: { domains: [web], port: 8080, instance: box }
      cartsvc: { domains: [cart], port: 8082, instance: box }
      ordersvc: { domains: [orders${o.extraDomain ? ', broker' : ''}], port: 8083, instance: box }
    datastores:
      cart-kv: { engine: redis, tables: [carts], instance: box }
      orders-db: { engine: postgres, tables: [orders], instance: box }
      lines-db: { engine: postgres, tables: [order_lines], instance: box }
      orders-cache: { engine: redis, tables: [order_cache], instance: box }
${o.memory ? '      memo: { engine: memory, tables: [order_memo] }\n' : ''}${o.workload ?? 'workload: { rate: 40/s, mix: { web.home: 3, web.checkout: 1 } }'}
catalog:
  box: { vcpu: 2, usdPerMonth: $10 }
`);

/** A blueprint of one domain `a` with these tables and these layouts (YAML under layouts:). */
const oneDomain = (tables: string, layouts: string) =>
  bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: stores }
system:
  domains:
    a:
      tables: [${tables}]
      operations:
        get: { route: GET /, cpu: 1ms, db: { reads: 1 } }
layouts:
${layouts}workload: { rate: 10/s, mix: { a.get: 1 } }
catalog:
  box: { vcpu: 2, usdPerMonth: $10 }
`);

// Computed inside each `it`, never in a describe body: Stryker switches a mutant on when the
// tests start, so scenarios built while the file loads would never see it.
const scenarios = () => {
  const all = autoScenarios(shop());
  return { all, byName: new Map(all.map((s) => [s.name, s])) };
};

describe('autoScenarios: exact content', () => {

  it('names in order: domains down and slow, the data groups, the broker, the spike', () => {
    const { all } = scenarios();
    expect(all.map((s) => s.name)).toEqual([
      'auto:web-down',
      'auto:web-slow',
      'auto:cart-down',
      'auto:cart-slow',
      'auto:orders-down',
      'auto:orders-slow',
      'auto:cart-redis-down',
      // orders and order_lines share a store in "mono" only: two postgres groups, named by their first table
      'auto:orders-orders-down',
      'auto:orders-order_lines-down',
      'auto:orders-redis-down',
      'auto:broker-down',
      'auto:spike-web.home',
    ]);
    expect(AUTO_PREFIX).toBe('auto:');
    expect(autoScenarioList(shop())).toEqual(all.map((s) => ({ name: s.name, description: s.description })));
  });

  it('a unit down and slowed: its domain by role, from 15 s for 15 s, on a 45 s run with a 5 s warm-up', () => {
    const { byName } = scenarios();
    const down = byName.get('auto:cart-down')!;
    expect(down.description).toBe('The unit running cart is down for 15 s (a crash and restart).');
    expect(down.workload).toEqual({ duration: 45_000, warmup: 5000 });
    expect(down.failures).toEqual([{ description: 'unit running cart down', domain: 'cart', at: 15_000, for: 15_000, down: true }]);
    expect(down.load).toEqual([]);
    const slow = byName.get('auto:cart-slow')!;
    expect(slow.description).toBe(`The unit running cart serves ×${SLOW_FACTOR} slower for 15 s (a leak, a noisy neighbour).`);
    expect(slow.failures).toEqual([{ description: `unit running cart slowed ×${SLOW_FACTOR}`, domain: 'cart', at: 15_000, for: 15_000, slow: 4 }]);
    expect(SLOW_FACTOR).toBe(4);
  });

  it('a data group: down by its first table, described with its engine and tables', () => {
    const { byName } = scenarios();
    const pg = byName.get('auto:orders-orders-down')!;
    expect(pg.description).toBe('The postgres store holding orders (orders) is down for 15 s.');
    expect(pg.failures).toEqual([{ description: 'postgres store of orders down', table: 'orders', at: 15_000, for: 15_000, down: true }]);
    const kv = byName.get('auto:cart-redis-down')!;
    expect(kv.description).toBe('The redis store holding cart (carts) is down for 15 s.');
    expect(kv.failures[0]!.table).toBe('carts');
  });

  it('the broker where any layout has one, none where no layout has', () => {
    const { byName } = scenarios();
    expect(byName.get('auto:broker-down')!.failures).toEqual([{ description: 'broker down', broker: true, at: 15_000, for: 15_000, down: true }]);
    expect(byName.get('auto:broker-down')!.description).toBe('The message broker is down for 15 s (layouts without one dispatch events in process).');
    const noBroker = shop();
    delete noBroker.layouts.split!.broker;
    expect(autoScenarios(noBroker).map((s) => s.name)).not.toContain('auto:broker-down');
  });

  it('the spike: the busiest operation at ×4 its usual rate, the extra as a stream of its own', () => {
    const { byName } = scenarios();
    // web.home is 3 of 4 of 40/s = 30/s; ×4 adds 90/s
    expect(busiestOperation(shop())).toEqual({ id: 'web.home', rate: 30 });
    const s = byName.get('auto:spike-web.home')!;
    expect(SPIKE_FACTOR).toBe(4);
    expect(s.description).toBe('web.home, the busiest operation, at ×4 its usual rate for 15 s (+90/s).');
    expect(s.load).toEqual([{ description: 'web.home spike (+90/s)', at: 15_000, for: 15_000, rate: 90, mix: { 'web.home': 1 } }]);
    expect(s.failures).toEqual([]);
  });

  it('the client gives up after 2 s, or twice the slowest operation’s p99 at low load when that is longer', () => {
    const { all } = scenarios();
    for (const s of all) expect(s.clientTimeout).toBe(2000);
    // web.home at 600 ms of CPU: its p99 at 1/s in the first layout, twice, rounded to the ms
    const slow = shop({ slowCpu: '600ms' });
    const p99 = Math.max(...analyze(slow, 'mono', { rate: 1 }).operations.map((o) => o.latency.p99).filter(Number.isFinite));
    expect(p99).toBeGreaterThan(1000);
    for (const s of autoScenarios(slow)) expect(s.clientTimeout).toBe(Math.round(2 * p99));
  });

  it('an operation already past saturation at 1/s has no p99 to double: the 2 s stand', () => {
    // web.home at 1.5 s of CPU on the one worker: 1/s is past its saturation, every p99 there is unbounded
    const over = shop({ slowCpu: '1500ms' });
    expect(analyze(over, 'mono', { rate: 1 }).operations.every((o) => !Number.isFinite(o.latency.p99))).toBe(true);
    for (const s of autoScenarios(over)) expect(s.clientTimeout).toBe(2000);
  });
});

describe('autoScenarios: edges', () => {
  it('in-process state (engine memory) gets no scenario of its own', () => {
    const names = autoScenarios(shop({ memory: true })).map((s) => s.name);
    // exactly the list without it: order_memo lives in an engine: memory store in both layouts
    expect(names).toEqual(autoScenarios(shop()).map((s) => s.name));
    expect(names).toContain('auto:orders-redis-down');
  });

  it('one engine where the tables are stored, in memory elsewhere: the engine named, and the in-process layouts said', () => {
    const b = oneDomain('t1', `  one:
    units: { app: { domains: "*", port: 8080, instance: box } }
    datastores:
      pg: { engine: postgres, tables: "*", instance: box }
  two:
    units: { app: { domains: "*", port: 8080, instance: box } }
    datastores:
      m: { engine: memory, tables: "*" }
  three:
    units: { app: { domains: "*", port: 8080, instance: box } }
    datastores:
      m: { engine: memory, tables: "*" }
`);
    const s = autoScenarios(b).find((x) => x.name === 'auto:a-postgres-down')!;
    expect(s.description).toBe('The postgres store holding a (t1) is down for 15 s. two, three keep these tables in process: nothing fails there.');
    const one = oneDomain('t1', `  one:
    units: { app: { domains: "*", port: 8080, instance: box } }
    datastores:
      pg: { engine: postgres, tables: "*", instance: box }
  two:
    units: { app: { domains: "*", port: 8080, instance: box } }
    datastores:
      m: { engine: memory, tables: "*" }
`);
    expect(autoScenarios(one).find((x) => x.name === 'auto:a-postgres-down')!.description).toBe('The postgres store holding a (t1) is down for 15 s. two keeps these tables in process: nothing fails there.');
  });

  it('a name already taken gets -2: a domain called "broker" and the broker scenario', () => {
    const names = autoScenarios(shop({ extraDomain: '    broker:\n      operations:\n        relay: { internal: true, cpu: 1ms }' })).map((s) => s.name);
    expect(names).toContain('auto:broker-down');
    expect(names).toContain('auto:broker-down-2');
    expect(names.filter((n) => n === 'auto:broker-down')).toHaveLength(1);
  });

  it("a table whose engine differs between layouts: a 'store' scenario listing each layout's engine (memory left out)", () => {
    const b = oneDomain('t1, t2, t3', `  one:
    units: { app: { domains: "*", port: 8080, instance: box } }
    datastores:
      pg: { engine: postgres, tables: "*", instance: box }
  two:
    units: { app: { domains: "*", port: 8080, instance: box } }
    datastores:
      r: { engine: redis, tables: [t1], instance: box }
      p: { engine: postgres, tables: [t2, t3], instance: box }
  three:
    units: { app: { domains: "*", port: 8080, instance: box } }
    datastores:
      m: { engine: memory, tables: [t1] }
      p: { engine: postgres, tables: [t2, t3], instance: box }
  four:
    units: { app: { domains: "*", port: 8080, instance: box } }
    datastores:
      r: { engine: redis, tables: [t1], instance: box }
      p: { engine: postgres, tables: [t2, t3], instance: box }
`);
    const byName = new Map(autoScenarios(b).map((x) => [x.name, x]));
    const store = byName.get('auto:a-store-down')!;
    expect(store.description).toBe('The store holding a (t1) is down for 15 s (postgres in one; redis in two, four). three keeps these tables in process: nothing fails there.');
    expect(store.failures).toEqual([{ description: 'store of a down (postgres in one; redis in two, four)', table: 't1', at: 15_000, for: 15_000, down: true }]);
    const pg = byName.get('auto:a-postgres-down')!;
    expect(pg.description).toBe('The postgres store holding a (t2, t3) is down for 15 s.');
    expect(pg.failures[0]!.table).toBe('t2');
  });

  it("a data group's name taken by another group of its domain gets -2 after its engine", () => {
    const b = oneDomain('redis, x, y', `  one:
    units: { app: { domains: "*", port: 8080, instance: box } }
    datastores:
      p1: { engine: postgres, tables: [redis], instance: box }
      p2: { engine: postgres, tables: [x], instance: box }
      kv: { engine: redis, tables: [y], instance: box }
`);
    // two postgres groups are named by their first tables (a-redis, a-x); the redis group then finds a-redis taken
    const data = autoScenarios(b).filter((x) => x.failures.some((f) => 'table' in f));
    expect(data.map((x) => [x.name, x.failures[0]!.table])).toEqual([
      ['auto:a-redis-down', 'redis'],
      ['auto:a-x-down', 'x'],
      ['auto:a-redis-2-down', 'y'],
    ]);
  });

  it('busiest: a tie goes to the first id in order; a closed workload prices the share at its throughput in the first layout (not an invented 100/s)', () => {
    expect(busiestOperation(shop({ workload: 'workload: { rate: 40/s, mix: { web.home: 1, web.checkout: 1 } }' }))).toEqual({ id: 'web.checkout', rate: 20 });
    const closed = shop({ workload: 'workload: { users: 5, mix: { web.home: 1, web.checkout: 3 } }' });
    const first = Object.keys(closed.layouts)[0]!;
    const throughput = analyze(closed, first).operations.reduce((s, o) => s + o.throughput, 0);
    expect(throughput).toBeGreaterThan(0);
    expect(busiestOperation(closed)).toEqual({ id: 'web.checkout', rate: throughput * 0.75 });
  });
});
