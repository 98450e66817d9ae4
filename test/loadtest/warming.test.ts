// A closed (capacity) run whose first window was still warming up (JIT, pools, caches): the
// window is dropped and one more measured, so the capacity the load levels are placed by is the
// warm system's.
import { describe, expect, it } from 'vitest';
import { MAX_WARMING_WINDOWS, stillWarming, WARMING_RATIO, windowsOnceWarm } from '../../src/loadtest/layout-run.js';

describe('stillWarming', () => {
  it('the first window below 90% of the median of the others', () => {
    expect(WARMING_RATIO).toBe(0.9);
    // the monolith's capacity windows of 2026-12-04 21:25: 183/s against 295 and 299
    expect(stillWarming([183, 295, 299])).toBe(true);
    // exactly 90% of the median is warm; just under is not
    expect(stillWarming([90, 100, 100])).toBe(false);
    expect(stillWarming([89.99, 100, 100])).toBe(true);
    // the median, not the mean: one fast later window does not make the first look cold
    expect(stillWarming([95, 90, 100, 1000])).toBe(false);
    // an even count of others: the mean of the middle two (100 and 110 → 105; 90% is 94.5)
    expect(stillWarming([94, 100, 110, 120, 90])).toBe(true);
    expect(stillWarming([95, 100, 110, 120, 90])).toBe(false);
    // a first window faster than the rest is not warming up
    expect(stillWarming([300, 250, 260])).toBe(false);
  });

  it('needs a window after the first to compare with', () => {
    expect(stillWarming([10])).toBe(false);
    expect(stillWarming([])).toBe(false);
    expect(stillWarming([10, 100])).toBe(true);
  });
});

describe('windowsOnceWarm', () => {
  /** measures the next of `throughputs` at each call, recording which window index it was asked for */
  const script = (throughputs: number[]) => {
    const asked: number[] = [];
    let k = 0;
    return { asked, measure: async (i: number) => (asked.push(i), { x: throughputs[k++]! }) };
  };

  it('drops a rising start and measures one more each time, up to the bound', async () => {
    // 55, 67, 79 (microservices, still rising): 55 dropped; 67 against 79 and 81 dropped; 79, 81, 80 kept
    const s = script([55, 67, 79, 81, 80]);
    const drops: number[] = [];
    const r = await windowsOnceWarm(3, true, (w) => w.x, s.measure, (x) => drops.push(x));
    expect(r.windows.map((w) => w.x)).toEqual([79, 81, 80]);
    expect(r.dropped).toEqual([55, 67]);
    expect(drops).toEqual([55, 67]);
    expect(s.asked).toEqual([0, 1, 2, 3, 4]);
    // still rising after MAX_WARMING_WINDOWS drops: the run is what it is
    expect(MAX_WARMING_WINDOWS).toBe(2);
    const t = script([10, 20, 40, 80, 160, 320]);
    const q = await windowsOnceWarm(3, true, (w) => w.x, t.measure);
    expect(q.dropped).toEqual([10, 20]);
    expect(q.windows.map((w) => w.x)).toEqual([40, 80, 160]);
    expect(t.asked).toEqual([0, 1, 2, 3, 4]);
  });

  it('keeps a warm start, an open run and a single window as measured', async () => {
    const warm = script([283, 254, 283]);
    expect(await windowsOnceWarm(3, true, (w) => w.x, warm.measure)).toEqual({ windows: [{ x: 283 }, { x: 254 }, { x: 283 }], dropped: [] });
    // an open run's throughput is its arrival rate: it cannot tell, and is never extended
    const open = script([50, 100, 100]);
    expect((await windowsOnceWarm(3, false, (w) => w.x, open.measure)).dropped).toEqual([]);
    expect(open.asked).toEqual([0, 1, 2]);
    const one = script([1, 100]);
    expect(await windowsOnceWarm(1, true, (w) => w.x, one.measure)).toEqual({ windows: [{ x: 1 }], dropped: [] });
  });
});
