// A fault-isolation row's p95 is of the requests that succeeded during the failure. It was of
// every request that finished, failed ones included, so an operation none of whose requests
// succeeded still had a p95: how fast it failed (docs-saas.yaml, /work/unseen9b: microservices
// `auto:tenants-down`, collab.apply-op at 0% with p95 1.27 ms, its calls to the tenants unit
// refused after the gateway and a hop; the monolith, every request refused at the door, p95 0 for
// every operation, "0.00" under "median p95 ms" in the modular layout). And where some
// succeeded, the failed ones (past the client's timeout) pulled the p95 up.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderFaults } from '../../src/cli/render-sim.js';
import { parseScenario } from '../../src/simulate/scenario.js';
import { simulate } from '../../src/simulate/simulate.js';
import { runAction } from '../helpers/in-process.js';
import { bp } from './helpers.js';

const { action: simulateAction } = await import('../../src/cli/actions/simulate.js');
const dir = mkdtempSync(join(tmpdir(), 'archsim-fault-p95-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// a.call calls b.get in another unit (0.1 ms of serialization, 0.5 ms a hop); a.solo is 1–9 ms
// of work (uniform) on ua's 8 workers, 20 requests a second in all: nothing queues to speak of.
const BLUEPRINT = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: faults }
system:
  defaults: { payload: { request: 0B, response: 0B } }
  domains:
    a:
      operations:
        call: { route: GET /call, cpu: { dist: const, mean: 1ms }, calls: [b.get] }
        solo: { route: GET /solo, cpu: { dist: uniform, min: 1ms, max: 9ms } }
    b:
      operations:
        get: { internal: true, cpu: { dist: const, mean: 1ms } }
layouts:
  one:
    network: { latency: 0.5ms, cpuPerCall: 0.1ms, cpuPerKiB: 0ms }
    units:
      ua: { domains: [a], port: 8000, workers: 8 }
      ub: { domains: [b], port: 8001, workers: 8 }
workload: { rate: 20/s, duration: 30s, warmup: 1s, mix: { a.call: 1, a.solo: 1 } }
`;
// ub down for 10 s (a.call fails 0.6 ms in, at ub's door); then ua down (everything refused at
// once). The client gives up after 5 ms: about half of a.solo's requests fail (56% with seed 1), the slower ones.
const SCENARIO = `name: outages
clientTimeout: 5ms
failures:
  - { description: ub down, unit: ub, at: 5s, for: 10s }
  - { description: ua down, unit: ua, at: 20s, for: 5s }
`;

const scenario = () => {
  const s = parseScenario(SCENARIO, 'outages.yaml');
  if (!s.ok) throw new Error('scenario did not parse');
  return s.scenario;
};

describe('fault isolation: the p95 of the requests that succeeded', () => {
  it('an operation none of whose requests succeeded has no p95; one with some, the p95 of those', () => {
    const r = simulate(bp(BLUEPRINT), 'one', { scenario: scenario(), seed: 1 });
    const [ubDown, uaDown] = r.faults!;
    expect(ubDown!.success['a.call']).toBe(0);
    // (it was the 0.6 ms its requests took to fail)
    expect(ubDown!.p95['a.call']).toBeUndefined();
    // of a.solo's requests that took 5 ms at most: below the client's timeout (it was 8.69 ms,
    // the failed half's)
    expect(ubDown!.success['a.solo']).toBeCloseTo(0.435185, 6);
    expect(ubDown!.p95['a.solo']).toBeCloseTo(4.87857, 5);
    expect(ubDown!.p95['a.solo']).toBeLessThanOrEqual(5);
    // every request refused at ua's door: no p95 at all (they were 0 ms)
    expect(uaDown!.success).toEqual({ 'a.call': 0, 'a.solo': 0 });
    expect(uaDown!.p95).toEqual({});
    // the text: the median over the operations with a p95 (a.solo's alone; it was 8.69 of 0.60 and 8.69)
    expect(renderFaults(r.faults!).split('\n').slice(2)).toEqual([
      'ub down  one         23%  4.88            none           a.call 0.0%, a.solo 44%',
      'ua down  one        0.0%  none succeeded  none           a.call 0.0%, a.solo 0.0%',
    ]);
  });

  it('the JSON of `simulate --json`: no p95 key for an operation with no success', async () => {
    const file = join(dir, 'faults.yaml');
    const sc = join(dir, 'outages.yaml');
    writeFileSync(file, BLUEPRINT);
    writeFileSync(sc, SCENARIO);
    const run = await runAction(() => simulateAction(file, { layout: 'one', scenario: sc, json: true }));
    expect(run.code).toBe(0);
    const faults = JSON.parse(run.stdout).faults;
    // (they were { 'a.call': 0.6, 'a.solo': 8.68825 } and { 'a.call': 0, 'a.solo': 0 })
    expect(faults.map((f: { p95: unknown }) => f.p95)).toEqual([{ 'a.solo': 4.87857 }, {}]);
  });
});

describe('fault isolation: "none finished" is said of an operation none of whose requests finished, not of one with no p95', () => {
  it('a.call failed fast, then got stuck: no p95, some unfinished, and no "none finished" note', () => {
    // ub down from 5 s on: a.call fails at ub's door; from 15 s ua is slowed ×100000 past the
    // run's end, so what is sent then never finishes (a request belongs to the first window it
    // falls in: all of them to "ub down"). There a.call has failures that finished and requests
    // that did not: no p95 (none succeeded), and no note that none of them finished.
    const s = parseScenario(
      ['name: stuck', 'failures:', '  - { description: ub down, unit: ub, at: 5s, for: 100s }', '  - { description: ua stuck, unit: ua, at: 15s, for: 100s, slow: 100000 }', ''].join('\n'),
      'stuck.yaml',
    );
    if (!s.ok) throw new Error('scenario did not parse');
    const r = simulate(bp(BLUEPRINT), 'one', { scenario: s.scenario, seed: 1 });
    const ubDown = r.faults![0]!;
    expect(ubDown).toEqual({ failure: 'ub down', layout: 'one', success: { 'a.call': 0, 'a.solo': 1 }, p95: { 'a.solo': 8.68825 }, overall: 0.511848, unfinished: { 'a.call': 159, 'a.solo': 160 } });
    expect(r.warnings.filter((w) => w.includes('finished before the run ended'))).toEqual([]);
  });

  it('an operation none of whose requests finished is listed in noneFinished, with its note', () => {
    // ua slowed ×100000 from 15 s past the run's end: nothing sent after finishes
    const s = parseScenario(['name: stuck', 'failures:', '  - { description: ua stuck, unit: ua, at: 15s, for: 100s, slow: 100000 }', ''].join('\n'), 'stuck.yaml');
    if (!s.ok) throw new Error('scenario did not parse');
    const r = simulate(bp(BLUEPRINT), 'one', { scenario: s.scenario, seed: 1 });
    const row = r.faults![0]!;
    expect(row.noneFinished).toEqual(['a.call', 'a.solo']);
    expect(row.p95).toEqual({});
    expect(r.warnings.filter((w) => w.includes('finished before the run ended'))).toEqual([
      `ua stuck in one: none of the ${row.unfinished!['a.call']} a.call requests sent during it finished before the run ended (still queued): counted as 0% success`,
      `ua stuck in one: none of the ${row.unfinished!['a.solo']} a.solo requests sent during it finished before the run ended (still queued): counted as 0% success`,
    ]);
  });
});
