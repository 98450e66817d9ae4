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
import type { Token } from '../../src/simulate/des/tokens.js';

/** A sliced host on `cores`; replica r runs in process processOf[r] (−1: a connection, its own). */
/** `pools`: the replicas that are a unit's thread pool (their jobs wait behind their process's loop's). */
function host(cores: number, slice: number, processOf: number[], o: { gran?: number; credit?: number; idleSlowdown?: number; pools?: number[]; then?: (name: string) => void } = {}) {
  const loop = new Loop();
  const count = Math.max(0, ...processOf) + 1;
  const onDone = (t: Token) => {
    loop.finished(t);
    o.then?.(loop.done[loop.done.length - 1]!.name);
  };
  const pool = Uint8Array.from(processOf, (_, r) => (o.pools?.includes(r) ? 1 : 0));
  const h = new SlicedHost(loop.pools.length, cores, slice, loop, onDone, Int32Array.from(processOf), count, pool, o.idleSlowdown ?? 0, o);
  loop.pools.push(h);
  /** a job of `work` ms at replica r */
  const job = (name: string, r: number, work: number) => {
    const t = loop.token(name);
    t.replica = r;
    h.add(t, work);
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
    const { loop, job, done } = host(1, 2, [0, 0, -1], { gran: Infinity, credit: 0, pools: [1] });
    loop.later(0, () => job('hash', 1, 6));
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

  it('idle slowdown: a job that finds a core idle costs 1 + β (at any time, a fresh core too); one that came the instant a job left (a busy period going on), or waited for its turn, does not', () => {
    let follow: (() => void) | null = null;
    const { loop, job, done } = host(1, 10, [0, 1], { idleSlowdown: 0.5, gran: Infinity, then: (n) => n === 'first' && follow?.() });
    follow = () => job('next', 0, 2);
    loop.later(1, () => job('first', 0, 2));
    loop.later(5, () => job('second', 1, 2));
    loop.later(20, () => job('late', 1, 2));
    loop.run();
    // first 1–4 (2 × 1.5, the core idle); its follow-up takes the core the instant first leaves
    // it: 4–6 at its own 2; second, waiting since 5, 6–8; late finds the core idle: 20–23
    expect(done()).toEqual(['first@4', 'next@6', 'second@8', 'late@23']);
  });

  it('serves the line least-served first and the earliest of equals first, past the line’s first sixteen (it grows)', () => {
    const { loop, job, done } = host(1, 1, [0, 1, 2, 3], { gran: Infinity, credit: 0 });
    loop.later(0, () => job('x', 0, 2));
    loop.later(0, () => job('y', 1, 1));
    loop.later(0, () => job('z', 2, 1));
    loop.later(1.5, () => job('w', 3, 1));
    loop.run();
    // x 0–1 (v 1) goes back behind y and z (v 0); w wakes at 1.5 at v 0 and passes x (v 1)
    expect(done()).toEqual(['y@2', 'z@3', 'w@4', 'x@5']);
    const many = host(1, 10, [-1], { gran: Infinity, credit: 0 });
    for (let i = 0; i < 20; i++) many.loop.later(0, () => many.job(`q${i}`, 0, 1));
    many.loop.run();
    expect(many.done()).toEqual(Array.from({ length: 20 }, (_, i) => `q${i}@${i + 1}`));
  });

  it('a connection’s long query whose slice ran out waits at the CPU it has had, behind a query that has had less', () => {
    const { loop, job, done } = host(1, 2, [-1], { gran: Infinity, credit: 0 });
    loop.later(0, () => job('long', 0, 5));
    loop.later(1, () => job('short', 0, 1));
    loop.run();
    // long 0–2 (v 2); short woke at 1 at v 1: short 2–3, long's 3 left 3–5 and 5–6
    expect(done()).toEqual(['short@3', 'long@6']);
  });

  it('a process’s own jobs wait in order, past sixteen of them', () => {
    const { loop, job, done } = host(1, 10, [0], { gran: Infinity, credit: 0 });
    for (let i = 0; i < 20; i++) loop.later(0, () => job(`j${i}`, 0, 1));
    loop.run();
    expect(done()).toEqual(Array.from({ length: 20 }, (_, i) => `j${i}@${i + 1}`));
  });

  it('a waking process preempts a connection’s long query too, and the query resumes with what it has left', () => {
    const run = (gran: number) => {
      const { loop, job, done } = host(1, 10, [-1, 0], { gran, credit: 3 });
      loop.later(0, () => job('query', 0, 6));
      loop.later(4, () => job('visit', 1, 1));
      loop.run();
      return done();
    };
    // at 4 the query (placed at −3) is at v 1, the visit at max(0, 1 − 3) = 0: 1 ahead, over 0.5
    expect(run(0.5)).toEqual(['visit@5', 'query@7']);
    expect(run(Infinity)).toEqual(['query@6', 'visit@7']);
  });

  it('on two cores a waker preempts the process furthest ahead, and each core’s later turns still end', () => {
    const { loop, job, done } = host(2, 10, [0, 1, 2], { gran: 0.5, credit: 2 });
    loop.later(0, () => job('h1', 0, 10));
    loop.later(2, () => job('h2', 1, 10));
    loop.later(5, () => job('w', 2, 1));
    loop.run();
    // h2 starts at max(0, 2 − 2) = 0; at 5 h1 is at v 5, h2 at 3, w at 3 − 2 = 1: h1 gives way
    // (4 ahead), w 5–6 on its core, h1's 5 left 6–11; h2 2–12 untouched
    expect(done()).toEqual(['w@6', 'h1@11', 'h2@12']);
  });

  it('a connection’s query that wakes preempts a process that has run well ahead, as a process does', () => {
    const { loop, job, done } = host(1, 10, [0, -1], { gran: 0.5, credit: 3 });
    loop.later(0, () => job('hog', 0, 10));
    loop.later(4, () => job('query', 1, 1));
    loop.run();
    // the query wakes at v 4 − 3 = 1, the hog is at 4: the query runs 4–5, the hog's 6 left 5–11
    expect(done()).toEqual(['query@5', 'hog@11']);
  });

  it('a preempted hash waits as pool work: its process’s loop job that comes meanwhile goes first', () => {
    const { loop, job, done } = host(1, 10, [0, 0, 1], { gran: 0.5, credit: 3, pools: [1] });
    loop.later(0, () => job('hash', 1, 6));
    loop.later(2, () => job('visit', 2, 1));
    loop.later(2.5, () => job('loop', 0, 1));
    loop.run();
    // the visit (v max(0, 2 − 3) = 0) preempts the hash at v 2; the loop job comes at 2.5 while
    // its process waits: after the visit (3) the loop 3–4, the hash's 4 left 4–8
    expect(done()).toEqual(['visit@3', 'loop@4', 'hash@8']);
  });

  it('on a fractional core a preempted job keeps what it had done at the core’s speed', () => {
    const { loop, job, done } = host(0.5, 10, [0, 1], { gran: 0.5, credit: 1 });
    loop.later(0, () => job('hog', 0, 10));
    loop.later(4, () => job('visit', 1, 1));
    loop.run();
    // half speed: by 4 the hog has done 2 (v 2), the visit wakes at v 1 and preempts it: 4–6;
    // the hog's 8 left take 16: 6–22
    expect(done()).toEqual(['visit@6', 'hog@22']);
  });

  it('on two cores a waker preempts the process furthest ahead, on whichever core it runs', () => {
    const { loop, job, done } = host(2, 10, [0, 1, 2], { gran: 0.5, credit: 2 });
    loop.later(0, () => job('x', 1, 9));
    loop.later(10, () => job('a', 0, 20));
    loop.later(10, () => job('b', 1, 20));
    loop.later(12, () => job('w', 2, 1));
    loop.run();
    // x leaves process 1 at v 9; at 10 a starts on core 0 at v 0, b on core 1 at its own 9; at
    // 12 w wakes at v 0: b (11) is furthest ahead and gives way on core 1: w 12–13, b's 18 left
    // 13–23 and 23–31; a 10–20, 20–30 (had core 0 given way, a would finish last)
    expect(done()).toEqual(['x@9', 'w@13', 'a@30', 'b@31']);
  });

  it('a process with more than one job waiting takes a core for each as they free', () => {
    const { loop, job, done } = host(2, 10, [0, 1, 2], { gran: Infinity, credit: 0 });
    loop.later(0, () => job('a', 1, 1));
    loop.later(0, () => job('b', 2, 1));
    loop.later(0, () => job('j1', 0, 1));
    loop.later(0, () => job('j2', 0, 1));
    loop.run();
    expect(done()).toEqual(['a@1', 'b@1', 'j1@2', 'j2@2']);
  });

  it('within a process nothing is preempted: its loop’s job waits for its own hash’s turn to end', () => {
    const { loop, job, done } = host(1, 10, [0, 0], { gran: 0.5, credit: 3, pools: [1] });
    loop.later(0, () => job('hash', 1, 6));
    loop.later(2, () => job('loop', 0, 1));
    loop.run();
    expect(done()).toEqual(['hash@6', 'loop@7']);
  });

  it('a hash whose turn ended waits as pool work: a loop job that comes meanwhile goes first', () => {
    const { loop, job, done } = host(1, 2, [0, 0, -1], { gran: Infinity, credit: 0, pools: [1] });
    loop.later(0, () => job('hash', 1, 4));
    loop.later(0, () => job('query', 2, 2));
    loop.later(3, () => job('loop', 0, 1));
    loop.run();
    // hash 0–2, query 2–4; the loop job came at 3 while its process waited: loop 4–5, hash 5–7
    expect(done()).toEqual(['query@4', 'loop@5', 'hash@7']);
  });

  it('refuses a slice or cores that are not positive numbers', () => {
    const loop = new Loop();
    for (const slice of [0, -1, Number.NaN, Infinity]) expect(() => new SlicedHost(0, 1, slice, loop, loop.finished, new Int32Array(1), 1, new Uint8Array(1))).toThrow(/slice/);
    for (const cores of [0, -1, Number.NaN]) expect(() => new SlicedHost(0, cores, 3, loop, loop.finished, new Int32Array(1), 1, new Uint8Array(1))).toThrow(/cores/);
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

  it('refuses slices with per-thread sharing (a caller’s bug: the CLI never asks for it)', () => {
    expect(() => run({ sharing: 'thread', slice: 3 })).toThrow('host.slice needs host.sharing "process"');
  });

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
