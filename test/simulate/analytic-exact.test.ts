// The analytic solver's figures against values worked out by hand from queueing theory, on
// networks built without YAML (builder.ts). Every case here is analytic only (no DES run), so the
// file takes milliseconds: it is what the mutation run of src/simulate/analytic.ts leans on, and
// each expectation is exact (a bound on both sides), not a tolerance against a simulation.
import { describe, expect, it } from 'vitest';
import { analyze, AUTOSCALE_MARK, latencyQuantiles, LOGNORMAL_NOTE, namedApproximations, queueOf, saturation, solve } from '../../src/simulate/analytic.js';
import { loadBlueprint } from '../../src/io/load.js';
import { compile, compileWarns } from '../../src/simulate/compile.js';
import { jockeyChain, jsqApplies, jsqWait } from '../../src/simulate/jsq.js';
import { opDemands } from '../../src/simulate/demand.js';
import { gammaCdf, gammaQuantile, md1WaitCdf, mm1PsVariance } from '../../src/simulate/queueing.js';
import { simulate } from '../../src/simulate/simulate.js';
import { fanout, network, queue, system } from './builder.js';

const mix = { 'a.op': 1 };

describe('queueOf: one station per balancing policy', () => {
  // erlangC(2, 0.5) = 0.1 by hand: B(1) = 1/3, B(2) = 1/13, C = (1/13) / (0.75 + 0.25/13) = 0.1.
  it('a station with no service time never waits', () => {
    expect(queueOf(1, 1, 0.1, 0, 0, 'least-connections')).toEqual({ pWait: 0, theta: 1, k: 1 });
    expect(queueOf(4, 2, 0.1, 0, 0.5, 'round-robin')).toEqual({ pWait: 0, theta: 1, k: 1 });
  });

  it('least-connections: join-the-shortest-queue from the jockeying chain, the wait scaled by (1 + cs²)/2', () => {
    // 2 replicas × 1 server, 0.1 visits/ms of 5 ms: the chain's wait and P(wait), the pooled M/M/2
    // (c = 2, a = 0.5: P(wait) 0.1, wait 0.1 / (2/5 − 0.1)) below it.
    const q = queueOf(2, 1, 0.1, 5, 0.5, 'least-connections');
    const j = jsqWait(2, 1, 0.1, 5)!;
    expect(q.pWait).toBe(j.pWait);
    expect((q.pWait * q.k) / q.theta).toBeCloseTo(j.wait * 0.75, 12);
    expect(q.k).toBeCloseTo(0.75, 12);
    expect(j.wait).toBeGreaterThan(0.1 / (2 / 5 - 0.1));
    // spread 1 of the chain is that pooled queue exactly
    expect(jockeyChain(2, 1, 0.1, 5, 1).pWait).toBeCloseTo(0.1, 12);
    expect(jockeyChain(2, 1, 0.1, 5, 1).wait).toBeCloseTo(0.1 / (2 / 5 - 0.1), 12);
  });

  it('least-connections with highly variable service (cs² above 2.5) or more than 8 replicas: the pooled M/M/c', () => {
    // 2 replicas × 2 servers, cs² 3: c = 4 (not 2 / 2), a = 1; Erlang C by hand: B(4, 1) = 1/65.
    const four = queueOf(2, 2, 0.2, 5, 3, 'least-connections');
    expect(four.pWait).toBeCloseTo(1 / 65 / (0.75 + 0.25 / 65), 12);
    expect(four.theta).toBeCloseTo(4 / 5 - 0.2, 12);
    expect(four.k).toBe(2);
    expect(jsqApplies(2, 2.5)).toBe(true);
    expect(jsqApplies(2, 2.51)).toBe(false);
    expect(jsqApplies(8, 1)).toBe(true);
    expect(jsqApplies(9, 1)).toBe(false);
    expect(jsqApplies(1, 1)).toBe(false);
  });

  it('random splits the stream: each replica an M/M/c′ with λ/R', () => {
    // 4 replicas × 2 servers, 0.4 visits/ms of 5 ms: each replica 0.1/ms, a = 0.5 on 2 servers.
    const q = queueOf(4, 2, 0.4, 5, 0.5, 'random');
    expect(q.pWait).toBeCloseTo(0.1, 12);
    expect(q.theta).toBeCloseTo(2 / 5 - 0.1, 12);
    expect(q.k).toBeCloseTo(0.75, 12);
  });

  it('round-robin with one server per replica is GI/M/1 with Erlang-R arrivals', () => {
    const q = queueOf(8, 1, 0.64, 10, 0.5, 'round-robin');
    // σ solves σ = (λ/(λ + μ(1−σ)))^R with λ = 0.64 per phase, R = 8, μ = 0.1.
    expect(q.pWait).toBeCloseTo(Math.pow(0.64 / (0.64 + 0.1 * (1 - q.pWait)), 8), 12);
    expect(q.pWait).toBeGreaterThan(0.5);
    expect(q.pWait).toBeLessThan(0.8);
    expect(q.theta).toBeCloseTo(0.1 * (1 - q.pWait), 12);
    // (ca² + cs²)/(ca² + 1) with ca² = 1/8
    expect(q.k).toBeCloseTo((0.125 + 0.5) / 1.125, 12);
  });

  it('round-robin with several servers per replica is Allen–Cunneen GI/G/c′', () => {
    const q = queueOf(4, 2, 0.4, 5, 0.5, 'round-robin');
    expect(q.pWait).toBeCloseTo(0.1, 12);
    expect(q.theta).toBeCloseTo(0.3, 12);
    expect(q.k).toBeCloseTo((0.25 + 0.5) / 2, 12);
  });
});

// Results are computed inside each test, never at collection: Stryker switches a mutant on when
// the tests start, so a figure computed while the file loads would be the unmutated one.
const mm1 = () => {
  const r = analyze(queue({ mean: 10 }), 'one', { rate: 50, mix });
  return { r, op: r.operations[0]! };
};

describe('analyze: M/M/1 (exponential 10 ms at 50/s, ρ 0.5)', () => {

  it('mean s/(1−ρ) = 20 ms; percentiles of the gamma fit of mean 20 and variance 100 + 300', () => {
    const { op } = mm1();
    expect(op.latency.mean).toBeCloseTo(20, 9);
    // service variance 100 (exponential), wait variance (2·P/θ² − (P/θ)²) = 400 − 100
    expect(op.latency.p50).toBeCloseTo(gammaQuantile(20, 400, 0.5), 9);
    expect(op.latency.p90).toBeCloseTo(gammaQuantile(20, 400, 0.9), 9);
    expect(op.latency.p95).toBeCloseTo(gammaQuantile(20, 400, 0.95), 9);
    expect(op.latency.p99).toBeCloseTo(gammaQuantile(20, 400, 0.99), 9);
    expect(op.latency.max).toBeCloseTo(gammaQuantile(20, 400, 0.999), 9);
  });

  it('counts, throughput, the station, the bottleneck and Little’s law', () => {
    const { r, op } = mm1();
    expect(op).toMatchObject({ id: 'a.op', count: 3000, throughput: 50, errors: 0, errorRate: 0 });
    expect(r.stations).toHaveLength(1);
    const s = r.stations[0]!;
    expect(s).toMatchObject({ id: 'ua', kind: 'unit', replicas: 1, cores: 1, discipline: 'fcfs' });
    expect(s.utilization).toBeCloseTo(0.5, 12);
    expect(s.waitProbability).toBeCloseTo(0.5, 12);
    expect(s.demandPerRequest).toBeCloseTo(10, 12);
    expect(s.visitRate).toBeCloseTo(50, 12);
    // Lq = λ·Wq = 0.05/ms × 10 ms
    expect(s.meanQueue).toBeCloseTo(0.5, 12);
    expect(r.bottleneck).toEqual({ station: 'ua', utilization: 0.5 });
    expect(r.saturationThroughput).toBeCloseTo(100, 9);
    expect(r.saturated).toBeUndefined();
    expect(r.littleCheck.arrivalRate).toBe(50);
    expect(r.littleCheck.meanResponse).toBeCloseTo(20, 9);
    expect(r.littleCheck.meanInSystem).toBeCloseTo(1, 9);
    expect(r.littleCheck.relError).toBeLessThan(1e-12);
    expect(r).toMatchObject({ method: 'analytic', seed: 0, replications: 1, layout: 'one' });
    expect(r.host).toBeUndefined();
    expect(r.cost.atTarget).toBeUndefined();
  });

  it('one station, no network hop: no network row and no named approximation', () => {
    const { r } = mm1();
    expect(r.stations.map((s) => s.id)).toEqual(['ua']);
    expect(namedApproximations(r)).toEqual([]);
  });
});

describe('analyze: the shapes with a closed form', () => {
  it('a shared host of one core stretches service by its M/M/1-PS factor 1/(1 − 0.5): mean 20 + 10', () => {
    const r = analyze(queue({ mean: 10 }), 'one', { rate: 50, mix, host: { cores: 1, driverCpu: 0 } });
    expect(r.operations[0]!.latency.mean).toBeCloseTo(30, 9);
    expect(r.host).toEqual({ cores: 1, driverCpu: 0, poolWeight: 0.5 });
  });

  it('background CPU is load on the shared host: a quarter core more makes the M/M/1-PS factor 1/(1 − 0.75): mean 20 + 3 × 10', () => {
    const bp = queue({ mean: 10 });
    bp.system.defaults.backgroundCpu = 0.25;
    // Host load a = λ·D + background = 50/s × 10 ms + 0.25 = 0.75 of the one core; the station's own
    // queue (ρ = 0.5, response 20 ms) is left unstretched, its 10 ms of service stretched by 1/(1 − a).
    const r = analyze(bp, 'one', { rate: 50, mix, host: { cores: 1, driverCpu: 0 } });
    expect(r.operations[0]!.latency.mean).toBeCloseTo(20 + 3 * 10, 9);
  });

  it('a tandem, constant station then exponential: 5 + the M/D/1 wait 5/6, then 10 + a wait for departures smoother than Poisson', () => {
    // a.op calls b.op first (calls precede the CPU burst), so ub (constant 5 ms, Poisson arrivals:
    // M/D/1 exactly) feeds ua (exponential 10 ms). ub's departures are smoother than Poisson:
    // QNA's cd² = 1 + ρ²(cs² − 1) = 1 − 0.25² = 0.9375, so ua waits 10 × (0.9375 + 1)/2 = 9.6875 ms
    // instead of M/M/1's 10, times the Krämer–Langenbach-Belz correction for ca² < 1 (klbFactor,
    // ρ 0.5: exp(−2·0.5·0.0625²/(3·0.5·1.9375)) = 0.99866). A 16,000 s DES gives 25.23 ± 0.10 ms;
    // Poisson arrivals at ua would say 25.83.
    const r = analyze(network([{ mean: 10 }, { mean: 5, dist: 'const', cv: 0 }]), 'one', { rate: 50, mix });
    const klb = Math.exp((-2 * 0.5 * 0.0625 ** 2) / (3 * 0.5 * (0.9375 + 1)));
    expect(r.operations[0]!.latency.mean).toBeCloseTo(5 + 5 / 6 + 10 + 10 * ((1 - 0.25 ** 2 + 1) / 2) * klb, 9);
    const ub = r.stations.find((s) => s.id === 'ub')!;
    expect(ub.utilization).toBeCloseTo(0.25, 12);
    expect(ub.waitProbability).toBeCloseTo(0.25, 12);
    expect(ub.meanQueue).toBeCloseTo(0.05 * (5 / 6), 12);
  });

  it('M/D/1: Crommelin exactly; half the requests never wait, so p50 is the service time itself', () => {
    const r = analyze(queue({ mean: 10, dist: 'const', cv: 0 }), 'one', { rate: 50, mix });
    const l = r.operations[0]!.latency;
    expect(l.mean).toBeCloseTo(15, 9);
    expect(l.p50).toBeCloseTo(10, 6);
    expect(md1WaitCdf(0.05, 10, l.p95 - 10)).toBeCloseTo(0.95, 6);
    expect(md1WaitCdf(0.05, 10, l.p99 - 10)).toBeCloseTo(0.99, 6);
  });

  it('the exact M/D/1 is for one FCFS server whose visits all take the same time: not two servers, not processor sharing, not a station of mixed constants', () => {
    // two servers of 10 ms at 120/s (ρ 0.6 each): as one server it would be past saturation
    const md2 = analyze(queue({ mean: 10, dist: 'const', cv: 0, servers: 2 }), 'one', { rate: 120, mix }).operations[0]!.latency;
    expect(Number.isFinite(md2.p95)).toBe(true);
    expect(md2.p50).toBeGreaterThanOrEqual(10);
    expect(md2.p95).toBeLessThan(30);
    // processor sharing at ρ 0.5: mean D/(1 − ρ) = 20 ms, and the median is no M/D/1 10 ms (requests share the server)
    const ps = analyze(queue({ mean: 10, dist: 'const', cv: 0, discipline: 'ps' }), 'one', { rate: 50, mix }).operations[0]!.latency;
    expect(ps.mean).toBeCloseTo(20, 9);
    expect(ps.p50).toBeGreaterThan(12);
    // one server, visits of 5 ms (a.op) and 15 ms (a.slow) alike often: a.op's median is its 5 ms and
    // little more, not a constant of the station's mean 10 ms
    const mixed = system(
      { a: { tables: [], operations: { op: { route: 'GET /op', cpu: { dist: 'const', mean: '5ms', cv: 0 } }, slow: { route: 'GET /slow', cpu: { dist: 'const', mean: '15ms', cv: 0 } } } } },
      { u: { domains: ['a'], port: 8000 } },
    );
    const op = analyze(mixed, 'one', { rate: 50, mix: { 'a.op': 1, 'a.slow': 1 } }).operations.find((o) => o.id === 'a.op')!.latency;
    expect(op.p50).toBeGreaterThanOrEqual(5);
    expect(op.p50).toBeLessThan(8);
  });

  it('two constant stations: the two-part fit keeps P(no wait) = 0.75² as a point mass at the service sum', () => {
    // sMean 10, sVar 0: the no-wait part is a point at 10 ms with probability 0.5625 ≥ 0.5.
    // The second station's arrivals are the first's departures (QNA cd² = 1 − 0.25²), so its wait
    // is the M/D/1 5/6 scaled by 0.9375 and by the Krämer–Langenbach-Belz correction (ρ 0.25,
    // ca² 0.9375, cs² 0: exp(−2·0.75·0.0625²/(3·0.25·0.9375))). (In truth it never waits: a
    // constant 5 ms server sends its departures at least 5 ms apart; the DES gives 10.83 ms. QNA's
    // two moments cannot see it.)
    const r = analyze(network([{ mean: 5, dist: 'const', cv: 0 }, { mean: 5, dist: 'const', cv: 0 }]), 'one', { rate: 50, mix });
    const l = r.operations[0]!.latency;
    const klb = Math.exp((-2 * 0.75 * 0.0625 ** 2) / (3 * 0.25 * 0.9375));
    expect(l.mean).toBeCloseTo(10 + 5 / 6 + (5 / 6) * (1 - 0.25 ** 2) * klb, 9);
    expect(l.p50).toBeCloseTo(10, 6);
    expect(l.p90).toBeGreaterThan(10.5);
  });

  it('less variable service (lognormal, cv 0.5): the wait and its variance scaled by k = (1 + cs²)/2', () => {
    // P(wait) 0.5, θ 0.05/ms, k 0.625: mean wait 0.5·0.625/0.05 = 6.25 ms, wait variance
    // (2·0.5/0.05² − 10²)·k² = 300·0.390625. Service variance 25 < 0.5·10²: the two-part fit, no
    // wait (gamma 10, 25) or a wait (gamma 10 + 12.5, 25 + vc), vc = (wVar + wMean²)/0.5 − 12.5².
    const r = analyze(queue({ mean: 10, dist: 'lognormal', cv: 0.5 }), 'one', { rate: 50, mix });
    const l = r.operations[0]!.latency;
    expect(l.mean).toBeCloseTo(16.25, 9);
    const wVar = 300 * 0.625 ** 2;
    const vc = (wVar + 6.25 ** 2) / 0.5 - 12.5 ** 2;
    const cdf = (t: number) => 0.5 * gammaCdf(10, 25, t) + 0.5 * gammaCdf(22.5, 25 + vc, t);
    expect(cdf(l.p95)).toBeCloseTo(0.95, 6);
    expect(cdf(l.p50)).toBeCloseTo(0.5, 6);
  });

  it('processor sharing: mean s/(1−ρ), variance of M/M/1-PS', () => {
    const r = analyze(queue({ mean: 10, discipline: 'ps' }), 'one', { rate: 50, mix });
    const l = r.operations[0]!.latency;
    expect(l.mean).toBeCloseTo(20, 9);
    expect(l.p95).toBeCloseTo(gammaQuantile(20, mm1PsVariance(0.5, 10), 0.95), 9);
    expect(l.p99).toBeCloseTo(gammaQuantile(20, mm1PsVariance(0.5, 10), 0.99), 9);
    expect(r.littleCheck.meanInSystem).toBeCloseTo(1, 9);
    expect(r.littleCheck.relError).toBeLessThan(1e-12);
  });

  it('past saturation: unbounded latencies, the station named, the warning given', () => {
    const r = analyze(queue({ mean: 10 }), 'one', { rate: 120, mix });
    const l = r.operations[0]!.latency;
    for (const v of [l.mean, l.p50, l.p95, l.max]) expect(v).toBe(Infinity);
    expect(r.saturated).toEqual({ station: 'ua', utilization: 1.2, by: 'offered load' });
    expect(r.warnings.some((w) => w.includes('ua is saturated'))).toBe(true);
    expect(r.stations[0]!.meanQueue).toBe(Infinity);
    expect(r.stations[0]!.waitProbability).toBe(1);
  });

  it('exactly at ρ = 1 the station is saturated too', () => {
    const r = analyze(queue({ mean: 10 }), 'one', { rate: 100, mix });
    expect(r.saturated?.station).toBe('ua');
    expect(r.operations[0]!.latency.mean).toBe(Infinity);
  });

  it('replicas × servers share the load: 3 × 2 at 300/s of 10 ms is ρ 0.5', () => {
    const r = analyze(queue({ mean: 10, replicas: 3, servers: 2 }), 'one', { rate: 300, mix });
    expect(r.stations[0]!.utilization).toBeCloseTo(0.5, 12);
  });

  it('a station the mix never visits is idle: no load, no wait', () => {
    // Only the callees' own route: the front unit and the other callee see nothing.
    const r = analyze(fanout({ callees: 2 }), 'one', { rate: 50, mix: { 's0.get': 1 } });
    for (const id of ['bff', 'svc1']) {
      const s = r.stations.find((x) => x.id === id)!;
      expect(s).toMatchObject({ utilization: 0, waitProbability: 0, meanQueue: 0, visitRate: 0 });
    }
  });

  it('a target rate prices the fleet at that rate', () => {
    const r = analyze(queue({ mean: 10 }), 'one', { rate: 50, mix, targetRate: 200 });
    expect(r.cost.atTarget).toBeDefined();
  });
});

const oneStation = () => {
  const c = compile(queue({ mean: 10 }), 'one');
  return { c, d: opDemands(c) };
};

describe('saturation: the first station, or the shared host, to reach ρ = 1', () => {
  it('the station at 1000 × servers / demand', () => {
    const { c, d } = oneStation();
    expect(saturation(c, d, mix)).toEqual({ rate: 100, station: 'ua' });
    expect(saturation(c, d, mix, { cores: 4 })).toEqual({ rate: 100, station: 'ua' });
  });
  it('the host when its cores run out first', () => {
    const { c, d } = oneStation();
    expect(saturation(c, d, mix, { cores: 0.5 })).toEqual({ rate: 50, station: 'host' });
  });
  it('replicas and servers multiply the station’s capacity', () => {
    const c2 = compile(queue({ mean: 10, replicas: 3, servers: 2 }), 'one');
    expect(saturation(c2, opDemands(c2), mix)).toEqual({ rate: 600, station: 'ua' });
  });
});

describe('solve and latencyQuantiles', () => {
  it('only limits the operations solved, never the stations’ load', () => {
    const { c, d } = oneStation();
    const all = solve(c, d, mix, 50);
    expect(all.ops.map((o) => o.id)).toEqual(['a.op']);
    expect(solve(c, d, mix, 50, { only: [] }).ops).toEqual([]);
    expect(solve(c, d, mix, 50, { only: [] }).stations[0]!.rho).toBeCloseTo(0.5, 12);
    expect(all.inflate).toBe(1);
    expect(all.stations[0]!.cs2).toBeCloseTo(1, 9);
    expect(all.stations[0]!.psFactor).toBeCloseTo(2, 12);
  });
  it('a mix entry without demands is skipped (only the listed operations are solved)', () => {
    const { c, d } = oneStation();
    const s = solve(c, d, { 'a.op': 1, 'gone.op': 1 }, 50, { only: ['a.op'] });
    expect(s.stations[0]!.rho).toBeCloseTo(0.5, 12);
    expect(s.ops[0]!.mean).toBeCloseTo(20, 9);
  });
  it('a host at or over its cores inflates to Infinity', () => {
    const { c, d } = oneStation();
    expect(solve(c, d, mix, 100, { host: { cores: 1 } }).inflate).toBe(Infinity);
    expect(solve(c, d, mix, 150, { host: { cores: 1 } }).inflate).toBe(Infinity);
    expect(solve(c, d, mix, 50, { host: { cores: 1 } }).inflate).toBeCloseTo(2, 12);
  });
  it('unbounded mean: every percentile unbounded', () => {
    const { c, d } = oneStation();
    const op = solve(c, d, mix, 120).ops[0]!;
    expect(latencyQuantiles(op, [0.5, 0.99])).toEqual([Infinity, Infinity]);
  });
});

describe('the mix alone: what analyze compiles and reads', () => {
  const { blueprint: qc } = loadBlueprint('blueprints/quantchat.yaml');

  it('opDemands of some operations: those that are entries, each as in the full map', () => {
    const c = compile(qc, 'microservices');
    const all = opDemands(c);
    const some = opDemands(c, ['auth.me', 'no.such-op', 'messages.send']);
    expect([...some.keys()]).toEqual(['auth.me', 'messages.send']);
    expect(some.get('auth.me')).toEqual(all.get('auth.me'));
    expect(some.get('messages.send')).toEqual(all.get('messages.send'));
  });

  it('a layout no operation warns on compiles the mix alone, with the result of compiling every operation', () => {
    for (const layout of Object.keys(qc.layouts)) {
      expect(compileWarns(qc, layout), layout).toBe(false);
      for (const balance of ['least-connections', 'round-robin'] as const) {
        expect(analyze(qc, layout, { balance }), layout).toEqual(analyze(qc, layout, { balance, compiled: compile(qc, layout) }));
      }
    }
  });

  it('where an operation outside the mix warns (its domain in no unit), it is compiled too and its warning kept', () => {
    const bp = structuredClone(qc);
    delete bp.layouts.microservices!.units['notification-service'];
    expect(compileWarns(bp, 'microservices')).toBe(true);
    const r = analyze(bp, 'microservices', { mix: { 'auth.me': 1 } });
    expect(r.warnings).toContain('notifications is placed in no unit of microservices; notifications.email does nothing');
    expect(r).toEqual(analyze(bp, 'microservices', { mix: { 'auth.me': 1 }, compiled: compile(bp, 'microservices') }));
    // compiled for the mix alone, the warning would be lost
    expect(compile(bp, 'microservices', { entries: ['auth.me'] }).warnings).toEqual([]);
  });

  it('a cycle of calls in an operation outside the mix warns too', () => {
    const bp = structuredClone(qc);
    const search = bp.system.domains.users!.operations.search!;
    search.calls = [...search.calls, { ...search.calls[0]!, op: 'users.search' }];
    expect(compileWarns(bp, 'microservices')).toBe(true);
    expect(analyze(bp, 'microservices', { mix: { 'auth.me': 1 } }).warnings).toContain('cycle of synchronous calls at users.search → users.search (cut here)');
  });
});

describe('the approximations each result names', () => {
  it('replicas under least-connections: the jockeying chain, naming the station; the pooled-queue lower bound where the chain is not used', () => {
    const r = analyze(queue({ mean: 10, replicas: 2 }), 'one', { rate: 50, mix });
    expect(namedApproximations(r)).toEqual([expect.stringMatching(/^analytic: least-connections across replicas is solved as join-the-shortest-queue by the threshold-jockeying chain .*\(ua\)$/)]);
    const wide = analyze(queue({ mean: 10, replicas: 2, dist: 'lognormal', cv: 2 }), 'one', { rate: 50, mix });
    // (lognormal work of cv 2: its percentiles are the lognormal fit, named too)
    expect(namedApproximations(wide)).toEqual([expect.stringMatching(/^analytic: least-connections across many replicas \(more than 8\) or with highly variable service .*lower bound on join-the-shortest-queue.*\(ua\)$/), `analytic: ${LOGNORMAL_NOTE} (a.op)`]);
  });
  it('least-connections is the default balancing, in the figures as in the warnings', () => {
    // 2 replicas × 1 server at 100/s of 10 ms: the chain's wait, above the pooled M/M/2 at a = 1 (P(wait) = 1/3, wait 1/3 / 0.1).
    const r = analyze(queue({ mean: 10, replicas: 2 }), 'one', { rate: 100, mix });
    expect(r.operations[0]!.latency.mean).toBeCloseTo(10 + jsqWait(2, 1, 0.1, 10)!.wait, 9);
    expect(r.operations[0]!.latency.mean).toBeGreaterThan(10 + 10 / 3);
    expect(r.operations[0]!.latency.mean).toBeCloseTo(analyze(queue({ mean: 10, replicas: 2 }), 'one', { rate: 100, mix, balance: 'least-connections' }).operations[0]!.latency.mean, 12);
  });
  it('autoscaled units: named with their starting replicas, range and target (the solver has no time), and only where they are', () => {
    const { blueprint } = loadBlueprint('blueprints/chatpop.yaml');
    const r = analyze(blueprint, 'phase3');
    expect(namedApproximations(r).filter((w) => w.includes(AUTOSCALE_MARK))).toEqual([
      expect.stringContaining('(photo-service: 2 of 2–10 on 70% CPU; chat-service: 2 of 2–10 on 70% CPU; websocket-service: 2 of 2–50 on 5000 connections a replica; payment-service: 2 of 2–5 on 50 requests a replica)'),
    ]);
    expect(analyze(queue({ replicas: 2 }), 'one', { rate: 50, mix }).warnings.some((w) => w.includes(AUTOSCALE_MARK))).toBe(false);
  });
  it('round-robin: named only with several servers per replica', () => {
    const one = analyze(queue({ mean: 10, replicas: 2 }), 'one', { rate: 50, mix, balance: 'round-robin' });
    expect(namedApproximations(one)).toEqual([]);
    const two = analyze(queue({ mean: 10, replicas: 2, servers: 2 }), 'one', { rate: 50, mix, balance: 'round-robin' });
    expect(namedApproximations(two)).toEqual([expect.stringMatching(/^analytic: round-robin replicas with several servers/)]);
    const random = analyze(queue({ mean: 10, replicas: 2, servers: 2 }), 'one', { rate: 50, mix, balance: 'random' });
    expect(namedApproximations(random)).toEqual([]);
  });
  it('a unit visited around its calls (the BFF shape) once busy enough', () => {
    // The front unit is visited 3 times a request (before, between and after its 2 calls): ρ 0.33
    // at 150/s is past the 0.2 the warning starts at, 0.11 at 50/s is not.
    const page = { 'front.page': 1 };
    const busy = analyze(fanout({ callees: 2 }), 'one', { rate: 150, mix: page });
    expect(busy.stations[0]!.visitRate).toBeCloseTo(450, 9);
    expect(namedApproximations(busy)).toEqual([expect.stringMatching(/^analytic: bff is visited several times by one request/)]);
    const idle = analyze(fanout({ callees: 2 }), 'one', { rate: 50, mix: page });
    expect(namedApproximations(idle)).toEqual([]);
  });
  it('the network row: hops and network time per request', () => {
    // One page: a hop there and back to each of its 2 callees, 0.5 ms each way.
    const r = analyze(fanout({ callees: 2 }), 'one', { rate: 50, mix: { 'front.page': 1 } });
    const n = r.stations.find((s) => s.id === 'network')!;
    expect(n).toMatchObject({ kind: 'network', replicas: 0, cores: 0, discipline: 'ps', utilization: 0 });
    expect(n.visitRate).toBeCloseTo(50 * 4, 9);
    expect(n.demandPerRequest).toBeGreaterThanOrEqual(4 * 0.5);
    expect(n.meanQueue).toBeCloseTo((50 * n.demandPerRequest) / 1000, 12);
  });
  it('a DES result names none', () => {
    const d = simulate(queue({ mean: 10, replicas: 2 }), 'one', { method: 'des', rate: 50, mix, duration: 2000, warmup: 0, seed: 1 });
    expect(namedApproximations(d)).toEqual([]);
  });
});
