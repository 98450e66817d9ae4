// A trigger already over its threshold with no load (triggers.ts: fire rate 0) fires at any rate:
// plan.md said "at 0/s, already reached". And a trigger's value today is shown to four
// significant figures (it printed 473.386), the JSON keeping it exact.
import { describe, expect, it } from 'vitest';
import { bp } from '../simulate/helpers.js';
import { plan } from '../../src/plan/index.js';
import { fireText, renderPlanMarkdown } from '../../src/plan/markdown.js';

const TEXT = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: slow }
system:
  domains:
    orders:
      tables: [orders]
      operations:
        place: { route: POST /orders, cpu: 1.234567ms, wait: 470ms, db: { writes: 1 } }
    stock:
      tables: [stock]
      operations:
        get: { route: GET /stock, cpu: 1ms, db: { reads: 1 } }
layouts:
  mono:
    units:
      app: { domains: "*", port: 8000, instance: vm }
    datastores:
      db: { engine: postgres, instance: vm, tables: "*" }
    triggers: [{ description: "place p95 over 400 ms", metric: latency.p95(orders.place), above: 400 }]
    next: split
  split:
    units:
      orders-svc: { domains: [orders], port: 8001, instance: vm }
      stock-svc: { domains: [stock], port: 8002, instance: vm }
    datastores:
      db: { engine: postgres, instance: vm, tables: "*" }
workload:
  rate: 10/s
  mix: { orders.place: 1, stock.get: 1 }
catalog:
  vm: { kind: compute, vcpu: 2, usdPerMonth: $10 }
`;

describe('a trigger over its threshold with no load', () => {
  const p = plan(bp(TEXT), { from: 'mono', to: 'split', start: '2026-01-05' }).plan;
  const t = p.phases[0]!.triggers.find((x) => x.description === 'place p95 over 400 ms')!;

  it('fires at rate 0 in the JSON, with its exact value today', () => {
    expect(t.fireRps).toBe(0);
    expect(t.now).toBeGreaterThan(1000);
    expect(String(t.now)).not.toBe(String(Number(t.now!.toPrecision(4))));
  });

  it('reads "at any rate" in plan.md, its value to four significant figures', () => {
    const row = renderPlanMarkdown(p).split('\n').find((l) => l.startsWith('| place p95 over 400 ms'))!;
    expect(row).toBe(`| place p95 over 400 ms (declared) | \`latency.p95(orders.place)\` > 400 | ${Number(t.now!.toPrecision(4))} | at any rate (over it with no load) |`);
  });

  it('with growth: already reached, at any rate', () => {
    expect(fireText({ ...t, fireRps: 0 }, true)).toBe('at any rate: already reached');
    expect(fireText({ ...t, fireRps: 12.5, month: 3 }, true)).toBe('at 12.5/s, month 3');
    // whole from 100/s, three significant figures below (the JSON keeps the exact value)
    expect(fireText({ ...t, fireRps: 26666.667, fireConnections: 200000, month: 9 }, true)).toBe('at 26667/s, 200000 connections, month 9');
    expect(fireText({ ...t, fireRps: 12.3456 }, false)).toBe('at 12.3/s');
  });
});
