import { describe, expect, it } from 'vitest';
import { autoScenarios, busiestOperation } from '../../src/simulate/auto-scenarios.js';
import { runFaults } from '../../src/simulate/fault-runs.js';
import { archsim } from '../helpers/cli.js';
import { bp } from './helpers.js';

// A shop nobody bundled: a frontend fanning out, a catalog with no database, a cart in Redis,
// orders in PostgreSQL with a Redis cache of their own, events on a broker in one layout only.
const SHOP = bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop }
system:
  domains:
    web:
      operations:
        home: { route: GET /, cpu: 1ms, calls: [catalog.list, cart.get] }
        checkout: { route: POST /checkout, cpu: 1ms, calls: [cart.get, orders.place] }
    catalog:
      operations:
        list: { internal: true, cpu: 0.5ms }
    cart:
      tables: [carts]
      operations:
        get: { internal: true, cpu: 0.3ms, db: { reads: 1 } }
    orders:
      tables: [orders, order_cache]
      operations:
        place: { internal: true, cpu: 2ms, db: { writes: 2 }, emits: [order.placed] }
    mail:
      operations:
        send: { internal: true, cpu: 1ms }
  events:
    order.placed: { consumers: [mail.send] }
layouts:
  mono:
    units: { app: { domains: "*", port: 8080, instance: box } }
    datastores:
      pg: { engine: postgres, tables: "*", instance: box }
      kv: { engine: redis, tables: [carts, order_cache], instance: box }
  split:
    broker: { kind: nats, instance: box }
    units:
      frontend: { domains: [web], port: 8080, instance: box }
      catalogsvc: { domains: [catalog], port: 8081, instance: box }
      cartsvc: { domains: [cart], port: 8082, instance: box }
      ordersvc: { domains: [orders, mail], port: 8083, instance: box }
    datastores:
      cart-kv: { engine: redis, tables: [carts], instance: box }
      orders-db: { engine: postgres, tables: [orders], instance: box }
      orders-cache: { engine: redis, tables: [order_cache], instance: box }
workload: { rate: 50/s, mix: { web.home: 3, web.checkout: 1 } }
catalog:
  box: { vcpu: 2, usdPerMonth: $10 }
`);

describe('automatic failure scenarios', () => {
  it('are named from the blueprint: each domain down and slow, each store, the broker, a spike', () => {
    const names = autoScenarios(SHOP).map((s) => s.name);
    expect(names).toEqual([
      'auto:web-down',
      'auto:web-slow',
      'auto:catalog-down',
      'auto:catalog-slow',
      'auto:cart-down',
      'auto:cart-slow',
      'auto:orders-down',
      'auto:orders-slow',
      'auto:mail-down',
      'auto:mail-slow',
      'auto:cart-redis-down',
      // orders' tables live apart in "split": two scenarios, one per store
      'auto:orders-postgres-down',
      'auto:orders-redis-down',
      'auto:broker-down',
      'auto:spike-web.home',
    ]);
    expect(busiestOperation(SHOP)).toEqual({ id: 'web.home', rate: 37.5 });
    const spike = autoScenarios(SHOP).at(-1)!;
    expect(spike.load[0]!.rate).toBeCloseTo(112.5, 6); // ×4 the usual 37.5/s
  });

  it('run on every layout; each shows what still works', () => {
    const runs = runFaults(SHOP, ['mono', 'split'], autoScenarios(SHOP), { workload: { duration: 20_000 } });
    const row = (scenario: string, layout: string) => runs.rows.find((r) => r.failure.startsWith(`${scenario}:`) && r.layout === layout);
    for (const s of autoScenarios(SHOP)) {
      expect(row(s.name, 'split'), s.name).toBeDefined();
      if (s.name !== 'auto:broker-down') expect(row(s.name, 'mono'), s.name).toBeDefined();
    }
    // No broker in the monolith: said, not silently dropped.
    expect(runs.notes.join(' ')).toMatch(/auto:broker-down in mono: the broker: not in mono/);
    // The catalog dying takes the monolith down, and only the home page in the split layout.
    expect(row('auto:catalog-down', 'mono')!.overall).toBe(0);
    const split = row('auto:catalog-down', 'split')!;
    expect(split.success['web.home']).toBe(0);
    expect(split.success['web.checkout']).toBeGreaterThan(0.99);
    // The orders cache is its own store in "split" and the shared Redis in "mono" (with carts).
    expect(row('auto:orders-redis-down', 'mono')!.success['web.home']).toBe(0);
    expect(row('auto:orders-redis-down', 'split')!.success['web.home']).toBeGreaterThan(0.99);
  });

  it('the same fault in a layout is simulated once: identical rows, own labels', () => {
    const runs = runFaults(SHOP, ['mono'], autoScenarios(SHOP).filter((s) => /-(down|slow)$/.test(s.name) && !s.name.includes('redis')));
    const web = runs.rows.find((r) => r.failure.startsWith('auto:web-down:'))!;
    const cart = runs.rows.find((r) => r.failure.startsWith('auto:cart-down:'))!;
    expect(cart.success).toEqual(web.success);
    expect(cart.failure).toBe('auto:cart-down: unit running cart down');
  });
});

describe('automatic scenarios on the command line', () => {
  it('simulate --scenario auto:<name> runs one; an unknown name lists the valid ones (exit 2)', () => {
    const ok = archsim(['simulate', 'blueprints/chatpop.yaml', '-l', 'phase3', '--scenario', 'auto:chats-down', '--json']);
    expect(ok.code).toBe(0);
    const r = JSON.parse(ok.stdout);
    expect(r.scenario).toBe('auto:chats-down');
    expect(r.faults[0].failure).toBe('unit running chats down');
    const bad = archsim(['simulate', 'blueprints/chatpop.yaml', '-l', 'phase3', '--scenario', 'auto:chat-down']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no such automatic scenario for chatpop \(did you mean "auto:chats-down"\?\); it has: auto:photo-down, /);
    expect(bad.stderr).not.toMatch(/at .*\.js:\d+/);
    const all = archsim(['simulate', 'blueprints/chatpop.yaml', '-l', 'phase3', '--scenario', 'auto']);
    expect(all.code).toBe(2);
    expect(all.stderr).toMatch(/simulate runs one scenario/);
  });

  it('--help explains the automatic names', () => {
    const r = archsim(['compare', '--help']);
    expect(r.stdout).toMatch(/auto:<domain>-down/);
    expect(r.stdout).toMatch(/auto:spike-<operation>/);
  });

  it('a blueprint that lists scenario files gets those by default (paths relative to it)', () => {
    const r = archsim(['compare', 'blueprints/quantchat.yaml', '--layouts', 'monolith', '--json']);
    expect(r.code).toBe(0);
    const names = new Set(JSON.parse(r.stdout).faultIsolation.map((f: { failure: string }) => f.failure.split(':')[0]));
    expect([...names]).toEqual(['database-failure', 'media-memory-leak', 'messaging-spike']);
  });
});
