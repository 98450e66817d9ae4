// figuresAtRate runs exactly the DES its note describes: on each of its three paths (a revisited
// station near saturation, a shared host, a load profile whose peak passes saturation) the result
// is the seeded DES of those inputs (the caller's seed, host and profile, three replications, the
// warm-up excluded), not the analytic figures and not another seed's or host's run. at-rate.test.ts
// checks the figures against a longer DES; this file checks which run they are, in about a second.
import { describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';
import { analyze } from '../../src/simulate/analytic.js';
import { figuresAtRate } from '../../src/simulate/at-rate.js';
import { compile } from '../../src/simulate/compile.js';
import { simulate } from '../../src/simulate/simulate.js';
import { workloadFor } from '../../src/simulate/workload.js';
import { fanout, queue } from './builder.js';

const latencies = (r: { operations: { id: string; latency: unknown }[] }) => r.operations.map((o) => [o.id, o.latency]);

describe('figuresAtRate: the DES it names, exactly', () => {
  it('a revisited station at ρ 0.8: the caller’s seed, 20 s measured after a 5 s warm-up, three replications', () => {
    const mix = { 'front.page': 1 };
    const bp = fanout({ callees: 4, front: 1, callee: 0.5 });
    const c = compile(bp, 'one');
    const rate = 0.8 * analyze(bp, 'one', { rate: 1, mix }).saturationThroughput;
    // 20,000 requests a replication take 20,000 / rate s; never under 20 s
    const measured = Math.max(20_000, (20_000 * 1000) / rate);
    const f = figuresAtRate(bp, 'one', rate, { compiled: c, mix, seed: 7 });
    const want = simulate(bp, 'one', { rate, compiled: c, mix, method: 'des', duration: 5000 + measured, warmup: 5000, seed: 7, replications: 3 });
    expect(f.result.method).toBe('des');
    expect(latencies(f.result)).toEqual(latencies(want));
    expect(f.result.workload.warmup).toBe(5000);
    // without a seed: seed 1, and other figures than seed 7's
    const one = figuresAtRate(bp, 'one', rate, { compiled: c, mix });
    expect(latencies(one.result)).toEqual(latencies(simulate(bp, 'one', { rate, compiled: c, mix, method: 'des', duration: 5000 + measured, warmup: 5000, seed: 1, replications: 3 })));
    expect(one.result.operations[0]!.latency.p95).not.toBe(f.result.operations[0]!.latency.p95);
  }, 60_000);

  it('a shared host: the DES on that host below its saturation, the analytic saturation (the host) past it', () => {
    // one unit of 2 workers, 10 ms a request: 200/s on its own instance, 100/s on one shared core
    const q = queue({ mean: 10, servers: 2 });
    const c = compile(q, 'one');
    const host = { cores: 1 };
    const f = figuresAtRate(q, 'one', 50, { compiled: c, host, seed: 3 });
    // 20,000 requests a replication at 50/s: 400 s measured
    const want = simulate(q, 'one', { rate: 50, compiled: c, host, method: 'des', duration: 405_000, warmup: 5000, seed: 3, replications: 3 });
    expect(f.result.method).toBe('des');
    expect(latencies(f.result)).toEqual(latencies(want));
    expect(f.note).toBe("one at 50/s: latencies from the DES (60000 simulated requests in 3 replications, seed 3), not the analytic method: on a host of 1 core shared by every process, where the analytic method's host model is an approximation (−33% to +62% on the mean against the DES)");
    // on their own instance the two workers would not even notice 50/s: the host's run is slower
    expect(f.result.operations[0]!.latency.mean).toBeGreaterThan(analyze(q, 'one', { rate: 50 }).operations[0]!.latency.mean);
    // at 120/s the one core is past saturation (the instance's 200/s is not): analytic, the host named
    const over = figuresAtRate(q, 'one', 120, { compiled: c, host });
    expect(over.result.method).toBe('analytic');
    expect(over.result.saturated?.station).toBe('host');
    expect(over.note).toBeUndefined();
  }, 60_000);

  it('a load profile whose peak passes saturation: the DES of the profile over the workload’s duration, with the caller’s seed', () => {
    const parsed = parseBlueprint(
      `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: spike }
system:
  domains:
    web:
      tables: []
      operations: { page: { route: GET /, cpu: { dist: exp, mean: 5ms } } }
layouts:
  one:
    units: { web: { domains: "*", port: 80 } }
workload:
  profile: { kind: spike, base: 20/s, peak: 400/s, at: 5s, for: 2s }
  duration: 15s
  mix: { web.page: 1 }
`,
      'spike.yaml',
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const bp = parsed.blueprint;
    const w = workloadFor(bp);
    if (w.kind !== 'open' || !w.profile) throw new Error('an open workload with a profile');
    const c = compile(bp, 'one');
    const f = figuresAtRate(bp, 'one', w.rate!, { compiled: c, profile: w.profile, seed: 5 });
    const want = simulate(bp, 'one', { rate: w.rate!, compiled: c, profile: w.profile, method: 'des', seed: 5, replications: 3 });
    expect(f.result.method).toBe('des');
    expect(latencies(f.result)).toEqual(latencies(want));
    expect(f.note).toMatch(/^one: latencies from the DES running the load profile over the workload's 15 s \(\d+ simulated requests in 3 replications, seed 5\), not the analytic method's at the profile's mean rate of /);
    // the line the peak builds: far above the analytic figures at the mean rate
    expect(f.result.operations[0]!.latency.p95).toBeGreaterThan(10 * analyze(bp, 'one', { rate: w.rate!, compiled: c }).operations[0]!.latency.p95);
  }, 60_000);
});
