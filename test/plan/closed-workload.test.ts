// A closed workload (users and a think time, no rate): the plan's figures are at those users, and
// the plan says so. It said "Workload: the blueprint's, 0/s".
import { describe, expect, it } from 'vitest';
import { bp } from '../simulate/helpers.js';
import { renderPlanMarkdown } from '../../src/plan/markdown.js';
import { plan } from '../../src/plan/index.js';

const YAML = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: closed-shop }
system:
  domains:
    catalog: { tables: [products], operations: { list: { route: GET /products, cpu: 2ms, db: { reads: 2 } } } }
    checkout: { tables: [orders], operations: { place: { route: POST /orders, cpu: 4ms, db: { writes: 2 } } } }
layouts:
  mono:
    units: { app: { domains: "*", port: 8080, instance: vm } }
    datastores: { db: { engine: postgres, tables: "*" } }
  split:
    units:
      catalog-svc: { domains: [catalog], port: 8081, instance: small }
      checkout-svc: { domains: [checkout], port: 8082, instance: small }
    datastores: { db: { engine: postgres, tables: "*" } }
workload: { users: 30, thinkTime: 1s, mix: { catalog.list: 3, checkout.place: 1 } }
catalog:
  vm: { vcpu: 2, usdPerMonth: $20 }
  small: { vcpu: 1, usdPerMonth: $8 }
`;

describe('plan: a closed workload', () => {
  const blueprint = bp(YAML);
  const { plan: p } = plan(blueprint, { from: 'mono', to: 'split', start: '2026-01-05' });

  it('names its users and think time, not a rate of 0/s', () => {
    expect(p.phases[0]!.figures).toMatchObject({ rateRps: 0, users: 30, thinkTimeMs: 1000 });
    const md = renderPlanMarkdown(p);
    expect(md).toContain("Workload: the blueprint's, 30 users, each thinking 1000 ms between requests (closed). Figures:");
    expect(md).not.toContain('0/s.');
  });
});

describe('plan: an open workload whose rate is not a round number', () => {
  it('reads as the other figures read rates ("2000/s", not "2000.002379823026/s")', () => {
    const blueprint = bp(YAML.replace('workload: { users: 30, thinkTime: 1s,', 'workload: { rate: 2000.002379823026/s,'));
    const { plan: p } = plan(blueprint, { from: 'mono', to: 'split', start: '2026-01-05' });
    expect(renderPlanMarkdown(p)).toContain("Workload: the blueprint's, 2000/s. Figures:");
  });
});
