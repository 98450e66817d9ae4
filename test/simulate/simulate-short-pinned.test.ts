// simulate() (src/simulate/simulate.ts: the DES's raw figures turned into a SimulationResult,
// replications combined with their 95% intervals, the warnings, the budget) pinned on runs of a few
// hundred requests, one test each, so that a mutation run pays milliseconds per mutant (engine.test.ts
// and the other DES tests run thousands of requests). Each whole result is in this file's snapshot
// (rounded to 6 digits by tidy(), as the CLI prints it); the budget's and tidy()'s edges are exact
// here. A deliberate change of the model regenerates the snapshot with
// `npx vitest run test/simulate/simulate-short-pinned.test.ts -u`, said in the commit.
import { describe, expect, it } from 'vitest';
import { loadBlueprint } from '../../src/io/load.js';
import { ColdVisit } from '../../src/simulate/cold-visit.js';
import { parseScenario, type Scenario } from '../../src/simulate/scenario.js';
import type { Compiled } from '../../src/simulate/compile.js';
import { checkDesBudget, ScenarioError, simulate, tidy, wordsPerRequest } from '../../src/simulate/simulate.js';
import type { WorkloadSpec } from '../../src/simulate/types.js';
import { WorkloadError } from '../../src/simulate/workload.js';
import { network } from './builder.js';

const { blueprint: qc } = loadBlueprint('blueprints/quantchat.yaml');

const scenario = (lines: string[]): Scenario => {
  const r = parseScenario(lines.join('\n'), 'short.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.scenario;
};

const faults = scenario([
  'name: short-faults',
  'workload: { duration: 4s, warmup: 500ms }',
  'failures:',
  '  - { description: media slow, domain: media, at: 1s, for: 1s, slow: 5 }',
  '  - { description: messages database down, storeOf: messages, at: 2500ms, for: 1s }',
  'autoscale:',
  '  messages: { min: 1, max: 3, targetUtilization: 30%, scaleUpDelay: 1s, coldStart: 500ms }',
  'clientTimeout: 500ms',
]);

describe('simulate() on short runs, whole results pinned', () => {
  it('one replication of the microservices layout, with a target rate and progress', () => {
    const progress: [number, number][] = [];
    const r = simulate(qc, 'microservices', { rate: 200, duration: 2000, warmup: 500, seed: 7, targetRate: 1000, onProgress: (f, i) => progress.push([f, i]) });
    expect(r).toMatchSnapshot();
    expect(progress.length).toBeGreaterThanOrEqual(100);
    expect(progress.every(([, i]) => i === 0)).toBe(true);
  });

  it('three replications: means, summed counts and 95% intervals', () => {
    const reps: number[] = [];
    const r = simulate(qc, 'monolith', { rate: 250, duration: 1500, seed: 3, replications: 3, onProgress: (_f, i) => reps.push(i) });
    expect(r.replications).toBe(3);
    expect([...new Set(reps)]).toEqual([0, 1, 2]);
    expect(r).toMatchSnapshot();
  });

  it('a scenario: fault windows, an autoscaled unit, the scenario named and its hits warned', () => {
    const r = simulate(qc, 'microservices', { rate: 120, seed: 11, scenario: faults });
    expect(r.scenario).toBe('short-faults');
    expect(r.faults?.map((f) => f.failure)).toEqual(['media slow', 'messages database down']);
    expect(r).toMatchSnapshot();
  });

  it('a shared host (idle slowdown, cold visits) and closed users', () => {
    const cold = ColdVisit.parse({ gapMs: [1, 10, 100], extraMs: [0.1, 0.4, 0.9] });
    const r = simulate(qc, 'modular-monolith', { users: 20, thinkTime: { dist: 'exp', mean: 50, cv: 1 }, duration: 2000, seed: 5, host: { cores: 2, idleSlowdown: 0.5, coldVisit: cold, coldVisitDb: cold } });
    expect(r.host?.cores).toBe(2);
    expect(r).toMatchSnapshot();
  });

  it('past saturation: the offered load names the station, demands per request from the visits', () => {
    const r = simulate(network([{ servers: 1, mean: 10 }, { servers: 2, mean: 5 }]), 'one', { rate: 150, duration: 2000, mix: { 'a.op': 1 }, seed: 2 });
    expect(r.saturated?.by).toBe('offered load');
    expect(r.saturated?.station).toBe('ua');
    expect(r).toMatchSnapshot();
  });

  it('round robin over replicas, with a network delay', () => {
    const r = simulate(network([{ servers: 1, replicas: 3, mean: 4 }, { servers: 2, mean: 2 }], { latency: 2 }), 'one', { rate: 300, duration: 1500, mix: { 'a.op': 1 }, seed: 4, balance: 'round-robin' });
    // One call from ua to ub, 2 ms each way: the network's demand is the 4 ms there and back.
    expect(r.stations.at(-1)).toMatchObject({ id: 'network', kind: 'network', demandPerRequest: 4 });
    expect(r).toMatchSnapshot();
  });

  it('the analytic method ignores a scenario, and says so', () => {
    const r = simulate(qc, 'microservices', { method: 'analytic', rate: 100, scenario: faults });
    expect(r.method).toBe('analytic');
    expect(r.warnings).toContain('scenario "short-faults" needs the DES method; the analytic result ignores it');
    expect(r).toMatchSnapshot();
  });

  it('a scenario that names no unit of the layout is a ScenarioError with its problems', () => {
    const bad = scenario(['name: bad', 'failures:', '  - { domain: nosuch, at: 1s, for: 1s }']);
    let err: unknown;
    try {
      simulate(qc, 'microservices', { rate: 10, duration: 1000, scenario: bad });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).kind).toBe('usage');
    expect((err as ScenarioError).problems.map((p) => p.path)).toEqual([['failures', 0, 'domain']]);
    expect((err as ScenarioError).detail).toEqual({ scenarioProblems: (err as ScenarioError).problems });
    expect((err as ScenarioError).message).toBe((err as ScenarioError).problems.map((p) => `${p.path.join('.')}: ${p.message}`).join('; '));
  });
});

describe('the DES budget and tidy(), at their edges', () => {
  const open = (rate: number, duration: number, requests?: number): WorkloadSpec => ({ kind: 'open', rate, duration, warmup: 0, mix: { x: 1 }, ...(requests !== undefined ? { requests } : {}) }) as WorkloadSpec;
  const closed = (users: number, duration: number, mean?: number): WorkloadSpec =>
    ({ kind: 'closed', users, duration, warmup: 0, mix: { x: 1 }, ...(mean !== undefined ? { thinkTime: { dist: 'exp', mean, cv: 1 } } : {}) }) as WorkloadSpec;

  it('1000 replications pass, 1001 are refused', () => {
    expect(() => checkDesBudget(open(1, 1000), 1000)).not.toThrow();
    expect(() => checkDesBudget(open(1, 1000), 1001)).toThrow(new WorkloadError('at most 1000 replications, got 1001'));
  });

  it('1e10 ms of simulated time pass, a millisecond more is refused in whole seconds', () => {
    expect(() => checkDesBudget(open(0.001, 1e10), 1)).not.toThrow();
    expect(() => checkDesBudget(open(0.001, 1e10 + 1), 1)).toThrow(new WorkloadError('the simulated duration 10000000s is over the maximum of 10000000s (about 116 days)'));
  });

  it('20,000,000 requests pass, more are refused with the figures', () => {
    const msg = (n: string) => `this simulation would process about ${n} requests, over the DES budget of 20,000,000; shorten --duration, lower --rate or --replications, or use --method analytic`;
    expect(() => checkDesBudget(open(1000, 20_000_000), 1)).not.toThrow();
    expect(() => checkDesBudget(open(1000, 20_000_001), 1)).toThrow(new WorkloadError(msg('20,000,001')));
    expect(() => checkDesBudget(open(1000, 10_000_000), 2)).not.toThrow();
    expect(() => checkDesBudget(open(1000, 10_000_001), 2)).toThrow(new WorkloadError(msg('20,000,002')));
    // A request count wins over rate × duration.
    expect(() => checkDesBudget(open(1e6, 1e9, 20_000_000), 1)).not.toThrow();
    expect(() => checkDesBudget(open(1, 1000, 20_000_001), 1)).toThrow(new WorkloadError(msg('20,000,001')));
    // Closed: users × duration / think time (1 s when none, at least 1 ms).
    expect(() => checkDesBudget(closed(1000, 20_000_000), 1)).not.toThrow();
    expect(() => checkDesBudget(closed(1000, 20_000_001), 1)).toThrow(new WorkloadError(msg('20,000,001')));
    expect(() => checkDesBudget(closed(1, 20_000_000, 1), 1)).not.toThrow();
    expect(() => checkDesBudget(closed(1, 20_000_001, 1), 1)).toThrow(new WorkloadError(msg('20,000,001')));
    expect(() => checkDesBudget(closed(1, 20_000_001, 0.5), 1)).toThrow(new WorkloadError(msg('20,000,001')));
    expect(() => checkDesBudget(closed(2, 20_000_000, 0.5), 1)).toThrow(new WorkloadError(msg('40,000,000')));
  });

  it('a billion program words pass, more are refused with the requests, the words and the budget', () => {
    const msg = (n: string, words: string) =>
      `this simulation would run about ${n} requests of ${words} program words each, over the DES budget of 1,000,000,000 words (50 a request over the request budget); shorten --duration, lower --rate or --replications, or use --method analytic`;
    expect(() => checkDesBudget(open(1000, 1_000_000), 1, 1000)).not.toThrow();
    expect(() => checkDesBudget(open(1000, 1_000_000), 1, 1000.5)).toThrow(new WorkloadError(msg('1,000,000', '1,001')));
    expect(() => checkDesBudget(open(1000, 500_000), 2, 1000.5)).toThrow(new WorkloadError(msg('1,000,000', '1,001')));
    expect(() => checkDesBudget(open(1000, 1_000_000), 1)).not.toThrow();
  });

  it("wordsPerRequest: each operation's program length by its share of the mix, operations with no program left out", () => {
    const c = { entry: new Map([['a', 0], ['b', 1]]), programs: [{ code: new Int32Array(10) }, { code: new Int32Array(30) }] } as unknown as Compiled;
    expect(wordsPerRequest(c, { ...open(1, 1000), mix: { a: 0.25, b: 0.75, gone: 1 } } as WorkloadSpec)).toBe(25);
  });

  it('tidy keeps integers and infinities, rounds the rest to 6 significant digits, deep', () => {
    expect(tidy(1234567)).toBe(1234567);
    expect(tidy(Infinity)).toBe(Infinity);
    expect(tidy(Number.NaN)).toBeNaN();
    expect(tidy(1.23456789)).toBe(1.23457);
    expect(tidy(0.000123456789)).toBe(0.000123457);
    expect(tidy({ a: [1.23456789, { b: 2.5, c: 'x' }], d: null, e: true })).toEqual({ a: [1.23457, { b: 2.5, c: 'x' }], d: null, e: true });
    const f = new Float64Array([1.23456789]);
    expect(tidy({ f }).f).toBe(f);
  });
});
