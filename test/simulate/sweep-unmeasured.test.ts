// A sweep point at which no request finished in the measured window has no latency: it was
// "0.1  0.0  0.00  0.00  0.0%" in the table and meanLatency: 0, p95: 0 in the JSON (the fastest
// point of the curve), where simulate shows "–" and a note. Now NaN in the result, null in the
// JSON, "–" in the table, a note naming the rates; such points neither place nor bound the knee.
// And a rate range over the largest rate says that bound, as --rate does ("5..1e7" was "not a
// rate range").
import { describe, expect, it } from 'vitest';
import { parseRates, RatesError, sweepCurve } from '../../src/simulate/sweep.js';
import { simulate } from '../../src/simulate/simulate.js';
import { renderSweep } from '../../src/cli/render-sim.js';
import { queue } from './builder.js';

// M/M/1, 10 ms service: at 0.1/s and 0.2/s a 3 s run (0.3 s warm-up) finishes no request (seed 1).
const mm1 = queue({ mean: 10 });
const o = { duration: 3000, warmup: 300, seed: 1 };
const des = (rates: number[]) => sweepCurve(mm1, 'one', 'des', rates.map((rate) => ({ rate, result: simulate(mm1, 'one', { ...o, rate }) })), o);

describe('a DES sweep point where nothing was measured', () => {
  it('has no latency: NaN in the result, null in the JSON; a note names the rates and says to lengthen the run', () => {
    const s = des([0.1, 0.2, 20]);
    const [a, b, c] = s.points;
    expect(a!.meanLatency).toBeNaN();
    expect(a!.p95).toBeNaN();
    expect(b!.meanLatency).toBeNaN();
    expect(b!.p95).toBeNaN();
    expect(c!.meanLatency).toBeGreaterThan(5);
    expect(c!.p95).toBeGreaterThan(c!.meanLatency);
    const json = JSON.parse(JSON.stringify(s));
    expect(json.points.slice(0, 2).map((p: { meanLatency: unknown; p95: unknown }) => [p.meanLatency, p.p95])).toEqual([[null, null], [null, null]]);
    expect(s.notes).toEqual(['at 0.1/s and 0.2/s no request finished in the measured window (2.7 s after the warm-up), so those points have no latency (– in the table, null in the JSON): lengthen the run (--duration)']);
    expect(des([0.1, 20]).notes).toEqual(['at 0.1/s no request finished in the measured window (2.7 s after the warm-up), so that point has no latency (– in the table, null in the JSON): lengthen the run (--duration)']);
  });

  it('the table shows "–" and no bar there (a full bar read "unbounded")', () => {
    const lines = renderSweep(des([0.1, 20])).split('\n');
    const row = lines.find((l) => /^0\.1\s/.test(l.trim()))!;
    expect(row.trim().split(/\s{2,}/)).toEqual(['0.1', '0.0', '–', '–', '0.0%', '0.0%']);
    expect(lines.find((l) => /^20\.0\s/.test(l.trim()))).toMatch(/▇$/);
    expect(lines.at(-1)).toBe('note: at 0.1/s no request finished in the measured window (2.7 s after the warm-up), so that point has no latency (– in the table, null in the JSON): lengthen the run (--duration)');
  });

  it('neither places the knee nor bounds it', () => {
    // 0.1/s first: its NaN mean is not "past twice the no-load mean"
    expect(des([0.1, 20]).knee).toBeNull();
    expect(des([0.1, 0.2, 20, 70]).knee).toBe(70);
  });

  it('a point where requests finished is unchanged (count-weighted mean, worst p95 of the measured operations)', () => {
    const s = des([20]);
    const r = simulate(mm1, 'one', { ...o, rate: 20 });
    expect(s.points[0]!.meanLatency).toBeCloseTo(r.operations[0]!.latency.mean, 9);
    expect(s.points[0]!.p95).toBe(r.operations[0]!.latency.p95);
    expect(s.notes).toBeUndefined();
  });
});

describe('a rate range over the largest rate', () => {
  const refusal = (spec: string) => {
    try {
      parseRates(spec);
    } catch (e) {
      expect(e).toBeInstanceOf(RatesError);
      return (e as Error).message;
    }
    throw new Error(`${spec} was accepted`);
  };
  it('says the bound, as --rate does', () => {
    expect(refusal('5..1e7')).toBe('rate range "5..1e7": 1e7: expected a rate of at most 1M/s');
    expect(refusal('5..2000000')).toBe('rate range "5..2000000": 2000000: expected a rate of at most 1M/s');
    expect(refusal('5..100M/min')).toBe('rate range "5..100M/min": 100M/min: expected a rate of at most 1M/s');
    expect(refusal('5,1e7')).toBe('rates "5,1e7": 1e7: expected a rate of at most 1M/s');
    expect(refusal('5..1e999')).toBe('rate range "5..1e999": 1e999: expected a finite rate');
  });
  it('a bare number with an exponent is a rate per second, up to the bound', () => {
    expect(parseRates('1e2..1e3x2')).toEqual([100, 1000]);
    expect(parseRates('5..1e6x2')).toEqual([5, 1e6]);
  });
});
