// YAML documents that remember where every value came from, so that any problem found later
// (by zod, by the semantic checks, by a command) can be reported at its file:line:col.
// Pure: text in, positions out. Reading files is the caller's business.
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Diagnostic } from './diagnostics.js';
import { fastParse } from './fast-yaml.js';
import { LIMITS } from './limits.js';

export interface YamlSource {
  file: string;
  /** Built on first use when the fast path read the text (positions are needed only for problems). */
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
}

/** A source whose Document is parsed only when a position is asked for. */
function lazySource(text: string, file: string): YamlSource {
  let parsed: { doc: Document.Parsed; lines: LineCounter } | undefined;
  const get = () => {
    if (!parsed) {
      const lines = new LineCounter();
      parsed = { doc: parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true }), lines };
    }
    return parsed;
  };
  return {
    file,
    get doc() {
      return get().doc;
    },
    get lines() {
      return get().lines;
    },
  };
}

export type ParsedYaml = { ok: true; source: YamlSource; value: unknown } | { ok: false; errors: Diagnostic[] };

/**
 * yaml's messages quote the offending token; a file that is not YAML at all (a password file,
 * a binary) would have its content echoed. Keep the description, drop the quotation.
 */
function syntaxMessage(m: string): string {
  const first = m.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  const plain = first.replace(/:\s*".*$/, '').replace(/\s*\(.*\)\s*$/, '');
  if (/Source contains multiple documents/.test(plain)) return 'more than one YAML document (---) in one file; a blueprint is one document';
  return plain;
}

/**
 * The mistake behind most syntax errors in a blueprint: a route with a parameter written without
 * quotes inside a `{ … }` map (`write: { route: POST /books/{id}, … }`). In a flow map a `{`
 * opens another map, and the parser's own words ("Unexpected flow-map-start") do not say that.
 * A plain value after `{` or `,` and its key that holds a `{` on the error's line or the one
 * before it (where the parser often stops; the two read as one, so a map written over several
 * lines counts) gets the hint; the value itself is never quoted back.
 */
function braceHint(text: string, lines: LineCounter, line: number): string {
  const at = (n: number) => (n >= 1 && n - 1 < lines.lineStarts.length ? text.slice(lines.lineStarts[n - 1], lines.lineStarts[n] ?? text.length) : '');
  const unquotedBrace = /[{,]\s*[\w.-]+:\s+[^\s"'{[][^,"'{}]*\{/;
  // the two lines as one: a flow map written over several lines has its "{" or "," on the line before
  return unquotedBrace.test(at(line - 1) + at(line)) ? ' (a "{" inside an unquoted value in a { … } map opens another map: quote the value, as in route: "GET /books/{id}")' : '';
}

function error(file: string, lines: LineCounter, offset: number, message: string): Diagnostic {
  const p = lines.linePos(offset);
  return { file, line: p.line, col: p.col, path: [], message, severity: 'error' };
}

/**
 * The loader's limits, checked on the parsed document before it becomes JavaScript values:
 * nesting depth (checked without recursion), keys that would reach an object's prototype, and
 * the number of nodes once every alias is expanded (so a small file cannot expand into a huge
 * one). Returns the first problem found. (Keys that may not be are badKeys', checked first.)
 */
/**
 * Keys that may not be: every __proto__ key and every mapping or list used as a key, in file
 * order (they are independent mistakes, so all are said at once, up to the per-file limit).
 */
function badKeys(doc: Document.Parsed, file: string, lines: LineCounter): Diagnostic[] {
  const out: { offset: number; d: Diagnostic }[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length && out.length < LIMITS.errorsPerFile) {
    const node = stack.pop();
    if (!isCollection(node)) continue;
    for (const item of node.items) {
      if (isPair(item)) {
        const offset = (item.key as Node | null)?.range?.[0] ?? 0;
        if (isScalar(item.key) && item.key.value === '__proto__') out.push({ offset, d: error(file, lines, offset, 'the key "__proto__" is not allowed (it would change an object\'s prototype)') });
        else if (isCollection(item.key)) out.push({ offset, d: error(file, lines, offset, 'a key must be a plain value, not a mapping or list') });
        else stack.push(item.value);
      } else stack.push(item);
    }
  }
  return out.sort((a, b) => a.offset - b.offset).map((x) => x.d);
}

function checkLimits(doc: Document.Parsed, file: string, lines: LineCounter): Diagnostic | undefined {
  // 1. Depth, iteratively; anchors collected for step 2.
  const stack: { node: unknown; depth: number }[] = [{ node: doc.contents, depth: 0 }];
  const anchors = new Map<string, { offset: number; node: unknown }[]>();
  let aliases = 0;
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (isAlias(node)) {
      aliases++;
      if (aliases > LIMITS.yamlAliases) return error(file, lines, node.range?.[0] ?? 0, `more than ${LIMITS.yamlAliases} aliases (*name) in one document`);
      continue;
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor) {
      const list = anchors.get(anchor) ?? [];
      list.push({ offset: (node as Node).range?.[0] ?? 0, node });
      anchors.set(anchor, list);
    }
    if (!isCollection(node)) continue;
    if (depth >= LIMITS.yamlDepth) return error(file, lines, node.range?.[0] ?? 0, `nested more than ${LIMITS.yamlDepth} levels deep`);
    for (const item of node.items) {
      // (keys were checked before, all at once: badKeys)
      if (isPair(item)) stack.push({ node: item.value, depth: depth + 1 });
      else stack.push({ node: item, depth: depth + 1 });
    }
  }
  // An alias names the last anchor of that name before it. (yaml's Alias.resolve walks the
  // whole document for each alias: quadratic on a large file with many aliases.)
  const targetOf = (alias: { source: string; range?: [number, number, number] | null }): unknown => {
    const at = alias.range?.[0] ?? Infinity;
    let best: { offset: number; node: unknown } | undefined;
    for (const a of anchors.get(alias.source) ?? []) if (a.offset < at && (!best || a.offset > best.offset)) best = a;
    return best?.node;
  };
  // 2. Size after alias expansion, memoized per anchored node (depth is bounded by now). An
  // alias inside the value its anchor names would expand for ever: refused.
  const sizes = new Map<unknown, number>();
  const open = new Set<unknown>();
  let cycle: Node | undefined;
  const size = (node: unknown): number => {
    if (cycle) return 0;
    if (isAlias(node)) {
      const target = targetOf(node);
      if (target && open.has(target)) {
        cycle = node;
        return 0;
      }
      return target ? (sizes.get(target) ?? size(target)) : 1;
    }
    if (!isCollection(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    open.add(node);
    let n = 1;
    for (const item of node.items) {
      n += isPair(item) ? 1 + size(item.value) : size(item);
      if (n > LIMITS.yamlNodes || cycle) break;
    }
    open.delete(node);
    sizes.set(node, n);
    return n;
  };
  const total = size(doc.contents);
  if (cycle) return error(file, lines, cycle.range?.[0] ?? 0, `the alias *${(cycle as unknown as { source: string }).source} is inside the value its anchor names (it would repeat for ever)`);
  if (total > LIMITS.yamlNodes) {
    return error(file, lines, 0, `more than ${LIMITS.yamlNodes.toLocaleString('en-US')} values once aliases are expanded (the document is too large)`);
  }
  return undefined;
}

/**
 * The yaml library takes time quadratic in the length of an unclosed flow collection (one
 * missing "]" can leave the rest of a large file inside it: minutes, gigabytes). A quick scan
 * of flow nesting first: a "[" or "{" opens a flow collection where a value starts (after
 * ": ", "- ", "? ", at a line start) or inside another one; quoted strings and comments are
 * skipped. Nesting deeper than the depth limit is refused with the position where it happened.
 */
export function flowDepthProblem(text: string): { offset: number } | undefined {
  let depth = 0;
  let valueStart = true; // at a place where a flow collection may begin
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */) {
      valueStart = true;
      continue;
    }
    if (c === 32 || c === 9) continue;
    if (c === 35 /* # */ && (i === 0 || text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 9 || text.charCodeAt(i - 1) === 10)) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl - 1;
      continue;
    }
    if ((c === 34 || c === 39) && (depth > 0 || valueStart)) {
      // A quoted scalar: skip to its end (doubled '' and \" are escapes).
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (c === 34 && d === 92) i++;
        else if (d === c) {
          if (c === 39 && text.charCodeAt(i + 1) === 39) i++;
          else break;
        }
      }
      valueStart = false;
      continue;
    }
    if ((c === 91 || c === 123) && (depth > 0 || valueStart)) {
      depth++;
      if (depth > LIMITS.yamlDepth) return { offset: i };
      valueStart = true;
      continue;
    }
    if ((c === 93 || c === 125) && depth > 0) {
      depth--;
      valueStart = false;
      continue;
    }
    if (c === 44 && depth > 0) {
      valueStart = true;
      continue;
    }
    if (c === 58 /* : */ || c === 45 /* - */ || c === 63 /* ? */) {
      const n = text.charCodeAt(i + 1);
      valueStart = depth > 0 ? c === 58 || valueStart : n === 32 || n === 10 || Number.isNaN(n);
      continue;
    }
    valueStart = false;
  }
  return undefined;
}

export function parseYaml(text: string, file: string): ParsedYaml {
  const flow = flowDepthProblem(text);
  if (flow) {
    const before = text.slice(0, flow.offset);
    const line = before.split('\n').length;
    const col = flow.offset - before.lastIndexOf('\n');
    return { ok: false, errors: [{ file, line, col, path: [], message: `flow collections ([…] or {…}) nested more than ${LIMITS.yamlDepth} levels deep (is a "]" or "}" missing?)`, severity: 'error' }] };
  }
  const fast = fastParse(text);
  if (fast) return { ok: true, source: lazySource(text, file), value: fast.value };
  return parseYamlSlow(text, file);
}

/**
 * The yaml library's Document: every node positioned, every limit checked where it is broken.
 * (After parseYaml's flow-nesting scan, which guards the library's quadratic case.)
 */
export function parseYamlSlow(text: string, file: string): ParsedYaml {
  const lines = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true });
  } catch (e) {
    // A stack overflow in the parser itself (thousands of nesting levels).
    if (e instanceof RangeError) return { ok: false, errors: [{ file, line: 1, col: 1, path: [], message: `nested more than ${LIMITS.yamlDepth} levels deep`, severity: 'error' }] };
    throw e;
  }
  const problems = doc.errors;
  // yaml turns a stack overflow on thousands of nesting levels into an error of its own.
  const overflow = problems.find((e) => /Maximum call stack/.test(e.message));
  if (overflow) return { ok: false, errors: [error(file, lines, 0, `nested more than ${LIMITS.yamlDepth} levels deep`)] };
  if (problems.length) {
    // One syntax mistake can cascade into thousands of follow-on errors; the first few say it.
    // A "{" in an unquoted value of a flow map (the brace hint) throws the rest of the file out of
    // step: its follow-on errors say nothing more, so the first is shown alone with the count.
    const firstPos = problems[0]!.linePos?.[0] ?? lines.linePos(problems[0]!.pos[0]);
    const cascade = braceHint(text, lines, firstPos.line) !== '';
    const shown = problems.slice(0, cascade ? 1 : LIMITS.errorsPerFile).map((e, i) => {
      const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
      const hint = i === 0 ? braceHint(text, lines, pos.line) : '';
      return { file, line: pos.line, col: pos.col, path: [], message: `YAML syntax: ${syntaxMessage(e.message)}${hint}`, severity: 'error' as const };
    });
    if (problems.length > shown.length) {
      const next = problems[shown.length]!;
      const pos = next.linePos?.[0] ?? lines.linePos(next.pos[0]);
      shown.push({ file, line: pos.line, col: pos.col, path: [], message: `… and ${problems.length - shown.length} more YAML syntax errors (often all caused by the first)`, severity: 'error' as const });
    }
    return { ok: false, errors: shown };
  }
  // Bad keys are independent mistakes, all said at once; the depth, alias and size limits stop
  // their walk, so the first is said alone.
  const keys = badKeys(doc, file, lines);
  if (keys.length) return { ok: false, errors: keys };
  const limit = checkLimits(doc, file, lines);
  if (limit) return { ok: false, errors: [limit] };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: LIMITS.yamlAliases * 100 });
  } catch (e) {
    const msg = e instanceof RangeError ? `nested more than ${LIMITS.yamlDepth} levels deep` : `YAML: ${syntaxMessage((e as Error).message)}`;
    return { ok: false, errors: [{ file, line: 1, col: 1, path: [], message: msg, severity: 'error' }] };
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
