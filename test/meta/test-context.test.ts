// A mutation run's incremental file reuses a killed mutant while its killing test is unchanged:
// scripts/test-context.mjs says what "unchanged" covers besides the test's own lines (the
// declarations it reaches, its describe chain's hooks, its helper modules). Each rule below: what
// must change a test's hash, and what must not (or one new test would retest a whole folder).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyseTestFile, contextHash, testContextOf } from '../../scripts/test-context.mjs';

const root = mkdtempSync(join(tmpdir(), 'archsim-test-context-'));
const testRoot = join(root, 'test');
mkdirSync(testRoot, { recursive: true });
afterAll(() => rmSync(root, { recursive: true, force: true }));

const FILE = join(testRoot, 'a.test.ts');

/** Each test's hash, by the test's name (the first string argument of its `it`). */
function hashes(source: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of analyseTestFile(source, FILE).tests) {
    const name = /it\('([^']+)'/.exec(source.split('\n')[t.start.line - 1]!.slice(t.start.column - 1))?.[1] ?? `@${t.start.line}`;
    out[name] = contextHash(FILE, t.start, testRoot, source);
  }
  return out;
}

const BASE = `import { describe, expect, it } from 'vitest';
import { f, g } from '../src/x.js';

const table = [1, 2];
function helperA(x: number) {
  return inner(x) + 1;
}
function inner(x: number) {
  return x * 2;
}

describe('one', () => {
  it('a', () => {
    expect(helperA(1)).toBe(3);
  });
  it('b', () => {
    expect(f(2)).toBe(2);
  });
});
`;

describe('a test’s context hash', () => {
  it('changes with a helper it calls, and with what that helper calls, and no other test’s', () => {
    const before = hashes(BASE);
    const helperChanged = hashes(BASE.replace('return inner(x) + 1;', 'return inner(x) + 2;'));
    expect(helperChanged.a).not.toBe(before.a);
    expect(helperChanged.b).toBe(before.b);
    const innerChanged = hashes(BASE.replace('return x * 2;', 'return x * 3;'));
    expect(innerChanged.a).not.toBe(before.a);
    expect(innerChanged.b).toBe(before.b);
  });

  it('does not change when a test, a describe or an import is added, or comments and spacing change', () => {
    const before = hashes(BASE);
    const added = hashes(
      BASE.replace("import { f, g } from '../src/x.js';", "import { f, g } from '../src/x.js';\nimport { h } from '../src/y.js';") +
        `\ndescribe('two', () => {\n  it('c', () => {\n    expect(h(g)).toBe(1);\n  });\n});\n`,
    );
    expect(added.a).toBe(before.a);
    expect(added.b).toBe(before.b);
    expect(added.c).toBeDefined();
    const reformatted = hashes(BASE.replace('function inner(x: number) {', '// why inner doubles\nfunction inner(  x: number ) {'));
    expect(reformatted).toEqual(before);
  });

  it('changes when an imported name a test uses is imported from elsewhere, not for the others', () => {
    const before = hashes(BASE);
    const moved = hashes(BASE.replace("import { f, g } from '../src/x.js';", "import { g } from '../src/x.js';\nimport { f } from '../src/z.js';"));
    expect(moved.b).not.toBe(before.b);
    expect(moved.a).toBe(before.a);
  });

  it('changes for every test of a describe whose hook changed, and for none outside it', () => {
    const src = (hook: string) => `import { beforeEach, describe, it } from 'vitest';
let n = 0;
describe('hooked', () => {
  beforeEach(() => { ${hook} });
  it('h1', () => { void n; });
  it('h2', () => {});
});
describe('plain', () => {
  it('p1', () => {});
});
`;
    const before = hashes(src('n = 1;'));
    const after = hashes(src('n = 2;'));
    expect(after.h1).not.toBe(before.h1);
    expect(after.h2).not.toBe(before.h2);
    expect(after.p1).toBe(before.p1);
  });

  it('changes for the tests a loop registers from a case table when a case changes, not for a test beside them', () => {
    const src = (c: string) => `import { describe, it } from 'vitest';
const cases = [${c}];
describe('cases', () => {
  for (const k of cases) {
    it(\`case \${k}\`, () => {});
  }
  it('alone', () => {});
});
`;
    const a = analyseTestFile(src('1, 2'), FILE);
    const b = analyseTestFile(src('1, 3'), FILE);
    const loopTest = a.tests.find((t) => t.start.line === 5)!;
    const alone = a.tests.find((t) => t.start.line === 7)!;
    expect(loopTest).toBeDefined();
    expect(contextHash(FILE, loopTest.start, testRoot, src('1, 3'))).not.toBe(contextHash(FILE, loopTest.start, testRoot, src('1, 2')));
    expect(contextHash(FILE, alone.start, testRoot, src('1, 3'))).toBe(contextHash(FILE, alone.start, testRoot, src('1, 2')));
    expect(b.tests.length).toBe(a.tests.length);
  });

  it('finds the innermost test holding a position vitest reports inside the call (it.each, a chained modifier)', () => {
    const src = `import { it } from 'vitest';
const rows = [[1], [2]];
it.each(rows)('row %s', (r) => { void r; });
it.skipIf(false)('maybe', () => {});
`;
    const a = analyseTestFile(src, FILE);
    expect(a.tests.map((t) => t.start.line)).toEqual([3, 4]);
    // A position inside the statement (V8 may point at the second call's parenthesis).
    const inside = { line: 3, column: 15 };
    const changedRows = src.replace('[[1], [2]]', '[[1], [3]]');
    expect(contextHash(FILE, inside, testRoot, changedRows)).not.toBe(contextHash(FILE, inside, testRoot, src));
    expect(contextHash(FILE, { line: 4, column: 1 }, testRoot, changedRows)).toBe(contextHash(FILE, { line: 4, column: 1 }, testRoot, src));
  });

  it('covers the whole file for a test no statement holds (one a helper function registers)', () => {
    const src = (tail: string) => `import { it } from 'vitest';
function check(name: string) {
  it(name, () => {});
}
check('made by a helper');
${tail}`;
    const inHelper = { line: 3, column: 3 };
    expect(testContextOf(FILE, inHelper, testRoot, src('')).hash).not.toBe(testContextOf(FILE, inHelper, testRoot, src('// anything')).hash);
    expect(testContextOf(FILE, undefined, testRoot, src('')).hash).not.toBe(testContextOf(FILE, undefined, testRoot, src('const x = 1;')).hash);
  });

  it('includes the test-helper modules a test imports, transitively, and not the sources under test', () => {
    writeFileSync(join(testRoot, 'fixture.ts'), "export { base } from './base.js';\nexport const fixture = 1;\n");
    writeFileSync(join(testRoot, 'base.ts'), 'export const base = 1;\n');
    const src = `import { it } from 'vitest';
import { fixture } from './fixture.js';
import { f } from '../src/x.js';
it('uses the fixture', () => { void fixture; });
it('does not', () => { void f; });
`;
    const uses = { line: 4, column: 1 };
    const not = { line: 5, column: 1 };
    const before = testContextOf(FILE, uses, testRoot, src);
    expect(before.helpers.sort()).toEqual([join(testRoot, 'base.ts'), join(testRoot, 'fixture.ts')]);
    expect(testContextOf(FILE, not, testRoot, src).helpers).toEqual([]);
    const otherBefore = contextHash(FILE, not, testRoot, src);
    writeFileSync(join(testRoot, 'base.ts'), 'export const base = 2;\n');
    // A new analysis of the same text reads the helper again (helpers are not cached).
    expect(contextHash(FILE, uses, testRoot, src)).not.toBe(before.hash);
    expect(contextHash(FILE, not, testRoot, src)).toBe(otherBefore);
  });
});

describe('the incremental file’s killed mutants without a killing test (what npm run mutate retests once)', () => {
  it('counts killed mutants whose killedBy is missing or empty, and nothing else', async () => {
    const { killedWithoutKiller } = await import('../../scripts/incremental-stats.mjs');
    const report = {
      files: {
        'src/a.ts': { mutants: [{ status: 'Killed', killedBy: ['1'] }, { status: 'Killed', killedBy: [] }, { status: 'Killed' }, { status: 'Survived' }, { status: 'Timeout' }] },
        'src/b.ts': { mutants: [{ status: 'Killed' }, { status: 'NoCoverage', killedBy: [] }] },
      },
    };
    expect(killedWithoutKiller(report)).toBe(3);
    expect(killedWithoutKiller({})).toBe(0);
  });
});
