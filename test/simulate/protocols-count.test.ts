// A call's count and protocol, and in-process (memory) stores, in both methods, checked against
// figures worked out by hand from the compile semantics (src/simulate/compile.ts):
// a remote call costs cpuPerCall on each side, the latency each way, and the callee's work.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/simulate/analytic.js';
import { compare } from '../../src/simulate/compare.js';
import { compile } from '../../src/simulate/compile.js';
import { simulate } from '../../src/simulate/simulate.js';
import { Blueprint, type BlueprintInput } from '../../src/model/schema.js';

const mix = { 'f.page': 1 };
const C = (ms: number) => ({ dist: 'const', mean: `${ms}ms` });

/** f.page (1 ms on unit uf) calls b.get (2 ms on unit ub) as `call` says. */
function twoUnits(o: { call?: Record<string, unknown>; calls?: unknown[]; layout?: Record<string, unknown>; ub?: Record<string, unknown>; dist?: 'const' | 'exp'; bDb?: Record<string, unknown>; stores?: Record<string, unknown> } = {}) {
  const cpu = (ms: number) => (o.dist === 'exp' ? `${ms}ms` : C(ms));
  const input = {
    apiVersion: 'archsim/v1',
    kind: 'Blueprint',
    metadata: { name: 'two' },
    system: {
      defaults: { payload: { request: '0B', response: '0B' } },
      domains: {
        f: { operations: { page: { route: 'GET /page', cpu: cpu(1), calls: o.calls ?? [{ op: 'b.get', ...o.call }] } } },
        b: { tables: o.stores ? ['items'] : [], operations: { get: { route: 'GET /b', cpu: cpu(2), ...(o.bDb ? { db: o.bDb } : {}) } } },
      },
    },
    layouts: {
      one: {
        units: { uf: { domains: ['f'], port: 8080 }, ub: { domains: ['b'], port: 8080, ...o.ub } },
        ...(o.stores ? { datastores: o.stores } : {}),
        network: { latency: '0.5ms', cpuPerCall: '0.1ms', cpuPerKiB: '0ms' },
        ...o.layout,
      },
    },
  } as BlueprintInput;
  return Blueprint.parse(input);
}

const station = (r: ReturnType<typeof analyze>, id: string) => r.stations.find((s) => s.id === id)!;
/** Mean latency with no queueing at all: the analytic method at a vanishing rate. */
const bare = (bp: ReturnType<typeof twoUnits>) => analyze(bp, 'one', { rate: 1e-6, mix }).operations[0]!.latency.mean;

describe('count: N on a call', () => {
  it('count: 3 triples the callee’s arrivals and utilization (analytic: exactly; DES: within noise)', () => {
    const rate = 50;
    const one = analyze(twoUnits({ dist: 'exp' }), 'one', { rate, mix });
    const three = analyze(twoUnits({ dist: 'exp', call: { count: 3 } }), 'one', { rate, mix });
    // ub: 3λ visits of 2 ms + 0.1 ms of server-side serialization each.
    expect(station(one, 'ub').visitRate).toBeCloseTo(rate, 9);
    expect(station(three, 'ub').visitRate).toBeCloseTo(3 * rate, 9);
    expect(station(three, 'ub').utilization).toBeCloseTo((3 * rate * 2.1) / 1000, 9);
    // uf: its own 1 ms plus 0.1 ms of client-side serialization per call.
    expect(station(three, 'uf').demandPerRequest).toBeCloseTo(1 + 3 * 0.1, 9);
    const des = simulate(twoUnits({ dist: 'exp', call: { count: 3 } }), 'one', { rate, mix, duration: 120_000, warmup: 2000, seed: 7 });
    const ub = des.stations.find((s) => s.id === 'ub')!;
    expect(Math.abs(ub.visitRate - 3 * rate) / (3 * rate)).toBeLessThan(0.03);
    expect(Math.abs(ub.utilization - 0.315)).toBeLessThan(0.015);
  });

  it('count: 3 is the call written three times, in both methods', () => {
    const counted = twoUnits({ call: { count: 3 } });
    const written = twoUnits({ calls: ['b.get', 'b.get', 'b.get'] });
    // 1 ms + 3 × (0.1 + 0.5 + 2 + 0.1 + 0.5)
    expect(bare(counted)).toBeCloseTo(1 + 3 * 3.2, 6);
    expect(bare(written)).toBeCloseTo(bare(counted), 12);
    const a = simulate(counted, 'one', { rate: 20, mix, duration: 20_000, seed: 3 });
    const b = simulate(written, 'one', { rate: 20, mix, duration: 20_000, seed: 3 });
    expect(a.operations).toEqual(b.operations);
    expect(a.operations[0]!.latency.mean).toBeGreaterThan(10.6 - 1e-9);
  });

  it('counts multiply down the tree', () => {
    const bp = Blueprint.parse({
      apiVersion: 'archsim/v1',
      kind: 'Blueprint',
      metadata: { name: 'tree' },
      system: {
        domains: {
          a: { operations: { x: { route: 'GET /x', cpu: '1ms', calls: [{ op: 'b.y', count: 4 }] } } },
          b: { operations: { y: { cpu: '1ms', calls: [{ op: 'c.z', count: 5 }] } } },
          c: { operations: { z: { cpu: '1ms' } } },
        },
      },
      // No serialization CPU: each unit's only visits are its operation's own bursts.
      layouts: { one: { units: { u: { domains: ['a'], port: 1 }, v: { domains: ['b'], port: 1 }, w: { domains: ['c'], port: 1 } }, network: { cpuPerCall: '0ms', cpuPerKiB: '0ms' } } },
    } as BlueprintInput);
    const r = analyze(bp, 'one', { rate: 10, mix: { 'a.x': 1 } });
    expect(r.stations.find((s) => s.id === 'v')!.visitRate).toBeCloseTo(40, 9);
    expect(r.stations.find((s) => s.id === 'w')!.visitRate).toBeCloseTo(200, 9);
  });
});

describe('protocol: grpc', () => {
  const grpc = { grpc: { latency: '0.3ms', cpuPerCall: '0.02ms' } };
  const network = { network: { latency: '0.5ms', cpuPerCall: '0.1ms', cpuPerKiB: '0ms', ...grpc } };
  const viaGrpc = 1 + (0.02 + 0.3 + 2 + 0.02 + 0.3);
  const viaHttp = 1 + (0.1 + 0.5 + 2 + 0.1 + 0.5);

  it('a gRPC call costs gRPC’s own figures; what network.grpc leaves out is HTTP’s', () => {
    expect(bare(twoUnits({ call: { protocol: 'grpc' }, layout: network }))).toBeCloseTo(viaGrpc, 6);
    expect(bare(twoUnits({ call: { protocol: 'http' }, layout: network }))).toBeCloseTo(viaHttp, 6);
    // No network.grpc: the HTTP figures (archsim invents none).
    expect(bare(twoUnits({ call: { protocol: 'grpc' } }))).toBeCloseTo(viaHttp, 6);
    // Only cpuPerCall given: latency stays HTTP's.
    const partial = twoUnits({ call: { protocol: 'grpc' }, layout: { network: { latency: '0.5ms', cpuPerCall: '0.1ms', cpuPerKiB: '0ms', grpc: { cpuPerCall: '0.02ms' } } } });
    expect(bare(partial)).toBeCloseTo(1 + (0.02 + 0.5 + 2 + 0.02 + 0.5), 6);
  });

  it('the call’s protocol, else its callee unit’s, else the layout’s', () => {
    expect(bare(twoUnits({ layout: { ...network, protocol: 'grpc' } }))).toBeCloseTo(viaGrpc, 6);
    expect(bare(twoUnits({ layout: network, ub: { protocol: 'grpc' } }))).toBeCloseTo(viaGrpc, 6);
    expect(bare(twoUnits({ layout: { ...network, protocol: 'grpc' }, ub: { protocol: 'http' } }))).toBeCloseTo(viaHttp, 6);
    expect(bare(twoUnits({ layout: network, ub: { protocol: 'grpc' }, call: { protocol: 'http' } }))).toBeCloseTo(viaHttp, 6);
  });

  it('the DES charges the same: server-side CPU per call and the latency at gRPC’s figures', () => {
    const bp = twoUnits({ call: { protocol: 'grpc', count: 2 }, layout: network });
    const a = analyze(bp, 'one', { rate: 1, mix });
    expect(station(a, 'ub').demandPerRequest).toBeCloseTo(2 * 2.02, 9);
    expect(a.stations.find((s) => s.id === 'network')!.demandPerRequest).toBeCloseTo(4 * 0.3, 9);
    const d = simulate(bp, 'one', { rate: 1, mix, duration: 200_000, seed: 11 });
    // Constant service times and 1 request/s: hardly any queueing, so the mean is the path.
    expect(Math.abs(d.operations[0]!.latency.mean - (1 + 2 * (viaGrpc - 1)))).toBeLessThan(0.02);
    expect(d.stations.find((s) => s.id === 'network')!.demandPerRequest).toBeCloseTo(4 * 0.3, 6);
  });
});

describe('compare names each protocol’s hop cost and where it comes from', () => {
  it('gRPC calls at the HTTP figures say so; with network.grpc they name it', () => {
    const notes = (bp: ReturnType<typeof twoUnits>) => compare(bp, ['one'], { mix, rate: 10 }).notes.filter((n) => n.includes('hop cost'));
    expect(notes(twoUnits({ call: { protocol: 'grpc' } }))).toEqual([
      "gRPC hop cost in one: 0.50 ms one-way latency + 0.10 ms CPU per side + 0.00 ms per KiB per side (the HTTP figures: set layouts.one.network.grpc.cpuPerCall and cpuPerKiB to gRPC's own)",
    ]);
    const both = notes(twoUnits({ calls: [{ op: 'b.get', protocol: 'grpc' }, 'b.get'], layout: { network: { latency: '0.5ms', cpuPerCall: '0.1ms', cpuPerKiB: '0ms', grpc: { cpuPerCall: '0.02ms' } } } }));
    expect(both).toHaveLength(2);
    expect(both[0]).toMatch(/^HTTP hop cost in one: 0\.50 ms one-way latency \+ 0\.10 ms CPU per side/);
    expect(both[1]).toMatch(/^gRPC hop cost in one: 0\.50 ms one-way latency \+ 0\.02 ms CPU per side .*\(blueprint layouts\.one\.network\.grpc, the HTTP figures for what it leaves out\)$/);
  });
});

describe('engine: memory', () => {
  const stores = { cache: { engine: 'memory', tables: ['items'] } };

  it('has no station: its queries are CPU on the unit, at system.defaults.memory times', () => {
    const bp = twoUnits({ stores, bDb: { reads: 2, writes: 1 } });
    const c = compile(bp, 'one');
    expect(c.stations.map((s) => s.kind)).not.toContain('datastore');
    const a = analyze(bp, 'one', { rate: 10, mix });
    // 2 ms + 0.1 ms serialization + 2 × 5 µs + 10 µs, and four visits per request on ub.
    expect(station(a, 'ub').demandPerRequest).toBeCloseTo(2.1 + 0.02, 9);
    expect(station(a, 'ub').visitRate).toBeCloseTo(40, 9);
    const d = simulate(bp, 'one', { rate: 10, mix, duration: 20_000, seed: 2 });
    expect(d.stations.find((s) => s.kind === 'datastore')).toBeUndefined();
    // The query times are exponential (a plain duration): the DES's measured demand is within noise.
    expect(Math.abs(d.stations.find((s) => s.id === 'ub')!.demandPerRequest - 2.12)).toBeLessThan(0.01);
  });

  it('a memory store’s own read and write times win over the defaults; a server engine keeps its station', () => {
    const own = twoUnits({ stores: { cache: { engine: 'memory', tables: ['items'], read: '0.1ms' } }, bDb: { reads: 1 } });
    expect(station(analyze(own, 'one', { rate: 10, mix }), 'ub').demandPerRequest).toBeCloseTo(2.2, 9);
    const served = twoUnits({ stores: { db: { engine: 'redis', tables: ['items'] } }, bDb: { reads: 1 } });
    expect(compile(served, 'one').stations.map((s) => s.kind)).toContain('datastore');
  });
});
