// The DES is bit-for-bit deterministic for a seed, and speed work must not change what it
// computes. Each case below runs the engine (runDes, below simulate()'s 6-digit rounding) and
// pins a digest of everything it returns — every counter, time-integral and histogram bucket,
// as raw float64 bits — plus a few readable figures, against golden/des-pinned.json.
//
// The cases cover every path a token can take: FCFS stations and each balancing policy, the PS
// pool (a PS unit, and the shared host), the constant-delay lanes, spawned event work, closed
// users, extra load streams with a profile, faults (down and slow), timeouts, retries with
// backoff, optional calls, circuit breakers, autoscaling and the client timeout.
//
// The golden file changes only with a deliberate change of the model (compile.ts, the workload,
// the order of random draws): then regenerate it with `npx vitest run test/simulate/pinned.test.ts -u`
// and say why in the commit. A faster engine must leave it as it is.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadBlueprint } from '../../src/io/load.js';
import type { Blueprint } from '../../src/model/schema.js';
import { compile } from '../../src/simulate/compile.js';
import { runDes, type DesOptions, type DesRaw } from '../../src/simulate/des/engine.js';
import { parseScenario, resolveScenario, scenarioCompileOptions, type Scenario } from '../../src/simulate/scenario.js';
import type { Balance } from '../../src/simulate/types.js';
import { workloadFor, type WorkloadOptions } from '../../src/simulate/workload.js';
import { network } from './builder.js';
import { digest } from './des-digest.js';

const { blueprint: qc } = loadBlueprint('blueprints/quantchat.yaml');

const scenario = (text: string): Scenario => {
  const r = parseScenario(text, 'pinned.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.scenario;
};
const bundled = (name: string) => scenario(readFileSync(`scenarios/${name}.yaml`, 'utf8'));

interface Case {
  name: string;
  bp: Blueprint;
  layout: string;
  w: WorkloadOptions;
  seed: number;
  balance?: Balance;
  hostCores?: number;
  sc?: Scenario;
}

// The same steps as simulate() takes to reach runDes.
function run(k: Case): DesRaw {
  const scOpts = k.sc ? scenarioCompileOptions(k.bp, k.layout, k.sc) : undefined;
  if (scOpts?.problems.length) throw new Error(JSON.stringify(scOpts.problems));
  const c = compile(k.bp, k.layout, { ...scOpts?.options });
  const resolved = k.sc ? resolveScenario(k.bp, c, k.sc) : undefined;
  if (resolved && !resolved.ok) throw new Error(JSON.stringify(resolved.problems));
  const w = workloadFor(k.bp, { ...(resolved?.ok ? resolved.value.workload : {}), ...k.w });
  const o: DesOptions = { seed: k.seed, ...(k.balance ? { balance: k.balance } : {}), ...(k.hostCores ? { hostCores: k.hostCores } : {}), ...(resolved?.ok ? { scenario: resolved.value.des } : {}) };
  return runDes(c, w, o);
}


const cases: Case[] = [
  // The benchmark's run, shortened.
  { name: 'quantchat microservices, 20k requests', bp: qc, layout: 'microservices', w: { rate: 200, requests: 20_000 }, seed: 1 },
  { name: 'quantchat monolith', bp: qc, layout: 'monolith', w: { rate: 300, duration: 20_000, warmup: 2000 }, seed: 2 },
  { name: 'quantchat strangler-relay', bp: qc, layout: 'strangler-relay', w: { rate: 250, duration: 20_000, warmup: 2000 }, seed: 3 },
  { name: 'round robin', bp: qc, layout: 'microservices', w: { rate: 300, duration: 15_000 }, seed: 4, balance: 'round-robin' },
  { name: 'random balance', bp: qc, layout: 'microservices', w: { rate: 300, duration: 15_000 }, seed: 5, balance: 'random' },
  { name: 'shared host (PS pool)', bp: qc, layout: 'microservices', w: { rate: 150, duration: 15_000 }, seed: 6, hostCores: 2 },
  { name: 'PS units with replicas', bp: network([{ discipline: 'ps', servers: 2, replicas: 3, dist: 'lognormal', cv: 2 }, { servers: 2, replicas: 2, dist: 'const' }], { latency: 1 }), layout: 'one', w: { rate: 400, duration: 20_000, mix: { 'a.op': 1 } }, seed: 7 },
  { name: 'closed users', bp: qc, layout: 'modular-monolith', w: { users: 40, thinkTime: { dist: 'exp', mean: 100, cv: 1 }, duration: 20_000 }, seed: 8 },
  { name: 'spike profile', bp: qc, layout: 'microservices', w: { rate: 100, profile: { kind: 'spike', base: 100, peak: 400, at: 5000, for: 5000 }, duration: 15_000 }, seed: 9 },
  { name: 'database failure', bp: qc, layout: 'microservices', w: { rate: 200 }, seed: 10, sc: bundled('database-failure') },
  { name: 'media leak, resilient (timeouts, optional, breaker)', bp: qc, layout: 'microservices', w: { rate: 200 }, seed: 11, sc: bundled('media-memory-leak-resilient') },
  { name: 'messaging spike, autoscaled', bp: qc, layout: 'microservices', w: { rate: 200 }, seed: 12, sc: bundled('messaging-spike-autoscale') },
  {
    name: 'retries with backoff under timeouts',
    bp: qc,
    layout: 'microservices',
    w: { rate: 200 },
    seed: 13,
    sc: scenario(
      [
        'name: retries',
        'workload: { duration: 30s, warmup: 2s }',
        'failures:',
        '  - { domain: media, at: 8s, for: 6s, slow: 6 }',
        '  - { domain: media, at: 18s, for: 4s }',
        'calls:',
        '  media.resolve: { timeout: 40ms, retries: 2, backoff: 20ms }',
        'clientTimeout: 1s',
      ].join('\n'),
    ),
  },
];

describe('the DES is bit-for-bit what it was for a seed', () => {
  it('every pinned case gives the golden digest', async () => {
    const out: Record<string, unknown> = {};
    for (const k of cases) {
      const raw = run(k);
      const ops = raw.opIds.map((id, i) => [id, raw.count[i], raw.sum[i]] as const).filter(([, n]) => n! > 0);
      out[k.name] = {
        digest: digest(raw),
        events: raw.events,
        requests: raw.requests,
        errors: raw.errors.reduce((s, x) => s + x, 0),
        // Full-precision sums: a change in the last bit shows here too, readably.
        latencySum: Object.fromEntries(ops.map(([id, , s]) => [id, s])),
      };
    }
    await expect(`${JSON.stringify(out, null, 2)}\n`).toMatchFileSnapshot('golden/des-pinned.json');
  });

  it('a different seed gives a different digest (the digest sees the run)', () => {
    const k = cases[0]!;
    expect(digest(run({ ...k, seed: 2 }))).not.toBe(digest(run(k)));
  });
});
