// compile.ts against programs worked out by hand from its semantics (the list at the top of
// compile.ts): stations and their servers, every instruction of a request through a gateway, a
// remote gRPC call framed by its policy, a plain remote call, an in-process call, queries on a
// server store and on an in-process one, pool work, a wait, events through a broker and direct,
// the tallies, policy overrides, the warnings and compileWarns. No simulation: milliseconds, for
// the mutation run of src/simulate (compiled.test.ts checks one bundled blueprint's golden).
import { describe, expect, it } from 'vitest';
import { Blueprint } from '../../src/model/schema.js';
import { compile, compileWarns, distMean, distVar, D_CONST, D_EXP, D_GAMMA, D_LOGNORMAL, OP_BEGIN, OP_CHECK, OP_DELAY, OP_END, OP_SPAWN, OP_VISIT, W, type Compiled } from '../../src/simulate/compile.js';

const KiB = '1KiB';

/**
 * front.page (web): calls cat.get (timeout 100 ms, 2 retries), cat.list (no policy) and
 * front.helper (in-process: 0.5 ms and a read of the in-process `sessions` store), then its own
 * 1 ms, 2 ms of thread-pool work and a 4 ms wait, and emits page.viewed (consumed by stats.record
 * and cat.reindex). cat.get: 2 ms and 2 reads and 1 write on `items`. Every payload 1 KiB.
 */
function shop(): Blueprint {
  const C = (ms: number) => ({ dist: 'const', mean: `${ms}ms` });
  return Blueprint.parse({
    apiVersion: 'archsim/v1',
    kind: 'Blueprint',
    metadata: { name: 'shop' },
    system: {
      defaults: { payload: { request: KiB, response: KiB, event: KiB } },
      domains: {
        front: {
          tables: ['sessions'],
          operations: {
            page: { route: 'GET /page', cpu: C(1), pool: C(2), wait: C(4), calls: [{ op: 'cat.get', timeout: '100ms', retries: 2 }, 'cat.list', 'front.helper'], emits: ['page.viewed'] },
            helper: { internal: true, cpu: C(0.5), db: { reads: 1 } },
          },
        },
        cat: {
          tables: ['items'],
          operations: {
            get: { internal: true, cpu: C(2), db: { reads: 2, writes: 1 } },
            list: { internal: true, cpu: '3ms' },
            reindex: { internal: true, cpu: { dist: 'gamma', mean: '6ms', cv: 0.5 } },
          },
        },
        stats: { tables: [], operations: { record: { internal: true, cpu: { dist: 'lognormal', mean: '0.3ms', cv: 2 } } } },
      },
      events: { 'page.viewed': { consumers: ['stats.record', 'cat.reindex'] } },
    },
    catalog: { c2: { vcpu: 2, usdPerMonth: 1 }, c25: { vcpu: 2.5, usdPerMonth: 1 } },
    layouts: {
      full: {
        gateway: { kind: 'nginx', port: 80, replicas: 2, instance: 'c25', cpu: C(0.2) },
        broker: { kind: 'rabbitmq', instance: 'c2', cpu: C(0.4), latency: '2ms', publishCpu: '0.2ms', consumeCpu: '0.7ms' },
        units: {
          web: { domains: ['front'], port: 8000, replicas: 2, workers: 3, instance: 'c2', threadPool: 5, backgroundCpu: 0.1 },
          cat: { domains: ['cat'], port: 8001, workers: 4, instance: 'c25', protocol: 'grpc' },
          worker: { domains: ['stats'], port: 8002, workers: 2 },
        },
        datastores: { pg: { engine: 'postgres', tables: ['items'], pool: 1, cores: 20, backgroundCpu: 0.25 }, mem: { engine: 'memory', tables: ['sessions'] } },
        network: { latency: '0.5ms', cpuPerCall: '0.1ms', cpuPerKiB: '0.01ms', grpc: { latency: '0.3ms', cpuPerCall: '0.05ms' } },
      },
      direct: {
        units: { one: { domains: ['front', 'cat'], port: 8000 }, worker: { domains: ['stats'], port: 8002, workers: 2 } },
        datastores: { pg: { engine: 'postgres', tables: ['items'], cores: 2.5 }, mem: { engine: 'memory', tables: ['sessions'] } },
        network: { latency: '0.5ms', cpuPerCall: '0.1ms', cpuPerKiB: '0.01ms' },
      },
      partial: {
        units: { one: { domains: ['front'], port: 8000 } },
        datastores: { mem: { engine: 'memory', tables: ['sessions'] } },
        network: { latency: '0ms', cpuPerCall: '0ms', cpuPerKiB: '0ms' },
      },
      nostore: {
        units: { one: { domains: ['front', 'cat', 'stats'], port: 8000 } },
        datastores: { mem: { engine: 'memory', tables: ['sessions'] } },
        network: { latency: '0ms', cpuPerCall: '0ms', cpuPerKiB: '0ms' },
      },
    },
  });
}

/** One line per instruction, each distribution in full (kind, mean, cv, constant part). */
function listing(c: Compiled, program: number): string[] {
  const p = c.programs[program]!;
  const d = (i: number) => {
    const x = c.dists[i]!;
    const kind = ['const', 'exp', 'lognormal', 'gamma', 'uniform'][x.kind]!;
    const n = (v: number) => Number(v.toPrecision(10));
    return `${kind} ${n(x.mean)} cv ${n(x.cv)} + ${n(x.add)}`;
  };
  const out: string[] = [];
  for (let pc = 0; pc < p.code.length; pc += W) {
    const [op, a, b, cc] = [p.code[pc]!, p.code[pc + 1]!, p.code[pc + 2]!, p.code[pc + 3]!];
    if (op === OP_VISIT) out.push(`visit ${c.stations[a]!.id} ${d(b)}`);
    else if (op === OP_DELAY) out.push(`delay ${d(a)}`);
    else if (op === OP_SPAWN) out.push(`spawn ${c.programs[a]!.name}`);
    else if (op === OP_BEGIN) out.push(`begin ${c.edges[a]!.id} end@${b / W}`);
    else if (op === OP_END) out.push(`end ${c.edges[a]!.id}`);
    else if (op === OP_CHECK) out.push(`check ${c.stations[a]!.id}`);
    else out.push(`? ${op}`);
    expect(cc, `instruction ${pc / W}: the fourth word is unused`).toBe(0);
  }
  return out;
}

const prog = (c: Compiled, name: string) => c.programs.findIndex((p) => p.name === name);

describe('compile: stations', () => {
  it('a driver, the gateway, the units, thread pools, server datastores (not in-process ones), the broker, in that order, with their servers', () => {
    const c = compile(shop(), 'full', { driverCpu: 0.05 });
    expect(c.stations).toEqual([
      { id: 'driver', kind: 'driver', replicas: 1, servers: 1, discipline: 'fcfs', domains: [] },
      // 2.5 vCPU: 3 servers
      { id: 'gateway', kind: 'gateway', replicas: 2, servers: 3, discipline: 'fcfs', domains: [] },
      // 3 workers on 2 vCPU: 2 servers
      { id: 'web', kind: 'unit', replicas: 2, servers: 2, discipline: 'fcfs', domains: ['front'] },
      // 4 workers on 2.5 vCPU: 3
      { id: 'cat', kind: 'unit', replicas: 1, servers: 3, discipline: 'fcfs', domains: ['cat'] },
      // no instance: a server per worker
      { id: 'worker', kind: 'unit', replicas: 1, servers: 2, discipline: 'fcfs', domains: ['stats'] },
      // 5 threads × 3 workers, per replica
      { id: 'web (thread pool)', kind: 'pool', replicas: 2, servers: 15, discipline: 'fcfs', domains: [] },
      // 20 cores, but 1 connection × the 4 workers of cat, the one unit using pg (web's 6 and
      // worker's 2 hold no connection to it: 12 when they were counted)
      { id: 'pg', kind: 'datastore', replicas: 1, servers: 4, discipline: 'fcfs', domains: [], engine: 'postgres' },
      { id: 'broker', kind: 'broker', replicas: 1, servers: 2, discipline: 'fcfs', domains: [] },
    ]);
    // background: 0.1 per worker of each web replica (6 of them) and pg's 0.25
    expect(c.background).toBeCloseTo(0.85, 12);
    expect(c.networkLatency).toBe(0.5);
    expect(c.blueprint).toBe('shop');
    expect(c.layout.name).toBe('full');
    // c25's 2.5 vCPU run as 3 whole cores: the gateway's and cat's (4 workers) capacity overstated
    expect(c.warnings).toEqual([
      "c25 has 2.5 vCPU, simulated as 3 whole cores (the gateway, cat): capacity overstated up to ×1.2, since a CPU quota caps the work per scheduling period and past 2.5 of a core's load requests wait for the next one",
    ]);
  });

  it('without a driver or gateway the units come first; a store with fewer cores than connections gets ceil(cores); an autoscale override is kept', () => {
    const autoscale = { min: 1, max: 4, metric: 'cpu' as const, targetUtilization: 0.6, scaleUpDelay: 30_000, coldStart: 10_000 };
    const c = compile(shop(), 'direct', { autoscale: { worker: autoscale } });
    expect(c.stations.map((s) => [s.id, s.servers])).toEqual([
      ['one', 1],
      ['worker', 2],
      ['one (thread pool)', 4],
      // 2.5 cores, 20 connections × 3 workers
      ['pg', 3],
    ]);
    expect(c.stations[1]!.autoscale).toEqual(autoscale);
    expect('autoscale' in c.stations[0]!).toBe(false);
    expect(c.background).toBe(0);
  });
});

// Compiled inside each test, never at collection: Stryker switches a mutant on when the tests
// start, so a program compiled while the file loads would be the unmutated one.
const full = () => compile(shop(), 'full', { driverCpu: 0.05 });

describe('compile: a request through the gateway, full layout', () => {

  it('front.page instruction by instruction', () => {
    const c = full();
    const page = c.entry.get('front.page')!;
    expect(listing(c, page)).toEqual([
      'visit driver const 0 cv 0 + 0.05',
      // the gateway's 0.2 ms plus serialization of 2 KiB at 0.01 ms a KiB
      'visit gateway const 0.2 cv 0 + 0.02',
      'delay const 0 cv 0 + 0.5',
      // entering web: refused there while it is down, before the call's frame (whose retries are web's)
      'check web',
      // cat.get, framed by its policy: gRPC (cat's protocol): 0.05 + 0.02 ms each side, 0.3 ms each way
      'begin front.page → cat.get end@12',
      'visit web const 0 cv 0 + 0.07',
      'delay const 0 cv 0 + 0.3',
      'visit cat const 2 cv 0 + 0.07',
      'visit pg exp 0.5 cv 1 + 0',
      'visit pg exp 0.5 cv 1 + 0',
      'visit pg exp 1.5 cv 1 + 0',
      'delay const 0 cv 0 + 0.3',
      'end front.page → cat.get',
      // cat.list: no policy, no frame
      'visit web const 0 cv 0 + 0.07',
      'delay const 0 cv 0 + 0.3',
      'visit cat exp 3 cv 1 + 0.07',
      'delay const 0 cv 0 + 0.3',
      // front.helper in-process, its read on the in-process store: the unit's own 5 µs
      'visit web const 0.5 cv 0 + 0',
      'visit web exp 0.005 cv 1 + 0',
      // its own CPU with the broker client's 0.2 ms and the event's 1 KiB
      'visit web const 1 cv 0 + 0.21',
      'visit web (thread pool) const 2 cv 0 + 0',
      'delay const 4 cv 0 + 0',
      'spawn page.viewed → stats.record',
      'spawn page.viewed → cat.reindex',
      'delay const 0 cv 0 + 0.5',
    ]);
    expect(c.programs[page]!.name).toBe('front.page');
  });

  it('the tally of its critical path', () => {
    const c = full();
    const t = c.programs[c.entry.get('front.page')!]!.tally;
    expect(t.hops).toBe(6);
    expect(t.networkMs).toBeCloseTo(2 * 0.5 + 4 * 0.3, 12);
    expect(t.gatewayNetworkMs).toBe(1);
    expect(t.serializationMs).toBeCloseTo(4 * 0.07, 12);
    expect(t.gateway).toBe(true);
    expect(t.gatewayMs).toBeCloseTo(0.2 + 0.02 + 1, 12);
    expect(t.remoteCalls).toBe(2);
    expect(t.grpcCalls).toBe(2);
    expect(t.inProcessCalls).toBe(1);
    expect(t.publishes).toBe(1);
    expect(t.units).toEqual(['web', 'cat']);
  });

  it('the events through the broker: its CPU, its latency, the consumer with its client CPU; spawned work tallies no units', () => {
    const c = full();
    const s = prog(c, 'page.viewed → stats.record');
    expect(listing(c, s)).toEqual(['visit broker const 0.4 cv 0 + 0', 'delay const 2 cv 0 + 0', 'visit worker lognormal 0.3 cv 2 + 0.71']);
    expect(c.programs[s]!.tally.units).toEqual([]);
    expect(c.programs[s]!.tally.hops).toBe(0);
    expect(listing(c, prog(c, 'page.viewed → cat.reindex'))).toEqual(['visit broker const 0.4 cv 0 + 0', 'delay const 2 cv 0 + 0', 'visit cat gamma 6 cv 0.5 + 0.71']);
  });

  it('the edge of the framed call, with its policy', () => {
    const c = full();
    expect(c.edges).toEqual([{ id: 'front.page → cat.get', caller: 'front.page', callee: 'cat.get', callerStation: c.stations.findIndex((s) => s.id === 'web'), retries: 2, backoff: 50, optional: false, timeout: 100 }]);
  });

  it('every operation is an entry; a hop latency is one distribution shared by every program', () => {
    const c = full();
    expect([...c.entry.keys()].sort()).toEqual(['cat.get', 'cat.list', 'cat.reindex', 'front.helper', 'front.page', 'stats.record']);
    const delays = new Set<number>();
    for (const p of c.programs) for (let pc = 0; pc < p.code.length; pc += W) if (p.code[pc] === OP_DELAY && c.dists[p.code[pc + 1]!]!.add === 0.3) delays.add(p.code[pc + 1]!);
    expect(delays.size).toBe(1);
    // cat.get as a request from outside: the driver, then through the gateway by cat's gRPC hop (0.3 ms)
    expect(listing(c, c.entry.get('cat.get')!)).toEqual([
      'visit driver const 0 cv 0 + 0.05',
      'visit gateway const 0.2 cv 0 + 0.02',
      'delay const 0 cv 0 + 0.3',
      'visit cat const 2 cv 0 + 0',
      'visit pg exp 0.5 cv 1 + 0',
      'visit pg exp 0.5 cv 1 + 0',
      'visit pg exp 1.5 cv 1 + 0',
      'delay const 0 cv 0 + 0.3',
    ]);
    expect(c.programs[c.entry.get('cat.get')!]!.tally.gatewayMs).toBeCloseTo(0.2 + 0.02 + 0.6, 12);
    expect(c.programs[c.entry.get('cat.get')!]!.tally.gatewayNetworkMs).toBeCloseTo(0.6, 12);
  });

  it('entries: only those operations, and the work they spawn', () => {
    const only = compile(shop(), 'full', { entries: ['cat.list'] });
    expect([...only.entry.keys()]).toEqual(['cat.list']);
    expect(only.programs.map((p) => p.name)).toEqual(['cat.list']);
    const page = compile(shop(), 'full', { entries: ['front.page'] });
    expect(page.programs.map((p) => p.name)).toEqual(['front.page', 'page.viewed → stats.record', 'page.viewed → cat.reindex']);
  });
});

describe('compile: no gateway, no broker (direct layout)', () => {
  it('an in-process framed call, and events dispatched directly: in-process on the same unit, a hop to another', () => {
    const c = compile(shop(), 'direct');
    expect(listing(c, c.entry.get('front.page')!)).toEqual([
      // the request enters one: checked before the frame, which could retry only inside one
      'check one',
      // cat is on the same unit: in-process, still framed
      'begin front.page → cat.get end@6',
      'visit one const 2 cv 0 + 0',
      'visit pg exp 0.5 cv 1 + 0',
      'visit pg exp 0.5 cv 1 + 0',
      'visit pg exp 1.5 cv 1 + 0',
      'end front.page → cat.get',
      'visit one exp 3 cv 1 + 0',
      'visit one const 0.5 cv 0 + 0',
      'visit one exp 0.005 cv 1 + 0',
      // no broker: no client CPU for publishing
      'visit one const 1 cv 0 + 0',
      'visit one (thread pool) const 2 cv 0 + 0',
      'delay const 4 cv 0 + 0',
      'spawn page.viewed → stats.record',
      'spawn page.viewed → cat.reindex',
    ]);
    const t = c.programs[c.entry.get('front.page')!]!.tally;
    expect([t.hops, t.networkMs, t.remoteCalls, t.grpcCalls, t.inProcessCalls, t.publishes, t.gateway, t.gatewayMs, t.serializationMs]).toEqual([0, 0, 0, 0, 3, 1, false, 0, 0]);
    expect(t.units).toEqual(['one']);
    // to another unit: the publisher serializes (0.1 + 0.01 ms), a hop, the consumer deserializes
    expect(listing(c, prog(c, 'page.viewed → stats.record'))).toEqual(['visit one const 0 cv 0 + 0.11', 'delay const 0 cv 0 + 0.5', 'visit worker lognormal 0.3 cv 2 + 0.11']);
    // on the publisher's own unit: the consumer's work alone
    expect(listing(c, prog(c, 'page.viewed → cat.reindex'))).toEqual(['visit one gamma 6 cv 0.5 + 0']);
  });

  it('a scenario’s policy: by edge id before callee id, over the blueprint’s; a call with no policy gets none', () => {
    const c = compile(shop(), 'direct', { edgePolicies: { 'front.page → cat.get': { optional: true }, 'cat.get': { retries: 7 }, 'cat.list': { timeout: 30 } } });
    expect(c.edges).toEqual([
      { id: 'front.page → cat.get', caller: 'front.page', callee: 'cat.get', callerStation: 0, retries: 2, backoff: 50, optional: true, timeout: 100 },
      { id: 'front.page → cat.list', caller: 'front.page', callee: 'cat.list', callerStation: 0, retries: 0, backoff: 50, optional: false, timeout: 30 },
    ]);
    const retried = compile(shop(), 'direct', { edgePolicies: { 'cat.list': { retries: 1 } } });
    expect(retried.edges.map((e) => [e.id, e.retries, 'timeout' in e])).toEqual([
      ['front.page → cat.get', 2, true],
      ['front.page → cat.list', 1, false],
    ]);
    const breaker = { failureThreshold: 0.5, window: 10_000, minCalls: 20, openFor: 5000 };
    const broken = compile(shop(), 'direct', { edgePolicies: { 'cat.list': { circuitBreaker: breaker } } });
    expect(broken.edges[1]).toEqual({ id: 'front.page → cat.list', caller: 'front.page', callee: 'cat.list', callerStation: 0, retries: 0, backoff: 50, optional: false, circuitBreaker: breaker });
    // the only framed call becomes unframed when a scenario takes its policy away
    const bare = compile(shop(), 'direct', { edgePolicies: { 'cat.get': { retries: 0, timeout: undefined } } });
    expect(bare.edges).toEqual([]);
    expect(listing(bare, bare.entry.get('front.page')!)[0]).toBe('visit one const 2 cv 0 + 0');
  });
});

describe('compile: warnings', () => {
  it('a domain placed in no unit: its calls skipped and its operations doing nothing, each said once; its events’ work empty', () => {
    const c = compile(shop(), 'partial');
    expect(c.warnings).toEqual([
      'cat is placed in no unit of partial; calls to cat.get are skipped',
      'cat is placed in no unit of partial; calls to cat.list are skipped',
      'cat is placed in no unit of partial; cat.get does nothing',
      'cat is placed in no unit of partial; cat.list does nothing',
      'cat is placed in no unit of partial; cat.reindex does nothing',
      'stats is placed in no unit of partial; stats.record does nothing',
    ]);
    expect(listing(c, c.entry.get('cat.get')!)).toEqual([]);
    expect(listing(c, prog(c, 'page.viewed → stats.record'))).toEqual([]);
    expect(listing(c, c.entry.get('front.page')!)).toEqual([
      'visit one const 0.5 cv 0 + 0',
      'visit one exp 0.005 cv 1 + 0',
      'visit one const 1 cv 0 + 0',
      'visit one (thread pool) const 2 cv 0 + 0',
      'delay const 4 cv 0 + 0',
      'spawn page.viewed → stats.record',
      'spawn page.viewed → cat.reindex',
    ]);
    expect(compileWarns(shop(), 'partial')).toBe(true);
  });

  it('queries with no datastore for the domain: skipped and said', () => {
    const c = compile(shop(), 'nostore');
    expect(c.warnings).toEqual(['cat.get queries a database but cat has no datastore in nostore; queries skipped']);
    expect(listing(c, c.entry.get('cat.get')!)).toEqual(['visit one const 2 cv 0 + 0']);
    expect(compileWarns(shop(), 'nostore')).toBe(true);
  });

  it('compileWarns is false where no operation warns', () => {
    expect(compileWarns(shop(), 'full')).toBe(false);
    expect(compileWarns(shop(), 'direct')).toBe(false);
  });
});

describe('distributions', () => {
  it('kinds, means and variances', () => {
    const c = compile(shop(), 'full');
    const byKind = (k: number) => c.dists.find((d) => d.kind === k)!;
    expect(byKind(D_GAMMA)).toEqual({ kind: D_GAMMA, mean: 6, cv: 0.5, add: 0.71, min: 0, max: 0 });
    expect(distMean(byKind(D_GAMMA))).toBeCloseTo(6.71, 12);
    expect(distVar(byKind(D_GAMMA))).toBe(9);
    expect(distVar(byKind(D_LOGNORMAL))).toBeCloseTo(0.36, 12);
    expect(distVar({ kind: D_EXP, mean: 3, cv: 1, add: 5, min: 0, max: 0 })).toBe(9);
    expect(distVar({ kind: D_CONST, mean: 3, cv: 1, add: 5, min: 0, max: 0 })).toBe(0);
    expect(distMean({ kind: D_CONST, mean: 3, cv: 0, add: 5, min: 0, max: 0 })).toBe(8);
  });
});
