// The rehearsal's script from a plan (pure), the triggers it watches, and the plan file read as
// hostile input.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plan } from '../../src/plan/index.js';
import { readPlanFile } from '../../src/rehearse/plan-file.js';
import { alreadyBroken, breaches, canReachMinimum, CONCURRENT_SLOWER, dataMoveText, describeAction, MOVE_STEPS, moveStepStatus, judgeP95, MIN_P95_SAMPLES, parseTrigger, rehearsalSteps, StepsError, warmupBreach, type Action } from '../../src/rehearse/steps.js';
import { quantchat } from '../generate/fixtures.js';


const { plan: p } = plan(quantchat, { from: 'monolith', to: 'microservices', start: '2026-01-05' });
const tmp = mkdtempSync(join(tmpdir(), 'archsim-rehearse-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('rehearsalSteps', () => {
  const steps = rehearsalSteps(p, quantchat, { stepMs: 30_000 });
  const kinds = (a: Action[]) => a.map((x) => (x.kind === 'weights' ? `${x.unit}@${x.percent}` : `${x.kind}:${x.kind === 'note' ? x.phase : x.unit}`));

  it('per extraction: start the unit, 10/50/100 along the canary, then retire the old route', () => {
    const first = steps.filter((a) => a.kind !== 'note').slice(0, 5);
    expect(kinds(first)).toEqual(['start-unit:relay-service', 'relay-service@10', 'relay-service@50', 'relay-service@100', 'retire:monolith']);
    const w = first[1] as Extract<Action, { kind: 'weights' }>;
    expect(w.weights).toEqual([
      { unit: 'relay-service', weight: 10 },
      { unit: 'monolith', weight: 90 },
    ]);
    expect(w.ops.sort()).toEqual(['relay.ack', 'relay.pending', 'relay.queue'].sort());
    expect(w.watchMs).toBe(30_000);
    // Every target unit is started once, in the plan's order.
    expect(steps.filter((a) => a.kind === 'start-unit').map((a) => a.kind === 'start-unit' && a.unit)).toEqual(p.order.map((o) => o.unit));
  });

  it('a phase that moves no routes is a note, not an action', () => {
    expect(steps[0]).toMatchObject({ kind: 'note', phase: 1 });
  });

  it('watches each extraction’s own triggers: its unit’s error rate and its domains’ budgets', () => {
    const msg = steps.find((a) => a.kind === 'weights' && a.unit === 'message-service') as Extract<Action, { kind: 'weights' }>;
    expect(msg.triggers.map((t) => (t.kind === 'p95' ? t.op : t.kind === 'error-rate' ? t.unit : t.metric)).sort()).toEqual(['message-service', 'messages.conversation', 'messages.send']);
    const relay = steps.find((a) => a.kind === 'weights' && a.unit === 'relay-service') as Extract<Action, { kind: 'weights' }>;
    expect(relay.triggers).toEqual([{ kind: 'error-rate', unit: 'relay-service', above: 0.01, description: "errors on relay-service's routes above 1%" }]);
  });

  it('selects phases, and refuses a phase the plan does not have or a route the blueprint does not', () => {
    expect(kinds(rehearsalSteps(p, quantchat, { stepMs: 1000, phases: [2] }))).toEqual(['start-unit:relay-service', 'relay-service@10', 'relay-service@50', 'relay-service@100', 'retire:monolith']);
    expect(() => rehearsalSteps(p, quantchat, { stepMs: 1000, phases: [42] })).toThrow(StepsError);
    // Phase 0 is the source layout (--phases takes 1 on): the phases offered start at 1.
    expect(() => rehearsalSteps(p, quantchat, { stepMs: 1000, phases: [42] })).toThrow(new StepsError('phase 42: the plan has phases 1, 2, 3, 4, 5, 6, 7, 8, 9'));
    expect(() => rehearsalSteps(p, quantchat, { stepMs: 0 })).toThrow(/step duration/);
    const broken = structuredClone(p);
    broken.phases[2]!.extractions[0]!.routes = ['GET /no/such/route'];
    expect(() => rehearsalSteps(broken, quantchat, { stepMs: 1000 })).toThrow(/not a route of blueprint quantchat/);
  });

  it('names the data moves of each extraction, and that the rehearsal runs all five steps of a PostgreSQL move, none of another', () => {
    const start = (unit: string) => steps.find((a) => a.kind === 'start-unit' && a.unit === unit) as Extract<Action, { kind: 'start-unit' }>;
    expect(start('relay-service').dataMoves).toEqual([]);
    expect(describeAction(start('relay-service'))).not.toMatch(/DATA MOVE/);
    const groups = start('group-service');
    const planned = p.phases.flatMap((ph) => ph.extractions).find((e) => e.unit === 'group-service')!.data;
    expect(planned.length).toBeGreaterThan(0);
    expect(groups.dataMoves).toEqual(planned.map((d) => ({ table: d.table, from: d.from.store, to: d.to.store, engines: { from: 'postgres', to: 'postgres' } })));
    const all = "dual write (logical replication from the old copy), backfill (at the stream's snapshot), verify (counts and checksums, writes held), cut-over (every unit serving the domain switched to the new copy at the retire), drop of the old copy (after the drain)";
    expect(describeAction(groups).endsWith(`; DATA MOVE REHEARSED: the plan moves groups, group_members, group_messages (main → group-db); rehearsed: ${all}`)).toBe(true);
    // Moves to two stores are listed per store; a move between stores that are not both
    // PostgreSQL is named as not rehearsed at all, and the rehearsed steps name their tables.
    const pg = { from: 'postgres', to: 'postgres' };
    expect(dataMoveText([
      { table: 'a', from: 'main', to: 'x', engines: pg },
      { table: 'b', from: 'up', to: 'y', engines: { from: 'filesystem', to: 'minio' } },
    ])).toBe(`DATA MOVE PARTLY REHEARSED: the plan moves a (main → x); b (up → y); rehearsed for a: ${all}; no step of b (up is filesystem, y minio: not databases the rehearsal copies rows between)`);
    expect(dataMoveText([{ table: 'b', from: 'up', to: 'y', engines: { from: 'filesystem', to: 'minio' } }])).toBe(
      'DATA MOVE NOT REHEARSED: the plan moves b (up → y); rehearsed: none of its steps; no step of b (up is filesystem, y minio: not databases the rehearsal copies rows between); the unit keeps using the table where it is',
    );
    // Actions without engines (written before they were recorded) are taken as PostgreSQL moves.
    expect(dataMoveText([{ table: 'a', from: 'main', to: 'x' }])).toBe(`DATA MOVE REHEARSED: the plan moves a (main → x); rehearsed: ${all}`);
    // Every data move of the plan is named by some step.
    const named = steps.flatMap((a) => (a.kind === 'start-unit' ? a.dataMoves.map((m) => m.table) : []));
    expect(named.sort()).toEqual(p.phases.flatMap((ph) => ph.extractions.filter((e) => e.from && e.routes.length).flatMap((e) => e.data.map((d) => d.table))).sort());
  });

  it('says per table move what each of its five steps did, when, and why a step did not run', () => {
    const record = {
      'dual write': { atS: 40.1, ok: true, detail: 'logical replication of schema groups' },
      backfill: { atS: 40.1, ok: true, rows: 16, ms: 120, detail: '16 rows copied' },
      verify: { atS: 70.5, ok: true, rows: 21, ms: 12, detail: '21 rows, counts and checksums equal' },
    };
    const partial = moveStepStatus({ record, notPerformed: 'the rehearsal ended before the cut-over (rolled back)' });
    expect(partial.map((x) => x.step)).toEqual([...MOVE_STEPS]);
    expect(partial).toEqual([
      { step: 'dual write', ran: true, ok: true, atS: 40.1, detail: 'logical replication of schema groups' },
      { step: 'backfill', ran: true, ok: true, atS: 40.1, rows: 16, ms: 120, detail: '16 rows copied' },
      { step: 'verify', ran: true, ok: true, atS: 70.5, rows: 21, ms: 12, detail: '21 rows, counts and checksums equal' },
      { step: 'cut over', ran: false, detail: 'not done: the rehearsal ended before the cut-over (rolled back)' },
      { step: 'drop the old copy', ran: false, detail: 'not done: the rehearsal ended before the cut-over (rolled back)' },
    ]);
    // A failed step is reported as run and not ok.
    expect(moveStepStatus({ record: { ...record, verify: { ...record.verify, ok: false, detail: 'MISMATCH' } } })[2]).toEqual({ step: 'verify', ran: true, ok: false, atS: 70.5, rows: 21, ms: 12, detail: 'MISMATCH' });
    const notDone = moveStepStatus({ notPerformed: 'uploads is a filesystem datastore' });
    expect(notDone.filter((x) => x.ran)).toEqual([]);
    expect(notDone.map((x) => x.detail)).toEqual(MOVE_STEPS.map(() => 'not done: uploads is a filesystem datastore'));
    // An error wins over the reason the rest was not done; nothing said: not reached.
    expect(moveStepStatus({ error: 'connection refused', notPerformed: 'x' })[0]!.detail).toBe('not done: connection refused');
    expect(moveStepStatus({})[4]!.detail).toBe('not done: not reached');
  });

  it('describes every action in one line', () => {
    for (const a of steps) expect(describeAction(a)).not.toContain('\n');
    expect(describeAction(steps.find((a) => a.kind === 'weights')!)).toMatch(/^phase 2: 10% of relay-service's routes to relay-service, 90% to monolith; watch 30 s: errors on relay-service's routes above 1%$/);
  });
});

describe('triggers', () => {
  it('parses the plan’s metrics, keeping what it cannot watch', () => {
    expect(parseTrigger({ metric: 'latency.p95(messages.send)', above: 150, description: 'd' })).toEqual({ kind: 'p95', op: 'messages.send', aboveMs: 150, description: 'd' });
    expect(parseTrigger({ metric: 'error_rate(x-service)', above: 0.01, description: 'd' })).toEqual({ kind: 'error-rate', unit: 'x-service', above: 0.01, description: 'd' });
    expect(parseTrigger({ metric: 'cpu(x)', above: 0.7, description: 'd' })).toEqual({ kind: 'unwatched', metric: 'cpu(x)', description: 'd' });
  });

  it('a window breaks a trigger only above its threshold, and an empty window breaks nothing', () => {
    const er = parseTrigger({ metric: 'error_rate(u)', above: 0.01, description: 'e' });
    const p95 = parseTrigger({ metric: 'latency.p95(a.x)', above: 100, description: 'p' });
    const ops = ['a.x', 'a.y'];
    expect(breaches([er, p95], ops, { ops: { 'a.x': { requests: 50, errors: 0, p95: 100 }, 'a.y': { requests: 50, errors: 1, p95: 5 } } })).toEqual([]);
    expect(breaches([er, p95], ops, { ops: { 'a.x': { requests: 50, errors: 1, p95: 100.5 }, 'a.y': { requests: 50, errors: 1, p95: 5 } } }).map((b) => [b.trigger.kind, b.value])).toEqual([
      ['error-rate', 0.02],
      ['p95', 100.5],
    ]);
    expect(breaches([er, p95], ops, { ops: {} })).toEqual([]);
    // Errors on routes the step does not move are not its errors.
    expect(breaches([er], ops, { ops: { 'b.z': { requests: 10, errors: 10, p95: 1 } } })).toEqual([]);
  });

  it('judges a p95 budget only from MIN_P95_SAMPLES latencies on (a handful is one slow request); errors need no minimum', () => {
    const er = parseTrigger({ metric: 'error_rate(u)', above: 0.01, description: 'e' });
    const p95 = parseTrigger({ metric: 'latency.p95(a.x)', above: 100, description: 'p' });
    const w = (samples: number, errors = 0) => ({ ops: { 'a.x': { requests: 40, errors, p95: 450, samples } } });
    expect(MIN_P95_SAMPLES).toBe(20);
    expect(breaches([p95], ['a.x'], w(MIN_P95_SAMPLES - 1))).toEqual([]);
    expect(breaches([p95], ['a.x'], w(MIN_P95_SAMPLES)).map((b) => b.value)).toEqual([450]);
    // Without a sample count the requests stand in for it (every answered request measured).
    expect(breaches([p95], ['a.x'], { ops: { 'a.x': { requests: 19, errors: 0, p95: 450 } } })).toEqual([]);
    expect(breaches([p95], ['a.x'], { ops: { 'a.x': { requests: 20, errors: 0, p95: 450 } } })).toHaveLength(1);
    // The settling second removes latencies, not requests: one error in 40 still trips 1%.
    expect(breaches([er], ['a.x'], w(0, 1)).map((b) => b.value)).toEqual([0.025]);
  });

  it('does not blame a step for a p95 budget the old unit already broke before the extraction (reported instead)', () => {
    const er = parseTrigger({ metric: 'error_rate(u)', above: 0.01, description: 'e' });
    const p95 = parseTrigger({ metric: 'latency.p95(a.x)', above: 100, description: 'p' });
    const now = { ops: { 'a.x': { requests: 40, errors: 1, p95: 450, samples: 40 } } };
    const before = (p: number, samples = 30) => ({ ops: { 'a.x': { requests: samples, errors: 0, p95: p, samples } } });
    // Already over budget before: the p95 breach is excused and listed; the error rate still trips.
    expect(alreadyBroken([er, p95], before(120))).toEqual([{ trigger: p95, baselineP95: 120 }]);
    expect(breaches([er, p95], ['a.x'], now, before(120)).map((b) => b.trigger.kind)).toEqual(['error-rate']);
    // Within budget before (or at it): the new unit's breach is judged.
    expect(alreadyBroken([p95], before(100))).toEqual([]);
    expect(breaches([p95], ['a.x'], now, before(100)).map((b) => b.value)).toEqual([450]);
    // A baseline of too few latencies excuses nothing; no baseline excuses nothing.
    expect(alreadyBroken([p95], before(900, MIN_P95_SAMPLES - 1))).toEqual([]);
    expect(breaches([p95], ['a.x'], now, before(900, MIN_P95_SAMPLES - 1))).toHaveLength(1);
    expect(alreadyBroken([p95])).toEqual([]);
    expect(alreadyBroken([p95], { ops: {} })).toEqual([]);
  });

  it('judges a p95 budget like with like: the new route’s own latencies, against the old route’s in the same seconds', () => {
    const p95 = parseTrigger({ metric: 'latency.p95(a.x)', above: 200, description: 'p' }) as Extract<ReturnType<typeof parseTrigger>, { kind: 'p95' }>;
    const routes = { unit: 'new', from: 'old' };
    const fig = (p: number | null, samples: number) => ({ requests: samples, errors: 0, p95: p, samples });
    // Mixed over both routes the operation is over budget; split, the figures say whose it is.
    const w = (mine: [number | null, number], old: [number | null, number]) => ({ ops: { 'a.x': { ...fig(260, mine[1] + old[1]), byUnit: { new: fig(...mine), old: fig(...old) } } } });
    expect(CONCURRENT_SLOWER).toBe(1.5);
    // The new route over budget while the old one holds it at the same moment: the step's doing.
    expect(judgeP95(p95, w([260, 30], [120, 200]), undefined, routes)).toEqual({ verdict: 'breach', p95: 260 });
    expect(breaches([p95], ['a.x'], w([260, 30], [120, 200]), undefined, routes).map((b) => b.value)).toEqual([260]);
    // Both over budget in the same seconds, the new one not 1.5 × slower: the host's, not judged.
    expect(judgeP95(p95, w([300, 30], [201, 200]), undefined, routes)).toEqual({ verdict: 'excused', p95: 300, oldP95: 201, when: 'same-window' });
    expect(breaches([p95], ['a.x'], w([300, 30], [201, 200]), undefined, routes)).toEqual([]);
    expect(judgeP95(p95, w([301.5, 30], [201, 200]), undefined, routes).verdict).toBe('excused');
    expect(judgeP95(p95, w([301.6, 30], [201, 200]), undefined, routes)).toEqual({ verdict: 'breach', p95: 301.6 });
    // Within budget: held, whatever the mixed p95 (a slow old route is not the new one's fault).
    expect(judgeP95(p95, w([200, 30], [900, 200]), undefined, routes)).toEqual({ verdict: 'held', p95: 200 });
    // Too few of the new route's own latencies: not judged, however slow (the mixed p95 is over).
    expect(judgeP95(p95, w([900, MIN_P95_SAMPLES - 1], [120, 200]), undefined, routes)).toEqual({ verdict: 'too-few', samples: MIN_P95_SAMPLES - 1 });
    expect(breaches([p95], ['a.x'], w([900, MIN_P95_SAMPLES - 1], [120, 200]), undefined, routes)).toEqual([]);
    expect(judgeP95(p95, { ops: { 'a.x': { ...fig(260, 40), byUnit: { old: fig(260, 40) } } } }, undefined, routes)).toEqual({ verdict: 'too-few', samples: 0 });
    // 100%: no old-route latency in the window; the old route's figures just before decide.
    const alone = { ops: { 'a.x': { ...fig(260, 40), byUnit: { new: fig(260, 40) } } } };
    expect(judgeP95(p95, alone, undefined, routes)).toEqual({ verdict: 'breach', p95: 260 });
    expect(judgeP95(p95, alone, { ops: { 'a.x': fig(150, 40) } }, routes)).toEqual({ verdict: 'breach', p95: 260 });
    expect(judgeP95(p95, alone, { ops: { 'a.x': fig(240, 40) } }, routes)).toEqual({ verdict: 'excused', p95: 260, oldP95: 240, when: 'before' });
    // An old route with too few latencies in the window is no comparison: the baseline decides.
    expect(judgeP95(p95, w([260, 30], [900, 5]), undefined, routes)).toEqual({ verdict: 'breach', p95: 260 });
    // Mid-step, while the old route can still reach the minimum, its latencies are waited for
    // (the rollback of 2026-12-01 23:38: new 259.6 ms of 20+, old 203.9 ms of fewer than 20).
    const asked: number[] = [];
    const canReach = (n: number) => (asked.push(n), true);
    expect(judgeP95(p95, w([259.6, 25], [203.9, 15]), undefined, routes, canReach)).toEqual({ verdict: 'too-few', samples: 15, route: 'old' });
    expect(asked).toEqual([15]);
    expect(breaches([p95], ['a.x'], w([259.6, 25], [203.9, 15]), undefined, routes, canReach)).toEqual([]);
    // ... and once it has them, compared like with like: both over, the host's.
    expect(judgeP95(p95, w([259.6, 25], [203.9, 20]), undefined, routes, canReach)).toEqual({ verdict: 'excused', p95: 259.6, oldP95: 203.9, when: 'same-window' });
    // Not when it cannot reach them in the time left, nor with no old latency at all, nor at the
    // step's end (no callback): the baseline decides, a breach here.
    expect(judgeP95(p95, w([259.6, 25], [203.9, 15]), undefined, routes, () => false)).toEqual({ verdict: 'breach', p95: 259.6 });
    expect(judgeP95(p95, w([259.6, 25], [null, 0]), undefined, routes, canReach)).toEqual({ verdict: 'breach', p95: 259.6 });
    expect(judgeP95(p95, w([259.6, 25], [203.9, 15]), undefined, routes)).toEqual({ verdict: 'breach', p95: 259.6 });
    expect(breaches([p95], ['a.x'], w([259.6, 25], [203.9, 15]), undefined, routes).map((b) => b.value)).toEqual([259.6]);
    // A new route within budget is held whatever the old route's count; one short of its own
    // minimum is its own too-few (no route field).
    expect(judgeP95(p95, w([150, 25], [203.9, 15]), undefined, routes, canReach)).toEqual({ verdict: 'held', p95: 150 });
    expect(judgeP95(p95, w([900, 5], [203.9, 15]), undefined, routes, canReach)).toEqual({ verdict: 'too-few', samples: 5 });
    // Without the per-unit split (no upstream header): the operation's p95, as before.
    expect(judgeP95(p95, { ops: { 'a.x': fig(260, 40) } }, undefined, routes)).toEqual({ verdict: 'breach', p95: 260 });
  });
});

describe('canReachMinimum (how long a step waits for its new route’s latencies)', () => {
  it('waits while the pace so far reaches MIN_P95_SAMPLES within the time left, and no longer', () => {
    // 10 latencies in 5 s: 2/s; 5 s more gives exactly 20.
    expect(canReachMinimum(10, 5000, 5000)).toBe(true);
    expect(canReachMinimum(10, 5000, 4999)).toBe(false);
    // A few percent of the mix at a 10% step: 2 latencies in 5 s, 18 s left: 9.2, never 20.
    expect(canReachMinimum(2, 5000, 18_000)).toBe(false);
    // The same route at 50%: 8 in 5 s, 18 s left: 36.8.
    expect(canReachMinimum(8, 5000, 18_000)).toBe(true);
  });
  it('enough already: true; no time left: false; no pace yet: true', () => {
    expect(canReachMinimum(MIN_P95_SAMPLES, 5000, 0)).toBe(true);
    expect(canReachMinimum(MIN_P95_SAMPLES - 1, 5000, 0)).toBe(false);
    expect(canReachMinimum(1, 0, 1000)).toBe(true);
  });
});

describe('readPlanFile (hostile input)', () => {
  const write = (name: string, text: string) => {
    const f = join(tmp, name);
    writeFileSync(f, text);
    return f;
  };
  it('reads a plan of the blueprint', () => {
    const r = readPlanFile(write('ok.json', JSON.stringify(p, null, 2)), quantchat);
    expect(r.ok).toBe(true);
  });
  it('positions a syntax error and a schema error, and refuses another blueprint’s plan', () => {
    const syntax = readPlanFile(write('syntax.json', '{\n  "kind": "archsim-plan",\n  "version": 1,,\n}'), quantchat);
    expect(syntax.ok).toBe(false);
    if (!syntax.ok && 'errors' in syntax) expect(syntax.errors[0]!.line).toBe(3);
    const json = JSON.stringify({ ...p, phases: [{ ...p.phases[0], index: 'zero' }] }, null, 2);
    const schema = readPlanFile(write('schema.json', json), quantchat);
    expect(schema.ok).toBe(false);
    if (!schema.ok && 'errors' in schema) {
      const line = json.split('\n').findIndex((l) => l.includes('"zero"')) + 1;
      expect(schema.errors[0]).toMatchObject({ line, path: ['phases', 0, 'index'] });
    }
    const other = readPlanFile(write('other.json', JSON.stringify({ ...p, blueprint: 'another' })), quantchat);
    expect(!other.ok && 'errors' in other && other.errors[0]!.message).toMatch(/plan of blueprint "another", not of "quantchat"/);
  });
  it('refuses what is not a regular text file, without quoting it', () => {
    const dir = readPlanFile(tmp, quantchat);
    expect(!dir.ok && 'message' in dir && dir.message).toMatch(/directory/);
    const bin = readPlanFile(write('bin.json', '\u0000\u0001\u00ff'.repeat(10)), quantchat);
    expect(bin.ok).toBe(false);
  });
});

describe('warmupBreach: a warm-up that already breaks the strictest error-rate trigger', () => {
  const trig = (above: number) => ({ kind: 'error-rate' as const, unit: 'u', above, description: `errors above ${above}` });
  const act = (...triggers: ReturnType<typeof trig>[]) => ({ kind: 'weights', phase: 1, unit: 'u', triggers }) as unknown as Action;
  it('is a breach above the strictest limit, and nothing at or below it', () => {
    const actions = [act(trig(0.05)), act(trig(0.01))];
    expect(warmupBreach(actions, { requests: 200, errors: 3 }, { 'a.op 401': 3 })).toEqual({ errorRate: 0.015, above: 0.01, requests: 200, failures: { 'a.op 401': 3 } });
    expect(warmupBreach(actions, { requests: 200, errors: 2 }, {})).toBeUndefined();
  });
  it('nothing to judge without an error-rate trigger or without requests', () => {
    expect(warmupBreach([act()], { requests: 10, errors: 10 }, {})).toBeUndefined();
    expect(warmupBreach([act(trig(0.01))], { requests: 0, errors: 0 }, {})).toBeUndefined();
  });
});
