// Calibration math on result files with known demands, and the overlay it writes loads as a
// valid blueprint that reproduces those demands.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadBlueprint } from '../../src/io/load.js';
import { applyCalibration, calibrate, nnls, overlayYaml, poolCpuSeconds } from '../../src/loadtest/calibrate.js';
import { LoadTestResult, type LoadTestResultInput } from '../../src/loadtest/result.js';
import { operationIndex, resolveBlueprint } from '../../src/model/resolve.js';
import type { Blueprint } from '../../src/model/schema.js';
import { archsim, ROOT } from '../helpers/cli.js';

const BP = join(ROOT, 'blueprints/quantchat.yaml');
const bp = loadBlueprint(BP).blueprint;

// Demands we pretend the system has: CPU seconds per request on the monolith's process and on
// its PostgreSQL, plus a small idle cost per second of run.
const TRUE_CPU = { 'auth.login': 0.002, 'messages.send': 0.0015, 'users.get': 0.0009 } as const;
const TRUE_DB = { 'auth.login': 0.0003, 'messages.send': 0.0009, 'users.get': 0.0006 } as const;
const IDLE = 0.01;
const IDLE_DB = 0.002;
type Op = keyof typeof TRUE_CPU;

function result(counts: Record<Op, number>, duration: number): LoadTestResult {
  const ops = Object.keys(counts) as Op[];
  const cpu = ops.reduce((a, o) => a + counts[o] * TRUE_CPU[o], IDLE * duration);
  const db = ops.reduce((a, o) => a + counts[o] * TRUE_DB[o], IDLE_DB * duration);
  const latency = { min: 1, mean: 2, p50: 2, p90: 3, p95: 4, p99: 5, max: 9 };
  const total = ops.reduce((a, o) => a + counts[o], 0);
  const r: LoadTestResultInput = {
    schemaVersion: 1,
    run: { blueprint: 'quantchat', layout: 'monolith', target: 'http://127.0.0.1:8000', driver: 'embedded', model: 'open', rate: total / duration, connections: 64, duration, started: '2026-11-22T04:00:00.000Z', machine: { cores: 2, cpuModel: 'AMD EPYC', node: 'v20.19.0' } },
    operations: ops.map((id) => ({ id, requests: counts[id], throughput: counts[id] / duration, errors: { total: 0, byKind: {} }, latency })),
    totals: { requests: total, throughput: total / duration, errors: { total: 0, byKind: {} }, latency, dropped: 0 },
    processes: [
      { unit: 'backend', role: 'unit', pid: 100, cpuSeconds: cpu, cpuUtilization: cpu / duration, rssMaxMiB: 80 },
      { unit: 'main', role: 'datastore', pid: 200, cpuSeconds: db, cpuUtilization: db / duration, rssMaxMiB: 40 },
    ],
    driver: { pid: 300, cpuSeconds: 1, cpuUtilization: 0.1, rssMaxMiB: 60 },
  };
  return LoadTestResult.parse(r);
}

const runs = [
  result({ 'auth.login': 1000, 'messages.send': 2000, 'users.get': 500 }, 10),
  result({ 'auth.login': 2000, 'messages.send': 1000, 'users.get': 1500 }, 10),
  result({ 'auth.login': 500, 'messages.send': 4000, 'users.get': 1000 }, 20),
  result({ 'auth.login': 3000, 'messages.send': 3000, 'users.get': 3000 }, 15),
  result({ 'auth.login': 100, 'messages.send': 600, 'users.get': 2500 }, 12),
];

/**
 * CPU one request of `root` runs on the monolith under a blueprint: itself, its calls and the
 * event consumers they set off (the monolith runs them too, and the simulator charges them).
 */
function expanded(b: Blueprint, root: string, field: 'cpu' | 'db'): number {
  const idx = operationIndex(b);
  const placed = resolveBlueprint(b).layout('monolith').operations;
  const walk = (id: string): number => {
    const op = idx.get(id)!.op;
    // The queries on main, the measured database (not the Redis cache's or the uploads').
    const here = placed.get(id)!;
    const own = field === 'cpu' ? op.cpu.mean : here.store?.name === 'main' ? op.db.reads * here.read.mean + op.db.writes * here.write.mean : 0;
    const consumers = op.emits.flatMap((e) => b.system.events[e]?.consumers ?? []);
    return own + op.calls.reduce((a, c) => a + c.count * walk(c.op), 0) + consumers.reduce((a, c) => a + walk(c), 0);
  };
  return walk(root);
}

describe('calibrate', () => {
  it('recovers known per-operation demands by non-negative least squares over several runs', () => {
    const cal = calibrate(bp, runs);
    expect(cal.layout).toBe('monolith');
    const unit = cal.fits.find((f) => f.name === 'backend')!;
    expect(unit.method).toBe('regression');
    for (const d of unit.demands) expect(d.measuredMs).toBeCloseTo(TRUE_CPU[d.op as Op] * 1000, 3);
    expect(unit.idleCpuPerSecond).toBeCloseTo(IDLE, 4);
    expect(unit.r2).toBeCloseTo(1, 6);
    const db = cal.fits.find((f) => f.name === 'main')!;
    for (const d of db.demands) expect(d.measuredMs).toBeCloseTo(TRUE_DB[d.op as Op] * 1000, 3);
  });

  it('writes an overlay that extends the blueprint and reproduces the measured demand per request', () => {
    const cal = calibrate(bp, runs);
    const dir = mkdtempSync(join(tmpdir(), 'archsim-cal-'));
    const out = join(dir, 'calibrated.yaml');
    const text = overlayYaml(bp, cal, { extendsPath: relative(dir, BP), sources: runs.map((_, i) => `run${i}.json`) });
    writeFileSync(out, text);
    expect(text).toMatch(/^# Calibrated by `archsim calibrate` from 5 measured runs of layout monolith/);
    expect(text).toContain('# Machine: 2 cores, AMD EPYC, Node v20.19.0');
    // The overlay sits in a temporary folder, outside the blueprint's tree: allowed explicitly.
    process.env.ARCHSIM_EXTENDS_ANYWHERE = '1';
    const calibrated = loadBlueprint(out).blueprint;
    delete process.env.ARCHSIM_EXTENDS_ANYWHERE;
    for (const op of Object.keys(TRUE_CPU) as Op[]) {
      expect(expanded(calibrated, op, 'cpu')).toBeCloseTo(TRUE_CPU[op] * 1000, 3);
      expect(expanded(calibrated, op, 'db')).toBeCloseTo(TRUE_DB[op] * 1000, 3);
    }
    // The distribution's shape is kept (login is a lognormal with cv 0.5).
    const login = operationIndex(calibrated).get('auth.login')!.op.cpu;
    expect(login).toEqual({ dist: 'lognormal', mean: 2, cv: 0.5 });
    expect(cal.warnings).toEqual([]);
    // Operations that were not measured keep their values.
    expect(operationIndex(calibrated).get('media.upload')!.op.cpu).toEqual(operationIndex(bp).get('media.upload')!.op.cpu);
  });

  it('apportions one run by the operations’ measured p50 when it cannot separate operations', () => {
    const one = calibrate(bp, [runs[0]!]);
    const unit = one.fits.find((f) => f.name === 'backend')!;
    expect(unit.method).toBe('apportioned');
    // The fitted demands explain the measured CPU seconds exactly.
    const counts = runs[0]!.operations;
    const explained = unit.demands.reduce((a, d) => a + (d.measuredMs / 1000) * counts.find((c) => c.id === d.op)!.requests!, 0);
    expect(explained).toBeCloseTo(runs[0]!.processes[0]!.cpuSeconds, 3);
    // …in the proportions of the operations' measured p50 (a unit's work shows in its latency).
    const [a, b] = unit.demands;
    const p50 = (id: string) => counts.find((c) => c.id === id)!.latency!.p50;
    expect(a!.measuredMs / b!.measuredMs).toBeCloseTo(p50(a!.op) / p50(b!.op), 3);
  });

  it('falls back to the blueprint’s shares when the run has no latencies', () => {
    const bare = structuredClone(runs[0]!);
    for (const o of bare.operations) o.latency = null as never;
    const unit = calibrate(bp, [bare]).fits.find((f) => f.name === 'backend')!;
    expect(unit.method).toBe('apportioned');
    const [a, b] = unit.demands;
    expect(a!.measuredMs / b!.measuredMs).toBeCloseTo(a!.blueprintMs / b!.blueprintMs, 3);
  });

  it('keeps least squares non-negative', () => {
    // y = 2·x1 exactly, x2 only adds noise that a plain fit would give a negative weight.
    const A = [[1, 1], [2, 0], [3, 2], [4, 1]];
    const y = [1.9, 4, 5.8, 8.1];
    const x = nnls(A, y);
    expect(x.every((v) => v >= 0)).toBe(true);
    expect(x[0]).toBeCloseTo(1.99, 1);
  });
});

describe('the overlay header is comments only, whatever the result files hold', () => {
  // A result file is hostile input: its machine, node, os and started strings, and the run
  // files' names, are printed in the header, and a line break there used to start YAML the
  // overlay then applied (a title, a one-request workload, a catalog price of $0).
  it('line breaks in the machine, the times and the file names stay inside one comment line each', () => {
    const evil = '\nmetadata: { name: quantchat, title: INJECTED }\nworkload: { rate: 1/s }\r\ncatalog: { x: 1 }\u2028#';
    const hostile = runs.map((r) => LoadTestResult.parse({ ...r, run: { ...r.run, started: `2026${evil}`, machine: { cores: 2, cpuModel: `EPYC${evil}`, node: `v20${evil}`, os: `linux${evil}` } } }));
    const cal = calibrate(bp, hostile);
    const text = overlayYaml(bp, cal, { extendsPath: BP, sources: runs.map((_, i) => `r${i}${evil}.json`) });
    const benign = overlayYaml(bp, calibrate(bp, runs), { extendsPath: BP, sources: runs.map((_, i) => `r${i}.json`) });
    const lines = text.split('\n');
    const header = lines.slice(0, lines.findIndex((l) => !l.startsWith('#')));
    expect(header.length).toBe(benign.split('\n').findIndex((l) => !l.startsWith('#')));
    expect(header.find((l) => l.startsWith('# Machine:'))).toBe('# Machine: 2 cores, EPYC metadata: { name: quantchat, title: INJECTED } workload: { rate: 1/s } catalog: { x: 1 } #, Node v20 metadata: { name: quantchat, title: INJECTED } workload: { rate: 1/s } catalog: { x: 1 } #, linux metadata: { name: quantchat, title: INJECTED } workload: { rate: 1/s } catalog: { x: 1 } #.');
    const body = (t: string) => t.split('\n').filter((l) => !l.startsWith('#')).join('\n');
    expect(body(text)).toBe(body(benign));
    expect(text).not.toMatch(/^(metadata|workload|catalog):/m);
  });
});

describe('archsim calibrate', () => {
  it('writes the overlay, refuses to overwrite without --force, and prints JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-calcli-'));
    const files = runs.map((r, i) => {
      const f = join(dir, `r${i}.json`);
      writeFileSync(f, JSON.stringify(r));
      return f;
    });
    const out = join(dir, 'overlay.yaml');
    const a = archsim(['calibrate', ...files, '--blueprint', BP, '--out', out]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toContain(`extends: ${relative(dir, BP)}`);
    const again = archsim(['calibrate', ...files, '--blueprint', BP, '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists.*--force/);
    const forced = archsim(['calibrate', ...files, '--blueprint', BP, '--out', out, '--force', '--json']);
    expect(forced.code).toBe(0);
    const j = JSON.parse(forced.stdout) as { operations: { id: string; cpuMs: number }[] };
    expect(j.operations.find((o) => o.id === 'auth.login')!.cpuMs).toBeCloseTo(2, 3);
    const bad = archsim(['calibrate', join(dir, 'missing.json'), '--blueprint', BP]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('calibrate with results of several layouts', () => {
  it('asks which layout, and with --layout uses only its results', () => {
    const other = runs.map((r) => LoadTestResult.parse({ ...r, run: { ...r.run, layout: 'microservices' } }));
    expect(() => calibrate(bp, [...runs, ...other])).toThrow(/layouts monolith, microservices; pass --layout/);
    const cal = calibrate(bp, [...runs, ...other], { layout: 'monolith' });
    expect(cal.runs).toHaveLength(runs.length);
    expect(() => calibrate(bp, runs, { layout: 'microservices' })).toThrow(/no result measured layout "microservices"/);
  });
});

describe('one PostgreSQL server for every store (the reference services)', () => {
  it('measures it as "postgres" and spreads it over the relational stores', async () => {
    const { processesOfLayout } = await import('../../src/loadtest/layout-run.js');
    const procs = processesOfLayout({ gatewayUrl: 'http://127.0.0.1:8000', units: [{ name: 'backend', pid: 100 }], postgres: { pid: 200 }, stop: async () => undefined });
    expect(procs).toEqual([
      { unit: 'backend', role: 'unit', pid: 100, tree: true },
      { unit: 'postgres', role: 'datastore', pid: 200, tree: true },
    ]);
    const pg = runs.map((r) => LoadTestResult.parse({ ...r, processes: r.processes.map((p) => (p.role === 'datastore' ? { ...p, unit: 'postgres' } : p)) }));
    const cal = calibrate(bp, pg);
    const db = cal.fits.find((f) => f.name === 'postgres')!;
    for (const d of db.demands) expect(d.measuredMs).toBeCloseTo(TRUE_DB[d.op as Op] * 1000, 3);
    expect(cal.operations.find((o) => o.id === 'auth.login')!.db).not.toBeNull();
  });
});

describe('PostgreSQL maintenance in bursts', () => {
  it('leaves a marked burst out of every figure, and names how much it left out', () => {
    // An autovacuum pass of 0.2 ms a request on average, all of it landing in run 2.
    const total = runs.reduce((a, r) => a + r.totals.requests, 0);
    const burst = 0.0002 * total;
    const bursty = runs.map((r, i) =>
      LoadTestResult.parse({ ...r, processes: r.processes.map((p) => (p.role !== 'datastore' ? p : { ...p, cpuSeconds: p.cpuSeconds + (i === 2 ? burst : 0), maintenanceCpuSeconds: i === 2 ? burst : 0 })) }),
    );
    const cal = calibrate(bp, bursty);
    const db = cal.fits.find((f) => f.name === 'main')!;
    // The queries' true cost, exactly as without the burst (not 0.2 ms a request more).
    for (const d of db.demands) expect(d.measuredMs).toBeCloseTo(TRUE_DB[d.op as Op] * 1000, 3);
    const clean = calibrate(bp, runs).fits.find((f) => f.name === 'main')!;
    db.demands.forEach((d, i) => expect(d.measuredMs).toBeCloseTo(clean.demands[i]!.measuredMs, 6));
    expect(cal.warnings).toContain(`database maintenance (autovacuum, checkpoints): ${Math.round(burst * 10000) / 10000} s of CPU over the runs, left out of every figure (it follows the seeding's writes, not the measured requests)`);
    expect(calibrate(bp, runs).warnings.some((w) => w.startsWith('database maintenance'))).toBe(false);
    // The same burst not marked as maintenance distorts the per-request figures (what the split fixes).
    const unmarked = bursty.map((r) => LoadTestResult.parse({ ...r, processes: r.processes.map(({ maintenanceCpuSeconds: _m, ...p }) => p) }));
    const off = calibrate(bp, unmarked).fits.find((f) => f.name === 'main')!;
    expect(off.demands.some((d) => Math.abs(d.measuredMs - TRUE_DB[d.op as Op] * 1000) > 0.05)).toBe(true);
  });
});

describe('calibrate from the services’ own instrumentation', () => {
  // The monolith's profile: self CPU per call for a public operation, the internal operation it
  // calls in-process, CPU outside any operation, and pool work submitted by the login.
  function profiled(layout: string, sendCpu: number): LoadTestResult {
    const r = result({ 'auth.login': 100, 'messages.send': 1000, 'users.get': 100 }, 10);
    return LoadTestResult.parse({
      ...r,
      run: { ...r.run, layout },
      profile: [
        {
          unit: layout === 'monolith' ? 'backend' : 'messaging',
          mainThreadCpuSeconds: 3,
          offMainCpuSeconds: 0.5,
          loopSeconds: 3,
          operations: [
            { operation: 'messages.send', spans: 1000, loopSeconds: 1, cpuSeconds: sendCpu, poolTasks: 0, poolSeconds: 0 },
            { operation: 'auth.verify-token', spans: 1200, loopSeconds: 0.6, cpuSeconds: 0.6, poolTasks: 0, poolSeconds: 0 },
            { operation: 'auth.login', spans: 100, loopSeconds: 0.2, cpuSeconds: 0.2, poolTasks: 100, poolSeconds: 2 },
            { operation: 'users.get', spans: 100, loopSeconds: 0.1, cpuSeconds: 0.1, poolTasks: 0, poolSeconds: 0 },
            { operation: '(unattributed)', spans: 0, loopSeconds: 0.12, cpuSeconds: 0.12, poolTasks: 0, poolSeconds: 0 },
          ],
        },
      ],
    });
  }

  it('reads each operation’s self CPU, spreads the unattributed CPU over public requests and puts pool work off the loop', () => {
    const cal = calibrate(bp, [profiled('monolith', 1)], { layout: 'monolith' });
    const op = (id: string) => cal.operations.find((o) => o.id === id)!;
    // 0.12 s over 1200 public requests = 0.1 ms each
    expect(op('messages.send').cpuMs).toBeCloseTo(1 + 0.1, 6);
    expect(op('users.get').cpuMs).toBeCloseTo(1 + 0.1, 6);
    // internal: no per-request HTTP share
    expect(op('auth.verify-token').cpuMs).toBeCloseTo(0.5, 6);
    // all 0.5 s off the main thread came from the login's pool tasks: 5 ms per login, as work
    // on the unit's thread pool (a station of its own), not a wait
    expect(op('auth.login').poolMs).toBeCloseTo(5, 6);
    expect(cal.fits.find((f) => f.name === 'backend')!.method).toBe('instrumented');
    const y = overlayYaml(bp, cal, { extendsPath: BP, sources: ['x'] });
    expect(y).toMatch(/pool: \{ dist: const, mean: 5ms \}|pool:\n\s+dist: const\n\s+mean: 5ms/);
    const login = applyCalibration(bp, cal.operations, 'monolith').system.domains['auth']!.operations['login']!;
    expect(login.pool).toMatchObject({ dist: 'const', mean: 5 });
  });

  it('says a note on a fitted figure only where the fit is kept: not for a unit whose operations the instrumentation measured', () => {
    // users.get's CPU left out of the backend's: the regression gives it nothing, less than its calls
    const starved = runs.map((r) => {
      const n = r.operations.find((o) => o.id === 'users.get')!.requests!;
      return LoadTestResult.parse({ ...r, processes: r.processes.map((p) => (p.unit === 'backend' ? { ...p, cpuSeconds: p.cpuSeconds - n * TRUE_CPU['users.get'] } : p)) });
    });
    const note = /^users\.get on backend: .*calls alone take/;
    expect(calibrate(bp, starved, { layout: 'monolith' }).warnings.some((w) => note.test(w))).toBe(true);
    // the same runs with the services' profile: users.get's CPU is read, and the fit's note is gone
    const profile = profiled('monolith', 1).profile;
    const cal = calibrate(bp, starved.map((r) => LoadTestResult.parse({ ...r, profile })), { layout: 'monolith' });
    expect(cal.fits.find((f) => f.name === 'backend')!.method).toBe('instrumented');
    expect(cal.warnings.filter((w) => note.test(w))).toEqual([]);
    // a datastore's fitted figures are kept, and so are their notes (none here)
    expect(cal.fits.find((f) => f.kind === 'datastore')!.method).not.toBe('instrumented');
  });

  it('says when the profile predates replies charged to their sender (a query’s rows then counted outside any operation)', () => {
    const older = /^backend: profiled before replies were charged to the operation that sent the request/;
    expect(calibrate(bp, [profiled('monolith', 1)], { layout: 'monolith' }).warnings.filter((w) => older.test(w))).toHaveLength(1);
    const sender = (r: LoadTestResult) => LoadTestResult.parse({ ...r, profile: r.profile.map((p) => ({ ...p, replies: 'sender' })) });
    expect(calibrate(bp, [sender(profiled('monolith', 1))], { layout: 'monolith' }).warnings.filter((w) => older.test(w))).toEqual([]);
    // one older run among newer ones is enough to say it
    expect(calibrate(bp, [sender(profiled('monolith', 1)), profiled('monolith', 1)], { layout: 'monolith' }).warnings.filter((w) => older.test(w))).toHaveLength(1);
  });

  it('with a no-load reading, keeps the measured background apart and gives the database’s to the units', () => {
    // 0.12 s unattributed over 10 s: 0.01 cores of it is the unit's background, the rest (0.02 s
    // over 1200 public requests) per request. The database idles at 0.004 cores (the pollers).
    const r = profiled('monolith', 1);
    const withIdle = LoadTestResult.parse({
      ...r,
      idle: [
        { unit: 'backend', role: 'unit', pid: 100, cpuSeconds: 0.02, cpuUtilization: 0.01, rssMaxMiB: 80 },
        { unit: 'main', role: 'datastore', pid: 200, cpuSeconds: 0.008, cpuUtilization: 0.004, rssMaxMiB: 40 },
      ],
    });
    const cal = calibrate(bp, [withIdle], { layout: 'monolith' });
    expect(cal.operations.find((o) => o.id === 'messages.send')!.cpuMs).toBeCloseTo(1 + 0.02 / 1.2, 4);
    expect(cal.background).toMatchObject({ measured: true, perUnit: { backend: 0.014 }, perProcess: 0.014 });
    const y = overlayYaml(bp, cal, { extendsPath: BP, sources: ['x'] });
    expect(y).toContain('read with no load before each run');
    // Without the reading, the same CPU is all per request (one rate cannot separate them).
    const without = calibrate(bp, [r], { layout: 'monolith' });
    expect(without.operations.find((o) => o.id === 'messages.send')!.cpuMs).toBeCloseTo(1.1, 6);
    expect(without.background?.measured).toBe(false);
  });

  it('takes the pool threads’ own CPU where the results keep it apart from V8’s workers', () => {
    const r = profiled('monolith', 1);
    r.profile[0]!.poolThreadsCpuSeconds = 0.3;
    const cal = calibrate(bp, [r], { layout: 'monolith' });
    // 0.3 s of pool threads over 100 logins; the other 0.2 s off the main thread was V8's
    expect(cal.operations.find((o) => o.id === 'auth.login')!.poolMs).toBeCloseTo(3, 6);
  });

  it('no measurement of another layout feeds the calibration (a predicted layout cannot feed its own prediction)', () => {
    const own = calibrate(bp, [profiled('monolith', 1)], { layout: 'monolith' });
    // A wildly different measurement of the microservices layout in the same input is left out.
    const mixed = calibrate(bp, [profiled('monolith', 1), profiled('microservices', 50)], { layout: 'monolith' });
    expect(mixed.operations).toEqual(own.operations);
    expect(mixed.runs).toHaveLength(1);
    expect(() => calibrate(bp, [profiled('microservices', 1)], { layout: 'monolith' })).toThrow(/no result measured layout "monolith"/);
  });
});

describe('poolCpuSeconds: the CPU of a unit’s thread pool in a window', () => {
  const ops = (poolTasks: number) => [{ poolTasks }, { poolTasks: 0 }];
  it('is the pool threads’ own CPU where the profile told them apart', () => {
    expect(poolCpuSeconds({ offMainCpuSeconds: 1.5, poolThreadsCpuSeconds: 1.1, operations: ops(22) })).toBe(1.1);
  });
  it('is every thread off the main one when pool tasks ran but no pool thread was told apart (the pool was born before the profiler looked)', () => {
    // the 2026-12-02 monolith at 61.3/s: 22 scrypt hashes, 1.02 s off the main thread, 0 "pool"
    expect(poolCpuSeconds({ offMainCpuSeconds: 1.02, poolThreadsCpuSeconds: 0, operations: ops(22) })).toBe(1.02);
  });
  it('is 0 when no pool task ran (V8’s own workers are not the pool)', () => {
    expect(poolCpuSeconds({ offMainCpuSeconds: 0.3, poolThreadsCpuSeconds: 0, operations: ops(0) })).toBe(0);
  });
  it('is every thread off the main one in results older than the field', () => {
    expect(poolCpuSeconds({ offMainCpuSeconds: 0.7, operations: ops(0) })).toBe(0.7);
  });
});
