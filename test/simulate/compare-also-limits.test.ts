// compare's "twice that would need N replica cores there": when another station caps the
// operation at the same rate (orders.list: 1 ms on 2 replicas of orders-svc, and 2 reads of 0.5 ms
// on orders-db's 2 cores: both 2000/s), more replicas alone gain nothing. The note now names
// every station that would cap it below twice the rate, with the cores it would need.
import { describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';
import { compare } from '../../src/simulate/compare.js';

const TEXT = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: same-layouts }
system:
  domains:
    orders:
      tables: [orders]
      operations:
        list: { route: GET /orders, cpu: 1ms, db: { reads: 2, read: 0.5ms } }
layouts:
  alpha: &L
    units:
      orders-svc: { domains: [orders], port: 8001, instance: small, replicas: 2 }
    datastores:
      orders-db: { engine: postgres, instance: db, tables: [orders] }
  beta: *L
workload: { rate: 150/s, duration: 30s, mix: { orders.list: 1 } }
catalog:
  small: { vcpu: 1, usdPerMonth: $7 }
  db: { vcpu: 2, usdPerMonth: $25 }
`;

describe('compare: what doubling an operation would take', () => {
  it('names the database that caps it at the same rate, and what it would need', () => {
    const r = parseBlueprint(TEXT, 'same.yaml');
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
    const c = compare(r.blueprint, ['alpha', 'beta']);
    const line = c.notes.find((n) => n.startsWith('orders.list alone'));
    expect(line).toMatch(/limited by (orders-svc|orders-db) /);
    expect(line).toMatch(/twice that \(4000\/s\) would need 4 (replica cores|cores) there at ρ=1, 6 at 70%, and more beside it: (orders-db|orders-svc) caps it at 2000\/s \(4 cores there at ρ=1\)$/);
  });
});
