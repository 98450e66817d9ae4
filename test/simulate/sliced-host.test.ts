// The host's cores handed out in time slices (des/sliced-host.ts, HostModel.slice): hand-worked
// timelines on the tiny loop of ps-loop.ts (round robin between busy processes, a waking process
// preempting one that has run well ahead, a process's event loop before its pool, fractional
// cores, the idle slowdown), and the whole DES: slices going to zero are continuous sharing per
// process; at a realistic slice a short request beside long ones pays for waiting its turn.
import { describe, expect, it } from 'vitest';
import { SlicedHost } from '../../src/simulate/des/sliced-host.js';
import { simulate } from '../../src/simulate/simulate.js';
import { bp } from './helpers.js';
import { Loop } from './ps-loop.js';

/** A sliced host on `cores`; replica r runs in process processOf[r] (−1: a connection, its own). */
function host(cores: number, slice: number, processOf: number[], o: { gran?: number; credit?: number; idleSlowdown?: number } = {}) {
  const loop = new Loop();
  const count = Math.max(0, ...processOf) + 1;
  const h = new SlicedHost(loop.pools.length, cores, slice, loop, loop.finished, Int32Array.from(processOf), count, o.idleSlowdown ?? 0, o);
  loop.pools.push(h);
  /** a job of `work` ms at replica r, on its unit's thread pool when `pool` */
  const job = (name: string, r: number, work: number, pool = false) => {
    const t = loop.token(name);
    t.replica = r;
    h.add(t, work, pool);
  };
  const done = () => loop.done.map((d) => `${d.name}@${d.at}`);
  return { loop, job, done };
}

describe('a host of time slices', () => {
  it('round robin between busy processes: each runs a slice, then the one with less CPU so far (no preemption, no credit)', () => {
    const { loop, job, done } = host(1, 2, [0, 1], { gran: Infinity, credit: 0 });
    loop.later(0, () => job('a', 0, 5));
    loop.later(0, () => job('b', 1, 3));
    loop.run();
    // a 0–2 (v 2), b 2–4 (v 2), a 4–6 (the earlier of equals; v 4), b 6–7 done, a 7–8 done
    expect(done()).toEqual(['b@7', 'a@8']);
  });

  it('a waking process preempts a CPU-bound one that has run ahead of it by more than the threshold; without preemption it waits the slice out (processor sharing: in between)', () => {
    const run = (gran: number) => {
      const { loop, job, done } = host(1, 3, [0, 1], { gran, credit: 3 });
      loop.later(0, () => job('hog', 0, 10));
      loop.later(4, () => job('visit', 1, 1));
      loop.run();
      return done();
    };
    // At 4 the hog has run 4 ms (v 4); the visit wakes at max(0, 4 − credit 3) = 1, 3 behind:
    // it takes the core at once and is done at 5; the hog's 6 left run 5–11.
    expect(run(0.5)).toEqual(['visit@5', 'hog@11']);
    // Never preempted, the visit waits for the hog's slice that began at 3 to end at 6.
    expect(run(Infinity)).toEqual(['visit@7', 'hog@11']);
    // (sharing the core evenly, the visit would be done at 6)
  });

  it('a process runs its event loop’s job before its thread pool’s; a connection is a process of its own', () => {
    // replica 0: unit u (process 0), replica 1: u's thread pool (process 0), replica 2: a connection
    const { loop, job, done } = host(1, 2, [0, 0, -1], { gran: Infinity, credit: 0 });
    loop.later(0, () => job('hash', 1, 6, true));
    loop.later(0, () => job('query', 2, 2));
    loop.later(1, () => job('loop', 0, 1));
    loop.run();
    // hash 0–2 (process 0's v 2); the query (v 0) 2–4; process 0 again: its loop first 4–5, then
    // the hash's 4 left 5–7 and 7–9
    expect(done()).toEqual(['query@4', 'loop@5', 'hash@9']);
  });

  it('fractional cores are whole cores at a fraction of the speed; two busy cores serve two processes at once', () => {
    const { loop, job, done } = host(1.5, 10, [0, 1]);
    loop.later(0, () => job('x', 0, 3));
    loop.later(0, () => job('y', 1, 3));
    loop.run();
    // two cores at 0.75: 3 ms of work each in 4 ms
    expect(done()).toEqual(['x@4', 'y@4']);
  });

  it('idle slowdown: a job that finds a core idle costs 1 + β; one that waited for its turn does not', () => {
    const { loop, job, done } = host(1, 10, [0, 1], { idleSlowdown: 0.5, gran: Infinity });
    loop.later(0, () => job('first', 0, 2));
    loop.later(1, () => job('second', 1, 2));
    loop.run();
    expect(done()).toEqual(['first@3', 'second@5']);
  });

  it('refuses a slice that is not a positive number', () => {
    const loop = new Loop();
    for (const slice of [0, -1, Number.NaN, Infinity]) expect(() => new SlicedHost(0, 1, slice, loop, loop.finished, new Int32Array(1), 1)).toThrow(/slice/);
  });
});

const layout = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: slices }
system:
  domains:
    a:
      operations:
        short: { route: GET /short, cpu: { dist: exp, mean: 0.5ms }, db: { reads: 1 } }
        long: { route: GET /long, cpu: { dist: exp, mean: 6ms } }
    b:
      operations:
        other: { route: GET /other, cpu: { dist: exp, mean: 1ms }, db: { reads: 1 } }
workload: { rate: 100/s, mix: { a.short: 2, a.long: 1, b.other: 1 } }
layouts:
  two:
    units:
      u: { domains: [a], port: 8001 }
      v: { domains: [b], port: 8002 }
    datastores:
      db: { engine: postgres, tables: "*", port: 5432 }
    network: { latency: 0ms, cpuPerCall: 0ms, cpuPerKiB: 0ms }
`;

describe('the DES on a host of time slices', () => {
  const b = bp(layout);
  const run = (host: object, rate = 100) => simulate(b, 'two', { method: 'des', rate, duration: 120_000, warmup: 5_000, seed: 3, host: { cores: 1, driverCpu: 0, sharing: 'process', ...host } });
  const mean = (r: ReturnType<typeof run>, id: string) => r.operations.find((o) => o.id === id)!.latency.mean;

  it('slices going to zero are continuous sharing per process (within 3% on every operation’s mean)', () => {
    const continuous = run({});
    const fine = run({ slice: 0.02 });
    for (const id of ['a.short', 'a.long', 'b.other']) expect(Math.abs(mean(fine, id) / mean(continuous, id) - 1), id).toBeLessThan(0.03);
    expect(fine.host).toMatchObject({ sharing: 'process', slice: 0.02 });
  });

  it('at a 3 ms slice the other unit’s short visits preempt the long bursts rather than share the core with them: faster, mean and p95, by more than 10%', () => {
    const continuous = run({}, 130);
    const sliced = run({ slice: 3 }, 130);
    const p95 = (r: ReturnType<typeof run>, id: string) => r.operations.find((o) => o.id === id)!.latency.p95;
    // (b.other's process wakes 1 ms of work behind u's 6 ms bursts; sharing would halve its speed)
    expect(mean(sliced, 'b.other')).toBeLessThan(mean(continuous, 'b.other') * 0.9);
    expect(p95(sliced, 'b.other')).toBeLessThan(p95(continuous, 'b.other') * 0.9);
  });
});
