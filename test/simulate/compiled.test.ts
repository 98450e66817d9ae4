// Golden tests of compiled programs: what the DES runs and the analytic method reads, spelled
// out instruction by instruction, so a wrong compilation shows here (the two methods agree by
// construction and would not catch it).
import { describe, expect, it } from 'vitest';
import { loadBlueprint } from '../../src/io/load.js';
import { compile, OP_BEGIN, OP_DELAY, OP_END, OP_SPAWN, OP_VISIT, W, type Compiled } from '../../src/simulate/compile.js';
import { network } from './builder.js';

/** One line per instruction: "visit message-service 0.35ms", "delay 0.5ms", "spawn …", "begin/end edge". */
export function listing(c: Compiled, program: number): string[] {
  const p = c.programs[program]!;
  const out: string[] = [];
  const d = (i: number) => {
    const x = c.dists[i]!;
    const kind = ['const', 'exp', 'lognormal', 'gamma', 'uniform'][x.kind]!;
    const ms = (v: number) => `${Number(v.toPrecision(6))}ms`;
    return x.mean > 0 ? `${kind} ${ms(x.mean)}${x.add ? ` + ${ms(x.add)}` : ''}` : ms(x.add);
  };
  for (let pc = 0; pc < p.code.length; pc += W) {
    const [op, a, b] = [p.code[pc]!, p.code[pc + 1]!, p.code[pc + 2]!];
    if (op === OP_VISIT) out.push(`visit ${c.stations[a]!.kind}:${c.stations[a]!.id} ${d(b)}`);
    else if (op === OP_DELAY) out.push(`delay ${d(a)}`);
    else if (op === OP_SPAWN) out.push(`spawn ${c.programs[a]!.name}`);
    else if (op === OP_BEGIN) out.push(`begin ${c.edges[a]!.id} (end at ${b / W})`);
    else if (op === OP_END) out.push(`end ${c.edges[a]!.id}`);
  }
  return out;
}

const { blueprint: qc } = loadBlueprint('blueprints/quantchat.yaml');

describe('compiled programs', () => {
  it('messages.send in QuantChat microservices', async () => {
    const c = compile(qc, 'microservices');
    const text = listing(c, c.entry.get('messages.send')!).join('\n') + '\n';
    await expect(text).toMatchFileSnapshot('golden/quantchat-microservices-messages.send.txt');
  });

  it('messages.send in the monolith: the same work, no hops', async () => {
    const c = compile(qc, 'monolith');
    const text = listing(c, c.entry.get('messages.send')!).join('\n') + '\n';
    await expect(text).toMatchFileSnapshot('golden/quantchat-monolith-messages.send.txt');
    expect(text).not.toContain('delay');
  });

  it('a built tandem: caller serialization, hop, callee, hop back, caller CPU', () => {
    const c = compile(network([{ mean: 2 }, { mean: 3 }], { latency: 1 }), 'one');
    // no serialization CPU in this network (cpuPerCall 0): the call is a hop, the callee, a hop
    expect(listing(c, c.entry.get('a.op')!)).toEqual(['delay 1ms', 'visit unit:ub exp 3ms', 'delay 1ms', 'visit unit:ua exp 2ms']);
  });
});
