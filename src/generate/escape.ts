// Escaping for every target a generator writes blueprint text into. Blueprint text is hostile:
// a description, a route or an event name must never become code, a config directive or a
// variable reference in the file it lands in. Each function here makes text inert for one
// target; generators call them rather than interpolating raw strings. Structured formats
// (YAML, JSON) go through their libraries instead (toYaml, JSON.stringify).
import { BIDI_CONTROLS } from '../model/diagnostics.js';

/**
 * Bidirectional-text controls (LRM, RLM, ALM, the embeddings and overrides U+202A–202E, the
 * isolates U+2066–2069). In source they reorder what an editor or a review tool shows, so a
 * comment can appear to end where it does not, or code can read other than it runs ("Trojan
 * Source", CVE-2021-42574). Generated files never need them.
 */
const BIDI = BIDI_CONTROLS;
/** What commentText turns into a space: C0, DEL, C1, U+2028/9 and the bidi controls. */
const NOT_IN_COMMENTS = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029${BIDI}]+`, 'g');
/** What tsString (and jsonText, and toYaml) writes as \uXXXX beyond JSON.stringify's escapes (which cover C0). */
const NOT_RAW_IN_LITERALS = new RegExp(`[\\u007f-\\u009f\\u2028\\u2029${BIDI}]`, 'g');
const HAS_NOT_RAW = new RegExp(NOT_RAW_IN_LITERALS.source);

/** Every DEL, C1, U+2028/9 and bidi control in `text` as \uXXXX (the same character in a JS, JSON or double-quoted YAML string). */
export function escapeNotRaw(text: string): string {
  return text.replace(NOT_RAW_IN_LITERALS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Whether `text` holds a character escapeNotRaw would escape. */
export function hasNotRaw(text: string): boolean {
  return HAS_NOT_RAW.test(text);
}

/**
 * Text safe inside a `//` line comment or a `/* … *\/` block comment of TypeScript (and inside
 * a `#` comment of YAML, nginx, Dockerfiles): one line, no comment terminator, no control
 * characters. Line terminators (including U+2028/U+2029, which JavaScript treats as line
 * breaks) become spaces, so nothing after them can start a statement; so do C1 controls and
 * bidi controls, so nothing can reorder the comment as displayed.
 */
export function commentText(s: string, max = 500): string {
  const flat = s
    .replace(NOT_IN_COMMENTS, ' ')
    .replace(/\*\//g, '* /')
    .replace(/\/\*/g, '/ *')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A TypeScript/JavaScript string literal (double-quoted, every special character escaped). */
export function tsString(s: string): string {
  // JSON.stringify escapes quotes, backslashes and C0 controls. The rest are written as \uXXXX,
  // which means the same string: U+2028/9 (legal in literals since ES2019, but line breaks to
  // older tooling), DEL and C1 (invisible, some are terminal controls), and bidi controls, which
  // would reorder the literal and the code after it as displayed (Trojan Source).
  return escapeNotRaw(JSON.stringify(s));
}

/**
 * JSON for generated JavaScript (data a script carries, e.g. a load profile): JSON.stringify,
 * with DEL, C1, U+2028/9 and the bidi controls written as \uXXXX (the same value) for the reasons
 * tsString gives.
 */
export function jsonText(v: unknown, indent?: number): string {
  return escapeNotRaw(JSON.stringify(v, null, indent));
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
