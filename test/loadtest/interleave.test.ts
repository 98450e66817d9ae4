// The order the embedded driver sends its measured positions in beside k6 (driver/interleave.ts).
import { describe, expect, it } from 'vitest';
import { interleavedOffset } from '../../src/loadtest/driver/interleave.js';
import { weightedPicker } from '../../src/loadtest/scenario.js';

const offsets = (n: number, cycle: number) => Array.from({ length: n }, (_, m) => interleavedOffset(m, n, cycle));

describe('interleavedOffset', () => {
  it('rotates each block of one cycle by half of it, then by one less the other way', () => {
    // cycle 6: block 0 rotated by 3, block 1 by 6 + 1 − 3 = 4, the last (4 long) by 2.
    expect(offsets(16, 6)).toEqual([3, 4, 5, 0, 1, 2, 10, 11, 6, 7, 8, 9, 14, 15, 12, 13]);
    // A window shorter than a cycle is one block.
    expect(offsets(5, 100)).toEqual([2, 3, 4, 0, 1]);
    // Blocks of one or two leave nothing to rotate or swap.
    expect(offsets(1, 10)).toEqual([0]);
    expect(offsets(3, 2)).toEqual([1, 0, 2]);
    // Outside the shared positions: the position itself.
    expect(interleavedOffset(7, 5, 3)).toBe(7);
    expect(interleavedOffset(-1, 5, 3)).toBe(-1);
  });

  it('odd blocks of odd length rotate by one more than half the other way; a short last block rotates within itself', () => {
    // cycle 3: block 0 by 1, block 1 by 3 + 1 − 1 = 3 (none), block 2 by 1 again.
    expect(offsets(9, 3)).toEqual([1, 2, 0, 3, 4, 5, 7, 8, 6]);
    // cycle 4 over 11: blocks by 2 and by 3, the last (positions 8–10, three long) by 1.
    expect(offsets(11, 4)).toEqual([2, 3, 0, 1, 7, 4, 5, 6, 9, 10, 8]);
  });

  it('the position itself at each edge of the shared ones, and for an order of no length', () => {
    // n itself is past the last shared position.
    expect(interleavedOffset(5, 5, 3)).toBe(5);
    // Before the first: a cycle of 4 would otherwise rotate -1 into -2.
    expect(interleavedOffset(-1, 5, 4)).toBe(-1);
    expect(interleavedOffset(2, 5, 0)).toBe(2);
  });

  it('takes every shared position once, block by block (the same count of each operation as the other driver)', () => {
    for (const [n, cycle] of [[375, 100], [50, 100], [101, 7], [24, 5]] as const) {
      const o = offsets(n, cycle);
      expect([...o].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      for (let m = 0; m < n; m++) expect(Math.floor(o[m]! / cycle)).toBe(Math.floor(m / cycle));
    }
  });

  it('in a mix like the bundled one, pairs a request with the other driver\'s of the same operation about as often as chance, and balances who follows what', () => {
    // The bundled blueprint's mix (weights 30, 25, 6, …; one cycle of 100), 375 measured at 25/s × 15 s from position 250.
    const weights = [30, 25, 6, 6, 3, 3, 3, 2, 4, 3, 6, 4, 2, 1, 2];
    const pick = weightedPicker(weights);
    const order = Array.from({ length: 100 }, () => pick());
    const at = (p: number) => order[p % 100]!;
    const n = 375;
    const k6 = Array.from({ length: n }, (_, m) => at(250 + m));
    const emb = Array.from({ length: n }, (_, m) => at(250 + interleavedOffset(m, n, 100)));
    // In step (the old way) each embedded request followed k6's of the same operation.
    const same = k6.filter((op, m) => emb[m] === op).length;
    // By chance (operations drawn independently from the mix) it would be Σ share² ≈ 17%.
    expect(same / n).toBeLessThan(0.2);
    // The time order is k6 0, embedded 0, k6 1, embedded 1…: the share of each driver's heaviest
    // operation (index 0) that follows the other driver's heaviest one is alike, where in step it
    // was all of the embedded driver's and almost none of k6's.
    const afterHeavy = (mine: number[], before: (m: number) => number | undefined) => {
      const xs = mine.map((op, m) => [op, before(m)] as const).filter(([op, b]) => op === 0 && b !== undefined);
      return xs.filter(([, b]) => b === 0).length / xs.length;
    };
    const k6Share = afterHeavy(k6, (m) => (m > 0 ? emb[m - 1] : undefined));
    const embShare = afterHeavy(emb, (m) => k6[m]);
    expect(Math.abs(k6Share - embShare)).toBeLessThan(0.05);
    expect(embShare).toBeGreaterThan(0.2);
    expect(embShare).toBeLessThan(0.4);
  });
});
