// The requests' CPU per level in validate-model: what the model made the processes do against what
// /proc says they did. The stations' `cpu` is work handed out per second (not utilization, which on
// a shared host counts time stretched by the processes beside), checked here against rate × demand.
import { describe, expect, it } from 'vitest';
import { compareLevel, cpuComparison, type Direction, type LevelComparison } from '../../src/loadtest/validate-model.js';
import { cpuCell, cpuLine } from '../../src/cli/actions/validate-model.js';
import { LoadTestResult } from '../../src/loadtest/result.js';
import { simulate } from '../../src/simulate/simulate.js';
import type { StationResult } from '../../src/simulate/types.js';
import { network, queue } from '../simulate/builder.js';

const lat = { min: 1, mean: 5, p50: 5, p90: 9, p95: 10, p99: 12, max: 20 };
type Proc = { unit: string; role: string; pid: number; util: number };
function run(processes: Proc[], idle?: Proc[]): LoadTestResult {
  const proc = (p: Proc) => ({ unit: p.unit, role: p.role, pid: p.pid, cpuSeconds: p.util * 10, cpuUtilization: p.util, rssMaxMiB: 50 });
  return LoadTestResult.parse({
    schemaVersion: 1,
    run: { blueprint: 'q', layout: 'one', target: 'http://127.0.0.1:1', driver: 'embedded', model: 'open', rate: 100, connections: 16, duration: 10, warmup: 5, started: '2026-12-01T00:00:00Z', machine: { cores: 2, cpuModel: 'x', node: 'v20' } },
    operations: [{ id: 'a.op', requests: 1000, throughput: 100, errors: { total: 0, byKind: {} }, latency: lat }],
    totals: { requests: 1000, throughput: 100, errors: { total: 0, byKind: {} }, latency: lat, dropped: 0 },
    processes: processes.map(proc),
    ...(idle ? { idle: idle.map(proc) } : {}),
    driver: { pid: 2, cpuSeconds: 9, cpuUtilization: 0.9, rssMaxMiB: 40 },
  });
}
const station = (id: string, kind: StationResult['kind'], cpu: number): StationResult => ({ id, kind, replicas: 1, cores: 1, discipline: 'fcfs', utilization: 0.5, meanQueue: 0, demandPerRequest: 1, visitRate: 1, cpu });
const predicted = (stations: StationResult[]) => ({ operations: [{ id: 'a.op', latency: { p50: 5, p95: 10 } }], stations }) as unknown as ReturnType<typeof simulate>;

describe('a station’s CPU (simulate)', () => {
  it('is rate × service demand, in the DES and the analytic method alike', () => {
    // (the mix sends every request to a.op: b.op is an entry too, and would take half)
    // 100/s × 4 ms = 0.4 cores, whatever the queueing; a tandem's second station 100/s × 1 ms.
    const bp = network([{ mean: 4, dist: 'const' }, { mean: 1, dist: 'const' }]);
    for (const method of ['des', 'analytic'] as const) {
      const r = simulate(bp, 'one', { method, rate: 100, mix: { 'a.op': 1 }, duration: 200_000, warmup: 5_000, seed: 3 });
      expect(r.stations.find((s) => s.id === 'ua')!.cpu).toBeCloseTo(0.4, 2);
      expect(r.stations.find((s) => s.id === 'ub')!.cpu).toBeCloseTo(0.1, 2);
    }
  });

  it('on a shared host is the work, not the stretched busy time', () => {
    // Two processes on one core at 0.4 + 0.4: each is busy (holding a share) longer than its 0.4.
    const bp = network([{ mean: 4, dist: 'const' }, { mean: 4, dist: 'const' }]);
    const r = simulate(bp, 'one', { method: 'des', rate: 100, mix: { 'a.op': 1 }, duration: 200_000, warmup: 5_000, seed: 3, host: { cores: 1, driverCpu: 0, sharing: 'process' } });
    const ua = r.stations.find((s) => s.id === 'ua')!;
    expect(ua.cpu).toBeCloseTo(0.4, 2);
    expect(ua.utilization).toBeGreaterThan(0.45);
  });

  it('is the network’s 0, and an exponential service’s mean in the long run', () => {
    const r = simulate(queue({ mean: 5 }), 'one', { method: 'des', rate: 50, duration: 400_000, warmup: 5_000, seed: 9 });
    expect(r.stations[0]!.cpu).toBeGreaterThan(0.24);
    expect(r.stations[0]!.cpu).toBeLessThan(0.26);
  });
});

describe('the requests’ CPU at a level (validate-model)', () => {
  it('splits units (loop, pool, gateway) from databases (datastores, the broker’s queue), leaves the driver out, and takes each process’s idle reading off', () => {
    const p = predicted([station('driver', 'driver', 0.05), station('backend', 'unit', 0.3), station('backend (thread pool)', 'pool', 0.1), station('gateway', 'gateway', 0.05), station('main', 'datastore', 0.2), station('broker', 'broker', 0.05)]);
    const m = run(
      [{ unit: 'backend', role: 'unit', pid: 10, util: 0.52 }, { unit: 'gateway', role: 'gateway', pid: 11, util: 0.05 }, { unit: 'postgres', role: 'datastore', pid: 12, util: 0.33 }],
      [{ unit: 'backend', role: 'unit', pid: 10, util: 0.02 }, { unit: 'postgres', role: 'datastore', pid: 12, util: 0.03 }],
    );
    const c = cpuComparison(p, m);
    expect(c.units.predicted).toBeCloseTo(0.45, 12);
    expect(c.databases.predicted).toBeCloseTo(0.25, 12);
    expect(c.predicted).toBeCloseTo(0.7, 12);
    expect(c.units.measured).toBeCloseTo(0.55, 12);
    expect(c.databases.measured).toBeCloseTo(0.3, 12);
    expect(c.measured).toBeCloseTo(0.85, 12);
    expect(c.error).toBeCloseTo((0.7 - 0.85) / 0.85, 12);
    // compareLevel carries it
    expect(compareLevel(0.5, p, m).cpu).toEqual(c);
  });

  it('never goes below zero for a process busier idle than loaded, and says "not measured" without processes', () => {
    const c = cpuComparison(predicted([station('u', 'unit', 0.1)]), run([{ unit: 'u', role: 'unit', pid: 1, util: 0.01 }], [{ unit: 'u', role: 'unit', pid: 1, util: 0.05 }]));
    expect(c.measured).toBe(0);
    expect(Number.isNaN(c.error)).toBe(true); // relError of a zero measurement is not a number
    const none = cpuComparison(predicted([station('u', 'unit', 0.1)]), run([]));
    expect(none).toEqual({ predicted: 0.1, measured: null, error: Number.NaN, units: { predicted: 0.1, measured: null }, databases: { predicted: 0, measured: null } });
  });

  it('prints as a table cell and one line per direction', () => {
    expect(cpuCell({ predicted: 0.9, measured: 0.94, error: 0.9 / 0.94 - 1, units: { predicted: 0, measured: 0 }, databases: { predicted: 0, measured: 0 } })).toBe('0.90/0.94 -4%');
    expect(cpuCell({ predicted: 0.9, measured: null, error: Number.NaN, units: { predicted: 0.9, measured: null }, databases: { predicted: 0, measured: null } })).toBe('0.90/—');
    const lv = (u: [number, number], d: [number, number]) => ({ cpu: { predicted: u[0] + d[0], measured: u[1] + d[1], error: 0, units: { predicted: u[0], measured: u[1] }, databases: { predicted: d[0], measured: d[1] } } }) as unknown as LevelComparison;
    const d = {
      layouts: [
        { layout: 'monolith', role: 'calibrated', levels: [lv([0.9, 1], [0.4, 0.5]), lv([1.8, 2], [0.8, 1]), lv([2.7, 2.7], [1.2, 1.2])] },
        { layout: 'micro', role: 'predicted', levels: [lv([1.1, 1], [0.5, 0.5])] },
        { layout: 'unread', role: 'predicted', levels: [{ cpu: { predicted: 1, measured: null, error: Number.NaN, units: { predicted: 1, measured: null }, databases: { predicted: 0, measured: null } } } as unknown as LevelComparison] },
      ],
    } as unknown as Direction;
    expect(cpuLine(d)).toBe('CPU of the requests, predicted against measured (median over the levels): monolith (cal.) units -10%, databases -20%; micro units +10%, databases +0%');
    expect(cpuLine({ layouts: [d.layouts[2]!] } as unknown as Direction)).toBeNull();
  });
});
