// A crash drops the requests queued at every replica of the station, not only its first: worked by
// hand on two replicas of one server each, round robin, a constant 100 ms of work, 40 requests a
// second evenly spaced (each replica offered twice what it serves, so both have a queue).
import { expect, it } from 'vitest';
import { compile } from '../../src/simulate/compile.js';
import { runDes } from '../../src/simulate/des/engine.js';
import { parseScenario, resolveScenario, scenarioCompileOptions } from '../../src/simulate/scenario.js';
import { workloadFor } from '../../src/simulate/workload.js';
import { network } from './builder.js';

it('a crash at 1 s fails the queues of both replicas; only the two requests in service finish', () => {
  const bp = network([{ servers: 1, replicas: 2, dist: 'const', mean: 100 }]);
  const parsed = parseScenario(['name: crash', 'workload: { duration: 2s, warmup: 0ms }', 'failures:', '  - { domain: a, at: 1s, for: 1s, down: true }'].join('\n'), 'crash.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const opts = scenarioCompileOptions(bp, 'one', parsed.scenario);
  const c = compile(bp, 'one', { ...opts.options });
  const resolved = resolveScenario(bp, c, parsed.scenario);
  if (!resolved.ok) throw new Error(JSON.stringify(resolved.problems));
  const w = workloadFor(bp, { ...resolved.value.workload, rate: 40, arrivals: 'paced', mix: { 'a.op': 1 } });
  for (const seed of [1, 2, 3]) {
    const raw = runDes(c, w, { seed, balance: 'round-robin', scenario: resolved.value.des });
    // 80 arrivals (one every 25 ms from a random phase under 25 ms), 40 before the crash, 20 a replica.
    // Each replica finished 9 by then and has a 10th in service (which finishes): 10 queued at each
    // fail at the crash, and the 40 arriving while it is down fail at once.
    expect(raw.requests, `seed ${seed}`).toBe(80);
    expect(raw.errors[0], `seed ${seed}`).toBe(60);
    expect(raw.count[0]! - raw.errors[0]!, `seed ${seed}`).toBe(20);
  }
});
