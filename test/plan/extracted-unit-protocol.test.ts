// An extracted unit serves its target protocol from the phase that builds it. The target declared
// `protocol: grpc` at the layout level (its units inherit it): the derived phases copied each unit
// but not that, so accounts-svc and fraud-svc served HTTP in every derived phase (the gateway
// routed /v2/accounts) and switched to gRPC in the last phase, a change no canary and no note
// covered. The units not yet extracted keep the source's protocol, and a phase where what serves a
// domain changes protocol says so. (payflow, as a tester planned it: /tmp/unseen5/payments.yaml.)
import { describe, expect, it } from 'vitest';
import { bp } from '../simulate/helpers.js';
import { plan } from '../../src/plan/index.js';
import { resolveLayout } from '../../src/model/resolve.js';
import { Layout } from '../../src/model/schema.js';
import { withLayouts } from '../../src/plan/phases.js';

const PAYFLOW = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: payflow, team: { developers: 4 } }
system:
  domains:
    accounts:
      tables: [accounts, balances]
      operations:
        open-account: { route: POST /v2/accounts, cpu: 1ms, db: { reads: 1, writes: 2 } }
        get-account: { route: "GET /v2/accounts/{accountId}", cpu: 0.3ms, db: { reads: 1 }, budget: { p95: 50ms } }
        debit: { internal: true, cpu: 0.4ms, db: { reads: 1, writes: 1 } }
    payments:
      tables: [payments]
      operations:
        create-payment: { route: POST /v2/payments, cpu: 2ms, db: { writes: 2 }, calls: [fraud.score, accounts.debit], emits: [payment.created] }
    fraud:
      tables: [fraud_rules]
      operations:
        score: { internal: true, cpu: 3ms, db: { reads: 2 } }
        list-rules: { route: GET /v2/fraud/rules, cpu: 0.5ms, db: { reads: 1 } }
    ledger:
      tables: [ledger_entries]
      operations:
        record: { internal: true, cpu: 0.5ms, db: { writes: 1 } }
        statement: { route: "GET /v2/ledger/{accountId}/statement", cpu: 2ms, db: { reads: 3 } }
  events:
    payment.created: { consumers: [ledger.record] }
layouts:
  monolith:
    style: monolith
    units:
      payflow-app: { domains: "*", port: 8080, replicas: 2, instance: app }
    datastores:
      main-db: { engine: postgres, instance: pg, tables: "*" }
  microservices:
    style: microservices
    gateway: { kind: kong, instance: gw, port: 8000 }
    broker: { kind: kafka, instance: mq }
    protocol: grpc
    units:
      accounts-svc: { domains: [accounts], port: 50052, instance: svc }
      payments-svc: { domains: [payments], port: 8081, instance: svc, protocol: http }
      fraud-svc: { domains: [fraud], port: 50051, instance: svc }
      ledger-svc: { domains: [ledger], port: 8083, instance: svc, protocol: http }
    datastores:
      accounts-db: { engine: postgres, instance: pg, tables: [accounts, balances] }
      payments-db: { engine: postgres, instance: pg, tables: [payments] }
      fraud-db: { engine: postgres, instance: pg, tables: [fraud_rules] }
      ledger-db: { engine: postgres, instance: pg, tables: [ledger_entries] }
workload:
  rate: 100/s
  mix: { payments.create-payment: 50, accounts.get-account: 30, ledger.statement: 10, fraud.list-rules: 10 }
catalog:
  app: { kind: compute, vcpu: 1, usdPerMonth: $12 }
  svc: { kind: compute, vcpu: 0.5, usdPerMonth: $5 }
  gw: { kind: gateway, vcpu: 1, usdPerMonth: $8 }
  pg: { kind: database, vcpu: 1, usdPerMonth: $20 }
  mq: { kind: broker, vcpu: 2, usdPerMonth: $40 }
`;

/** Each phase's units and what each serves, as every command resolves the overlay's layouts. */
function served(blueprint: ReturnType<typeof bp>, p: ReturnType<typeof plan>['plan']): Record<string, string>[] {
  const all = withLayouts(blueprint, Object.fromEntries(p.phases.slice(1).map((ph) => [ph.layout, Layout.parse(ph.layoutInput)])));
  return p.phases.map((ph) => Object.fromEntries(resolveLayout(all, ph.layout).units.map((u) => [u.name, u.protocol])));
}

describe('plan: the target layout’s protocol', () => {
  it('an extracted unit serves its target protocol from the phase that extracts it; the others keep the source’s', () => {
    const blueprint = bp(PAYFLOW);
    const { plan: p } = plan(blueprint, { from: 'monolith', to: 'microservices', start: '2026-01-05' });
    expect(p.phases.map((ph) => ph.extractions.map((e) => e.unit))).toEqual([[], ['ledger-svc'], ['fraud-svc'], ['accounts-svc'], ['payments-svc']]);
    expect(served(blueprint, p)).toEqual([
      { 'payflow-app': 'http' },
      { 'payflow-app': 'http', 'ledger-svc': 'http' },
      { 'payflow-app': 'http', 'ledger-svc': 'http', 'fraud-svc': 'grpc' },
      { 'payflow-app': 'http', 'ledger-svc': 'http', 'fraud-svc': 'grpc', 'accounts-svc': 'grpc' },
      { 'accounts-svc': 'grpc', 'payments-svc': 'http', 'fraud-svc': 'grpc', 'ledger-svc': 'http' },
    ]);
    // Written on the unit itself (the derived layout keeps the source's layout-level HTTP), and
    // only where the inherited protocol would be another.
    expect(p.phases[2]!.layoutInput.protocol).toBeUndefined();
    expect((p.phases[2]!.layoutInput.units as Record<string, { protocol?: string }>)['fraud-svc']!.protocol).toBe('grpc');
    expect((p.phases[2]!.layoutInput.units as Record<string, { protocol?: string }>)['payflow-app']!.protocol).toBeUndefined();
  });

  it('the phase that changes what serves a domain says so; the last phase changes nothing unsaid', () => {
    const { plan: p } = plan(bp(PAYFLOW), { from: 'monolith', to: 'microservices', start: '2026-01-05' });
    const said = p.phases.map((ph) => ph.notes.filter((n) => /gRPC|HTTP/.test(n)));
    expect(said).toEqual([
      [],
      [],
      [
        'fraud-svc serves gRPC where payflow-app served fraud over HTTP: from this phase the units that call fraud call fraud-svc by gRPC, and the gateway routes its public operations (GET /v2/fraud/rules) as gRPC: their clients switch with this phase',
      ],
      [
        'accounts-svc serves gRPC where payflow-app served accounts over HTTP: from this phase the units that call accounts call accounts-svc by gRPC, and the gateway routes its public operations (POST /v2/accounts, GET /v2/accounts/{accountId}) as gRPC: their clients switch with this phase',
      ],
      [],
    ]);
  });

  it('a unit that continues and changes protocol in a declared phase says so', () => {
    // app keeps accounts and changes to gRPC (the target's layout protocol); ledger leaves it.
    const text = PAYFLOW.replace(
      /  microservices:[\s\S]*?(?=workload:)/,
      `  split:
    style: microservices
    gateway: { kind: kong, instance: gw, port: 8000 }
    broker: { kind: kafka, instance: mq }
    protocol: grpc
    units:
      payflow-app: { domains: [accounts, payments, fraud], port: 8080, replicas: 2, instance: app }
      ledger-svc: { domains: [ledger], port: 8083, instance: svc, protocol: http }
    datastores:
      main-db: { engine: postgres, instance: pg, tables: [accounts, balances, payments, fraud_rules] }
      ledger-db: { engine: postgres, instance: pg, tables: [ledger_entries] }
`,
    );
    const { plan: p } = plan(bp(text), { from: 'monolith', to: 'split', start: '2026-01-05' });
    expect(p.phases).toHaveLength(2);
    expect(p.phases[1]!.notes.filter((n) => /gRPC/.test(n))).toEqual([
      'payflow-app switches from HTTP to gRPC in this phase: from this phase the units that call accounts, payments, fraud call payflow-app by gRPC, and the gateway routes its public operations (POST /v2/accounts, GET /v2/accounts/{accountId}, POST /v2/payments, GET /v2/fraud/rules) as gRPC: their clients switch with this phase',
    ]);
  });
});
