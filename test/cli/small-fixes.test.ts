// Small defects from a sweep, each pinned at the function the CLI calls (the CLI tests run the
// built dist, which would not see a source fix): a cost per request with no request served, an
// automatic store scenario whose engine differs between layouts, events carried by different
// brokers, an impossible --start date or an error rate above 100%, and `plan --out` on a
// blueprint whose name an overlay's `extends:` cannot follow.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { queue } from '../simulate/builder.js';
import { action as planAction } from '../../src/cli/actions/plan.js';
import { renderComparison, renderSimulation } from '../../src/cli/render-sim.js';
import { exitCode, UsageError } from '../../src/errors.js';
import { deriveAnswers } from '../../src/model/checklist.js';
import { parseBlueprint } from '../../src/model/parse.js';
import type { Blueprint } from '../../src/model/schema.js';
import { autoScenarios } from '../../src/simulate/auto-scenarios.js';
import { compare } from '../../src/simulate/compare.js';
import { simulate } from '../../src/simulate/simulate.js';

// One shop in three layouts: the cart's table lives in postgres in "mono" and "hybrid" and in
// redis in "micro"; "hybrid" carries events on rabbitmq and "micro" on kafka.
const SHOP = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop }
system:
  domains:
    orders:
      tables: [orders]
      operations:
        create: { route: POST /orders, cpu: 2ms, db: { writes: 1 }, calls: [cart.get], emits: [order.placed] }
    cart:
      tables: [carts]
      operations:
        get: { route: GET /cart, cpu: 1ms, db: { reads: 1 } }
        notify: { internal: true, cpu: 1ms }
  events:
    order.placed: { consumers: [cart.notify] }
layouts:
  mono:
    units: { app: { domains: "*", port: 8000, instance: box } }
    datastores: { db: { engine: postgres, tables: "*", instance: box } }
  hybrid:
    broker: { kind: rabbitmq, instance: box }
    units: { app: { domains: "*", port: 8000, instance: box } }
    datastores: { db: { engine: postgres, tables: "*", instance: box } }
  micro:
    broker: { kind: kafka, instance: box }
    units:
      orders-svc: { domains: [orders], port: 8001, instance: box }
      cart-svc: { domains: [cart], port: 8002, instance: box }
    datastores:
      orders-db: { engine: postgres, tables: [orders], instance: box }
      cart-cache: { engine: redis, tables: [carts], instance: box }
workload: { rate: 20/s, mix: { orders.create: 1, cart.get: 1 } }
catalog:
  box: { vcpu: 2, usdPerMonth: $10 }
`;

function blueprint(text = SHOP): Blueprint {
  const r = parseBlueprint(text, 'shop.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.blueprint;
}

/** The UsageError a plan action throws (exit 2), or a failure naming what happened instead. */
async function planRefusal(file: string, flags: Parameters<typeof planAction>[1]): Promise<UsageError> {
  try {
    await planAction(file, flags);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect(exitCode(e)).toBe(2);
    return e as UsageError;
  }
  throw new Error('plan went ahead');
}

describe('simulate text: a cost per million requests with no request served', () => {
  it('reads "n/a", never "$Infinity" (the JSON has null)', () => {
    // 0.0001/s for 10 s: no request arrives, so the cost per request has no finite value.
    const r = simulate(blueprint(), 'mono', { rate: 0.0001, duration: 10_000, seed: 1 });
    expect(r.cost.perMillionRequests).toBe(Infinity);
    const cost = renderSimulation(r).split('\n').find((l) => l.startsWith('cost: '));
    expect(cost).toBe('cost: $20/month (app $10, db $10) · n/a per million requests at this load');
  });

  it('a bare queueing model (no instance, nothing to pay): the cost line without empty brackets', () => {
    const r = simulate(queue({ dist: 'const', mean: 1 }), 'one', { method: 'analytic', rate: 10, mix: { 'a.op': 1 } });
    const cost = renderSimulation(r).split('\n').find((l) => l.startsWith('cost: '));
    expect(cost).toBe('cost: $0/month · $0 per million requests at this load');
  });

  it('the comparison table too', () => {
    const c = compare(blueprint(), ['mono', 'micro'], { rate: 0.0001 });
    c.cost[0]!.perMillionRequests = Infinity; // as for a layout that served nothing
    const row = renderComparison(c).split('\n').find((l) => l.includes('per million requests at'));
    expect(row).toBe('per million requests at 0/s  n/a   $190258.75');
  });
});

describe('automatic scenarios: a store whose engine differs between layouts', () => {
  it('is named and described by role, each layout’s engine listed; one engine everywhere is named', () => {
    const all = autoScenarios(blueprint()).filter((s) => s.failures.some((f) => f.table !== undefined));
    expect(all.map((s) => [s.name, s.description, s.failures[0]!.description])).toEqual([
      ['auto:orders-postgres-down', 'The postgres store holding orders (orders) is down for 15 s.', 'postgres store of orders down'],
      ['auto:cart-store-down', 'The store holding cart (carts) is down for 15 s (postgres in mono, hybrid; redis in micro).', 'store of cart down (postgres in mono, hybrid; redis in micro)'],
    ]);
  });

  it('the simulation’s note is true in the layout that runs it', () => {
    const sc = autoScenarios(blueprint()).find((s) => s.name === 'auto:cart-store-down')!;
    const r = simulate(blueprint(), 'micro', { scenario: sc, seed: 1 });
    expect(r.warnings.filter((w) => w.startsWith('scenario: '))).toEqual(['scenario: store of cart down (postgres in mono, hybrid; redis in micro) → datastore cart-cache (holds carts) down']);
  });
});

describe('checklist: events carried by different brokers', () => {
  it('names each layout’s broker, layouts grouped by broker kind', () => {
    expect(deriveAnswers(blueprint()).communication).toEqual({ value: true, reason: '1 event declared (order.placed), carried by rabbitmq in hybrid; kafka in micro' });
    const twoRabbits = blueprint(SHOP.replace('kind: kafka', 'kind: rabbitmq'));
    expect(deriveAnswers(twoRabbits).communication).toEqual({ value: true, reason: '1 event declared (order.placed), carried by rabbitmq in hybrid, micro' });
  });
});

describe('plan: flags that cannot mean anything', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'archsim-small-fixes-'));
  const file = path.join(dir, 'shop.yaml');
  writeFileSync(file, SHOP);
  const base = { from: 'mono', to: 'micro' };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--start must be a calendar date, not only look like one', async () => {
    expect((await planRefusal(file, { ...base, start: '2025-13-45' })).message).toBe('--start 2025-13-45: not a calendar date (expected YYYY-MM-DD)');
    expect((await planRefusal(file, { ...base, start: '2025-02-30' })).message).toBe('--start 2025-02-30: not a calendar date (expected YYYY-MM-DD)');
    expect((await planRefusal(file, { ...base, start: '2023-02-29' })).message).toBe('--start 2023-02-29: not a calendar date (expected YYYY-MM-DD)');
    expect((await planRefusal(file, { ...base, start: '2025-1-5' })).message).toBe('--start 2025-1-5: expected YYYY-MM-DD');
  });

  it('--max-error-rate is at most 100%', async () => {
    expect((await planRefusal(file, { ...base, maxErrorRate: '150%' })).message).toBe('--max-error-rate 150%: out of range (at most 100%)');
    expect((await planRefusal(file, { ...base, maxErrorRate: '101' })).message).toBe('--max-error-rate 101: out of range (at most 100%)');
  });

  it('a real leap day, 100% and --growth above 100%/month are accepted', async () => {
    const json = { ...base, json: true };
    const write = process.stdout.write;
    let printed = '';
    process.stdout.write = ((s: string) => ((printed += s), true)) as typeof process.stdout.write;
    try {
      expect(await planAction(file, { ...json, start: '2024-02-29', maxErrorRate: '100%', growth: '150%/month' })).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    const p = JSON.parse(printed);
    expect(p.gantt).toContain('2024-02-29');
    expect(p.maxErrorRate).toBe(1);
  });

  it('--out on a blueprint whose name extends: cannot follow is refused before anything is written', async () => {
    const txt = path.join(dir, 'txt');
    mkdirSync(txt);
    writeFileSync(path.join(txt, 'bp.txt'), SHOP);
    const out = path.join(txt, 'o2');
    const e = await planRefusal(path.join(txt, 'bp.txt'), { ...base, out });
    expect(e.message).toBe(`--out ${out}: the plan's overlay extends bp.txt, and extends: must name a .yaml, .yml or .json file; copy or rename the blueprint to such a name (or leave out --out to print the plan)`);
    expect(readdirSync(txt)).toEqual(['bp.txt']);
  });
});

describe('simulate text: rates below 1/s', () => {
  it('three significant digits: 0.08/s and a saturation of 0.0167/s, not 0.1 and 0.0', () => {
    // one server, 60 s of constant work: saturation 1/60 = 0.01667/s; 0.08/s is ρ 4.8
    const r = simulate(queue({ dist: 'const', mean: 60_000 }), 'one', { method: 'analytic', rate: 0.08, mix: { 'a.op': 1 } });
    const text = renderSimulation(r);
    expect(text).toContain('0.08/s');
    expect(text).toContain('saturation: 0.0167 req/s of this mix');
    expect(text).not.toMatch(/\b0\.[01]\/s/);
    const low = renderSimulation(simulate(queue({ dist: 'const', mean: 10 }), 'one', { method: 'analytic', rate: 0.01, mix: { 'a.op': 1 } }));
    expect(low).toContain('0.01/s');
    expect(low).not.toContain('0.0/s');
  });
});

describe('simulate --json: an operation with no finished request', () => {
  it('has null latencies, not 0 ms (the text shows –); measured operations and analytic results are unchanged', async () => {
    const { unmeasuredAsNull } = await import('../../src/cli/actions/simulate.js');
    const r = simulate(blueprint(), 'mono', { rate: 0.0001, duration: 10_000, seed: 1 });
    const j = JSON.parse(JSON.stringify(unmeasuredAsNull(r))) as { operations: { count: number; latency: Record<string, unknown> }[] };
    expect(j.operations.length).toBeGreaterThan(0);
    for (const op of j.operations) {
      expect(op.count).toBe(0);
      expect(Object.values(op.latency).every((v) => v === null)).toBe(true);
      expect(Object.keys(op.latency)).toEqual(expect.arrayContaining(['mean', 'p50', 'p95', 'p99', 'max']));
    }
    const measured = simulate(blueprint(), 'mono', { rate: 50, duration: 10_000, seed: 1 });
    expect(unmeasuredAsNull(measured)).toEqual(measured);
    const analytic = simulate(blueprint(), 'mono', { method: 'analytic', rate: 0.0001 });
    expect(unmeasuredAsNull(analytic)).toBe(analytic);
  });
});
