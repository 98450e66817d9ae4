// Work a window's requests left queued (events not yet handled) is charged to the window: its
// processes' CPU by the drain's CPU per event, and a closed window's throughput scaled to what
// the system sustains doing that work too.
import { describe, expect, it } from 'vitest';
import { chargeDeferredWork, deferredNote, sustainedShare, type Drain } from '../../src/loadtest/deferred-work.js';
import { LoadTestResult, type LoadTestResultInput } from '../../src/loadtest/result.js';

function window(model: 'open' | 'closed', o: { requests?: number; duration?: number; backend?: number; pg?: number } = {}): LoadTestResult {
  const duration = o.duration ?? 4;
  const requests = o.requests ?? 1000;
  const latency = { min: 1, mean: 2, p50: 2, p90: 3, p95: 4, p99: 5, max: 9 };
  const backend = o.backend ?? 3;
  const pg = o.pg ?? 1;
  const r: LoadTestResultInput = {
    schemaVersion: 1,
    run: { blueprint: 'quantchat', layout: 'monolith', target: 'http://127.0.0.1:8000', driver: 'embedded', model, rate: model === 'open' ? requests / duration : null, connections: 16, duration, started: '2026-12-05T01:00:00.000Z', machine: { cores: 2, cpuModel: 'AMD EPYC', node: 'v20.20.2' } },
    operations: [
      { id: 'messages.send', requests: requests * 0.6, throughput: (requests * 0.6) / duration, errors: { total: 0, byKind: {} }, latency },
      { id: 'auth.me', requests: requests * 0.4, throughput: (requests * 0.4) / duration, errors: { total: 0, byKind: {} }, latency },
    ],
    totals: { requests, throughput: requests / duration, errors: { total: 0, byKind: {} }, latency, dropped: 0 },
    processes: [
      { unit: 'backend', role: 'unit', pid: 100, cpuSeconds: backend, cpuUtilization: backend / duration, rssMaxMiB: 80 },
      { unit: 'postgres', role: 'datastore', pid: 200, cpuSeconds: pg, cpuUtilization: pg / duration, rssMaxMiB: 40, databaseCpuSeconds: { archsim_cache: 0.25, archsim_main: 0.75 } },
      { unit: 'driver', role: 'driver', pid: 300, cpuSeconds: 0.5, cpuUtilization: 0.125, rssMaxMiB: 60 },
    ],
    driver: { pid: 300, cpuSeconds: 0.5, cpuUtilization: 0.125, rssMaxMiB: 60 },
  };
  return LoadTestResult.parse(r);
}

// 200 events drained with 1.0 s of the backend's CPU and 0.6 s of PostgreSQL's (0.4 of it the cache database's).
const drain: Drain = {
  events: 200,
  seconds: 2,
  complete: true,
  processes: [
    { unit: 'backend', role: 'unit', cpuSeconds: 1.0 },
    { unit: 'postgres', role: 'datastore', cpuSeconds: 0.6, databaseCpuSeconds: { archsim_cache: 0.4, archsim_main: 0.2 } },
  ],
};

describe('sustainedShare', () => {
  it('is the CPU spent over the CPU the whole work needs, both ways, and 1 without CPU', () => {
    expect(sustainedShare(3, 1)).toBe(0.75);
    expect(sustainedShare(3, 0)).toBe(1);
    // a window that finished earlier windows' events did more than its own work
    expect(sustainedShare(3, -1)).toBe(1.5);
    expect(sustainedShare(0, 5)).toBe(1);
  });
});

describe('chargeDeferredWork', () => {
  it('a closed window: its share of the drain on each process and database, its throughput scaled by what it sustains', () => {
    // the backlog grew by 100 events across it: half the drain
    const [w] = chargeDeferredWork([window('closed')], [{ start: 50, end: 150 }], drain);
    const by = (u: string) => w!.processes.find((p) => p.unit === u)!;
    expect(by('backend').cpuSeconds).toBeCloseTo(3.5, 10);
    expect(by('backend').cpuUtilization).toBeCloseTo(3.5 / 4, 10);
    expect(by('postgres').cpuSeconds).toBeCloseTo(1.3, 10);
    expect(by('postgres').databaseCpuSeconds).toEqual({ archsim_cache: 0.45, archsim_main: 0.85 });
    // the driver's own CPU is not the system's work
    expect(by('driver').cpuSeconds).toBe(0.5);
    // 4 s of the system's CPU answered 1000 requests; with the 0.8 s it left, it sustains 4 / 4.8 of that
    expect(w!.totals.throughput).toBeCloseTo(250 * (4 / 4.8), 3);
    expect(w!.operations.map((o) => o.throughput)).toEqual([150 * (4 / 4.8), 100 * (4 / 4.8)].map((x) => Math.round(x * 10000) / 10000));
    // what was answered stays what was answered
    expect(w!.totals.requests).toBe(1000);
  });

  it('an open window: the CPU charged, the throughput (its offered rate) kept', () => {
    const [w] = chargeDeferredWork([window('open')], [{ start: 0, end: 40 }], drain);
    expect(w!.processes[0]!.cpuSeconds).toBeCloseTo(3.2, 10);
    expect(w!.totals.throughput).toBe(250);
    expect(w!.operations[0]!.throughput).toBe(150);
  });

  it('a window whose backlog shrank gives the earlier work back, never below zero CPU', () => {
    const [w] = chargeDeferredWork([window('closed', { pg: 0.1 })], [{ start: 150, end: 50 }], drain);
    expect(w!.processes[0]!.cpuSeconds).toBeCloseTo(2.5, 10);
    expect(w!.processes[1]!.cpuSeconds).toBe(0);
    expect(w!.totals.throughput).toBeGreaterThan(250);
  });

  it('leaves windows alone when nothing was left queued or nothing drained', () => {
    const ws = [window('closed'), window('closed')];
    const same = chargeDeferredWork(ws, [{ start: 10, end: 10 }, { start: 10, end: 10 }], drain);
    expect(same[0]).toBe(ws[0]);
    expect(same[1]).toBe(ws[1]);
    const none = chargeDeferredWork(ws, [{ start: 0, end: 100 }, { start: 100, end: 200 }], { ...drain, events: 0 });
    expect(none).toEqual(ws);
  });

  it('charges each window by its own growth', () => {
    const out = chargeDeferredWork([window('closed'), window('closed'), window('closed')], [{ start: 0, end: 20 }, { start: 20, end: 120 }, { start: 120, end: 120 }], drain);
    expect(out.map((w) => w.processes[0]!.cpuSeconds)).toEqual([3.1, 3.5, 3]);
  });
});

describe('deferredNote', () => {
  it('says how many events, how long the drain took, its CPU per event, each growth and, for a closed run, each factor', () => {
    const before = [window('closed'), window('closed')];
    const backlog = [{ start: 0, end: 100 }, { start: 100, end: 200 }];
    const after = chargeDeferredWork(before, backlog, drain);
    const note = deferredNote(backlog, drain, true, before, after);
    expect(note).toBe(
      'events left queued (outbox and queue) when the load stopped: 200, drained in 2 s with 1.6 s of CPU above idle (8 ms an event); each window charged with the events its requests left (backlog growth 100, 100), and its throughput scaled to what the system sustains doing that work too (×0.833, ×0.833)',
    );
    const open = deferredNote(backlog, { ...drain, complete: false }, false, before, before);
    expect(open).toMatch(/: 200, not all drained \(time limit\) in 2 s/);
    expect(open).not.toMatch(/throughput scaled/);
  });
});
