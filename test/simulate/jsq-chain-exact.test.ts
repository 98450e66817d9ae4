// The jockeying chain of jsq.ts held to what its truncation promises, for the mutation run of
// src/simulate (after its first run of jsq.ts; jsq-exact.test.ts has the values against Erlang C
// and an independent join-the-shortest-queue chain to 1e-9). The chain is cut where a level's
// probability falls below 1e-14, so at spread 1 it is the pooled M/M/Rc to a few parts in 1e14
// (measured: 4e-14 at worst over these shapes): a cut a few levels early, or arrivals at the last
// level that leave the chain, shows at 1e-12. Milliseconds.
import { describe, expect, it } from 'vitest';
import { jockeyChain } from '../../src/simulate/jsq.js';
import { erlangC, mmcWait } from '../../src/simulate/queueing.js';

const rel = (x: number, y: number) => Math.abs(x - y) / Math.abs(y);

describe('jockeyChain at spread 1: the pooled M/M/Rc to 1e-12', () => {
  it('for one- and two-server replicas from ρ 0.3 to 0.9', () => {
    for (const [R, c, rho] of [
      [2, 1, 0.5],
      [4, 1, 0.8],
      [3, 2, 0.9],
      [2, 2, 0.3],
      [2, 1, 0.9],
    ] as const) {
      const lambda = (rho * R * c) / 10;
      const x = jockeyChain(R, c, lambda, 10, 1);
      expect(rel(x.wait, mmcWait(R * c, lambda, 10)), `${R}×${c} at ${rho}`).toBeLessThan(1e-12);
      expect(rel(x.pWait, erlangC(R * c, lambda * 10)), `${R}×${c} at ${rho}`).toBeLessThan(1e-12);
    }
  });
});
