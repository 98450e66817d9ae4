// The host shared per process (des/host-groups.ts, HostModel.sharing 'process'): the processes
// with work share the cores equally, each process's jobs share its part, and a database
// connection is a process of its own. Hand-worked timelines on the tiny loop of ps-loop.ts, the
// processes' mapping from a compiled layout, and the whole DES against thread sharing where the
// two must agree (one process: its threads share the core evenly, poolWeight 1).
import { describe, expect, it } from 'vitest';
import { compile, type StationDef } from '../../src/simulate/compile.js';
import { ProcessSharedHost, processOfReplica } from '../../src/simulate/des/host-groups.js';
import { PsPool } from '../../src/simulate/des/ps-pool.js';
import { simulate } from '../../src/simulate/simulate.js';
import { bp } from './helpers.js';
import { Loop } from './ps-loop.js';

/**
 * A host of `cores` whose replica r runs in process processOf[r] (-1: a connection, its own
 * process). `before`: pools numbered ahead of the host's (the engine numbers every pool in one
 * list); `idleSlowdown`: HostModel.idleSlowdown.
 */
function host(cores: number, processOf: number[], o: { before?: number; idleSlowdown?: number } = {}) {
  const loop = new Loop();
  for (let i = 0; i < (o.before ?? 0); i++) loop.pools.push(new PsPool(loop.pools.length, 1, loop, loop.finished));
  const count = Math.max(0, ...processOf) + 1;
  const h = new ProcessSharedHost(cores, Int32Array.from(processOf), count, (shared) => {
    const p = new PsPool(loop.pools.length, cores, loop, loop.finished, o.idleSlowdown ?? 0, null, 0, shared);
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
  for (const before of [0, 3])
    it(`one core: a one-job process gets half beside a two-job process, whose jobs get a quarter each (thread sharing: a third each)${before ? '; the host’s pools numbered after others (the engine’s one list of pools)' : ''}`, () => {
      const { loop, job } = host(1, [0, 1], { before });
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

  it('four cores, two connections and a process of three jobs (another process idle, the pools numbered after others): each connection a core, the process the two left (⅔ a job)', () => {
    const { loop, job } = host(4, [0, 1, -1], { before: 2 });
    loop.later(0, () => job('db1', 2, 2));
    loop.later(0, () => job('db2', 2, 2));
    for (const n of ['a', 'b', 'c']) loop.later(0, () => job(n, 0, 2));
    loop.run();
    // three processes on four cores: a connection can use one core, so both take one and the
    // process shares the two left (⅔ a job); at 2 the connections are done and a, b, c have ⅔
    // left, then a core each: done at 2 + ⅔
    expect(loop.done.map((d) => `${d.name}@${d.at}`).sort()).toEqual(['a@2.666667', 'b@2.666667', 'c@2.666667', 'db1@2', 'db2@2']);
  });

  it('idle slowdown: a job that finds a core idle (fewer jobs on the host than cores) costs 1 + β, one that finds them all busy does not', () => {
    const { loop, job } = host(1, [0, 1], { idleSlowdown: 0.5 });
    loop.later(0, () => job('first', 0, 2));
    loop.later(1, () => job('second', 1, 2));
    loop.run();
    // first: 2 × 1.5 = 3 of work; alone 0–1 (2 left), then ½ each: second (no slowdown, the core
    // was busy) and first both have 2 left at 1: done together at 5
    expect(loop.done.map((d) => `${d.name}@${d.at}`).sort()).toEqual(['first@5', 'second@5']);
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
  it('numbers them replica by replica, exactly (a hand-made station list: a gateway, a unit of two replicas and its pool, a datastore, a broker, a driver)', () => {
    const st = (id: string, kind: StationDef['kind'], replicas: number): StationDef => ({ id, kind, replicas, servers: 1, discipline: 'fcfs', domains: [] });
    const stations = [st('gateway', 'gateway', 1), st('u', 'unit', 2), st('db', 'datastore', 2), st('u (thread pool)', 'pool', 2), st('broker', 'broker', 1), st('driver', 'driver', 1)];
    const alloc = Int32Array.from(stations, (s) => s.replicas);
    const first = new Int32Array(stations.length);
    stations.forEach((s, i) => (first[i] = i ? first[i - 1]! + alloc[i - 1]! : 0));
    const { of, count } = processOfReplica(stations, first, alloc);
    // gateway 0; u's replicas 1, 2; db's two connections none; the pool's replicas u's; broker none; driver 3
    expect([...of]).toEqual([0, 1, 2, -1, -1, 1, 2, -1, 3]);
    expect(count).toBe(4);
  });

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
