// The host's two pools (ps-pool.ts): the thread pools' work runs on the cores the rest leaves.
// Hand-worked timelines on a tiny event loop of its own (no compiled blueprint), so each rule of
// the priority is checked exactly: a job above runs at full speed beside any number below, jobs
// below stall while the cores are taken and resume with what they had left, and share what is
// left among themselves.
import { describe, expect, it } from 'vitest';
import { PsPool } from '../../src/simulate/des/ps-pool.js';
import { Loop } from './ps-loop.js';

function host(cores: number, weight = 0) {
  const loop = new Loop();
  const high = new PsPool(0, cores, loop, loop.finished);
  const low = new PsPool(1, cores, loop, loop.finished, 0, high, weight);
  loop.pools.push(high, low);
  return { loop, high, low };
}

describe('PsPool with a pool above it (the host’s thread pools)', () => {
  it('one core: a short job above runs at full speed beside a long one below, which resumes after it', () => {
    const { loop, high, low } = host(1);
    loop.later(0, () => low.add(loop.token('hash'), 10));
    loop.later(2, () => high.add(loop.token('visit'), 3));
    loop.run();
    // plain sharing would finish the visit at 8 (3 ms at half speed) and the hash at 13 too
    expect(loop.done).toEqual([
      { name: 'visit', at: 5 },
      { name: 'hash', at: 13 },
    ]);
  });

  it('one core: jobs below share what is left among themselves, and stall while it is none', () => {
    const { loop, high, low } = host(1);
    loop.later(0, () => low.add(loop.token('a'), 4));
    loop.later(0, () => low.add(loop.token('b'), 6));
    loop.later(1, () => high.add(loop.token('v1'), 2));
    loop.later(2, () => high.add(loop.token('v2'), 2));
    loop.run();
    // 0–1: a and b at half speed each (3.5 and 5.5 left). 1–5 the visits hold the core: 1–2 v1
    // alone (1 left); 2–4 v1 and v2 at half speed: v1 done at 4, v2 has 1 left; 4–5 v2 alone,
    // done at 5. From 5 a and b at half speed again: a done at 12, b alone with 2 left: done at 14.
    expect(loop.done).toEqual([
      { name: 'v1', at: 4 },
      { name: 'v2', at: 5 },
      { name: 'a', at: 12 },
      { name: 'b', at: 14 },
    ]);
  });

  it('two cores: a job below takes the core a single job above leaves', () => {
    const { loop, high, low } = host(2);
    loop.later(0, () => low.add(loop.token('hash'), 4));
    loop.later(0, () => high.add(loop.token('visit'), 2));
    loop.later(1, () => high.add(loop.token('visit2'), 2));
    loop.run();
    // 0–1: one job above, the hash has the other core; 1–3: two above, the hash stalls (3 left);
    // visit done at 2, visit2 at 3; the hash from 2 again (one core free): 3 left → done at 5
    expect(loop.done).toEqual([
      { name: 'visit', at: 2 },
      { name: 'visit2', at: 3 },
      { name: 'hash', at: 5 },
    ]);
  });

  it('without a pool above, a pool is plain processor sharing', () => {
    const loop = new Loop();
    const p = new PsPool(0, 1, loop, loop.finished);
    loop.pools.push(p);
    loop.later(0, () => p.add(loop.token('a'), 10));
    loop.later(2, () => p.add(loop.token('b'), 3));
    loop.run();
    // 2–8 at half speed each: b done at 8, a has 10 − 2 − 3 = 5 left, done at 13
    expect(loop.done).toEqual([
      { name: 'b', at: 8 },
      { name: 'a', at: 13 },
    ]);
  });

  it('one core, weight 0.5: a job below gets half the share of one above, and they finish as worked out by hand', () => {
    const { loop, high, low } = host(1, 0.5);
    loop.later(0, () => low.add(loop.token('hash'), 10));
    loop.later(2, () => high.add(loop.token('visit'), 3));
    loop.run();
    // 0–2 the hash alone (8 left); from 2 the visit at 1/1.5 = 2/3 of the core and the hash at 1/3:
    // the visit's 3 ms take 4.5 (done at 6.5), the hash gets 1.5 of them (6.5 left): done at 13
    expect(loop.done).toEqual([
      { name: 'visit', at: 6.5 },
      { name: 'hash', at: 13 },
    ]);
  });

  it('one core, weight 1: plain sharing across both pools', () => {
    const { loop, high, low } = host(1, 1);
    loop.later(0, () => low.add(loop.token('hash'), 10));
    loop.later(2, () => high.add(loop.token('visit'), 3));
    loop.run();
    // as the single plain pool below: the visit at half speed from 2, done at 8; the hash at 13
    expect(loop.done).toEqual([
      { name: 'visit', at: 8 },
      { name: 'hash', at: 13 },
    ]);
  });

  it('two cores, weight 0.5: two jobs above and one below get 0.8 and 0.4 of a core; a job below changes the rate above', () => {
    const { loop, high, low } = host(2, 0.5);
    loop.later(0, () => high.add(loop.token('v1'), 4));
    loop.later(0, () => high.add(loop.token('v2'), 8));
    loop.later(1, () => low.add(loop.token('hash'), 2));
    loop.run();
    // 0–1 v1 and v2 a core each (3 and 7 left). From 1 the weights are 1 + 1 + 0.5: v1 and v2 at
    // 2/2.5 = 0.8, the hash at 0.4. v1 done at 1 + 3/0.8 = 4.75 (v2 has 4 left, the hash 0.5);
    // then one above and one below, each a core: the hash done at 5.25, v2 at 8.75
    expect(loop.done).toEqual([
      { name: 'v1', at: 4.75 },
      { name: 'hash', at: 5.25 },
      { name: 'v2', at: 8.75 },
    ]);
  });
});
