// Counted nouns in the text every command prints ("1 core", "2 cores"): one function, so the
// singular is right everywhere and a wording change lands once.

/** "1 call", "3 calls"; `many` for an irregular plural ("1 query", "2 queries"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
