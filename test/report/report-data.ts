// Hand-made report data for the exact markdown and HTML tests (markdown-exact, html-exact): two
// layouts, mono and split, with every section a report can have. The figures and why each was
// chosen are in markdown-exact.test.ts.
import type { LayoutReport, Report } from '../../src/report/schema.js';

export function layout(name: string, over: Partial<LayoutReport>): LayoutReport {
  return {
    name,
    style: null,
    description: null,
    structure: { gateway: null, broker: null, units: [], datastores: [] },
    cost: { monthlyUsd: 0, perMillionRequestsUsd: 0, items: [] },
    saturation: { throughputRps: 0, bottleneck: '', utilizationAtWorkload: 0 },
    stations: [],
    operations: [],
    faultIsolation: [],
    lint: { errors: 0, warnings: 0, findings: [] },
    sweep: [],
    costCurve: [],
    ...over,
  };
}

export const unit = (name: string, replicas: number) => ({ name, replicas, instance: 'small', domains: [name] });
export const op = (id: string, meanMs: number, p50Ms: number, p95Ms: number, p99Ms: number, hops: number, maxThroughputRps: number) => ({ id, route: null, meanMs, p50Ms, p95Ms, p99Ms, hops, units: [], maxThroughputRps });

export const mono = (): LayoutReport =>
  layout('mono', {
    structure: { gateway: null, broker: null, units: [unit('app', 2)], datastores: [] },
    cost: { monthlyUsd: 40, perMillionRequestsUsd: 0.3086, items: [{ component: 'app', kind: 'unit', instance: 'small', count: 2, usdEach: 20, usdPerMonth: 40 }] },
    saturation: { throughputRps: 320, bottleneck: 'app', utilizationAtWorkload: 0.156 },
    stations: [{ id: 'app', utilization: 0.156 }],
    operations: [op('cart.add', 10, 8, 30, 45, 0, 400), op('cart.view', 4, 3, 12, 18, 0, 300)],
    faultIsolation: [
      {
        scenario: 'db-down',
        description: 'the database fails',
        operations: [
          { id: 'cart.add', successRate: 0 },
          { id: 'cart.view', successRate: 0.99 },
        ],
      },
    ],
    lint: {
      errors: 0,
      warnings: 1,
      findings: [
        { rule: 'no-timeout', severity: 'warning', message: 'app calls db | without\na timeout', where: null },
        { rule: 'style', severity: 'info', message: 'only informative', where: null },
      ],
    },
  });

export const split = (): LayoutReport =>
  layout('split', {
    structure: { gateway: null, broker: null, units: [unit('cart', 2), unit('web', 1)], datastores: [] },
    cost: {
      monthlyUsd: 65.5,
      perMillionRequestsUsd: 0.5054,
      items: [
        { component: 'cart', kind: 'unit', instance: 'small', count: 2, usdEach: 20, usdPerMonth: 40 },
        { component: 'web', kind: 'unit', instance: 'tiny', count: 1, usdEach: 25.5, usdPerMonth: 25.5 },
      ],
    },
    saturation: { throughputRps: 480, bottleneck: 'cart', utilizationAtWorkload: 0.1042 },
    stations: [
      { id: 'cart', utilization: 0.1042 },
      { id: 'web', utilization: 0.0625 },
    ],
    operations: [op('cart.add', 12.5, 9.25, 35, 52.5, 2, 520)],
    faultIsolation: [
      {
        scenario: 'db-down',
        description: 'the database fails',
        operations: [
          { id: 'cart.add', successRate: 0.9899 },
          { id: 'cart.view', successRate: 1 },
        ],
      },
      { scenario: 'cache-down', description: 'the cache fails', operations: [{ id: 'cart.add', successRate: 1 }] },
    ],
    lint: { errors: 1, warnings: 0, findings: [{ rule: 'cycle', severity: 'error', message: 'cart calls web calls cart', where: 'shop.yaml:3:4' }] },
  });

export function fullReport(): Report {
  return {
    schemaVersion: 1,
    generator: 'archsim test',
    blueprint: { name: 'shop', title: 'Shop', file: 'shop.yaml' },
    method: 'Figures made by hand.',
    workload: { rateRps: 50, mix: { 'cart.add': 0.75, 'cart.view': 0.25 } },
    layouts: [mono(), split()],
    checklist: { score: 3, of: 8, recommendation: 'Stay with the monolith', firstToExtract: 'cart (cart)', derived: ['Tables owned: yes (each table one domain)', 'Cycles: no (none)'], answered: ['Team per domain: yes', 'On-call: no'] },
    loadtests: [{ file: 'k6.json', layout: 'mono', driver: 'k6', operations: [{ id: 'cart.add', throughput: 49.6, p50Ms: 8.123, p95Ms: 31.25, errors: 2 }] }],
    baseline: {
      file: 'base.json',
      changes: [
        { layout: 'mono', figure: 'p95(cart.add)', before: 25, after: 30, delta: 5, pct: 20, unit: 'ms', text: 'p95(cart.add) 25 ms → 30 ms (+5 ms, +20%)', causes: [] },
        { layout: 'split', figure: 'cost.monthly', before: 40, after: 65.5, delta: 25.5, pct: 63.75, unit: 'USD', text: 'cost.monthly $40 → $65.50', causes: ['unit web added (1 × tiny)', 'cart replicas 1 → 2'] },
      ],
    },
    budgets: {
      file: 'budgets.yaml',
      passed: false,
      results: [
        { budget: 'p95(cart.add) < 40ms', layout: 'mono', figure: 'p95(cart.add)', comparator: '<', limit: 40, value: 30, unit: 'ms', pass: true, text: 'ok: p95(cart.add) < 40ms in mono: value 30 ms' },
        { budget: 'cost.monthly < 60 USD', layout: 'split', figure: 'cost.monthly', comparator: '<', limit: 60, value: 65.5, unit: 'USD', pass: false, text: 'BROKEN: cost.monthly < 60 USD in split: value $65.50' },
        { budget: 'change(throughput) >= 0', layout: 'split', figure: 'throughput', comparator: '>=', limit: 0, value: 160, unit: '/s', pass: true, text: 'ok: change(throughput) >= 0 in split: change +160/s' },
      ],
    },
    summary: '',
  };
}
