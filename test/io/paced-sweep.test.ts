// The paced sweep behind the cold-visit tables: each pace's measured calls are exactly the
// calls(pace) it says, each one a whole pace after the call before it (the first measured call
// included: it used to follow the last unmeasured one at once, a warm call among cold ones).
import { describe, expect, it } from 'vitest';
import { pacedSweep, SETTLE_MS, until } from '../../src/io/paced-sweep.js';

describe('pacedSweep', () => {
  it('measures calls(pace) calls per pace, every measured call a pace after the one before', async () => {
    const at: number[] = [];
    let cpu = 0;
    // each call costs exactly 1 ms of "CPU": a pace's serverMs is 1 only if its count is right
    const one = async () => {
      at.push(performance.now());
      cpu += 1;
    };
    const paces = [0, 40, 120];
    const calls = (p: number) => (p === 0 ? 7 : p >= 100 ? 3 : 4);
    const r = await pacedSweep(one, () => cpu, paces, calls, 10);
    expect(r).not.toBeNull();
    expect(r!.points.map((p) => [p.paceMs, p.calls, p.serverMs])).toEqual([
      [0, 7, 1],
      [40, 4, 1],
      [120, 3, 1],
    ]);
    // 10 warm-up, 600 at 1 ms; then per pace 5 unmeasured (1 from 500 ms: none here) and the measured
    expect(at.length).toBe(10 + 600 + (5 + 7) + (5 + 4) + (5 + 3));
    const measured120 = at.slice(-3);
    const before = at[at.length - 4]!;
    // the first measured call at 120 ms waits its pace after the last unmeasured one (never early:
    // `until` waits again when a timer fires before performance.now() reaches the target)
    expect(measured120[0]! - before).toBeGreaterThanOrEqual(120);
    expect(measured120[0]! - before).toBeLessThan(160);
    // the idle reading: no calls, no CPU
    expect(r!.idleMsPerMs).toBe(0);
  }, 20_000);

  it("splits a call's CPU: pathMs is what ran until its answer had settled, serverMs all of it", async () => {
    let cpu = 0;
    // 1 ms on the answer's path, 2 more 100 ms later (a timer after the answer: idle-time GC's
    // kind). The gaps are wide so that a loaded machine's late timers (CI saw 180 ms) cannot move
    // the later part into the call's own window: the settle timer may be ~95 ms late, the paces
    // leave the later part 200 ms to land before the next call (both under 500 ms, where the
    // sweep warms a pace with five calls, so the last point's later part lands among those).
    const one = async () => {
      cpu += 1;
      setTimeout(() => (cpu += 2), SETTLE_MS + 97);
    };
    const r = await pacedSweep(one, () => cpu, [0, 300, 450], (p) => (p === 0 ? 5 : 3), 10);
    const [base, p300, p450] = r!.points;
    // back to back the later part lands among the calls: all of it is the calls', and no pathMs
    expect(base!.pathMs).toBeUndefined();
    expect(p300!.serverMs).toBe(3);
    expect(p300!.pathMs).toBe(1);
    expect(p450!.pathMs).toBe(1);
    expect(p450!.serverMs).toBe(3);
  }, 20_000);

  it('until: never resolves before its target time, whatever fraction of a millisecond is left', async () => {
    for (const ms of [0.2, 0.7, 1.5, 3.3, 10.9, 25.01]) {
      const target = performance.now() + ms;
      await until(target);
      const now = performance.now();
      expect(now, `${ms} ms`).toBeGreaterThanOrEqual(target);
      // Never early is the rule; late is the machine's (a loaded CI machine fired a timer 180 ms
      // late): the bound only says it resolves, not how promptly.
      expect(now - target, `${ms} ms`).toBeLessThan(1000);
    }
    // a target already past resolves at once
    const t = performance.now();
    await until(t - 5);
    expect(performance.now() - t).toBeLessThan(20);
  });
});
