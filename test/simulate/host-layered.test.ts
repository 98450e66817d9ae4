// The host model's layered contention against closed forms: each unit is a one-thread software
// server (FCFS) whose running request holds one of the host's cores (processor sharing), with
// exponential service of mean 1/μ. Three cases, each exact:
// - two one-thread units on ONE core: the core serves at total rate μ whenever any request is
//   anywhere (work-conserving, memoryless), so the whole system is an M/M/1 at λ1+λ2:
//   mean response 1/(μ − λ);
// - one one-thread unit on TWO cores: the thread is the limit, the second core idles: M/M/1;
// - two one-thread units on two cores: no core contention, two independent M/M/1 at λ/2.
// A model without the thread layer (requests straight onto the cores) fails the second case; one
// without the core layer fails the first.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate/simulate.js';
import { bp } from './helpers.js';

const MU = 1; // per ms (mean service 1 ms)
function twoUnits(units: 1 | 2) {
  const layout =
    units === 2
      ? `units:
      u1: { domains: [a], port: 8001, instance: box, workers: 1, discipline: fcfs }
      u2: { domains: [b], port: 8002, instance: box, workers: 1, discipline: fcfs }`
      : `units:
      u1: { domains: "*", port: 8001, instance: box, workers: 1, discipline: fcfs }`;
  return bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: layered }
system:
  domains:
    a:
      operations:
        op: { route: GET /a, cpu: { dist: exp, mean: 1ms } }
    b:
      operations:
        op: { route: GET /b, cpu: { dist: exp, mean: 1ms } }
workload: { rate: 100/s, mix: { a.op: 1, b.op: 1 } }
layouts:
  l:
    ${layout}
    network: { latency: 0ms, cpuPerCall: 0ms, cpuPerKiB: 0ms }
catalog:
  box: { vcpu: 1, usdPerMonth: $1 }
`);
}
const mean = (units: 1 | 2, cores: number, ratePerSecond: number) =>
  simulate(twoUnits(units), 'l', { method: 'des', rate: ratePerSecond, host: { cores, driverCpu: 0 }, duration: 400_000, warmup: 10_000, seed: 7 }).littleCheck.meanResponse;
const mm1 = (lambdaPerMs: number) => 1 / (MU - lambdaPerMs);

describe('host model: one-thread units on shared cores (layered queueing)', () => {
  it('two one-thread units on one core: M/M/1 at the total rate', () => {
    // λ = 600/s = 0.6/ms → 2.5 ms (each unit alone on its own core would give 1/(1−0.3) = 1.43 ms)
    expect(mean(2, 1, 600)).toBeGreaterThan(mm1(0.6) * 0.93);
    expect(mean(2, 1, 600)).toBeLessThan(mm1(0.6) * 1.07);
  });

  it('one one-thread unit on two cores: the thread is the limit, M/M/1', () => {
    // 2 cores without the thread layer would be an M/M/2: 1.56 ms at 0.6/ms
    expect(mean(1, 2, 600)).toBeGreaterThan(mm1(0.6) * 0.93);
    expect(mean(1, 2, 600)).toBeLessThan(mm1(0.6) * 1.07);
  });

  it('two one-thread units on two cores: two independent M/M/1 at half the rate', () => {
    expect(mean(2, 2, 600)).toBeGreaterThan(mm1(0.3) * 0.93);
    expect(mean(2, 2, 600)).toBeLessThan(mm1(0.3) * 1.07);
  });
});

// One one-thread unit (1 ms exponential work) on a one-vCPU box, with `bg` cores of background.
const withBackground = (bg: number) =>
  bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: background }
system:
  defaults: { backgroundCpu: ${bg} }
  domains:
    a:
      operations:
        op: { route: GET /a, cpu: { dist: exp, mean: 1ms } }
workload: { rate: 100/s, mix: { a.op: 1 } }
layouts:
  l:
    units:
      u1: { domains: "*", port: 8001, instance: box, workers: 1, discipline: fcfs }
    network: { latency: 0ms, cpuPerCall: 0ms, cpuPerKiB: 0ms }
catalog:
  box: { vcpu: 1, usdPerMonth: $1 }
`);

describe('host model: background CPU (timers, pollers) takes cores from everything', () => {
  // One one-thread unit on one core that is busy 50% of the time with background work: a request
  // running alone gets half the core, so the unit is an M/M/1 at μ/2: mean 1/(μ/2 − λ).

  it('DES: half a core of background makes one core an M/M/1 at half the speed', () => {
    const m = simulate(withBackground(0.5), 'l', { method: 'des', rate: 300, host: { cores: 1, driverCpu: 0 }, duration: 400_000, warmup: 10_000, seed: 7 }).littleCheck.meanResponse;
    const exact = 1 / (MU / 2 - 0.3); // 5 ms
    expect(m).toBeGreaterThan(exact * 0.93);
    expect(m).toBeLessThan(exact * 1.07);
  });

  it('both methods: the host saturates at the cores left after the background', () => {
    for (const method of ['analytic', 'des'] as const) {
      const none = simulate(withBackground(0), 'l', { method, rate: 100, host: { cores: 1, driverCpu: 0 }, duration: 20_000, warmup: 1_000 }).saturationThroughput;
      const half = simulate(withBackground(0.5), 'l', { method, rate: 100, host: { cores: 1, driverCpu: 0 }, duration: 20_000, warmup: 1_000 }).saturationThroughput;
      expect(half / none, method).toBeCloseTo(0.5, 6);
    }
    // Without a shared host, background CPU changes nothing (each unit on its own instance).
    const own = simulate(withBackground(0.5), 'l', { method: 'analytic', rate: 300 }).littleCheck.meanResponse;
    const bare = simulate(withBackground(0), 'l', { method: 'analytic', rate: 300 }).littleCheck.meanResponse;
    expect(own).toBe(bare);
  });

  it('the analytic host inflation counts the background as load: within 15% of the DES', () => {
    const a = simulate(withBackground(0.5), 'l', { method: 'analytic', rate: 300, host: { cores: 1, driverCpu: 0 } }).littleCheck.meanResponse;
    const d = simulate(withBackground(0.5), 'l', { method: 'des', rate: 300, host: { cores: 1, driverCpu: 0 }, duration: 400_000, warmup: 10_000, seed: 7 }).littleCheck.meanResponse;
    expect(Math.abs(a - d) / d).toBeLessThan(0.15);
  });
});

describe('host model: work that finds the core idle runs slower (idleSlowdown)', () => {
  // One one-thread unit on one core, exponential service of mean 1 ms, λ = 0.4/ms, β = 0.5: a
  // request that starts a busy period runs 1.5× its work. That is an M/G/1 with exceptional
  // first service (Welch 1964): with S0 = 1.5·S, ρ = λE[S] = 0.4 and ρ0 = λE[S0] = 0.6,
  //   U = λE[S](1 + β(1 − U)) → U = 0.6 / 1.2 = 0.5 (Poisson arrivals see the core idle 1 − U),
  //   E[W] = λE[S²] / 2(1 − ρ) + λ(E[S0²] − E[S²]) / 2(1 + ρ0 − ρ) = 0.667 + 0.417 = 1.083 ms,
  //   E[R] = E[W] + (1 − U)·E[S0] + U·E[S] = 1.083 + 1.25 = 2.333 ms.
  // A slowdown charged to every request that merely follows another (the core never idled)
  // gives U = 0.6 and 3.7 ms; none gives M/M/1's 1.667 ms.
  const one = withBackground(0);
  const host = { cores: 1, driverCpu: 0, idleSlowdown: 0.5 };
  it('DES: utilization and mean response of the exceptional-first-service queue', () => {
    const r = simulate(one, 'l', { method: 'des', rate: 400, host, duration: 400_000, warmup: 10_000, seed: 7 });
    expect(r.stations.find((s) => s.id === 'u1')!.utilization).toBeCloseTo(0.5, 2);
    expect(r.littleCheck.meanResponse).toBeGreaterThan(2.333 * 0.96);
    expect(r.littleCheck.meanResponse).toBeLessThan(2.333 * 1.04);
  });
  it('analytic: the same utilization in closed form, and a capacity that the slowdown does not lower (a saturated core never idles)', () => {
    const r = simulate(one, 'l', { method: 'analytic', rate: 400, host });
    expect(r.stations.find((s) => s.id === 'u1')!.utilization).toBeCloseTo(0.5, 6);
    expect(r.saturationThroughput).toBeCloseTo(1000, 6);
  });
  it('analytic, with a quarter of the core taken by background work: the core idles less, so less of the work runs slow', () => {
    // The core's busy fraction U = (λT(1 + β) + bg)/(1 + λTβ) = (0.6 + 0.25)/1.2 = 0.70833; work
    // runs 1 + β(1 − U) = 1.14583× slower on average, so the unit is busy 0.4 × 1.14583 = 0.45833.
    const r = simulate(withBackground(0.25), 'l', { method: 'analytic', rate: 400, host });
    expect(r.stations.find((s) => s.id === 'u1')!.utilization).toBeCloseTo(0.4 * (1 + 0.5 * (1 - 0.85 / 1.2)), 6);
  });
  it('analytic, on two cores: the host is busy a = λT(1 + β) / (1 + λTβ/c) of them, and work runs 1 + β(1 − a/c) slower', () => {
    // λT = 0.4, β = 0.5, c = 2: a = 0.6 / (1 + 0.4 × 0.5 / 2) = 0.54545 cores busy; each idles
    // 1 − a/2 of the time, so work runs 1 + 0.5 × 0.72727 = 1.36364× slower: the unit is busy 0.54545
    const r = simulate(one, 'l', { method: 'analytic', rate: 400, host: { ...host, cores: 2 } });
    const a = 0.6 / (1 + (0.4 * 0.5) / 2);
    expect(r.stations.find((s) => s.id === 'u1')!.utilization).toBeCloseTo(0.4 * (1 + 0.5 * (1 - a / 2)), 6);
  });
});
