// After the last arrival the DES lets the system drain for as long as the run lasted, and for at
// least 30 s of simulated time (engine.ts `horizon`), then stops: an overloaded run ends with
// its backlog counted as unfinished instead of running on. Worked by hand with one server and
// constant work, 40 requests a second evenly spaced over 2 s from a phase φ under 25 ms (80
// arrivals, at φ + 25k), so the server is busy from φ on and lets one out every service time.
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/simulate/compile.js';
import { runDes } from '../../src/simulate/des/engine.js';
import { workloadFor } from '../../src/simulate/workload.js';
import { network } from './builder.js';

const run = (serviceMs: number) => {
  const bp = network([{ servers: 1, dist: 'const', mean: serviceMs }]);
  const w = workloadFor(bp, { duration: 2000, warmup: 0, rate: 40, arrivals: 'paced', mix: { 'a.op': 1 } });
  return runDes(compile(bp, 'one'), w, { seed: 1 });
};

describe('the drain after the last arrival', () => {
  it('a short run drains for 30 s, not only for its own 2 s: 103 ms each, the last answered at φ + 8.24 s', () => {
    const raw = run(103);
    expect(raw.requests).toBe(80);
    expect(raw.unfinished).toBe(0);
    expect(raw.count[0]).toBe(80);
    expect(raw.errors[0]).toBe(0);
  });

  it('stops at 2 s + 30 s: 1 s each, departures at φ + j s for j = 1…31, 49 left unfinished', () => {
    const raw = run(1000);
    expect(raw.requests).toBe(80);
    expect(raw.unfinished).toBe(49);
  });
});
