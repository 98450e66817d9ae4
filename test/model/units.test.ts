import { describe, expect, it } from 'vitest';
import { parseDuration, parseMoney, parsePercent, parseRate, parseSize } from '../../src/model/units.js';

const ok = (r: { ok: boolean; value?: number }) => (r.ok ? r.value : NaN);

describe('units', () => {
  it('parses durations to milliseconds', () => {
    expect(ok(parseDuration('9ms'))).toBe(9);
    expect(ok(parseDuration('1.5s'))).toBe(1500);
    expect(ok(parseDuration('200us'))).toBeCloseTo(0.2);
    expect(ok(parseDuration('2m'))).toBe(120_000);
    expect(ok(parseDuration('1h'))).toBe(3_600_000);
    expect(parseDuration('9').ok).toBe(false);
    expect(parseDuration(9).ok).toBe(false);
    expect(parseDuration('9 parsecs').ok).toBe(false);
  });
  it('parses rates to per second', () => {
    expect(ok(parseRate('200/s'))).toBe(200);
    expect(ok(parseRate('12k/min'))).toBe(200);
    expect(ok(parseRate('1M/d'))).toBeCloseTo(11.574, 2);
    expect(parseRate('200').ok).toBe(false);
  });
  it('parses sizes to bytes', () => {
    expect(ok(parseSize('2KiB'))).toBe(2048);
    expect(ok(parseSize('1.5MB'))).toBe(1_500_000);
    expect(ok(parseSize('512B'))).toBe(512);
    expect(parseSize('2 kilos').ok).toBe(false);
  });
  it('parses money and percentages', () => {
    expect(ok(parseMoney('$12'))).toBe(12);
    expect(ok(parseMoney('12 USD'))).toBe(12);
    expect(ok(parseMoney(15))).toBe(15);
    expect(parseMoney('twelve').ok).toBe(false);
    expect(ok(parsePercent('70%'))).toBeCloseTo(0.7);
    expect(ok(parsePercent(0.5))).toBe(0.5);
    expect(parsePercent('170%').ok).toBe(false);
  });
});
