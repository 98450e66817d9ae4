// A request reaches the unit its operation runs on even when it asks no work of it: with that unit
// down it fails, whatever the operation is made of (no CPU, no queries, only a call, only an
// event). Found by a sweep: `cpu: 0ms` kept "working" at 100% while its only unit was down,
// because compile drops an empty CPU burst and the request then never touched the unit.
import { describe, expect, it } from 'vitest';
import { compile, OP_BEGIN, OP_CHECK, OP_END, W, type Compiled } from '../../src/simulate/compile.js';
import { opDemands } from '../../src/simulate/demand.js';
import { Scenario } from '../../src/simulate/scenario.js';
import { simulate } from '../../src/simulate/simulate.js';
import { bp } from './helpers.js';

const blueprint = bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: zero }
system:
  domains:
    z:
      tables: [t]
      operations:
        pong: { route: GET /pong, cpu: 0ms }
        nodb: { route: GET /nodb, cpu: 0ms, db: { reads: 0, writes: 0 } }
        calls: { route: GET /calls, cpu: 0ms, calls: [z.inner] }
        inner: { internal: true, cpu: 0ms }
        emits: { route: GET /emits, cpu: 0ms, emits: [z.done] }
        remote: { route: GET /remote, cpu: 0ms, calls: [y.zero] }
        heavy: { route: POST /heavy, cpu: 2ms }
        # work, then a check (z.inner), then its own burst: still one straight run on u
        mixed: { route: GET /mixed, cpu: 1ms, calls: [z.work, z.inner] }
        work: { internal: true, cpu: 1ms }
    y:
      operations:
        zero: { internal: true, cpu: 0ms }
        on-done: { internal: true, cpu: 0ms }
  events:
    z.done: { consumers: [y.on-done] }
layouts:
  one:
    units: { u: { domains: "*", port: 8000, instance: box } }
    datastores: { db: { engine: postgres, tables: "*", instance: box } }
  two:
    # no serialization CPU: a call to y.zero asks nothing of ub either
    network: { cpuPerCall: 0ms, cpuPerKiB: 0ms }
    units:
      ua: { domains: [z], port: 8001, instance: box }
      ub: { domains: [y], port: 8002, instance: box }
    datastores: { db: { engine: postgres, tables: "*", instance: box } }
workload: { rate: 100/s, mix: { z.pong: 1, z.nodb: 1, z.calls: 1, z.emits: 1, z.remote: 1, z.heavy: 1, z.mixed: 1 } }
catalog:
  box: { vcpu: 1, usdPerMonth: $1 }
`);

const workload = { duration: 20_000, warmup: 1_000 };
const ops = ['z.pong', 'z.nodb', 'z.calls', 'z.emits', 'z.remote', 'z.heavy', 'z.mixed'];

/** The unit down from 5 s to 10 s, and a window after it (slow ×1 does nothing) to measure the calm. */
const downThenCalm = (unit: string) =>
  Scenario.parse({
    name: 'down',
    failures: [
      { description: 'down', unit, at: '5s', for: '5s' },
      { description: 'after', unit, at: '12s', for: '5s', slow: 1 },
    ],
  });

const allAt = (v: number, ids = ops) => Object.fromEntries(ids.map((id) => [id, v]));

describe('a unit that is down refuses requests that ask it for no work', () => {
  it('one unit: every operation fails while it is down, and all succeed after', () => {
    const faults = simulate(blueprint, 'one', { scenario: downThenCalm('u'), seed: 7, ...workload }).faults!;
    expect(faults.map((f) => f.failure)).toEqual(['down', 'after']);
    expect(faults[0]!.success).toEqual(allAt(0));
    expect(faults[0]!.overall).toBe(0);
    expect(faults[1]!.success).toEqual(allAt(1));
    expect(faults[1]!.overall).toBe(1);
  });

  it('two units: a call that asks nothing of the callee’s unit fails with it; the rest keep working', () => {
    const faults = simulate(blueprint, 'two', { scenario: downThenCalm('ub'), seed: 7, ...workload }).faults!;
    expect(faults[0]!.success).toEqual({ ...allAt(1), 'z.remote': 0 });
    expect(faults[1]!.success).toEqual(allAt(1));
  });

  it('the check is emitted only where the operation has no work of its own on its unit', () => {
    const c = compile(blueprint, 'two');
    const checks = (id: string) => {
      const code = c.programs[c.entry.get(id)!]!.code;
      const out: string[] = [];
      for (let pc = 0; pc < code.length; pc += W) if (code[pc] === OP_CHECK) out.push(c.stations[code[pc + 1]!]!.id);
      return out;
    };
    expect(checks('z.pong')).toEqual(['ua']);
    expect(checks('z.calls')).toEqual(['ua', 'ua']);
    expect(checks('z.remote')).toEqual(['ua', 'ub']);
    expect(checks('z.heavy')).toEqual([]);
    expect(checks('z.mixed')).toEqual(['ua']);
  });

  it('with nothing down the checks change nothing: the same run, byte for byte, as without them', () => {
    for (const layout of ['one', 'two']) {
      const c = compile(blueprint, layout);
      const with_ = simulate(blueprint, layout, { compiled: c, seed: 3, ...workload });
      const without = simulate(blueprint, layout, { compiled: withoutChecks(c), seed: 3, ...workload });
      expect(JSON.stringify(with_)).toBe(JSON.stringify(without));
      // and the analytic solve reads the same demands
      const a = simulate(blueprint, layout, { method: 'analytic', compiled: c, ...workload });
      const b = simulate(blueprint, layout, { method: 'analytic', compiled: withoutChecks(c), ...workload });
      expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      // a check between two visits to one station does not make the second a fresh one
      expect(opDemands(c)).toEqual(opDemands(withoutChecks(c)));
      expect(opDemands(c).get('z.mixed')!.visits.map((v) => v.fresh)).toEqual([true, false]);
    }
  });
});

/** The compiled network with its OP_CHECKs taken out (no framed calls here: no end pointers to move). */
function withoutChecks(c: Compiled): Compiled {
  return {
    ...c,
    programs: c.programs.map((p) => {
      const kept: number[] = [];
      for (let pc = 0; pc < p.code.length; pc += W) {
        const ins = p.code[pc]!;
        if (ins === OP_BEGIN || ins === OP_END) throw new Error('framed call: end pointers would move');
        if (ins !== OP_CHECK) kept.push(...p.code.subarray(pc, pc + W));
      }
      return { ...p, code: Int32Array.from(kept) };
    }),
  };
}
