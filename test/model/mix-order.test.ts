// The order a mix's operations are sent in (model/mix-order.ts nextOfMix): the load driver's and
// the simulator's paced arrivals' one function. Exact sequences and credits worked by hand
// (test/simulate/paced-arrivals.test.ts checks the driver and the DES take the same order).
import { describe, expect, it } from 'vitest';
import { nextOfMix } from '../../src/model/mix-order.js';

const run = (weights: number[], n: number) => {
  const total = weights.reduce((a, b) => a + b, 0);
  const credit = new Float64Array(weights.length);
  const weight = Float64Array.from(weights, (w) => w / total);
  const order = Array.from({ length: n }, () => nextOfMix(credit, weight)).join('');
  return { order, credit: [...credit] };
};

describe('nextOfMix: smooth weighted round robin', () => {
  it('nginx’s example, weights 5, 1, 1: a a b a c a a, and every credit back at 0 after a cycle', () => {
    const r = run([5, 1, 1], 7);
    expect(r.order).toBe('0010200');
    for (const c of r.credit) expect(Math.abs(c)).toBeLessThan(1e-12);
  });

  it('the credits after each pick: every entry gains its share, the richest pays 1', () => {
    const credit = new Float64Array(2);
    const weight = Float64Array.from([0.75, 0.25]);
    expect(nextOfMix(credit, weight)).toBe(0);
    expect([...credit]).toEqual([-0.25, 0.25]);
    expect(nextOfMix(credit, weight)).toBe(0);
    expect([...credit]).toEqual([-0.5, 0.5]);
    expect(nextOfMix(credit, weight)).toBe(1);
    expect([...credit]).toEqual([0.25, -0.25]);
    expect(nextOfMix(credit, weight)).toBe(0);
    expect([...credit]).toEqual([0, 0]);
  });

  it('a tie goes to the first entry, also a tie within rounding (1e-9); a lead past that goes to the richer', () => {
    expect(run([1, 1], 4).order).toBe('0101');
    // equal shares that do not sum exactly in binary (thirds): still ties, so the first of each
    expect(run([1, 1, 1], 6).order).toBe('012012');
    const credit = Float64Array.from([0, 5e-10]);
    expect(nextOfMix(credit, Float64Array.from([0.5, 0.5]))).toBe(0);
    const ahead = Float64Array.from([0, 2e-9]);
    expect(nextOfMix(ahead, Float64Array.from([0.5, 0.5]))).toBe(1);
  });

  it('one entry is always taken; the last entry can be the richest', () => {
    expect(run([1], 3).order).toBe('000');
    // shares 0.25, 0.75: [.25, .75] → 1; [.5, .5] a tie → 0; [−.25, 1.25] → 1; [0, 1] → 1
    expect(run([1, 3], 4).order).toBe('1011');
  });
});
