// A unit's thread pool on an instance of its own (no shared host): its threads run on the
// instance's vCPUs, which the workers hold too (compile.ts poolServers). The saas-signup shape:
// `app` is 4 replicas of a 4-vCPU instance, 4 workers and 8 pool threads each; a signup is 60 ms of
// loop CPU and 55 ms of pool work (bcrypt). The 16 vCPUs carry 115 ms a signup: saturation
// 16 / 0.115 s = 139.13/s. A pool station of 8 × 4 threads beside the 4 worker cores gave each
// replica 36 cores and the unit saturated at its loop work alone, 16 / 0.060 s = 266.67/s.
import { describe, expect, it } from 'vitest';
import { compile, OP_VISIT, W } from '../../src/simulate/compile.js';
import { compare } from '../../src/simulate/compare.js';
import { simulate } from '../../src/simulate/simulate.js';
import { sweepAnalytic } from '../../src/simulate/sweep.js';
import type { HostModel } from '../../src/simulate/types.js';
import { bp } from './helpers.js';

function signup(o: { vcpu: number; workers: number; threadPool: number; replicas?: number }) {
  return bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: signup }
system:
  domains:
    tenants:
      operations:
        signup: { route: POST /signup, cpu: { dist: const, mean: 60ms }, pool: { dist: const, mean: 55ms } }
catalog:
  box: { vcpu: ${o.vcpu}, usdPerMonth: $120 }
workload: { rate: 100/s, mix: { tenants.signup: 1 } }
layouts:
  l:
    units:
      app: { domains: "*", port: 8001, replicas: ${o.replicas ?? 4}, instance: box, workers: ${o.workers}, threadPool: ${o.threadPool} }
    network: { latency: 0ms, cpuPerCall: 0ms, cpuPerKiB: 0ms }
`);
}

const SAAS = { vcpu: 4, workers: 4, threadPool: 8 };
const mix = { 'tenants.signup': 1 };
const analytic = (b: ReturnType<typeof bp>, rate: number, host?: HostModel) => simulate(b, 'l', { method: 'analytic', rate, mix, ...(host ? { host } : {}) });
const des = (b: ReturnType<typeof bp>, rate: number) => simulate(b, 'l', { method: 'des', rate, mix, duration: 120_000, warmup: 10_000, seed: 7 });
const station = (r: ReturnType<typeof simulate>, id: string) => r.stations.find((s) => s.id === id)!;
const mean = (r: ReturnType<typeof simulate>) => r.operations.find((o) => o.id === 'tenants.signup')!.latency.mean;

/** The compiled program of signup as a request: each visit's station and mean. */
function visits(b: ReturnType<typeof bp>, opts = {}): [string, number][] {
  const c = compile(b, 'l', opts);
  const p = c.programs[c.entry.get('tenants.signup')!]!;
  const out: [string, number][] = [];
  for (let pc = 0; pc < p.code.length; pc += W) if (p.code[pc] === OP_VISIT) out.push([c.stations[p.code[pc + 1]!]!.id, c.dists[p.code[pc + 2]!]!.mean]);
  return out;
}

describe('thread pool on its own instance (no shared host)', () => {
  it('a worker per vCPU: pool work runs on the unit’s 4 cores a replica, no thread-pool station; saturation 16 cores / 115 ms = 139.13/s (was 266.67/s)', () => {
    const b = signup(SAAS);
    expect(compile(b, 'l').stations).toEqual([{ id: 'app', kind: 'unit', replicas: 4, servers: 4, discipline: 'fcfs', domains: ['tenants'] }]);
    expect(visits(b)).toEqual([
      ['app', 60],
      ['app', 55],
    ]);
    const a = analytic(b, 100);
    expect(a.saturationThroughput).toBeCloseTo(16_000 / 115, 2);
    expect(a.saturationThroughput).toBe(139.13);
    // 100/s × 115 ms = 11.5 of the 16 cores
    expect(station(a, 'app').utilization).toBeCloseTo(11.5 / 16, 6);
    expect(a.stations.some((s) => s.kind === 'pool')).toBe(false);
  });

  it('the DES runs the same stations: the same utilization, the mean within 5% of the analytic', () => {
    const b = signup(SAAS);
    const d = des(b, 100);
    expect(d.stations.some((s) => s.kind === 'pool')).toBe(false);
    expect(Math.abs(station(d, 'app').utilization - 11.5 / 16)).toBeLessThan(0.015);
    const a = analytic(b, 100);
    expect(Math.abs(mean(d) / mean(a) - 1), `DES ${mean(d)} analytic ${mean(a)}`).toBeLessThan(0.05);
  });

  it('fewer workers than vCPUs: a pool station of the cores they leave, at most threadPool × workers threads', () => {
    // 3 vCPU, 2 workers: the pool has 1 core a replica (not 4 × 2 threads): 4 / 55 ms = 72.73/s,
    // below the loops' 8 / 60 ms = 133.33/s (with 8 pool threads a replica: 133.33/s)
    const b = signup({ vcpu: 3, workers: 2, threadPool: 4 });
    expect(compile(b, 'l').stations.map((s) => [s.id, s.kind, s.replicas, s.servers])).toEqual([
      ['app', 'unit', 4, 2],
      ['app (thread pool)', 'pool', 4, 1],
    ]);
    expect(analytic(b, 50).saturationThroughput).toBe(72.7273);
    // 8 vCPU, 1 worker, 2 threads: the threads cap the pool at 2 of the 7 cores left
    expect(compile(signup({ vcpu: 8, workers: 1, threadPool: 2 }), 'l').stations.map((s) => s.servers)).toEqual([1, 2]);
    // 2.5 vCPU, 2 workers: the half core left is a whole core, said as the unit's whole cores are
    const frac = compile(signup({ vcpu: 2.5, workers: 2, threadPool: 4 }), 'l');
    expect(frac.stations.map((s) => s.servers)).toEqual([2, 1]);
    expect(frac.warnings).toEqual([
      "box has 2.5 vCPU, simulated as 3 whole cores (app (thread pool)): capacity overstated up to ×1.2, since a CPU quota caps the work per scheduling period and past 2.5 of a core's load requests wait for the next one",
    ]);
  });

  it('fewer workers than vCPUs: the DES agrees with the analytic method', () => {
    // 3 vCPU, 2 workers, one pool core each replica: at 50/s the pool cores are 50 × 55 / 4000 = 69% busy
    const b = signup({ vcpu: 3, workers: 2, threadPool: 4 });
    const [a, d] = [analytic(b, 50), des(b, 50)];
    expect(station(a, 'app (thread pool)').utilization).toBeCloseTo(0.6875, 6);
    expect(Math.abs(station(d, 'app (thread pool)').utilization - 0.6875)).toBeLessThan(0.02);
    expect(Math.abs(mean(d) / mean(a) - 1), `DES ${mean(d)} analytic ${mean(a)}`).toBeLessThan(0.05);
  });

  it('on a shared host the pool stays a station of threadPool × workers threads, in simulate, sweep and compare alike', () => {
    // (one replica: the analytic host model of 4 replicas of 36 threads takes seconds)
    const b = signup({ ...SAAS, replicas: 1 });
    const host = { cores: 8, driverCpu: 0 };
    expect(compile(b, 'l', { sharedHost: true }).stations.map((s) => [s.id, s.replicas, s.servers])).toEqual([
      ['app', 1, 4],
      ['app (thread pool)', 1, 32],
    ]);
    expect(visits(b, { sharedHost: true })).toEqual([
      ['app', 60],
      ['app (thread pool)', 55],
    ]);
    const a = analytic(b, 40, host);
    expect(station(a, 'app (thread pool)').cores).toBe(32);
    // sweep and compare compile once, then run on the host: the same figures as simulate's
    const sweep = sweepAnalytic(b, 'l', [40], { mix, host });
    expect(sweep.points[0]!.meanLatency).toBeCloseTo(mean(a), 3);
    // (compare's means are the analytic figures at its low-load rate, here 40/s)
    const cmp = compare(b, ['l'], { rate: 10, lowRate: 40, mix, host });
    expect(cmp.operations[0]!.mean.l).toBeCloseTo(mean(a), 3);
  });
});
