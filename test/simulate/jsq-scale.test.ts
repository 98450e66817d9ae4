// The jockeying chain of jsq.ts does not depend on the unit of time: with exponential service the
// wait in service times and P(wait) are functions of ρ = λs/(Rc), R, c and the spread T alone.
// A sweep found it broken at some s (8 replicas of one server at ρ 0.3 with s = 7 ms: a wait of
// 246·s and P(wait) 8.5, where 1, 3.5 and 14 ms gave 0.0027·s): luSolve interleaved the row
// interchanges with the elimination while lu() had moved the stored multipliers with their rows,
// so the level-0 solve was wrong whenever a late pivot swapped rows, and which row won a pivot
// depended on s (rates in 1/ms against a normalisation row of ones). These hold the chain and
// jsqWait to the same answer at every s, inside the bounds any answer must meet (a probability;
// not below the pooled M/M/Rc, which spread 1 is exactly), and through the analytic solver's queue.
// Milliseconds.
import { describe, expect, it } from 'vitest';
import { queueOf } from '../../src/simulate/analytic.js';
import { jockeyChain, jsqWait } from '../../src/simulate/jsq.js';
import { erlangC, mmcWait } from '../../src/simulate/queueing.js';

const rel = (x: number, y: number) => Math.abs(x - y) / Math.abs(y);

const shapes: [number, number, number][] = [];
for (const R of [2, 3, 4, 8]) for (const c of [1, 2]) for (const rho of [0.1, 0.3, 0.6, 0.9]) shapes.push([R, c, rho]);
/** Service times: round ones, s = R − 1 (where the sweep's bad points clustered: 7 ms for 8 replicas), a fraction, a large one. */
const times = (R: number) => [0.5, 1, R - 1, 7, 13.7, 1000];

describe('scale invariance: wait/s and P(wait) the same at every s, to 1e-9', () => {
  it('jockeyChain at spreads 1 and 2', () => {
    for (const [R, c, rho] of shapes)
      for (const T of [1, 2]) {
        const ref = jockeyChain(R, c, rho * R * c, 1, T);
        for (const s of times(R)) {
          const x = jockeyChain(R, c, (rho * R * c) / s, s, T);
          const at = `R ${R} c ${c} ρ ${rho} T ${T} s ${s}`;
          expect(rel(x.wait / s, ref.wait), at).toBeLessThan(1e-9);
          expect(rel(x.pWait, ref.pWait), at).toBeLessThan(1e-9);
        }
      }
  });

  it('jsqWait (spreads raised and extrapolated)', () => {
    for (const [R, c, rho] of shapes) {
      const ref = jsqWait(R, c, rho * R * c, 1)!;
      for (const s of times(R)) {
        const x = jsqWait(R, c, (rho * R * c) / s, s);
        const at = `R ${R} c ${c} ρ ${rho} s ${s}`;
        expect(x, at).toBeDefined();
        expect(rel(x!.wait / s, ref.wait), at).toBeLessThan(1e-9);
        expect(rel(x!.pWait, ref.pWait), at).toBeLessThan(1e-9);
        expect(x!.spread, at).toBe(ref.spread);
      }
    }
  });
});

describe('bounds: P(wait) a probability, the wait not below the pooled M/M/Rc', () => {
  it('spread 1 is the pooled M/M/Rc (Erlang C) to 1e-12 at every s', () => {
    for (const [R, c, rho] of shapes)
      for (const s of times(R)) {
        const lambda = (rho * R * c) / s;
        const x = jockeyChain(R, c, lambda, s, 1);
        const at = `R ${R} c ${c} ρ ${rho} s ${s}`;
        expect(rel(x.wait, mmcWait(R * c, lambda, s)), at).toBeLessThan(1e-12);
        expect(rel(x.pWait, erlangC(R * c, rho * R * c)), at).toBeLessThan(1e-12);
      }
  });

  it('spread 2 and jsqWait: 0 ≤ P(wait) ≤ 1 and wait ≥ the pooled wait (less 1e-12 of it for rounding)', () => {
    for (const [R, c, rho] of shapes)
      for (const s of times(R)) {
        const lambda = (rho * R * c) / s;
        const pooled = mmcWait(R * c, lambda, s);
        const at = `R ${R} c ${c} ρ ${rho} s ${s}`;
        for (const x of [jockeyChain(R, c, lambda, s, 2), jsqWait(R, c, lambda, s)!]) {
          expect(x.pWait, at).toBeGreaterThanOrEqual(0);
          expect(x.pWait, at).toBeLessThanOrEqual(1);
          expect(x.wait, at).toBeGreaterThanOrEqual(pooled * (1 - 1e-12));
        }
      }
  });
});

describe("the sweep's case: 8 replicas of one 7 ms server at 30% load", () => {
  // λ = 0.3·8/7 per ms. The DES measured a mean response of 7.02 ms; the analytic path had 1735.
  const lambda = (0.3 * 8) / 7;

  it('jsqWait is the s = 1 answer times 7 (1e-9), and s + wait within 1% of the DES', () => {
    const x = jsqWait(8, 1, lambda, 7)!;
    const unit = jsqWait(8, 1, 2.4, 1)!;
    expect(rel(7 + x.wait, 7 * (1 + unit.wait))).toBeLessThan(1e-9);
    expect(rel(x.wait, 7 * unit.wait)).toBeLessThan(1e-9);
    expect(rel(x.pWait, unit.pWait)).toBeLessThan(1e-9);
    expect(rel(7 + x.wait, 7.02)).toBeLessThan(0.01);
  });

  it("the analytic solver's queue (exponential service, least-connections) waits the same: pWait·k/θ = 7 × the s = 1 wait", () => {
    const q = queueOf(8, 1, lambda, 7, 1, 'least-connections');
    const unit = jsqWait(8, 1, 2.4, 1)!;
    expect(q.k).toBe(1);
    expect(rel((q.pWait * q.k) / q.theta, 7 * unit.wait)).toBeLessThan(1e-9);
    expect(rel(q.pWait, unit.pWait)).toBeLessThan(1e-9);
  });
});

describe('monotone in the load', () => {
  it('jsqWait for 8 replicas of one 7 ms server: the wait rises with ρ from 0.01 to 0.95 by 0.01', () => {
    let last = 0;
    for (let i = 1; i <= 95; i++) {
      const rho = i / 100;
      const x = jsqWait(8, 1, (rho * 8) / 7, 7)!;
      expect(x, `ρ ${rho}`).toBeDefined();
      expect(x.wait, `ρ ${rho}`).toBeGreaterThan(last);
      last = x.wait;
    }
  });
});
