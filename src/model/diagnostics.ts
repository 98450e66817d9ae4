// Positioned problems, the way a compiler reports them: file:line:col: message.

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  /** Path in the document, e.g. ["layouts", "monolith", "units", "backend", "port"]. */
  path: (string | number)[];
  message: string;
  severity: Severity;
}

/**
 * Characters a terminal acts on rather than shows: C0 (ESC starts colour, cursor and OSC 52
 * clipboard / OSC 8 link sequences; \r returns to the line start so what follows overwrites it),
 * DEL, C1 (U+009B is a one-character CSI), the line separators U+2028/9 and the bidi controls
 * that reorder the rest of the line.
 */
// eslint-disable-next-line no-control-regex
/** Bidi controls (Trojan Source): they reorder what a reader sees. One list for every target. */
export const BIDI_CONTROLS = '\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
/** C0, DEL, C1, the line and paragraph separators and the bidi controls: a regexp character class. */
export const CONTROL_CLASS = `[\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029${BIDI_CONTROLS}]`;
/**
 * What a terminal or a page shows as nothing: every format character (Unicode category Cf: the
 * zero-width space U+200B, joiners U+200C/D, U+2060–U+2064, the byte-order mark U+FEFF, the soft
 * hyphen U+00AD, the bidi controls above, the tag characters). A layout key "m\u200b" printed raw
 * read as "m", a name that is not the one the reader sees.
 */
const TERMINAL_CONTROLS = new RegExp(`${CONTROL_CLASS}|\\p{Cf}`, 'gu');
const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * User text made safe to print on a terminal: every control and format character is shown as an
 * escape (\x1b, \r, \u202e, \u200b), so a line stays one line and nothing in a blueprint can move the cursor,
 * recolour the output, write the clipboard or hide a link. Everything else is kept as is.
 */
export function terminalText(s: string): string {
  return s.replace(TERMINAL_CONTROLS, (c) => {
    const code = c.codePointAt(0)!;
    // Stryker disable next-line EqualityOperator: `< 0xff` is the same: 0xff (ÿ) is no control character, so never matched here
    if (code <= 0xff && code !== 0xad) return SHORT[c] ?? `\\x${code.toString(16).padStart(2, '0')}`;
    // A tag character (U+E0001…) is beyond the 16 bits of \uXXXX: \u{e0001}.
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

export function formatPath(path: readonly (string | number)[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? terminalText(p) : /^[\w-]+$/.test(p) ? `.${p}` : `["${terminalText(p.replace(/["\\]/g, '\\$&'))}"]`))
    .join('');
}

/** One line, whatever the file name, path or message hold (they quote blueprint text). */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.path.length ? `${formatPath(d.path)}: ` : '';
  const sev = d.severity === 'warning' ? 'warning: ' : '';
  return terminalText(`${d.file}:${d.line}:${d.col}: ${sev}${where}${d.message}`);
}

export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.message.localeCompare(b.message));
}

// ---- "did you mean" ----------------------------------------------------------------------

export function levenshtein(a: string, b: string): number {
  // Stryker disable next-line ConditionalExpression: a shortcut: the table gives 0 for equal strings too
  if (a === b) return 0;
  // Stryker disable next-line ArrayDeclaration: the length is a hint; an empty array grows into the same table
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** The nearest candidate within a typo's distance, or undefined. */
export function nearest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const limit = Math.max(2, Math.floor(name.length / 3));
  for (const c of candidates) {
    const d = levenshtein(name.toLowerCase(), c.toLowerCase());
    if (d < bestD || (d === bestD && best !== undefined && c < best)) {
      best = c;
      bestD = d;
    }
  }
  return bestD <= limit ? best : undefined;
}

export function didYouMean(name: string, candidates: Iterable<string>): string {
  const n = nearest(name, candidates);
  return n ? ` (did you mean "${n}"?)` : '';
}
