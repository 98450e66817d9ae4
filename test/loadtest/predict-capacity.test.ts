// The maximum throughput validate-model predicts for a capacity run, the way the run measured it
// (predict-capacity.ts): a closed run's connections simulated back to back, an open run's
// analytic saturation rate. Checked on hand-worked queueing networks (test/simulate/builder.ts).
import { describe, expect, it } from 'vitest';
import { predictCapacity } from '../../src/loadtest/predict-capacity.js';
import { capacityNote, type Direction } from '../../src/loadtest/validate-model.js';
import type { LoadTestResult } from '../../src/loadtest/result.js';
import { analyze } from '../../src/simulate/analytic.js';
import { ColdVisit } from '../../src/simulate/cold-visit.js';
import { network } from '../simulate/builder.js';

/** Only what predictCapacity reads of a capacity run: its model and connections. */
const run = (model: 'open' | 'closed', connections: number | null) => ({ run: { model, connections } }) as unknown as LoadTestResult;
/** Every visit that finds its process idle, however briefly, costs 0.5 ms more. */
const flat = ColdVisit.parse({ gapMs: [1e-6], extraMs: [0.5] });
const mix = { 'a.op': 1 };
// two units of 1 ms each, the first calling the second, on one core
const bp = network([{ mean: 1, dist: 'const' }, { mean: 1, dist: 'const' }]);

describe('predictCapacity', () => {
  it('one connection back to back: one request at a time, 2 ms each → 500/s', () => {
    const p = predictCapacity(bp, 'one', run('closed', 1), mix, { cores: 1, driverCpu: 0 });
    expect(p.method).toBe('closed');
    expect(p.rate).toBeCloseTo(500, 1);
  });

  it('one connection with cold visits: every visit finds its process idle, 2 × (1 + 0.5) ms → 333/s', () => {
    const p = predictCapacity(bp, 'one', run('closed', 1), mix, { cores: 1, driverCpu: 0, coldVisit: flat });
    expect(p.rate).toBeCloseTo(1000 / 3, 1);
  });

  it('16 connections on one core: the processes never idle, so the warm 500/s; 2 connections leave them idle, 400/s', () => {
    const host = { cores: 1, driverCpu: 0, coldVisit: flat };
    const p = predictCapacity(bp, 'one', run('closed', 16), mix, host);
    expect(p.method).toBe('closed');
    expect(p.rate).toBeCloseTo(500, 1);
    // the closed figure depends on the connections, which the open model's saturation rate cannot say
    expect(predictCapacity(bp, 'one', run('closed', 2), mix, host).rate).toBeCloseTo(400, 1);
    expect(analyze(bp, 'one', { rate: 1, mix, host }).saturationThroughput).toBeCloseTo(500, 2);
  });

  it('an open capacity run (no connections to simulate) keeps the analytic saturation rate', () => {
    const host = { cores: 1, driverCpu: 0, coldVisit: flat };
    for (const r of [run('open', 64), run('closed', null)]) {
      const p = predictCapacity(bp, 'one', r, mix, host);
      expect(p).toEqual({ rate: analyze(bp, 'one', { rate: 1, mix, host }).saturationThroughput, method: 'saturation' });
      expect(p.rate).toBeCloseTo(500, 2);
    }
  });

  it('is deterministic: the same inputs give the same figure', () => {
    const host = { cores: 1, driverCpu: 0, coldVisit: flat };
    expect(predictCapacity(bp, 'one', run('closed', 4), mix, host)).toEqual(predictCapacity(bp, 'one', run('closed', 4), mix, host));
  });
});

describe('capacityNote', () => {
  const dir = (...methods: ('closed' | 'saturation')[]) => ({ layouts: methods.map((method) => ({ maxThroughput: { method } })) }) as unknown as Direction;
  it('says how the maximum throughputs were predicted: closed, open, or both', () => {
    expect(capacityNote([dir('closed', 'closed'), dir('closed')])).toBe(
      'maximum throughput predicted as it was measured: the DES of the capacity run’s connections back to back (closed model, no think time, 60 s, seed 1) on the same host',
    );
    expect(capacityNote([dir('saturation')])).toBe('maximum throughput of an open capacity run: the analytic rate at which the first station or the host reaches ρ = 1');
    const both = capacityNote([dir('closed'), dir('saturation')]);
    expect(both.startsWith('maximum throughput predicted as it was measured')).toBe(true);
    expect(both.endsWith('; maximum throughput of an open capacity run: the analytic rate at which the first station or the host reaches ρ = 1')).toBe(true);
  });
});
