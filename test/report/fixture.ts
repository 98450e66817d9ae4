// A small layout report built by hand, for testing budgets and diffs in isolation.
import type { LayoutReport, Report } from '../../src/report/schema.js';

export function layoutFixture(name = 'microservices', over: Partial<{ replicas: number; hops: number; p95: number; cost: number }> = {}): LayoutReport {
  return {
    name,
    style: 'microservices',
    description: null,
    structure: {
      gateway: 'kong',
      broker: 'rabbitmq',
      units: [
        { name: 'auth-service', replicas: 2, instance: 'svc-512mb', domains: ['auth'] },
        { name: 'message-service', replicas: over.replicas ?? 3, instance: 'svc-1gb', domains: ['messages'] },
      ],
      datastores: [{ name: 'message-db', engine: 'postgres', instance: 'pg-10usd', tables: ['messages'] }],
    },
    cost: { monthlyUsd: over.cost ?? 172, perMillionRequestsUsd: 0.3318, items: [] },
    saturation: { throughputRps: 1850, bottleneck: 'message-service', utilizationAtWorkload: 0.21 },
    stations: [
      { id: 'auth-service', utilization: 0.12 },
      { id: 'message-service', utilization: 0.21 },
    ],
    operations: [
      { id: 'messages.send', route: 'POST /api/v1/messages/send', meanMs: 6.2, p50Ms: 5.1, p95Ms: over.p95 ?? 14.8, p99Ms: 22.4, hops: over.hops ?? 3, units: ['message-service', 'auth-service'], maxThroughputRps: 2200 },
      { id: 'auth.login', route: 'POST /api/v1/auth/login', meanMs: 4.1, p50Ms: 3.3, p95Ms: 10.2, p99Ms: 15.9, hops: 1, units: ['auth-service'], maxThroughputRps: 1150 },
    ],
    faultIsolation: [],
    lint: { errors: 0, warnings: 2, findings: [] },
    sweep: [],
    costCurve: [],
  };
}

/** A report of one layout (the fixture's blueprint "q", analytic, 200/s of messages.send unless given). */
export function reportFixture(l: LayoutReport, over: Partial<Pick<Report, 'method' | 'workload'>> = {}): Report {
  return {
    schemaVersion: 1,
    generator: 'archsim test',
    blueprint: { name: 'q', title: 'Q', file: 'q.yaml' },
    method: over.method ?? 'analytic',
    workload: over.workload ?? { rateRps: 200, mix: { 'messages.send': 1 } },
    layouts: [l],
    checklist: null,
    loadtests: [],
    baseline: null,
    budgets: null,
    summary: '',
  };
}
