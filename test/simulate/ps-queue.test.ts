// A processor-sharing station's "mean queue": the visits beyond its servers (all are served at
// once, each at a share), in both methods. For M/M/c-PS that is Erlang C's waiting line, the same
// as FCFS's. The analytic method gave λ × the FCFS wait scaled by the service mix (77.2 where the
// whole system held 11.3), and the DES 0.00 even far past saturation.
import { describe, expect, it } from 'vitest';
import { erlangC } from '../../src/simulate/queueing.js';
import { simulate } from '../../src/simulate/simulate.js';
import { queue } from './builder.js';

const mix = { 'a.op': 1 };

describe('processor sharing: the mean queue is the visits beyond the servers', () => {
  it('M/M/1-PS at ρ 0.8: ρ²/(1 − ρ) = 3.2 exactly (analytic), and the DES within 10%', () => {
    const bp = queue({ dist: 'exp', mean: 10, discipline: 'ps' });
    const a = simulate(bp, 'one', { method: 'analytic', rate: 80, mix });
    expect(a.stations[0]!.meanQueue).toBeCloseTo(0.8 ** 2 / 0.2, 4);
    const d = simulate(bp, 'one', { method: 'des', rate: 80, duration: 2_000_000, seed: 5, mix });
    expect(d.stations[0]!.meanQueue).toBeGreaterThan(3.2 * 0.9);
    expect(d.stations[0]!.meanQueue).toBeLessThan(3.2 * 1.1);
    // never more than the requests in the whole system
    expect(d.stations[0]!.meanQueue).toBeLessThan(d.littleCheck.meanInSystem);
  });

  it('M/M/3-PS at ρ 0.7: Erlang C × ρ/(1 − ρ), as FCFS waits; lognormal service leaves PS unchanged', () => {
    const c = 3;
    const rho = 0.7;
    const lq = (erlangC(c, c * rho) * rho) / (1 - rho);
    const exp = simulate(queue({ dist: 'exp', mean: 10, servers: c, discipline: 'ps' }), 'one', { method: 'analytic', rate: 210, mix });
    expect(exp.stations[0]!.meanQueue).toBeCloseTo(lq, 4);
    const fcfs = simulate(queue({ dist: 'exp', mean: 10, servers: c }), 'one', { method: 'analytic', rate: 210, mix });
    expect(fcfs.stations[0]!.meanQueue).toBeCloseTo(lq, 4);
    // PS is insensitive to the service distribution; FCFS's queue is not
    const logn = simulate(queue({ dist: 'lognormal', mean: 10, cv: 2, servers: c, discipline: 'ps' }), 'one', { method: 'analytic', rate: 210, mix });
    expect(logn.stations[0]!.meanQueue).toBeCloseTo(lq, 4);
  });

  it('past saturation the DES line grows (it read 0.00)', () => {
    const d = simulate(queue({ dist: 'exp', mean: 10, discipline: 'ps' }), 'one', { method: 'des', rate: 150, duration: 20_000, seed: 5, mix });
    expect(d.saturated).toBeDefined();
    expect(d.stations[0]!.meanQueue).toBeGreaterThan(100);
  });
});
