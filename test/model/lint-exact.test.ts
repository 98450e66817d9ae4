// lint on one small hand-made blueprint that breaks every rule once, each finding compared whole
// (rule, severity, layout, path, message and why), and the rules' thresholds at their boundaries.
import { describe, expect, it } from 'vitest';
import { lint, sharedDatastoreLint } from '../../src/model/lint.js';
import { parseBlueprint } from '../../src/model/parse.js';

function bp(text: string) {
  const r = parseBlueprint(`apiVersion: archsim/v1\nkind: Blueprint\n${text}`, 'l.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.col} ${e.message}`).join('\n'));
  return r.blueprint;
}

const ALL_TEXT = `metadata: { name: all }
system:
  domains:
    front:
      tables: [tf]
      operations:
        home:
          route: GET /
          db: { writes: 1 }
          calls: [a.x, b.x, { op: d.x, count: 2 }]
          emits: [done]
    a: { tables: [ta], operations: { x: { internal: true, db: { writes: 1 } } } }
    b: { tables: [tb], operations: { x: { internal: true, calls: [c.y, a.x] }, z: { internal: true } } }
    c: { tables: [tc], operations: { y: { internal: true, calls: [b.z, a.x] } } }
    d: { tables: [td], operations: { x: { internal: true } } }
    e: { tables: [te], operations: { c: { internal: true, db: { reads: 1 } } } }
  events:
    done: { consumers: [e.c] }
layouts:
  spread:
    units:
      f: { domains: [front], port: 1, workers: 4, instance: small }
      ua: { domains: [a], port: 2 }
      ub: { domains: [b], port: 3 }
      uc: { domains: [c], port: 4 }
      ud: { domains: [d, e], port: 5, replicas: 2, protocol: grpc }
    datastores:
      fdb: { engine: postgres, tables: [tf] }
      pg: { engine: postgres, tables: [ta, tb] }
      cache: { engine: redis, tables: [tc, td] }
      mem: { engine: memory, tables: [te] }
  two:
    broker: { kind: rabbitmq }
    network: { grpc: { latency: 1ms } }
    units:
      f: { domains: [front], port: 1, workers: 2, instance: half }
      rest: { domains: "*", port: 2, autoscale: { min: 1, max: 3 }, protocol: grpc }
    datastores:
      mem: { engine: memory, tables: [te] }
      all: { engine: postgres, tables: "*" }
  solo:
    units:
      all: { domains: "*", port: 1, workers: 2, instance: small }
    datastores:
      db: { engine: postgres, tables: "*" }
  grpcs:
    protocol: grpc
    units:
      f: { domains: [front], port: 1 }
      ua: { domains: [a], port: 2 }
      ub: { domains: [b], port: 3 }
      uc: { domains: [c], port: 4 }
      ud: { domains: [d, e], port: 5 }
    datastores:
      db: { engine: postgres, tables: [tf] }
      rest: { engine: mysql, tables: "*" }
catalog: { small: { usdPerMonth: $5, vcpu: 2 }, half: { usdPerMonth: $1, vcpu: 0.5 } }
`;
const ALL = bp(ALL_TEXT);
/** ALL with one more layout: the five units of spread and three idle ones. */
const WIDE = bp(ALL_TEXT.replace('catalog:', `  wide:
    units:
      f: { domains: [front], port: 1 }
      ua: { domains: [a], port: 2 }
      ub: { domains: [b], port: 3 }
      uc: { domains: [c], port: 4 }
      ud: { domains: [d, e], port: 5 }
      i1: { domains: [], port: 6 }
      i2: { domains: [], port: 7 }
      i3: { domains: [], port: 8 }
    datastores:
      db: { engine: postgres, tables: [tf] }
      rest: { engine: postgres, tables: "*" }
catalog:`));

const WHY = {
  shared: 'The shared-database anti-pattern: units that share a database are coupled through its schema (a migration for one can break the other), its connection limit and its load, and cannot be deployed or scaled on their own. Give each unit its own database and reach the other unit’s data through its API or events.',
  cycle: 'Units in a synchronous cycle cannot be deployed, scaled or restarted independently: each waits on the other, a slow one slows all, and a failure in one can cascade around the loop. Break the cycle with an event, or merge the units.',
  chatty: 'Each cross-unit call adds a network hop (latency, serialization CPU on both sides, the callee’s queue) and one more way for the request to fail; their latencies add up in the tail. Move the domains closer (same unit), batch the calls, or keep a local copy of the data fed by events.',
  write: 'Writes in two units are two transactions: when the second fails after the first committed, the data disagree. Use a saga (each step with a compensating action) or an outbox (commit locally, publish an event, let the other unit apply it), or keep the writes in one unit.',
  hub: (u: string, l: string) => `A unit in the middle of many dependencies changes with all of them and fails with any of them: ${u} will be the last unit of ${l} able to move independently. Feed it by events rather than calls, or split the part others depend on from the part that depends on others.`,
  memory: 'In-process state is not shared: a write on one replica is not seen by the others, and a restart loses it. That is right for a cache or read-only data loaded at start-up; for anything else use a shared store (redis, a database) or one replica.',
  redis: 'A shared redis instance is a weaker coupling than a shared schema (keys can be namespaced per unit), but one unit\'s load, eviction or flush still hits the others, and it is one failure domain. Split it when the units must fail or scale apart.',
  workers: 'A worker process doing request work uses one core; workers beyond the cores share them and add no capacity (they can still hide I/O waits, which the blueprint models as `wait`). Use an instance with more vCPUs, or fewer workers.',
  order:
    'Score = neighbouring domains, 1 for a synchronous link and 0.5 for events only. e is linked to front (events only). Extracting the least coupled domain first (here e) proves the deployment, gateway routing and event flow with the smallest blast radius: if something goes wrong, the fewest other domains notice. Ties: a and b tie at 3 with 3 neighbouring domains each; alphabetical order decides.',
  critical: 'When this unit is slow or down, most of the system is. Give it replicas, put timeouts and circuit breakers on the calls to it, and cache what callers need from it (e.g. verify tokens locally with the public key).',
  dual: (via: string) => `Across units the event goes through ${via}; a crash between the commit and the publish loses the event (or publishes one for a rolled-back write). A transactional outbox (the event stored in the same transaction, relayed afterwards) makes the pair atomic.`,
  grpc: 'archsim has no gRPC figure of its own: protobuf over HTTP/2 usually costs a different CPU per call and per KiB than JSON over HTTP/1.1, so set network.grpc.cpuPerCall and network.grpc.cpuPerKiB (and latency, if it differs) from a measurement of your services, e.g. a micro-benchmark of one call, or `archsim calibrate` on a layout that makes them.',
};
const ORDER = {
  rule: 'extraction-order',
  severity: 'info',
  path: ['system', 'domains', 'e'],
  message: 'extract e first; order by fewest dependencies: e (0.5), d (1), c (2), a (3), b (3), front (3.5)',
  why: WHY.order,
};
const CHATTY_8 = 'front.home makes 8 synchronous calls across units per request (more than 3): front.home → a.x, front.home → b.x, b.x → c.y, c.y → b.z, c.y → a.x, b.x → a.x, front.home → d.x ×2';
/** rule, severity, layout, path and message: the why is pinned once per rule in the whole list below. */
const brief = (fs: ReturnType<typeof lint>) => fs.map((f) => [f.rule, f.severity, f.layout, f.path.join('.'), f.message]);

describe('lint, every rule on one blueprint', () => {
  it('spread: each finding whole, errors then warnings then information, the system-wide one first among its severity', () => {
    const at = (...p: (string | number)[]) => ['layouts', 'spread', ...p];
    const l = 'spread';
    expect(lint(ALL, 'spread')).toEqual([
      { rule: 'shared-datastore', severity: 'error', layout: l, path: at('datastores', 'pg', 'tables', 1), message: 'postgres datastore "pg" is shared by 2 units: ua (a: ta); ub (b: tb)', why: WHY.shared },
      { rule: 'sync-cycle', severity: 'error', layout: l, path: ['system', 'domains', 'b', 'operations', 'x', 'calls', 0], message: 'units call each other synchronously in a cycle: ub → uc → ub (b.x → c.y; c.y → b.z)', why: WHY.cycle },
      { rule: 'chatty-operation', severity: 'warning', layout: l, path: ['system', 'domains', 'front', 'operations', 'home', 'calls'], message: CHATTY_8, why: WHY.chatty },
      { rule: 'distributed-write', severity: 'warning', layout: l, path: ['system', 'domains', 'front', 'operations', 'home'], message: 'front.home writes in 2 units in one request: f (front.home → fdb); ua (a.x → pg)', why: WHY.write },
      { rule: 'hub-unit', severity: 'warning', layout: l, path: at('units', 'f'), message: 'unit "f" depends on 3 of the other 4 units (ua, ub, ud)', why: WHY.hub('f', 'spread') },
      { rule: 'memory-state-replicas', severity: 'warning', layout: l, path: at('datastores', 'mem', 'engine'), message: '"mem" (engine memory) lives in each replica of ud (2 replicas): each holds its own copy', why: WHY.memory },
      { rule: 'shared-datastore', severity: 'warning', layout: l, path: at('datastores', 'cache', 'tables', 1), message: 'redis datastore "cache" is shared by 2 units: uc (c: tc); ud (d: td)', why: WHY.redis },
      { rule: 'workers-over-vcpu', severity: 'warning', layout: l, path: at('units', 'f', 'workers'), message: 'f runs 4 workers on small (2 vCPU): it is simulated with 2 servers', why: WHY.workers },
      ORDER,
      { rule: 'critical-dependency', severity: 'info', layout: l, path: at('units', 'ua'), message: '3 of the other 4 units depend on "ua" (f, ub, uc)', why: WHY.critical },
      { rule: 'dual-write', severity: 'info', layout: l, path: ['system', 'domains', 'front', 'operations', 'home', 'emits'], message: 'front.home writes to fdb and publishes to other units: done → e.c', why: WHY.dual('the network') },
      { rule: 'grpc-hop-cost', severity: 'info', layout: l, path: at('network'), message: '1 gRPC call between units (front.home → d.x) cost the HTTP figures: network.cpuPerCall 0.1 ms and cpuPerKiB 0.005 ms per side', why: WHY.grpc },
    ]);
  });

  it('thresholds: chatty above chattyThreshold (8 calls: not at 8, at 7), a hub at hubDegree (ub: 2 in + 2 out, a hub at 4, not at 5)', () => {
    const rules = (o: Parameters<typeof lint>[2]) => lint(ALL, 'spread', o).filter((f) => f.rule === 'chatty-operation' || f.rule === 'hub-unit').map((f) => f.message);
    expect(rules({ chattyThreshold: 8, hubDegree: 5 })).toEqual(['unit "f" depends on 3 of the other 4 units (ua, ub, ud)']);
    expect(rules({ chattyThreshold: 7, hubDegree: 4 })).toEqual([
      CHATTY_8.replace('more than 3', 'more than 7'),
      'unit "f" depends on 3 of the other 4 units (ua, ub, ud)',
      'unit "ub" is a hub: 2 units depend on it (f, uc) and it depends on 2 (uc, ua)',
    ]);
    expect(lint(ALL, 'spread', { hubDegree: 4 }).find((f) => f.message.startsWith('unit "ub"'))!.why).toBe(WHY.hub('ub', 'spread'));
  });

  it('two units: a "*" datastore shared (no table index), a broker carries the dual write, autoscaled memory state, 1 server, gRPC figures given, no hubs', () => {
    const fs = lint(ALL, 'two');
    expect(brief(fs)).toEqual([
      ['shared-datastore', 'error', 'two', 'layouts.two.datastores.all.tables', 'postgres datastore "all" is shared by 2 units: f (front: tf); rest (a, b, c, d: ta, tb, tc, td)'],
      ['chatty-operation', 'warning', 'two', 'system.domains.front.operations.home.calls', 'front.home makes 4 synchronous calls across units per request (more than 3): front.home → a.x, front.home → b.x, front.home → d.x ×2'],
      ['distributed-write', 'warning', 'two', 'system.domains.front.operations.home', 'front.home writes in 2 units in one request: f (front.home → all); rest (a.x → all)'],
      ['memory-state-replicas', 'warning', 'two', 'layouts.two.datastores.mem.engine', '"mem" (engine memory) lives in each replica of rest (1–3 replicas): each holds its own copy'],
      ['workers-over-vcpu', 'warning', 'two', 'layouts.two.units.f.workers', 'f runs 2 workers on half (0.5 vCPU): it is simulated with 1 server'],
      ['extraction-order', 'info', undefined, 'system.domains.e', ORDER.message],
      ['dual-write', 'info', 'two', 'system.domains.front.operations.home.emits', 'front.home writes to all and publishes to other units: done → e.c'],
    ]);
    expect(fs.at(-1)!.why).toBe(WHY.dual('the rabbitmq broker'));
  });

  it('one unit: no cross-unit rule, and workers equal to the vCPUs are fine', () => {
    expect(lint(ALL, 'solo')).toEqual([ORDER]);
  });

  it('a layout-wide gRPC: more than three calls are cut with "…"', () => {
    const grpc = lint(ALL, 'grpcs').find((f) => f.rule === 'grpc-hop-cost')!;
    expect(grpc.message).toBe('7 gRPC calls between units (front.home → a.x, front.home → b.x, front.home → d.x, …) cost the HTTP figures: network.cpuPerCall 0.1 ms and cpuPerKiB 0.005 ms per side');
    expect(brief(lint(ALL, 'grpcs').filter((f) => f.rule === 'shared-datastore'))).toEqual([
      ['shared-datastore', 'error', 'grpcs', 'layouts.grpcs.datastores.rest.tables', 'mysql datastore "rest" is shared by 4 units: ua (a: ta); ub (b: tb); uc (c: tc); ud (d, e: td, te)'],
    ]);
  });

  it('every layout: each layout’s findings in the order of the layouts, the system-wide one once', () => {
    const fs = lint(ALL);
    expect(fs.filter((f) => f.rule === 'extraction-order')).toEqual([ORDER]);
    expect(fs.filter((f) => f.severity === 'error').map((f) => `${f.layout} ${f.rule}`)).toEqual(['spread shared-datastore', 'spread sync-cycle', 'two shared-datastore', 'grpcs shared-datastore', 'grpcs sync-cycle']);
    expect(fs).toHaveLength(12 + 6 + 8);
  });
});

describe('lint, more edges', () => {
  it('"most" of 7 other units is 4: three dependants or dependencies are no longer a hub or critical', () => {
    const fs = lint(WIDE, 'wide');
    expect(fs.filter((f) => f.rule === 'hub-unit' || f.rule === 'critical-dependency')).toEqual([]);
    expect(fs.filter((f) => f.rule === 'sync-cycle').map((f) => f.message)).toEqual(['units call each other synchronously in a cycle: ub → uc → ub (b.x → c.y; c.y → b.z)']);
  });

  it('sharedDatastoreLint: only the shared-datastore findings of one layout, errors first; none with one unit', () => {
    expect(sharedDatastoreLint(ALL, 'spread').map((f) => [f.severity, f.message])).toEqual([
      ['error', 'postgres datastore "pg" is shared by 2 units: ua (a: ta); ub (b: tb)'],
      ['warning', 'redis datastore "cache" is shared by 2 units: uc (c: tc); ud (d: td)'],
    ]);
    expect(sharedDatastoreLint(ALL, 'solo')).toEqual([]);
  });
});

describe('lint, cycles and gRPC figures', () => {
  const RING = bp(`metadata: { name: ring }
system:
  domains:
    x: { operations: { a: { route: GET /a, calls: [y.b] }, d: { internal: true }, e: { internal: true } } }
    y: { operations: { b: { internal: true, calls: [z.c] } } }
    z: { operations: { c: { internal: true, calls: [x.d] } } }
    w: { operations: { f: { route: GET /f, calls: [x.e, { op: y.b, protocol: grpc }] } } }
layouts:
  ring:
    units:
      ux: { domains: [x], port: 1 }
      uy: { domains: [y], port: 2 }
      uz: { domains: [z], port: 3 }
      uw: { domains: [w], port: 4 }
  chord:
    protocol: grpc
    network: { grpc: { cpuPerKiB: 1us } }
    units:
      ux: { domains: [x, w], port: 1 }
      uy: { domains: [y], port: 2 }
      uz: { domains: [z], port: 3 }
  calls:
    protocol: grpc
    network: { grpc: { cpuPerCall: 0.05ms } }
    units:
      ux: { domains: [x, w], port: 1 }
      rest: { domains: "*", port: 2 }
  three:
    protocol: grpc
    units:
      ux: { domains: [x], port: 1 }
      rest: { domains: "*", port: 2 }
`);

  it('a cycle through three units, named from its first unit, each hop by its first call', () => {
    const cycles = (l: string) => lint(RING, l).filter((f) => f.rule === 'sync-cycle').map((f) => [f.path.join('.'), f.message]);
    expect(cycles('ring')).toEqual([['system.domains.x.operations.a.calls.0', 'units call each other synchronously in a cycle: ux → uy → uz → ux (x.a → y.b; y.b → z.c; z.c → x.d)']]);
    expect(cycles('chord')).toEqual([['system.domains.x.operations.a.calls.0', 'units call each other synchronously in a cycle: ux → uy → uz → ux (x.a → y.b; y.b → z.c; z.c → x.d)']]);
  });

  it('the shortest cycle from the first unit, not the whole strongly connected set in its order', () => {
    // ux ⇄ uy, and uy → uz → uw → ux: all four units are one strongly connected set, and the
    // shortest way round from ux is ux → uy → ux
    const four = bp(`metadata: { name: four }
system:
  domains:
    x: { operations: { a: { route: GET /a, calls: [y.b] }, d: { internal: true }, e: { internal: true } } }
    y: { operations: { b: { internal: true, calls: [x.d, z.c] } } }
    z: { operations: { c: { internal: true, calls: [w.f] } } }
    w: { operations: { f: { internal: true, calls: [x.e] } } }
layouts:
  four:
    units:
      ux: { domains: [x], port: 1 }
      uy: { domains: [y], port: 2 }
      uz: { domains: [z], port: 3 }
      uw: { domains: [w], port: 4 }
`);
    expect(lint(four, 'four').filter((f) => f.rule === 'sync-cycle').map((f) => [f.path.join('.'), f.message])).toEqual([
      ['system.domains.x.operations.a.calls.0', 'units call each other synchronously in a cycle: ux → uy → ux (x.a → y.b; y.b → x.d)'],
    ]);
  });

  it('gRPC hints: one gRPC call of a unit whose other calls are HTTP; none once cpuPerCall or cpuPerKiB is set; exactly three calls listed whole; calls inside a unit are no hops', () => {
    const grpc = (l: string) => lint(RING, l).filter((f) => f.rule === 'grpc-hop-cost').map((f) => f.message);
    expect(grpc('ring')).toEqual(['1 gRPC call between units (w.f → y.b) cost the HTTP figures: network.cpuPerCall 0.1 ms and cpuPerKiB 0.005 ms per side']);
    expect(grpc('chord')).toEqual([]);
    expect(grpc('calls')).toEqual([]);
    // three: x.a → y.b, w.f → y.b (w is in rest with y: in-process), y.b → z.c and z.c → x.d.
    expect(grpc('three')).toEqual(['3 gRPC calls between units (x.a → y.b, z.c → x.d, w.f → x.e) cost the HTTP figures: network.cpuPerCall 0.1 ms and cpuPerKiB 0.005 ms per side']);
  });
});
