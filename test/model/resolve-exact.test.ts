// resolve.ts on small hand-made blueprints, compared whole: each unit's wiring (stores without
// the in-process ones, the units it calls and by which protocols, what it serves, the broker),
// where a domain's queries go and at what service times, the hop costs per protocol, and where
// a call tree is cut (a cycle, the depth limit, the call budget) with the reason given.
import { describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';
import { MAX_CALL_DEPTH, resolveBlueprint } from '../../src/model/resolve.js';
import { Blueprint } from '../../src/model/schema.js';

const WIRED = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: wired }
system:
  defaults: { db: { read: 2ms, write: 4ms }, memory: { read: 7us, write: 9us } }
  domains:
    a:
      tables: [a1, a2, a3]
      operations:
        go: { route: GET /go, calls: [b.x, { op: c.x, protocol: grpc }, c.y, a.in], emits: [ev] }
        in: { internal: true, db: { read: 1ms } }
    b: { tables: [b1], operations: { x: { internal: true, calls: [c.x] } } }
    c: { tables: [c1], operations: { x: { internal: true }, y: { internal: true, route: GET /y } } }
    d: { tables: [d1], operations: { c: { internal: true } } }
  events:
    ev: { consumers: [d.c] }
layouts:
  l:
    broker: { kind: nats }
    network: { latency: 1ms, cpuPerCall: 0.2ms, cpuPerKiB: 3us, grpc: { cpuPerCall: 0.05ms } }
    units:
      ua: { domains: [a], port: 1 }
      ub: { domains: [b], port: 2, protocol: grpc }
      uc: { domains: [c], port: 3 }
      ud: { domains: [d], port: 4 }
    datastores:
      kv: { engine: redis, tables: [a1, c1], read: 0.3ms }
      pg: { engine: postgres, tables: [a2] }
      mem: { engine: memory, tables: [b1] }
      pg2: { engine: postgres, tables: [a3] }
      files: { engine: filesystem, tables: [d1] }
  plain:
    units:
      all: { domains: "*", port: 1 }
    datastores:
      db: { engine: mysql, tables: "*" }
`;

/**
 * A new blueprint object for each test: resolution is memoized per object, and a mutation run
 * counts only what runs inside a test (Stryker's per-test coverage), so each test resolves its
 * own copy instead of sharing one resolved at module load.
 */
function fresh() {
  const loaded = parseBlueprint(WIRED, 'w.yaml');
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => `${e.line}:${e.col} ${e.message}`).join('\n'));
  return resolveBlueprint(loaded.blueprint);
}

describe('the system, resolved', () => {
  it('internal: as written, else true exactly when there is no route; only public operations are routed', () => {
    const rb = fresh();
    expect(rb.operations.map((o) => [o.id, o.op.internal])).toEqual([
      ['a.go', false],
      ['a.in', true],
      ['b.x', true],
      ['c.x', true],
      ['c.y', true],
      ['d.c', true],
    ]);
    expect(rb.layout('l').routes.map((r) => r.op)).toEqual(['a.go']);
    expect([rb.hasLayout('l'), rb.hasLayout('toString'), rb.layoutNames]).toEqual([true, false, ['l', 'plain']]);
  });
});

describe('a layout, resolved', () => {
  const wiring = (name: string) =>
    fresh()
      .layout(name).wiring.map((w) => ({ unit: w.unit.name, stores: w.stores.map((s) => s.name), calls: w.calls.map((u) => u.name), callProtocols: w.callProtocols, serves: w.serves, usesBroker: w.usesBroker }));

  it('wiring: stores but not the in-process one, calls by protocol (the call’s, else the callee unit’s, else the layout’s), what each serves, the broker for emitters and consumers', () => {
    expect(wiring('l')).toEqual([
      { unit: 'ua', stores: ['kv', 'pg', 'pg2'], calls: ['ub', 'uc'], callProtocols: { ub: ['grpc'], uc: ['grpc', 'http'] }, serves: ['http'], usesBroker: true },
      { unit: 'ub', stores: [], calls: ['uc'], callProtocols: { uc: ['http'] }, serves: ['grpc'], usesBroker: false },
      { unit: 'uc', stores: ['kv'], calls: [], callProtocols: {}, serves: ['grpc', 'http'], usesBroker: false },
      { unit: 'ud', stores: ['files'], calls: [], callProtocols: {}, serves: ['http'], usesBroker: true },
    ]);
    // No broker: nobody uses one; in-process calls are no calls.
    expect(wiring('plain')).toEqual([{ unit: 'all', stores: ['db'], calls: [], callProtocols: {}, serves: ['http'], usesBroker: false }]);
  });

  it('queries go to the first relational store of the domain, else its first; times: the operation’s, the store’s, the memory or the system defaults', () => {
    const r = fresh().layout('l');
    expect(Object.fromEntries([...r.storesOfDomain])).toEqual({ a: ['kv', 'pg', 'pg2'], b: ['mem'], c: ['kv'], d: ['files'] });
    expect([...r.operations.values()].map((p) => [p.ref.id, p.unit?.name, p.store?.name, p.read.mean, p.write.mean])).toEqual([
      ['a.go', 'ua', 'pg', 2, 4],
      ['a.in', 'ua', 'pg', 1, 4],
      ['b.x', 'ub', 'mem', 0.007, 9 * 1e-3],
      ['c.x', 'uc', 'kv', 0.3, 4],
      ['c.y', 'uc', 'kv', 0.3, 4],
      ['d.c', 'ud', 'files', 2, 4],
    ]);
  });

  it('hop costs: gRPC takes each figure it gives, else the HTTP one', () => {
    const rb = fresh();
    expect(rb.layout('l').hop).toEqual({ http: { latency: 1, cpuPerCall: 0.2, cpuPerKiB: 0.003 }, grpc: { latency: 1, cpuPerCall: 0.05, cpuPerKiB: 0.003 } });
    expect(rb.layout('plain').hop).toEqual({ http: { latency: 0.25, cpuPerCall: 0.1, cpuPerKiB: 0.005 }, grpc: { latency: 0.25, cpuPerCall: 0.1, cpuPerKiB: 0.005 } });
  });

  it('routes: public operations only, with their unit, port, pattern and prefix', () => {
    expect(fresh().layout('l').routes).toEqual([{ op: 'a.go', domain: 'a', method: 'GET', path: '/go', unit: 'ua', port: 1, pattern: '^/go/?$', prefix: '/go', websocket: false }]);
  });
});

/** A draft the loader would refuse (a cycle, a deep chain, a huge tree): only the schema's defaults applied. */
function draft(domains: Record<string, unknown>): Blueprint {
  return Blueprint.parse({ apiVersion: 'archsim/v1', kind: 'Blueprint', metadata: { name: 'd' }, layouts: {}, system: { domains } });
}

describe('call trees cut where they must be', () => {
  it('a cycle is cut at the call that closes it, said once', () => {
    const bp = draft({ a: { operations: { x: { calls: ['b.y', 'b.y'] } } }, b: { operations: { y: { calls: ['a.x', 'b.z'] }, z: {} } } });
    const t = resolveBlueprint(bp).callTree('a.x');
    expect(t.steps.map((s) => `${s.caller.id}→${s.callee.id}@${s.depth}#${s.nth}`)).toEqual(['a.x→b.y@1#0', 'b.y→b.z@2#0', 'a.x→b.y@1#0', 'b.y→b.z@2#0']);
    expect(t.cut).toEqual(['cycle of synchronous calls at b.y → a.x (cut here)']);
    expect(t.tooLarge).toBe(false);
    expect(Object.fromEntries(t.runs)).toEqual({ 'a.x': 1, 'b.y': 2, 'b.z': 2 });
  });

  it(`a chain deeper than ${MAX_CALL_DEPTH} calls is cut below depth ${MAX_CALL_DEPTH}`, () => {
    const n = MAX_CALL_DEPTH + 3;
    const ops = Object.fromEntries(Array.from({ length: n }, (_, i) => [`o${i}`, { calls: i + 1 < n ? [`c.o${i + 1}`] : [] }]));
    const t = resolveBlueprint(draft({ c: { operations: ops } })).callTree('c.o0');
    // The root's own calls are at depth 1: calls at depths 1 to 32 are walked, the one at 33 is cut.
    expect(t.steps).toHaveLength(MAX_CALL_DEPTH);
    expect(t.steps.at(-1)!.depth).toBe(MAX_CALL_DEPTH);
    expect(t.cut).toEqual([`call depth over ${MAX_CALL_DEPTH} at c.o${MAX_CALL_DEPTH} → c.o${MAX_CALL_DEPTH + 1} (cut here)`]);
  });

  it('counts multiply: at 10,000 calls the walk stops and says where', () => {
    // a.x calls b.y 100 times, b.y calls b.z 99 times: 100 × (1 + 99) = 10,000 calls, the limit.
    const at = (k: number) => resolveBlueprint(draft({ a: { operations: { x: { calls: [{ op: 'b.y', count: 100 }] } } }, b: { operations: { y: { calls: [{ op: 'b.z', count: k }] }, z: {} } } })).callTree('a.x');
    const full = at(99);
    expect([full.steps.length, full.tooLarge, full.cut]).toEqual([10_000, false, []]);
    expect(full.steps.filter((s) => s.callee.id === 'b.y').map((s) => s.nth)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const over = at(100);
    expect([over.steps.length, over.tooLarge, over.cut]).toEqual([10_000, true, ['over 10000 calls in one request of a.x (counts multiply down the tree): cut at b.y → b.z']]);
    // 99 × (1 + 100) = 9,999 calls, then the 100th b.y is the 10,000th and its first b.z is cut.
    expect([over.runs.get('b.y'), over.runs.get('b.z')]).toEqual([100, 9_900]);
  });

  it('an unknown root is an error', () => {
    expect(() => fresh().callTree('a.nope')).toThrow(new Error('unknown operation "a.nope"'));
  });
});
