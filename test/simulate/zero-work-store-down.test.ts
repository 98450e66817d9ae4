// A datastore, the broker or the gateway that is down refuses even a visit that asks it for no
// work. Found on a blueprint whose store reads take 0 ms: "g-files down" left every request
// succeeding, because compile drops a visit with no work and the request never touched the store
// (with the reads at 0.001 ms the same run failed them all). The zero-work visit is now an
// OP_CHECK; stations with work keep their visit, and with nothing down the run is the same.
import { describe, expect, it } from 'vitest';
import { compile, OP_CHECK, OP_VISIT, W, type Compiled } from '../../src/simulate/compile.js';
import { Scenario } from '../../src/simulate/scenario.js';
import { simulate } from '../../src/simulate/simulate.js';
import { bp } from './helpers.js';

const blueprint = (read: string) =>
  bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: zero-store }
system:
  domains:
    s:
      tables: [t]
      operations:
        leaf: { route: GET /leaf, cpu: 0.2ms, db: { reads: 2, writes: 1 } }
        free: { route: GET /free, cpu: 0.2ms }
        tell: { route: POST /tell, cpu: 0.2ms, emits: [s.told] }
        on-told: { internal: true, cpu: 0.1ms }
    m:
      tables: [mt]
      operations:
        mem: { route: GET /mem, cpu: 0.2ms, db: { reads: 2 } }
  events:
    s.told: { consumers: [s.on-told] }
layouts:
  l:
    units: { u: { domains: "*", port: 8000, instance: box } }
    datastores:
      files: { engine: filesystem, tables: [t], read: ${read}, write: ${read} }
      state: { engine: memory, tables: [mt], read: 0ms }
  edge:
    gateway: { kind: alb, port: 80, instance: box, cpu: 0ms }
    broker: { kind: redis, instance: box, cpu: 0ms, latency: 0ms }
    network: { latency: 0ms, cpuPerCall: 0ms, cpuPerKiB: 0ms }
    units: { u: { domains: "*", port: 8000, instance: box } }
    datastores:
      files: { engine: filesystem, tables: [t], read: ${read}, write: ${read} }
      state: { engine: memory, tables: [mt], read: 0ms }
workload: { rate: 100/s, mix: { s.leaf: 1, s.free: 1, m.mem: 1 } }
catalog:
  box: { vcpu: 1, usdPerMonth: $1 }
`);

const zero = blueprint('0ms');
const workload = { duration: 20_000, warmup: 1_000 };

/** The failure down from 5 s to 10 s, then a window after it (slow ×1 does nothing) to measure the calm. */
const downThenCalm = (f: Record<string, unknown>) =>
  Scenario.parse({
    name: 'down',
    failures: [
      { description: 'down', ...f, at: '5s', for: '5s' },
      { description: 'after', ...f, at: '12s', for: '5s', slow: 1 },
    ],
  });

/** The program of an entry (or of the spawned program named `name`), as "OP station" strings. */
function listing(c: Compiled, name: string): string[] {
  const p = c.programs.find((x) => x.name === name)!;
  const out: string[] = [];
  for (let pc = 0; pc < p.code.length; pc += W) {
    const op = p.code[pc];
    if (op === OP_VISIT) out.push(`visit ${c.stations[p.code[pc + 1]!]!.id}`);
    else if (op === OP_CHECK) out.push(`check ${c.stations[p.code[pc + 1]!]!.id}`);
  }
  return out;
}

describe('a station that is down refuses a visit that asks it for no work', () => {
  it('a datastore whose reads and writes take 0 ms: its queries fail while it is down, and succeed after', () => {
    const faults = simulate(zero, 'l', { scenario: downThenCalm({ datastore: 'files' }), seed: 7, ...workload }).faults!;
    expect(faults.map((f) => f.failure)).toEqual(['down', 'after']);
    // s.leaf reads the store; s.free and m.mem (in-process state) never touch it
    expect(faults[0]!.success).toEqual({ 's.leaf': 0, 's.free': 1, 'm.mem': 1 });
    expect(faults[1]!.success).toEqual({ 's.leaf': 1, 's.free': 1, 'm.mem': 1 });
  });

  it('the same as with reads of 0.001 ms, which visit the store', () => {
    const faults = simulate(blueprint('0.001ms'), 'l', { scenario: downThenCalm({ datastore: 'files' }), seed: 7, ...workload }).faults!;
    expect(faults[0]!.success).toEqual({ 's.leaf': 0, 's.free': 1, 'm.mem': 1 });
  });

  it('a gateway with no CPU (and a free hop) fails every request while it is down', () => {
    const faults = simulate(zero, 'edge', { scenario: downThenCalm({ gateway: true }), seed: 7, ...workload }).faults!;
    expect(faults[0]!.success).toEqual({ 's.leaf': 0, 's.free': 0, 'm.mem': 0 });
    expect(faults[1]!.success).toEqual({ 's.leaf': 1, 's.free': 1, 'm.mem': 1 });
  });

  it('compile: one check per run of zero-work queries (two reads and a write in a row: one), the broker and gateway checked, a memory store not', () => {
    const c = compile(zero, 'edge');
    expect(listing(c, 's.leaf')).toEqual(['check gateway', 'visit u', 'check files']);
    expect(listing(c, 's.free')).toEqual(['check gateway', 'visit u']);
    // in-process state is the unit's CPU; 0 ms of it asks nothing of anything that can be down alone
    expect(listing(c, 'm.mem')).toEqual(['check gateway', 'visit u']);
    expect(listing(c, 's.told → s.on-told')).toEqual(['check broker', 'visit u']);
    // with work on them the stations keep their visits and get no check
    const timed = compile(blueprint('0.5ms'), 'l');
    expect(listing(timed, 's.leaf')).toEqual(['visit u', 'visit files', 'visit files', 'visit files']);
  });

  it('with nothing down the checks change nothing: the DES run and the analytic solve are those without them', () => {
    for (const layout of ['l', 'edge']) {
      const c = compile(zero, layout);
      expect(c.programs.some((p) => p.code.some((x, i) => i % W === 0 && x === OP_CHECK))).toBe(true);
      const with_ = simulate(zero, layout, { compiled: c, seed: 3, ...workload });
      const without = simulate(zero, layout, { compiled: withoutChecks(c), seed: 3, ...workload });
      expect(JSON.stringify(with_)).toBe(JSON.stringify(without));
      const a = simulate(zero, layout, { method: 'analytic', compiled: c, ...workload });
      const b = simulate(zero, layout, { method: 'analytic', compiled: withoutChecks(c), ...workload });
      expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    }
  });
});

/** The compiled network with its OP_CHECKs taken out (no framed calls here: no end pointers to move). */
function withoutChecks(c: Compiled): Compiled {
  return {
    ...c,
    programs: c.programs.map((p) => {
      const kept: number[] = [];
      for (let pc = 0; pc < p.code.length; pc += W) if (p.code[pc] !== OP_CHECK) kept.push(...p.code.subarray(pc, pc + W));
      return { ...p, code: Int32Array.from(kept) };
    }),
  };
}
