import { describe, expect, it } from 'vitest';
import { formatDuration, formatRate, formatSize, formatUsd, parseDuration, parseMoney, parsePercent, parseRate, parseSize } from '../../src/model/units.js';

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

describe('units at their boundaries, and the messages', () => {
  it('a value at the maximum is accepted, one above it refused with the maximum named', () => {
    // 30d, 1M/s, 1GiB and $1000000000 are the maxima (limits.ts).
    expect(ok(parseDuration('30d'))).toBe(30 * 86_400_000);
    expect(parseDuration('31d')).toEqual({ ok: false, message: '"31d" is over the maximum duration of 30d' });
    expect(ok(parseRate('1M/s'))).toBe(1e6);
    expect(parseRate('2M/s')).toEqual({ ok: false, message: '"2M/s" is over the maximum rate of 1M/s' });
    expect(ok(parseSize('1GiB'))).toBe(1024 ** 3);
    expect(parseSize('2GiB')).toEqual({ ok: false, message: '"2GiB" is over the maximum size of 1GiB' });
    expect(ok(parseMoney(1e9))).toBe(1e9);
    expect(parseMoney(2e9)).toEqual({ ok: false, message: '"2000000000" is over the maximum amount of money of $1000000000' });
    expect(parseMoney('$2000000000')).toEqual({ ok: false, message: '"$2000000000" is over the maximum amount of money of $1000000000' });
    expect(parseDuration('1e400ms')).toEqual({ ok: false, message: '"1e400ms" is not a finite duration' });
  });

  it('says what was expected, with the input in it', () => {
    expect(parseDuration(9)).toEqual({ ok: false, message: 'a duration needs a unit, e.g. "9ms"' });
    expect(parseDuration('9 parsecs')).toEqual({ ok: false, message: '"9 parsecs" is not a duration (e.g. 9ms, 1.5s, 200us, 2m)' });
    expect(parseRate(5)).toEqual({ ok: false, message: 'a rate needs a unit, e.g. "5/s"' });
    expect(parseRate('5')).toEqual({ ok: false, message: '"5" is not a rate (e.g. 200/s, 12k/min, 1M/d)' });
    expect(parseSize(5)).toEqual({ ok: false, message: 'a size needs a unit, e.g. "5B" or "5KiB"' });
    expect(parseSize('5 kilos')).toEqual({ ok: false, message: '"5 kilos" is not a size (e.g. 512B, 2KiB, 1.5MB)' });
    expect(parseMoney(-1)).toEqual({ ok: false, message: '-1 is not an amount of money (e.g. $12, 12 USD)' });
    expect(parseMoney('twelve')).toEqual({ ok: false, message: '"twelve" is not an amount of money (e.g. $12, 12 USD)' });
    expect(parsePercent(1.5)).toEqual({ ok: false, message: '1.5 is not a fraction between 0 and 1 (or write it as a percentage, e.g. "70%")' });
    expect(parsePercent('70')).toEqual({ ok: false, message: '"70" is not a percentage (e.g. 70%)' });
    expect(parsePercent('170%')).toEqual({ ok: false, message: '"170%" is over 100%' });
  });

  it('trims surrounding space, and reads k, K and M multipliers', () => {
    expect(ok(parseDuration(' 9ms '))).toBe(9);
    expect(ok(parseRate(' 2K/s '))).toBe(2000);
    expect(ok(parseRate('2k/s'))).toBe(2000);
    expect(ok(parseRate('2/s'))).toBe(2);
    expect(ok(parseMoney(' $3 '))).toBe(3);
    expect(ok(parseSize(' 2KiB '))).toBe(2048);
    expect(ok(parseMoney(0))).toBe(0);
    expect(ok(parsePercent(' 70% '))).toBeCloseTo(0.7, 12);
  });

  it('a fraction is accepted from 0 to 1 inclusive, and nothing else', () => {
    expect(ok(parsePercent(0))).toBe(0);
    expect(ok(parsePercent(1))).toBe(1);
    expect(parsePercent(-0.1).ok).toBe(false);
    expect(parsePercent(1.01).ok).toBe(false);
    expect(parsePercent(Number.NaN).ok).toBe(false);
    expect(parsePercent(Number.POSITIVE_INFINITY).ok).toBe(false);
    expect(ok(parsePercent('100%'))).toBe(1);
  });

  it('formats each quantity in the unit that reads best, at the unit boundaries', () => {
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('∞');
    expect(formatDuration(0)).toBe('0ms');
    expect(formatDuration(0.25)).toBe('250us');
    expect(formatDuration(1)).toBe('1ms');
    expect(formatDuration(12.3456)).toBe('12.3ms');
    expect(formatDuration(1000)).toBe('1s');
    expect(formatDuration(59_999)).toBe('60s');
    expect(formatDuration(60_000)).toBe('1min');
    expect(formatDuration(90_000)).toBe('1.5min');
    expect(formatRate(1234.5)).toBe('1230/s');
    expect(formatSize(1023)).toBe('1023B');
    expect(formatSize(1024)).toBe('1KiB');
    expect(formatSize(1536)).toBe('1.5KiB');
    expect(formatSize(1024 ** 2)).toBe('1MiB');
    expect(formatSize(3 * 1024 ** 2)).toBe('3MiB');
    expect(formatSize(1024 ** 3)).toBe('1GiB');
    expect(formatSize(2.5 * 1024 ** 3)).toBe('2.5GiB');
    expect(formatUsd(12)).toBe('$12');
    expect(formatUsd(12.345)).toBe('$12.35');
  });
});
