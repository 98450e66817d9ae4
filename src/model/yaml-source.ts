// YAML documents that remember where every value came from, so that any problem found later
// (by zod, by the semantic checks, by a command) can be reported at its file:line:col.
// Pure: text in, positions out. Reading files is the caller's business.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Diagnostic } from './diagnostics.js';

export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

export type ParsedYaml = { ok: true; source: YamlSource; value: unknown } | { ok: false; errors: Diagnostic[] };

export function parseYaml(text: string, file: string): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true });
  const problems = [...doc.errors];
  if (problems.length) {
    return {
      ok: false,
      errors: problems.map((e) => {
        const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
        return {
          file,
          line: pos.line,
          col: pos.col,
          path: [],
          // yaml's messages end with a code excerpt on later lines; keep the first line only.
          message: `YAML syntax: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
          severity: 'error' as const,
        };
      }),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    return { ok: false, errors: [{ file, line: 1, col: 1, path: [], message: `YAML: ${(e as Error).message}`, severity: 'error' }] };
  }
  return { ok: true, source: { file, doc, lines }, value };
}

/**
 * The node at `path`, or, when `key` is set, the key node of the last segment (where an
 * "unknown key" belongs). Returns undefined when the path is not in this document.
 */
export function nodeAt(source: YamlSource, path: readonly (string | number)[], key = false): Node | undefined {
  let node: unknown = source.doc.contents;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return undefined;
      node = last && key ? pair.key : pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
    } else {
      return undefined;
    }
    if (node === null || node === undefined) return undefined;
  }
  return node as Node;
}

/** line and col (1-based) of a path, falling back to the nearest ancestor present. */
export function positionOf(
  source: YamlSource,
  path: readonly (string | number)[],
  key = false,
): { line: number; col: number; exact: boolean } | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = nodeAt(source, path.slice(0, n), key && n === path.length);
    if (node?.range) {
      const p = source.lines.linePos(node.range[0]);
      return { line: p.line, col: p.col, exact: n === path.length };
    }
  }
  return undefined;
}
