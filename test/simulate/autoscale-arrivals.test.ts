// The DES autoscaler on `metric: requests` counts the requests and calls that enter a unit, not
// its visits (compile.ts OP_ARRIVE, des/control.ts). `front` serves 300/s; each request makes a
// remote call to `back` (front's serialization CPU is a visit of its own before the call), an
// in-process call to front.helper (a visit) and its own CPU burst after them (a third visit): 900
// visits/s but 300 arrivals/s. Over a target of 85 a replica: ceil(300 / 85) = ceil(3.53) = 4
// replicas; counting visits, ceil(900 / 85) = 11.
import { describe, expect, it } from 'vitest';
import type { Autoscale } from '../../src/model/schema.js';
import { compile, OP_ARRIVE, OP_VISIT, W } from '../../src/simulate/compile.js';
import { simulate } from '../../src/simulate/simulate.js';
import { bp } from './helpers.js';

const calling = bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: calling }
system:
  domains:
    f:
      operations:
        op: { route: GET /op, cpu: { dist: const, mean: 20ms }, calls: [b.get, f.helper] }
        helper: { cpu: { dist: const, mean: 1ms } }
    b:
      operations:
        get: { cpu: { dist: const, mean: 2ms } }
layouts:
  two:
    units:
      front: { domains: [f], port: 8000, workers: 64 }
      back: { domains: [b], port: 8001, workers: 64 }
    network: { latency: 1ms, cpuPerCall: 0.5ms, cpuPerKiB: 0ms }
`);

const autoscale = (a: Partial<Autoscale>) => ({ front: { min: 1, max: 12, metric: 'requests', targetUtilization: 0.7, scaleUpDelay: 1000, coldStart: 0, ...a } as Autoscale });

/** op's program as the stations it visits and where requests arrive. */
function program(a?: Partial<Autoscale>): string[] {
  const c = compile(calling, 'two', a ? { autoscale: autoscale(a) } : {});
  const p = c.programs[c.entry.get('f.op')!]!.code;
  const out: string[] = [];
  for (let pc = 0; pc < p.length; pc += W) {
    if (p[pc] === OP_VISIT) out.push(`visit ${c.stations[p[pc + 1]!]!.id}`);
    if (p[pc] === OP_ARRIVE) out.push(`arrive ${c.stations[p[pc + 1]!]!.id}`);
  }
  return out;
}

describe('autoscaling on requests counts arrivals, not visits', () => {
  it('one arrival per request entering front: three visits there, one OP_ARRIVE before them', () => {
    expect(program({ target: 85 })).toEqual(['arrive front', 'visit front', 'visit back', 'visit front', 'visit front']);
  });

  it('no OP_ARRIVE where no unit scales on requests with a target: the programs are as before', () => {
    const plain = ['visit front', 'visit back', 'visit front', 'visit front'];
    expect(program()).toEqual(plain);
    expect(program({ metric: 'cpu', target: 85 })).toEqual(plain);
    // requests with no target scale on CPU
    expect(program({})).toEqual(plain);
  });

  it('300 requests/s over a target of 85 a replica is 4 replicas (900 visits/s would be 11), held through the window', () => {
    const r = simulate(calling, 'two', { rate: 300, mix: { 'f.op': 1 }, duration: 60_000, warmup: 10_000, seed: 7, compileOptions: { autoscale: autoscale({ target: 85 }) } });
    const front = r.stations.find((s) => s.id === 'front')!;
    expect({ max: front.maxReplicas, replicas: front.replicas }).toEqual({ max: 4, replicas: 4 });
  });
});
