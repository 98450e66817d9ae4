// Machine and text outputs say how their figures were obtained: `sweep --json` had only layout,
// method, points, knee and saturationThroughput (no seed, run length, warm-up or replications,
// none in the text header either, and not the "unstable" note the text printed); `compare --json`
// had no seed for its fault runs; sweep's `p95` did not say it is the slowest operation's. In this
// process from the sources; the DES points of sweep run in this thread (the worker pool loads the
// build).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runAction } from '../helpers/in-process.js';
import type { SimulationResult } from '../../src/simulate/types.js';

const ran = vi.hoisted(() => ({ results: [] as SimulationResult[] }));
vi.mock('../../src/cli/sim-pool.js', async () => {
  const { simulate } = await import('../../src/simulate/simulate.js');
  return {
    runPool: async (bp: never, jobs: { layout: string; options: never }[]) => {
      const out = jobs.map((j) => simulate(bp, j.layout, j.options));
      ran.results.push(...out);
      return out;
    },
  };
});

const { action: sweep } = await import('../../src/cli/actions/sweep.js');
const { action: compare } = await import('../../src/cli/actions/compare.js');
const { action: simulate } = await import('../../src/cli/actions/simulate.js');
const { SWEEP_P95_OF } = await import('../../src/cli/provenance.js');

const dir = mkdtempSync(join(tmpdir(), 'archsim-provenance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// app: 1 ms + 2 ms on one server per request of the mix (browse 3 : buy 1), db alike: the
// mix saturates somewhere around 300/s; 1000/s is past it.
const bpFile = join(dir, 'shop.yaml');
writeFileSync(
  bpFile,
  `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop }
system:
  domains:
    shop:
      tables: [orders]
      operations:
        browse: { route: GET /browse, cpu: 1ms, db: { reads: 1 } }
        buy: { route: POST /buy, cpu: 4ms, db: { writes: 1 } }
layouts:
  one:
    units: { app: { domains: "*", port: 8080, instance: box } }
    datastores: { db: { engine: postgres, tables: "*", instance: box } }
workload: { rate: 50/s, duration: 4s, warmup: 1s, mix: { shop.browse: 3, shop.buy: 1 } }
catalog:
  box: { vcpu: 1, usdPerMonth: $100 }
`,
);
const down = join(dir, 'db-down.yaml');
writeFileSync(down, 'name: db-down\nfailures:\n  - { description: db down, storeOf: shop, at: 2s, for: 1s }\n');
const short = join(dir, 'short.yaml');
writeFileSync(short, 'name: short\nworkload: { duration: 3s, warmup: 0s }\nfailures:\n  - { description: app slow, domain: shop, at: 1s, for: 1s, slow: 3 }\n');

beforeEach(() => {
  ran.results.length = 0;
});

describe('sweep says how its points were obtained', () => {
  it('--json (DES): method, seed, replications, run length and warm-up per point, what p95 is, and the unstable note', async () => {
    const r = await runAction(() => sweep(bpFile, { layout: 'one', rates: '50,1000', duration: '3s', seed: '5', method: 'des', json: true }));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(['layout', 'method', 'seed', 'replications', 'duration', 'warmup', 'points', 'p95Of', 'knee', 'saturationThroughput', 'notes']);
    expect(j).toMatchObject({ layout: 'one', method: 'des', seed: 5, replications: 1, duration: 3000, warmup: 300, p95Of: SWEEP_P95_OF });
    expect(SWEEP_P95_OF).toBe("the slowest operation: each point's p95 is the largest p95 (ms) among the operations of the mix at that rate");
    // each point's p95 is the slowest operation's
    expect(j.points.map((p: { p95: number }) => p.p95)).toEqual(ran.results.map((x) => Math.max(...x.operations.map((o) => o.latency.p95))));
    // the note the text prints about the saturated point is in the JSON too
    expect(j.notes).toContainEqual(expect.stringMatching(/^unstable from 1000\/s: \S+ is saturated \(ρ=[\d.]+\); latencies there are unbounded \(the DES figures at those rates grow with the run length\)$/));
  });

  it('the text header says the same', async () => {
    const r = await runAction(() => sweep(bpFile, { layout: 'one', rates: '50,1000', duration: '3s', seed: '5', method: 'des' }));
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('one: latency against load (des) · seed 5, 3 s per point, 0.3 s warm-up');
    expect(r.stdout).toMatch(/\nnote: unstable from 1000\/s: /);
  });

  it('--json (analytic): no seed or run length (nothing is drawn), the same p95Of and notes', async () => {
    const r = await runAction(() => sweep(bpFile, { layout: 'one', rates: '50,1000', method: 'analytic', json: true }));
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(['layout', 'method', 'points', 'p95Of', 'knee', 'saturationThroughput', 'notes']);
    expect(j.notes).toContainEqual(expect.stringMatching(/^unstable from 1000\/s: /));
  });
});

describe('compare says how its fault runs and figures were obtained', () => {
  it('--json: faultRuns with the seed and each scenario\'s run length and warm-up', async () => {
    const r = await runAction(() => compare(bpFile, { scenario: [down, short], seed: '3', json: true }));
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.faultRuns).toEqual({
      method: 'des',
      seed: 3,
      replications: 1,
      scenarios: [
        { name: 'db-down', duration: 4000, warmup: 1000 },
        { name: 'short', duration: 3000, warmup: 0 },
      ],
    });
    expect(j.atRate[0]).toMatchObject({ method: 'analytic' });
  }, 60_000);

  it('--no-faults: faultRuns is null', async () => {
    const r = await runAction(() => compare(bpFile, { faults: false, json: true }));
    expect(JSON.parse(r.stdout).faultRuns).toBeNull();
  });

  it('the text says it under the title', async () => {
    const r = await runAction(() => compare(bpFile, { scenario: [down, short], seed: '3' }));
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([
      'shop: one on the same work',
      'method: analytic (means with no load, p95 at 50/s); fault isolation by DES (seed 3, one run per scenario and layout: db-down 4 s (1 s warm-up), short 3 s (0 s warm-up))',
    ]);
    const same = await runAction(() => compare(bpFile, { scenario: [down], seed: '3' }));
    expect(same.stdout.split('\n')[1]).toBe('method: analytic (means with no load, p95 at 50/s); fault isolation by DES (seed 3, 4 s per run, 1 s warm-up)');
    const none = await runAction(() => compare(bpFile, { faults: false }));
    expect(none.stdout.split('\n')[1]).toBe('method: analytic (means with no load, p95 at 50/s)');
  }, 60_000);
});

describe('simulate says its warm-up', () => {
  it('the DES header: run length, warm-up, seed', async () => {
    const r = await runAction(() => simulate(bpFile, { layout: 'one' }));
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('shop · one · 50.0/s for 4.00 s (warm-up 1.00 s) · DES, seed 1');
    const n = await runAction(() => simulate(bpFile, { layout: 'one', requests: '100', seed: '2' }));
    expect(n.stdout.split('\n')[0]).toBe('shop · one · 50.0/s for 2.00 s (100 requests, warm-up 1.00 s) · DES, seed 2');
  });
});
