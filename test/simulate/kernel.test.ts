// The DES kernel's parts: the event heap, FIFO lanes, the histogram and the generator.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventHeap, Lanes } from '../../src/simulate/des/kernel.js';
import { BUCKETS, bucketOf, percentile } from '../../src/simulate/des/histogram.js';
import { Rng } from '../../src/simulate/des/rng.js';
import { Token, TokenQueue } from '../../src/simulate/des/tokens.js';

describe('a replica\'s waiting line', () => {
  it('is FIFO across wrap-arounds and growth, against an array model', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 2000 }), (ops) => {
        const q = new TokenQueue();
        const model: Token[] = [];
        let n = 0;
        for (const push of ops) {
          if (push || model.length === 0) {
            const t = new Token(n++);
            q.push(t);
            model.push(t);
          } else expect(q.shift()).toBe(model.shift());
          expect(q.length).toBe(model.length);
        }
        expect(q.drain()).toEqual(model);
        expect(q.length).toBe(0);
      }),
      { numRuns: 100 },
    );
  });
});

describe('event heap', () => {
  it('pops events in time order, whatever the push order', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 3000 }), (times) => {
        const h = new EventHeap();
        times.forEach((t, i) => h.push(t, i % 7, i, -i));
        const out: number[] = [];
        while (h.size) {
          expect(h.aux[0]! + h.id[0]!).toBe(0);
          out.push(h.t[0]!);
          h.pop();
        }
        expect(out).toEqual([...times].sort((a, b) => a - b));
      }),
      { numRuns: 50 },
    );
  });

  it('lanes are FIFO rings that grow, each with its head time', () => {
    // Two delays (distributions 0 and 1: 0.5 as a mean, 0.25 as an added constant), one lane each.
    const clock = { now: 0 };
    const l = new Lanes(2, clock, Float64Array.of(0.5, 0), Float64Array.of(0, 0.25));
    expect([...l.head]).toEqual([Infinity, Infinity]);
    for (let i = 0; i < 5000; i++) {
      clock.now = i;
      l.push(1, 1, i);
      // Interleaved pops on lane 0 keep its ring wrapping while lane 1 grows.
      l.push(0, 0, i + 7);
      expect(l.head[0]).toBe(i + 0.5);
      expect(l.pop(0)).toBe(i + 7);
    }
    expect(l.head[0]).toBe(Infinity);
    for (let i = 0; i < 5000; i++) {
      expect(l.head[1]).toBe(i + 0.25);
      expect(l.pop(1)).toBe(i);
    }
    expect(l.size[1]).toBe(0);
    expect(l.head[1]).toBe(Infinity);
  });
});

describe('latency histogram', () => {
  it('percentiles within 1% of the exact order statistics', () => {
    const rng = new Rng(3);
    const xs = Array.from({ length: 100_000 }, () => rng.exp(5));
    const h = new Uint32Array(BUCKETS);
    for (const x of xs) h[bucketOf(x)]!++;
    const sorted = [...xs].sort((a, b) => a - b);
    const max = sorted.at(-1)!;
    for (const q of [0.5, 0.9, 0.95, 0.99]) {
      const exact = sorted[Math.ceil(q * xs.length) - 1]!;
      expect(Math.abs(percentile(h, 0, xs.length, q, max) - exact) / exact).toBeLessThan(0.01);
    }
  });
});

describe('generator', () => {
  it('is seeded, uniform and gives the right moments', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    for (let i = 0; i < 100; i++) expect(a.next()).toBe(b.next());
    const r = new Rng(11);
    let s = 0;
    let s2 = 0;
    let g = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
      g += r.gamma(4);
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.01);
    expect(Math.abs(g / n - 4)).toBeLessThan(0.02);
  });

  it('draws the exponential (the ziggurat) with its moments, its tail and its whole distribution', () => {
    const r = new Rng(5);
    const n = 1_000_000;
    const bins = new Float64Array(100);
    let s = 0;
    let s2 = 0;
    let over4 = 0;
    let tail = 0;
    for (let i = 0; i < n; i++) {
      const x = r.exp1();
      s += x;
      s2 += x * x;
      if (x > 4) over4++;
      // past R = 7.697…: drawn only by the tail branch
      if (x > 7.7) tail++;
      bins[Math.floor((1 - Math.exp(-x)) * 100)]!++;
    }
    // bounds at about 5 standard errors
    expect(Math.abs(s / n - 1)).toBeLessThan(0.005);
    expect(Math.abs(s2 / n - 2)).toBeLessThan(0.025);
    expect(Math.abs(over4 / n - Math.exp(-4))).toBeLessThan(7e-4);
    expect(Math.abs(tail / n - Math.exp(-7.7))).toBeLessThan(1.1e-4);
    expect(tail).toBeGreaterThan(0);
    // F(X) is uniform: every percentile bin holds n/100 ± 5σ
    for (const b of bins) expect(Math.abs(b - n / 100)).toBeLessThan(500);
    expect(new Rng(5).exp(3)).toBe(3 * new Rng(5).exp1());
  });
});
