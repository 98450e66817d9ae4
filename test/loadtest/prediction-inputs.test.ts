// What a prediction takes from the runs besides CPU per operation: the host they had (pinned
// cores, the driver on or off them), the runtime's HTTP costs (network and gateway CPU), the
// latency the CPU figures leave unexplained (a wait), and saved runs to predict from again.
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadBlueprint } from '../../src/io/load.js';
import { ColdVisit } from '../../src/simulate/cold-visit.js';
import { applyCalibration, calibrate, coldAtRuns, firstVisitShare, hopCounts, instrumentedDemands, lowerMedian, overlayYaml, residualWaits, splitUnattributed } from '../../src/loadtest/calibrate.js';
import { resolveBlueprint } from '../../src/model/resolve.js';
import { arrivalsOf, cpuListSize, hostOfRuns } from '../../src/loadtest/host-of-runs.js';
import type { PlatformCosts } from '../../src/loadtest/platform.js';
import { LoadTestResult } from '../../src/loadtest/result.js';
import { parseSavedRuns } from '../../src/loadtest/validate-model.js';
import { simulate } from '../../src/simulate/simulate.js';
import { archsim, ROOT } from '../helpers/cli.js';

const BP = join(ROOT, 'blueprints/quantchat.yaml');
const bp = loadBlueprint(BP).blueprint;

function run(o: { pinning?: { driver: string | null; sut: string | null } | null; driverCpu?: number; requests?: number; p50?: number; windowsP50?: number[]; rate?: number }): LoadTestResult {
  const requests = o.requests ?? 1000;
  const rate = o.rate ?? 20;
  const p50 = o.p50 ?? 10;
  const latency = { min: 1, mean: p50, p50, p90: p50 * 1.5, p95: p50 * 2, p99: p50 * 3, max: p50 * 4 };
  return LoadTestResult.parse({
    schemaVersion: 1,
    run: { blueprint: 'quantchat', layout: 'monolith', target: 'http://127.0.0.1:8000', driver: 'embedded', model: 'open', rate, connections: 64, duration: requests / rate, started: '2026-11-30T00:00:00.000Z', machine: { cores: 4, cpuModel: 'x', node: 'v20' }, pinning: o.pinning ?? null },
    operations: [{ id: 'users.get', requests, throughput: rate, errors: { total: 0, byKind: {} }, latency }],
    totals: { requests, throughput: rate, errors: { total: 0, byKind: {} }, latency, dropped: 0 },
    processes: [{ unit: 'backend', role: 'unit', pid: 1, cpuSeconds: requests * 0.001, cpuUtilization: 0.02, rssMaxMiB: 80 }],
    driver: o.driverCpu === undefined ? null : { pid: 2, cpuSeconds: (o.driverCpu * requests) / 1000, cpuUtilization: 0.01, rssMaxMiB: 60 },
    windows: (o.windowsP50 ?? []).map((w, index) => ({
      index,
      started: '2026-11-30T00:00:00.000Z',
      duration: 5,
      warmup: 0,
      operations: [{ id: 'users.get', requests: 100, throughput: rate, p50: w, p95: w * 2, errors: 0 }],
      totals: { requests: 100, throughput: rate, p50: w, p95: w * 2, errors: 0 },
      processes: [],
      driverCpuSeconds: null,
    })),
  });
}

// Runs a bench saved (2026-12-01 15:10, on a contended machine), kept as they were: the bench
// rewrites reports/validate-model-runs.json each time, and these tests read figures that depend on them.
const SAVED_RUNS = join(ROOT, 'test/fixtures/validate-model-runs-2026-12-01T1510.json');

describe('the host the runs had', () => {
  it('counts the cores of a taskset list', () => {
    expect(cpuListSize('0')).toBe(1);
    expect(cpuListSize('0-2')).toBe(3);
    expect(cpuListSize('0,2-3')).toBe(3);
    expect(cpuListSize('1,3,5')).toBe(3);
  });

  it('pinned runs: the system has only its own cores, and the driver is not on them', () => {
    expect(hostOfRuns([run({ pinning: { driver: '3', sut: '0-2' }, driverCpu: 0.3 })])).toEqual({ cores: 3, driverCpu: 0, idleSlowdown: 0 });
    expect(hostOfRuns([run({ pinning: { driver: '1', sut: '0' } })])).toEqual({ cores: 1, driverCpu: 0, idleSlowdown: 0 });
  });

  it('unpinned runs: every core of the machine, shared with the driver at its median CPU per request', () => {
    const h = hostOfRuns([run({ driverCpu: 0.2 }), run({ driverCpu: 0.4 }), run({ driverCpu: 0.3 })]);
    expect(h.cores).toBe(4);
    expect(h.driverCpu).toBeCloseTo(0.3, 9);
    // Runs pinned differently are not one host: treated as unpinned.
    expect(hostOfRuns([run({ pinning: { driver: '1', sut: '0' }, driverCpu: 0.1 }), run({ pinning: { driver: '3', sut: '0-2' }, driverCpu: 0.1 })]).cores).toBe(4);
  });

  it('a pinned host of one core saturates at half the rate of two cores', () => {
    const one = simulate(bp, 'monolith', { method: 'analytic', rate: 1, host: { cores: 1, driverCpu: 0 } }).saturationThroughput;
    const two = simulate(bp, 'monolith', { method: 'analytic', rate: 1, host: { cores: 2, driverCpu: 0 } }).saturationThroughput;
    expect(two / one).toBeGreaterThan(1.5);
    expect(two / one).toBeLessThanOrEqual(2.0001);
  });
});

describe('platform costs in a calibration overlay', () => {
  const platform: PlatformCosts = {
    kind: 'archsim-platform',
    machine: { cores: 2, cpuModel: 'x', node: 'v20' },
    measured: '2026-11-30T00:00:00.000Z',
    loadAverage: 0.1,
    http: { clientPerCallMs: 0.16, serverPerCallMs: 0.15, clientPerKiBMs: 0.004, serverPerKiBMs: 0.006, requests: 4000, payloads: [64, 16384] },
    network: { cpuPerCall: 0.155, cpuPerKiB: 0.005 },
    notes: [],
  };

  it('sets every layout’s network CPU, and a gateway’s CPU per request only where the layout has a gateway', () => {
    const cal = calibrate(bp, [run({})], { layout: 'monolith', residualWaits: false });
    const dir = mkdtempSync(join(tmpdir(), 'archsim-plat-'));
    const file = join(dir, 'o.yaml');
    writeFileSync(file, overlayYaml(bp, cal, { extendsPath: BP, sources: ['monolith at 20/s'], platform }));
    const doc = parse(readFileSync(file, 'utf8')) as { layouts: Record<string, { network: unknown; gateway?: { cpu: string } }> };
    for (const [name, l] of Object.entries(bp.layouts)) {
      expect(doc.layouts[name]!.network, name).toEqual({ cpuPerCall: '0.155ms', cpuPerKiB: '5us' });
      if (l.gateway) {
        // One call's client and server side, per KiB at the default request and response sizes.
        const kib = (bp.system.defaults.payload.request + bp.system.defaults.payload.response) / 1024;
        expect(doc.layouts[name]!.gateway!.cpu).toBe(`${Math.round((0.16 + 0.15 + kib * 0.01) * 10000) / 10000}ms`);
      } else expect(doc.layouts[name]!.gateway, name).toBeUndefined();
    }
    const loaded = loadBlueprint(file).blueprint;
    expect(loaded.layouts['microservices']!.gateway!.cpu.mean).toBeCloseTo(0.31 + ((bp.system.defaults.payload.request + bp.system.defaults.payload.response) / 1024) * 0.01, 4);
    expect(loaded.layouts['monolith']!.gateway).toBeUndefined();
  });

  it('takes the reference gateway’s own measured CPU per request when the platform file has it', () => {
    const cal = calibrate(bp, [run({})], { layout: 'monolith', residualWaits: false });
    const dir = mkdtempSync(join(tmpdir(), 'archsim-plat-'));
    const file = join(dir, 'o.yaml');
    writeFileSync(file, overlayYaml(bp, cal, { extendsPath: BP, sources: ['monolith at 20/s'], platform: { ...platform, gateway: { perRequestMs: 0.83, requests: 2000 }, paceMs: 2 } }));
    const kib = (bp.system.defaults.payload.request + bp.system.defaults.payload.response) / 1024;
    const loaded = loadBlueprint(file).blueprint;
    // 0.83 measured, not 0.16 + 0.15 (one bare call's two sides)
    expect(loaded.layouts['microservices']!.gateway!.cpu.mean).toBeCloseTo(0.83 + kib * 0.01, 4);
  });

  it('says how to simulate the host when the platform found it sharing per process, and only then', () => {
    const cal = calibrate(bp, [run({})], { layout: 'monolith', residualWaits: false });
    const text = (p: PlatformCosts) => overlayYaml(bp, cal, { extendsPath: BP, sources: ['monolith at 20/s'], platform: p });
    const line = "# This machine shares a core per process (Linux's autogroup: a one-thread process beside a two-thread one ran 50% of it): simulate it on this host with --host-cores N --cpu-sharing process.";
    expect(text({ ...platform, cpuSharing: { rule: 'process', oneThreadShare: 0.5, seconds: 1 } }).split('\n')).toContain(line);
    expect(text({ ...platform, cpuSharing: { rule: 'thread', oneThreadShare: 0.34, seconds: 1 } })).not.toContain('per process');
    expect(text(platform)).not.toContain('per process');
  });
});

describe('latency the CPU figures leave unexplained', () => {
  it('becomes the operation’s wait: the least-loaded run’s measured p50 minus the calibrated prediction (of the run as the driver sent it: paced arrivals)', () => {
    const cal = calibrate(bp, [run({ p50: 5 })], { layout: 'monolith', residualWaits: false });
    const base = simulate(applyCalibration(bp, cal.operations, 'monolith'), 'monolith', { method: 'des', rate: 20, arrivals: 'paced', mix: { 'users.get': 1 }, duration: 60_000, warmup: 5_000, seed: 1, host: { cores: 4, driverCpu: 0.05 } });
    const predicted = base.operations.find((o) => o.id === 'users.get')!.latency.p50;
    const measured = predicted + 3;
    const { waits } = residualWaits(bp, 'monolith', cal.operations, [run({ p50: measured })]);
    expect(waits.get('users.get')).toBeCloseTo(3, 1);
    // The overlay carries it, and the calibrated blueprint then predicts the measured p50.
    const full = calibrate(bp, [run({ p50: measured })], { layout: 'monolith' });
    expect(full.operations.find((o) => o.id === 'users.get')!.waitMs).toBeCloseTo(3, 1);
    const again = simulate(applyCalibration(bp, full.operations, 'monolith'), 'monolith', { method: 'des', rate: 20, arrivals: 'paced', mix: { 'users.get': 1 }, duration: 60_000, warmup: 5_000, seed: 1, host: { cores: 4, driverCpu: 0.05 } });
    expect(again.operations.find((o) => o.id === 'users.get')!.latency.p50).toBeCloseTo(measured, 0);
  });

  it('is measured against the run as the driver sent it (evenly spaced), not against Poisson arrivals, which queue far more near capacity', () => {
    const busy = run({ rate: 700, requests: 7000, p50: 5 });
    expect(arrivalsOf(busy)).toEqual({ arrivals: 'paced' });
    expect(arrivalsOf(LoadTestResult.parse({ ...busy, run: { ...busy.run, model: 'closed', rate: null } }))).toEqual({});
    const cal = calibrate(bp, [busy], { layout: 'monolith', residualWaits: false });
    const at = (arrivals: 'poisson' | 'paced') =>
      simulate(applyCalibration(bp, cal.operations, 'monolith'), 'monolith', { method: 'des', rate: 700, arrivals, mix: { 'users.get': 1 }, duration: 60_000, warmup: 5_000, seed: 1, host: { cores: 4, driverCpu: 0.05 } }).operations.find((o) => o.id === 'users.get')!.latency.p50;
    const paced = at('paced');
    const poisson = at('poisson');
    expect(poisson - paced).toBeGreaterThan(0.3);
    const { waits } = residualWaits(bp, 'monolith', cal.operations, [run({ rate: 700, requests: 7000, p50: paced + 2 })]);
    expect(waits.get('users.get')).toBeCloseTo(2, 1);
  });

  it('reads the windows’ median of a replicated run (a window disturbed from outside does not become a wait), and never a negative wait', () => {
    const cal = calibrate(bp, [run({})], { layout: 'monolith', residualWaits: false });
    // two windows: the lower one; here below the prediction, so no wait at all
    const quiet = residualWaits(bp, 'monolith', cal.operations, [run({ p50: 400, windowsP50: [800, 0.001] })]);
    expect(quiet.waits.has('users.get')).toBe(false);
    // three windows, one disturbed (800 ms): the middle one's gap, not the disturbed one's nor the least's
    const base = residualWaits(bp, 'monolith', cal.operations, [run({ p50: 5, windowsP50: [5, 5, 5] })]).waits.get('users.get') ?? 0;
    const three = residualWaits(bp, 'monolith', cal.operations, [run({ p50: 400, windowsP50: [800, 5, 7] })]);
    expect(three.waits.get('users.get')).toBeCloseTo(base + 2, 3);
    expect(lowerMedian([800, 5, 7])).toBe(7);
    expect(lowerMedian([3, 1, 4, 2])).toBe(2);
    expect(lowerMedian([9])).toBe(9);
    const closed = residualWaits(bp, 'monolith', cal.operations, [LoadTestResult.parse({ ...run({}), run: { ...run({}).run, model: 'closed', rate: null } })]);
    expect(closed.waits.size).toBe(0);
    expect(closed.note).toMatch(/no open-model run/);
  });
});

describe('saved runs', () => {
  it('parses what --runs-out writes and names the field of a bad file', () => {
    const saved = { kind: 'archsim/validate-model-runs', blueprint: 'quantchat', layouts: { monolith: { capacity: run({}), levels: [run({})] } } };
    expect(parseSavedRuns(JSON.stringify(saved), 'runs.json').layouts['monolith']!.levels).toHaveLength(1);
    expect(() => parseSavedRuns('{', 'runs.json')).toThrow(/^runs\.json: not JSON$/);
    expect(() => parseSavedRuns(JSON.stringify({ ...saved, kind: 'x' }), 'runs.json')).toThrow(/^runs\.json: kind: /);
    expect(() => parseSavedRuns(JSON.stringify({ ...saved, layouts: { monolith: { capacity: run({}), levels: [] } } }), 'runs.json')).toThrow(/layouts\.monolith\.levels/);
  });

  it('validate-model --from-runs refuses runs of another blueprint or missing a layout with one line, exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-runs-'));
    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ kind: 'archsim/validate-model-runs', blueprint: 'hotel', layouts: { monolith: { capacity: run({}), levels: [run({})] } } }));
    const r = archsim(['validate-model', 'blueprints/quantchat.yaml', '--predict', 'microservices', '--from-runs', other]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/measured blueprint "hotel", not "quantchat"/);
    const partial = join(dir, 'partial.json');
    writeFileSync(partial, JSON.stringify({ kind: 'archsim/validate-model-runs', blueprint: 'quantchat', layouts: { monolith: { capacity: run({}), levels: [run({})] } } }));
    const p = archsim(['validate-model', 'blueprints/quantchat.yaml', '--predict', 'microservices', '--from-runs', partial]);
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/no measurement of layout "microservices"/);
    expect(p.stderr).not.toMatch(/\n\s+at /);
  });

  it('validate-model --from-runs from another working directory: its own calibrated overlay (in a temporary folder) loads back the blueprint it extends', () => {
    // The overlay extends the user's blueprint by its absolute path; neither the temporary folder
    // nor this working directory holds it, which the extends: confinement refused (exit 2) for any
    // user not running from the blueprint's own folder or above it.
    const elsewhere = mkdtempSync(join(tmpdir(), 'archsim-cwd-'));
    const r = archsim(['validate-model', join(ROOT, 'blueprints/quantchat.yaml'), '--predict', 'modular-monolith', '--from-runs', SAVED_RUNS, '--json'], { cwd: elsewhere });
    expect(r.stderr).not.toMatch(/outside the folder/);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { directions: { layouts: { layout: string }[] }[] };
    expect(out.directions[0]!.layouts.map((l) => l.layout)).toEqual(['monolith', 'modular-monolith']);
    // A base the run did not load is still confined: the overlay's trust is that one file.
    const other = join(elsewhere, 'other.yaml');
    writeFileSync(other, `extends: ${join(ROOT, 'blueprints/chatpop.yaml')}\n`);
    const refused = archsim(['validate', other], { cwd: tmpdir() });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/outside the folder/);
  });

  it('validate-model --from-runs: the saved runs’ text reaches the terminal with its control characters escaped, and the HTML page escaped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-runs-'));
    const saved = JSON.parse(readFileSync(SAVED_RUNS, 'utf8'));
    for (const l of Object.values(saved.layouts) as { capacity: { run: { method: string; notes: string[] } }; levels: { run: { method: string; notes: string[] } }[] }[])
      for (const x of [l.capacity, ...l.levels]) {
        x.run.method += ' <b>bold</b>\u001b]0;owned\u0007';
        x.run.notes.push('<img src=x onerror=alert(1)>\u001b[2J');
      }
    const runs = join(dir, 'runs.json');
    writeFileSync(runs, JSON.stringify(saved));
    const html = join(dir, 'page.html');
    const r = archsim(['validate-model', 'blueprints/quantchat.yaml', '--predict', 'modular-monolith', '--from-runs', runs, '--html', html]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('<b>bold</b>\\x1b]0;owned\\x07');
    expect(r.stdout + r.stderr).not.toContain('\u001b');
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(page).not.toMatch(/<b>bold|<img src=x|\u001b/);
  });

  it('validate-model --from-runs says which layouts were profiled before replies were charged to their sender, and says nothing of runs profiled since', () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-runs-'));
    const saved = JSON.parse(readFileSync(SAVED_RUNS, 'utf8'));
    const runs = join(dir, 'runs.json');
    const note = /profiled before replies were charged to the operation that sent the request/;
    const older = archsim(['validate-model', 'blueprints/quantchat.yaml', '--predict', 'modular-monolith', '--from-runs', SAVED_RUNS]);
    expect(older.code, older.stderr).toBe(0);
    // the layouts this prediction reads: the calibration's and the predicted one
    expect(older.stderr).toMatch(/note: the per-operation CPU of monolith, modular-monolith was profiled before/);
    // every profile of every layout's runs says "sender": no note; one layout that does not: that one named
    type Run = { profile: { replies?: string }[] };
    for (const l of Object.values(saved.layouts) as { capacity: Run; levels: Run[] }[]) for (const x of [l.capacity, ...l.levels]) for (const p of x.profile) p.replies = 'sender';
    writeFileSync(runs, JSON.stringify(saved));
    const newer = archsim(['validate-model', 'blueprints/quantchat.yaml', '--predict', 'modular-monolith', '--from-runs', runs]);
    expect(newer.code, newer.stderr).toBe(0);
    expect(newer.stdout + newer.stderr).not.toMatch(note);
    delete saved.layouts['modular-monolith'].levels[1].profile[0].replies;
    writeFileSync(runs, JSON.stringify(saved));
    expect(archsim(['validate-model', 'blueprints/quantchat.yaml', '--predict', 'modular-monolith', '--from-runs', runs]).stderr).toMatch(/note: the per-operation CPU of modular-monolith was profiled before/);
  });

  it('validate-model --idle-model: the platform’s cold-visit table by default, the fitted idle slowdown on request, anything else one line and exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-runs-'));
    const saved = JSON.parse(readFileSync(SAVED_RUNS, 'utf8'));
    saved.platform.coldVisit = { table: { gapMs: [3, 10, 30, 100], extraMs: [0.05, 0.2, 0.35, 0.6] }, basePaceMs: 2, idleMsPerS: 0.7, points: [] };
    const runs = join(dir, 'runs.json');
    writeFileSync(runs, JSON.stringify(saved));
    const args = ['validate-model', 'blueprints/quantchat.yaml', '--predict', 'modular-monolith', '--from-runs', runs, '--json'];
    const cold = archsim(args);
    expect(cold.code).toBe(0);
    const c = JSON.parse(cold.stdout);
    expect(c.directions[0].coldVisit).toEqual(saved.platform.coldVisit.table);
    expect(c.directions[0].idleSlowdown).toBeNull();
    expect(c.notes.some((n: string) => n.includes("pays the platform's cold-visit table (+0.05 ms after 3 ms, +0.2 ms after 10 ms, +0.35 ms after 30 ms, +0.6 ms after 100 ms)"))).toBe(true);
    const slow = archsim([...args, '--idle-model', 'slowdown']);
    expect(slow.code).toBe(0);
    const s = JSON.parse(slow.stdout);
    expect(s.directions[0].coldVisit).toBeNull();
    expect(s.directions[0].idleSlowdown).toBeGreaterThan(0);
    // the two models give different predictions from the same runs
    expect(s.directions[0].layouts[0].maxThroughput.predicted).not.toBeCloseTo(c.directions[0].layouts[0].maxThroughput.predicted, 0);
    const bad = archsim([...args, '--idle-model', 'warm']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual(['archsim: --idle-model: "warm" is not cold or slowdown']);
    for (const v of ['-1', 'many', '100001']) {
      const r = archsim([...args, '--min-requests', v]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([`archsim: --min-requests ${v}: expected a whole number from 0 to 100000`]);
    }
  });

  it('validate-model --pool-weight: the thread pools’ share of the host in the calibration and every prediction; default the measured one; out of 0–1 one line and exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-runs-'));
    const args = (w: string[], out: string) => ['validate-model', 'blueprints/quantchat.yaml', '--predict', 'modular-monolith', '--from-runs', SAVED_RUNS, '--calibrated-dir', join(dir, out), '--json', ...w];
    const runs = [[], ['--pool-weight', '0'], ['--pool-weight', '1']].map((w, i) => {
      const r = archsim(args(w, `w${i}`));
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout) as { notes: string[]; directions: { overlay: string; layouts: { layout: string; levels: { total: { predicted: { p95: number } } }[] }[] }[] };
    });
    const [byDefault, zero, one] = runs as [(typeof runs)[0], (typeof runs)[0], (typeof runs)[0]];
    expect(byDefault.notes.find((n) => n.startsWith('predictions:'))).toContain('the units’ thread pools at weight 0.5 against the rest: src/simulate/pool-weight.ts');
    expect(one.notes.find((n) => n.startsWith('predictions:'))).toContain('the units’ thread pools at weight 1 against the rest: --pool-weight');
    // The saved runs hash a password at every login on the monolith's one core: with an even
    // share the loop's requests wait longer beside a hash than with the loop first, at every level.
    const p95 = (v: typeof byDefault) => v.directions[0]!.layouts.find((l) => l.layout === 'monolith')!.levels.map((x) => x.total.predicted.p95);
    p95(one).forEach((x, i) => expect(x).toBeGreaterThan(p95(zero)[i]!));
    // The calibration's own fit reads the weight too: the waits it leaves unexplained differ.
    type Overlay = { system: { domains: Record<string, { operations: Record<string, { wait?: { mean: string } }> }> } };
    const waits = (v: typeof byDefault) => {
      const o = parse(readFileSync(v.directions[0]!.overlay, 'utf8')) as Overlay;
      return Object.entries(o.system.domains).flatMap(([d, x]) => Object.entries(x.operations).flatMap(([n, op]) => (op.wait ? [[`${d}.${n}`, parseFloat(op.wait.mean)] as const] : [])));
    };
    // An even share predicts the light run slower, so less of its latency is left as a wait.
    const total = (w: ReturnType<typeof waits>) => w.reduce((a, [, ms]) => a + ms, 0);
    expect(waits(zero).length).toBeGreaterThan(3);
    expect(total(waits(one))).toBeLessThan(total(waits(zero)));
    for (const bad of ['1.5', '-0.1', 'even']) {
      const r = archsim(args(['--pool-weight', bad], 'bad'));
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([`archsim: --pool-weight ${bad}: expected a number from 0 to 1, such as 0.5`]);
    }
  });

  it('validate-model --cpu-sharing and --cpu-slice: the host shared per process or per thread, by default as the platform file found the machine, per process in time slices when asked; said in the notes; a bad value, a pool weight with per-process sharing or slices with thread sharing is one line and exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-runs-'));
    const saved = JSON.parse(readFileSync(SAVED_RUNS, 'utf8'));
    const args = (runs: string, out: string, more: string[] = []) => ['validate-model', 'blueprints/quantchat.yaml', '--predict', 'modular-monolith', '--from-runs', runs, '--calibrated-dir', join(dir, out), '--json', ...more];
    type V = { notes: string[]; directions: { layouts: { layout: string; levels: { total: { predicted: { p95: number } } }[] }[] }[] };
    const run = (a: string[]) => {
      const r = archsim(a);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as V;
    };
    const note = (v: V) => v.notes.find((n) => n.startsWith('predictions:'))!;
    const p95 = (v: V) => v.directions[0]!.layouts.find((l) => l.layout === 'monolith')!.levels.map((x) => x.total.predicted.p95);
    // The fixture's platform file predates the measurement: thread sharing, as before.
    const thread = run(args(SAVED_RUNS, 't'));
    expect(note(thread)).toContain('the units’ thread pools at weight 0.5');
    const told = run(args(SAVED_RUNS, 'p', ['--cpu-sharing', 'process']));
    expect(note(told)).toContain('(per process, then among each process’s threads: --cpu-sharing; a database connection is a process)');
    expect(p95(told)).not.toEqual(p95(thread));
    // A platform file that measured per-process sharing makes it the default.
    saved.platform.cpuSharing = { rule: 'process', oneThreadShare: 0.5, seconds: 1 };
    const runs = join(dir, 'runs.json');
    writeFileSync(runs, JSON.stringify(saved));
    const measured = run(args(runs, 'm'));
    expect(note(measured)).toContain('as the platform measurement found this machine');
    expect(p95(measured)).toEqual(p95(told));
    expect(p95(run(args(runs, 'mt', ['--cpu-sharing', 'thread'])))).toEqual(p95(thread));
    // The text output says how many predicted figures fall inside the measurement's own interval.
    const text = archsim(args(runs, 'txt').filter((x) => x !== '--json'));
    expect(text.stdout).toMatch(/inside the measurement's own 95% interval \(over its windows\): p50 \d+%, p95 \d+% of the predicted layouts' \d+ operation-levels/);
    // Time slices (--cpu-slice): per process only; said in the note; other figures than continuous sharing.
    const sliced = run(args(runs, 's', ['--cpu-slice', '3ms']));
    expect(note(sliced)).toContain('a database connection is a process; handed out in 3 ms time slices: --cpu-slice)');
    expect(p95(sliced)).not.toEqual(p95(measured));
    for (const [more, line] of [
      [['--cpu-sharing', 'core'], 'archsim: --cpu-sharing core: expected thread or process'],
      [['--pool-weight', '1'], 'archsim: --pool-weight weighs the thread pools in thread sharing; the host here shares per process (as the platform measurement found this machine): give --cpu-sharing thread with it'],
      [['--cpu-sharing', 'thread', '--cpu-slice', '3ms'], 'archsim: --cpu-slice hands the cores out per process; the host here shares per thread (--cpu-sharing thread): give --cpu-sharing process with it'],
      [['--cpu-slice', 'soon'], 'archsim: --cpu-slice soon: expected a positive duration such as 30 (seconds), 30s, 500ms or 2m'],
      [['--cpu-slice', '3'], 'archsim: --cpu-slice 3: a time slice is at most 1s; give a unit, e.g. 3ms'],
    ] as const) {
      const r = archsim(args(runs, 'bad', [...more]));
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([line]);
    }
  });

  it('validate-model --platform-costs predicts with this machine’s platform file in place of the saved one; another machine’s, or a broken file, is one line and exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-runs-'));
    const saved = JSON.parse(readFileSync(SAVED_RUNS, 'utf8'));
    const runs = join(dir, 'runs.json');
    writeFileSync(runs, JSON.stringify(saved));
    const args = ['validate-model', 'blueprints/quantchat.yaml', '--predict', 'microservices', '--from-runs', runs, '--json'];
    const own = archsim(args);
    expect(own.code).toBe(0);
    // The same platform with HTTP calls three times dearer, measured "on this machine".
    const dear = structuredClone(saved.platform);
    dear.machine = { cores: availableParallelism(), cpuModel: cpus()[0]!.model.trim(), node: process.version };
    dear.measured = '2026-12-03T10:00:00.000Z';
    for (const k of ['clientPerCallMs', 'serverPerCallMs'] as const) dear.http[k] *= 3;
    dear.network.cpuPerCall *= 3;
    const file = join(dir, 'platform.json');
    writeFileSync(file, JSON.stringify(dear));
    const r = archsim([...args, '--platform-costs', file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`platform costs from ${file} (measured 2026-12-03T10:00:00.000Z), not measured again`);
    const v = JSON.parse(r.stdout);
    expect(v.notes.find((n: string) => n.startsWith('network and gateway CPU'))).toContain(`(${file}, measured 2026-12-03T10:00:00.000Z): ${dear.http.clientPerCallMs} ms (client) + ${dear.http.serverPerCallMs} ms (server) per HTTP call`);
    // Dearer calls: microservices (every hop an HTTP call) predicted slower, and no faster at capacity.
    const micro = (x: { directions: { layouts: { layout: string; levels: { total: { predicted: { p50: number } } }[]; maxThroughput: { predicted: number } }[] }[] }) => x.directions[0]!.layouts.find((l) => l.layout === 'microservices')!;
    const base = micro(JSON.parse(own.stdout));
    expect(micro(v).levels[0]!.total.predicted.p50).toBeGreaterThan(base.levels[0]!.total.predicted.p50 * 1.05);
    expect(micro(v).maxThroughput.predicted).toBeLessThan(base.maxThroughput.predicted);
    // Another machine's measurement would price every call wrongly: refused.
    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ ...dear, machine: { ...dear.machine, cores: 999 } }));
    const o = archsim([...args, '--platform-costs', other]);
    expect(o.code).toBe(2);
    expect(o.stderr.trim().split('\n')).toEqual([`archsim: --platform-costs: ${other}: measured on another machine (999 cores, this machine ${availableParallelism()}); measure this one: archsim calibrate --platform -o FILE`]);
    // Hostile: not JSON, and JSON of the wrong shape.
    const junk = join(dir, 'junk.json');
    writeFileSync(junk, '{"kind": "archsim-platform", ');
    const j = archsim([...args, '--platform-costs', junk]);
    expect(j.code).toBe(2);
    expect(j.stderr.trim().split('\n')).toHaveLength(1);
    expect(j.stderr).toMatch(/--platform-costs: .*junk\.json: cannot read it as JSON/);
    writeFileSync(junk, JSON.stringify({ ...dear, http: { ...dear.http, clientPerCallMs: -1 } }));
    const w = archsim([...args, '--platform-costs', junk]);
    expect(w.code).toBe(2);
    expect(w.stderr.trim().split('\n')).toHaveLength(1);
    expect(w.stderr).toMatch(/junk\.json: http\.clientPerCallMs: /);
  });

  it('validate-model never writes its output through a link (hostile: -o is a symlink to a file outside)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-runs-'));
    const runs = join(dir, 'runs.json');
    writeFileSync(runs, JSON.stringify({ kind: 'archsim/validate-model-runs', blueprint: 'quantchat', layouts: { monolith: { capacity: run({}), levels: [run({})] } } }));
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'keep me');
    symlinkSync(victim, join(dir, 'out.json'));
    const r = archsim(['validate-model', 'blueprints/quantchat.yaml', '--calibrate-on', 'monolith', '--predict', 'monolith', '--from-runs', runs, '-o', join(dir, 'out.json'), '--force']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
  });

  it('refuses saved runs filed under another layout than the one they measured (exit 2, the field named)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-runs-'));
    const runs = join(dir, 'runs.json');
    writeFileSync(runs, JSON.stringify({ kind: 'archsim/validate-model-runs', blueprint: 'quantchat', layouts: { monolith: { capacity: run({}), levels: [run({})] }, microservices: { capacity: run({}), levels: [run({})] } } }));
    const r = archsim(['validate-model', 'blueprints/quantchat.yaml', '--predict', 'microservices', '--from-runs', runs]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`archsim: ${runs}: layouts.microservices.capacity.run.layout: "monolith", not "microservices"`);
  });

  describe('--calibrated-dir: where the calibrated blueprints go', () => {
    const savedRuns = (dir: string) => {
      const runs = join(dir, 'runs.json');
      const modular = () => ({ ...run({}), run: { ...run({}).run, layout: 'modular-monolith' } });
      writeFileSync(runs, JSON.stringify({ kind: 'archsim/validate-model-runs', blueprint: 'quantchat', layouts: { monolith: { capacity: run({}), levels: [run({})] }, 'modular-monolith': { capacity: modular(), levels: [modular()] } } }));
      return runs;
    };
    const args = (runs: string, out: string) => ['validate-model', 'blueprints/quantchat.yaml', '--predict', 'modular-monolith', '--reverse', 'modular-monolith', '--from-runs', runs, '--calibrated-dir', out];

    it('writes one per direction there (creating the directory), each a blueprint that loads, and names it in the output', () => {
      const dir = mkdtempSync(join(tmpdir(), 'archsim-caldir-'));
      const out = join(dir, 'new', 'calibrated');
      const r = archsim(args(savedRuns(dir), out));
      expect(r.code, r.stderr).toBe(0);
      for (const l of ['monolith', 'modular-monolith']) {
        const f = join(out, `quantchat.calibrated-on-${l}.yaml`);
        expect(r.stdout).toContain(`calibrated blueprint: ${f}`);
        expect(Object.keys(loadBlueprint(f).blueprint.layouts)).toEqual(Object.keys(bp.layouts));
      }
      // Run again: the files are there, so the command refuses before predicting, and --force overwrites.
      const again = archsim(args(savedRuns(dir), out));
      expect(again.code).toBe(2);
      expect(again.stderr.trim().split('\n')).toEqual([`archsim: ${join(out, 'quantchat.calibrated-on-monolith.yaml')} exists; use --force to overwrite`]);
      expect(archsim([...args(savedRuns(dir), out), '--force']).code).toBe(0);
    });

    it('never writes through a link (hostile: the calibrated blueprint’s name is a symlink to a file outside) and refuses a file as the directory', () => {
      const dir = mkdtempSync(join(tmpdir(), 'archsim-caldir-'));
      const victim = join(dir, 'victim.txt');
      writeFileSync(victim, 'keep me');
      symlinkSync(victim, join(dir, 'quantchat.calibrated-on-monolith.yaml'));
      const r = archsim([...args(savedRuns(dir), dir), '--force']);
      expect(r.code).toBe(2);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(readFileSync(victim, 'utf8')).toBe('keep me');
      const f = archsim(args(savedRuns(dir), victim));
      expect(f.code).toBe(2);
      expect(f.stderr.trim()).toBe(`archsim: --calibrated-dir: ${victim} is not a directory`);
    });
  });
});

describe('calls between units in a calibration on a layout with hops', () => {
  const rb = resolveBlueprint(bp);
  const roots = ['messages.send', 'auth.me'];
  const trees = new Map(roots.map((id) => [id, rb.callTree(id)]));

  it('counts each operation’s direct calls to another unit and the share of its runs that came from another unit', () => {
    const mono = hopCounts(rb.layout('monolith'), trees, new Map(roots.map((id) => [id, 10])));
    expect(mono.remoteOut.size).toBe(0);
    expect(mono.remoteIn.size).toBe(0);
    const micro = rb.layout('microservices');
    const h = hopCounts(micro, trees, new Map(roots.map((id) => [id, 10])));
    for (const [id, n] of h.remoteOut) {
      const here = micro.operations.get(id)!;
      expect(n, id).toBe(here.ref.op.calls.filter((c) => micro.operations.get(c.op)!.unit?.name !== here.unit?.name).length);
    }
    // Every call into auth.verify-token from the message service is remote; from auth's own operations it is not.
    const send = rb.callTree('messages.send').steps.filter((st) => st.callee.id === 'auth.verify-token');
    const me = rb.callTree('auth.me').steps.filter((st) => st.callee.id === 'auth.verify-token');
    expect(send.length).toBeGreaterThan(0);
    expect(h.remoteIn.get('auth.verify-token')).toBeCloseTo(send.length / (send.length + me.length), 9);
  });

  it('takes the server side of remote calls out of the unattributed CPU and the client side out of the caller’s own', () => {
    const profile = (unit: string, ops: { operation: string; cpuSeconds: number; spans: number }[]) => ({ unit, mainThreadCpuSeconds: 1, offMainCpuSeconds: 0, loopSeconds: 1, operations: ops.map((o) => ({ ...o, loopSeconds: o.cpuSeconds, poolTasks: 0, poolSeconds: 0 })) });
    const base = run({});
    const withProfile = (p: ReturnType<typeof profile>[]) => LoadTestResult.parse({ ...base, profile: p });
    const unitOf = rb.layout('microservices').unitOfDomain;
    // auth-service: 100 public auth.me (0.2 s) and 300 verify-token (0.3 s), 0.4 s outside spans.
    const r = withProfile([profile('auth-service', [{ operation: 'auth.me', cpuSeconds: 0.2, spans: 100 }, { operation: 'auth.verify-token', cpuSeconds: 0.3, spans: 300 }, { operation: '(none)', cpuSeconds: 0.4, spans: 0 }])]);
    const plain = instrumentedDemands(bp, [r], 'auth-service', unitOf)!;
    expect(plain.overheadMs).toBeCloseTo(4, 6); // 0.4 s over 100 public calls
    const hops = { clientMs: 0.2, serverMs: 0.5, remoteOut: new Map([['auth.me', 0]]), remoteIn: new Map([['auth.verify-token', 2 / 3]]) };
    const split = instrumentedDemands(bp, [r], 'auth-service', unitOf, hops)!;
    // 200 of the 300 verify-token runs came over the network: 200 × 0.5 ms = 0.1 s is the network's.
    expect(split.overheadMs).toBeCloseTo(3, 6);
    const out = instrumentedDemands(bp, [r], 'auth-service', unitOf, { ...hops, remoteOut: new Map([['auth.me', 1]]) })!;
    expect(out.perOp.get('auth.me')!.cpuMs).toBeCloseTo(2 - 0.2 + 3, 4);
  });

  it('gives the thread pool’s CPU to the operations by their tasks at their least-queued time per task, not by the wall time they waited behind others', () => {
    // The monolith: a password hash (auth.login, 40 ms of pool CPU) and four file reads per
    // download (0.1 ms each). At the low run each task's wall time is its own; at the busy run the
    // reads queued behind hashes (50 ms a read): by wall time they would take ~38% of the pool.
    const op = (operation: string, spans: number, poolTasks: number, poolSeconds: number) => ({ operation, spans, loopSeconds: 0.01, cpuSeconds: 0.01, poolTasks, poolSeconds });
    const at = (poolCpu: number, ops: ReturnType<typeof op>[]) => LoadTestResult.parse({ ...run({}), profile: [{ unit: 'backend', mainThreadCpuSeconds: 1, offMainCpuSeconds: poolCpu, poolThreadsCpuSeconds: poolCpu, loopSeconds: 1, operations: ops }] });
    const low = at(0.404, [op('auth.login', 10, 10, 0.5), op('media.download', 10, 40, 0.004)]);
    const busy = at(0.808, [op('auth.login', 20, 20, 2.0), op('media.download', 20, 80, 4.0)]);
    const d = instrumentedDemands(bp, [low, busy], 'backend', rb.layout('monolith').unitOfDomain)!;
    const work = { login: 30 * 0.05, download: 120 * 0.0001 };
    expect(d.perOp.get('media.download')!.poolMs).toBeCloseTo((1212 * work.download) / (work.login + work.download) / 30, 3);
    expect(d.perOp.get('auth.login')!.poolMs).toBeCloseTo((1212 * work.login) / (work.login + work.download) / 30, 3);
    // close to the truth (0.4 and 40 ms), where the wall-time shares gave the reads 24.9 ms
    expect(d.perOp.get('media.download')!.poolMs).toBeLessThan(0.4);
    expect(d.perOp.get('auth.login')!.poolMs).toBeGreaterThan(40);
    expect(d.perOp.get('auth.login')!.poolMs).toBeLessThan(40.1);
    // together they get all of the pool's CPU
    expect(d.perOp.get('media.download')!.poolMs + d.perOp.get('auth.login')!.poolMs).toBeCloseTo(1212 / 30, 3);
  });

  it('finds whose CPU is the first thing a unit does for an arrival: an in-process callee before its caller, a remote callee at its own unit', () => {
    const ids = ['messages.send', 'auth.login'];
    const trees = new Map(ids.map((id) => [id, rb.callTree(id)]));
    const requests = new Map([['messages.send', 100], ['auth.login', 10]]);
    // monolith: messages.send runs verify-token in process first, then check-contact, then its own CPU
    const mono = firstVisitShare(rb.layout('monolith'), trees, requests);
    expect(Object.fromEntries(mono)).toEqual({ 'auth.verify-token': 1, 'users.check-contact': 0, 'messages.send': 0, 'auth.login': 1 });
    // microservices: both callees arrive over the network at units of their own, and the caller's
    // own CPU follows its remote calls, which left its unit idle for their length: a wake too
    const micro = firstVisitShare(rb.layout('microservices'), trees, requests);
    expect(Object.fromEntries(micro)).toEqual({ 'auth.verify-token': 1, 'users.check-contact': 1, 'messages.send': 1, 'auth.login': 1 });
    // no requests of a root: none of its operations
    expect(firstVisitShare(rb.layout('monolith'), trees, new Map([['auth.login', 5]])).has('messages.send')).toBe(false);
  });

  it('takes out what waking the unit cost at the runs’ pace (the cold-visit table), per request from outside', () => {
    const profile = (unit: string, ops: { operation: string; cpuSeconds: number; spans: number }[]) => ({ unit, mainThreadCpuSeconds: 1, offMainCpuSeconds: 0, loopSeconds: 1, operations: ops.map((o) => ({ ...o, loopSeconds: o.cpuSeconds, poolTasks: 0, poolSeconds: 0 })) });
    const base = run({});
    const r = LoadTestResult.parse({ ...base, profile: [profile('auth-service', [{ operation: 'auth.me', cpuSeconds: 0.2, spans: 100 }, { operation: 'auth.verify-token', cpuSeconds: 0.3, spans: 300 }])] });
    const unitOf = rb.layout('microservices').unitOfDomain;
    const hops = { clientMs: 0, serverMs: 0, remoteOut: new Map<string, number>(), remoteIn: new Map([['auth.verify-token', 2 / 3]]) };
    // a flat table: every wake after any idle gap costs 0.3 ms
    const table = ColdVisit.parse({ gapMs: [1e-6], extraMs: [0.3] });
    const warm = instrumentedDemands(bp, [r], 'auth-service', unitOf, hops)!;
    const cold = instrumentedDemands(bp, [r], 'auth-service', unitOf, hops, { table, workers: 1 })!;
    // 100 public + 200 remote arrivals; the unit busy 0.5 s of the run: (1 − 0.5/T)·0.3 ms each
    const T = r.run.duration;
    const perArrival = (1 - 0.5 / T) * 0.3;
    expect(cold.coldMs).toBeCloseTo(perArrival, 4);
    expect(coldAtRuns(table, 1, [{ publicCalls: 100, servedRemotely: 200, seconds: T, cpu: 0.5 }])).toBeCloseTo(perArrival, 9);
    // auth.me (public: every run woke the unit) pays it all; verify-token two thirds of it
    expect(warm.perOp.get('auth.me')!.cpuMs - cold.perOp.get('auth.me')!.cpuMs).toBeCloseTo(perArrival, 3);
    expect(warm.perOp.get('auth.verify-token')!.cpuMs - cold.perOp.get('auth.verify-token')!.cpuMs).toBeCloseTo((2 / 3) * perArrival, 3);
    // two workers: each sees half the arrivals and half the busy time
    expect(coldAtRuns(table, 2, [{ publicCalls: 100, servedRemotely: 200, seconds: T, cpu: 0.5 }])).toBeCloseTo((1 - 0.25 / T) * 0.3, 9);
    // no arrivals: nothing to take out
    expect(coldAtRuns(table, 1, [{ publicCalls: 0, servedRemotely: 0, seconds: T, cpu: 0.5 }])).toBe(0);
    // A table whose extra grows with the visit's own work (0.3 ms + 2 × own): measured = own +
    // fresh·(1 − U)(0.3 + 2·own), solved for own. auth.me measured 2 ms a call, one wake each.
    const worked = ColdVisit.parse({ gapMs: [1e-6], extraMs: [0.3], workFactor: [2] });
    expect(coldAtRuns(worked, 1, [{ publicCalls: 100, servedRemotely: 200, seconds: T, cpu: 0.5 }], 1.5)).toBeCloseTo((1 - 0.5 / T) * (0.3 + 2 * 1.5), 9);
    const w = instrumentedDemands(bp, [r], 'auth-service', unitOf, hops, { table: worked, workers: 1 })!;
    const idle = 1 - 0.5 / T;
    const me = w.perOp.get('auth.me')!.cpuMs;
    expect(me).toBeCloseTo((warm.perOp.get('auth.me')!.cpuMs - idle * 0.3) / (1 + idle * 2), 3);
    // round trip: the solved figure plus its wake at the runs' pace is what was measured
    expect(me + idle * (0.3 + 2 * me)).toBeCloseTo(warm.perOp.get('auth.me')!.cpuMs, 3);
    const vt = w.perOp.get('auth.verify-token')!.cpuMs;
    expect(vt + (2 / 3) * idle * (0.3 + 2 * vt)).toBeCloseTo(warm.perOp.get('auth.verify-token')!.cpuMs, 3);
    expect(w.coldMs).toBeCloseTo(perArrival, 4);
  });

  it('with the platform’s cold-visit table, calibration charges it and fits no idle slowdown; without one it fits the slowdown', () => {
    const saved = parseSavedRuns(readFileSync(SAVED_RUNS, 'utf8'), SAVED_RUNS);
    const levels = saved.layouts.monolith!.levels;
    // the saved platform measurement without its table (runs saved before it was measured had none)
    const { coldVisit: _table, coldVisitDb: _dbTable, ...platform } = saved.platform!;
    const without = calibrate(bp, levels, { layout: 'monolith', platform });
    expect(without.cold).toBeNull();
    expect(without.host).not.toBeNull();
    const table = ColdVisit.parse({ gapMs: [3, 10, 30, 100], extraMs: [0.05, 0.2, 0.35, 0.6] });
    const withCold = calibrate(bp, levels, { layout: 'monolith', platform: { ...platform, coldVisit: { table, basePaceMs: 2, idleMsPerS: 0.7, points: [] } } });
    expect(withCold.host).toBeNull();
    expect(withCold.cold).toEqual({ table });
    expect(withCold.warnings.some((w) => /^backend: [0-9.]+ ms of CPU per request from outside was its wake-up/.test(w))).toBe(true);
  });

  it('with the platform’s database table, the database’s query figures lose its connections’ wake-ups at the runs’ pace', () => {
    const saved = parseSavedRuns(readFileSync(SAVED_RUNS, 'utf8'), SAVED_RUNS);
    const levels = saved.layouts.monolith!.levels;
    const { coldVisit: _table, coldVisitDb: _dbTable, ...platform } = saved.platform!;
    const dbTable = ColdVisit.parse({ gapMs: [4, 13, 47, 148], extraMs: [0.06, 0.16, 0.24, 0.29] });
    // both with the process table, so neither fits the idle slowdown: only the database table differs
    const table = ColdVisit.parse({ gapMs: [3, 10, 30, 100], extraMs: [0.05, 0.2, 0.35, 0.6] });
    const base = { ...platform, coldVisit: { table, basePaceMs: 2, idleMsPerS: 0.7, points: [] } };
    const without = calibrate(bp, levels, { layout: 'monolith', platform: base, residualWaits: false });
    const withDb = calibrate(bp, levels, { layout: 'monolith', platform: { ...base, coldVisitDb: { table: dbTable, basePaceMs: 2, idleMsPerS: 0, points: [] } }, residualWaits: false });
    expect(without.cold).toEqual({ table });
    expect(withDb.cold).toEqual({ table, dbTable });
    // and the database table alone also turns the idle slowdown off (it models the same fall)
    expect(calibrate(bp, levels, { layout: 'monolith', platform: { ...platform, coldVisitDb: { table: dbTable, basePaceMs: 2, idleMsPerS: 0, points: [] } }, residualWaits: false }).host).toBeNull();
    const line = withDb.warnings.find((w) => /^postgres: [0-9.]+ ms of CPU per request was its connections' wake-up at the runs' pace/.test(w));
    expect(line).toBeDefined();
    const perRequest = Number(/^postgres: ([0-9.]+) ms/.exec(line!)![1]);
    // a few fresh queries a request, each at most the table's largest extra
    expect(perRequest).toBeGreaterThan(0.01);
    expect(perRequest).toBeLessThan(10 * 0.29);
    // the database's fitted CPU over the runs (per-request figures and per-second background) falls;
    // the units' figures do not move
    const db = (c: typeof without) => {
      const f = c.fits.find((x) => x.kind === 'datastore')!;
      return levels.reduce((a, r) => a + f.demands.reduce((b, d) => b + (r.operations.find((o) => o.id === d.op)?.requests ?? 0) * d.measuredMs, 0) / 1000 + (f.idleCpuPerSecond ?? 0) * r.run.duration, 0);
    };
    expect(db(withDb)).toBeLessThan(db(without));
    const unit = (c: typeof without) => c.fits.find((f) => f.kind === 'unit')!.demands.map((d) => d.measuredMs);
    expect(unit(withDb)).toEqual(unit(without));
  });
});

describe('background CPU', () => {
  it('splits CPU outside any operation into a cost per public request and background per second', () => {
    // 0.2 ms per request and 0.03 cores: runs of 10 s at 20/s, 60/s and 120/s.
    const runs = [20, 60, 120].map((rate) => ({ publicCalls: rate * 10, seconds: 10 }));
    const cpu = runs.map((r) => r.publicCalls * 0.0002 + 0.03 * r.seconds);
    const s = splitUnattributed(runs, cpu);
    expect(s.perCallMs).toBeCloseTo(0.2, 6);
    expect(s.background).toBeCloseTo(0.03, 6);
    // One rate cannot tell them apart: all per request.
    const one = splitUnattributed([runs[0]!, runs[0]!], [cpu[0]!, cpu[0]!]);
    expect(one.background).toBe(0);
    expect(one.perCallMs).toBeCloseTo((cpu[0]! * 1000) / 200, 6);
    // CPU that does not grow with the rate (a disturbed window) separates nothing.
    const noisy = splitUnattributed(runs, [cpu[0]!, cpu[0]! * 4, cpu[0]! * 2]);
    expect(noisy.background).toBe(0);
    // No public request at all: all background.
    expect(splitUnattributed([{ publicCalls: 0, seconds: 10 }], [0.4])).toEqual({ perCallMs: 0, background: 0.04 });
  });

  it('goes into the overlay: the calibration layout’s units keep their own, every other layout gets the median per process', () => {
    const cal = calibrate(bp, [run({})], { layout: 'monolith', residualWaits: false });
    const withBg = { ...cal, background: { perUnit: { backend: 0.04 }, perProcess: 0.04, stores: [{ engine: 'postgres', cores: 0.02 }] } };
    const dir = mkdtempSync(join(tmpdir(), 'archsim-bg-'));
    const file = join(dir, 'o.yaml');
    writeFileSync(file, overlayYaml(bp, withBg, { extendsPath: BP, sources: ['monolith at 20/s'] }));
    const loaded = loadBlueprint(file).blueprint;
    expect(loaded.system.defaults.backgroundCpu).toBe(0.04);
    expect(loaded.layouts['monolith']!.units['backend']!.backgroundCpu).toBe(0.04);
    // One PostgreSQL server's idle CPU, shared by a layout's postgres stores.
    for (const [name, l] of Object.entries(loaded.layouts)) {
      const pg = Object.values(l.datastores).filter((d) => d.engine === 'postgres');
      const sum = pg.reduce((a, d) => a + d.backgroundCpu, 0);
      if (pg.length) expect(sum, name).toBeCloseTo(0.02, 3);
    }
    // The same in memory.
    const mem = applyCalibration(bp, cal.operations, 'monolith', withBg.background);
    expect(mem.layouts['microservices']!.units['auth-service']!.backgroundCpu ?? mem.system.defaults.backgroundCpu).toBe(0.04);
  });
});
