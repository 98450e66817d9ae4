// Where a mix saturates when visits that find their process idle cost extra (analytic.ts
// coldPerVisit, coldSaturation), with a flat table (every idle gap costs 0.5 ms more). A server
// that fills never idles, and on a shared host a process's work waits for a core instead of the
// process idling: the extras vanish as the host or a station fills, so a mix saturates where it
// would without them. Until 2026-12-05 each process paid its extras by its own CPU load however
// full the host, and two 1 ms units on one core were said to fill it at 400/s; the DES runs them
// steady at 480/s. Below saturation the extras are still paid, as the DES pays them.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/simulate/analytic.js';
import { simulate } from '../../src/simulate/simulate.js';
import { ColdVisit } from '../../src/simulate/cold-visit.js';
import { network, queue } from './builder.js';

const flat = ColdVisit.parse({ gapMs: [1e-6], extraMs: [0.5] });

describe('saturation with cold visits (analytic)', () => {
  it('two 1 ms units on one core: the host fills at the warm 500/s, as the DES finds (steady at 480/s)', () => {
    const bp = network([{ mean: 1, dist: 'const' }, { mean: 1, dist: 'const' }]);
    const host = { cores: 1, driverCpu: 0, coldVisit: flat };
    const r = analyze(bp, 'one', { rate: 100, mix: { 'a.op': 1 }, host });
    expect(r.saturationThroughput).toBeCloseTo(500, 2);
    const over = analyze(bp, 'one', { rate: 510, mix: { 'a.op': 1 }, host });
    expect(over.saturated?.station).toBe('host');
    expect(over.warnings).toContain('unstable: host is saturated (ρ=1.02); latencies are unbounded');
    expect(analyze(bp, 'one', { rate: 480, mix: { 'a.op': 1 }, host }).saturated).toBeUndefined();
    const des = simulate(bp, 'one', { method: 'des', rate: 480, mix: { 'a.op': 1 }, duration: 100_000, warmup: 5_000, seed: 1, host });
    expect(des.saturated).toBeUndefined();
    expect(des.operations[0]!.throughput).toBeGreaterThan(475);
    expect(des.operations[0]!.throughput).toBeLessThan(485);
  });

  it('below saturation the extras are paid as the DES pays them: each unit’s CPU within 3% of the DES’s, at 100, 300 and 450/s', () => {
    const bp = network([{ mean: 1, dist: 'const' }, { mean: 1, dist: 'const' }]);
    const host = { cores: 1, driverCpu: 0, coldVisit: flat };
    for (const rate of [100, 300, 450]) {
      const a = analyze(bp, 'one', { rate, mix: { 'a.op': 1 }, host });
      const d = simulate(bp, 'one', { method: 'des', rate, mix: { 'a.op': 1 }, duration: 100_000, warmup: 5_000, seed: 1, host });
      for (const id of ['ua', 'ub']) {
        const ax = a.stations.find((x) => x.id === id)!.cpu;
        const dx = d.stations.find((x) => x.id === id)!.cpu;
        // the extras are a real part of it: the warm CPU is rate/1000 cores
        expect(ax).toBeGreaterThan((rate / 1000) * 1.05);
        expect(Math.abs(ax - dx) / dx).toBeLessThan(0.03);
      }
    }
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
