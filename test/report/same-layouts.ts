// The tester's blueprint of figures exact by hand (budget-exact-figures.test.ts says which), for
// the tests of budgets and diffs on exact figures. `stockReplicas` adds $7 a replica to the bill.
import { parseBlueprint } from '../../src/model/parse.js';

export const SAME = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: same-layouts, team: { developers: 6 } }
system:
  domains:
    orders:
      tables: [orders]
      operations:
        place: { route: POST /orders, cpu: 2ms, db: { reads: 1, writes: 2 }, calls: [stock.reserve], emits: [order.placed] }
        list: { route: GET /orders, cpu: 1ms, db: { reads: 2 } }
    stock:
      tables: [stock]
      operations:
        reserve: { cpu: 0.5ms, db: { reads: 1, writes: 1 } }
        on-order: { cpu: 0.3ms, db: { writes: 1 } }
  events:
    order.placed: { consumers: [stock.on-order] }
layouts:
  alpha:
    gateway: { kind: nginx, port: 8000, instance: small }
    broker: { kind: rabbitmq, instance: small }
    units:
      orders-svc: { domains: [orders], port: 8001, instance: small, replicas: 2 }
      stock-svc: { domains: [stock], port: 8002, instance: small, replicas: 1 }
    datastores:
      orders-db: { engine: postgres, instance: db, tables: [orders] }
      stock-db: { engine: postgres, instance: db, tables: [stock] }
workload: { rate: 150/s, duration: 30s, mix: { orders.place: 1, orders.list: 3 } }
catalog:
  small: { vcpu: 1, usdPerMonth: $7 }
  db: { vcpu: 2, usdPerMonth: $25 }
`;

export function blueprint(stockReplicas = 1) {
  const r = parseBlueprint(SAME.replace('instance: small, replicas: 1 }', `instance: small, replicas: ${stockReplicas} }`), 'same.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.blueprint;
}
