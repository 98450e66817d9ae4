// compare() on a blueprint small enough to work out by hand: every cause, saturation row, key
// operation, cost line and note, exactly. Two domains; a.op (2 ms, constant) calls b.get (4 ms),
// a.light (0.5 ms) calls nothing; the mix is 1 a.op to 3 a.light. Payloads 1 KiB out, 2 KiB back.
// Split layouts pay 1 ms one-way per hop and 0.1 ms + 0.01 ms/KiB of CPU per side of a call.
import { beforeEach, describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';
import { compare, keyOperations } from '../../src/simulate/compare.js';

const YAML = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: cmp }
system:
  domains:
    a:
      tables: []
      operations:
        op: { route: GET /a, cpu: { dist: const, mean: 2ms }, calls: [ { op: b.get } ] }
        light: { route: GET /light, cpu: { dist: const, mean: 0.5ms } }
    b:
      tables: []
      operations:
        get: { route: GET /b, cpu: { dist: const, mean: 4ms } }
  defaults: { payload: { request: 1KiB, response: 2KiB } }
workload: { rate: 50/s, mix: { a.op: 1, a.light: 3 } }
layouts:
  one:
    units:
      mono: { domains: "*", port: 8000, instance: small }
  two:
    units:
      ua: { domains: [a], port: 8001, instance: small }
      ub: { domains: [b], port: 8002, replicas: 2, workers: 2, instance: big }
    network: { latency: 1ms, cpuPerCall: 0.1ms, cpuPerKiB: 0.01ms }
  wide:
    units:
      uw: { domains: "*", port: 8000, replicas: 3, workers: 2, instance: big }
  gw:
    gateway: { kind: kong, instance: small, port: 9000 }
    units:
      ua: { domains: [a], port: 8001, instance: small }
      ub: { domains: [b], port: 8002, instance: small }
    network: { latency: 1ms, cpuPerCall: 0.1ms, cpuPerKiB: 0.01ms }
  rep:
    units:
      ur: { domains: "*", port: 8000, replicas: 3, instance: small }
  plain:
    units:
      ua: { domains: [a], port: 8001, instance: small }
      ub: { domains: [b], port: 8002, instance: small }
  kib:
    units:
      ua: { domains: [a], port: 8001, instance: small }
      ub: { domains: [b], port: 8002, instance: small }
    network: { cpuPerKiB: 0.02ms }
catalog:
  small: { vcpu: 1, memoryMiB: 512, usdPerMonth: 5 }
  big: { vcpu: 2, memoryMiB: 1024, usdPerMonth: 20 }
`;

// Another: a 12-ms operation calling a 1-ms one, and a 1-ms one with a 20-ms database read; a
// monolith of 4 workers beside a gRPC split; every instance 4 vCPU (the database's 4 servers).
const YAML2 = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: cmp2 }
system:
  defaults: { payload: { request: 0B, response: 0B }, db: { read: 20ms, write: 1ms } }
  domains:
    d:
      tables: [t]
      operations:
        big: { route: GET /big, cpu: { dist: const, mean: 12ms }, calls: [ { op: e.get } ] }
        query: { route: GET /q, cpu: { dist: const, mean: 1ms }, db: { reads: 1 } }
    e:
      tables: []
      operations:
        get: { route: GET /e, cpu: { dist: const, mean: 1ms } }
workload: { rate: 10/s, mix: { d.big: 1, d.query: 1 } }
layouts:
  one:
    units:
      mono: { domains: "*", port: 8000, workers: 4, instance: big }
    datastores:
      db: { engine: postgres, tables: "*", instance: big }
  rpc:
    protocol: grpc
    units:
      ud: { domains: [d], port: 8001, instance: big }
      ue: { domains: [e], port: 8002, instance: big }
    datastores:
      db: { engine: postgres, tables: "*", instance: big }
    network: { latency: 0.5ms, grpc: { cpuPerCall: 0.05ms } }
catalog:
  big: { vcpu: 4, memoryMiB: 1024, usdPerMonth: 20 }
`;

const parsed = parseBlueprint(YAML, 'cmp.yaml');
if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
const bp = parsed.blueprint;
const op = (r: ReturnType<typeof compare>, id: string) => r.operations.find((o) => o.id === id)!;

describe('compare, worked by hand', () => {
  // Computed before each test, not while the file loads: Stryker switches a mutant on when the
  // tests start, so a comparison made at collection never sees it.
  let r: ReturnType<typeof compare>;
  beforeEach(() => {
    r = compare(bp, ['one', 'two']);
  });

  it('latency causes: the split adds two hops and one call’s serialization, nothing else', () => {
    // serialization, both sides: 2 × (0.1 + 0.01 × (1 + 2 KiB)) = 0.26 ms; hops 2 × 1 ms
    expect(op(r, 'a.op').causes).toEqual(['2 extra network hops (+2.00 ms)', 'serialization of 1 remote call (+0.26 ms)']);
    // (less the little queueing 1 request/s still meets at mono's 6 ms)
    expect(op(r, 'a.op').delta).toBeCloseTo(2.26, 1);
    expect(op(r, 'a.op').mean.one).toBeCloseTo(6, 1);
    expect(op(r, 'a.op').mean.two).toBeCloseTo(8.26, 1);
    // a.light calls nobody: the same path in both, and no station is 30% busy at 50/s
    expect(op(r, 'a.light').causes).toEqual([]);
  });

  it('saturation: each layout’s bottleneck, its work per request of the mix, and each key operation alone', () => {
    // one: mono does (6 + 3 × 0.5) / 4 = 1.875 ms a request; two: ua does (2.13 + 1.5) / 4 =
    // 0.9075 (a.op's client side of its call: 0.1 + 0.03); ub's 4.13 ms runs on 2 × 2 servers
    const [one, two] = r.saturation;
    expect(one!.mix).toBeCloseTo(1000 / 1.875, 6);
    expect(two!.mix).toBeCloseTo(1000 / 0.9075, 6);
    expect(one!.byOperation).toEqual({ 'a.op': expect.closeTo(1000 / 6, 6), 'a.light': expect.closeTo(2000, 6) });
    expect(two!.byOperation['a.op']).toBeCloseTo(1000 / 2.13, 6);
    expect([one!.bottleneck, two!.bottleneck]).toEqual(['mono', 'ua']);
    expect(one!.causes).toEqual(['mono (unit, 1 server) does 1.88 ms of work per request of the mix → saturates at 533/s', 'a.light alone: 2000/s, limited by mono (0.50 ms per request on 1 server)', 'a.op alone: 167/s, limited by mono (6.00 ms per request on 1 server)']);
    expect(two!.causes).toEqual(['ua (unit, 1 server) does 0.91 ms of work per request of the mix → saturates at 1102/s', 'a.light alone: 2000/s, limited by ua (0.50 ms per request on 1 server)', 'a.op alone: 469/s, limited by ua (2.13 ms per request on 1 server)']);
    // the busiest of the mix, then the one that saturates first alone in the first layout
    expect(r.keyOperations).toEqual(['a.light', 'a.op']);
  });

  it('cost: per kind of component, with counts', () => {
    expect(r.cost.map((c) => c.causes)).toEqual([['units: $5 (mono)'], ['units: $45 (ua, ub ×2)']]);
    expect(r.cost.map((c) => c.monthly.usdPerMonth)).toEqual([5, 45]);
  });

  it('notes: whose hop figures, the largest difference and what it is made of, the mix and each key operation', () => {
    // every note, in order: the approximation in force at the compared rate first (ub's two
    // replicas balanced by least connections), then the hop costs, the difference, the saturations
    const jsq = r.atRate[1]!.warnings.filter((w) => w.startsWith('analytic: least-connections'));
    expect(jsq).toHaveLength(1);
    expect(r.notes).toEqual([
      `two at 50/s: ${jsq[0]}`,
      'hop cost in two: 1.00 ms one-way latency + 0.10 ms CPU per side + 10 µs per KiB per side (blueprint layouts.two.network)',
      'a.op: two is +2.26 ms per request at low load, the largest difference (2 more one-way hops at 1.00 ms each, plus serialization); only a slower path per hop (a WAN, TLS set-up on each call) makes it tens of milliseconds',
      'workload mix: two saturates at 1102/s (ua) vs one at 533/s (mono): ×2.07',
      'a.light alone: one 2000/s, two 2000/s, limited by ua (0.50 ms per request); twice that (4000/s) would need 2 replica cores there at ρ=1, 3 at 70%',
      'a.op alone: one 167/s, two 469/s, limited by ua (2.13 ms per request); twice that (939/s) would need 2 replica cores there at ρ=1, 3 at 70%',
    ]);
    expect(r.notes).toContain('hop cost in two: 1.00 ms one-way latency + 0.10 ms CPU per side + 10 µs per KiB per side (blueprint layouts.two.network)');
    expect(r.notes.some((n) => n.startsWith('hop cost in one'))).toBe(false);
    expect(r.notes).toContain('a.op: two is +2.26 ms per request at low load, the largest difference (2 more one-way hops at 1.00 ms each, plus serialization); only a slower path per hop (a WAN, TLS set-up on each call) makes it tens of milliseconds');
    expect(r.notes).toContain('workload mix: two saturates at 1102/s (ua) vs one at 533/s (mono): ×2.07');
    // twice a.light alone (4000/s) × 0.5 ms = 2 cores at ρ = 1, ⌈2 / 0.7⌉ = 3 at 70%
    expect(r.notes).toContain('a.light alone: one 2000/s, two 2000/s, limited by ua (0.50 ms per request); twice that (4000/s) would need 2 replica cores there at ρ=1, 3 at 70%');
    expect(r.notes).toContain('a.op alone: one 167/s, two 469/s, limited by ua (2.13 ms per request); twice that (939/s) would need 2 replica cores there at ρ=1, 3 at 70%');
  });

  it('the other way round and busier: fewer hops, negative serialization, the queueing that remains', () => {
    const back = compare(bp, ['two', 'one'], { rate: 200 });
    // at 200/s mono is 200 × 1.875 / 1000 = 0.375 busy; ua 0.18 (under the 0.3 that is named)
    expect(op(back, 'a.op').causes).toEqual(['2 fewer network hops (−2.00 ms)', 'serialization of 1 remote call (−0.26 ms)', 'queueing at mono in one (ρ=0.38)']);
    expect(op(back, 'a.light').causes).toEqual(['queueing at mono in one (ρ=0.38)']);
    expect(back.notes).toContain('workload mix: one saturates at 533/s (mono) vs two at 1102/s (ua): ×0.48');
    // mono limits both key operations; a.op alone: ⌈333 × 6 / 1000⌉ = 2 cores, ⌈2 / 0.7⌉ = 3
    expect(back.notes).toContain('a.op alone: two 469/s, one 167/s, limited by mono (6.00 ms per request); twice that (333/s) would need 2 replica cores there at ρ=1, 3 at 70%');
    // one makes no remote call: no hop-cost note for it, and no largest-difference note (one is faster)
    expect(back.notes.filter((n) => n.startsWith('hop cost in'))).toEqual(['hop cost in two: 1.00 ms one-way latency + 0.10 ms CPU per side + 10 µs per KiB per side (blueprint layouts.two.network)']);
    expect(back.notes.some((n) => n.includes('the largest difference'))).toBe(false);
  });

  it('replicas and workers of the serving unit are a cause, in words', () => {
    const w = compare(bp, ['one', 'wide']);
    expect(op(w, 'a.op').causes).toEqual(['3 replicas × 2 workers vs 1 replica (uw vs mono)']);
    expect(w.cost.map((c) => c.causes)).toEqual([['units: $5 (mono)'], ['units: $60 (uw ×3)']]);
  });

  it('replicas of one worker are named as replicas alone', () => {
    expect(op(compare(bp, ['one', 'rep']), 'a.op').causes).toEqual(['3 replicas vs 1 replica (ur vs mono)']);
  });

  it('a gateway’s two hops are its own cause, apart from the hops between units', () => {
    // mono against the gateway and two units: the units' hops (2 × 1 ms) without the gateway's
    const g = compare(bp, ['one', 'gw']);
    const causes = op(g, 'a.op').causes;
    expect(causes[0]).toBe('2 extra network hops (+2.00 ms)');
    expect(causes[1]).toMatch(/^serialization of 1 remote call \(\+0\.\d\d ms\)$/);
    expect(causes[2]).toMatch(/^gateway hop \(\+2\.\d\d ms\)$/);
    expect(causes).toHaveLength(3);
    // and the other way: the gateway hop taken away
    expect(op(compare(bp, ['gw', 'one']), 'a.light').causes).toEqual([expect.stringMatching(/^gateway hop \(−2\.\d\d ms\)$/)]);
  });

  it('says whose hop figures a layout runs on: archsim’s defaults, or the blueprint’s even when it sets one figure', () => {
    expect(compare(bp, ['one', 'plain']).notes).toContain("hop cost in plain: 0.25 ms one-way latency + 0.10 ms CPU per side + 5 µs per KiB per side (archsim's defaults; set layouts.plain.network to change them)");
    expect(compare(bp, ['one', 'kib']).notes).toContain('hop cost in kib: 0.25 ms one-way latency + 0.10 ms CPU per side + 20 µs per KiB per side (blueprint layouts.kib.network)');
  });

  it('one layout alone: its figures, no differences, no mix comparison', () => {
    const r1 = compare(bp, ['two']);
    expect(r1.layouts).toEqual(['two']);
    expect(op(r1, 'a.op').delta).toBe(0);
    expect(op(r1, 'a.op').causes).toEqual([]);
    expect(r1.notes.some((n) => n.startsWith('workload mix:') || n.includes('the largest difference') || / alone: /.test(n))).toBe(false);
    expect(r1.notes).toContain('hop cost in two: 1.00 ms one-way latency + 0.10 ms CPU per side + 10 µs per KiB per side (blueprint layouts.two.network)');
  });

  it('key operations: the busiest (ties by name), then the first to saturate alone, once if the same', () => {
    const alone: Record<string, number> = { x: 100, y: 50, z: 200 };
    expect(keyOperations({ x: 1, y: 3, z: 1 }, (id) => alone[id]!)).toEqual(['y']);
    expect(keyOperations({ z: 2, x: 2, y: 1 }, (id) => alone[id]!)).toEqual(['x', 'y']);
    expect(keyOperations({ z: 5, x: 1 }, (id) => alone[id]!)).toEqual(['z', 'x']);
    expect(keyOperations({ x: 1, z: 1 }, () => 10)).toEqual(['x']);
    expect(keyOperations({}, () => 1)).toEqual([]);
  });

  it('a gateway is its own cause, not counted among the hops', () => {
    const g = compare(bp, ['two', 'gw']);
    const cause = op(g, 'a.op').causes;
    expect(cause).toHaveLength(1);
    expect(cause[0]).toMatch(/^gateway hop \(\+2\.\d\d ms\)$/);
    expect(op(g, 'a.light').causes).toEqual(cause);
    expect(g.cost.map((c) => c.causes)).toEqual([['units: $45 (ua, ub ×2)'], ['gateways: $5 (gateway)', 'units: $10 (ua, ub)']]);
    expect(g.notes).toContain('a.op: gw is +2.23 ms per request at low load, the largest difference (2 more one-way hops at 1.00 ms each, plus serialization and the gateway); only a slower path per hop (a WAN, TLS set-up on each call) makes it tens of milliseconds');
    // ub has one server in gw: a.op alone 1000 / 4.13 = 242/s, twice that ⌈484 × 4.13 / 1000⌉ = 2 cores;
    // ua (2 ms + the call's CPU, 2.13 ms, one core) caps it at 469/s, below 484/s: named too
    expect(g.notes).toContain('a.op alone: two 469/s, gw 242/s, limited by ub (4.13 ms per request); twice that (484/s) would need 2 replica cores there at ρ=1, 3 at 70%, and more beside it: ua caps it at 469/s (2 cores there at ρ=1)');
  });
});

describe('compare, worked by hand: figures of 10 ms and more, a database bottleneck, gRPC, a shared host', () => {
  const p2 = parseBlueprint(YAML2, 'cmp2.yaml');
  if (!p2.ok) throw new Error(JSON.stringify(p2.errors));
  const bp2 = p2.blueprint;

  it('on their own instances: the database limits the monolith, the lone d worker the split', () => {
    const r = compare(bp2, ['one', 'rpc']);
    // gRPC hops at 0.5 ms and 0.05 ms a side; the split's d unit has one server where mono has 4
    expect(op(r, 'd.big').causes).toEqual(['2 extra network hops (+1.00 ms)', 'serialization of 1 remote call (+0.10 ms)', '1 replica vs 4 workers (ud vs mono)']);
    expect(op(r, 'd.query').causes).toEqual(['1 replica vs 4 workers (ud vs mono)']);
    // one: the database does 20 ms for half the mix, 10 ms a request, on 4 servers: 400/s;
    // d.big alone 4000 / 13 = 308/s (its callee runs in process); rpc: ud does 12.1 ms a d.big
    expect(r.saturation[0]!.causes).toEqual(['db (datastore, 4 servers) does 10.0 ms of work per request of the mix → saturates at 400/s', 'd.big alone: 308/s, limited by mono (13.0 ms per request on 4 servers)', 'd.query alone: 200/s, limited by db (20.0 ms per request on 4 servers)']);
    expect(r.saturation[1]!.causes).toEqual(['ud (unit, 1 server) does 6.53 ms of work per request of the mix → saturates at 153/s', 'd.big alone: 83/s, limited by ud (12.1 ms per request on 1 server)', 'd.query alone: 200/s, limited by db (20.0 ms per request on 4 servers)']);
    expect(r.notes).toContain('gRPC hop cost in rpc: 0.50 ms one-way latency + 0.05 ms CPU per side + 5 µs per KiB per side (blueprint layouts.rpc.network.grpc, the HTTP figures for what it leaves out)');
    expect(r.notes.some((n) => n.startsWith('hop cost in') || n.startsWith('HTTP hop cost'))).toBe(false);
    expect(r.notes).toContain('workload mix: rpc saturates at 153/s (ud) vs one at 400/s (db): ×0.38');
    // a unit: replica cores; the database: cores, which more replicas of the services do not add
    // twice one lone worker's rate takes two workers exactly (computed from the unrounded rate, not from 166/s)
    expect(r.notes).toContain('d.big alone: one 308/s, rpc 83/s, limited by ud (12.1 ms per request); twice that (166/s) would need 2 replica cores there at ρ=1, 3 at 70%');
    expect(r.notes).toContain('d.query alone: one 200/s, rpc 200/s, limited by db (20.0 ms per request, and replicas of the services do not scale it); twice that (400/s) would need 8 cores there at ρ=1, 12 at 70%');
  });

  it('on one shared core: the host limits everything, said in the rows and the notes alike', () => {
    const r = compare(bp2, ['one', 'rpc'], { host: { cores: 1 } });
    const rows = r.saturation.map((x) => x.causes);
    expect(rows[0]).toEqual([expect.stringMatching(/^d\.big alone: [\d.]+\/s, limited by the host's 1 shared core$/), expect.stringMatching(/^d\.query alone: [\d.]+\/s, limited by the host's 1 shared core$/)]);
    expect(rows[1]).toHaveLength(2);
    const alone = r.saturation[1]!.byOperation['d.big']!;
    // rates under 100/s keep three digits, as the saturation table shows them; on one core twice the rate takes two
    expect(r.notes).toContain("d.big alone: one 76.9/s, rpc 76.3/s, limited by the host's 1 shared core; twice that (153/s) would need 2 cores at ρ=1, 3 at 70%");
    expect(alone).toBeCloseTo(76.336, 2);
    expect(r.notes.some((n) => /limited by (ud|db|mono) /.test(n))).toBe(false);
    // two cores: d.big is limited by rpc's lone d worker (12.1 ms: 83/s), d.query by the host's
    // two cores (about 10.5 ms of host CPU a query: 95/s); twice that takes twice the cores
    const r2 = compare(bp2, ['one', 'rpc'], { host: { cores: 2 } });
    expect(r2.notes).toContain('d.big alone: one 154/s, rpc 83/s, limited by ud (12.1 ms per request); twice that (166/s) would need 2 replica cores there at ρ=1, 3 at 70%');
    expect(r2.notes).toContain("d.query alone: one 95.2/s, rpc 95.2/s, limited by the host's 2 shared cores; twice that (190/s) would need 4 cores at ρ=1, 6 at 70%");
  });
});

