// compare() on a blueprint small enough to work out by hand: every cause, saturation row, key
// operation, cost line and note, exactly. Two domains; a.op (2 ms, constant) calls b.get (4 ms),
// a.light (0.5 ms) calls nothing; the mix is 1 a.op to 3 a.light. Payloads 1 KiB out, 2 KiB back.
// Split layouts pay 1 ms one-way per hop and 0.1 ms + 0.01 ms/KiB of CPU per side of a call.
import { describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';
import { compare } from '../../src/simulate/compare.js';

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
catalog:
  small: { vcpu: 1, memoryMiB: 512, usdPerMonth: 5 }
  big: { vcpu: 2, memoryMiB: 1024, usdPerMonth: 20 }
`;

const parsed = parseBlueprint(YAML, 'cmp.yaml');
if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
const bp = parsed.blueprint;
const op = (r: ReturnType<typeof compare>, id: string) => r.operations.find((o) => o.id === id)!;

describe('compare, worked by hand', () => {
  const r = compare(bp, ['one', 'two']);

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
    expect(r.notes).toContain('hop cost in two: 1.00 ms one-way latency + 0.10 ms CPU per side + 0.01 ms per KiB per side (blueprint layouts.two.network)');
    expect(r.notes.some((n) => n.startsWith('hop cost in one'))).toBe(false);
    expect(r.notes).toContain('a.op: two is +2.25 ms per request at low load, the largest difference (2 more one-way hops at 1.00 ms each, plus serialization); only a slower path per hop (a WAN, TLS set-up on each call) makes it tens of milliseconds');
    expect(r.notes).toContain('workload mix: two saturates at 1102/s (ua) vs one at 533/s (mono): ×2.07');
    // twice a.light alone (4000/s) × 0.5 ms = 2 cores at ρ = 1, ⌈2 / 0.7⌉ = 3 at 70%
    expect(r.notes).toContain('a.light alone: one 2000/s, two 2000/s, limited by ua (0.50 ms per request); twice that (4000/s) would need 2 replica cores there at ρ=1, 3 at 70%');
    expect(r.notes).toContain('a.op alone: one 167/s, two 469/s, limited by ua (2.13 ms per request); twice that (939/s) would need 3 replica cores there at ρ=1, 5 at 70%');
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
    expect(back.notes.filter((n) => n.startsWith('hop cost in'))).toEqual(['hop cost in two: 1.00 ms one-way latency + 0.10 ms CPU per side + 0.01 ms per KiB per side (blueprint layouts.two.network)']);
    expect(back.notes.some((n) => n.includes('the largest difference'))).toBe(false);
  });

  it('replicas and workers of the serving unit are a cause, in words', () => {
    const w = compare(bp, ['one', 'wide']);
    expect(op(w, 'a.op').causes).toEqual(['3 replicas × 2 workers vs 1 replica (uw vs mono)']);
    expect(w.cost.map((c) => c.causes)).toEqual([['units: $5 (mono)'], ['units: $60 (uw ×3)']]);
  });

  it('a gateway is its own cause, not counted among the hops', () => {
    const g = compare(bp, ['two', 'gw']);
    const cause = op(g, 'a.op').causes;
    expect(cause).toHaveLength(1);
    expect(cause[0]).toMatch(/^gateway hop \(\+2\.\d\d ms\)$/);
    expect(op(g, 'a.light').causes).toEqual(cause);
    expect(g.cost.map((c) => c.causes)).toEqual([['units: $45 (ua, ub ×2)'], ['gateways: $5 (gateway)', 'units: $10 (ua, ub)']]);
    expect(g.notes).toContain('a.op: gw is +2.23 ms per request at low load, the largest difference (2 more one-way hops at 1.00 ms each, plus serialization and the gateway); only a slower path per hop (a WAN, TLS set-up on each call) makes it tens of milliseconds');
    // ub has one server in gw: a.op alone 1000 / 4.13 = 242/s, twice that ⌈484 × 4.13 / 1000⌉ = 2 cores
    expect(g.notes).toContain('a.op alone: two 469/s, gw 242/s, limited by ub (4.13 ms per request); twice that (484/s) would need 2 replica cores there at ρ=1, 3 at 70%');
  });
});
