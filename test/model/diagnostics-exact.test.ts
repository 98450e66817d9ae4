// diagnostics.ts and dependencies.ts value by value: how a document path and a problem are
// written, the order problems come in, the edit distance and the "did you mean" bound at its
// boundary; and the dependency edges of a draft the loader would refuse (references to nothing,
// domains placed nowhere), which must simply be left out.
import { describe, expect, it } from 'vitest';
import { domainEdges, operationEdges, unitEdges } from '../../src/model/dependencies.js';
import { didYouMean, formatDiagnostic, formatPath, levenshtein, nearest, sortDiagnostics, type Diagnostic } from '../../src/model/diagnostics.js';
import { resolveBlueprint } from '../../src/model/resolve.js';
import { Blueprint } from '../../src/model/schema.js';

const d = (file: string, line: number, col: number, message: string, extra: Partial<Diagnostic> = {}): Diagnostic => ({ file, line, col, path: [], message, severity: 'error', ...extra });

describe('paths and diagnostics, written', () => {
  it('a path: the first segment bare, names as .name, indices as [i], anything else quoted', () => {
    expect(formatPath(['layouts', 'my layout', 0, 'a-b_c', 'a.b-c', 'ab.c', 'x'])).toBe('layouts["my layout"][0].a-b_c["a.b-c"]["ab.c"].x');
    expect(formatPath(['a b', 'c'])).toBe('a b.c');
    expect(formatPath([3, 'c'])).toBe('[3].c');
    expect(formatPath([])).toBe('');
  });

  it('file:line:col: [warning: ][path: ]message', () => {
    expect(formatDiagnostic(d('f.yaml', 3, 7, 'bad', { path: ['a', 1] }))).toBe('f.yaml:3:7: a[1]: bad');
    expect(formatDiagnostic(d('f.yaml', 3, 7, 'bad', { severity: 'warning' }))).toBe('f.yaml:3:7: warning: bad');
    expect(formatDiagnostic(d('f.yaml', 3, 7, 'bad', { severity: 'warning', path: ['x'] }))).toBe('f.yaml:3:7: warning: x: bad');
  });

  it('sorted by file, line, column, then message; the input left as it was', () => {
    const input = [d('b', 1, 1, 'z'), d('a', 2, 1, 'z'), d('a', 1, 9, 'z'), d('a', 1, 2, 'y'), d('a', 1, 2, 'x'), d('a', 10, 1, 'a')];
    const copy = [...input];
    expect(sortDiagnostics(input).map((x) => `${x.file}:${x.line}:${x.col}:${x.message}`)).toEqual(['a:1:2:x', 'a:1:2:y', 'a:1:9:z', 'a:2:1:z', 'a:10:1:a', 'b:1:1:z']);
    expect(input).toEqual(copy);
  });
});

describe('did you mean', () => {
  it('edit distance', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('abc', '')).toBe(3);
    expect(levenshtein('same', 'same')).toBe(0);
    expect(levenshtein('ab', 'ba')).toBe(2);
    expect(levenshtein('flaw', 'lawn')).toBe(2);
    expect(levenshtein('a', 'b')).toBe(1);
    expect(levenshtein('abc', 'abd')).toBe(1);
  });

  it('within max(2, a third of the name) edits, case aside; the nearest, then the first in code order', () => {
    // "abcdefghi": 9 letters, up to 3 edits.
    expect(nearest('abcdefghi', ['abcdefxyz'])).toBe('abcdefxyz');
    expect(nearest('abcdefghi', ['abcdewxyz'])).toBeUndefined();
    // Short names: 2 edits.
    expect(nearest('abc', ['axy'])).toBe('axy');
    expect(nearest('abc', ['xyz'])).toBeUndefined();
    expect(nearest('ABC', ['abd'])).toBe('abd');
    expect(nearest('abc', ['abx', 'abd', 'zzz'])).toBe('abd');
    expect(nearest('abc', ['abd', 'abx'])).toBe('abd');
    expect(nearest('abc', ['ab', 'abd'])).toBe('ab');
    expect(nearest('abc', ['abcd', 'abc'])).toBe('abc');
    expect(nearest('abc', [])).toBeUndefined();
    expect(didYouMean('abc', ['abd'])).toBe(' (did you mean "abd"?)');
    expect(didYouMean('abc', ['xyz'])).toBe('');
  });
});

describe('dependency edges of a draft', () => {
  // A draft with references to nothing (an unknown callee, event and consumer) and a domain no
  // unit holds: the schema accepts it, the loader's semantic checks would not.
  const bp = Blueprint.parse({
    apiVersion: 'archsim/v1',
    kind: 'Blueprint',
    metadata: { name: 'd' },
    system: {
      domains: {
        a: { operations: { x: { calls: ['b.y', 'zz.q', { op: 'c.z', count: 3 }], emits: ['ev', 'nope'] } } },
        b: { operations: { y: { calls: ['a.x'] } } },
        c: { operations: { z: { calls: ['b.y'] } } },
      },
      events: { ev: { consumers: ['b.y', 'c.gone', 'a.x'] } },
    },
    layouts: { l: { units: { u: { domains: ['a'], port: 1 }, v: { domains: ['b'], port: 2 } } } },
  });

  it('operation edges: calls to known operations, each consumer of a known event that exists', () => {
    expect(operationEdges(bp)).toEqual([
      { from: 'a.x', to: 'b.y', kind: 'sync', count: 1 },
      { from: 'a.x', to: 'c.z', kind: 'sync', count: 3 },
      { from: 'b.y', to: 'a.x', kind: 'sync', count: 1 },
      { from: 'c.z', to: 'b.y', kind: 'sync', count: 1 },
      { from: 'b.y', to: 'a.x', kind: 'event', event: 'ev', count: 1 },
      { from: 'a.x', to: 'a.x', kind: 'event', event: 'ev', count: 1 },
    ]);
  });

  it('group edges: no self-edges, none to or from a domain placed nowhere, one per direction and kind', () => {
    expect(domainEdges(bp)).toEqual([
      { from: 'a', to: 'b', kind: 'sync', via: ['a.x → b.y'], counts: [1] },
      { from: 'a', to: 'c', kind: 'sync', via: ['a.x → c.z'], counts: [3] },
      { from: 'b', to: 'a', kind: 'sync', via: ['b.y → a.x'], counts: [1] },
      { from: 'c', to: 'b', kind: 'sync', via: ['c.z → b.y'], counts: [1] },
      { from: 'b', to: 'a', kind: 'event', via: ['a.x ⇒ ev ⇒ b.y'], counts: [1] },
    ]);
    expect(unitEdges(bp, resolveBlueprint(bp).layout('l'))).toEqual([
      { from: 'u', to: 'v', kind: 'sync', via: ['a.x → b.y'], counts: [1] },
      { from: 'v', to: 'u', kind: 'sync', via: ['b.y → a.x'], counts: [1] },
      { from: 'v', to: 'u', kind: 'event', via: ['a.x ⇒ ev ⇒ b.y'], counts: [1] },
    ]);
  });
});
