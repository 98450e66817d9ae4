// The jockeying chain of jsq.ts held to what its truncation promises, for the mutation run of
// src/simulate (after its first run of jsq.ts; jsq-exact.test.ts has the values against Erlang C
// and an independent join-the-shortest-queue chain to 1e-9). The chain is cut where a level's
// probability falls below 1e-14, so at spread 1 it is the pooled M/M/Rc to a few parts in 1e14
// (measured: 4e-14 at worst over these shapes): a cut a few levels early, or arrivals at the last
// level that leave the chain, shows at 1e-12. And jsqWait's stopping rule where it decides alone:
// one replica (every spread the same M/M/c), a wait far below the service time, replicas of several servers.
// Milliseconds.
import { describe, expect, it } from 'vitest';
import { jockeyChain, jsqWait } from '../../src/simulate/jsq.js';
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

describe('jsqWait: when the spreads stop', () => {
  it('one replica of two servers: spreads 1 and 2 are the same M/M/2, so it stops at 2 with that queue (P(wait) 1/3, wait 10/3 ms at a = 1)', () => {
    const j = jsqWait(1, 2, 0.1, 10)!;
    expect(j.spread).toBe(2);
    expect(rel(j.wait, mmcWait(2, 0.1, 10))).toBeLessThan(1e-12);
    expect(rel(j.wait, 10 / 3)).toBeLessThan(1e-12);
    expect(rel(j.pWait, 1 / 3)).toBeLessThan(1e-12);
  });

  it('a wait at ρ 1e-17 (the response would round to the service time) is M/M/1\'s, by Little\'s law on the queue, and has converged at spread 2', () => {
    const j = jsqWait(1, 1, 1e-18, 10)!;
    expect(rel(j.wait, mmcWait(1, 1e-18, 10))).toBeLessThan(1e-9);
    expect(j.spread).toBe(2);
    expect(rel(j.pWait, 1e-17)).toBeLessThan(1e-9);
  });

  it('two replicas of two servers below saturation (λs = 2 of R·c = 4) are solved, above the pooled M/M/4', () => {
    const j = jsqWait(2, 2, 0.2, 10)!;
    expect(j).toBeDefined();
    expect(j.wait).toBeGreaterThan(mmcWait(4, 0.2, 10));
    expect(jsqWait(2, 2, 0.4, 10)).toBeUndefined();
    expect(jsqWait(2, 2, 0.399, 10)).toBeDefined();
  });
});
