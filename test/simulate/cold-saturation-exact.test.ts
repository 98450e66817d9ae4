// Where a mix saturates when visits that find their process idle cost extra (analytic.ts
// coldSaturation): the extra falls as the processes fill, but a process that is not the bottleneck
// keeps paying it. Worked by hand with a flat table (every idle gap costs 0.5 ms more) so the
// fixed point of coldPerVisit is closed-form: at u requests per ms, a station of one server whose
// every visit is fresh, work D per visit, pays x = (1 − uD)·0.5 / (1 + 0.5u) per visit.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/simulate/analytic.js';
import { ColdVisit } from '../../src/simulate/cold-visit.js';
import { network, queue } from './builder.js';

const flat = ColdVisit.parse({ gapMs: [1e-6], extraMs: [0.5] });

describe('saturation with cold visits (analytic)', () => {
  it('two 1 ms units on one core: the host fills at 400/s, not at the warm 500/s', () => {
    // host: u·(2 + 2x) = 1 with x = (1 − u)·0.5/(1 + 0.5u) → 2u·1.5 = 1 + 0.5u → u = 0.4/ms
    const bp = network([{ mean: 1, dist: 'const' }, { mean: 1, dist: 'const' }]);
    const r = analyze(bp, 'one', { rate: 100, mix: { 'a.op': 1 }, host: { cores: 1, driverCpu: 0, coldVisit: flat } });
    expect(r.saturationThroughput).toBeCloseTo(400, 4);
    const warm = analyze(bp, 'one', { rate: 100, mix: { 'a.op': 1 }, host: { cores: 1, driverCpu: 0 } });
    expect(warm.saturationThroughput).toBeCloseTo(500, 6);
    // between the two the warm model would run; this one says the host is past saturation
    const over = analyze(bp, 'one', { rate: 450, mix: { 'a.op': 1 }, host: { cores: 1, driverCpu: 0, coldVisit: flat } });
    expect(over.saturated?.station).toBe('host');
    expect(over.saturated?.utilization).toBeCloseTo(450 / 400, 4);
    expect(over.warnings).toContain('unstable: host is saturated (ρ=1.12); latencies are unbounded');
    // and under it, nothing is said
    expect(analyze(bp, 'one', { rate: 390, mix: { 'a.op': 1 }, host: { cores: 1, driverCpu: 0, coldVisit: flat } }).saturated).toBeUndefined();
  });

  it('the same units on many cores: each fills alone, where it never idles, at the warm 1000/s', () => {
    const bp = network([{ mean: 1, dist: 'const' }, { mean: 1, dist: 'const' }]);
    const r = analyze(bp, 'one', { rate: 100, mix: { 'a.op': 1 }, host: { cores: 64, driverCpu: 0, coldVisit: flat } });
    expect(r.saturationThroughput).toBeCloseTo(1000, 4);
  });

  it('a 2 ms unit beside a 1 ms one on two cores: the 2 ms one fills first, at the warm 500/s', () => {
    // at u = 0.5/ms the host carries 0.5·(2 + 1 + x₁) with x₁ = 0.5·0.5/1.25 = 0.2 for the 1 ms
    // unit (the 2 ms one, full, pays none): 1.6 of 2 cores, so the 2 ms unit is the bound
    const bp = network([{ mean: 2, dist: 'const' }, { mean: 1, dist: 'const' }]);
    const r = analyze(bp, 'one', { rate: 100, mix: { 'a.op': 1 }, host: { cores: 2, driverCpu: 0, coldVisit: flat } });
    expect(r.saturationThroughput).toBeCloseTo(500, 4);
    const over = analyze(bp, 'one', { rate: 510, mix: { 'a.op': 1 }, host: { cores: 2, driverCpu: 0, coldVisit: flat } });
    expect(over.saturated?.station).toBe('ua');
  });

  it('a 2 ms unit beside a 1 ms one on 1.5 cores: the host fills first, where both still pay', () => {
    // u·(3 + x₁ + x₂) = 1.5 with x₁ = (1 − 2u)·0.5/(1 + 0.5u), x₂ = (1 − u)·0.5/(1 + 0.5u):
    // u(3(1 + 0.5u) + 1 − 1.5u) = 1.5(1 + 0.5u) → 4u = 1.5 + 0.75u → u = 1.5/3.25/ms
    const bp = network([{ mean: 2, dist: 'const' }, { mean: 1, dist: 'const' }]);
    const r = analyze(bp, 'one', { rate: 100, mix: { 'a.op': 1 }, host: { cores: 1.5, driverCpu: 0, coldVisit: flat } });
    expect(r.saturationThroughput).toBeCloseTo(1500 / 3.25, 4);
  });

  it('an unbounded warm rate stays unbounded (a station with no work)', () => {
    const bp = queue({ mean: 0, dist: 'const' });
    const r = analyze(bp, 'one', { rate: 100, mix: { 'a.op': 1 }, host: { cores: 1, driverCpu: 0, coldVisit: flat } });
    expect(r.saturationThroughput).toBe(Infinity);
  });

  it('a host-bound overload without cold visits is flagged too: 510/s of 2 ms a request on one core', () => {
    const bp = network([{ mean: 1, dist: 'const' }, { mean: 1, dist: 'const' }]);
    const r = analyze(bp, 'one', { rate: 510, mix: { 'a.op': 1 }, host: { cores: 1, driverCpu: 0 } });
    expect(r.saturated).toEqual({ station: 'host', utilization: 1.02, by: 'offered load' });
    expect(r.operations[0]!.latency.mean).toBe(Infinity);
    expect(analyze(bp, 'one', { rate: 490, mix: { 'a.op': 1 }, host: { cores: 1, driverCpu: 0 } }).saturated).toBeUndefined();
  });
});
