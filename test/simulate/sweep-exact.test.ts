// The sweep, exactly: every form of a rate range and every refusal, and the curve of an M/M/1
// queue (10 ms exponential service, μ = 100/s: mean response 10 / (1 − λ/100) ms, its p95 ln 20 ×
// that), whose knee and saturation are known in closed form.
import { beforeEach, describe, expect, it } from 'vitest';
import { parseRates, RatesError, sweepAnalytic, sweepCurve } from '../../src/simulate/sweep.js';
import { bp } from './helpers.js';
import { simulate } from '../../src/simulate/simulate.js';
import { queue } from './builder.js';

describe('parseRates', () => {
  it('a range of n points (20 unless given), a step, a list; a trailing /s and spaces are fine', () => {
    expect(parseRates('10..20x3')).toEqual([10, 15, 20]);
    const twenty = parseRates('50..2000');
    expect(twenty).toHaveLength(20);
    expect(twenty.slice(0, 3)).toEqual([50, 152.632, 255.263]); // 1950/19 apart, to the thousandth
    expect(twenty.at(-1)).toBe(2000);
    expect(parseRates('1..2:0.3')).toEqual([1, 1.3, 1.6, 1.9]);
    expect(parseRates('50..2000:50')).toEqual(Array.from({ length: 40 }, (_, i) => 50 + 50 * i));
    expect(parseRates('100/s')).toEqual([100]);
    expect(parseRates('50..60x2/s')).toEqual([50, 60]);
    expect(parseRates(' 100,200 ')).toEqual([100, 200]);
    expect(parseRates(' 10..20x3 ')).toEqual([10, 15, 20]);
    // one rate, however many points were asked for
    expect(parseRates('5..5')).toEqual([5]);
    expect(parseRates('5..5x40')).toEqual([5]);
    // rates with their units, as every other rate flag takes them
    expect(parseRates('100/s,200/s')).toEqual([100, 200]);
    expect(parseRates('6k/min..12k/min x3'.replace(' ', ''))).toEqual([100, 150, 200]);
    expect(parseRates('1k/min..2k/min:500/min')).toEqual([16.667, 25, 33.333]);
  });

  it('refuses, saying what to write instead', () => {
    const refusal = (spec: string) => {
      try {
        parseRates(spec);
      } catch (e) {
        expect(e).toBeInstanceOf(RatesError);
        // a usage error: exit code 2 and its one line, by name
        expect((e as RatesError).name).toBe('RatesError');
        expect((e as RatesError).kind).toBe('usage');
        return (e as Error).message;
      }
      throw new Error(`${spec} was accepted`);
    };
    expect(refusal('0,100')).toBe('rates "0,100": "0" is not a rate above 0 (write e.g. 100,200,400)');
    expect(refusal('lots')).toBe('"lots" is not a rate range (e.g. 50..2000, 50..2000:50, 50..2000x40, 100,200,400)');
    expect(refusal('1..2:')).toBe('"1..2:" is not a rate range (e.g. 50..2000, 50..2000:50, 50..2000x40, 100,200,400)');
    expect(refusal('100,,200')).toBe('"100,,200" is not a rate range (e.g. 50..2000, 50..2000:50, 50..2000x40, 100,200,400)');
    expect(refusal('1.2.3..4')).toBe('"1.2.3..4" is not a rate range (e.g. 50..2000, 50..2000:50, 50..2000x40, 100,200,400)');
    expect(refusal('0..10')).toBe('rate range "0..10": the first rate must be above 0 (e.g. 1..10)');
    expect(refusal('0..0')).toBe('rate range "0..0": the first rate must be above 0 (e.g. 1..10)');
    expect(refusal('2000..50')).toBe('rate range "2000..50": it runs from low to high, and 2000/s is above 50/s (write 50..2000)');
    expect(refusal('12k/min..100/s')).toBe('rate range "12k/min..100/s": it runs from low to high, and 12k/min is above 100/s (write 100..12k/min)');
    expect(refusal('100/parsec,200')).toBe('"100/parsec,200" is not a rate range (e.g. 50..2000, 50..2000:50, 50..2000x40, 100,200,400)');
    expect(refusal('1..2:0')).toBe('rate range "1..2:0": the step must be positive');
    expect(refusal('1..100000:1')).toBe('rate range "1..100000:1" has 100000 points; at most 10000');
    expect(parseRates('1..10000:1')).toHaveLength(10_000);
    expect(refusal('1..2x0')).toBe('rate range "1..2x0": 2 to 10000 points (for one rate, give it alone: 1/s)');
    // one point of a range would silently drop the rest of it
    expect(refusal('50..500x1')).toBe('rate range "50..500x1": 2 to 10000 points (for one rate, give it alone: 50/s)');
    expect(refusal('1..2x10001')).toBe('rate range "1..2x10001": 2 to 10000 points (for one rate, give it alone: 1/s)');
    expect(parseRates('1..2x10000')).toHaveLength(10_000);
    // the offending rate as written, without the space after its comma; spaces inside a list are fine
    expect(refusal('100, 0')).toBe('rates "100, 0": "0" is not a rate above 0 (write e.g. 100,200,400)');
    expect(parseRates('100, 200')).toEqual([100, 200]);
    // nothing before the dots, or a step that is not a rate: not a range
    expect(refusal('..5')).toBe('"..5" is not a rate range (e.g. 50..2000, 50..2000:50, 50..2000x40, 100,200,400)');
    expect(refusal('1..2:abc')).toBe('"1..2:abc" is not a rate range (e.g. 50..2000, 50..2000:50, 50..2000x40, 100,200,400)');
    // the example starts a tenth of the way to the end the user gave
    expect(refusal('0..500')).toBe('rate range "0..500": the first rate must be above 0 (e.g. 50..500)');
  });
});

describe('the curve of an M/M/1 queue', () => {
  const mm1 = queue({ mean: 10 });
  const mean = (rate: number) => 10 / (1 - rate / 100);
  const rates = [10, 20, 30, 40, 50, 60, 70, 80, 90];
  // Computed before each test, not while the file loads: Stryker switches a mutant on when the
  // tests start, so a sweep made at collection never sees it.
  let s: ReturnType<typeof sweepAnalytic>;
  beforeEach(() => {
    s = sweepAnalytic(mm1, 'one', rates);
  });

  it('every point is the closed form: mean, p95, throughput, the bottleneck’s utilization', () => {
    expect(s.layout).toBe('one');
    expect(s.method).toBe('analytic');
    expect(s.points.map((p) => p.rate)).toEqual(rates);
    s.points.forEach((p, i) => {
      const r = rates[i]!;
      expect(p.meanLatency, `${r}/s`).toBeCloseTo(mean(r), 6);
      // (the analytic percentile is within 1% of the exponential's)
      expect(Math.abs(p.p95 / (Math.log(20) * mean(r)) - 1), `${r}/s`).toBeLessThan(0.01);
      expect(p.throughput, `${r}/s`).toBeCloseTo(r, 6);
      expect(p.bottleneckUtilization, `${r}/s`).toBeCloseTo(r / 100, 9);
      expect(p.errorRate).toBe(0);
      expect(p.saturated).toBeUndefined();
    });
    expect(s.saturationThroughput).toBeCloseTo(100, 9);
    expect(s.host).toBeUndefined();
  });

  it('the knee is the first rate whose mean is more than twice the no-load mean (10 ms here, whatever the first point)', () => {
    // 2 × 10 = 20 ms: 50/s gives 20 (not yet), 60/s gives 25
    expect(s.knee).toBe(60);
    // a curve that never doubles has no knee
    expect(sweepAnalytic(mm1, 'one', [10, 20, 30]).knee).toBeNull();
    // exactly twice is not past it: 50/s is 20 ms, twice 10 ms at no load (to a millionth)
    expect(sweepAnalytic(mm1, 'one', [1e-9, 50, 51]).knee).toBe(51);
    // 55/s gives 22.2 ms: past twice the no-load 10 ms, though not past twice the first point's 11.1 ms × 2
    expect(sweepAnalytic(mm1, 'one', [10, 55, 61]).knee).toBe(55);
  });

  it('the knee does not move with where the sweep starts', () => {
    // Before, the base was the first point's mean: starting at 40/s (16.7 ms) put the knee at 70/s, at 45/s at 70/s, at 10/s at 60/s.
    for (const rates of [[10, 20, 30, 40, 45, 50, 55, 60, 70], [40, 45, 50, 55, 60, 70], [45, 50, 55, 60, 70], [50, 55]]) expect(sweepAnalytic(mm1, 'one', rates).knee, rates.join(',')).toBe(55);
    expect(sweepAnalytic(mm1, 'one', [60, 70]).knee).toBe(60);
  });

  it('a first point past the knee that lies beyond saturation places no knee there: a note says it lies below saturation, unsampled', () => {
    const far = sweepAnalytic(mm1, 'one', [10, 150, 1000]);
    expect(far.knee).toBeNull();
    expect(far.notes).toEqual(['the knee lies between 10/s and the saturation rate of 100/s, where no point was computed: sweep up to about 100/s to place it']);
    // one point below saturation past the knee: that is the knee, no note
    expect(sweepAnalytic(mm1, 'one', [10, 95, 150]).knee).toBe(95);
    expect(sweepAnalytic(mm1, 'one', [10, 95, 150]).notes).toBeUndefined();
    // a point at the saturation rate itself is not beyond it: the knee is placed there
    expect(sweepAnalytic(mm1, 'one', [10, 100]).knee).toBe(100);
  });

  it('the analytic approximations its points rest on are its notes, each once', () => {
    const twice = bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: twice }
system:
  domains:
    web: { tables: [p], operations: { home: { route: GET /, cpu: 1ms, calls: [cart.get] } } }
    cart: { tables: [c], operations: { get: { internal: true, cpu: 0.5ms } } }
layouts:
  mono:
    units: { app: { domains: "*", port: 8080, instance: box } }
    datastores: { pg: { engine: postgres, tables: "*", instance: box } }
workload: { rate: 20/s, mix: { web.home: 1 } }
catalog:
  box: { vcpu: 4, usdPerMonth: $10 }
`);
    const n = sweepAnalytic(twice, 'mono', [100, 200, 300]).notes ?? [];
    expect(n).toHaveLength(1);
    expect(n[0]).toMatch(/^analytic: app is visited several times by one request with other work in between/);
  });

  it('past saturation an analytic point carries the saturation rate, marked saturated', () => {
    const over = sweepAnalytic(mm1, 'one', [50, 150]);
    expect(over.points[1]!.throughput).toBeCloseTo(100, 9);
    expect(over.points[1]!.saturated).toBeDefined();
    expect(over.points[0]!.saturated).toBeUndefined();
  });

  it('DES points make the same curve from their own counts', () => {
    const results = [10, 70].map((rate) => ({ rate, result: simulate(mm1, 'one', { method: 'des', rate, duration: 400_000, warmup: 10_000, seed: 2 }) }));
    const d = sweepCurve(mm1, 'one', 'des', results);
    expect(d.method).toBe('des');
    d.points.forEach((p) => {
      expect(p.meanLatency / mean(p.rate)).toBeGreaterThan(0.95);
      expect(p.meanLatency / mean(p.rate)).toBeLessThan(1.05);
      expect(p.throughput / p.rate).toBeGreaterThan(0.97);
      expect(p.throughput / p.rate).toBeLessThan(1.03);
    });
    expect(d.saturationThroughput).toBeCloseTo(100, 9);
    // 33 ms at 70/s against 11 at 10/s: three times
    expect(d.knee).toBe(70);
  });

  it('DES points, by hand: the mean weighted by completed requests, the worst operation’s p95, errors over completions', () => {
    // two operations: 300 done at 10 ms (p95 30, 3 errors) and 100 at 20 ms (p95 50, 1 error)
    const op = (id: string, count: number, mean: number, p95: number, errors: number, throughput: number) => ({ id, count, errors, throughput, latency: { mean, p95 } });
    const des = (operations: ReturnType<typeof op>[], utilization: number) => ({ method: 'des', operations, warnings: [], bottleneck: { station: 'ua', utilization }, workload: { duration: 10_000, warmup: 1000 } }) as unknown as Parameters<typeof sweepCurve>[3][number]['result'];
    const d = sweepCurve(mm1, 'one', 'des', [
      { rate: 20, result: des([op('a.op', 300, 10, 30, 3, 15), op('b.op', 100, 20, 50, 1, 5)], 0.2) },
      // nothing completed: no latency (NaN, null in the JSON: not 0 ms) and no error rate (0)
      { rate: 90, result: des([op('a.op', 0, 0, 0, 0, 0)], 0.9) },
    ]);
    expect(d.points).toEqual([
      { rate: 20, meanLatency: 12.5, p95: 50, throughput: 20, errorRate: 0.01, bottleneckUtilization: 0.2 },
      { rate: 90, meanLatency: NaN, p95: NaN, throughput: 0, errorRate: 0, bottleneckUtilization: 0.9 },
    ]);
    expect(d.notes).toEqual(['at 90/s no request finished in the measured window (9 s after the warm-up), so that point has no latency (– in the table, null in the JSON): lengthen the run (--duration)']);
    // no points: no curve, no knee
    expect(sweepCurve(mm1, 'one', 'des', []).points).toEqual([]);
    expect(sweepCurve(mm1, 'one', 'des', []).knee).toBeNull();
  });

  it('a host is stated with its pool weight resolved', () => {
    expect(sweepAnalytic(mm1, 'one', [10], { host: { cores: 2 } }).host).toEqual({ cores: 2, poolWeight: 0.5 });
    expect(sweepAnalytic(mm1, 'one', [10], { host: { cores: 2, poolWeight: 0 } }).host).toEqual({ cores: 2, poolWeight: 0 });
  });
});
