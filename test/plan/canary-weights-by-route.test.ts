// A phase that moves several units' routes off one old unit (`--phases declared` with a target
// that extracts two units at once) listed the canary's weights flat: "orders 10%, shop 90%,
// users 10%, shop 90%", which reads as the old unit named twice with 190% between them. The
// markdown now groups them per moved route, and each group sums to 100%.
import { describe, expect, it } from 'vitest';
import { bp } from '../simulate/helpers.js';
import { renderPlanMarkdown, weightsByRoute } from '../../src/plan/markdown.js';
import { plan } from '../../src/plan/index.js';

const YAML = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: two-at-once }
system:
  domains:
    orders:
      tables: [orders]
      operations: { place: { route: POST /orders, cpu: 3ms, db: { writes: 1 } } }
    users:
      tables: [accounts]
      operations: { me: { route: GET /me, cpu: 1ms, db: { reads: 1 } } }
    catalog:
      tables: [items]
      operations: { list: { route: GET /items, cpu: 2ms, db: { reads: 1 } } }
layouts:
  mono:
    gateway: { kind: envoy, port: 8080 }
    units: { shop: { domains: "*", port: 3000, instance: c1 } }
    datastores: { pg: { engine: postgres, tables: "*", instance: pg1 } }
  split:
    gateway: { kind: envoy, port: 8080 }
    units:
      shop: { domains: [catalog], port: 3000, instance: c1 }
      orders-svc: { domains: [orders], port: 3001, instance: c1 }
      users-svc: { domains: [users], port: 3002, instance: c1 }
    datastores: { pg: { engine: postgres, tables: "*", instance: pg1 } }
workload: { rate: 50/s, mix: { orders.place: 1, users.me: 5, catalog.list: 5 } }
catalog:
  c1: { vcpu: 2, usdPerMonth: $10 }
  pg1: { kind: database, vcpu: 2, usdPerMonth: $30 }
`;

describe('plan: canary weights of a phase that moves several units off one', () => {
  it('groups the weights per moved route, each group new + old = 100%', () => {
    const { plan: p } = plan(bp(YAML), { from: 'mono', to: 'split', mode: 'declared', start: '2026-01-05' });
    const ph = p.phases[1]!;
    expect(ph.extractions.map((e) => e.unit).sort()).toEqual(['orders-svc', 'users-svc']);
    const step = ph.canary!.steps[0]!;
    expect(step.percent).toBe(10);
    const groups = weightsByRoute(step.weights);
    expect(groups.map((g) => g.map((w) => [w.to, w.weight]))).toEqual(
      expect.arrayContaining([
        [['orders-svc', 10], ['shop', 90]],
        [['users-svc', 10], ['shop', 90]],
      ]),
    );
    expect(groups).toHaveLength(2);
    for (const g of groups) expect(g.reduce((s, w) => s + w.weight, 0)).toBe(100);
    const md = renderPlanMarkdown(p);
    const row = md.split('\n').find((l) => l.startsWith('| 10% |'))!;
    const cell = row.split(' | ')[1]!;
    expect(cell.split('; ').sort()).toEqual(['orders-svc 10%, shop 90%', 'users-svc 10%, shop 90%']);
    expect(md).toContain('| step | weights (per moved route: new unit, old unit) | gateway config |');
  });

  it('keeps the order and never merges two routes that name the same units', () => {
    const w = (route: string, to: string, weight: number) => ({ route, to, weight });
    expect(weightsByRoute([w('a', 'a', 50), w('a', 'm', 50), w('b', 'b', 50), w('b', 'm', 50), w('a', 'x', 0)])).toEqual([
      [w('a', 'a', 50), w('a', 'm', 50), w('a', 'x', 0)],
      [w('b', 'b', 50), w('b', 'm', 50)],
    ]);
    expect(weightsByRoute([])).toEqual([]);
  });
});
