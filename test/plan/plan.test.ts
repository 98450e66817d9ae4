// The planner's core on the bundled blueprints and on blueprints written here to test that the
// order comes from coupling, not names.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readText } from '../../src/io/load.js';
import { parseBlueprint } from '../../src/model/parse.js';
import { renderPlanHtml } from '../../src/plan/html.js';
import { renderPlanMarkdown } from '../../src/plan/markdown.js';
import { OrderError, plan, PlanError, PlanSchema } from '../../src/plan/index.js';
import { FIGURES_HOST } from '../../src/plan/plan.js';
import { planJsonSchema } from '../../src/plan/schema.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { analyze } from '../../src/simulate/analytic.js';
import { chatpop, quantchat } from '../generate/fixtures.js';

const BLUEPRINTS = new URL('../../blueprints/', import.meta.url).pathname;
const start = '2026-01-05';

/** Load the overlay exactly as a user's command would: extends: the bundled file. */
function loadOverlay(file: string, layouts: Record<string, unknown>) {
  const path = resolve(BLUEPRINTS, `${file}.plan.yaml`);
  const text = stringify({ extends: `./${file}.yaml`, layouts });
  return parseBlueprint(text, path, (p) => readText(p));
}

describe('plan: QuantChat monolith → microservices', () => {
  const { plan: p, overlay } = plan(quantchat, { from: 'monolith', to: 'microservices', growth: 0.15, start });

  it('counts one person-day in the singular ("= 1 person-days" before)', () => {
    const items = p.phases.flatMap((ph) => ph.effort?.items ?? []);
    expect(items).toContain('internal operations moved: 2 × 0.5 = 1 person-day');
    expect(items.filter((i) => / = 1 person-days$/.test(i))).toEqual([]);
  });

  it('matches its own schema, and the checked-in JSON Schema (ajv) validates it', () => {
    const json = JSON.parse(JSON.stringify(p));
    expect(PlanSchema.safeParse(json).success).toBe(true);
    const onDisk = JSON.parse(readFileSync(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8'));
    expect(onDisk, 'run `npm run schema`').toEqual(JSON.parse(JSON.stringify(planJsonSchema())));
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(onDisk);
    expect(validate(json), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(validate({ ...json, phases: 'none' })).toBe(false);
  });

  it('says its figures assume a machine per unit, not one shared host, in JSON, markdown and HTML (a plan without it still reads)', () => {
    expect(p.figuresHost).toBe(FIGURES_HOST);
    expect(FIGURES_HOST).toMatch(/^These figures assume a machine per unit \(each unit on its own catalog instance, the simulator’s default\), not one shared host\. archsim rehearse runs every unit of a phase on one host/);
    const md = renderPlanMarkdown(p);
    // Under the figures' heading, before their table.
    const at = md.indexOf('**Hosts:** These figures assume a machine per unit');
    expect(at).toBeGreaterThan(md.indexOf('## Figures per phase'));
    expect(at).toBeLessThan(md.indexOf('| phase | layout |'));
    expect(renderPlanHtml(p)).toContain('<strong>Hosts:</strong> These figures assume a machine per unit');
    const { figuresHost: _, ...older } = JSON.parse(JSON.stringify(p));
    expect(PlanSchema.safeParse(older).success).toBe(true);
    expect(renderPlanMarkdown(older)).not.toContain('**Hosts:**');
    // Why it matters: on one 2-core host the last phase saturates well below its figure.
    const loaded = loadOverlay('quantchat', overlay.layouts);
    if (!loaded.ok) throw new Error('overlay');
    const last = p.phases.at(-1)!;
    const shared = analyze(loaded.blueprint, last.layout, { host: { cores: 2 } }).saturationThroughput;
    expect(shared).toBeLessThan(0.6 * last.figures!.saturationRps);
  });

  it('extracts relay first, by coupling, and explains every step', () => {
    expect(p.order[0]!.unit).toBe('relay-service');
    expect(p.phases.flatMap((ph) => ph.extractions)[0]!.unit).toBe('relay-service');
    for (const o of p.order) expect(o.why).toMatch(/^score [0-9.]+: /);
    expect(p.order.map((o) => o.unit).sort()).toEqual(['auth-service', 'group-service', 'media-service', 'message-service', 'notification-service', 'relay-service', 'user-service', 'websocket-service']);
    // auth is what every other service calls: it leaves last.
    expect(p.order.at(-1)!.unit).toBe('auth-service');
  });

  it('every phase validates, and the overlay loads like a blueprint', () => {
    for (const ph of p.phases) expect(ph.problems).toEqual([]);
    const loaded = loadOverlay('quantchat', overlay.layouts);
    expect(loaded.ok ? [] : loaded.errors.map((e) => e.message)).toEqual([]);
    if (!loaded.ok) return;
    expect(Object.keys(loaded.blueprint.layouts)).toEqual(expect.arrayContaining(p.phases.slice(1).map((ph) => ph.layout)));
    // The last phase is the target, unit for unit.
    const last = loaded.blueprint.layouts[p.phases.at(-1)!.layout]!;
    expect(Object.keys(last.units).sort()).toEqual(Object.keys(quantchat.layouts.microservices!.units).sort());
  });

  it('figures per phase are the simulator’s on the overlay (the same workload)', () => {
    const loaded = loadOverlay('quantchat', overlay.layouts);
    if (!loaded.ok) throw new Error('overlay does not load');
    for (const ph of p.phases) {
      const r = analyze(loaded.blueprint, ph.layout);
      expect(ph.figures!.monthlyUsd).toBe(r.cost.monthly.usdPerMonth);
      expect(ph.figures!.saturationRps).toBeCloseTo(r.saturationThroughput, 9);
      for (const o of r.operations) expect(ph.figures!.p95Ms[o.id]).toBeCloseTo(o.latency.p95, 9);
    }
    // The end state costs what seed 001 says microservices cost.
    expect(p.phases.at(-1)!.figures!.monthlyUsd).toBe(172);
    expect(p.phases[0]!.figures!.monthlyUsd).toBe(32);
  });

  it('a strangler gateway and port hand-over where the source had none', () => {
    const first = p.phases.find((ph) => ph.extractions.length)!;
    const l = first.layoutInput as { gateway?: { kind: string; port: number }; units: Record<string, { port: number }> };
    expect(l.gateway?.kind).toBe('kong');
    const ports = Object.values(l.units).map((u) => u.port);
    expect(ports).not.toContain(l.gateway!.port);
  });

  it('tables leaving the shared database move in five steps; lint’s shared-datastore findings per phase', () => {
    const groups = p.phases.flatMap((ph) => ph.extractions).find((e) => e.unit === 'group-service')!;
    expect(groups.data.map((d) => d.table).sort()).toEqual(['group_members', 'group_messages', 'groups']);
    expect(groups.data[0]!.steps.map((s) => s.split(':')[0])).toEqual(['dual write', 'backfill', 'verify', 'cut over', 'drop the old copy']);
    // Tables leave with their unit, so no phase shares a database; the Redis cache is shared
    // by every unit that keeps keys in it until the end (a warning, as in the target).
    for (const ph of p.phases) expect(ph.sharedDatastores.filter((s) => s.startsWith('postgres'))).toEqual([]);
    const mid = p.phases.find((ph) => ph.layout === 'phase-4')!;
    expect(mid.sharedDatastores.some((s) => s.startsWith('redis datastore "cache"'))).toBe(true);
  });

  it('canary steps per phase with rollback triggers from the budgets', () => {
    const ph = p.phases.find((x) => x.extractions.some((e) => e.unit === 'message-service'))!;
    expect(ph.canary!.steps.map((s) => s.percent)).toEqual([10, 50, 100]);
    expect(ph.canary!.steps[0]!.weights).toEqual([
      { route: 'message-service', to: 'message-service', weight: 10 },
      { route: 'message-service', to: 'monolith', weight: 90 },
    ]);
    const metrics = ph.canary!.rollback.map((r) => `${r.metric}>${r.above}`);
    expect(metrics).toEqual(expect.arrayContaining(['latency.p95(messages.send)>150', 'latency.p95(messages.conversation)>200', 'error_rate(message-service)>0.01']));
    expect(ph.canary!.rollback.find((r) => r.metric === 'latency.p95(messages.send)')!.predicted).toBeLessThan(150);
  });

  it('triggers: the rate at which each fires, and the month at 15%/month', () => {
    const t = p.phases[0]!.triggers.find((x) => x.metric === 'utilization(backend)')!;
    const r = analyze(quantchat, 'monolith');
    const rho = r.stations.find((s) => s.id === 'backend')!.utilization;
    expect(t.fireRps).toBeCloseTo((0.7 * 200) / rho, 0);
    expect(t.month).toBe(Math.ceil(Math.log(t.fireRps! / 200) / Math.log(1.15)));
    // A latency trigger is found by a bracketed search: just above it the p95 is over the budget.
    const lat = p.phases[2]!.triggers.find((x) => x.metric?.startsWith('latency.p95'))!;
    const loaded = loadOverlay('quantchat', overlay.layouts);
    if (!loaded.ok) throw new Error('overlay does not load');
    const op = lat.metric!.slice('latency.p95('.length, -1);
    const p95 = (rate: number) => analyze(loaded.blueprint, p.phases[2]!.layout, { rate }).operations.find((o) => o.id === op)!.latency.p95;
    expect(p95(lat.fireRps! * 1.01)).toBeGreaterThan(lat.above!);
    expect(p95(lat.fireRps! * 0.95)).toBeLessThan(lat.above!);
  });

  it('effort adds up and lays out as a gantt', () => {
    const sum = p.phases.reduce((s, ph) => s + (ph.effort?.personDays ?? 0), 0);
    expect(p.totals.personDays).toBeCloseTo(sum, 6);
    expect(p.gantt.startsWith('gantt\n')).toBe(true);
    expect(p.gantt).toContain(`:p2t0, after p1m, `);
    expect(p.gantt.split('\n').filter((l) => /^\s+section /.test(l))).toHaveLength(p.phases.length - 1);
    const more = plan(quantchat, { from: 'monolith', to: 'microservices', team: 6, start }).plan;
    expect(more.totals.calendarDays).toBeLessThan(p.totals.calendarDays);
    expect(more.totals.personDays).toBe(p.totals.personDays);
  });
});

describe('plan: ChatPop phase1 → phase3 (seed 003)', () => {
  const { plan: p } = plan(chatpop, { from: 'phase1', to: 'phase3', growth: 0.15, start });

  it('three phases: the monolith, the WebSocket split, full services', () => {
    expect(p.phases.map((ph) => ph.declared)).toEqual(['phase1', 'phase2', 'phase3']);
    expect(p.phases[1]!.extractions.map((e) => e.unit)).toEqual(['websocket-service']);
    expect(p.phases[2]!.extractions.map((e) => e.unit).sort()).toEqual(['payment-service', 'photo-service']);
    expect(p.phases[2]!.notes.join(' ')).toContain('main-service continues as chat-service');
    // Seed 003 keeps one PostgreSQL for every service: lint says so for each split phase.
    expect(p.phases[2]!.sharedDatastores.some((s) => s.startsWith('postgres datastore "postgres" is shared by 3 units'))).toBe(true);
  });

  it('the phase-1 triggers fire where seed 003 puts them', () => {
    const t = p.phases[0]!.triggers;
    expect(t.map((x) => x.description)).toEqual(chatpop.layouts.phase1!.triggers.map((x) => x.description));
    const conns = t.find((x) => x.metric === 'connections')!;
    // The workload is the seed's 500 concurrent users and the seed's trigger is "500+": written
    // `above: 499` ("above" is strict for every metric, and connections are whole), it has fired
    // today, month 0.
    expect(conns.now).toBe(500);
    expect(conns.fireRps).toBeCloseTo(40 * 499 / 500, 6);
    expect(conns.month).toBe(0);
    const cpu = t.find((x) => x.metric === 'utilization(app)')!;
    expect(cpu.fireRps).toBeGreaterThan(40);
    expect(cpu.month).toBeGreaterThan(0);
    // Phase 2's triggers are the seed's phase-3 triggers; the team one is a decision, not a load.
    expect(p.phases[1]!.triggers.map((x) => x.description)).toEqual(['1M+ messages/day', '10,000+ photos/day', 'Independent teams per service']);
    expect(p.phases[1]!.triggers[2]!.note).toMatch(/not a load trigger/);
  });

  it('--phases unit splits the same migration one unit at a time', () => {
    const u = plan(chatpop, { from: 'phase1', to: 'phase3', mode: 'unit', start }).plan;
    expect(u.phases.slice(1).map((ph) => ph.extractions.length)).toEqual([1, 1, 1]);
    for (const ph of u.phases) expect(ph.problems).toEqual([]);
  });
});

describe('plan: order from coupling, on any blueprint', () => {
  it('renaming every relay name changes nothing but the names', () => {
    const text = readFileSync(`${BLUEPRINTS}quantchat.yaml`, 'utf8').replace(/relay/g, 'zq');
    const r = parseBlueprint(text, 'renamed.yaml');
    if (!r.ok) throw new Error(r.errors[0]!.message);
    const p = plan(r.blueprint, { from: 'monolith', to: 'microservices', mode: 'unit', start }).plan;
    expect(p.order[0]!.unit).toBe('zq-service');
  });

  it('the least coupled domain goes first, whatever it is called', () => {
    // "alpha" is called by everyone; "omega" only consumes an event: omega leaves first.
    const bp = parseBlueprint(
      stringify({
        apiVersion: 'archsim/v1',
        kind: 'Blueprint',
        metadata: { name: 'toy' },
        system: {
          domains: {
            alpha: { tables: ['a'], operations: { check: { internal: true, cpu: '1ms', db: { reads: 1 } } } },
            beta: { tables: ['b'], operations: { go: { route: 'POST /b', calls: ['alpha.check'], emits: ['b.done'], db: { writes: 1 } } } },
            gamma: { tables: ['c'], operations: { go: { route: 'POST /c', calls: ['alpha.check', 'beta.go'], db: { writes: 1 } } } },
            omega: { tables: ['o'], operations: { on: { internal: true, db: { writes: 1 } } } },
          },
          events: { 'b.done': { consumers: ['omega.on'] } },
        },
        layouts: {
          mono: { units: { app: { domains: '*', port: 8000, instance: 'vm' } }, datastores: { db: { engine: 'postgres', tables: '*', instance: 'pg' } } },
          split: {
            gateway: { kind: 'nginx', port: 8000 },
            broker: { kind: 'rabbitmq' },
            units: Object.fromEntries(['alpha', 'beta', 'gamma', 'omega'].map((d, i) => [`${d}-svc`, { domains: [d], port: 8001 + i, instance: 'vm' }])),
            datastores: Object.fromEntries(['a', 'b', 'c', 'o'].map((t) => [`${t}-db`, { engine: 'postgres', tables: [t], instance: 'pg' }])),
          },
        },
        workload: { rate: '50/s', mix: { 'beta.go': 1, 'gamma.go': 1 } },
        catalog: { vm: { usdPerMonth: 10 }, pg: { kind: 'database', usdPerMonth: 15 } },
      }),
      'toy.yaml',
    );
    if (!bp.ok) throw new Error(bp.errors[0]!.message);
    const p = plan(bp.blueprint, { from: 'mono', to: 'split', start }).plan;
    // alpha-svc is what the monolith is left with, on the same instance: a rename, not a build.
    expect(p.order.map((o) => o.unit)).toEqual(['omega-svc', 'gamma-svc', 'beta-svc']);
    // app went to 8080 in the phases before (the gateway took 8000) and alpha-svc listens on 8001:
    // a redeploy behind the gateway before beta-svc's canary, not "a rename, no traffic shift".
    expect(p.phases.at(-1)!.notes).toContain(
      "app continues as alpha-svc (the domains the others leave it, same instance), with port 8080 → 8001; not a rename in place but a redeploy behind the gateway: alpha-svc starts beside app, the gateway and the units that call app switch from app:8080 to alpha-svc:8001 before this phase's canary shifts beta-svc's routes from alpha-svc, and app stops once nothing reaches it",
    );
    for (const ph of p.phases) expect(ph.problems).toEqual([]);
    // The gateway the target declares takes port 8000; the shrinking monolith moves off it.
    const first = p.phases[1]!.layoutInput as { units: Record<string, { port: number }> };
    expect(first.units.app!.port).not.toBe(8000);
  });

  it('a pinned order is kept and its risks listed; an unknown unit is refused', () => {
    const p = plan(quantchat, { from: 'monolith', to: 'microservices', mode: 'unit', order: ['auth-service', 'relay-service'], start }).plan;
    expect(p.order.slice(0, 2).map((o) => o.unit)).toEqual(['auth-service', 'relay-service']);
    expect(p.risks.some((r) => r.startsWith('auth-service (score'))).toBe(true);
    expect(p.risks.some((r) => r.includes('auth-service is a critical dependency'))).toBe(true);
    expect(() => plan(quantchat, { from: 'monolith', to: 'microservices', order: ['nope'] })).toThrow(OrderError);
    expect(() => plan(quantchat, { from: 'monolith', to: 'nope' })).toThrow(PlanError);
  });
});

describe('plan: output', () => {
  const hostile = (() => {
    const text = readFileSync(`${BLUEPRINTS}chatpop.yaml`, 'utf8').replace(
      'description: 500+ concurrent WebSocket connections',
      `description: "<script>alert(1)</script> | **x** \`y\`"`,
    );
    const r = parseBlueprint(text, `${dirname(BLUEPRINTS)}/hostile.yaml`);
    if (!r.ok) throw new Error(r.errors[0]!.message);
    return plan(r.blueprint, { from: 'phase1', to: 'phase3', start }).plan;
  })();

  it('markdown escapes blueprint text (no raw HTML, no broken table)', () => {
    const md = renderPlanMarkdown(hostile);
    expect(md).not.toContain('<script>');
    const row = md.split('\n').find((l) => l.includes('alert(1)'))!;
    expect(row).toContain('\\<script\\>');
    expect(row).toContain('\\|');
  });

  it('HTML is self-contained and escapes blueprint text', () => {
    const html = renderPlanHtml(hostile);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toMatch(/(src|href)=["']?https?:/);
    expect(html).toContain('<svg');
    expect((html.match(/<svg/g) ?? []).length).toBe(5);
  });
});
