// compare()'s edges, worked by hand on a second small blueprint (compare-exact.test.ts has the
// main cases): two calls of one operation, hop figures a layout sets one by one, gRPC with its own
// latency, the same hops at another latency, replicas × workers that multiply to the same servers,
// a mix that lists its lighter operation first, a unit of 7 workers (twice its rate takes exactly
// 14 cores, 20 at 70%), an operation that does no work, domain names longer than one letter.
// orders.place (1 ms) calls stock.get (2 ms) twice; orders.list 1 ms; orders.noop does nothing.
// Payloads 1 KiB each way.
import { describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';
import { compare } from '../../src/simulate/compare.js';

const SPLIT = (name: string, network: string, stock = 'instance: small') => `  ${name}:
    units:
      uo: { domains: [orders], port: 8001, instance: small }
      us: { domains: [stock], port: 8002, ${stock} }
${network ? `    network: ${network}\n` : ''}`;

const YAML = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: cmp3 }
system:
  defaults: { payload: { request: 1KiB, response: 1KiB } }
  domains:
    orders:
      tables: []
      operations:
        place: { route: POST /orders, cpu: { dist: const, mean: 1ms }, calls: [ { op: stock.get }, { op: stock.get } ] }
        list: { route: GET /orders, cpu: { dist: const, mean: 1ms } }
        noop: { route: GET /ping, cpu: { dist: const, mean: 0ms } }
    stock:
      tables: []
      operations:
        get: { route: GET /stock, cpu: { dist: const, mean: 2ms } }
workload: { rate: 10/s, mix: { orders.place: 1, orders.list: 1 } }
layouts:
  one:
    units:
      mono: { domains: "*", port: 8000, instance: small }
  seven:
    units:
      mono: { domains: "*", port: 8000, workers: 7, instance: eight }
  gw:
    gateway: { kind: kong, instance: small, port: 9000 }
    units:
      mono: { domains: "*", port: 8000, instance: small }
${SPLIT('lat', '{ latency: 2ms }')}${SPLIT('call', '{ cpuPerCall: 0.2ms }')}${SPLIT('sq', '', 'replicas: 2, workers: 2, instance: two')}${SPLIT('sq4', '', 'replicas: 4, instance: two')}  glat:
    protocol: grpc
    units:
      uo: { domains: [orders], port: 8001, instance: small }
      us: { domains: [stock], port: 8002, instance: small }
    network: { latency: 1ms, grpc: { latency: 0.3ms } }
  gkib:
    protocol: grpc
    units:
      uo: { domains: [orders], port: 8001, instance: small }
      us: { domains: [stock], port: 8002, instance: small }
    network: { grpc: { cpuPerKiB: 0.05ms } }
catalog:
  small: { vcpu: 1, memoryMiB: 512, usdPerMonth: 5 }
  two: { vcpu: 2, memoryMiB: 1024, usdPerMonth: 10 }
  eight: { vcpu: 8, memoryMiB: 4096, usdPerMonth: 40 }
`;

const parsed = parseBlueprint(YAML, 'cmp3.yaml');
if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
const bp = parsed.blueprint;
const op = (r: ReturnType<typeof compare>, id: string) => r.operations.find((o) => o.id === id)!;
const hopNote = (r: ReturnType<typeof compare>) => r.notes.filter((n) => /hop cost in/.test(n));

describe('compare, worked by hand: the edges', () => {
  it('each operation its own figures, two calls named in the plural, and whose figures a lone latency is', () => {
    const r = compare(bp, ['one', 'lat']);
    // at 1 request/s: orders.list 1 ms, orders.place 1 + 2 × 2 = 5 ms in one; lat adds 4 hops × 2 ms
    // and 2 calls × 2 sides × (0.1 + 0.005 × 2 KiB) = 0.44 ms (archsim's 5 µs per KiB, shown as 0.01)
    expect(op(r, 'orders.list').mean.one).toBeCloseTo(1, 2);
    expect(op(r, 'orders.place').mean.one).toBeCloseTo(5, 1);
    expect(op(r, 'orders.place').mean.lat).toBeCloseTo(13.44, 1);
    expect(op(r, 'orders.list').p95.lat).toBeCloseTo(1, 6);
    // at 10/s a little queueing behind the other operation's requests: above the 13.44 ms path, well under 14
    expect(op(r, 'orders.place').p95.lat).toBeGreaterThan(13.44);
    expect(op(r, 'orders.place').p95.lat).toBeLessThan(14);
    expect(op(r, 'orders.place').causes).toEqual(['4 extra network hops (+8.00 ms)', 'serialization of 2 remote calls (+0.44 ms)']);
    expect(op(r, 'orders.list').causes).toEqual([]);
    // the blueprint sets the latency alone: still the blueprint's figures, not archsim's defaults
    expect(hopNote(r)).toEqual(['hop cost in lat: 2.00 ms one-way latency + 0.10 ms CPU per side + 5 µs per KiB per side (blueprint layouts.lat.network)']);
    expect(r.notes).toContain('orders.place: lat is +8.44 ms per request at low load, the largest difference (4 more one-way hops at 2.00 ms each, plus serialization); only a slower path per hop (a WAN, TLS set-up on each call) makes it tens of milliseconds');
  });

  it('the same hops at another latency and the same calls at another cost are causes, both ways', () => {
    // lat: 4 hops × 2 ms; call: 4 × 0.25 ms; call's CPU per call 0.2 ms against 0.1: 2 calls × 2 sides × 0.1
    expect(op(compare(bp, ['lat', 'call']), 'orders.place').causes).toEqual(['4 network hops at a lower latency (−7.00 ms)', 'serialization of 2 costlier remote calls (+0.40 ms)']);
    const back = compare(bp, ['call', 'lat']);
    expect(op(back, 'orders.place').causes).toEqual(['4 network hops at a higher latency (+7.00 ms)', 'serialization of 2 cheaper remote calls (−0.40 ms)']);
    // the blueprint sets the CPU per call alone: the blueprint's figures
    expect(hopNote(back)[0]).toBe('hop cost in call: 0.25 ms one-way latency + 0.20 ms CPU per side + 5 µs per KiB per side (blueprint layouts.call.network)');
  });

  it('gRPC with its own latency: the hops "in all", and the blueprint’s gRPC figures whichever one it sets', () => {
    const g = compare(bp, ['one', 'glat']);
    // 4 gRPC hops at 0.3 ms, not the HTTP latency of 1 ms the layout's network sets
    expect(op(g, 'orders.place').causes[0]).toBe('4 extra network hops (+1.20 ms)');
    expect(g.notes).toContain('orders.place: glat is +1.64 ms per request at low load, the largest difference (4 more one-way hops, 1.20 ms in all, plus serialization); only a slower path per hop (a WAN, TLS set-up on each call) makes it tens of milliseconds');
    expect(hopNote(g)).toEqual(['gRPC hop cost in glat: 0.30 ms one-way latency + 0.10 ms CPU per side + 5 µs per KiB per side (blueprint layouts.glat.network.grpc, the HTTP figures for what it leaves out)']);
    // gRPC's own CPU per KiB alone; its hops at the default 0.25 ms each (4 × 0.25 = 1 ms, not 4 / 0.25)
    const k = compare(bp, ['one', 'gkib']);
    expect(hopNote(k)).toEqual(['gRPC hop cost in gkib: 0.25 ms one-way latency + 0.10 ms CPU per side + 50 µs per KiB per side (blueprint layouts.gkib.network.grpc, the HTTP figures for what it leaves out)']);
    expect(k.notes).toContain('orders.place: gkib is +1.80 ms per request at low load, the largest difference (4 more one-way hops at 0.25 ms each, plus serialization); only a slower path per hop (a WAN, TLS set-up on each call) makes it tens of milliseconds');
    // the same 4 hops at 0.3 ms against 2 ms
    expect(op(compare(bp, ['lat', 'glat']), 'orders.place').causes).toEqual(['4 network hops at a lower latency (−6.80 ms)']);
  });

  it('the unit that serves an operation of another domain: its replicas × workers, and none when they multiply the same', () => {
    const mix = { 'stock.get': 1 };
    const r = compare(bp, ['one', 'sq'], { mix });
    expect(op(r, 'stock.get').causes).toEqual(['2 replicas × 2 workers vs 1 replica (us vs mono)']);
    expect(r.saturation[1]!.causes[0]).toBe('us (unit, 4 servers = 2 replicas × 2) does 2.00 ms of work per request of the mix → saturates at 2000/s');
    expect(r.notes).toContain('stock.get alone: one 500/s, sq 2000/s, limited by us (2.00 ms per request); twice that (4000/s) would need 8 replica cores there at ρ=1, 12 at 70%');
    // 2 × 2 and 4 × 1 are four servers alike
    const same = compare(bp, ['sq', 'sq4'], { mix });
    expect(op(same, 'stock.get').causes).toEqual([]);
    expect(same.saturation.map((s) => s.causes[0])).toEqual([
      'us (unit, 4 servers = 2 replicas × 2) does 2.00 ms of work per request of the mix → saturates at 2000/s',
      'us (unit, 4 servers = 4 replicas × 1) does 2.00 ms of work per request of the mix → saturates at 2000/s',
    ]);
  });

  it('the largest difference is the largest, wherever the operation stands in the mix', () => {
    const r = compare(bp, ['one', 'lat'], { mix: { 'orders.list': 3, 'orders.place': 1 } });
    expect(r.operations.map((o) => o.id)).toEqual(['orders.list', 'orders.place']);
    expect(r.notes.filter((n) => n.includes('the largest difference'))).toEqual([
      'orders.place: lat is +8.44 ms per request at low load, the largest difference (4 more one-way hops at 2.00 ms each, plus serialization); only a slower path per hop (a WAN, TLS set-up on each call) makes it tens of milliseconds',
    ]);
  });

  it('seven workers: twice their rate takes exactly 14 cores, 20 at 70% (not 21), on their instance or a host of 7', () => {
    const r = compare(bp, ['one', 'seven']);
    expect(op(r, 'orders.list').causes).toEqual(['7 workers vs 1 replica (mono vs mono)']);
    expect(r.notes).toContain('orders.list alone: one 1000/s, seven 7000/s, limited by mono (1.00 ms per request); twice that (14000/s) would need 14 replica cores there at ρ=1, 20 at 70%');
    const h = compare(bp, ['one', 'seven'], { host: { cores: 7 } });
    expect(h.saturation[1]!.causes).toEqual(["orders.list alone: 7000/s, limited by the host's 7 shared cores", "orders.place alone: 1400/s, limited by the host's 7 shared cores"]);
    expect(h.notes).toContain("orders.list alone: one 1000/s, seven 7000/s, limited by the host's 7 shared cores; twice that (14000/s) would need 14 cores at ρ=1, 20 at 70%");
  });

  it('an operation that does no work has no saturation rate: said in words, never "Infinity/s"', () => {
    const r = compare(bp, ['one', 'lat'], { mix: { 'orders.noop': 5, 'orders.list': 1 } });
    expect(r.saturation.map((s) => s.causes[1])).toEqual(['orders.noop alone: no work on any station, so no limit', 'orders.noop alone: no work on any station, so no limit']);
    // no doubling to work out for it
    expect(r.notes.filter((n) => n.startsWith('orders.noop alone'))).toEqual([]);
    expect(r.notes).toContain('orders.list alone: one 1000/s, lat 1000/s, limited by uo (1.00 ms per request); twice that (2000/s) would need 2 replica cores there at ρ=1, 3 at 70%');
    // a mix of it alone: neither layout saturates
    expect(compare(bp, ['one', 'lat'], { mix: { 'orders.noop': 1 } }).notes).toContain('workload mix: lat never saturates (no work on any station), one never saturates (no work on any station)');
    // behind a gateway it does the gateway's work
    const g = compare(bp, ['one', 'gw'], { mix: { 'orders.noop': 1 } });
    expect(g.notes).toContain('workload mix: gw saturates at 4762/s (gateway), one never saturates (no work on any station)');
    expect(g.notes).toContain('orders.noop alone: one no limit, gw 4762/s, limited by gateway (0.21 ms per request, and replicas of the services do not scale it); twice that (9524/s) would need 2 cores there at ρ=1, 3 at 70%');
    expect(r.notes.concat(g.notes).some((n) => n.includes('Infinity') || n.includes('NaN'))).toBe(false);
  });
});
