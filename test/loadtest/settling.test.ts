// A run whose first window came before the system had settled: a closed (capacity) run still
// warming up, an open run caught in a transient that then cleared. The window is dropped and one
// more measured, so the figures are the settled system's.
import { describe, expect, it } from 'vitest';
import { firstUnsettled, MAX_UNSETTLED_WINDOWS, SETTLING_FACTOR, unsettledNote, WARMING_RATIO, windowsOnceSettled } from '../../src/loadtest/settling.js';

const closed = (...xs: number[]) => xs.map((throughput) => ({ throughput, p50: 1 }));
const open = (...xs: number[]) => xs.map((p50) => ({ throughput: 50, p50 }));

describe('firstUnsettled: a closed run by its throughput', () => {
  it('the first window below 90% of the median of the others', () => {
    expect(WARMING_RATIO).toBe(0.9);
    // the monolith's capacity windows of 2026-12-04 21:33: 183/s against 295 and 299
    expect(firstUnsettled(true, closed(183, 295, 299))).toBe(true);
    // exactly 90% of the median is settled; just under is not
    expect(firstUnsettled(true, closed(90, 100, 100))).toBe(false);
    expect(firstUnsettled(true, closed(89.99, 100, 100))).toBe(true);
    // the median, not the mean: one fast later window does not make the first look cold
    expect(firstUnsettled(true, closed(95, 90, 100, 1000))).toBe(false);
    // an even count of others: the mean of the middle two (100 and 110 → 105; 90% is 94.5)
    expect(firstUnsettled(true, closed(94, 100, 110, 120, 90))).toBe(true);
    expect(firstUnsettled(true, closed(95, 100, 110, 120, 90))).toBe(false);
    // a first window faster than the rest is not warming up; its latency says nothing here
    expect(firstUnsettled(true, [{ throughput: 300, p50: 1000 }, { throughput: 250, p50: 1 }, { throughput: 260, p50: 1 }])).toBe(false);
  });
});

describe('firstUnsettled: an open run by its p50', () => {
  it('the first window over 2.5× the median p50 of the others', () => {
    expect(SETTLING_FACTOR).toBe(2.5);
    // microservices at 75% of capacity, 2026-12-04 21:33: 177.5 ms, then 9.9 and 11.8
    expect(firstUnsettled(false, open(177.5, 9.9, 11.8))).toBe(true);
    expect(firstUnsettled(false, open(25, 10, 10))).toBe(false);
    expect(firstUnsettled(false, open(25.01, 10, 10))).toBe(true);
    // a level getting slower window after window (saturated) keeps its first window
    expect(firstUnsettled(false, open(20, 60, 200))).toBe(false);
    // its throughput is the arrival rate: a low one says nothing
    expect(firstUnsettled(false, [{ throughput: 1, p50: 10 }, { throughput: 50, p50: 10 }, { throughput: 50, p50: 10 }])).toBe(false);
    // windows without a latency (no requests) say nothing
    expect(firstUnsettled(false, open(50, 0, 0))).toBe(false);
  });

  it('needs a window after the first to compare with', () => {
    expect(firstUnsettled(true, closed(10))).toBe(false);
    expect(firstUnsettled(false, [])).toBe(false);
    expect(firstUnsettled(true, closed(10, 100))).toBe(true);
    expect(firstUnsettled(false, open(100, 10))).toBe(true);
  });
});

describe('windowsOnceSettled', () => {
  /** measures the next of `xs` at each call, recording which window index it was asked for */
  const script = (xs: { throughput: number; p50: number }[]) => {
    const asked: number[] = [];
    let k = 0;
    return { asked, measure: async (i: number) => (asked.push(i), xs[k++]!) };
  };
  const same = (w: { throughput: number; p50: number }) => w;

  it('drops a rising start and measures one more each time, up to the bound', async () => {
    // 55, 67, 79 (microservices, still rising): 55 dropped; 67 against 79 and 81 dropped; 79, 81, 80 kept
    const s = script(closed(55, 67, 79, 81, 80));
    const drops: number[] = [];
    const r = await windowsOnceSettled(3, true, same, s.measure, (d) => drops.push(d.throughput));
    expect(r.windows.map((w) => w.throughput)).toEqual([79, 81, 80]);
    expect(r.dropped.map((d) => d.throughput)).toEqual([55, 67]);
    expect(drops).toEqual([55, 67]);
    expect(s.asked).toEqual([0, 1, 2, 3, 4]);
    // still rising after MAX_UNSETTLED_WINDOWS drops: the run is what it is
    expect(MAX_UNSETTLED_WINDOWS).toBe(2);
    const t = script(closed(10, 20, 40, 80, 160, 320));
    const q = await windowsOnceSettled(3, true, same, t.measure);
    expect(q.dropped.map((d) => d.throughput)).toEqual([10, 20]);
    expect(q.windows.map((w) => w.throughput)).toEqual([40, 80, 160]);
    expect(t.asked).toEqual([0, 1, 2, 3, 4]);
  });

  it('drops an open run’s transient first window', async () => {
    const s = script(open(582.1, 19.6, 14.3, 16));
    const r = await windowsOnceSettled(3, false, same, s.measure);
    expect(r.windows.map((w) => w.p50)).toEqual([19.6, 14.3, 16]);
    expect(r.dropped.map((d) => d.p50)).toEqual([582.1]);
  });

  it('keeps a settled start and a single window as measured', async () => {
    const warm = script(closed(283, 254, 283));
    expect(await windowsOnceSettled(3, true, same, warm.measure)).toEqual({ windows: closed(283, 254, 283), dropped: [] });
    expect(warm.asked).toEqual([0, 1, 2]);
    const one = script(closed(1, 100));
    expect(await windowsOnceSettled(1, true, same, one.measure)).toEqual({ windows: closed(1), dropped: [] });
  });
});

describe('unsettledNote', () => {
  it('says what the dropped windows showed and the warm-up in all', () => {
    expect(unsettledNote(true, [{ throughput: 240.46, p50: 9 }], 9)).toBe("the first window (240.5/s) ran below 90% of the later windows' median throughput: the system was still warming up (JIT, connection pools, caches), so it was driven and not measured, the warm-up 9 s in all");
    expect(unsettledNote(false, [{ throughput: 67, p50: 301.31 }, { throughput: 67, p50: 193.9 }], 13)).toBe("the first 2 windows (p50 301.3 ms, 193.9 ms) ran over 2.5× the later windows' median p50: the system had not settled at this rate (a transient that then cleared), so they were driven and not measured, the warm-up 13 s in all");
  });
});
