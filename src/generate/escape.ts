// Escaping for every target a generator writes blueprint text into. Blueprint text is hostile:
// a description, a route or an event name must never become code, a config directive or a
// variable reference in the file it lands in. Each function here makes text inert for one
// target; generators call them rather than interpolating raw strings. Structured formats
// (YAML, JSON) go through their libraries instead (toYaml, JSON.stringify).

/**
 * Text safe inside a `//` line comment or a `/* … *\/` block comment of TypeScript (and inside
 * a `#` comment of YAML, nginx, Dockerfiles): one line, no comment terminator, no control
 * characters. Line terminators (including U+2028/U+2029, which JavaScript treats as line
 * breaks) become spaces, so nothing after them can start a statement.
 */
export function commentText(s: string, max = 500): string {
  const flat = s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, ' ')
    .replace(/\*\//g, '* /')
    .replace(/\/\*/g, '/ *')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A TypeScript/JavaScript string literal (double-quoted, every special character escaped). */
export function tsString(s: string): string {
  // JSON.stringify escapes quotes, backslashes and control characters; U+2028/9 are legal in
  // string literals since ES2019 but escaped anyway for older tooling.
  return JSON.stringify(s).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * A value for docker compose: compose interpolates `$VAR` and `${VAR}` in every value, so a
 * literal `$` is written `$$`.
 */
export function composeLiteral(s: string): string {
  return s.replace(/\$/g, '$$$$');
}

/** Markdown inline text: one line, no HTML, table pipes and backticks escaped. */
export function markdownText(s: string, max = 500): string {
  return commentText(s, max).replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`);
}
