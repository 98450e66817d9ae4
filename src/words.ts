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

/** A rate in a warning or note: whole from 100/s, three significant digits below ("714/s", "0.8/s"). */
export function rateWords(r: number): string {
  return `${r >= 100 ? Math.round(r) : Number(r.toPrecision(3))}/s`;
}

/** ms as seconds in a warning or note: three significant digits, whole seconds from 100 s. */
export function secondsWords(ms: number): string {
  const s = ms / 1000;
  return `${s >= 100 ? Math.round(s) : Number(s.toPrecision(3))} s`;
}
