// A direct `next:` step whose source declares `triggers` is one phase. `--phases auto` splits a
// declared step that builds several units per unit unless its source layout declares triggers
// (the architect gated the whole step on load), but only a chain through layouts between counted
// as declared: bank-ledger (a tester's /tmp/unseen4/features.yaml: modular declares
// `next: services` and a trigger) got four phases and the header "no `next:` layouts between
// modular and services: one unit per phase", as if it declared no step at all.
import { describe, expect, it } from 'vitest';
import { bp } from '../simulate/helpers.js';
import { plan } from '../../src/plan/index.js';
import { renderPlanMarkdown } from '../../src/plan/markdown.js';

const LEDGER = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: bank-ledger, team: { developers: 9 } }
system:
  domains:
    accounts:
      tables: [accounts]
      operations:
        open: { route: POST /accounts, cpu: 1ms, db: { writes: 2 }, emits: [account.opened], budget: { p95: 200ms } }
        balance: { route: "GET /accounts/{id}/balance", cpu: 0.3ms, db: { reads: 1 }, calls: [fraud.score] }
    ledger:
      tables: [entries, balances]
      operations:
        post: { route: POST /ledger/entries, cpu: 2ms, db: { reads: 2, writes: 3 }, calls: [accounts.balance], budget: { p95: 60ms } }
    fraud:
      tables: [signals]
      operations:
        score: { internal: true, cpu: 1ms, db: { reads: 1 } }
    audit:
      tables: [audit_log]
      operations:
        write: { internal: true, cpu: 0.2ms, db: { writes: 1 } }
  events:
    account.opened: { consumers: [audit.write] }
layouts:
  modular:
    style: modular-monolith
    units:
      core: { domains: "*", port: 8000, instance: m8, workers: 4 }
    datastores:
      ledger-pg: { engine: postgres, instance: pg2, tables: "*" }
    triggers: [{ description: "ledger posts above 400/s", metric: rate(ledger.post), above: 400 }]
    next: services
  services:
    style: microservices
    gateway: { kind: kong, instance: gwi, port: 8080 }
    broker: { kind: redis, instance: m2 }
    units:
      accounts-svc: { domains: [accounts], port: 8001, instance: m2 }
      ledger-svc: { domains: [ledger], port: 8002, instance: m2 }
      fraud-svc: { domains: [fraud], port: 8003, instance: m2 }
      audit-svc: { domains: [audit], port: 8004, instance: m2 }
    datastores:
      acct-db: { engine: postgres, instance: pg2, tables: [accounts] }
      ledger-db: { engine: postgres, instance: pg2, tables: [entries, balances] }
      fraud-db: { engine: postgres, instance: pg2, tables: [signals] }
      audit-db: { engine: postgres, instance: pg2, tables: [audit_log] }
workload:
  rate: 100/s
  mix: { ledger.post: 50, accounts.balance: 40, accounts.open: 10 }
catalog:
  m8: { kind: compute, vcpu: 8, usdPerMonth: $96 }
  m2: { kind: compute, vcpu: 2, usdPerMonth: $24 }
  pg2: { kind: database, vcpu: 2, usdPerMonth: $50 }
  gwi: { kind: gateway, vcpu: 1, usdPerMonth: $18 }
`;

const start = '2026-01-05';
const header = (p: Parameters<typeof renderPlanMarkdown>[0]) => renderPlanMarkdown(p).split('\n')[2]!;
const shape = (p: ReturnType<typeof plan>['plan']) => p.phases.map((ph) => ({ layout: ph.layout, declared: ph.declared, units: ph.units, built: ph.extractions.map((e) => e.unit).sort() }));

describe('plan --phases auto: a direct next: step gated by its source’s triggers', () => {
  it('is one phase, as --phases declared gives, and the plan says why', () => {
    const blueprint = bp(LEDGER);
    const auto = plan(blueprint, { from: 'modular', to: 'services', start }).plan;
    const declared = plan(blueprint, { from: 'modular', to: 'services', mode: 'declared', start }).plan;
    expect(auto.chain).toEqual(['modular', 'services']);
    expect(auto.phases).toHaveLength(2);
    expect(shape(auto)[1]).toEqual({ layout: 'phase-1', declared: 'services', units: ['accounts-svc', 'ledger-svc', 'fraud-svc', 'audit-svc'], built: ['accounts-svc', 'audit-svc', 'fraud-svc', 'ledger-svc'] });
    expect(shape(auto)).toEqual(shape(declared));
    expect(auto.phases[1]!.effort).toEqual(declared.phases[1]!.effort);
    expect(auto.notes).toEqual(['modular declares next: services and triggers: the step is one phase, its 4 units built together (the architect gated the whole step on load)']);
    // The phase before it waits for the declared trigger.
    expect(auto.phases[0]!.triggers.map((t) => [t.description, t.source])).toEqual([['ledger posts above 400/s', 'declared']]);
  });

  it('the markdown header names the declared step, not "no next: layouts"', () => {
    const h = header(plan(bp(LEDGER), { from: 'modular', to: 'services', start }).plan);
    expect(h).toMatch(/^1 phase \(declared `next:` step modular → services, gated by modular's triggers: its units move together\), team of 9,/);
    expect(h).not.toContain('no `next:`');
  });

  it('without triggers, or without the next: line, the step is still one unit per phase', () => {
    for (const text of [LEDGER.replace(/    triggers: .*\n/, ''), LEDGER.replace('    next: services\n', '')]) {
      const p = plan(bp(text), { from: 'modular', to: 'services', start }).plan;
      expect(p.phases.map((ph) => ph.extractions.length)).toEqual([0, 1, 1, 1, 1]);
      expect(p.notes).toEqual([]);
      expect(header(p)).toContain('(no `next:` layouts between modular and services: one unit per phase)');
    }
  });
});
