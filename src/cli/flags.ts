// Command-line values: one parser per kind of quantity, shared by every command, built on the
// blueprint's own unit parsers (model/units.ts) so a flag accepts what a blueprint accepts.
// A flag may also leave the unit out: a bare rate is per second, a bare duration is seconds, a
// bare size is bytes, a bare percentage is percent. Every bad value is one line and exit 2.
import { parseDuration, parsePercent, parseRate, parseSize, type Parsed } from '../model/units.js';
import { UsageError } from '../errors.js';

const BARE = /^\s*[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?\s*$/i;

/** Requests per second: "200", "200/s", "12k/min", "1M/d". Positive. */
export function rateFlag(flag: string, v: string): number {
  const r = parseRate(BARE.test(v) ? `${v.trim()}/s` : v);
  overMaximum(flag, v, r);
  if (!r.ok || !(r.value > 0) || !Number.isFinite(r.value)) throw new UsageError(`${flag} ${v}: expected a positive rate such as 200 (per second), 200/s or 12k/min`);
  return r.value;
}

/** Milliseconds: "30" (seconds), "30s", "500ms", "2m". Positive unless `zero` allows 0. */
export function durationFlag(flag: string, v: string, o: { zero?: boolean } = {}): number {
  const r = parseDuration(BARE.test(v) ? `${v.trim()}s` : v);
  overMaximum(flag, v, r);
  const ok = r.ok && Number.isFinite(r.value) && (o.zero ? r.value >= 0 : r.value > 0);
  if (!ok) throw new UsageError(`${flag} ${v}: expected a ${o.zero ? '' : 'positive '}duration such as 30 (seconds), 30s, 500ms or 2m`);
  return r.value;
}

/**
 * A scheduler's time slice (--cpu-slice), ms: a duration of at most a second (a bare number is
 * seconds, as for every duration, so "--cpu-slice 3" is refused rather than taken as 3 s).
 */
export function sliceFlag(flag: string, v: string): number {
  const ms = durationFlag(flag, v);
  if (ms > 1000) throw new UsageError(`${flag} ${v}: a time slice is at most 1s; give a unit, e.g. 3ms`);
  // Each slice is an event of the DES: a nanosecond slice turned a second of simulated time into
  // a billion events (a run that never ended). Linux's own slices are around 0.75–3 ms.
  if (ms < 0.1) throw new UsageError(`${flag} ${v}: a time slice is at least 100us (Linux's are about 3ms)`);
  return ms;
}

/** Seconds, for the options that count in seconds (load tests): same syntax as durationFlag. */
export function secondsFlag(flag: string, v: string, o: { zero?: boolean } = {}): number {
  return durationFlag(flag, v, o) / 1000;
}

/** Bytes: "512" (bytes), "512B", "2KiB", "1.5MB". */
export function sizeFlag(flag: string, v: string): number {
  const r = parseSize(BARE.test(v) ? `${v.trim()}B` : v);
  if (!r.ok) throw new UsageError(`${flag} ${v}: expected a size such as 512 (bytes), 2KiB or 1.5MB`);
  return r.value;
}

/** A fraction in [0, 1]: "10" or "10%" (percent). */
export function percentFlag(flag: string, v: string): number {
  const r = parsePercent(BARE.test(v) ? `${v.trim()}%` : v);
  if (!r.ok) throw new UsageError(`${flag} ${v}: expected a percentage from 0 to 100, such as 10 or 10%`);
  return r.value;
}

/** A plain number from 0 to 1 ("0.5"). */
export function fractionFlag(flag: string, v: string): number {
  const n = BARE.test(v) ? Number(v) : NaN;
  if (!(n >= 0 && n <= 1)) throw new UsageError(`${flag} ${v}: expected a number from 0 to 1, such as 0.5`);
  return n;
}

/** The largest --seed: the generator takes 32 bits (des/rng.ts), so a larger seed was another's alias. */
export const SEED_MAX = 0xffff_ffff;

/**
 * A whole number ≥ min (and ≤ max when given), written in digits. A whole number over the
 * maximum ("99999999999999999999", "1e9") is refused with the range it must lie in, not with
 * "expected a whole number" that it already is.
 */
export function intFlag(flag: string, v: string, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const digits = /^\s*-?[0-9]+\s*$/.test(v);
  const n = digits ? Number(v) : /^\s*-?[0-9]+(\.[0-9]+)?e\+?[0-9]+\s*$/i.test(v) ? Number(v) : NaN;
  const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
  // (Number of a long digit string is rounded, but it stays over the maximum it is over.)
  if ((Number.isInteger(n) || n === Infinity) && n > max) throw new UsageError(`${flag} ${v}: expected a whole number from ${min} to ${max}`);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} ${v}: expected a whole number ${range}`);
  if (!digits) throw new UsageError(`${flag} ${v}: expected a whole number ${range} written in digits (${n})`);
  return n;
}

/** A number of milliseconds ≥ 0 written as a plain number ("0.5"), or as a duration ("500us"). */
export function millisFlag(flag: string, v: string): number {
  // A bare number is milliseconds, held to what a duration may be: "1e309" was Infinity and
  // `--trivial-cpu 1e308` a server spinning for ever on its first request (deaf to SIGTERM).
  const r = BARE.test(v) ? parseDuration(`${v.trim()}ms`) : parseDuration(v);
  overMaximum(flag, v, r);
  if (!r.ok || !(r.value >= 0)) throw new UsageError(`${flag} ${v}: expected milliseconds such as 0.5, or a duration such as 500us`);
  return r.value;
}

/**
 * A value that is a rate or duration but over the largest one archsim takes ("2000000" is over
 * 1M/s, "31d" over 30d) is refused with that reason, not with "expected a positive rate" that
 * it already is.
 */
function overMaximum(flag: string, v: string, r: Parsed): void {
  if (r.ok) return;
  const over = / is over the maximum (\w+) of (\S+)$/.exec(r.message);
  if (over) throw new UsageError(`${flag} ${v}: expected a ${over[1]} of at most ${over[2]}`);
  const inf = / is not a finite (\w+)$/.exec(r.message);
  if (inf) throw new UsageError(`${flag} ${v}: expected a finite ${inf[1]}`);
}

/** One of a fixed set of words. */
export function choiceFlag<T extends string>(flag: string, v: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(v)) throw new UsageError(`${flag} ${v}: expected ${choices.length === 2 ? choices.join(' or ') : `one of ${choices.join(', ')}`}`);
  return v as T;
}

/** A comma-separated list ("a,b, c"), empty items dropped; repeatable flags collect with `collectList`. */
export function listFlag(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * A comma-separated list in which each item may appear once ("--format md,md"): a repeated item
 * is refused up front, one line naming it, before anything is read or written (report wrote
 * report.md, then failed on the second with EEXIST and left an empty folder).
 */
export function distinctListFlag(flag: string, v: string, what: string): string[] {
  const items = listFlag(v);
  const twice = items.find((x, i) => items.indexOf(x) !== i);
  if (twice !== undefined) throw new UsageError(`${flag} ${v}: names ${what} ${JSON.stringify(twice)} twice; name each ${what} once`);
  return items;
}

/** commander's collector for a repeatable, comma-separable flag. */
export const collectList = (v: string, prev: string[] = []): string[] => [...prev, ...listFlag(v)];
