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
