// A rehearsal window's figures, and several windows merged into one (the live rate check's
// evidence across the last whole layout's step and the load since the retire after it). Pure.
import { describe, expect, it } from 'vitest';
import { overBudget } from '../../src/rehearse/rates.js';
import { parseTrigger } from '../../src/rehearse/steps.js';
import { Window } from '../../src/rehearse/runner.js';

describe('Window.merged', () => {
  it('adds requests, errors, failures and latencies per operation and per answering unit; a window given twice counts once', () => {
    const a = new Window();
    const b = new Window();
    for (let i = 1; i <= 12; i++) a.add('auth.login', 200 + i, null, 200, 'backend');
    for (let i = 1; i <= 10; i++) b.add('auth.login', 100 + i, null, 200, 'backend');
    b.add('auth.login', null, 'status', 500, 'backend');
    a.add('messages.send', 5, null, 200, 'backend');
    const m = Window.merged([a, b, a]).stats();
    expect(m.ops['auth.login']!.requests).toBe(23);
    expect(m.ops['auth.login']!.errors).toBe(1);
    expect(m.ops['auth.login']!.samples).toBe(22);
    expect(m.ops['auth.login']!.byUnit!.backend!.samples).toBe(22);
    expect(m.ops['messages.send']!.requests).toBe(1);
    expect(Window.merged([a, b]).failures).toEqual({ 'auth.login 500': 1 });
    // The p95 of the 22 latencies together: the 21st smallest, 211 (a's 11th).
    expect(Math.round(m.ops['auth.login']!.p95!)).toBe(211);
  });

  it('lets the rate check judge a budget neither window alone could (fewer than 20 latencies each)', () => {
    const budget = [parseTrigger({ metric: 'latency.p95(auth.login)', above: 150, description: 'p95 of auth.login above its 150 ms budget' })];
    const a = new Window();
    const b = new Window();
    for (let i = 0; i < 12; i++) a.add('auth.login', 210, null, 200, 'backend');
    for (let i = 0; i < 12; i++) b.add('auth.login', 215, null, 200, 'backend');
    expect(overBudget(budget, a.stats())).toEqual([]);
    expect(overBudget(budget, b.stats())).toEqual([]);
    expect(overBudget(budget, Window.merged([a, b]).stats()).map((x) => [x.op, x.samples, x.budget])).toEqual([['auth.login', 24, 150]]);
  });
});
