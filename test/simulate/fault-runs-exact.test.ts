// runFaults, exactly: rows labelled by scenario, identical runs simulated once and relabelled,
// notes for what does not apply, an error only when a scenario fits no layout, descriptions.
import { describe, expect, it } from 'vitest';
import { runFaults } from '../../src/simulate/fault-runs.js';
import { ScenarioError } from '../../src/simulate/simulate.js';
import { Scenario } from '../../src/simulate/scenario.js';
import { network } from './builder.js';

// a.op (2 ms) calls b.op (2 ms): layout one runs both units ua and ub; the split is the builder's
const bp = network([{ mean: 2 }, { mean: 2 }]);
const sc = (o: unknown) => Scenario.parse(o);
const workload = { rate: 20, duration: 20_000 };

describe('runFaults', () => {
  it('labels each row with its scenario and window, and keeps each scenario’s description', () => {
    const down = sc({ name: 'b-down', description: 'b stops', failures: [{ description: 'ub crashed', domain: 'b', at: '5s', for: '5s' }], workload: { warmup: '1s' } });
    const slow = sc({ name: 'a-slow', failures: [{ domain: 'a', at: '5s', for: '5s', slow: 4 }], workload: { warmup: '1s' } });
    const r = runFaults(bp, ['one'], [down, slow], { workload });
    expect(r.rows.map((x) => [x.layout, x.failure])).toEqual([
      ['one', 'b-down: ub crashed'],
      ['one', expect.stringMatching(/^a-slow: /)],
    ]);
    expect(r.descriptions['b-down: ub crashed']).toBe('b stops');
    // without a description, the failure's own label stands for it
    const slowRow = r.rows[1]!;
    expect(r.descriptions[slowRow.failure]).toBe(slowRow.failure.slice('a-slow: '.length));
    // a.op needs b: with ub down, a.op fails during the window
    expect(r.rows[0]!.overall).toBeLessThan(1);
    expect(r.notes).toEqual([]);
  });

  it('two scenarios doing the same to a layout are simulated once: the same figures, each its own label', () => {
    const one = sc({ name: 'first', failures: [{ unit: 'ub', at: '5s', for: '5s' }] });
    const two = sc({ name: 'second', failures: [{ domain: 'b', at: '5s', for: '5s' }] });
    const r = runFaults(bp, ['one'], [one, two], { workload, seed: 3 });
    expect(r.rows).toHaveLength(2);
    const [x, y] = r.rows;
    expect(x!.failure.startsWith('first: ')).toBe(true);
    expect(y!.failure.startsWith('second: ')).toBe(true);
    expect({ ...y, failure: '' }).toEqual({ ...x, failure: '' });
  });

  it('a scenario that fits no layout is an error naming it; one that fits some is a note for the others', () => {
    const bad = sc({ name: 'nowhere', failures: [{ unit: 'nope', at: '1s', for: '1s' }] });
    let err: unknown;
    try {
      runFaults(bp, ['one'], [bad], { workload });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as { scenario?: string }).scenario).toBe('nowhere');
    // one layout fits: no error, a note for the scenario where it does not
    const two = { ...bp, layouts: { ...bp.layouts, solo: { ...bp.layouts.one!, units: { ua: { ...bp.layouts.one!.units.ua!, domains: ['a', 'b'] } } } } };
    const onlyOne = sc({ name: 'ub-only', failures: [{ unit: 'ub', at: '1s', for: '1s' }] });
    const r = runFaults(two as typeof bp, ['one', 'solo'], [onlyOne], { workload });
    expect(r.rows.map((x) => x.layout)).toEqual(['one']);
    expect(r.notes).toHaveLength(1);
    expect(r.notes[0]).toMatch(/^scenario ub-only does not apply to solo: /);
  });

  it('a scenario with nothing to fail in a layout says so instead of a row', () => {
    const none = sc({ name: 'calm' });
    const r = runFaults(bp, ['one'], [none], { workload });
    expect(r.rows).toEqual([]);
    expect(r.notes).toEqual(['scenario calm in one: nothing to fail']);
  });

  it('what a layout lacks, each said: its lines joined when nothing there fails', () => {
    const absent = sc({ name: 'edges', failures: [{ gateway: true, at: '1s', for: '1s' }, { broker: true, at: '1s', for: '1s' }] });
    expect(runFaults(bp, ['one'], [absent], { workload }).notes).toEqual(['scenario edges in one: the gateway: not in one; the broker: not in one']);
  });

  it('an autoscaled unit one layout lacks: a note there, a row where it fits', () => {
    const solo = { ...bp, layouts: { ...bp.layouts, solo: { ...bp.layouts.one!, units: { ua: { ...bp.layouts.one!.units.ua!, domains: ['a', 'b'] } } } } };
    const scaled = sc({ name: 'scaled', autoscale: { ub: { min: 1, max: 2 } }, failures: [{ domain: 'a', at: '5s', for: '5s', slow: 2 }] });
    const r = runFaults(solo as typeof bp, ['one', 'solo'], [scaled], { workload });
    expect(r.rows.map((x) => x.layout)).toEqual(['one']);
    expect(r.notes).toHaveLength(1);
    expect(r.notes[0]).toMatch(/^scenario scaled does not apply to solo: "ub" is neither a unit of solo nor a domain/);
  });

  it('the seed and the client timeout are part of the run: another seed, other figures; a timeout is never a cached run without one', () => {
    const slow = (name: string, extra: Record<string, unknown> = {}) => sc({ name, failures: [{ unit: 'ub', at: '5s', for: '5s', slow: 8 }], ...extra });
    const p95 = (seed: number) => runFaults(bp, ['one'], [slow('s')], { workload, seed }).rows[0]!.p95['a.op'];
    expect(p95(3)).not.toBe(p95(4));
    // the same failure, once without and once with a 30 ms client timeout: the second fails requests the first lets finish
    const r = runFaults(bp, ['one'], [slow('plain'), slow('bounded', { clientTimeout: '30ms' })], { workload, seed: 3 });
    expect(r.rows[0]!.success['a.op']).toBe(1);
    expect(r.rows[1]!.success['a.op']).toBeLessThan(1);
  });
});
