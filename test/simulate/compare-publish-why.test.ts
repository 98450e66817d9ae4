// compare's why column and large-difference note, where they left part of a difference unnamed:
//  - the CPU of serializing an event for the broker (publishCpu + cpuPerKiB × payload, on the
//    publishing unit's burst: compile.ts opBody) was never a cause: bigevent's orders.place,
//    +7.60 ms, all of it a 1,500 KiB publish to Kafka, read "why: –"; shop's note named 8.4 ms of
//    orders.place's +11.1 ms, the missing 2.72 ms a 650 KiB publish (/work/unseen9a).
//    (Consuming is never on the request's path: events are spawned off it.)
//  - a datastore of engine: memory (the unit's own state) was "none": fleet's geofence.edit read
//    "faster datastore (−0.80 ms: none vs tsdb)", its 10 µs write in the unit left out.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compare } from '../../src/simulate/compare.js';
import { runAction } from '../helpers/in-process.js';
import { bp } from './helpers.js';

const { action: compareAction } = await import('../../src/cli/actions/compare.js');
const dir = mkdtempSync(join(tmpdir(), 'archsim-publish-why-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BIGEVENT = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: bigevent }
system:
  domains:
    orders:
      tables: [orders]
      operations:
        place: { route: POST /orders, cpu: 1ms, db: { writes: 1 }, emits: [order.placed] }
    mail:
      tables: [mail]
      operations:
        send: { internal: true, cpu: 1ms }
  events:
    order.placed: { consumers: [mail.send], payload: 1500KiB }
layouts:
  mono:
    units:
      app: { domains: "*", port: 8080, instance: vm }
    datastores:
      db: { engine: postgres, instance: vm, tables: "*" }
  split:
    broker: { kind: kafka, port: 9092 }
    units:
      order-svc: { domains: [orders], port: 8080, instance: vm }
      mail-svc: { domains: [mail], port: 8081, instance: vm }
    datastores:
      db: { engine: postgres, instance: vm, tables: "*" }
workload: { rate: 20/s, duration: 20s, mix: { orders.place: 1 } }
catalog:
  vm: { vcpu: 1, usdPerMonth: $10 }
`;

describe('an event published to the broker on the request path is a cause', () => {
  it('bigevent: the whole +7.60 ms is the 1,500 KiB publish (0.1 ms + 1,500 KiB × 5 µs/KiB)', () => {
    const r = compare(bp(BIGEVENT), ['mono', 'split'], { scenarios: [] });
    const place = r.operations.find((o) => o.id === 'orders.place')!;
    expect(place.delta).toBeCloseTo(0.1 + 1500 * 0.005, 4);
    expect(place.causes).toEqual(['event publish (+7.60 ms: order.placed 1.5 MiB to the kafka broker)']);
    // the other way round: a saving, said as one
    const back = compare(bp(BIGEVENT), ['split', 'mono'], { scenarios: [] }).operations[0]!;
    expect(back.causes).toEqual(['event publish (−7.60 ms: none through a broker vs order.placed 1.5 MiB to the kafka broker)']);
  });

  it('bigevent through the CLI: the why column and the JSON', async () => {
    const file = join(dir, 'bigevent.yaml');
    writeFileSync(file, BIGEVENT);
    const text = await runAction(() => compareAction(file, { faults: false }));
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n').find((l) => l.startsWith('orders.place'))).toBe(
      'orders.place       2.50        10.1           +7.60      6.19       18.1  event publish (+7.60 ms: order.placed 1.5 MiB to the kafka broker)',
    );
    const json = await runAction(() => compareAction(file, { faults: false, json: true }));
    expect(JSON.parse(json.stdout).operations[0].causes).toEqual(['event publish (+7.60 ms: order.placed 1.5 MiB to the kafka broker)']);
  });

  it('a costlier broker: both layouts publish, at different costs per message', () => {
    const two = bp(
      BIGEVENT.replace('  mono:\n    units:\n      app: { domains: "*", port: 8080, instance: vm }', '  mono:\n    broker: { kind: nats, port: 4222, publishCpu: 0.02ms }\n    units:\n      app: { domains: "*", port: 8080, instance: vm }'),
    );
    const op = compare(two, ['mono', 'split'], { scenarios: [] }).operations[0]!;
    // 0.1 ms (cpuPerCall, Kafka's default) against NATS's own 0.02 ms; the payload's 7.5 ms on both
    expect(op.delta).toBeCloseTo(0.08, 4);
    // (mono's app also consumes the 1.5 MiB events now, through the broker: 7.6 ms each at 20/s)
    expect(op.causes).toEqual(['costlier event publish (+0.08 ms: order.placed 1.5 MiB to the kafka broker vs order.placed 1.5 MiB to the nats broker)', 'queueing at app in mono (ρ=0.34)']);
  });
});

// shop.yaml's orders.place, cut down: 600 KiB through the gateway, 5 price checks and a gRPC
// verify, a 650 KiB event to Kafka; hop costs 0.3 ms, 0.12 ms a call, 4 µs/KiB (gRPC 0.05 ms, 2 µs/KiB).
const SHOP = bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop }
system:
  defaults:
    db: { read: 0.6ms, write: 1.8ms }
    payload: { request: 2KiB, response: 2KiB, event: 1KiB }
  domains:
    catalog:
      tables: [prices]
      operations:
        price-check: { internal: true, cpu: 0.2ms, db: { reads: 1 } }
    orders:
      tables: [orders]
      operations:
        place:
          route: POST /api/orders
          cpu: 3ms
          db: { reads: 1, writes: 3 }
          request: 600KiB
          calls:
            - { op: catalog.price-check, count: 5 }
            - { op: customers.verify, protocol: grpc }
          emits: [order.placed]
    customers:
      tables: [customers]
      operations:
        verify: { internal: true, cpu: 0.15ms, db: { reads: 1, read: 0.1ms }, response: 256B }
    payments:
      tables: [payments]
      operations:
        charge: { internal: true, cpu: 1ms }
  events:
    order.placed: { consumers: [payments.charge], payload: 650KiB }
layouts:
  monolith:
    units:
      shop-app: { domains: "*", port: 8080, instance: vm }
    datastores:
      shop-db: { engine: postgres, instance: vm, tables: "*" }
  microservices:
    gateway: { kind: kong, instance: vm, port: 8000, cpu: 0.3ms }
    broker: { kind: kafka, instance: vm, port: 9092 }
    network: { latency: 0.3ms, cpuPerCall: 0.12ms, cpuPerKiB: 4us, grpc: { cpuPerCall: 0.05ms, cpuPerKiB: 2us } }
    units:
      catalog-svc: { domains: [catalog], port: 8001, instance: vm }
      order-svc: { domains: [orders], port: 8002, instance: vm }
      customer-svc: { domains: [customers], port: 50051, instance: vm, protocol: grpc }
      payment-svc: { domains: [payments], port: 8004, instance: vm }
    datastores:
      catalog-db: { engine: postgres, instance: vm, tables: [prices] }
      order-db: { engine: postgres, instance: vm, tables: [orders] }
      customer-db: { engine: postgres, instance: vm, tables: [customers] }
      payment-db: { engine: postgres, instance: vm, tables: [payments] }
workload: { rate: 1/s, mix: { orders.place: 1 } }
catalog:
  vm: { vcpu: 4, usdPerMonth: $10 }
`);

describe('the note on a large difference names the publish', () => {
  it('shop: the causes and the note’s parts add up to the +11.1 ms', () => {
    const r = compare(SHOP, ['monolith', 'microservices'], { scenarios: [] });
    const place = r.operations.find((o) => o.id === 'orders.place')!;
    // 0.12 ms + 650 KiB × 4 µs/KiB = 2.72 ms of publish
    const publish = 0.12 + 650 * 0.004;
    expect(place.causes).toEqual([
      '12 extra network hops (+3.60 ms)',
      'serialization of 6 remote calls (+1.47 ms)',
      'event publish (+2.72 ms: order.placed 650 KiB to the kafka broker)',
      'gateway hop (+3.31 ms)',
    ]);
    const hops = 3.6;
    const ser = 5 * 2 * (0.12 + 4 * 0.004) + 2 * (0.05 + ((2048 + 256) / 1024) * 0.002);
    const gateway = 0.3 + (600 * 1024 + 2048) * (0.004 / 1024) + 0.6;
    expect(place.delta).toBeCloseTo(hops + ser + publish + gateway, 4);
    expect(r.notes.filter((n) => n.startsWith('orders.place: '))).toEqual([
      'orders.place: microservices is +11.1 ms per request at low load, the largest difference, of which 14 more one-way hops at 0.30 ms each (+4.20 ms), publishing order.placed 650 KiB to the kafka broker (+2.72 ms), 600 KiB of request and response through the gateway at 4 µs/KiB (+2.41 ms), serialization of the remote calls (+1.47 ms), the gateway’s own CPU (+0.30 ms)',
    ]);
  });
});

const FENCES = bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: fleet }
system:
  defaults:
    db: { read: 0.3ms, write: 0.8ms }
  domains:
    geofence:
      tables: [fences]
      operations:
        edit: { route: "PUT /v1/fences/{fenceId}", cpu: 2ms, db: { writes: 1 } }
workload: { rate: 1/s, mix: { geofence.edit: 1 } }
layouts:
  single:
    units: { fleet: { domains: "*", port: 8080, instance: c-8 } }
    datastores: { tsdb: { engine: postgres, instance: pg, tables: "*" } }
  streaming:
    units: { geofence: { domains: [geofence], port: 8082, instance: c-8 } }
    datastores: { fence-cache: { engine: memory, tables: [fences] } }
catalog:
  c-8: { vcpu: 8, usdPerMonth: $200 }
  pg: { kind: database, vcpu: 8, usdPerMonth: $400 }
`);

describe('a memory datastore is named as one', () => {
  it('the queries on it count, and it is named with its engine, not "none"', () => {
    const r = compare(FENCES, ['single', 'streaming'], { scenarios: [] });
    const edit = r.operations[0]!;
    // a 10 µs write in the unit (system.defaults.memory) for 0.8 ms on PostgreSQL
    expect(edit.delta).toBeCloseTo(0.01 - 0.8, 4);
    expect(edit.causes).toEqual(['faster datastore (−0.79 ms: fence-cache in process (memory) vs tsdb)']);
    expect(compare(FENCES, ['streaming', 'single'], { scenarios: [] }).operations[0]!.causes).toEqual(['slower datastore (+0.79 ms: tsdb vs fence-cache in process (memory))']);
  });
});
