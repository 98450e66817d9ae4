// compile.ts at its edges, for the survivors of its first mutation run (reports/BENCHMARKS.md,
// issue 20): zero-length figures that must add no instruction (a wait of 0, a pool of 0, a broker
// latency of 0, a hop of 0 ms that is no hop), a policy framing a call made twice (one edge), two
// frames each closed by its own edge, undeclared events, an instance missing from the catalog,
// an event's own payload, a read and a write with no store, the distributions table itself.
// Milliseconds: no simulation.
import { describe, expect, it } from 'vitest';
import { Blueprint } from '../../src/model/schema.js';
import { compile, compileWarns, OP_BEGIN, OP_CHECK, OP_DELAY, OP_END, OP_SPAWN, OP_VISIT, W, type Compiled } from '../../src/simulate/compile.js';

const C = (ms: number) => ({ dist: 'const', mean: `${ms}ms` });

function listing(c: Compiled, program: number): string[] {
  const p = c.programs[program]!;
  const d = (i: number) => {
    const x = c.dists[i]!;
    return `${['const', 'exp', 'lognormal', 'gamma', 'uniform'][x.kind]} ${Number(x.mean.toPrecision(10))} + ${Number(x.add.toPrecision(10))}`;
  };
  const out: string[] = [];
  for (let pc = 0; pc < p.code.length; pc += W) {
    const [op, a, b] = [p.code[pc]!, p.code[pc + 1]!, p.code[pc + 2]!];
    if (op === OP_VISIT) out.push(`visit ${c.stations[a]!.id} ${d(b)}`);
    else if (op === OP_DELAY) out.push(`delay ${d(a)}`);
    else if (op === OP_SPAWN) out.push(`spawn ${c.programs[a]!.name}`);
    else if (op === OP_BEGIN) out.push(`begin ${c.edges[a]!.id} end@${b / W}`);
    else if (op === OP_END) out.push(`end ${c.edges[a]!.id}`);
    else if (op === OP_CHECK) out.push(`check ${c.stations[a]!.id}`);
  }
  return out;
}

/**
 * a.op on unit ua calls b.get twice (count 2, timeout 50 ms) and b.put (optional), with a wait
 * and pool work of 0 ms, and emits `sent` (its own 3 KiB payload, consumed by b.take) and
 * `undeclared` (in no events list). b on unit ub. Hops of 0 ms; 0.1 ms a call and 0.01 ms a KiB.
 */
function edges(layout: Record<string, unknown> = {}): Blueprint {
  return Blueprint.parse({
    apiVersion: 'archsim/v1',
    kind: 'Blueprint',
    metadata: { name: 'edges' },
    system: {
      defaults: { payload: { request: '0B', response: '0B', event: '1KiB' } },
      domains: {
        a: { tables: [], operations: { op: { route: 'GET /a', cpu: C(1), wait: '0ms', pool: '0ms', calls: [{ op: 'b.get', count: 2, timeout: '50ms' }, { op: 'b.put', optional: true }], emits: ['sent', 'undeclared'] } } },
        b: {
          tables: ['items'],
          operations: { get: { internal: true, cpu: C(2) }, put: { internal: true, cpu: C(3), db: { reads: 1, writes: 1 } }, take: { internal: true, cpu: C(0.5) } },
        },
      },
      events: { sent: { consumers: ['b.take'], payload: '3KiB' } },
    },
    catalog: {},
    layouts: {
      one: {
        units: { ua: { domains: ['a'], port: 8000, instance: 'not-in-catalog', workers: 3 }, ub: { domains: ['b'], port: 8001 } },
        network: { latency: '0ms', cpuPerCall: '0.1ms', cpuPerKiB: '0.01ms' },
        ...layout,
      },
    },
  });
}

describe('compile at its edges', () => {
  it('no hop of 0 ms, no wait or pool work of 0 ms; a call made twice under one policy is one edge, and each frame ends on its own edge', () => {
    const c = compile(edges(), 'one');
    // an instance missing from the catalog counts as 1 vCPU: 1 server for 3 workers
    expect(c.stations.map((s) => [s.id, s.servers])).toEqual([
      ['ua', 1],
      ['ub', 1],
    ]);
    expect(c.edges.map((e) => e.id)).toEqual(['a.op → b.get', 'a.op → b.put']);
    expect(listing(c, c.entry.get('a.op')!)).toEqual([
      // a.op starts with its calls: entering ua is checked first, outside the frames
      'check ua',
      'begin a.op → b.get end@4',
      'visit ua const 0 + 0.1',
      'visit ub const 2 + 0.1',
      'end a.op → b.get',
      'begin a.op → b.get end@8',
      'visit ua const 0 + 0.1',
      'visit ub const 2 + 0.1',
      'end a.op → b.get',
      'begin a.op → b.put end@12',
      'visit ua const 0 + 0.1',
      'visit ub const 3 + 0.1',
      'end a.op → b.put',
      // direct events: no publishing CPU; `undeclared` has no consumers
      'visit ua const 1 + 0',
      'spawn sent → b.take',
    ]);
    const t = c.programs[c.entry.get('a.op')!]!.tally;
    expect([t.hops, t.networkMs, t.remoteCalls, t.publishes]).toEqual([0, 0, 3, 2]);
    // the event's own 3 KiB: 0.1 + 0.03 ms each side
    expect(listing(c, c.programs.findIndex((p) => p.name === 'sent → b.take'))).toEqual(['visit ua const 0 + 0.13', 'visit ub const 0.5 + 0.13']);
    // b.put's read and write have no store here
    expect(c.warnings).toEqual(['b.put queries a database but b has no datastore in one; queries skipped']);
    expect(compileWarns(edges(), 'one')).toBe(true);
    // the distributions, one per figure, in the order they were first needed
    expect(c.dists.slice(0, 3)).toEqual([
      { kind: 0, mean: 0, cv: 0, add: 0.1, min: 0, max: 0 },
      { kind: 0, mean: 2, cv: 0, add: 0.1, min: 0, max: 0 },
      { kind: 0, mean: 0, cv: 0, add: 0.1, min: 0, max: 0 },
    ]);
    expect(c.dists.every((d) => typeof d === 'object' && d.kind >= 0)).toBe(true);
    // a pool of 0 ms gives the unit no thread-pool station
    expect(c.stations.some((s) => s.kind === 'pool')).toBe(false);
  });

  it('through a broker with no latency: no delay; an undeclared event is published at the default payload and spawns nothing', () => {
    const c = compile(edges({ broker: { kind: 'rabbitmq', cpu: C(0.4), latency: '0ms', publishCpu: '0.2ms', consumeCpu: '0.7ms' } }), 'one');
    const page = listing(c, c.entry.get('a.op')!);
    // publishing: 0.2 + 0.03 ms for `sent` (3 KiB), 0.2 + 0.01 ms for `undeclared` (the default 1 KiB)
    expect(page.slice(-2)).toEqual(['visit ua const 1 + 0.44', 'spawn sent → b.take']);
    expect(listing(c, c.programs.findIndex((p) => p.name === 'sent → b.take'))).toEqual(['visit broker const 0.4 + 0', 'visit ub const 0.5 + 0.73']);
  });

  it('a consumer that names no operation: its spawned work is empty', () => {
    const bp = edges();
    bp.system.events.sent!.consumers = ['b.gone'];
    const c = compile(bp, 'one');
    expect(listing(c, c.programs.findIndex((p) => p.name === 'sent → b.gone'))).toEqual([]);
  });

  it('a unit naming a domain the system lacks still compiles', () => {
    const bp = edges();
    bp.layouts.one!.units.ub!.domains = ['b', 'ghost'];
    expect(compile(bp, 'one').stations.map((s) => s.id)).toEqual(['ua', 'ub']);
  });
});

describe('compile: stations on a fractional vCPU', () => {
  const bp = (units: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    Blueprint.parse({
      apiVersion: 'archsim/v1',
      kind: 'Blueprint',
      metadata: { name: 'q' },
      system: { domains: { a: { operations: { op: { route: 'GET /a', cpu: '1ms' } } } } },
      layouts: { one: { units, ...extra } },
      catalog: { quarter: { vcpu: 0.25, usdPerMonth: 1 }, two: { vcpu: 2, usdPerMonth: 1 }, half3: { vcpu: 2.5, usdPerMonth: 1 } },
    });
  it('a quarter vCPU: one whole core, capacity overstated ×4, said once naming every station on it', () => {
    const c = compile(bp({ u: { domains: ['a'], port: 8000, instance: 'quarter' } }, { gateway: { kind: 'nginx', port: 80, instance: 'quarter' } }), 'one');
    expect(c.stations.find((s) => s.id === 'u')!.servers).toBe(1);
    expect(c.warnings).toEqual([
      "quarter has 0.25 vCPU, simulated as 1 whole core (the gateway, u): capacity overstated up to ×4, since a CPU quota caps the work per scheduling period and past 0.25 of a core's load requests wait for the next one",
    ]);
  });
  it('whole vCPUs, and one worker on 2.5 vCPU (it uses one core): nothing to say', () => {
    expect(compile(bp({ u: { domains: ['a'], port: 8000, instance: 'two', workers: 2 } }), 'one').warnings).toEqual([]);
    expect(compile(bp({ u: { domains: ['a'], port: 8000, instance: 'half3', workers: 1 } }), 'one').warnings).toEqual([]);
    // two workers on 2.5: 2 cores, still within the quota
    expect(compile(bp({ u: { domains: ['a'], port: 8000, instance: 'half3', workers: 2 } }), 'one').warnings).toEqual([]);
  });
  it('three workers on 2.5 vCPU: 3 cores, over the quota', () => {
    expect(compile(bp({ u: { domains: ['a'], port: 8000, instance: 'half3', workers: 3 } }), 'one').warnings).toEqual([
      "half3 has 2.5 vCPU, simulated as 3 whole cores (u): capacity overstated up to ×1.2, since a CPU quota caps the work per scheduling period and past 2.5 of a core's load requests wait for the next one",
    ]);
  });
});
