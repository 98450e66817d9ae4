// The bill (cost.ts), the workload a simulation runs (workload.ts) and the backlog trend that
// says a DES run is overloaded (overload.ts), against values worked out by hand on a blueprint
// built here. No simulation: milliseconds, for the mutation run of src/simulate.
import { describe, expect, it } from 'vitest';
import { Blueprint, type BlueprintInput } from '../../src/model/schema.js';
import { costAt, HOURS_PER_MONTH, monthlyCost, perMillion, round2 } from '../../src/simulate/cost.js';
import { backlogTrend, saturatedWarning, shedShare } from '../../src/simulate/overload.js';
import { maxRate, meanRate, rateAt, workloadFor, WorkloadError } from '../../src/simulate/workload.js';

/**
 * One public operation a.op (10 ms of CPU, one 4 ms read), one internal b.job and one public
 * b.list, a priced gateway, broker, datastore and extra; unit u on a 2-vCPU instance with 2
 * workers (2 servers), unit v unpriced and autoscaled from 2. Hops cost nothing.
 */
function priced(workload?: BlueprintInput['workload']): Blueprint {
  return Blueprint.parse({
    apiVersion: 'archsim/v1',
    kind: 'Blueprint',
    metadata: { name: 'priced' },
    system: {
      domains: {
        a: { tables: ['t'], operations: { op: { route: 'GET /a', cpu: { dist: 'const', mean: '10ms' }, db: { reads: 1 } } } },
        b: { tables: [], operations: { job: { internal: true, cpu: '1ms' }, list: { route: 'GET /b', cpu: '1ms' } } },
      },
      defaults: { payload: { request: '0B', response: '0B' }, db: { read: { dist: 'const', mean: '4ms' }, write: '1ms' } },
    },
    layouts: {
      one: {
        gateway: { kind: 'nginx', port: 80, instance: 'gw', replicas: 2, cpu: '0ms' },
        broker: { kind: 'rabbitmq', instance: 'mq' },
        units: { u: { domains: ['a'], port: 8000, instance: 'small', workers: 2, replicas: 3 }, v: { domains: ['b'], port: 8001, autoscale: { min: 2, max: 5 } } },
        datastores: { db: { engine: 'postgres', tables: '*', instance: 'pg', cores: 1 } },
        extras: { cdn: { instance: 'cdn', replicas: 3 } },
        network: { latency: '0ms', cpuPerCall: '0ms', cpuPerKiB: '0ms' },
      },
      bare: { units: { app: { domains: '*', port: 8000 } } },
    },
    ...(workload ? { workload } : {}),
    catalog: { small: { vcpu: 2, usdPerMonth: 10.005 }, gw: { usdPerMonth: 7 }, mq: { usdPerMonth: 5.5 }, pg: { vcpu: 1, usdPerMonth: 15 }, cdn: { usdPerMonth: 1.111 } },
  });
}

const fixed = [
  { component: 'gateway', kind: 'gateway', instance: 'gw', count: 2, usdEach: 7, usdPerMonth: 14 },
  { component: 'db', kind: 'datastore', instance: 'pg', count: 1, usdEach: 15, usdPerMonth: 15 },
  { component: 'broker', kind: 'broker', instance: 'mq', count: 1, usdEach: 5.5, usdPerMonth: 5.5 },
  // 3 × 1.111 = 3.333, to the cent
  { component: 'cdn', kind: 'extra', instance: 'cdn', count: 3, usdEach: 1.111, usdPerMonth: 3.33 },
];

describe('monthlyCost: every priced part, at the declared or overridden replicas', () => {
  it('gateway × replicas, each unit, each datastore, the broker, each extra × replicas; rounded to the cent', () => {
    const c = monthlyCost(priced(), 'one');
    expect(c.layout).toBe('one');
    // u: 3 × 10.005 = 30.015 → 30.02; v has no instance: 0; total 14 + 30.02 + 15 + 5.5 + 3.33
    expect(c.items).toEqual([
      fixed[0],
      { component: 'u', kind: 'unit', instance: 'small', count: 3, usdEach: 10.005, usdPerMonth: 30.02 },
      { component: 'v', kind: 'unit', instance: undefined, count: 1, usdEach: 0, usdPerMonth: 0 },
      ...fixed.slice(1),
    ]);
    expect(c.usdPerMonth).toBe(67.85);
    const over = monthlyCost(priced(), 'one', { u: 1, v: 4 });
    expect(over.items.find((i) => i.component === 'u')).toMatchObject({ count: 1, usdPerMonth: 10.01 });
    expect(over.items.find((i) => i.component === 'v')).toMatchObject({ count: 4, usdPerMonth: 0 });
    expect(over.usdPerMonth).toBe(47.84);
  });

  it('a layout with nothing priced costs 0, one item for its unit', () => {
    expect(monthlyCost(priced(), 'bare')).toEqual({ layout: 'bare', items: [{ component: 'app', kind: 'unit', instance: undefined, count: 1, usdEach: 0, usdPerMonth: 0 }], usdPerMonth: 0 });
  });

  it('an instance missing from the catalog is priced 0', () => {
    const bp = priced();
    bp.layouts.one!.gateway!.instance = 'not-in-catalog';
    expect(monthlyCost(bp, 'one').items[0]).toEqual({ component: 'gateway', kind: 'gateway', instance: 'not-in-catalog', count: 2, usdEach: 0, usdPerMonth: 0 });
  });

  it('round2 to the cent, half up', () => {
    expect(round2(1.005 * 1000)).toBe(1005);
    expect(round2(0.125)).toBe(0.13);
    expect(round2(0.124)).toBe(0.12);
    expect(round2(-0.126)).toBe(-0.13);
  });

  it('perMillion: the bill over a month of requests (730 h), exact (what prints it rounds); unbounded at no rate', () => {
    expect(HOURS_PER_MONTH).toBe(730);
    // 26,280 USD over 730 × 3,600 requests at 1/s: 10,000 per million
    expect(perMillion(730 * 36, 1)).toBe(10_000);
    // 32 / (200 × 2,628,000) × 10⁶ = 0.0608828006…, not rounded to 0.0609: a budget is judged on it
    expect(perMillion(32, 200)).toBeCloseTo(0.060882800608828, 15);
    expect(perMillion(100, 0)).toBe(Infinity);
    expect(perMillion(100, -1)).toBe(Infinity);
    expect(perMillion(100, NaN)).toBe(Infinity);
  });
});

describe('costAt: the replicas each unit needs at a target utilization, and the limits', () => {
  it('u needs ⌈rate × 10 ms / (2 servers × 0.7)⌉: 1 replica up to 140/s exactly, 2 from 141/s; v keeps its autoscale minimum', () => {
    const bp = priced({ rate: '50/s', mix: { 'a.op': 1 } });
    const at140 = costAt(bp, 'one', 140);
    expect(at140.rate).toBe(140);
    expect(at140.targetUtilization).toBe(0.7);
    expect(at140.replicas).toEqual({ u: 1, v: 2 });
    expect(at140.monthly.usdPerMonth).toBe(47.84);
    expect(at140.limits).toEqual([]);
    expect(costAt(bp, 'one', 141).replicas).toEqual({ u: 2, v: 2 });
    // no load at all: still one replica
    expect(costAt(bp, 'one', 0).replicas).toEqual({ u: 1, v: 2 });
    // a lower target: 1.4 busy / (2 × 0.5) → 2
    expect(costAt(bp, 'one', 140, { targetUtilization: 0.5 }).replicas).toEqual({ u: 2, v: 2 });
  });

  it("a unit's thread pool sizes the unit (each replica brings its threads): 20 ms of pool work on v's 4 threads needs 2 replicas up to 280/s, 3 from 281/s; no limit", () => {
    const bp = priced({ rate: '50/s', mix: { 'b.list': 1 } });
    bp.system.domains.b!.operations.list!.pool = { dist: 'const', mean: 20, cv: 0 };
    // 280/s × 20 ms = 5.6 threads busy; 5.6 / (4 threads × 0.7) = 2 exactly; v's own CPU (1 ms) needs 1, its autoscale minimum 2
    expect(costAt(bp, 'one', 280)).toMatchObject({ replicas: { u: 1, v: 2 }, limits: [] });
    expect(costAt(bp, 'one', 281)).toMatchObject({ replicas: { u: 1, v: 3 }, limits: [] });
    // a pool that needs one replica leaves what the unit itself needs (its autoscale minimum, 2)
    expect(costAt(bp, 'one', 10).replicas).toEqual({ u: 1, v: 2 });
  });

  it('the datastore (one core, 4 ms a read) is a limit only above the target: 175/s is exactly 0.7, 176/s is over', () => {
    const bp = priced({ rate: '50/s', mix: { 'a.op': 1 } });
    expect(costAt(bp, 'one', 175).limits).toEqual([]);
    const l = costAt(bp, 'one', 176).limits;
    expect(l).toHaveLength(1);
    expect(l[0]!.station).toBe('db');
    expect(l[0]!.utilization).toBeCloseTo(0.704, 12);
  });

  it('stations replicas cannot fix: the load spread over replicas × servers (a 2-replica gateway of 1 ms, a 2-core datastore)', () => {
    const bp = priced({ rate: '50/s', mix: { 'a.op': 1 } });
    bp.layouts.one!.gateway!.cpu = { dist: 'const', mean: 1, cv: 0 };
    bp.layouts.one!.datastores.db!.cores = 2;
    // 300/s: db 1.2 busy of 2 cores = 0.6, gateway 0.3 of 2 = 0.15: no limit
    expect(costAt(bp, 'one', 300).limits).toEqual([]);
    // 400/s: db 1.6 / 2 = 0.8
    const at400 = costAt(bp, 'one', 400).limits;
    expect(at400.map((l) => l.station)).toEqual(['db']);
    expect(at400[0]!.utilization).toBeCloseTo(0.8, 12);
    // 1500/s: the gateway 1.5 / 2 = 0.75 too
    const at1500 = costAt(bp, 'one', 1500).limits;
    expect(at1500.map((l) => l.station)).toEqual(['gateway', 'db']);
    expect(at1500[0]!.utilization).toBeCloseTo(0.75, 12);
    expect(at1500[1]!.utilization).toBeCloseTo(3, 12);
  });

  it('a mix naming no compiled operation asks nothing of any station', () => {
    const bp = priced({ rate: '50/s', mix: { 'a.op': 1 } });
    expect(costAt(bp, 'one', 1000, { mix: { 'no.such': 1 } })).toMatchObject({ replicas: { u: 1, v: 2 }, limits: [] });
  });

  it('the mix: the blueprint workload by default, or the one given; a mix without a.op leaves u at 1', () => {
    const bp = priced({ rate: '50/s', mix: { 'a.op': 1, 'b.list': 1 } });
    // half the requests are a.op: at 282/s, 141/s of 10 ms on u → 2 replicas
    expect(costAt(bp, 'one', 282).replicas.u).toBe(2);
    expect(costAt(bp, 'one', 280).replicas.u).toBe(1);
    expect(costAt(bp, 'one', 1000, { mix: { 'b.list': 1 } }).replicas.u).toBe(1);
    // b.list alone, 1 ms on v (one server): 1000/s is 1 busy server → ⌈1/0.7⌉ = 2, still the minimum; 1500/s → 3
    expect(costAt(bp, 'one', 1500, { mix: { 'b.list': 1 } }).replicas.v).toBe(3);
  });
});

describe('workloadFor', () => {
  it('without a workload: every public operation, equal weights; open at 100/s for 60 s', () => {
    expect(workloadFor(priced())).toEqual({ kind: 'open', rate: 100, duration: 60_000, warmup: 0, mix: { 'a.op': 0.5, 'b.list': 0.5 } });
  });

  it('weights normalized; the options win over the blueprint', () => {
    const bp = priced({ rate: '50/s', duration: '10s', warmup: '1s', mix: { 'a.op': 3, 'b.list': 1 } });
    expect(workloadFor(bp)).toEqual({ kind: 'open', rate: 50, duration: 10_000, warmup: 1000, mix: { 'a.op': 0.75, 'b.list': 0.25 } });
    expect(workloadFor(bp, { rate: 20, duration: 5000, warmup: 0, mix: { 'b.job': 2 } })).toEqual({ kind: 'open', rate: 20, duration: 5000, warmup: 0, mix: { 'b.job': 1 } });
  });

  it('a request count without a duration runs as long as that many arrivals take', () => {
    const bp = priced({ rate: '50/s', mix: { 'a.op': 1 } });
    expect(workloadFor(bp, { requests: 1000 })).toEqual({ kind: 'open', rate: 50, duration: 20_000, warmup: 0, mix: { 'a.op': 1 }, requests: 1000 });
    expect(workloadFor(bp, { requests: 1000, rate: 200 }).duration).toBe(5000);
    // without a count, no `requests` key at all
    expect(Object.keys(workloadFor(bp))).toEqual(['kind', 'rate', 'duration', 'warmup', 'mix']);
    expect(workloadFor(priced(), { requests: 1000 }).duration).toBe(10_000);
    // with a duration, or closed, the count does not set it
    expect(workloadFor(bp, { requests: 1000, duration: 3000 }).duration).toBe(3000);
    expect(workloadFor(bp, { requests: 1000, users: 4 })).toMatchObject({ kind: 'closed', duration: 60_000, requests: 1000 });
  });

  it('closed: users from the options or the blueprint (unless a rate is given), think time 1 s exponential by default', () => {
    const bp = priced({ users: 10, thinkTime: '2s', mix: { 'a.op': 1 } });
    expect(bp.workload!.thinkTime).toEqual({ dist: 'exp', mean: 2000, cv: 1 });
    expect(workloadFor(bp)).toEqual({ kind: 'closed', users: 10, thinkTime: bp.workload!.thinkTime, duration: 60_000, warmup: 0, mix: { 'a.op': 1 } });
    expect(workloadFor(bp, { rate: 30 })).toEqual({ kind: 'open', rate: 30, duration: 60_000, warmup: 0, mix: { 'a.op': 1 } });
    expect(workloadFor(priced(), { users: 3 })).toMatchObject({ kind: 'closed', users: 3, thinkTime: { dist: 'exp', mean: 1000, cv: 1 } });
    expect(workloadFor(bp, { users: 3, thinkTime: { dist: 'exp', mean: 5, cv: 1 } })).toMatchObject({ users: 3, thinkTime: { dist: 'exp', mean: 5, cv: 1 } });
  });

  it('a profile sets the mean rate; a constant one is no profile; a rate option drops the blueprint profile', () => {
    const spike = { kind: 'spike' as const, base: 10, peak: 50, at: 2500, for: 5000 };
    const bp = priced({ rate: '10/s', duration: '10s', profile: { kind: 'spike', base: '10/s', peak: '50/s', at: '2.5s', for: '5s' }, mix: { 'a.op': 1 } });
    expect(workloadFor(bp)).toEqual({ kind: 'open', rate: 30, duration: 10_000, warmup: 0, mix: { 'a.op': 1 }, profile: spike });
    expect(workloadFor(bp, { rate: 10 })).toEqual({ kind: 'open', rate: 10, duration: 10_000, warmup: 0, mix: { 'a.op': 1 } });
    expect(workloadFor(bp, { rate: 10, profile: spike })).toMatchObject({ rate: 30, profile: spike });
    expect(workloadFor(bp, { profile: { kind: 'constant' } })).toEqual({ kind: 'open', rate: 10, duration: 10_000, warmup: 0, mix: { 'a.op': 1 } });
  });

  it('usage errors: an empty mix, an unknown operation, no duration, a warm-up as long as the run, no rate', () => {
    const bp = priced({ rate: '50/s', mix: { 'a.op': 1 } });
    const err = (o: Parameters<typeof workloadFor>[1]) => {
      try {
        workloadFor(bp, o);
      } catch (e) {
        expect(e).toBeInstanceOf(WorkloadError);
        expect((e as WorkloadError).kind).toBe('usage');
        expect((e as WorkloadError).name).toBe('WorkloadError');
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err({ mix: {} })).toBe('the workload mix is empty');
    expect(err({ mix: { 'a.op': 0 } })).toBe('the workload mix is empty');
    expect(err({ mix: { 'a.op': 1, 'a.nope': 1 } })).toBe('the workload mix names "a.nope", which is not an operation');
    expect(err({ duration: 0 })).toBe('the duration must be positive');
    expect(err({ duration: -5 })).toBe('the duration must be positive');
    expect(err({ duration: 1000, warmup: 1000 })).toBe('the warm-up must be shorter than the duration');
    expect(err({ duration: 1000, warmup: 999 })).toBe('no error');
    expect(err({ rate: 0 })).toBe('the rate must be positive');
    expect(err({ rate: -1 })).toBe('the rate must be positive');
  });
});

describe('profiles: the rate at t, the highest rate, the mean rate', () => {
  const ramp = { kind: 'ramp' as const, from: 10, to: 30, over: 1000 };
  const down = { kind: 'ramp' as const, from: 30, to: 10, over: 1000 };
  const spike = { kind: 'spike' as const, base: 10, peak: 50, at: 100, for: 50 };
  const dip = { kind: 'spike' as const, base: 50, peak: 10, at: 100, for: 50 };
  const diurnal = { kind: 'diurnal' as const, min: 10, max: 30, period: 1000 };

  it('rateAt: a ramp held at its end, a spike over [at, at + for), a diurnal cosine from its minimum', () => {
    expect(rateAt(undefined, 7, 5)).toBe(7);
    expect(rateAt({ kind: 'constant' }, 7, 5)).toBe(7);
    expect(rateAt(ramp, 7, 0)).toBe(10);
    expect(rateAt(ramp, 7, 500)).toBe(20);
    expect(rateAt(ramp, 7, 1000)).toBe(30);
    expect(rateAt(ramp, 7, 2000)).toBe(30);
    expect(rateAt(spike, 7, 99.9)).toBe(10);
    expect(rateAt(spike, 7, 100)).toBe(50);
    expect(rateAt(spike, 7, 149.9)).toBe(50);
    expect(rateAt(spike, 7, 150)).toBe(10);
    expect(rateAt(diurnal, 7, 0)).toBe(10);
    expect(rateAt(diurnal, 7, 250)).toBeCloseTo(20, 12);
    expect(rateAt(diurnal, 7, 500)).toBe(30);
    expect(rateAt(diurnal, 7, 1000)).toBeCloseTo(10, 12);
  });

  it('maxRate: the larger end, whichever it is', () => {
    expect(maxRate(undefined, 7)).toBe(7);
    expect(maxRate({ kind: 'constant' }, 7)).toBe(7);
    expect(maxRate(ramp, 7)).toBe(30);
    expect(maxRate(down, 7)).toBe(30);
    expect(maxRate(spike, 7)).toBe(50);
    expect(maxRate(dip, 7)).toBe(50);
    expect(maxRate(diurnal, 7)).toBe(30);
    expect(maxRate({ ...diurnal, min: 40 }, 7)).toBe(40);
  });

  it('meanRate over the duration: a ramp its midpoint, a spike weighted by its share, a whole diurnal period its middle', () => {
    expect(meanRate(undefined, 7, 1000)).toBe(7);
    expect(meanRate({ kind: 'constant' }, 7, 1000)).toBe(7);
    expect(meanRate(ramp, 7, 1000)).toBeCloseTo(20, 10);
    // over twice the ramp: half at the midpoint 20, half at 30
    expect(meanRate(ramp, 7, 2000)).toBeCloseTo(25, 10);
    // 50 during [100, 150) of 200: a quarter of the time
    expect(meanRate(spike, 7, 200)).toBeCloseTo(0.75 * 10 + 0.25 * 50, 10);
    expect(meanRate(diurnal, 7, 1000)).toBeCloseTo(20, 10);
  });
});

describe('overload: the wording, and the backlog trend of a DES run', () => {
  it('saturatedWarning: the station and ρ to two decimals', () => {
    expect(saturatedWarning({ station: 'db', utilization: 1.2345 })).toBe('unstable: db is saturated (ρ=1.23); latencies are unbounded');
  });

  it('saturatedWarning with a shed share: bounded, the share to one decimal below 10%; event work alone wins over it', () => {
    expect(saturatedWarning({ station: 'db', utilization: 1.5, shed: 0.0512 })).toBe('unstable: db is saturated (ρ=1.50), but the excess is shed: 5.1% of requests failed fast (circuit breakers, timeouts) and the rest finished as fast as they arrived, so latencies stay bounded rather than growing with the run length');
    expect(saturatedWarning({ station: 'db', utilization: 1.5, shed: 0.5 })).toContain('shed: 50% of requests');
    expect(saturatedWarning({ station: 'q', utilization: 2, eventsOnly: true, shed: 0.5 })).toBe('unstable: q is saturated (ρ=2.00) by event work alone: its backlog of events grows without bound (no request waits on it, so request latencies stay bounded)');
  });

  it('shedShare: at least 1% errors and at least 98% of the arrivals carried, both edges', () => {
    expect(shedShare(0.01, 98, 100)).toBe(0.01);
    expect(shedShare(0.0099, 98, 100)).toBeUndefined();
    expect(shedShare(0.5, 97.99, 100)).toBeUndefined();
    expect(shedShare(0.5, 120, 100)).toBe(0.5);
  });

  it('fewer than 8 samples: no verdict', () => {
    expect(backlogTrend([0, 100, 200, 300, 400, 500, 600], 0)).toEqual({ growth: 0, noise: 0, growing: false });
  });

  it('a straight line from 0 by 100 a sample: growth 700 over 8 samples, no noise; growing below 2% of 35,000 arrivals, not at it', () => {
    const line = Array.from({ length: 8 }, (_, i) => 100 * i);
    expect(backlogTrend(line, 34_999)).toEqual({ growth: 700, noise: 0, growing: true });
    // 2% of 35,000 is 700 over the whole window, 300 over its second half, 100 over its last quarter: none beyond
    expect(backlogTrend(line, 35_000)).toEqual({ growth: 700, noise: 0, growing: false });
  });

  it('the end must be above twice the first half plus 20', () => {
    // first half mean 0, last 30: growing (30 > 20)
    expect(backlogTrend([0, 0, 0, 0, 10, 20, 30, 40], 0)).toEqual({ growth: 30, noise: 0, growing: true });
    // a high level that only rises a little: the end 140 is under 2 × 100 + 20
    expect(backlogTrend([100, 100, 100, 100, 110, 120, 130, 140], 0).growing).toBe(false);
  });

  it('a late hockey stick is caught on the last quarter, against 2% of the arrivals in that quarter (3/15 of the window)', () => {
    const stick = [...Array(12).fill(5), 5, 105, 205, 305];
    expect(backlogTrend(stick, 1000)).toEqual({ growth: 300, noise: 0, growing: true });
    expect(backlogTrend(stick, 10_000)).toEqual({ growth: 300, noise: 0, growing: true });
    expect(backlogTrend(stick, 74_999)).toEqual({ growth: 300, noise: 0, growing: true });
    // 0.02 × 75,000 × 3/15 = 300: not beyond
    expect(backlogTrend(stick, 75_000)).toEqual({ growth: 300, noise: 0, growing: false });
  });

  it('each bound at its boundary: the growth beyond 20 (plus 5σ), the end beyond twice the first half plus 20', () => {
    const line = (n: number, from: number, step: number) => Array.from({ length: n }, (_, i) => from + step * i);
    // 11 samples from −30 by 2: growth exactly 20, noise 0 (the end −10 is far above 2 × −25 + 20)
    expect(backlogTrend(line(11, -30, 2), 0)).toEqual({ growth: 20, noise: 0, growing: false });
    expect(backlogTrend(line(11, -45, 3), 0)).toEqual({ growth: 30, noise: 0, growing: true });
    // 0, 5, …, 35: the first half's mean (of samples 0–3) 7.5, the end 35 = 2 × 7.5 + 20
    expect(backlogTrend(line(8, 0, 5), 0)).toEqual({ growth: 35, noise: 0, growing: false });
    // 0, 10, …, 70: the first half 15, the end 70 > 50 (sample 4 is not in the first half: with it, 25 and 70 = 70)
    expect(backlogTrend(line(8, 0, 10), 0)).toEqual({ growth: 70, noise: 0, growing: true });
  });

  it('no window with a positive trend: the first verdict (growth 0, noise 0) stands, a later tie does not replace it', () => {
    // the whole window's slope is exactly 0 (noise √(200/6)); the second half and last quarter fall
    expect(backlogTrend([0, 10, 0, 10, 10, 0, 10, 0], 0)).toEqual({ growth: 0, noise: 0, growing: false });
  });

  it('a stable count: the largest growth of the three windows, not growing', () => {
    const b = backlogTrend([5, 3, 6, 4, 5, 7, 4, 5, 6, 3, 5], 10_000);
    expect(b.growing).toBe(false);
    expect(b.growth).toBeCloseTo(1 / 11, 12);
    expect(b.noise).toBeCloseTo(1.3177115148482372, 12);
  });
});
