// The live rehearsal on the reference services, kept short for CI: the plan's first extraction
// (relay) only, two canary steps of a few seconds, a modest open-model rate. Real processes,
// real PostgreSQL (durable), real HTTP through the gateway whose weights change at run time.
// A full rehearsal of every phase is `npm run bench -- plan`.
import { describe, expect, it } from 'vitest';
import { availableParallelism, tmpdir } from 'node:os';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { plan } from '../../src/plan/index.js';
import { rehearse } from '../../src/rehearse/runner.js';
import { MOVE_STEPS, rehearsalSteps } from '../../src/rehearse/steps.js';
import { resolveLayout } from '../../src/model/resolve.js';
import { quantchat } from '../generate/fixtures.js';
import { BLUEPRINT } from '../reference-services/helpers.js';

// 50 then 100: at this rate the broken unit gets requests within a second of its first step.
const { plan: p } = plan(quantchat, { from: 'monolith', to: 'microservices', start: '2026-01-05', canary: [50, 100] });
const relayPhase = p.phases.find((ph) => ph.extractions.some((e) => e.unit === 'relay-service'))!.index;

describe('archsim rehearse (live, short)', { timeout: 400_000 }, () => {
  it('moves relay, notifications and groups to their own units under load, the group tables moved to their own database in five steps: no failed request, no lost or undelivered message', async () => {
    const notifyPhase = p.phases.find((ph) => ph.extractions.some((e) => e.unit === 'notification-service'))!.index;
    const groupsPhase = p.phases.find((ph) => ph.extractions.some((e) => e.unit === 'group-service'))!.index;
    // The groups phase is here for its data move; its p95 budget is left out (judged in
    // steps.test.ts, measured by the bench): a 200 ms budget on a shared CI machine is its load.
    const actions = rehearsalSteps(p, quantchat, { stepMs: 3000, drainMs: 1000, phases: [relayPhase, notifyPhase, groupsPhase] }).map((a) => (a.kind === 'weights' ? { ...a, triggers: a.triggers.filter((t) => t.kind !== 'p95') } : a));
    const lines: string[] = [];
    const r = await rehearse(BLUEPRINT, p, actions, { rate: { rps: 30 }, warmupS: 3, onLine: (l) => lines.push(l) });
    expect(r.rolledBack, JSON.stringify({ steps: r.steps, totals: r.totals })).toBe(false);
    const shape = ['start-unit', 'weights50', 'weights100', 'retire'];
    expect(r.steps.map((s) => `${s.kind}${s.percent ?? ''}`)).toEqual([...shape, ...shape, ...shape]);
    expect(r.steps.filter((s) => s.kind === 'start-unit').map((s) => s.unit)).toEqual(['relay-service', 'notification-service', 'group-service']);
    // Each canary step's routes by the unit that answered (the gateway's upstream header): only
    // the new unit and the one serving them until then (the from layout's: the plan's own name
    // for it in a later phase's layout may differ), every request accounted for. (At 100% the old
    // unit may still answer requests it was sent before the change: they end in this window.)
    const fromUnits = resolveLayout(quantchat, p.from).units.map((u) => u.name);
    for (const s of r.steps.filter((x) => x.kind === 'weights')) {
      const a = actions.find((x) => x.kind === 'weights' && x.unit === s.unit && x.percent === s.percent) as Extract<(typeof actions)[number], { kind: 'weights' }>;
      const units = Object.keys(s.byUnit ?? {});
      for (const u of units) expect([a.unit, ...fromUnits], s.action).toContain(u);
      expect(Object.values(s.byUnit ?? {}).reduce((n, f) => n + f.requests, 0), s.action).toBe(s.requests);
    }
    expect(r.steps.filter((s) => s.unit === 'relay-service' && s.kind === 'weights').reduce((n, s) => n + (s.byUnit?.['relay-service']?.requests ?? 0), 0)).toBeGreaterThan(0);
    // The relay routes were really served during the canary (the mix sends them 6% of requests).
    const routed = r.steps.filter((s) => s.kind === 'weights' && s.unit === 'relay-service').reduce((n, s) => n + s.requests, 0);
    expect(routed).toBeGreaterThan(0);
    expect(r.totals.requests).toBeGreaterThan(200);
    // Zero failures, and the per-operation breakdown agrees (it is what names a failure's cause).
    expect(r.totals.errors, JSON.stringify(r.totals.failures)).toBe(0);
    expect(r.totals.failures).toEqual({});
    for (const s of r.steps) expect(s.failures, s.action).toEqual({});
    expect(lines.join('\n')).not.toMatch(/failed (in this step|during the warm-up)/);
    // Relay and notifications move no table; groups moves three (main → group-db), in five steps:
    // the dual write (logical replication) and the backfill before the first canary step, the
    // verify and the cut-over at the retire, the drop of the old copy after the drain, in order.
    expect(r.dataMoves.map((m) => [m.unit, m.table, m.from, m.to])).toEqual(['groups', 'group_members', 'group_messages'].map((t) => ['group-service', t, 'main', 'group-db']));
    for (const m of r.dataMoves) {
      expect(m.error, m.table).toBeUndefined();
      expect(m.backfill?.verified, m.table).toBe(true);
      expect(m.backfill!.copyChecksum).toBe(m.backfill!.checksum);
      expect(m.steps!.map((x) => [x.step, x.ran, x.ok]), m.table).toEqual([...MOVE_STEPS].map((x) => [x, true, true]));
      const at = m.steps!.map((x) => x.atS!);
      expect([...at].sort((a, b) => a - b), m.table).toEqual(at);
      // The cut-over comes after the canary (at the retire), the drop after the drain.
      const steps = r.steps.filter((x) => x.phase === groupsPhase);
      expect(at[3]! - at[1]!, m.table).toBeGreaterThanOrEqual(steps.filter((x) => x.kind === 'weights').reduce((n, x) => n + x.seconds, 0) - 1);
      // The drop waits for the drain (drainMs 1000), which counts from the old unit's last request:
      // the start of the 100% step, after the 10% and 50% steps (runner.ts zeroWeightAt). It can
      // follow the cut-over at once (the 100% step outlasts the drain); never precede the drain.
      const beforeFull = steps.filter((x) => x.kind === 'weights' && x.percent !== 100).reduce((n, x) => n + x.seconds, 0);
      expect(at[4]! - at[1]!, m.table).toBeGreaterThanOrEqual(beforeFull + 1 - 0.2);
      expect(m.steps![2]!.detail, m.table).toMatch(/^\d+ rows, counts and checksums equal in main and group-db \(groups's writes held on backend and group-service; the stream caught up in \d+ ms\)$/);
      expect(m.steps![3]!.detail, m.table).toMatch(/^backend and group-service switched groups to group-db after the verify; its database work waited \d+ ms \(held, none refused\); the stream stopped$/);
      expect(m.steps![4]!.detail, m.table).toBe("groups, group_members, group_messages dropped from main after backend's route was retired and drained; no unit uses it (each one serving groups was switched at the cut-over)");
    }
    // The load profile seeds groups with members and messages: every table has rows to copy.
    for (const m of r.dataMoves) expect(m.backfill!.rows, m.table).toBeGreaterThan(0);
    // Messages posted to groups through the canary, after the backfill, reached the new copy
    // (the dual write): the verify counted more rows than the backfill copied, all equal.
    const posts = r.dataMoves.find((m) => m.table === 'group_messages')!;
    expect(posts.steps![2]!.rows!).toBeGreaterThan(posts.backfill!.rows);
    expect(r.notes.join('\n')).toMatch(/data moves: a move between two PostgreSQL databases runs the plan’s five steps/);
    expect(lines.join('\n')).toMatch(/dual write main → group-db started \(logical replication of schema groups\); backfilled groups \d+ rows, group_members \d+ rows, group_messages \d+ rows in \d+ ms; counts and checksums match the snapshot/);
    expect(lines.join('\n')).toMatch(/cut over: backend and group-service switched groups to group-db/);
    expect(lines.join('\n')).toMatch(/dropped the old copy of groups in main/);
    expect(r.notes.join('\n')).toMatch(/percentiles leave out its first 1 s/);
    // A fixed rate is kept through every phase (a share would fit each phase's own capacity).
    expect(r.phaseRates.map((x) => [x.phase, x.rateRps, x.ranAtRps, x.why])).toEqual([relayPhase, notifyPhase, groupsPhase].map((ph) => [ph, 30, 30, 'the fixed --rate 30/s']));
    expect(r.notes.join('\n')).toMatch(/hosts: the plan's per-phase figures assume a machine per unit .* this one host of \d+ cores?/);
    expect(r.supervision).toEqual([]);
    expect(r.messages.length).toBeGreaterThan(0);
    const sent = r.messages.find((m) => m.event === 'message.sent')!;
    expect(sent.acknowledged).toBeGreaterThan(0);
    for (const m of r.messages) {
      expect(m.lost, m.event).toBe(0);
      expect(m.undelivered, m.event).toBe(0);
      expect(m.recorded, m.event).toBeGreaterThanOrEqual(m.acknowledged);
    }
  });

  it('restarts an extracted unit that crashes mid-step, reports it in that step, and goes on', async () => {
    const actions = rehearsalSteps(p, quantchat, { stepMs: 6000, drainMs: 1000, phases: [relayPhase] });
    const r = await rehearse(BLUEPRINT, p, actions, { rate: { rps: 30 }, warmupS: 3, crashUnit: 'relay-service', onLine: (l) => process.stderr.write(`${l}\n`) });
    const kinds = r.supervision.filter((e) => e.unit === 'relay-service').map((e) => e.kind);
    expect(kinds, JSON.stringify({ supervision: r.supervision, steps: r.steps })).toEqual(['crashed', 'restarted']);
    expect(r.supervision[0]!.detail).toMatch(/SIGKILL/);
    expect(r.failedUnits).toEqual([]);
    // The crash shows in the step it happened in (the first canary step).
    const crashStep = r.steps.find((s) => s.supervision?.some((e) => e.kind === 'crashed'))!;
    expect(crashStep.kind).toBe('weights');
    expect(crashStep.percent).toBe(50);
    // A relay request in flight at the kill fails (the connection resets): then the step's error
    // rate trips and the step is rolled back, with those errors counted, as it should be. That is
    // rare at this rate (about one relay request a second to the unit, each a few ms).
    if (r.rolledBack) {
      expect(crashStep.rolledBack!.errorsCaused).toBeGreaterThan(0);
      expect(crashStep.breaches[0]!.description).toMatch(/errors on relay-service's routes/);
      expect(r.totals.errors).toBe(crashStep.rolledBack!.errorsCaused);
      return;
    }
    // Otherwise: its routes take no body (GET pending, DELETE ack), so the gateway retries the
    // requests the restarting unit refuses on the old unit: the phase completes, nothing failed.
    expect(r.totals.errors, JSON.stringify(r.totals.errorKinds)).toBe(0);
    expect(r.steps.map((s) => `${s.kind}${s.percent ?? ''}`)).toEqual(['start-unit', 'weights50', 'weights100', 'retire']);
    // After the restart the unit served the relay routes again (the 100% step has requests, no error).
    const full = r.steps.find((s) => s.kind === 'weights' && s.percent === 100)!;
    expect(full.requests).toBeGreaterThan(0);
    expect(full.errors).toBe(0);
    for (const m of r.messages) expect(m.lost, m.event).toBe(0);
  });

  it('at a share of the measured capacity: the second phase fitted to the CPU the first one took a request, the single-use pools kept ahead in the background, none used twice: no failed request', async () => {
    const notifyPhase = p.phases.find((ph) => ph.extractions.some((e) => e.unit === 'notification-service'))!.index;
    const actions = rehearsalSteps(p, quantchat, { stepMs: 3000, drainMs: 1000, phases: [relayPhase, notifyPhase] }).map((a) => (a.kind === 'weights' ? { ...a, triggers: a.triggers.filter((t) => t.kind !== 'p95') } : a));
    const lines: string[] = [];
    // Pools kept 6 s ahead (a top-up below 4 s): a run of this length tops them up as it goes.
    const r = await rehearse(BLUEPRINT, p, actions, { rate: { fraction: 0.3 }, warmupS: 3, poolAheadS: 6, onLine: (l) => lines.push(l) });
    expect(r.rolledBack, JSON.stringify({ steps: r.steps, totals: r.totals })).toBe(false);
    expect(r.capacityRps).toBeGreaterThan(0);
    expect(r.rateRps).toBe(Math.max(1, Math.round(r.capacityRps! * 0.3 * 10) / 10));
    // A refresh token or a relay message used twice would be a 401 or 404 here.
    expect(r.totals.errors, JSON.stringify(r.totals.failures)).toBe(0);
    // (The capacity run's pools may already cover the load's first 9 s: then nothing is topped up before it.)
    expect(lines.join('\n')).not.toMatch(/pools topped up for the load's first (?!9 s at [\d.]+\/s \(then kept 6 s ahead of it\))/);
    const kept = r.notes.find((n) => n.startsWith('single-use pools kept 6 s ahead of the load while it ran: '));
    expect(kept, r.notes.join('\n')).toMatch(/: [1-9]\d* background top-ups? \(1 request in flight\), refresh tokens [^;]*\+[1-9]/);
    expect(kept).not.toMatch(/failed/);
    // The second phase: what the first one's layout cost a request at its 100% step, and a rate
    // at most 30% of the capacity that gives on this host.
    const first = r.phaseRates.find((x) => x.phase === relayPhase)!;
    const second = r.phaseRates.find((x) => x.phase === notifyPhase)!;
    expect(first.measured).toBeUndefined();
    expect(second.measured, JSON.stringify(second)).toBeDefined();
    expect(second.measured!.atRps).toBe(first.ranAtRps);
    expect(second.measured!.cpuMsPerRequest).toBeGreaterThan(0);
    const cores = availableParallelism();
    expect(second.measured!.capacityRps).toBeGreaterThan(0);
    expect(second.measured!.capacityRps).toBeLessThanOrEqual(((cores * 1000) / second.measured!.cpuMsPerRequest) * 1.01);
    expect(second.ranAtRps!).toBeLessThanOrEqual(Math.max(1, second.measured!.capacityRps * 0.3) + 0.1);
    expect(second.ranAtRps!).toBeLessThanOrEqual(first.ranAtRps!);
    for (const m of r.messages) expect(m.lost, m.event).toBe(0);
  });

  it('stops a rehearsal whose load ended before its steps did, and says the run failed', async () => {
    const actions = rehearsalSteps(p, quantchat, { stepMs: 4000, drainMs: 1000, phases: [relayPhase] });
    const lines: string[] = [];
    const r = await rehearse(BLUEPRINT, p, actions, { rate: { rps: 30 }, warmupS: 2, loadSeconds: 6, onLine: (l) => lines.push(l) });
    expect(r.loadEnded, JSON.stringify(r.steps.map((x) => x.action))).toBeDefined();
    expect(r.loadEnded!.phase).toBe(relayPhase);
    expect(r.loadEnded!.atS).toBeGreaterThan(0);
    expect(lines.join('\n')).toMatch(/LOAD ENDED at [\d.]+ s \(its duration, 6 s, passed/);
    expect(r.notes.some((n) => /^the load ended at [\d.]+ s, its duration of 6 s passed before the steps were done .*the run failed$/.test(n)), r.notes.join('\n')).toBe(true);
    // Not every step ran: the rehearsal stopped at the first one after the load ended.
    expect(r.steps.length).toBeLessThan(actions.length);
  });

  it('stops after the warm-up when it already breaks the error-rate trigger (no load profile: placeholder requests answer 401), before any change', async () => {
    // The blueprint alone in a folder: no quantchat.load.yaml beside it.
    const dir = mkdtempSync(join(tmpdir(), 'archsim-no-profile-'));
    const bpFile = join(dir, 'quantchat.yaml');
    copyFileSync(BLUEPRINT, bpFile);
    try {
      const actions = rehearsalSteps(p, quantchat, { stepMs: 4000, drainMs: 1000, phases: [relayPhase] });
      const lines: string[] = [];
      const r = await rehearse(bpFile, p, actions, { rate: { rps: 30 }, warmupS: 2, onLine: (l) => lines.push(l) });
      expect(r.baselineFailed, lines.join('\n')).toBeDefined();
      expect(r.baselineFailed!.errorRate).toBeGreaterThan(r.baselineFailed!.above);
      expect(r.steps).toEqual([]);
      expect(r.rolledBack).toBe(false);
      expect(lines.join('\n')).toMatch(/BASELINE FAILS: the warm-up, before any change, failed [\d.]+% of its \d+ requests \(.*×\d+.*\), above the plan's error-rate trigger of [\d.]+%: no step could be judged/);
      expect(r.notes.some((n) => n.includes('There is no load profile beside the blueprint')), r.notes.join('\n')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rolls a broken step back (the new unit answers 500) within 10 s, counting the errors it caused', async () => {
    const actions = rehearsalSteps(p, quantchat, { stepMs: 15_000, drainMs: 1000, phases: [relayPhase] });
    const r = await rehearse(BLUEPRINT, p, actions, { rate: { rps: 30 }, warmupS: 3, breakUnit: 'relay-service' });
    expect(r.rolledBack).toBe(true);
    const step = r.steps.find((s) => s.rolledBack)!;
    expect(step.percent).toBe(50);
    expect(step.rolledBack!.afterMs).toBeLessThan(10_000);
    expect(step.rolledBack!.errorsCaused).toBeGreaterThan(0);
    expect(step.breaches[0]!.description).toMatch(/errors on relay-service's routes/);
    // No step after the rollback, and every error of the run is one the broken unit caused.
    expect(r.steps.at(-1)).toBe(step);
    expect(r.totals.errors).toBe(step.rolledBack!.errorsCaused);
    expect(Object.keys(r.totals.errorKinds)).toEqual(['status_5xx']);
    // Each failure named: a relay operation answered 500, counted in the step that caused it.
    const named = Object.entries(step.failures);
    expect(named.length).toBeGreaterThan(0);
    for (const [k] of named) expect(k).toMatch(/^relay\.(queue|pending|ack) 500$/);
    expect(named.reduce((n, [, c]) => n + c, 0)).toBe(step.rolledBack!.errorsCaused);
    expect(r.totals.failures).toEqual(step.failures);
  });

  it('blocks the cut-over when the copies differ (a row missing from the new copy), rolls the extraction back and keeps the old copy: no failed request, no lost message', async () => {
    const groupsPhase = p.phases.find((ph) => ph.extractions.some((e) => e.unit === 'group-service'))!.index;
    const actions = rehearsalSteps(p, quantchat, { stepMs: 3000, drainMs: 1000, phases: [groupsPhase] }).map((a) => (a.kind === 'weights' ? { ...a, triggers: a.triggers.filter((t) => t.kind !== 'p95') } : a));
    const lines: string[] = [];
    const r = await rehearse(BLUEPRINT, p, actions, { rate: { rps: 30 }, warmupS: 3, tamperCopy: 'group_members', onLine: (l) => lines.push(l) });
    expect(r.rolledBack).toBe(true);
    // The canary ran (50, 100); at the retire the verify failed and the routes went back.
    expect(r.steps.map((s) => `${s.kind}${s.percent ?? ''}`)).toEqual(['start-unit', 'weights50', 'weights100', 'retire']);
    const retire = r.steps[3]!;
    expect(retire.rolledBack).toBeDefined();
    expect(retire.breaches.map((b) => b.description)).toEqual([expect.stringMatching(/^the verify before the cut-over found groups\.group_members \(main (\d+) rows, group-db (\d+)\) different$/)]);
    const [, src, dst] = /main (\d+) rows, group-db (\d+)/.exec(retire.breaches[0]!.description)!;
    expect(Number(dst)).toBe(Number(src) - 1);
    for (const m of r.dataMoves) {
      expect(m.steps!.map((x) => [x.step, x.ran]), m.table).toEqual([['dual write', true], ['backfill', true], ['verify', true], ['cut over', false], ['drop the old copy', false]]);
      // The verify is of the domain's tables together: one differs, none cuts over.
      expect(m.steps![2]!.ok, m.table).toBe(false);
      expect(m.steps![3]!.detail, m.table).toMatch(/^not done: the verify before the cut-over found .* different: nothing was switched \(backend and group-service released on the old copy in main\), the extraction rolled back, the old copy kept$/);
    }
    expect(r.dataMoves.find((m) => m.table === 'group_members')!.steps![2]!.detail).toMatch(/^MISMATCH: main \d+ rows \(\d+:-?\d+\), group-db \d+ rows \(\d+:-?\d+\) after \d+ ms with groups's writes held$/);
    expect(r.dataMoves.find((m) => m.table === 'groups')!.steps![2]!.detail).toMatch(/^\d+ rows, counts and checksums equal in main and group-db \(groups's writes held on backend and group-service; but group_members still differed after \d+ ms\)$/);
    expect(lines.join('\n')).toMatch(/VERIFY FAILED: .*: cut-over stopped/);
    // Nothing was switched, so nothing the services acknowledged is only in the copy.
    expect(r.totals.errors, JSON.stringify(r.totals.failures)).toBe(0);
    for (const m of r.messages) {
      expect(m.lost, m.event).toBe(0);
      expect(m.undelivered, m.event).toBe(0);
    }
  });

  it('undoes a cut-over that one unit refuses: the unit that could switch is pointed back before any work ran on the new copy, the extraction rolled back: no failed request, no lost message', async () => {
    const groupsPhase = p.phases.find((ph) => ph.extractions.some((e) => e.unit === 'group-service'))!.index;
    const actions = rehearsalSteps(p, quantchat, { stepMs: 3000, drainMs: 1000, phases: [groupsPhase] }).map((a) => (a.kind === 'weights' ? { ...a, triggers: a.triggers.filter((t) => t.kind !== 'p95') } : a));
    const lines: string[] = [];
    const r = await rehearse(BLUEPRINT, p, actions, { rate: { rps: 30 }, warmupS: 3, refuseSwitch: 'group-service', onLine: (l) => lines.push(l) });
    expect(r.rolledBack).toBe(true);
    expect(r.steps.map((s) => `${s.kind}${s.percent ?? ''}`)).toEqual(['start-unit', 'weights50', 'weights100', 'retire']);
    const retire = r.steps[3]!;
    expect(retire.rolledBack).toBeDefined();
    expect(retire.breaches.map((b) => b.description)).toEqual([expect.stringMatching(/^the cut-over could not switch group-service \(point groups: 409 groups not pointed: fault injection: refuse-switch \(tests only\)\) to group-db$/)]);
    for (const m of r.dataMoves) {
      // The verify passed; the cut-over ran and failed, and was undone.
      expect(m.steps!.map((x) => [x.step, x.ran, x.ok]), m.table).toEqual([['dual write', true, true], ['backfill', true, true], ['verify', true, true], ['cut over', true, false], ['drop the old copy', false, undefined]]);
      expect(m.steps![3]!.detail, m.table).toMatch(/^the cut-over could not switch group-service \(.*\) to group-db; backend, pointed at group-db with groups's work still held, pointed back to main: no work of groups ran on group-db$/);
      expect(m.steps![4]!.detail, m.table).toMatch(/: nothing was switched \(backend and group-service released on the old copy in main\), the extraction rolled back, the old copy kept$/);
      expect(m.error, m.table).toBeUndefined();
    }
    expect(lines.join('\n')).toMatch(/CUT-OVER UNDONE: .*; backend pointed back to main before any work ran on group-db/);
    // The undo broke no request, and what was acknowledged was recorded and delivered.
    expect(r.totals.errors, JSON.stringify(r.totals.failures)).toBe(0);
    for (const m of r.messages) {
      expect(m.lost, m.event).toBe(0);
      expect(m.undelivered, m.event).toBe(0);
    }
    expect(r.messages.find((m) => m.event === 'group.message-stored')!.acknowledged).toBeGreaterThan(0);
  });
});
