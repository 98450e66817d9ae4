// The DES refuses arrivals while the system is full (MAX_IN_SYSTEM, a million by default; set to 5
// here through DesOptions.maxInSystem so a two-second run reaches it). Worked by hand: one server,
// a constant 103 ms of work, 40 requests a second evenly spaced from a phase φ under 25 ms, so
// arrival k comes at φ + 25k (k = 0…79) and the server, busy from the first arrival on, lets one
// out at φ + 103j. Arrivals 0–4 fill the system (the first departure, φ + 103, comes after
// arrival 4 at φ + 100); from then on each departure j frees one place, taken by the first
// arrival after it (k = ⌈4.12 j⌉, never a tie for j < 25), and every other arrival is refused.
// Departures before the last arrival (φ + 1975): j = 1…19. So 5 + 19 = 24 requests run and 56 are
// refused; a refusal is an error of its operation when it arrives in the measured window.
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/simulate/compile.js';
import { runDes } from '../../src/simulate/des/engine.js';
import { workloadFor } from '../../src/simulate/workload.js';
import { network } from './builder.js';

const bp = network([{ servers: 1, dist: 'const', mean: 103 }]);
const c = compile(bp, 'one');

describe('the DES refuses arrivals while the system is full', () => {
  it('no warm-up: 24 requests run, 56 refused, every refusal an error of its operation', () => {
    const w = workloadFor(bp, { duration: 2000, warmup: 0, rate: 40, arrivals: 'paced', mix: { 'a.op': 1 } });
    for (const seed of [1, 2, 3]) {
      const raw = runDes(c, w, { seed, maxInSystem: 5 });
      expect(raw.requests, `seed ${seed}`).toBe(24);
      expect(raw.rejected, `seed ${seed}`).toBe(56);
      // 24 that ran (all answered in the drain) and 56 refused, all of them in the window
      expect(raw.count[0], `seed ${seed}`).toBe(80);
      expect(raw.errors[0], `seed ${seed}`).toBe(56);
      expect(raw.unfinished, `seed ${seed}`).toBe(0);
    }
  });

  it('a warm-up of 500 ms: refusals before it are not counted', () => {
    // The window holds arrivals 20…79 (φ + 500 on); of them the ones after departures j = 5…19
    // run (k = ⌈4.12 j⌉ = 21…79; j = 4 lets in arrival 17): 15 run and 45 are refused in the window.
    // The warm-up is the start of the run's 2 s (the measured window is [500, 2000) ms).
    const w = workloadFor(bp, { duration: 2000, warmup: 500, rate: 40, arrivals: 'paced', mix: { 'a.op': 1 } });
    const raw = runDes(c, w, { seed: 1, maxInSystem: 5 });
    expect(raw.requests + raw.rejected).toBe(80);
    expect(raw.rejected).toBe(56);
    expect(raw.count[0]).toBe(60);
    expect(raw.errors[0]).toBe(45);
  });

  it('without the option, the default (a million) refuses nothing in the same run', () => {
    const w = workloadFor(bp, { duration: 2000, warmup: 0, rate: 40, arrivals: 'paced', mix: { 'a.op': 1 } });
    const raw = runDes(c, w, { seed: 1 });
    expect(raw.rejected).toBe(0);
    expect(raw.requests).toBe(80);
    expect(raw.errors[0]).toBe(0);
  });

  it('a closed user refused at the door thinks and comes back (two users, room for one)', () => {
    // With room for one request, two users take turns: the one refused thinks and tries again,
    // so together they keep the server busier than one user alone. Were a refused user dropped,
    // the run would fall back to one user's requests after the first refusal.
    const closed = (users: number) => workloadFor(bp, { duration: 20_000, warmup: 0, users, thinkTime: { dist: 'exp', mean: 100, cv: 1 }, mix: { 'a.op': 1 } });
    for (const seed of [1, 2, 3]) {
      const one = runDes(c, closed(1), { seed, maxInSystem: 1 });
      const two = runDes(c, closed(2), { seed, maxInSystem: 1 });
      expect(one.rejected, `seed ${seed}`).toBe(0);
      // a refused user comes back after each think: refused again and again while the other is served
      expect(two.rejected, `seed ${seed}`).toBeGreaterThan(20);
      // one user: a cycle is 103 ms of work and 100 ms of thinking on average, about 98 in 20 s
      expect(one.requests, `seed ${seed}`).toBeGreaterThan(80);
      expect(one.requests, `seed ${seed}`).toBeLessThan(120);
      // two: 121–129 here (seeds 1–5), the server idle only while both think (at most 20 s / 103 ms
      // = 194 requests); a refused user dropped leaves one user's 90–106 and a single refusal
      expect(two.requests, `seed ${seed}`).toBeGreaterThan(1.15 * one.requests);
      expect(two.requests, `seed ${seed}`).toBeLessThanOrEqual(195);
    }
  });
});
