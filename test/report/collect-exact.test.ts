// collect → buildReport → runReport on a small blueprint whose figures are worked out by hand:
// structure (gateway, broker, datastores, instances, style), saturation and hops, the load-curve
// axis, fault scenarios (one that fits one layout only), lint per layout, the checklist with
// answers, the method line and notes, and runReport's baseline and budgets. In-process and fast
// (two 10 s DES runs of 200 requests): the mutation run of src/report affords it.
//
// SHOP: web.home (1 ms) calls cart.get (0.5 ms, one database read), web.ping is 1 ms; the mix is
// 3 : 1, i.e. 0.75 / 0.25. mono runs both domains on one single-worker unit: a request of the mix
// costs 0.75 × 1.5 + 0.25 × 1 = 1.375 ms of it, so it saturates at 1 / 1.375 ms = 727.27/s (ρ at
// 20/s: 0.0275); home alone 1 / 1.5 ms = 666.67/s, ping alone 1000/s. split runs web on 4 servers
// (8 workers on a 4-vCPU box: a warning) and cart on 2 replicas; its bottleneck is the database
// (0.75 reads a request), at 2666.67/s. The load curves share one x axis: 1.25 × the highest
// saturation (2666.67) = 3333.33, two points: 1667 and 3333.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseBudgets } from '../../src/report/budget.js';
import { collect } from '../../src/report/collect.js';
import { renderReport, runReport, type RunReportOptions } from '../../src/report/run.js';
import { Scenario } from '../../src/simulate/scenario.js';
import { bp } from '../simulate/helpers.js';

const SHOP = bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop }
system:
  domains:
    web: { tables: [pages], operations: { home: { route: GET /, cpu: 1ms, calls: [cart.get] }, ping: { route: GET /ping, cpu: 1ms } } }
    cart: { tables: [carts], operations: { get: { internal: true, cpu: 0.5ms, db: { reads: 1 } } } }
layouts:
  mono:
    style: monolith
    description: one process
    units: { app: { domains: "*", port: 8080, instance: box } }
    datastores: { pg: { engine: postgres, tables: "*", instance: box } }
  split:
    gateway: { kind: kong, port: 8000 }
    broker: { kind: rabbitmq, port: 5672 }
    units:
      web-svc: { domains: [web], port: 8080, instance: box, workers: 8 }
      cart-svc: { domains: [cart], port: 8081, replicas: 2 }
    datastores: { pg: { engine: postgres, tables: "*" } }
workload: { rate: 20/s, mix: { web.home: 3, web.ping: 1 } }
catalog:
  box: { vcpu: 4, usdPerMonth: $10 }
`);

// The database (or the cart unit) down for the whole run: every home request fails, every ping
// succeeds, in both layouts. cart-svc exists only in split.
const SCENARIOS = [
  Scenario.parse({ name: 'db-down', description: 'the cart database is down', workload: { duration: '10s', warmup: '0s' }, failures: [{ storeOf: 'cart', at: '0s', for: '10s' }] }),
  Scenario.parse({ name: 'cart-svc-down', workload: { duration: '10s', warmup: '0s' }, failures: [{ unit: 'cart-svc', at: '0s', for: '10s' }] }),
];

const options = (over: Partial<RunReportOptions> = {}): RunReportOptions => ({
  file: 'shop.yaml',
  generator: 'archsim test',
  layouts: ['mono', 'split'],
  points: 2,
  scenarios: [],
  loadtests: [],
  ...over,
});

const APPROX = '(the notes `archsim report` prints name each approximation and its known bound; `archsim simulate --method des` gives simulated figures)';
/** The method line; `faults`: scenarios were run (with none, e.g. `--no-faults`, the line says nothing of fault isolation). */
const method = (approximated: string, faults: boolean) =>
  `Latencies and throughputs from the analytic queueing model (exact means for the M/M/c network, percentiles by a gamma approximation; in ${approximated} a station is revisited by one request or replicas share work by least connections, which the model approximates ${APPROX})${faults ? '; fault isolation from seeded discrete-event runs of the failure scenarios' : ''}.`;
const success = (home: number, ping: number) => [
  { id: 'web.home', successRate: home },
  { id: 'web.ping', successRate: ping },
];

describe('collect, by hand', () => {
  it('structure, saturation, hops, the shared load-curve axis, faults, lint, checklist, method and notes', () => {
    const { report, diagrams, notes } = collect(SHOP, options({ scenarios: SCENARIOS, locate: (p) => ({ file: 'shop.yaml', line: p.length, col: 7 }), answers: { monitoring: true, 'on-call': false } }));
    expect(report.workload).toEqual({ rateRps: 20, mix: { 'web.home': 0.75, 'web.ping': 0.25 } });
    expect(report.blueprint).toEqual({ name: 'shop', title: 'shop', file: 'shop.yaml' });
    expect(report.generator).toBe('archsim test');
    expect([report.summary, report.baseline, report.budgets, report.loadtests]).toEqual(['', null, null, []]);
    const [mono, split] = report.layouts;
    expect([mono!.name, mono!.style, mono!.description, split!.name, split!.style, split!.description]).toEqual(['mono', 'monolith', 'one process', 'split', null, null]);
    expect(mono!.structure).toEqual({
      gateway: null,
      broker: null,
      units: [{ name: 'app', replicas: 1, instance: 'box', domains: ['web', 'cart'] }],
      datastores: [{ name: 'pg', engine: 'postgres', instance: 'box', tables: ['pages', 'carts'] }],
    });
    expect(split!.structure).toEqual({
      gateway: 'kong',
      broker: 'rabbitmq',
      units: [
        { name: 'web-svc', replicas: 1, instance: 'box', domains: ['web'] },
        { name: 'cart-svc', replicas: 2, instance: null, domains: ['cart'] },
      ],
      datastores: [{ name: 'pg', engine: 'postgres', instance: null, tables: ['pages', 'carts'] }],
    });
    expect(mono!.saturation).toEqual({ throughputRps: 727.27, bottleneck: 'app', utilizationAtWorkload: 0.0275 });
    expect(split!.saturation).toEqual({ throughputRps: 2666.67, bottleneck: 'pg', utilizationAtWorkload: 0.0075 });
    // Hops: none inside one unit; in split the gateway's, plus web-svc → cart-svc for home.
    expect(mono!.operations.map((o) => [o.id, o.route, o.hops, o.units, o.maxThroughputRps])).toEqual([
      ['web.home', 'GET /', 0, ['app'], 666.67],
      ['web.ping', 'GET /ping', 0, ['app'], 1000],
    ]);
    expect(split!.operations.map((o) => [o.id, o.hops, o.units])).toEqual([
      ['web.home', 2, ['web-svc', 'cart-svc']],
      ['web.ping', 1, ['web-svc']],
    ]);
    for (const l of [mono!, split!]) expect(l.sweep.map((p) => p.rateRps)).toEqual([1667, 3333]);
    // The cost to hold each load: mono's limit is its app, which replicas scale, at both rates;
    // split's is pg (2666.67/s), which they do not, so its curve ends before 3333/s.
    expect(mono!.costCurve.map((p) => p.rateRps)).toEqual([1667, 3333]);
    expect(split!.costCurve.map((p) => p.rateRps)).toEqual([1667]);
    // Past mono's saturation no latency; split still has one at 1667/s.
    expect(mono!.sweep.map((p) => p.meanMs)).toEqual([null, null]);
    expect(split!.sweep[0]!.meanMs! > 0 && split!.sweep[1]!.meanMs === null).toBe(true);
    // Cost: the box at $10 for mono's app and database; split pays for web-svc's box only.
    expect([mono!.cost.monthlyUsd, split!.cost.monthlyUsd]).toEqual([20, 10]);
    expect(mono!.costCurve.map((p) => [p.monthlyUsd, p.replicas])).toEqual([
      [50, { app: 4 }],
      [80, { app: 7 }],
    ]);
    // Faults: each layout its own rows; the scenario without a description is named by its failure.
    expect(mono!.faultIsolation).toEqual([{ scenario: 'db-down: down: datastore pg (holds cart)', description: 'the cart database is down', operations: success(0, 1) }]);
    expect(split!.faultIsolation).toEqual([
      { scenario: 'db-down: down: datastore pg (holds cart)', description: 'the cart database is down', operations: success(0, 1) },
      { scenario: 'cart-svc-down: down: unit cart-svc', description: 'down: unit cart-svc', operations: success(0, 1) },
    ]);
    // Lint: each layout its own findings (split's shared database and workers), positioned.
    const extraction = { rule: 'extraction-order', severity: 'info', message: 'extract cart first; order by fewest dependencies: cart (1), web (1)', where: 'shop.yaml:3:7' };
    expect(mono!.lint).toEqual({ errors: 0, warnings: 0, findings: [extraction] });
    expect(split!.lint).toEqual({
      errors: 1,
      warnings: 1,
      findings: [
        { rule: 'shared-datastore', severity: 'error', message: 'postgres datastore "pg" is shared by 2 units: web-svc (web: pages); cart-svc (cart: carts)', where: 'shop.yaml:5:7' },
        { rule: 'workers-over-vcpu', severity: 'warning', message: 'web-svc runs 8 workers on box (4 vCPU): it is simulated with 4 servers', where: 'shop.yaml:5:7' },
        extraction,
      ],
    });
    expect(report.checklist).toEqual({
      score: 4,
      of: 16,
      recommendation: 'Stay with modular monolith',
      firstToExtract: 'cart (cart-svc)',
      derived: [
        'Have service mesh or API gateway ready: yes (layout "split" declares a gateway (kong))',
        'Clear bounded contexts identified: no (in "split": postgres datastore "pg" is shared by 2 units: web-svc (web: pages); cart-svc (cart: carts))',
        'Services can be truly independent: yes (no cycle of synchronous calls between the units of "split")',
        'Have inter-service communication strategy: yes (a rabbitmq broker is declared in split)',
      ],
      answered: ['Have monitoring/logging solution (Prometheus, Grafana): yes', 'Have on-call rotation: no'],
    });
    // Only split's replicas share work by least connections at 20/s.
    expect(report.method).toBe(method('split', true));
    expect(notes).toHaveLength(2);
    expect(notes[0]).toBe('scenario cart-svc-down does not apply to mono: no unit "cart-svc" in mono');
    expect(notes[1]!.startsWith('split at 20/s: analytic: least-connections across replicas is solved as join-the-shortest-queue by the threshold-jockeying chain of Adan, van Houtum & van der Wal (1994)')).toBe(true);
    expect(Object.keys(diagrams)).toEqual(['mono', 'split']);
    expect(diagrams.mono!.startsWith('flowchart LR\n')).toBe(true);
    expect(diagrams.mono).toContain('db_pg[("pg<br/>postgres")]');
  });

  it('the cost curve: every load the layout holds, with a database busier than the target and below 1; none at or past its saturation', () => {
    // five points on the axis 3333.33: 666.67 … 3333.33/s, split's pg at ρ 0.25, 0.5, 0.75, 1, 1.25
    const { report } = collect(SHOP, options({ points: 5 }));
    const split = report.layouts.find((l) => l.name === 'split')!;
    expect(split.sweep.map((p) => p.rateRps)).toEqual([667, 1333, 2000, 2667, 3333]);
    // 2000/s: pg over the 70% target (replicas cannot lower it) but under 1: held, priced
    expect(split.costCurve.map((p) => p.rateRps)).toEqual([667, 1333, 2000]);
    const mono = report.layouts.find((l) => l.name === 'mono')!;
    expect(mono.costCurve.map((p) => p.rateRps)).toEqual([667, 1333, 2000, 2667, 3333]);
  });

  it('--rate past saturation: the workload, the axis from twice the rate, the saturation note and both approximations', () => {
    // 800/s: mono's ρ = 800 × 1.375 ms = 1.1. The axis: 1.25 × max(2 × 800, 2666.67) = 3333.33.
    const { report, notes } = collect(SHOP, options({ rate: 800 }));
    expect(report.workload.rateRps).toBe(800);
    const [mono, split] = report.layouts;
    expect(mono!.saturation).toEqual({ throughputRps: 727.27, bottleneck: 'app', utilizationAtWorkload: 1.1, saturated: { station: 'app', utilization: 1.1, by: 'offered load' } });
    expect(split!.saturation.saturated).toBeUndefined();
    expect(split!.saturation.utilizationAtWorkload).toBe(0.3);
    // No scenario ran: the method line names none (it said "fault isolation from seeded discrete-event runs" regardless).
    expect(report.method).toBe(method('mono, split', false));
    expect(notes).toHaveLength(4);
    expect(notes[0]).toBe('mono at 800/s: unstable: app is saturated (ρ=1.10); latencies are unbounded');
    expect(notes[1]!.startsWith('mono at 800/s: analytic: app is visited several times by one request')).toBe(true);
    expect(notes[2]!.startsWith('split at 800/s: analytic: least-connections across replicas')).toBe(true);
    // At 800/s the return visit to web-svc after cart.get is no longer negligible.
    expect(notes[3]!.startsWith('split at 800/s: analytic: web-svc is visited several times by one request')).toBe(true);
    // One layout: the axis is 1.25 × max(1600, 727.27) = 2000, in points of 1000.
    const alone = collect(SHOP, options({ rate: 800, layouts: ['mono'] })).report.layouts[0]!;
    expect(alone.sweep.map((p) => p.rateRps)).toEqual([1000, 2000]);
    // Below 100/s the points keep one decimal, from 100/s none: 1.25 × 727.27 / 24 = 37.88 → 37.9,
    // 75.76 → 75.8, 113.64 → 114; the last 909.09 → 909.
    const fine = collect(SHOP, options({ layouts: ['mono'], points: 24 })).report.layouts[0]!;
    expect(fine.sweep.slice(0, 3).map((p) => p.rateRps)).toEqual([37.9, 75.8, 114]);
    expect(fine.sweep.at(-1)!.rateRps).toBe(909);
  });
});

describe('collect: the fault runs at the report’s rate', () => {
  // mono's app slowed ×4 for the whole run, with a 50 ms client timeout: at the blueprint's 20/s
  // it is 11% busy and every request answers in time; at --rate 400 it would be 220% busy, so the
  // line grows and requests time out. The fault runs take --rate as the workload does.
  const slow = [Scenario.parse({ name: 'app-slow', workload: { duration: '10s', warmup: '0s' }, clientTimeout: '50ms', failures: [{ unit: 'app', slow: 4, at: '0s', for: '10s' }] })];
  const homeSuccess = (rate?: number) => collect(SHOP, options({ layouts: ['mono'], scenarios: slow, ...(rate !== undefined ? { rate } : {}) })).report.layouts[0]!.faultIsolation[0]!.operations.find((o) => o.id === 'web.home')!.successRate;

  it('at 20/s every request of the slowed layout succeeds; at --rate 400 most time out', () => {
    expect(homeSuccess()).toBe(1);
    expect(homeSuccess(400)).toBeLessThan(0.5);
  });
});

describe('runReport', () => {
  it('a baseline: each changed figure listed; budgets: checked against the report, broken ones returned', () => {
    const before = collect(SHOP, options({ layouts: ['mono'] })).report;
    before.layouts[0]!.cost.monthlyUsd = 15;
    const budgets = parseBudgets('budgets:\n  - cost.monthly < 15 USD\n  - hops(web.home) <= 2\n', 'budgets.yaml');
    if (!budgets.ok) throw new Error('budgets did not parse');
    const run = runReport(SHOP, options({ baseline: { file: 'base.json', report: before }, budgets: { file: 'budgets.yaml', parsed: budgets.value } }));
    expect(run.report.baseline!.file).toBe('base.json');
    expect(run.report.baseline!.changes.map((c) => [c.layout, c.figure, c.before, c.after])).toEqual([
      ['mono', 'cost.monthly', 15, 20],
      ['split', 'layout', null, null],
    ]);
    expect(run.report.budgets!.file).toBe('budgets.yaml');
    expect(run.report.budgets!.passed).toBe(false);
    expect(run.report.budgets!.results.map((b) => [b.budget, b.layout, b.pass])).toEqual([
      ['cost.monthly < 15 USD', 'mono', false],
      ['cost.monthly < 15 USD', 'split', true],
      ['hops(web.home) <= 2', 'mono', true],
      ['hops(web.home) <= 2', 'split', true],
    ]);
    expect(run.broken.map((b) => [b.budget, b.layout])).toEqual([['cost.monthly < 15 USD', 'mono']]);
    // The summary without markdown bold: 2666.67 / 727.27 = 3.67× the throughput.
    expect(run.report.summary.startsWith('split vs mono at 20/s: ')).toBe(true);
    expect(run.report.summary).toContain(', 3.67× the sustainable throughput (2667/s vs 727/s), ');
    expect(run.report.summary.endsWith(', $10 vs $20 per month. ❌ 1 of 4 budgets broken. 2 figures changed since the baseline.')).toBe(true);
    // All budgets met: passed, nothing broken.
    const met = parseBudgets('budgets:\n  - hops(web.home) <= 2\n', 'budgets.yaml');
    if (!met.ok) throw new Error('budgets did not parse');
    const ok = runReport(SHOP, options({ layouts: ['mono'], budgets: { file: 'budgets.yaml', parsed: met.value } }));
    expect([ok.report.budgets!.passed, ok.broken, ok.report.baseline]).toEqual([true, [], null]);
    expect(ok.report.summary).toBe('mono: saturates at 727/s (bottleneck app), $20 per month. ✅ all 1 budgets met.');
  });

  it('a budget on a figure the report lacks is an input error; JSON is the report, indented, with a final newline', () => {
    const bad = parseBudgets('budgets:\n  - p95(web.nope) < 10ms\n', 'budgets.yaml');
    if (!bad.ok) throw new Error('budgets did not parse');
    expect(() => runReport(SHOP, options({ layouts: ['mono'], budgets: { file: 'budgets.yaml', parsed: bad.value } }))).toThrow(InputError);
    const run = runReport(SHOP, options({ layouts: ['mono'] }));
    expect([run.broken, run.report.budgets, run.report.baseline]).toEqual([[], null, null]);
    expect(renderReport('json', run)).toBe(`${JSON.stringify(run.report, null, 2)}\n`);
    expect(renderReport('md', run).startsWith('## archsim: shop\n')).toBe(true);
    expect(renderReport('html', run).startsWith('<!doctype html>')).toBe(true);
  });
});
