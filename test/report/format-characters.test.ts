// Invisible format characters (Unicode category Cf) are shown as escapes wherever terminalText
// and the page text escaping apply: a layout key "m\u200b" printed raw read as "m" in
// `validate`'s `invalid name "m​"` (bytes E2 80 8B), while U+202E in the same run read \u202e.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, terminalText } from '../../src/model/diagnostics.js';
import { parseBlueprint } from '../../src/model/parse.js';
import { mdText } from '../../src/plan/markdown.js';
import { pageText } from '../../src/report/page-text.js';

// Each invisible format character, and the escape it is shown as.
const FORMAT: [string, string][] = [
  ['\u00ad', '\\u00ad'], // soft hyphen
  ['\u061c', '\\u061c'], // Arabic letter mark (bidi)
  ['\u200b', '\\u200b'], // zero-width space
  ['\u200c', '\\u200c'], // zero-width non-joiner
  ['\u200d', '\\u200d'], // zero-width joiner
  ['\u200e', '\\u200e'], // left-to-right mark
  ['\u200f', '\\u200f'], // right-to-left mark
  ['\u202a', '\\u202a'],
  ['\u202b', '\\u202b'],
  ['\u202c', '\\u202c'],
  ['\u202d', '\\u202d'],
  ['\u202e', '\\u202e'], // right-to-left override
  ['\u2060', '\\u2060'], // word joiner
  ['\u2061', '\\u2061'], // function application
  ['\u2062', '\\u2062'], // invisible times
  ['\u2063', '\\u2063'], // invisible separator
  ['\u2064', '\\u2064'], // invisible plus
  ['\u2066', '\\u2066'],
  ['\u2067', '\\u2067'],
  ['\u2068', '\\u2068'],
  ['\u2069', '\\u2069'],
  ['\ufeff', '\\ufeff'], // byte-order mark / zero-width no-break space
  ['\u{e0001}', '\\u{e0001}'], // language tag: beyond 16 bits
  ['\u{e0041}', '\\u{e0041}'], // tag letter A
];

describe('format characters shown as escapes', () => {
  it.each(FORMAT)('terminalText("m%s") escapes it', (c, shown) => {
    expect(terminalText(`m${c}x`)).toBe(`m${shown}x`);
  });

  it.each(FORMAT)('page text (HTML) and Markdown text escape %s too', (c, shown) => {
    expect(pageText(`m${c}x`)).toBe(`m${shown}x`);
    expect(mdText(`m${c}x`)).toBe(`m${shown}x`);
  });

  it('what is not a format character is kept: letters, accents, emoji with their joiner-free parts, CJK, the no-break space', () => {
    const kept = 'é ü ñ 日本 👍 \u00a0 a-b_c ÿ';
    expect(terminalText(kept)).toBe(kept);
    // controls as before
    expect(terminalText('a\x1b[31mb\r\n\t\u0085')).toBe('a\\x1b[31mb\\r\\n\\t\\x85');
  });

  it('validate\'s message for the layout key "m\\u200b" (/tmp/unseen4/hostile/bidi.yaml) shows it, as it shows U+202E', () => {
    const r = parseBlueprint(
      `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: bidi, title: "evil\u202etxt.exe" }
system:
  domains:
    "a\u202eb":
      tables: [t]
      operations:
        x: { route: "GET /x", cpu: 1ms }
layouts:
  "m\\u200b":
    units: { u: { domains: "*", port: 1 } }
    datastores: { d: { engine: postgres, tables: "*" } }
workload: { rate: 1/s, mix: { "a\u202eb.x": 1 } }
`,
      'bidi.yaml',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map(formatDiagnostic)).toEqual([
      'bidi.yaml:6:5: system.domains["a\\u202eb"]: invalid name "a\\u202eb": a name: ASCII letters (a–z, A–Z), digits, - and _, starting with a letter, at most 63 characters',
      'bidi.yaml:11:3: layouts["m\\u200b"]: invalid name "m\\u200b": must be a DNS-1123 label (Kubernetes and compose names): lower-case letters, digits and -, starting with a letter, ending with a letter or digit, at most 50 characters',
      'bidi.yaml:14:40: workload.mix["a\\u202eb.x"]: mix entry "a\\u202eb.x": unknown domain "a\\u202eb"',
    ]);
  });
});
