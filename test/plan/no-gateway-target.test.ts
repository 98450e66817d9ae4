// A target declared without a gateway: the first phase puts one in front to shift routes, and the
// last phase (the target itself) has none, while its canary still shifts routes on that gateway.
// The plan said nothing of the gateway going away, nor that clients then need each unit's address.
import { describe, expect, it } from 'vitest';
import { bp } from '../simulate/helpers.js';
import { plan } from '../../src/plan/index.js';
import { quantchat } from '../generate/fixtures.js';

const YAML = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: tiny-shop }
system:
  domains:
    catalog: { tables: [products], operations: { list: { route: GET /products, cpu: 2ms, db: { reads: 2 } } } }
    checkout: { tables: [orders], operations: { place: { route: POST /orders, cpu: 4ms, db: { writes: 2 }, calls: [catalog.list] } } }
layouts:
  mono:
    units: { app: { domains: "*", port: 8080, instance: vm } }
    datastores: { db: { engine: postgres, tables: "*" } }
  split:
    units:
      catalog-svc: { domains: [catalog], port: 8081, instance: small }
      checkout-svc: { domains: [checkout], port: 8082, instance: small }
    datastores:
      catalog-db: { engine: postgres, tables: [products] }
      orders-db: { engine: postgres, tables: [orders] }
workload: { rate: 20/s, mix: { catalog.list: 3, checkout.place: 1 } }
catalog:
  vm: { vcpu: 2, usdPerMonth: $20 }
  small: { vcpu: 1, usdPerMonth: $8 }
`;

describe('plan: a target without a gateway', () => {
  const blueprint = bp(YAML);
  const { plan: p } = plan(blueprint, { from: 'mono', to: 'split', start: '2026-01-05' });

  it('says the last canary runs on the gateway before, which then retires, and where clients go', () => {
    expect(p.phases.map((ph) => ph.layoutInput.gateway === undefined)).toEqual([true, false, true]);
    // The target has none: the gateway is there for this phase's canary, and the note says why.
    expect(p.phases[1]!.notes).toContain(
      'an nginx gateway goes in front although split declares none: this phase shifts the routes of catalog-svc from the unit that serves them by weight (the canary), which needs something in front of both; it retires when the migration reaches a layout without one',
    );
    expect(p.phases[2]!.canary).toBeDefined();
    expect(p.phases[2]!.notes).toContain(
      "split declares no gateway: this phase's canary runs on the nginx gateway of the layout before (port 8000), which retires once the last step holds; from then on clients call each unit on its own port (catalog-svc 8081, checkout-svc 8082)",
    );
    expect(p.phases[1]!.notes.join('\n')).not.toContain('declares no gateway');
  });

  it('nor a gateway before it: the canary needs one, and the plan says so', () => {
    const back = plan(blueprint, { from: 'split', to: 'mono', start: '2026-01-05' }).plan;
    expect(back.phases).toHaveLength(2);
    expect(back.phases[1]!.canary).toBeDefined();
    expect(back.phases[1]!.notes).toContain(
      "neither mono nor the layout before has a gateway: shifting routes by weight needs one in front for this phase's canary (generate gateway --plan writes its config), retired once the last step holds; clients then call each unit on its own port (app 8080)",
    );
  });

  it('a target with a gateway says nothing of the kind', () => {
    const qc = plan(quantchat, { from: 'monolith', to: 'microservices', start: '2026-01-05' }).plan;
    expect(qc.phases.flatMap((ph) => ph.notes).filter((n) => /declares no gateway|has a gateway/.test(n))).toEqual([]);
  });
});
