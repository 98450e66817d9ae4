// The DES's every path, pinned bit for bit in runs short enough for mutation testing.
//
// pinned.test.ts pins the engine on runs of 5,000–10,000 requests in one test; under Stryker's
// instrumentation (a function call around every expression of the engine's hot loops) that one
// test takes 15–25 s, paid by every mutant of src/simulate/des/: hours for its 1,300 mutants. Here
// each case is its own test (Stryker runs only the cases that reach a mutant, and stops at the
// first that fails) and a few hundred to two thousand requests long, with the same paths: FCFS
// stations under each balancing policy, the PS pool (a PS unit, the shared host, its idle slowdown
// and cold visits), constant-delay lanes, spawned event work, closed users, an extra load stream
// with a profile, faults (down and slow), timeouts, retries with backoff, optional calls, a circuit
// breaker, autoscaling with a short period, the client timeout, progress reports. Each case's
// digest covers every number runDes returns (as float64 bits) and sits in this file's snapshot
// beside a few readable figures; a deliberate change of the model regenerates it with
// `npx vitest run test/simulate/des-short-pinned.test.ts -u`, said in the commit, as for
// pinned.test.ts.
import { describe, expect, it } from 'vitest';
import { loadBlueprint } from '../../src/io/load.js';
import type { Blueprint } from '../../src/model/schema.js';
import { ColdVisit } from '../../src/simulate/cold-visit.js';
import { compile } from '../../src/simulate/compile.js';
import { runDes, type DesOptions, type DesRaw } from '../../src/simulate/des/engine.js';
import { parseScenario, resolveScenario, scenarioCompileOptions, type Scenario } from '../../src/simulate/scenario.js';
import { workloadFor, type WorkloadOptions } from '../../src/simulate/workload.js';
import { network } from './builder.js';
import { digest } from './des-digest.js';

const { blueprint: qc } = loadBlueprint('blueprints/quantchat.yaml');

const scenario = (lines: string[]): Scenario => {
  const r = parseScenario(lines.join('\n'), 'short.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.scenario;
};

/** A run: the engine's own options (DesOptions), a blueprint's layout and workload, a scenario. */
interface Case extends Omit<DesOptions, 'scenario' | 'onProgress'> {
  name: string;
  bp: Blueprint;
  layout: string;
  w: WorkloadOptions;
  sc?: Scenario;
}

// The steps simulate() takes to reach runDes (as pinned.test.ts); progress reports counted.
function run(k: Case): { raw: DesRaw; progress: number[] } {
  const scOpts = k.sc ? scenarioCompileOptions(k.bp, k.layout, k.sc) : undefined;
  if (scOpts?.problems.length) throw new Error(JSON.stringify(scOpts.problems));
  const c = compile(k.bp, k.layout, { ...scOpts?.options });
  const resolved = k.sc ? resolveScenario(k.bp, c, k.sc) : undefined;
  if (resolved && !resolved.ok) throw new Error(JSON.stringify(resolved.problems));
  const w = workloadFor(k.bp, { ...(resolved?.ok ? resolved.value.workload : {}), ...k.w });
  const progress: number[] = [];
  const o: DesOptions = {
    seed: k.seed,
    onProgress: (f) => progress.push(f),
    ...(k.balance ? { balance: k.balance } : {}),
    ...(k.hostCores ? { hostCores: k.hostCores } : {}),
    ...(k.hostIdleSlowdown !== undefined ? { hostIdleSlowdown: k.hostIdleSlowdown } : {}),
    ...(k.coldVisit ? { coldVisit: k.coldVisit } : {}),
    ...(k.coldVisitDb ? { coldVisitDb: k.coldVisitDb } : {}),
    ...(k.autoscalePeriod ? { autoscalePeriod: k.autoscalePeriod } : {}),
    ...(resolved?.ok ? { scenario: resolved.value.des } : {}),
  };
  return { raw: runDes(c, w, o), progress };
}


/** A unit whose operation also waits on something outside (an exponential wait: a sampled delay, not a lane). */
function withWait(): Blueprint {
  const bp = network([{ servers: 2, mean: 4 }]);
  const op = bp.system.domains['a']!.operations['op']!;
  op.wait = { ...op.cpu! };
  return bp;
}

const cold = ColdVisit.parse({ gapMs: [1, 10, 100], extraMs: [0.1, 0.4, 0.9], workFactor: [0, 0.5, 1] });

const cases: Case[] = [
  { name: 'microservices, 800 requests', bp: qc, layout: 'microservices', w: { rate: 200, requests: 800 }, seed: 1 },
  { name: 'monolith with a warm-up', bp: qc, layout: 'monolith', w: { rate: 300, duration: 2500, warmup: 500 }, seed: 2 },
  { name: 'strangler-relay', bp: qc, layout: 'strangler-relay', w: { rate: 250, duration: 2500, warmup: 500 }, seed: 3 },
  { name: 'round robin', bp: qc, layout: 'microservices', w: { rate: 300, duration: 2000 }, seed: 4, balance: 'round-robin' },
  { name: 'random balance', bp: qc, layout: 'microservices', w: { rate: 300, duration: 2000 }, seed: 5, balance: 'random' },
  { name: 'least connections', bp: qc, layout: 'microservices', w: { rate: 300, duration: 2000 }, seed: 14, balance: 'least-connections' },
  { name: 'shared host (PS pool)', bp: qc, layout: 'microservices', w: { rate: 150, duration: 3000 }, seed: 6, hostCores: 2 },
  { name: 'shared host, idle slowdown and cold visits', bp: qc, layout: 'microservices', w: { rate: 120, duration: 3000, warmup: 500 }, seed: 15, hostCores: 2, hostIdleSlowdown: 0.5, coldVisit: cold, coldVisitDb: cold },
  { name: 'cold visits on dedicated machines', bp: qc, layout: 'modular-monolith', w: { rate: 100, duration: 3000 }, seed: 16, coldVisit: cold },
  { name: 'PS units with replicas', bp: network([{ discipline: 'ps', servers: 2, replicas: 3, dist: 'lognormal', cv: 2 }, { servers: 2, replicas: 2, dist: 'const' }], { latency: 1 }), layout: 'one', w: { rate: 400, duration: 2000, mix: { 'a.op': 1 } }, seed: 7 },
  { name: 'an overloaded FCFS station', bp: network([{ servers: 1, mean: 10 }]), layout: 'one', w: { rate: 130, duration: 2000, mix: { 'a.op': 1 } }, seed: 17 },
  { name: 'closed users', bp: qc, layout: 'modular-monolith', w: { users: 40, thinkTime: { dist: 'exp', mean: 100, cv: 1 }, duration: 3000 }, seed: 8 },
  { name: 'spike profile', bp: qc, layout: 'microservices', w: { rate: 100, profile: { kind: 'spike', base: 100, peak: 400, at: 1000, for: 1000 }, duration: 3000 }, seed: 9 },
  {
    name: 'database down, client timeout',
    bp: qc,
    layout: 'microservices',
    w: { rate: 150 },
    seed: 10,
    sc: scenario(['name: db', 'workload: { duration: 5s, warmup: 500ms }', 'failures:', '  - { storeOf: messages, at: 2s, for: 1500ms }', 'clientTimeout: 300ms']),
  },
  {
    name: 'media leak, resilient (timeouts, optional, breaker)',
    bp: qc,
    layout: 'microservices',
    w: { rate: 150 },
    seed: 11,
    sc: scenario([
      'name: leak',
      'workload: { duration: 8s, warmup: 500ms }',
      'failures:',
      '  - { domain: media, at: 1500ms, for: 1500ms, slow: 4 }',
      '  - { domain: media, at: 3s, for: 3s, down: true }',
      'calls:',
      '  media.resolve:',
      '    optional: true',
      '    timeout: 50ms',
      '    circuitBreaker: { failureThreshold: 50%, window: 1s, minCalls: 5, openFor: 1s }',
      'clientTimeout: 2s',
    ]),
  },
  {
    name: 'messaging spike, autoscaled',
    bp: qc,
    layout: 'microservices',
    w: { rate: 100 },
    seed: 12,
    autoscalePeriod: 500,
    sc: scenario([
      'name: spike',
      'workload: { duration: 8s, warmup: 500ms }',
      'load:',
      '  - { at: 1s, for: 5s, rate: 300/s, mix: { messages.conversation: 1 } }',
      'autoscale:',
      '  messages: { min: 1, max: 4, targetUtilization: 30%, scaleUpDelay: 1s, coldStart: 500ms }',
      'clientTimeout: 1s',
    ]),
  },
  {
    name: 'retries with backoff under timeouts',
    bp: qc,
    layout: 'microservices',
    w: { rate: 150 },
    seed: 13,
    sc: scenario([
      'name: retries',
      'workload: { duration: 5s, warmup: 500ms }',
      'failures:',
      '  - { domain: media, at: 1s, for: 1500ms, slow: 6 }',
      '  - { domain: media, at: 3s, for: 1s }',
      'calls:',
      '  media.resolve: { timeout: 40ms, retries: 2, backoff: 20ms }',
      'clientTimeout: 1s',
    ]),
  },
  // Added after the first mutation run of des/ (2026-12-02), for paths no case above took:
  // cold visits and a slow fault inside a PS unit's own pool, a crash at a station with a queue, a
  // sampled (not constant) delay.
  {
    name: 'PS unit with cold visits, slowed',
    bp: network([{ discipline: 'ps', servers: 2, replicas: 2, mean: 5 }], { latency: 1 }),
    layout: 'one',
    w: { rate: 60 },
    seed: 18,
    coldVisit: cold,
    sc: scenario(['name: slow-ps', 'workload: { duration: 3s, warmup: 200ms }', 'failures:', '  - { domain: a, at: 1s, for: 1s, slow: 3 }']),
  },
  {
    name: 'a crash at a station with a queue',
    bp: network([{ servers: 1, mean: 10 }, { servers: 1, mean: 2 }]),
    layout: 'one',
    w: { rate: 95, mix: { 'a.op': 1 } },
    seed: 19,
    sc: scenario(['name: crash', 'workload: { duration: 3s }', 'failures:', '  - { domain: a, at: 1s, for: 300ms, down: true }', '  - { domain: b, at: 2s, for: 300ms, down: true }', 'clientTimeout: 1s']),
  },
  { name: 'a sampled wait', bp: withWait(), layout: 'one', w: { rate: 200, duration: 1500, mix: { 'a.op': 1 } }, seed: 20 },
  // Timeouts that fire (the callee's work goes on detached, nested two deep), a retry after one,
  // an optional call behind a breaker that opens; and a PS unit past saturation (a pool of more
  // than 64 jobs: its heap grows and sifts).
  {
    name: 'timeouts that fire, nested, with a retry and an optional call behind a breaker',
    bp: network([{ servers: 2, mean: 2 }, { servers: 1, mean: 8 }, { servers: 1, mean: 8 }]),
    layout: 'one',
    w: { rate: 70, mix: { 'a.op': 1 } },
    seed: 21,
    sc: scenario([
      'name: timeouts',
      'workload: { duration: 3s, warmup: 200ms }',
      'calls:',
      '  b.op: { timeout: 15ms, retries: 1, backoff: 5ms }',
      '  c.op:',
      '    timeout: 10ms',
      '    optional: true',
      '    circuitBreaker: { failureThreshold: 50%, window: 500ms, minCalls: 5, openFor: 200ms }',
      'clientTimeout: 100ms',
    ]),
  },
  // 'messaging spike, autoscaled' above never left its 3 starting replicas (the mutation run
  // found allocated = min(max, start) surviving): here the target is low enough to scale out to the
  // max during the spike and back in after it, on every autoscaler period.
  {
    name: 'an autoscaled unit that scales out and in',
    bp: qc,
    layout: 'microservices',
    w: { rate: 50 },
    seed: 23,
    autoscalePeriod: 250,
    sc: scenario([
      'name: scale',
      'workload: { duration: 6s, warmup: 200ms }',
      'load:',
      '  - { at: 500ms, for: 2500ms, rate: 400/s, mix: { messages.conversation: 1 } }',
      'autoscale:',
      '  messages: { min: 1, max: 6, targetUtilization: 5%, scaleUpDelay: 300ms, coldStart: 200ms }',
    ]),
  },
  { name: 'an overloaded PS unit', bp: network([{ discipline: 'ps', servers: 1, mean: 10 }]), layout: 'one', w: { rate: 150, duration: 2000, mix: { 'a.op': 1 } }, seed: 22 },
];

describe('the DES is bit-for-bit what it was for a seed, in short runs', () => {
  for (const k of cases)
    it(k.name, () => {
      const { raw, progress } = run(k);
      const ops = raw.opIds.map((id, i) => [id, raw.count[i], raw.errors[i], raw.sum[i]] as const).filter(([, n]) => n! > 0);
      expect({
        digest: digest(raw),
        events: raw.events,
        requests: raw.requests,
        measured: raw.measured,
        unfinished: raw.unfinished,
        rejected: raw.rejected,
        // Full-precision sums: a change in the last bit shows here too, readably.
        ops: Object.fromEntries(ops.map(([id, n, e, s]) => [id, { n, errors: e, latencySum: s }])),
        progress: { reports: progress.length, first: progress[0], last: progress.at(-1) },
      }).toMatchSnapshot();
    });
});
