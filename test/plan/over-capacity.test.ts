// A system is often planned because today's layout no longer carries its load: the workload's
// rate is above the source layout's capacity, and the simulator's latencies there are infinite.
// JSON has no Infinity (JSON.stringify writes null), so such a plan file was refused by every
// reader (rehearse, report --plan, generate --plan): the plan says null itself and reads it back.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';
import { renderPlanHtml } from '../../src/plan/html.js';
import { renderPlanMarkdown } from '../../src/plan/markdown.js';
import { plan, PlanSchema } from '../../src/plan/index.js';
import { readPlanFile } from '../../src/rehearse/plan-file.js';

const tmp = mkdtempSync(join(tmpdir(), 'archsim-plan-over-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Two domains; the monolith saturates at 640/s, the workload asks 700/s.
const YAML = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: hot-shop }
system:
  domains:
    catalog:
      tables: [products]
      operations:
        list: { route: GET /products, cpu: 2ms, db: { reads: 2 }, budget: { p95: 50ms } }
        get: { route: "GET /products/{id}", cpu: 1ms, db: { reads: 1 } }
    checkout:
      tables: [orders]
      operations:
        place: { route: POST /orders, cpu: 4ms, db: { reads: 1, writes: 3 }, calls: [catalog.get], budget: { p95: 120ms } }
layouts:
  mono:
    units: { app: { domains: "*", port: 8080, instance: vm-small } }
    datastores: { db: { engine: postgres, instance: pg-small, tables: "*" } }
  split:
    units:
      catalog-svc: { domains: [catalog], port: 8081, instance: vm-tiny }
      checkout-svc: { domains: [checkout], port: 8082, instance: vm-tiny }
    datastores:
      catalog-db: { engine: postgres, instance: pg-small, tables: [products] }
      orders-db: { engine: postgres, instance: pg-small, tables: [orders] }
workload:
  rate: 700/s
  mix: { catalog.list: 5, catalog.get: 10, checkout.place: 1 }
catalog:
  vm-small: { vcpu: 2, usdPerMonth: $20 }
  vm-tiny: { vcpu: 1, usdPerMonth: $8 }
  pg-small: { kind: database, vcpu: 1, usdPerMonth: $15 }
`;

describe('plan: a source layout over capacity at the workload rate', () => {
  const loaded = parseBlueprint(YAML, join(tmp, 'hot-shop.yaml'));
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('; '));
  const { plan: p } = plan(loaded.blueprint, { from: 'mono', to: 'split', growth: 0.05, start: '2026-01-05' });

  it('says null for the latencies that have no finite value, in memory as in the file', () => {
    const f = p.phases[0]!.figures!;
    expect(f.bottleneck.utilization).toBeGreaterThan(1);
    expect(f.meanMs).toBeNull();
    expect(f.p95Ms['checkout.place']).toBeNull();
    const t = p.phases[0]!.triggers.find((x) => x.metric === 'latency.p95(catalog.list)')!;
    expect(t.now).toBeNull();
    // The plan is what its file holds: nothing JSON would change.
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  it('reads back: the plan schema and the rehearsal’s plan reader take the file', () => {
    const file = join(tmp, 'hot-shop.plan.json');
    writeFileSync(file, JSON.stringify(p, null, 2));
    expect(PlanSchema.safeParse(JSON.parse(JSON.stringify(p))).success).toBe(true);
    const r = readPlanFile(file, loaded.blueprint);
    expect(r.ok, JSON.stringify(r)).toBe(true);
  });

  it('renders ∞, never Infinity or NaN, in markdown and HTML', () => {
    const md = renderPlanMarkdown(p);
    expect(md).toMatch(/^\| 0 \| mono \| 1 \| \$35 \| ∞ \| 640\/s \| app \(ρ=1\.09\) \|/m);
    expect(md).toMatch(/^\| p95 of catalog\.list above its 50 ms budget \(derived\) \| `latency\.p95\(catalog\.list\)` > 50 \| ∞ \|/m);
    const html = renderPlanHtml(p);
    for (const text of [md, html]) expect(text).not.toMatch(/Infinity|NaN|undefined/);
  });
});
