// The trigger search (crossing in src/plan/triggers.ts) against closed forms: where an increasing
// latency crosses a budget below saturation, to the precision bisection had, in fewer solves.
import { describe, expect, it } from 'vitest';
import { crossing } from '../../src/plan/triggers.js';

describe('crossing', () => {
  const sat = 500;
  const tol = sat / 2 ** 18;
  // M/M/1 mean response time with a 2 ms service time: 2 / (1 − rate·0.002); at 10 ms: rate 400.
  const mm1 = (rate: number) => 2 / (1 - rate * 0.002);

  it('finds the M/M/1 crossing within saturation / 2^18, from above, in a few evaluations', () => {
    const r = crossing(mm1, 10, sat);
    expect(r.rate).not.toBeNull();
    expect(r.rate!).toBeGreaterThanOrEqual(400);
    expect(r.rate!).toBeLessThanOrEqual(400 + tol);
    expect(mm1(r.rate!)).toBeGreaterThanOrEqual(10);
    // 1/latency is linear in the rate here: the saturation probe, the zero-load end, a secant
    // step and the probe closing the bracket. Bisection took 19.
    expect(r.evaluations).toBeLessThanOrEqual(5);
  });

  it('starts from a known point under the budget (today\'s rate, already solved) instead of no load', () => {
    const r = crossing(mm1, 10, sat, { rate: 100, value: mm1(100) });
    expect(r.rate!).toBeGreaterThanOrEqual(400);
    expect(r.rate!).toBeLessThanOrEqual(400 + tol);
    // the saturation probe, a secant step, the closing probe: the known point costs nothing
    expect(r.evaluations).toBeLessThanOrEqual(4);
    // A known point already over the budget is no lower end: the search starts from no load.
    const over = crossing(mm1, 10, sat, { rate: 450, value: mm1(450) });
    expect(over.rate!).toBeGreaterThanOrEqual(400);
    expect(over.rate!).toBeLessThanOrEqual(400 + tol);
  });

  it('a curved crossing (a p95 growing as the square of the M/M/1 mean) is found to the same precision', () => {
    const f = (rate: number) => mm1(rate) ** 2 / 4 + 1;
    // (2/(1−0.002r))²/4 + 1 = 50 → 1/(1−0.002r) = 7 → r = 500·6/7
    const root = (500 * 6) / 7;
    const r = crossing(f, 50, sat);
    expect(r.rate!).toBeGreaterThanOrEqual(root);
    expect(r.rate!).toBeLessThanOrEqual(root + tol);
    expect(r.evaluations).toBeLessThan(19);
  });

  it('null when the latency stays under the budget up to saturation', () => {
    expect(crossing(() => 5, 10, sat)).toEqual({ rate: null, evaluations: 1 });
  });

  it('0 when the latency is over the budget with no load at all', () => {
    expect(crossing((rate) => 12 + rate, 10, sat)).toEqual({ rate: 0, evaluations: 2 });
  });

  it('a step function (no slope to follow) is still bracketed to the precision', () => {
    const r = crossing((rate) => (rate > 123.4 ? 100 : 1), 10, sat);
    expect(r.rate!).toBeGreaterThan(123.4);
    expect(r.rate!).toBeLessThanOrEqual(123.4 + tol);
  });
});
