// The load profile, one description run by both drivers: the interpreter's pieces, and a real
// system (the docs example, served for real) loaded by the embedded driver and by real k6 from the
// script `generate k6` writes, with zero rejected requests and exactly the operations of the mix.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseLoadProfile, sidecarOf } from '../../src/loadtest/profile/load.js';
import { integerWeights, scenarioPlan } from '../../src/loadtest/profile/plan.js';
import { lpCycle, lpRender, lpRequest, RUNTIME_SOURCE } from '../../src/loadtest/profile/runtime.js';
import { weightedPicker } from '../../src/loadtest/scenario.js';
import { createScenario } from '../../src/loadtest/scenarios/profile.js';
import { runDriver } from '../../src/loadtest/driver/run.js';
import { findK6, runK6 } from '../../src/loadtest/k6.js';
import { k6Script, K6_SCRIPT_EXPORTS } from '../../src/generate/k6.js';
import { loadBlueprint } from '../../src/io/load.js';
import { InputError } from '../../src/errors.js';
import { startNotesServer } from '../helpers/notes-server.js';

const NOTES = new URL('../../docs/examples/notes.yaml', import.meta.url).pathname;
const bp = loadBlueprint(NOTES).blueprint;
const profile = parseLoadProfile(readFileSync(sidecarOf(NOTES), 'utf8'), sidecarOf(NOTES), bp);
const QC = new URL('../../blueprints/quantchat.yaml', import.meta.url).pathname;

describe('interpreter', () => {
  it('walks the same weighted round-robin order as the embedded driver', () => {
    const weights = [30, 25, 6, 6, 3, 3, 3, 2, 4, 3, 6, 4, 2, 1, 2];
    const { cycle, rank, perCycle } = lpCycle(weights);
    const pick = weightedPicker(weights);
    const seen = weights.map(() => 0);
    for (let p = 0; p < 3 * cycle.length; p++) {
      const k = pick();
      expect(k).toBe(cycle[p % cycle.length]);
      // the position's number within its operation, as k6 computes it
      expect(seen[k]).toBe(Math.floor(p / cycle.length) * perCycle[k]! + rank[p % cycle.length]!);
      seen[k]!++;
    }
    expect(integerWeights([0.5, 1.25])).toEqual([2, 5]);
  });

  it('renders templates: typed whole values, interpolation, pick/next/fill, missing paths as errors', () => {
    const scope = { user: { id: 7, list: ['a', 'b'] }, opSeq: 3, random: () => 0.99 };
    expect(lpRender({ n: '{{user.id}}', s: 'id-{{user.id}}', p: '{{pick(user.list)}}', x: '{{next(user.list)}}', f: '{{fill(3)}}' }, scope)).toEqual({ n: 7, s: 'id-7', p: 'b', x: 'b', f: 'xxx' });
    expect(() => lpRender('{{user.nope}}', scope)).toThrow(/nothing at "user.nope"/);
    expect(() => lpRender('{{eval(1)}}', scope)).toThrow(/unknown function eval/);
  });

  it('fills {param}s with encoding and sends the default token', () => {
    const plan = scenarioPlan(bp, { 'notes.get': 1 }, { rate: 1, users: null, duration: 1, warmup: 0 }, profile);
    const r = lpRequest(plan.operations[0]!, { users: [{ name: 'u', token: 'T', notes: ['a/b'] }], pool: {} }, { seq: 0, opSeq: 0, random: () => 0 }, profile.token);
    expect(r).toEqual({ method: 'GET', path: '/notes/a%2Fb', headers: { authorization: 'Bearer T' } });
  });

  it('is plain JavaScript without template literals (k6 and Node run the same text)', () => {
    expect(RUNTIME_SOURCE).not.toMatch(/`/);
    expect(() => new Function(RUNTIME_SOURCE)).not.toThrow();
  });
});

describe('load profile files', () => {
  it('QuantChat: every operation of the workload has a valid request', () => {
    const qc = loadBlueprint(QC).blueprint;
    const p = parseLoadProfile(readFileSync(sidecarOf(QC), 'utf8'), sidecarOf(QC), qc);
    const plan = scenarioPlan(qc, qc.workload!.mix, { rate: 50, users: null, duration: 15, warmup: 0 }, p);
    expect(plan.operations.map((o) => o.id).sort()).toEqual(Object.keys(qc.workload!.mix).sort());
    expect(plan.placeholder).toBe(false);
  });

  it('positions problems: unknown operations, bad keys', () => {
    const bad = 'apiVersion: archsim/v1\nkind: LoadProfile\nrequests:\n  notes.nope: {}\n  notes.get: { prams: {} }\n';
    try {
      parseLoadProfile(bad, 'x.load.yaml', bp);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as Error).message).toMatch(/x\.load\.yaml:5:\d+: .*unknown key \(did you mean "params"\?\)/);
      expect((e as Error).message).not.toContain('prams');
    }
    const unknownOp = 'apiVersion: archsim/v1\nkind: LoadProfile\nrequests:\n  notes.nope: {}\n';
    expect(() => parseLoadProfile(unknownOp, 'x.load.yaml', bp)).toThrow(/x\.load\.yaml:4:3: .*"notes.nope" is not a public operation of notes/);
  });

  it('a route {param} without a value is an error before any request', () => {
    const p = parseLoadProfile('apiVersion: archsim/v1\nkind: LoadProfile\n', 'y.load.yaml', bp);
    expect(() => scenarioPlan(bp, { 'notes.get': 1 }, { rate: 1, users: null, duration: 1, warmup: 0 }, p)).toThrow(/requests\.notes\.get\.params\.id is missing/);
  });
});

describe('a user system, both drivers', () => {
  it('the embedded driver: setup signs up, logs in and seeds; every request valid', async () => {
    const s = await startNotesServer();
    try {
      const plan = scenarioPlan(bp, bp.workload!.mix, { rate: 40, users: null, duration: 2, warmup: 0 }, profile);
      const report = await runDriver(createScenario(plan), { baseUrl: s.url, model: 'open', rate: 40, duration: 2, precise: false });
      expect(report.totals.errors.total).toBe(0);
      expect(report.operations.map((o) => [o.id, o.requests])).toEqual([['notes.create', 20], ['notes.get', 60]]);
      expect([...s.rejected.entries()]).toEqual([]);
      expect(s.counts.get('POST /signup')).toBe(4);
    } finally {
      await s.stop();
    }
  }, 60_000);

  const k6 = findK6();
  it.skipIf(!k6)(`real k6 runs the generated script: setup() logs in, BASE_URL is the target, 0 failed checks${k6 ? '' : ' (skipped: no k6 on PATH and no K6_BIN)'}`, async () => {
    const s = await startNotesServer();
    try {
      const script = k6Script(bp, 'single', { rate: 12.5, duration: 2000, warmup: 1200, profile });
      const run = await runK6({ script, operations: ['notes.create', 'notes.get'], exports: K6_SCRIPT_EXPORTS, target: s.url, k6: k6! });
      expect(run.exitCode, run.stderr.slice(-500)).toBe(0);
      expect([...s.rejected.entries()]).toEqual([]);
      // 12.5/s exactly: 25 measured requests in 2 s, 15 warm-up requests left out of the figures.
      expect(run.summary.totals.requests).toBe(25);
      expect(run.summary.operations.map((o) => [o.id, o.requests])).toEqual([['notes.create', 6], ['notes.get', 19]]);
      expect(run.summary.checks).toEqual({ passes: 25, fails: 0 });
      const sent = (s.counts.get('POST /notes') ?? 0) + (s.counts.get('GET /notes/{id}') ?? 0);
      expect(sent).toBe(25 + 15 + 8); // measured + warm-up + two seeded notes per user
      expect([...s.hosts]).toEqual([new URL(s.url).host]);
      expect([...run.counts.hosts!.keys()]).toEqual([new URL(s.url).host]);
      expect(run.summary.thresholds.map((t) => t.metric).sort()).toEqual(['checks{phase:measure}', 'http_req_duration{operation:notes.create}', 'http_req_duration{operation:notes.get}', 'http_req_failed{phase:measure}']);
    } finally {
      await s.stop();
    }
  }, 120_000);
});
