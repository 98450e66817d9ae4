// The host's idle slowdown fitted from runs at several loads (src/loadtest/host-slowdown.ts):
// runs made from a known D (a busy core's ms per request) and β must give them back; runs whose
// CPU per request does not fall with load, or that ran at one load, give none.
import { describe, expect, it } from 'vitest';
import { fitIdleSlowdown, slowdownPoint } from '../../src/loadtest/host-slowdown.js';
import { LoadTestResult } from '../../src/loadtest/result.js';

const latency = { min: 1, mean: 2, p50: 2, p90: 3, p95: 4, p99: 5, max: 9 };
/** A pinned run (the system on core 0) at `rate`/s for 10 s whose system spends `cpuMs` per request, plus `idle` cores of background. */
function run(rate: number, cpuMs: number, idle = 0): LoadTestResult {
  const T = 10;
  const n = rate * T;
  const cpu = (n * cpuMs) / 1000 + idle * T;
  return LoadTestResult.parse({
    schemaVersion: 1,
    run: { blueprint: 'b', layout: 'l', target: 'http://127.0.0.1:8000', driver: 'embedded', model: 'open', rate, connections: 64, duration: T, started: '2026-12-01T00:00:00.000Z', machine: { cores: 2, cpuModel: 'x', node: 'v20' }, pinning: { driver: '1', sut: '0' } },
    operations: [{ id: 'a.op', requests: n, throughput: rate, errors: { total: 0, byKind: {} }, latency }],
    totals: { requests: n, throughput: rate, errors: { total: 0, byKind: {} }, latency, dropped: 0 },
    processes: [
      { unit: 'app', role: 'unit', pid: 1, cpuSeconds: cpu * 0.7, cpuUtilization: (cpu * 0.7) / T, rssMaxMiB: 80 },
      { unit: 'pg', role: 'datastore', pid: 2, cpuSeconds: cpu * 0.3, cpuUtilization: (cpu * 0.3) / T, rssMaxMiB: 80 },
      { unit: 'driver', role: 'driver', pid: 3, cpuSeconds: 5, cpuUtilization: 0.5, rssMaxMiB: 80 },
    ],
    driver: null,
    idle: [{ unit: 'app', role: 'unit', pid: 1, cpuSeconds: idle * 2, cpuUtilization: idle, rssMaxMiB: 80 }],
  });
}

/** The CPU per request a host with busy-core cost D and slowdown β shows at `rate` (U solved in closed form, one core). */
function onHost(rate: number, D: number, beta: number, idle = 0): LoadTestResult {
  const work = (rate * D) / 1000;
  const U = (work * (1 + beta) + idle) / (1 + work * beta);
  return run(rate, D * (1 + beta * (1 - U)), idle);
}

describe('host idle slowdown: fitted from runs at several loads', () => {
  it('gives back β and the busy-core cost the runs were made with', () => {
    const runs = [50, 100, 150].map((r) => onHost(r, 5, 0.8, 0.02));
    const fit = fitIdleSlowdown(runs)!;
    expect(fit.idleSlowdown).toBeCloseTo(0.8, 3);
    expect(fit.busyMs).toBeCloseTo(5, 3);
    // the busy fraction counts the system's processes (background included), never the driver's core
    expect(slowdownPoint(runs[0]!)!.busy).toBeGreaterThan(0.25);
    expect(slowdownPoint(runs[0]!)!.busy).toBeLessThan(0.5);
    // figures pooled over the runs carry the request-weighted mean slowdown
    const w = runs.map((r) => [r.totals.requests, 1 + 0.8 * (1 - slowdownPoint(r)!.busy)] as const);
    expect(fit.pooledFactor).toBeCloseTo(w.reduce((a, [n, f]) => a + n * f, 0) / w.reduce((a, [n]) => a + n, 0), 3);
  });

  it('fits on the work without the database maintenance: a burst in one run does not tilt the line', () => {
    const runs = [50, 100, 150].map((r) => onHost(r, 5, 0.8, 0.02));
    // 3 s of autovacuum in the middle run, marked as maintenance (proc.ts): the same β and D.
    const burst = (r: LoadTestResult, s: number) => LoadTestResult.parse({ ...r, processes: r.processes.map((p) => (p.role === 'datastore' ? { ...p, cpuSeconds: p.cpuSeconds + s, maintenanceCpuSeconds: s } : p)) });
    const marked = runs.map((r, i) => (i === 1 ? burst(r, 3) : burst(r, 0)));
    const fit = fitIdleSlowdown(marked)!;
    expect(fit.idleSlowdown).toBeCloseTo(0.8, 3);
    expect(fit.busyMs).toBeCloseTo(5, 3);
    expect(slowdownPoint(marked[1]!)).toEqual(slowdownPoint(runs[1]!));
    // Unmarked, the same burst reads as the middle load being 3 ms a request dearer.
    const unmarked = runs.map((r, i) => (i === 1 ? LoadTestResult.parse({ ...r, processes: r.processes.map((p) => (p.role === 'datastore' ? { ...p, cpuSeconds: p.cpuSeconds + 3 } : p)) }) : r));
    expect(slowdownPoint(unmarked[1]!)!.cpuMs - slowdownPoint(runs[1]!)!.cpuMs).toBeCloseTo(3, 6);
  });

  it('gives none when CPU per request does not fall with load, or the runs had one load', () => {
    expect(fitIdleSlowdown([50, 100, 150].map((r) => run(r, 5)))).toBeNull();
    expect(fitIdleSlowdown([50, 100, 150].map((r, i) => run(r, 5 + i)))).toBeNull(); // rises: not this effect
    expect(fitIdleSlowdown([onHost(100, 5, 0.8), onHost(100, 5, 0.8)])).toBeNull();
    expect(fitIdleSlowdown([onHost(100, 5, 0.8)])).toBeNull();
    // Without the runs' no-load reading a background spread over more requests looks the same.
    expect(fitIdleSlowdown([50, 100, 150].map((r) => ({ ...onHost(r, 5, 0.8), idle: undefined })))).toBeNull();
  });
});

describe('platform costs measured on idle cores, used as a busy core’s', () => {
  it('divides every CPU figure by the slowdown and says so', async () => {
    const { onBusyCores } = await import('../../src/loadtest/validate-model.js');
    const p = {
      kind: 'archsim-platform' as const,
      machine: { cores: 2, cpuModel: 'x', node: 'v20' },
      measured: '2026-12-01T00:00:00.000Z',
      loadAverage: 1,
      http: { clientPerCallMs: 0.5, serverPerCallMs: 0.4, clientPerKiBMs: 0.002, serverPerKiBMs: 0.001, requests: 10, payloads: [64] },
      gateway: { perRequestMs: 1, requests: 10 },
      events: { publishMs: 0.25, consumeMs: 1, queueMs: 0.5, events: 100, paceMs: 5 },
      paceMs: 2,
      network: { cpuPerCall: 0.45, cpuPerKiB: 0.0015 },
      notes: [],
    };
    const b = onBusyCores(p, 1.25);
    expect(b.http).toMatchObject({ clientPerCallMs: 0.4, serverPerCallMs: 0.32, clientPerKiBMs: 0.0016, serverPerKiBMs: 0.0008 });
    expect(b.gateway!.perRequestMs).toBe(0.8);
    expect(b.events).toEqual({ publishMs: 0.2, consumeMs: 0.8, queueMs: 0.4, events: 100, paceMs: 5 });
    expect(b.network).toEqual({ cpuPerCall: 0.36, cpuPerKiB: 0.0012 });
    expect(b.notes.at(-1)).toMatch(/divided by 1\.25/);
  });
});

describe('which platform files the calibration divides by the idle slowdown', () => {
  it('paced calls (each found its core idle) are divided; back to back, or the oldest files without a pace, are a busy process’s and are not', async () => {
    const { readFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { predictDirection, SavedRuns } = await import('../../src/loadtest/validate-model.js');
    const { loadBlueprint } = await import('../../src/io/load.js');
    const saved = SavedRuns.parse(JSON.parse(readFileSync('test/fixtures/validate-model-runs-2026-12-01T1510.json', 'utf8')));
    // Without the cold-visit tables the calibration fits the slowdown (β 3 on these runs).
    const { coldVisit: _c, coldVisitDb: _d, paceMs: _p, ...plat } = saved.platform!;
    const bp = loadBlueprint('blueprints/quantchat.yaml').blueprint;
    const overlayCpu = (pace: number | undefined) => {
      const d = predictDirection(bp, 'blueprints/quantchat.yaml', 'monolith', ['monolith'], new Map(Object.entries(saved.layouts)), mkdtempSync(join(tmpdir(), 'archsim-busy-')), { ...plat, ...(pace === undefined ? {} : { paceMs: pace }) });
      expect(d.idleSlowdown).toBe(3);
      return /cpuPerCall: ([\d.]+)ms/.exec(readFileSync(d.overlay, 'utf8'))![1];
    };
    expect(overlayCpu(2)).toBe(String(Math.round((plat.network.cpuPerCall / 4) * 10000) / 10000));
    expect(overlayCpu(0)).toBe(String(plat.network.cpuPerCall));
    expect(overlayCpu(undefined)).toBe(String(plat.network.cpuPerCall));
  }, 120_000);
});
