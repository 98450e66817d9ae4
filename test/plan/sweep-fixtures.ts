// Blueprints of the plan sweep (bakery, engine-move, zoo, sensors, trig): small systems whose
// plans showed each defect fixed in test/plan/sweep-*.test.ts. Shared so each test reads the
// system it checks in one place.

export const BAKERY = `apiVersion: archsim/v1
kind: Blueprint
metadata:
  name: bakery
  title: Bakery
  team: { developers: 6, devops: true }
system:
  defaults:
    db: { read: 0.5ms, write: 1.5ms }
    payload: { request: 1KiB, response: 2KiB }
  domains:
    orders:
      tables: [orders, order_lines]
      operations:
        place:
          route: POST /api/orders
          cpu: 1ms
          db: { reads: 1, writes: 2 }
          calls: [ovens.reserve, billing.charge]
          emits: [order.placed]
          budget: { p95: 50ms }
        get:
          route: GET /api/orders/{id}
          cpu: 0.3ms
          db: { reads: 1 }
    ovens:
      tables: [ovens]
      operations:
        reserve: { internal: true, cpu: 0.5ms, db: { reads: 1, writes: 1 } }
        status:
          route: GET /api/ovens
          cpu: 0.2ms
          db: { reads: 1 }
    billing:
      tables: [invoices]
      operations:
        charge: { internal: true, cpu: 0.8ms, wait: 20ms, db: { writes: 1 } }
    notify:
      tables: []
      operations:
        send: { internal: true, cpu: 0.1ms }
  events:
    order.placed: { consumers: [notify.send], payload: 512B }
layouts:
  monolith:
    style: monolith
    units:
      app: { domains: "*", port: 8000, replicas: 1, instance: small }
    datastores:
      main: { engine: postgres, instance: pg, tables: "*" }
    next: micro
  micro:
    style: microservices
    gateway: { kind: kong, instance: gw, port: 8000 }
    broker: { kind: rabbitmq, instance: mq }
    units:
      order-svc: { domains: [orders], port: 8001, replicas: 2, instance: small }
      oven-svc: { domains: [ovens], port: 8002, replicas: 1, instance: small }
      billing-svc: { domains: [billing], port: 8003, replicas: 1, instance: small }
      notify-svc: { domains: [notify], port: 8004, replicas: 1, instance: small }
    datastores:
      order-db: { engine: postgres, instance: pg, tables: [orders, order_lines] }
      oven-db: { engine: postgres, instance: pg, tables: [ovens] }
      bill-db: { engine: mysql, instance: pg, tables: [invoices] }
workload:
  rate: 100/s
  duration: 10s
  mix: { orders.place: 30, orders.get: 60, ovens.status: 10 }
catalog:
  small: { kind: compute, vcpu: 1, memoryMiB: 1024, usdPerMonth: $10 }
  pg: { kind: database, vcpu: 1, memoryMiB: 1024, usdPerMonth: $15 }
  gw: { kind: gateway, vcpu: 1, memoryMiB: 1024, usdPerMonth: $5 }
  mq: { kind: broker, vcpu: 1, memoryMiB: 1024, usdPerMonth: $7 }
`;

/** The bakery with the monolith's declared triggers (each at or near today's value). */
export const TRIG = BAKERY.replace('    next: micro\n', `    triggers:
      - { description: "place rate at exactly now", metric: "rate(orders.place)", above: 30 }
      - { description: "place rate just below now", metric: "rate(orders.place)", above: 29.99 }
      - { description: "util at exactly now", metric: "utilization(app)", above: 0.092 }
      - { description: "queue of app", metric: "queue(app)", above: 5 }
      - { description: "queue of db", metric: "queue(main)", above: 5 }
      - { description: "p95 get", metric: "latency.p95(orders.get)", above: 3.664 }
      - { description: "connections", metric: connections, above: 10 }
      - { description: "team", metric: team.developers, above: 5 }
      - { description: "util of db", metric: "utilization(main)", above: 0.9 }
    next: micro\n`);

export const ENGINE_MOVE = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: engine-move, title: Engine move }
system:
  domains:
    catalog:
      tables: [items]
      operations:
        list: { route: GET /items, cpu: 1ms, db: { reads: 1 } }
    ledger:
      tables: [entries]
      operations:
        post: { route: POST /entries, cpu: 1ms, db: { writes: 1 } }
layouts:
  mono:
    units:
      app: { domains: "*", port: 8000, instance: vm }
    datastores:
      main: { engine: postgres, instance: db, tables: "*" }
    next: split
  split:
    gateway: { kind: nginx, instance: vm, port: 8000 }
    units:
      catalog-svc: { domains: [catalog], port: 8001, instance: vm }
      ledger-svc: { domains: [ledger], port: 8002, instance: vm }
    datastores:
      items-db: { engine: mongodb, instance: db, tables: [items] }
      entries-db: { engine: postgres, instance: db, tables: [entries] }
workload: { rate: 20/s, mix: { catalog.list: 1, ledger.post: 1 } }
catalog:
  vm: { kind: compute, vcpu: 1, memoryMiB: 1024, usdPerMonth: $5 }
  db: { kind: database, vcpu: 1, memoryMiB: 1024, usdPerMonth: $9 }
`;

export const ZOO = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: zoo, title: Zoo keeper, team: { developers: 12, devops: true } }
system:
  defaults:
    db: { read: 0.4ms, write: 1ms }
  domains:
    animals:
      tables: [animals, cages]
      operations:
        feed:
          route: POST /animals/{id}/feed
          cpu: 0.5ms
          db: { reads: 1, writes: 1 }
          calls: [{ op: keepers.assign, count: 3 }, { op: stock.take, protocol: grpc }]
          budget: { p95: 30ms }
        lookup: { internal: true, cpu: 0.1ms, db: { reads: 1 } }
    keepers:
      tables: [keepers]
      operations:
        assign: { internal: true, cpu: 0.2ms, db: { writes: 1 }, calls: [animals.lookup] }
        roster: { route: GET /keepers, cpu: 0.3ms, db: { reads: 2 } }
    stock:
      tables: [food, stock_cache]
      operations:
        take: { internal: true, cpu: 0.3ms, db: { writes: 1 } }
        restock: { internal: true, cpu: 0.3ms, db: { writes: 2 } }
    vet:
      tables: [visits]
      operations:
        check: { internal: true, cpu: 2ms, db: { reads: 1, writes: 1 } }
    tickets:
      tables: [tickets]
      operations:
        sell: { route: POST /tickets, cpu: 0.4ms, db: { writes: 1 }, emits: [ticket.sold] }
  events:
    ticket.sold: { consumers: [stock.restock, vet.check, keepers.roster] }
layouts:
  mono:
    units:
      zoo: { domains: "*", port: 8000, instance: vm }
    datastores:
      main: { engine: postgres, instance: db, tables: "*" }
    next: split
  split:
    gateway: { kind: traefik, instance: vm, port: 8000 }
    broker: { kind: nats, instance: vm }
    units:
      animal-svc: { domains: [animals], port: 8001, instance: vm, replicas: 3 }
      keeper-svc: { domains: [keepers], port: 8002, instance: vm, protocol: grpc }
      stock-svc: { domains: [stock], port: 8003, instance: vm, replicas: 2 }
      vet-svc: { domains: [vet], port: 8004, instance: vm }
      ticket-svc: { domains: [tickets], port: 8005, instance: vm }
    datastores:
      shared-pg: { engine: postgres, instance: db, tables: [animals, keepers] }
      cages-mem: { engine: memory, tables: [cages] }
      stock-redis: { engine: redis, instance: db, tables: [stock_cache, food] }
      vet-db: { engine: mysql, instance: db, tables: [visits] }
      ticket-db: { engine: mongodb, instance: db, tables: [tickets] }
workload: { rate: 50/s, mix: { animals.feed: 5, keepers.roster: 3, tickets.sell: 2 } }
catalog:
  vm: { kind: compute, vcpu: 1, memoryMiB: 1024, usdPerMonth: $5 }
  db: { kind: database, vcpu: 1, memoryMiB: 1024, usdPerMonth: $9 }
`;

/** Event consumers only, moved off a unit that becomes the ingest unit at 1000 replicas; no gateway anywhere. */
export const SENSORS = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: sensor-mesh, team: { developers: 1 } }
system:
  domains:
    ingest:
      tables: [readings]
      operations:
        push: { route: POST /r, cpu: 5us, db: { writes: 1 }, emits: [reading.in], budget: { p95: 5ms } }
    d1:
      tables: [t1]
      operations:
        on-reading: { internal: true, cpu: 0.05ms, db: { writes: 1 } }
    d2:
      tables: [t2]
      operations:
        on-reading: { internal: true, cpu: 0.05ms, db: { writes: 1 } }
  events:
    reading.in: { consumers: [d1.on-reading, d2.on-reading], payload: 64B }
layouts:
  one:
    units:
      all: { domains: "*", port: 8000, instance: tiny, replicas: 1 }
    datastores:
      ts: { engine: postgres, instance: big, tables: "*" }
    next: many
  many:
    broker: { kind: kafka, instance: big }
    units:
      ingest-u: { domains: [ingest], port: 8000, instance: tiny, replicas: 1000 }
      u1: { domains: [d1], port: 8001, instance: tiny }
      u2: { domains: [d2], port: 8002, instance: tiny }
    datastores:
      ts: { engine: postgres, instance: big, tables: [readings] }
      s1: { engine: mongodb, instance: big, tables: [t1] }
      s2: { engine: mysql, instance: big, tables: [t2] }
workload: { rate: 1M/d, mix: { ingest.push: 1 } }
catalog:
  tiny: { kind: compute, vcpu: 0.125, memoryMiB: 128, usdPerMonth: $0.01 }
  big: { kind: database, vcpu: 64, memoryMiB: 524288, usdPerMonth: $999 }
`;
