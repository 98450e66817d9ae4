// The host shared per process (des/host-groups.ts, HostModel.sharing 'process'): the processes
// with work share the cores equally, each process's jobs share its part, and a database
// connection is a process of its own. Hand-worked timelines on the tiny loop of ps-loop.ts, the
// processes' mapping from a compiled layout, and the whole DES against thread sharing where the
// two must agree (one process: its threads share the core evenly, poolWeight 1).
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/simulate/compile.js';
import { ProcessSharedHost, processOfReplica } from '../../src/simulate/des/host-groups.js';
import { PsPool } from '../../src/simulate/des/ps-pool.js';
import { simulate } from '../../src/simulate/simulate.js';
import { bp } from './helpers.js';
import { Loop } from './ps-loop.js';

/** A host of `cores` whose replica r runs in process processOf[r] (-1: a connection, its own process). */
function host(cores: number, processOf: number[]) {
  const loop = new Loop();
  const count = Math.max(0, ...processOf) + 1;
  const h = new ProcessSharedHost(cores, Int32Array.from(processOf), count, (shared) => {
    const p = new PsPool(loop.pools.length, cores, loop, loop.finished, 0, null, 0, shared);
    loop.pools.push(p);
    return p;
  });
  /** a job of `work` ms at replica r */
  const job = (name: string, r: number, work: number) => {
    const t = loop.token(name);
    t.replica = r;
    h.add(t, work);
  };
  return { loop, job };
}

describe('a host shared per process', () => {
  it('one core: a one-job process gets half beside a two-job process, whose jobs get a quarter each (thread sharing: a third each)', () => {
    const { loop, job } = host(1, [0, 1]);
    loop.later(0, () => job('loop', 1, 4));
    loop.later(0, () => job('hash', 1, 10));
    loop.later(2, () => job('visit', 0, 3));
    loop.run();
    // 0–2 process 1 alone, its two jobs at ½: loop 3 left, hash 9. From 2 the visit at ½ and each
    // of process 1's at ¼: the visit's 3 take 6 (done at 8), by then loop has 1.5 left and hash
    // 7.5. From 8 process 1 alone again: loop at ½ done at 11, hash 6 left then, alone: done at 17.
    expect(loop.done).toEqual([
      { name: 'visit', at: 8 },
      { name: 'loop', at: 11 },
      { name: 'hash', at: 17 },
    ]);
  });

  it('one core: every database connection is a process of its own', () => {
    const { loop, job } = host(1, [0, -1]);
    loop.later(0, () => job('db1', 1, 2));
    loop.later(0, () => job('db2', 1, 4));
    loop.later(0, () => job('loop', 0, 3));
    loop.run();
    // three processes at ⅓: db1 done at 6 (db2 2 left, loop 1 left); then ½ each: loop done at 8,
    // db2 1 left, alone: done at 9
    expect(loop.done).toEqual([
      { name: 'db1', at: 6 },
      { name: 'loop', at: 8 },
      { name: 'db2', at: 9 },
    ]);
  });

  it('two cores, two processes: a core each, the three-job process’s jobs at ⅓ (thread sharing: ½ each)', () => {
    const { loop, job } = host(2, [0, 1]);
    loop.later(0, () => job('x', 0, 2));
    for (const n of ['a', 'b', 'c']) loop.later(0, () => job(n, 1, 2));
    loop.run();
    // x alone on its core: done at 2; a, b, c get ⅔ each by then (4/3 left); then on both cores at ⅔ each: 2 more
    expect(loop.done.map((d) => d.at)).toEqual([2, 4, 4, 4]);
    expect(loop.done[0]!.name).toBe('x');
  });

  it('three cores: a one-job process takes one core (it cannot use its half), the other process the two left', () => {
    const { loop, job } = host(3, [0, 1, -1]);
    loop.later(0, () => job('x', 0, 2));
    for (const n of ['a', 'b', 'c']) loop.later(0, () => job(n, 1, 2));
    loop.run();
    // level 1.5 a process: x capped at 1 core, a/b/c share 2 (⅔ each): at 2, x done and a/b/c have
    // ⅔ left; then three jobs on three cores at full speed: done at 2 + ⅔
    expect(loop.done.map((d) => `${d.name}@${d.at}`).sort()).toEqual(['a@2.666667', 'b@2.666667', 'c@2.666667', 'x@2']);
    expect(loop.done[0]!.name).toBe('x');
  });

  it('three cores, two connections and a process of two jobs: each connection is held to one core', () => {
    const { loop, job } = host(3, [0, -1]);
    loop.later(0, () => job('db1', 1, 3));
    loop.later(0, () => job('db2', 1, 3));
    loop.later(0, () => job('a', 0, 3));
    loop.later(0, () => job('b', 0, 3));
    loop.run();
    // three processes, level 1 each: both connections at full speed (done at 3), the process's
    // core shared by a and b (½ each): 1.5 left at 3, then on a core each: done at 4.5
    expect(loop.done.map((d) => `${d.name}@${d.at}`).sort()).toEqual(['a@4.5', 'b@4.5', 'db1@3', 'db2@3']);
  });
});

const layout = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: procs }
system:
  domains:
    a:
      operations:
        hash: { route: POST /hash, cpu: { dist: const, mean: 0.001ms }, pool: { dist: exp, mean: 4ms } }
        plain: { route: GET /plain, cpu: { dist: exp, mean: 2ms }, db: { reads: 1 } }
    b:
      operations:
        other: { route: GET /other, cpu: { dist: exp, mean: 1ms } }
workload: { rate: 100/s, mix: { a.hash: 1, a.plain: 1, b.other: 1 } }
layouts:
  one:
    units:
      u: { domains: "*", port: 8001, threadPool: 4 }
    network: { latency: 0ms, cpuPerCall: 0ms, cpuPerKiB: 0ms }
  two:
    units:
      u: { domains: [a], port: 8001, threadPool: 4, replicas: 2 }
      v: { domains: [b], port: 8002 }
    datastores:
      db: { engine: postgres, tables: "*", port: 5432 }
    network: { latency: 0ms, cpuPerCall: 0ms, cpuPerKiB: 0ms }
`;

describe('the processes of a compiled layout', () => {
  it('a unit replica and its thread pool are one process, each replica another, a datastore’s connections none', () => {
    const c = compile(bp(layout), 'two');
    const first = new Int32Array(c.stations.length);
    const alloc = Int32Array.from(c.stations, (s) => s.replicas);
    let r = 0;
    c.stations.forEach((s, i) => {
      first[i] = r;
      r += s.replicas;
    });
    const { of, count } = processOfReplica(c.stations, first, alloc);
    const at = (id: string, k: number) => of[first[c.stations.findIndex((s) => s.id === id)]! + k];
    expect(count).toBe(3);
    expect(at('u', 0)).toBe(at('u (thread pool)', 0));
    expect(at('u', 1)).toBe(at('u (thread pool)', 1));
    expect(new Set([at('u', 0), at('u', 1), at('v', 0)]).size).toBe(3);
    expect(at('db', 0)).toBe(-1);
  });

  it('the DES with one process on one core is thread sharing at pool weight 1, to the last digit', () => {
    const b = bp(layout);
    const run = (host: object) => simulate(b, 'one', { method: 'des', rate: 100, duration: 60_000, warmup: 5_000, seed: 5, host: { cores: 1, driverCpu: 0, ...host } });
    const perProcess = run({ sharing: 'process' });
    const even = run({ poolWeight: 1 });
    const priority = run({ poolWeight: 0 });
    for (const id of ['a.hash', 'a.plain', 'b.other']) {
      const p = perProcess.operations.find((o) => o.id === id)!.latency;
      expect(p.mean).toBeCloseTo(even.operations.find((o) => o.id === id)!.latency.mean, 9);
    }
    // and not the loop-first sharing of weight 0 (the check could not pass by ignoring the option)
    expect(perProcess.operations.find((o) => o.id === 'a.plain')!.latency.mean).toBeGreaterThan(priority.operations.find((o) => o.id === 'a.plain')!.latency.mean * 1.05);
  });
});
