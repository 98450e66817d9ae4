// Human-readable quantities in blueprints: durations, rates, sizes, money, percentages.
// Each parser returns a number in the canonical unit (ms, per second, bytes, USD, fraction)
// or a string explaining what was expected, so zod can turn it into a positioned error.

import { LIMITS } from './limits.js';

export type Parsed = { ok: true; value: number } | { ok: false; message: string };

/** A parsed value must be finite and at most `max` (a number such as 1e400 is Infinity). */
function capped(input: string | number, value: number, max: number, what: string, maxText: string): Parsed {
  if (!Number.isFinite(value)) return { ok: false, message: `"${input}" is not a finite ${what}` };
  if (value > max) return { ok: false, message: `"${input}" is over the maximum ${what} of ${maxText}` };
  return { ok: true, value };
}

const NUM = String.raw`([0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)`;

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const durationRe = new RegExp(`^${NUM}\\s*(ns|us|µs|ms|s|sec|min|m|h|d)$`, 'i');

/** "9ms", "1.5s", "200us", "2m" → milliseconds. Bare numbers are rejected: a unit is required. */
export function parseDuration(input: string | number): Parsed {
  if (typeof input === 'number') {
    return { ok: false, message: `a duration needs a unit, e.g. "${input}ms"` };
  }
  const m = durationRe.exec(input.trim());
  if (!m) return { ok: false, message: `"${input}" is not a duration (e.g. 9ms, 1.5s, 200us, 2m)` };
  return capped(input, Number(m[1]) * DURATION_UNITS[m[2]!.toLowerCase()]!, LIMITS.durationMs, 'duration', '30d');
}

const RATE_UNITS: Record<string, number> = { s: 1, sec: 1, m: 1 / 60, min: 1 / 60, h: 1 / 3600, d: 1 / 86400 };
const rateRe = new RegExp(`^${NUM}\\s*(k|M)?\\s*(?:/|per\\s+)(s|sec|min|m|h|d)$`, 'i');

/** "200/s", "12k/min", "1M/d" → per second. */
export function parseRate(input: string | number): Parsed {
  if (typeof input === 'number') return { ok: false, message: `a rate needs a unit, e.g. "${input}/s"` };
  const m = rateRe.exec(input.trim());
  if (!m) return { ok: false, message: `"${input}" is not a rate (e.g. 200/s, 12k/min, 1M/d)` };
  const mult = m[2] === 'k' || m[2] === 'K' ? 1e3 : m[2] === 'M' ? 1e6 : 1;
  return capped(input, Number(m[1]) * mult * RATE_UNITS[m[3]!.toLowerCase()]!, LIMITS.ratePerSecond, 'rate', '1M/s');
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};
const sizeRe = new RegExp(`^${NUM}\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$`, 'i');

/** "2KiB", "1.5MB", "512B" → bytes. */
export function parseSize(input: string | number): Parsed {
  if (typeof input === 'number') return { ok: false, message: `a size needs a unit, e.g. "${input}B" or "${input}KiB"` };
  const m = sizeRe.exec(input.trim());
  if (!m) return { ok: false, message: `"${input}" is not a size (e.g. 512B, 2KiB, 1.5MB)` };
  return capped(input, Math.round(Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]!), LIMITS.sizeBytes, 'size', '1GiB');
}

const moneyRe = new RegExp(`^(?:\\$\\s*${NUM}|${NUM}\\s*(?:USD|\\$))$`, 'i');

/** "$12", "12 USD", or a plain number of US dollars. */
export function parseMoney(input: string | number): Parsed {
  if (typeof input === 'number') {
    return input >= 0 ? capped(input, input, LIMITS.usd, 'amount of money', '$1000000000') : { ok: false, message: `${input} is not an amount of money (e.g. $12, 12 USD)` };
  }
  const m = moneyRe.exec(input.trim());
  if (!m) return { ok: false, message: `"${input}" is not an amount of money (e.g. $12, 12 USD)` };
  return capped(input, Number(m[1] ?? m[2]), LIMITS.usd, 'amount of money', '$1000000000');
}

const pctRe = new RegExp(`^${NUM}\\s*%$`);

/** "70%" or 0.7 → 0.7 */
export function parsePercent(input: string | number): Parsed {
  if (typeof input === 'number') {
    return Number.isFinite(input) && input >= 0 && input <= 1
      ? { ok: true, value: input }
      : { ok: false, message: `${input} is not a fraction between 0 and 1 (or write it as a percentage, e.g. "70%")` };
  }
  const m = pctRe.exec(input.trim());
  if (!m) return { ok: false, message: `"${input}" is not a percentage (e.g. 70%)` };
  const v = Number(m[1]) / 100;
  return v <= 1 ? { ok: true, value: v } : { ok: false, message: `"${input}" is over 100%` };
}

// ---- formatting, for reports and inspect -------------------------------------------------

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '∞';
  if (ms === 0) return '0ms';
  if (ms < 1) return `${trim(ms * 1000, 3)}us`;
  if (ms < 1000) return `${trim(ms, 3)}ms`;
  if (ms < 60_000) return `${trim(ms / 1000, 3)}s`;
  return `${trim(ms / 60_000, 3)}min`;
}

export function formatRate(perSecond: number): string {
  return `${trim(perSecond, 3)}/s`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes}B`;
  if (bytes < 1024 ** 2) return `${trim(bytes / 1024, 2)}KiB`;
  if (bytes < 1024 ** 3) return `${trim(bytes / 1024 ** 2, 2)}MiB`;
  return `${trim(bytes / 1024 ** 3, 2)}GiB`;
}

export function formatUsd(usd: number): string {
  return Number.isInteger(usd) ? `$${usd}` : `$${usd.toFixed(2)}`;
}

function trim(n: number, digits: number): string {
  return String(Number(n.toPrecision(Math.max(digits, 1))));
}
