// Counted nouns in the text every command prints ("1 core", "2 cores"): one function, so the
// singular is right everywhere and a wording change lands once.

/** "1 call", "3 calls"; `many` for an irregular plural ("1 query", "2 queries"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The workload's rate in compare's header, cost table and notes: one spelling everywhere
 * ("80/s", "12.5/s"; the notes rounded 12.5 to 13 where the header kept it).
 */
export function rateText(r: number): string {
  return `${Number.isInteger(r) ? r : Number(r.toFixed(2))}/s`;
}

/**
 * A rate rounded as every table and report shows it: whole from 100/s, one decimal from 1/s,
 * three significant digits below (0.909/s, 0.01/s, 3.6/s; a report rounded them to whole numbers:
 * "1/s", "0/s", "4/s"). `minDigits` asks for at least that many decimals (a budget's limit written
 * finely). Infinity and 0 as they are.
 */
export function rateRound(x: number, minDigits = 0): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toFixed(rateDigits(x, minDigits)));
}

function rateDigits(x: number, minDigits: number): number {
  const a = Math.abs(x);
  return Math.min(100, Math.max(a >= 100 ? 0 : a >= 1 ? 1 : 2 - Math.floor(Math.log10(a)), minDigits));
}

/** rateRound's number as text, in decimals however small ("0.0000001", never "1e-7"). */
export function rateNumber(x: number, minDigits = 0): string {
  const n = rateRound(x, minDigits);
  const s = String(n);
  return /e/.test(s) && Number.isFinite(n) ? n.toFixed(rateDigits(n, minDigits)).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '') : s;
}

/** A rate by that rule, with its unit: "3.6/s", "0.909/s", "2000/s". */
export function rateFigure(x: number): string {
  return `${rateNumber(x)}/s`;
}

/** A rate in a warning or note: whole from 100/s, three significant digits below ("714/s", "0.8/s"). */
export function rateWords(r: number): string {
  return `${r >= 100 ? Math.round(r) : Number(r.toPrecision(3))}/s`;
}

/** ms as seconds in a warning or note: three significant digits, whole seconds from 100 s. */
export function secondsWords(ms: number): string {
  const s = ms / 1000;
  return `${s >= 100 ? Math.round(s) : Number(s.toPrecision(3))} s`;
}
