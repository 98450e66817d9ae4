// The YAML reader's limits and positions, in process: each limit at its boundary (the limit
// itself passes, one more is refused) with the message and the place, the syntax errors' wording
// (never quoting the input) and their cap, and where a path's position falls back to.
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/model/limits.js';
import { flowDepthProblem, nodeAt, parseYaml, parseYamlSlow, positionOf } from '../../src/model/yaml-source.js';

const errs = (text: string) => {
  const r = parseYaml(text, 'y.yaml');
  return r.ok ? [] : r.errors.map((e) => `${e.file}:${e.line}:${e.col} ${e.message}`);
};

const D = LIMITS.yamlDepth;
const list = (n: number, x: string) => Array.from({ length: n }, () => x).join(', ');
/** n mappings nested in block style under the root mapping: `k0:`, `  k1:`, …, then `v: 1`. */
const block = (n: number) => `${Array.from({ length: n }, (_, i) => `${'  '.repeat(i)}k${i}:\n`).join('')}${'  '.repeat(n)}v: 1\n`;

describe('the limits, each at its boundary', () => {
  it(`collections nested ${D} deep (the root counted as 0): 63 below the root pass, 64 are refused at the 64th`, () => {
    expect(errs(`a: ${'['.repeat(D - 1)}${']'.repeat(D - 1)}\n`)).toEqual([]);
    expect(errs(`a: ${'['.repeat(D)}${']'.repeat(D)}\n`)).toEqual([`y.yaml:1:${3 + D} nested more than ${D} levels deep`]);
    expect(errs(block(D - 1))).toEqual([]);
    expect(errs(block(D))).toEqual([`y.yaml:${D + 1}:${2 * D + 1} nested more than ${D} levels deep`]);
  });

  it('flow nesting is scanned before the YAML library sees it: 65 open brackets are refused where the 65th opens', () => {
    expect(flowDepthProblem('['.repeat(D))).toBeUndefined();
    expect(flowDepthProblem('['.repeat(D + 1))).toEqual({ offset: D });
    expect(flowDepthProblem(`{${'['.repeat(D)}`)).toEqual({ offset: D });
    expect(errs(`a: ${'['.repeat(D + 1)}${']'.repeat(D + 1)}\n`)).toEqual([`y.yaml:1:${4 + D} flow collections ([…] or {…}) nested more than ${D} levels deep (is a "]" or "}" missing?)`]);
    expect(errs(`a:\n  b: ${'{'.repeat(D + 1)}\n`)).toEqual([`y.yaml:2:${6 + D} flow collections ([…] or {…}) nested more than ${D} levels deep (is a "]" or "}" missing?)`]);
  });

  it('brackets that open no flow collection are not counted: in quotes, in comments, inside a plain block scalar, after a closing one', () => {
    const many = '['.repeat(D + 1);
    expect(flowDepthProblem(`a: "${many}"\n`)).toBeUndefined();
    expect(flowDepthProblem(`a: 'it''s ${many}'\n`)).toBeUndefined();
    expect(flowDepthProblem(`a: "\\"${many}"\n`)).toBeUndefined();
    expect(flowDepthProblem(`# ${many}\na: 1\n`)).toBeUndefined();
    expect(flowDepthProblem(`a: 1 # ${many}\n`)).toBeUndefined();
    expect(flowDepthProblem(`a: x${many}\n`)).toBeUndefined();
    // Inside a flow collection every bracket opens one (a plain scalar there cannot hold one).
    expect(flowDepthProblem(`a: [x${many}]\n`)).toEqual({ offset: 4 + D });
    expect(flowDepthProblem(`a: [] ${many}\n`)).toBeUndefined();
    // Where a value starts: after "- ", ": " and "? ", and at the start of a line.
    expect(flowDepthProblem(`- ${many}`)).toEqual({ offset: 2 + D });
    expect(flowDepthProblem(`? ${many}`)).toEqual({ offset: 2 + D });
    expect(flowDepthProblem(`a:${many}`)).toBeUndefined();
    expect(flowDepthProblem(`-${many}`)).toBeUndefined();
    expect(flowDepthProblem(`a: [b: ${many}`)).toEqual({ offset: 6 + D });
    expect(flowDepthProblem(`a: [b, ${many}`)).toEqual({ offset: 6 + D });
  });

  it('a comment starts at "#" after a space, a tab, a line break or at the very start, and hides even a place where a value would start', () => {
    const many = '['.repeat(D + 1);
    // ": " inside the comment would open a value: the comment hides it (at the start of the text, and after a space)
    expect(flowDepthProblem(`# a: ${many}\n`)).toBeUndefined();
    expect(flowDepthProblem(`x: 1 # a: ${many}\n`)).toBeUndefined();
    // inside a flow collection every "[" counts, unless it is in a comment: after a space, a tab, a line break
    expect(flowDepthProblem(`a: [ # ${many}\n]\n`)).toBeUndefined();
    expect(flowDepthProblem(`a: [\t# ${many}\n]\n`)).toBeUndefined();
    expect(flowDepthProblem(`a: [\n# ${many}\n]\n`)).toBeUndefined();
    // a comment on the last line, with no line break after it
    expect(flowDepthProblem(`a: [ # ${many}`)).toBeUndefined();
    // "#" right after other text is part of it, not a comment: the brackets after it count
    // (the one "[" before it makes the 64th of them the 65th level)
    expect(flowDepthProblem(`a: [x# ${many}\n]\n`)).toEqual({ offset: 6 + D });
  });

  it('a line break and a tab keep their place: a line starts a value, a tab after ": " keeps it open', () => {
    const many = '['.repeat(D + 1);
    // after a plain value, the next line's "[" starts a value again
    expect(flowDepthProblem(`a: 1\n${many}`)).toEqual({ offset: 5 + D });
    // a tab after ": " is white space: the "[" after it still opens a collection
    expect(flowDepthProblem(`a: \t${many}`)).toEqual({ offset: 4 + D });
  });

  it(`${LIMITS.yamlAliases} aliases pass, one more is refused at that alias`, () => {
    expect(errs(`a: &x 1\nb: [${list(LIMITS.yamlAliases, '*x')}]\n`)).toEqual([]);
    expect(errs(`a: &x 1\nb: [${list(LIMITS.yamlAliases + 1, '*x')}]\n`)).toEqual(['y.yaml:2:5 more than 1000 aliases (*name) in one document']);
  });

  it('2,000,000 values once aliases are expanded pass, one more is refused', () => {
    // root 1 + (a: 1 + 3937) + (b: 1 + 1 + 507 × 3937) = 4 + 508 × 3937 = 2,000,000.
    expect(errs(`a: &x [${list(3936, '0')}]\nb: [${list(507, '*x')}]\n`)).toEqual([]);
    expect(errs(`a: &x [${list(3937, '0')}]\nb: [${list(507, '*x')}]\n`)).toEqual(['y.yaml:1:1 more than 2,000,000 values once aliases are expanded (the document is too large)']);
  });

  it('an alias inside its own anchor, a __proto__ key, a collection as a key: refused where they are', () => {
    expect(errs('a: &x [1, *x]\n')).toEqual(['y.yaml:1:11 the alias *x is inside the value its anchor names (it would repeat for ever)']);
    expect(errs('a: &x [1, 2]\nb: &x [3]\nc: *x\n')).toEqual([]);
    expect(errs('a: 1\nb: { __proto__: { x: 1 } }\n')).toEqual(['y.yaml:2:6 the key "__proto__" is not allowed (it would change an object\'s prototype)']);
    expect(errs('a: 1\n? [x, y]\n: 2\n')).toEqual(['y.yaml:2:3 a key must be a plain value, not a mapping or list']);
  });

  it('every bad key at once, in file order (it said only the last one, one fix at a time)', () => {
    expect(errs('a: { __proto__: 1 }\nb:\n  c: { d: 1, __proto__: 2 }\n  ? [x]\n  : 3\n__proto__: 4\n')).toEqual([
      'y.yaml:1:6 the key "__proto__" is not allowed (it would change an object\'s prototype)',
      'y.yaml:3:14 the key "__proto__" is not allowed (it would change an object\'s prototype)',
      'y.yaml:4:5 a key must be a plain value, not a mapping or list',
      'y.yaml:6:1 the key "__proto__" is not allowed (it would change an object\'s prototype)',
    ]);
    // inside a list's items, block and flow, at any depth
    expect(errs('a:\n  - x: 1\n  - { y: [ { __proto__: 1 } ] }\n')).toEqual(['y.yaml:3:14 the key "__proto__" is not allowed (it would change an object\'s prototype)']);
    // a cap on how many: the per-file limit, no more
    const many = Array.from({ length: LIMITS.errorsPerFile + 5 }, (_, i) => `k${i}: { __proto__: 1 }`).join('\n');
    expect(errs(`${many}\n`)).toHaveLength(LIMITS.errorsPerFile);
  });

  it('an alias names the last anchor of its name before it', () => {
    const r = parseYaml('a: &x [1, 2]\nb: *x\nc: &x [3]\nd: *x\n', 'y.yaml');
    expect(r.ok && r.value).toEqual({ a: [1, 2], b: [1, 2], c: [3], d: [3] });
  });
});

describe('syntax errors', () => {
  it('say what is wrong without quoting the input, one document per file, keys once', () => {
    expect(errs('a: "secret\nb: [1, 2\n')).toEqual(['y.yaml:3:1 YAML syntax: Missing closing "quote']);
    expect(errs('a: 1\n---\nb: 2\n')).toEqual(['y.yaml:2:1 YAML syntax: more than one YAML document (---) in one file; a blueprint is one document']);
    expect(errs('a: 1\na: 2\n')).toEqual(['y.yaml:2:1 YAML syntax: Map keys must be unique']);
    expect(parseYamlSlow('a: 1\n', 'y.yaml')).toMatchObject({ ok: true, value: { a: 1 } });
  });

  it('an unquoted route with a parameter inside a { … } map gets a hint to quote it (its first error only); other mistakes do not', () => {
    const HINT = ' (a "{" inside an unquoted value in a { … } map opens another map: quote the value, as in route: "GET /books/{id}")';
    const e = errs('ops:\n  write: { route: POST /books/{id}/reviews, cpu: 1ms }\n');
    expect(e[0]).toBe(`y.yaml:2:31 YAML syntax: Unexpected flow-map-start at node end${HINT}`);
    // its follow-on errors say nothing more: counted, not listed
    expect(e).toHaveLength(2);
    expect(e[1]).toMatch(/^y\.yaml:2:\d+ … and \d+ more YAML syntax errors \(often all caused by the first\)$/);
    // Quoted, or in a block map (where a plain value may hold "{"), it parses.
    expect(parseYamlSlow('ops:\n  write: { route: "POST /books/{id}/reviews", cpu: 1ms }\n', 'y.yaml').ok).toBe(true);
    expect(parseYamlSlow('ops:\n  write:\n    route: POST /books/{id}/reviews\n', 'y.yaml').ok).toBe(true);
    expect(errs('a: [1, 2\nb: { c: 1 }\n')[0]).not.toContain('quote the value');
    // on the first line; with no space after the "{", or two after the key's colon
    expect(errs('write: { route: POST /b/{id}, cpu: 1ms }\n')[0]).toBe(`y.yaml:1:25 YAML syntax: Unexpected flow-map-start at node end${HINT}`);
    expect(errs('ops:\n  write: {route: POST /b/{id}, cpu: 1ms}\n')[0]).toBe(`y.yaml:2:26 YAML syntax: Unexpected flow-map-start at node end${HINT}`);
    expect(errs('ops:\n  write: { route:  POST /b/{id}, cpu: 1ms }\n')[0]).toBe(`y.yaml:2:28 YAML syntax: Unexpected flow-map-start at node end${HINT}`);
    // a map written over two lines: the route on the second, its "," at the end of the first
    expect(errs('ops:\n  w: { a: 1,\n    route: POST /b/{id} }\n')[0]).toBe(`y.yaml:3:20 YAML syntax: Unexpected flow-map-start at node end${HINT}`);
    // a route in a block map (valid) beside another mistake: no hint
    expect(errs('ops:\n  write:\n    route: POST /b/{id}\nb: [1, 2\n')).toEqual(['y.yaml:5:1 YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]']);
    expect(errs('ops:\n  write:\n    route: POST /b/{id}\n  b: [1, 2\n')[0]).not.toContain('quote the value');
    // a duplicate key on the line after a block route: that line is read with it, and holds no "{" or "," before its key
    expect(errs('ops:\n  write:\n    route: POST /b/{id}\n    route: x\n')[0]).not.toContain('quote the value');
    // only the error's lines are read: the same words quoted elsewhere in the file give no hint
    expect(errs('a: "{ route: GET /b/{id} }"\nb: 1\nc: 2\nd: [1, 2\n')[0]).not.toContain('quote the value');
  });

  it(`at most ${LIMITS.errorsPerFile} of them, then how many more and where the next is`, () => {
    const e = errs(Array.from({ length: 60 }, (_, i) => `k${i}: [\n`).join(''));
    expect(e).toHaveLength(LIMITS.errorsPerFile + 1);
    expect(e[0]).toBe('y.yaml:2:1 YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]');
    expect(e.slice(-2)).toEqual(['y.yaml:51:1 YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]', 'y.yaml:52:1 … and 10 more YAML syntax errors (often all caused by the first)']);
  });
});

describe('positions', () => {
  const r = parseYaml("a:\n  b: [x, {c: 1}]\n  'd e': 2\n  3: three\n", 'p.yaml');
  if (!r.ok) throw new Error('invalid');
  const at = (path: (string | number)[], key = false) => positionOf(r.source, path, key);

  it('of a value, of a key, of list items and of keys written as numbers or quoted', () => {
    expect(at([])).toEqual({ line: 1, col: 1, exact: true });
    expect(at(['a', 'b'])).toEqual({ line: 2, col: 6, exact: true });
    expect(at(['a', 'b'], true)).toEqual({ line: 2, col: 3, exact: true });
    expect(at(['a', 'b', 1, 'c'])).toEqual({ line: 2, col: 14, exact: true });
    expect(at(['a', 3])).toEqual({ line: 4, col: 6, exact: true });
    expect(at(['a', 'd e'], true)).toEqual({ line: 3, col: 3, exact: true });
    expect(String(nodeAt(r.source, ['a', 'b', 0]))).toBe('x');
  });

  it('falls back to the nearest ancestor present, said not exact', () => {
    expect(at(['a', 'zz', 'q'])).toEqual({ line: 2, col: 3, exact: false });
    expect(at(['a', 'b', 5])).toEqual({ line: 2, col: 6, exact: false });
    expect(at(['a', 'b', 0, 'x'])).toEqual({ line: 2, col: 7, exact: false });
    expect(at(['a', 'b', 'x'])).toEqual({ line: 2, col: 6, exact: false });
    expect(at(['q'], true)).toEqual({ line: 1, col: 1, exact: false });
    expect(nodeAt(r.source, ['a', 'zz'])).toBeUndefined();
    expect(nodeAt(r.source, ['a', 'b', 5])).toBeUndefined();
  });
});
