// `npm run mutate` leaves a folder out when nothing its run reads changed since its last whole run
// (scripts/mutation-inputs.mjs): the folder's sources and tests, the modules they import, the data
// under test/ and blueprints/, the lockfile and the mutation set-up.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MUTATION_FOLDERS } from '../../scripts/mutation-folders.mjs';
import { changedInputs, currentDigest, folderInputs, readStamp, relativeImports, resolveImport, skipDecision, writeStamp } from '../../scripts/mutation-inputs.mjs';

const root = mkdtempSync(join(tmpdir(), 'archsim-inputs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('relativeImports', () => {
  it('static imports, re-exports, side-effect and dynamic imports with a literal; not packages', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { T } from '../model/types.js';",
      "export { b } from './b.js';",
      "export * from \"./c.js\";",
      "import './side.js';",
      "const { d } = await import('../../reference-services/x.js');",
      "import { z } from 'zod';",
      "import { readFileSync } from 'node:fs';",
      'const e = await import(name);',
    ].join('\n');
    expect(relativeImports(text)).toEqual(['./a.js', '../model/types.js', './b.js', './c.js', './side.js', '../../reference-services/x.js']);
    expect(relativeImports('')).toEqual([]);
  });
});

describe('resolveImport', () => {
  const files = new Set(['src/a.ts', 'src/b.js', 'src/dir/index.ts', 'scripts/x.mjs', 'src/plain.ts']);
  const has = (p: string) => files.has(p);
  it('a .js specifier names the .ts beside it, or the .js itself; a bare path its .ts or index.ts', () => {
    expect(resolveImport('src/sub/c.ts', '../a.js', has)).toBe('src/a.ts');
    expect(resolveImport('src/c.ts', './b.js', has)).toBe('src/b.js');
    expect(resolveImport('src/c.ts', './dir', has)).toBe('src/dir/index.ts');
    expect(resolveImport('src/c.ts', './plain', has)).toBe('src/plain.ts');
    expect(resolveImport('test/t.test.ts', '../scripts/x.mjs', has)).toBe('scripts/x.mjs');
  });
  it('nothing for a file that is not there, or a path out of the repository (hostile)', () => {
    expect(resolveImport('src/c.ts', './missing.js', has)).toBeUndefined();
    expect(resolveImport('src/c.ts', '../../etc/passwd', () => true)).toBeUndefined();
    expect(resolveImport('test/t.test.ts', '../../../../outside.js', () => true)).toBeUndefined();
  });
});

describe('folderInputs', () => {
  const tree: Record<string, string> = {
    'src/model/load.ts': "import { parse } from './parse.js';\nexport const load = parse;",
    'src/model/parse.ts': "import { z } from 'zod';\nexport const parse = (s: string) => s;",
    'src/model/types.ts': 'export type T = string;',
    'src/model/child.ts': 'export const x = 1;',
    'src/report/html.ts': "import { load } from '../model/load.js';\nexport const h = load;",
    'src/cli/main.ts': "import { h } from '../report/html.js';",
    'test/model/load.test.ts': "import { load } from '../../src/model/load.js';\nimport { helper } from './helpers.js';",
    'test/model/helpers.ts': "import { h } from '../../src/report/html.js';\nexport const helper = h;",
    'test/model/slow.test.ts': "import { m } from '../../src/cli/main.js';",
    'test/model/cli.test.ts': "import { m } from '../../src/cli/main.js';",
    'test/model/fixtures/a.yaml': 'name: a',
    'test/fixtures/shared.json': '{}',
    'test/report/golden/r.md': '# r',
    'blueprints/x.yaml': 'name: x',
    'test/report/html.test.ts': "import { h } from '../../src/report/html.js';",
    'package-lock.json': '{}',
    'stryker.config.mjs': "import { x } from './scripts/setup-helper.mjs';",
    'scripts/setup-helper.mjs': 'export const x = 1;',
    'README.md': '# r',
  };
  const folder = { mutate: ['src/model/**/*.ts', '!src/model/child.ts'], tests: ['test/model/**/*.test.ts'], exclude: ['test/model/slow.test.ts'] };
  const inputs = folderInputs(folder, Object.keys(tree), (p: string) => tree[p]);

  it('its sources, its tests and what they import, data beside its tests, the shared fixtures and blueprints, the set-up files and what they import', () => {
    expect(inputs).toEqual([
      'blueprints/x.yaml',
      'package-lock.json',
      'scripts/setup-helper.mjs',
      'src/model/load.ts',
      'src/model/parse.ts',
      'src/model/types.ts',
      'src/report/html.ts',
      'stryker.config.mjs',
      'test/fixtures/shared.json',
      'test/model/fixtures/a.yaml',
      'test/model/helpers.ts',
      'test/model/load.test.ts',
    ]);
  });
  it('not a source its negated glob leaves out, a test its exclude or the never-run list leaves out, nor what only they import', () => {
    expect(inputs).not.toContain('src/model/child.ts');
    expect(inputs).not.toContain('test/model/slow.test.ts');
    expect(inputs).not.toContain('test/model/cli.test.ts');
    expect(inputs).not.toContain('src/cli/main.ts');
    expect(inputs).not.toContain('test/report/html.test.ts');
    expect(inputs).not.toContain('README.md');
    // another folder's data
    expect(inputs).not.toContain('test/report/golden/r.md');
  });
  it('an import cycle ends', () => {
    const cyc = { 'src/model/a.ts': "import './b.js';", 'src/model/b.ts': "import './a.js';" } as Record<string, string>;
    expect(folderInputs({ mutate: ['src/model/**/*.ts'], tests: [] }, Object.keys(cyc), (p: string) => cyc[p])).toEqual(['src/model/a.ts', 'src/model/b.ts']);
  });
  it('this repository: src/simulate reads the loader its tests use and its test helpers, not the DES comparisons it leaves out', () => {
    const d = Object.keys(currentDigest(MUTATION_FOLDERS.simulate));
    expect(d).toContain('src/simulate/des/engine.ts');
    expect(d).toContain('test/simulate/helpers.ts');
    expect(d).toContain('src/model/parse.ts');
    expect(d).toContain('package-lock.json');
    // how the located runner names a test: a change there changes every test's identity
    expect(d).toContain('scripts/test-context.mjs');
    expect(d).not.toContain('test/simulate/closed-form.test.ts');
    expect(d).not.toContain('test/model/lint-exact.test.ts');
    expect(d).not.toContain('src/generate/compose.ts');
    expect(d).toContain('test/simulate/golden/' + readdirSync('test/simulate/golden')[0]);
    expect(d.some((p) => p.startsWith('test/generate/golden/'))).toBe(false);
  });
});

describe('changedInputs', () => {
  it('changed, new and gone, in path order', () => {
    expect(changedInputs({ a: '1', b: '2', c: '3' }, { a: '1', b: '9', d: '4' })).toEqual([
      { path: 'b', how: 'changed' },
      { path: 'c', how: 'gone' },
      { path: 'd', how: 'new' },
    ]);
    expect(changedInputs({ a: '1' }, { a: '1' })).toEqual([]);
  });
});

describe('skipDecision', () => {
  const stamp = { recorded: '2026-12-07T05:00:00.000Z', inputs: { 'src/a.ts': 'x', 'test/a.test.ts': 'y' } };
  const base = { stamp, current: { 'src/a.ts': 'x', 'test/a.test.ts': 'y' }, checkpoint: false, untested: 0, lost: 0 };
  it('skips only when the inputs are as recorded and every mutant has its result', () => {
    expect(skipDecision(base)).toEqual({ skip: true, why: 'nothing its run reads has changed since its last whole run (2026-12-07T05:00:00.000Z; 2 files): its results stand' });
  });
  it('runs, and says why, for each thing a run would do', () => {
    expect(skipDecision({ ...base, checkpoint: true })).toEqual({ skip: false, why: 'a stopped run left a checkpoint: this run tests what it had not' });
    expect(skipDecision({ ...base, untested: undefined, lost: undefined })).toEqual({ skip: false, why: 'no incremental file yet: a first run' });
    expect(skipDecision({ ...base, untested: 1 })).toEqual({ skip: false, why: '1 mutant(s) not tested yet' });
    expect(skipDecision({ ...base, lost: 1 })).toEqual({ skip: false, why: '1 killed mutant(s) name no killing test' });
    expect(skipDecision({ ...base, stamp: undefined })).toEqual({ skip: false, why: 'no record of what its last whole run read (inputs.json)' });
    expect(skipDecision({ ...base, current: { 'src/a.ts': 'x', 'test/a.test.ts': 'z' } })).toEqual({
      skip: false,
      why: '1 of its inputs changed since its last whole run (test/a.test.ts changed)',
    });
    // A changed path is printed with its control characters escaped (a file of a hostile clone).
    expect(skipDecision({ ...base, current: { 'src/a.ts': 'x', 'test/a.test.ts': 'y', 'test/\u001b[2Jx.ts': 'n' } }).why).toBe(
      '1 of its inputs changed since its last whole run (test/\\u001b[2Jx.ts new)',
    );
    const many = { 'src/b.ts': '1', 'src/c.ts': '2', 'src/d.ts': '3', 'test/a.test.ts': 'y' };
    expect(skipDecision({ ...base, current: many }).why).toBe('4 of its inputs changed since its last whole run (src/a.ts gone, src/b.ts new, src/c.ts new, …)');
  });
});

describe('readStamp and writeStamp', () => {
  it('round trip; a damaged or wrongly shaped file reads as none (the folder runs)', () => {
    const dir = join(root, 'stamp');
    writeStamp(dir, { 'src/a.ts': 'abc' }, '2026-12-07T05:00:00.000Z');
    expect(readStamp(dir)).toEqual({ recorded: '2026-12-07T05:00:00.000Z', inputs: { 'src/a.ts': 'abc' } });
    writeFileSync(join(dir, 'inputs.json'), '{"inputs": ');
    expect(readStamp(dir)).toBeUndefined();
    writeFileSync(join(dir, 'inputs.json'), '{"inputs": {"src/a.ts": 1}}');
    expect(readStamp(dir)).toBeUndefined();
    // Hostile paths (they are printed when they change): a terminal escape, an absolute path, a
    // way out of the repository, a bidi override.
    for (const key of ['src/\u001b]52;c;aGk=\u0007.ts', '/etc/passwd', 'src/../../x.ts', 'src/\u202egnp.ts']) {
      writeFileSync(join(dir, 'inputs.json'), JSON.stringify({ inputs: { [key]: 'abc' } }));
      expect(readStamp(dir), key).toBeUndefined();
    }
    expect(readStamp(join(root, 'none'))).toBeUndefined();
  });
  it('never writes through a symlink at inputs.json (hostile), and does not read through one', () => {
    const dir = join(root, 'link');
    mkdirSync(dir);
    const victim = join(root, 'victim.txt');
    writeFileSync(victim, 'keep');
    symlinkSync(victim, join(dir, 'inputs.json'));
    expect(readStamp(dir)).toBeUndefined();
    writeStamp(dir, { 'src/a.ts': 'abc' });
    expect(readFileSync(victim, 'utf8')).toBe('keep');
    expect(readStamp(dir)?.inputs).toEqual({ 'src/a.ts': 'abc' });
  });
});

describe('npm run mutate with a folder whose inputs are as recorded', () => {
  it('skips it without starting Stryker, says so, and still prints the scores', () => {
    const repo = join(root, 'repo');
    for (const d of ['scripts', 'src/model', 'test/model', 'reports/mutation/model']) mkdirSync(join(repo, d), { recursive: true });
    cpSync('scripts', join(repo, 'scripts'), { recursive: true });
    for (const f of ['stryker.config.mjs', 'vitest.stryker.config.ts', 'package-lock.json']) cpSync(f, join(repo, f));
    // picomatch from this checkout's node_modules
    symlinkSync(join(process.cwd(), 'node_modules'), join(repo, 'node_modules'));
    writeFileSync(join(repo, 'src/model/a.ts'), 'export const f = (x: number) => x + 1;\n');
    writeFileSync(join(repo, 'test/model/a.test.ts'), "import { expect, it } from 'vitest';\nimport { f } from '../../src/model/a.js';\nit('f adds one', () => expect(f(1)).toBe(2));\n");
    const killed = { id: '1', mutatorName: 'ArithmeticOperator', replacement: 'x - 1', status: 'Killed', coveredBy: ['t1'], killedBy: ['t1'], location: { start: { line: 1, column: 27 }, end: { line: 1, column: 32 } } };
    writeFileSync(join(repo, 'reports/mutation/model/incremental.json'), JSON.stringify({
      schemaVersion: '1.0', thresholds: { high: 80, low: 60 },
      files: { 'src/model/a.ts': { language: 'typescript', source: readFileSync(join(repo, 'src/model/a.ts'), 'utf8'), mutants: [killed] } },
      testFiles: { 'test/model/a.test.ts': { tests: [{ id: 't1', name: 'f adds one', location: { start: { line: 3, column: 1 } } }] } },
    }));
    const git = (...a: string[]) => spawnSync('git', a, { cwd: repo, encoding: 'utf8' });
    git('init', '-q');
    git('add', '-A');
    const run = () => spawnSync(process.execPath, ['scripts/mutate.mjs', 'model'], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
    // What a whole run would have recorded as it started.
    writeStamp(join(repo, 'reports/mutation/model'), currentDigest(MUTATION_FOLDERS.model, repo));
    const r = run();
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/== model: skipped, nothing its run reads has changed since its last whole run \(.*; \d+ files\): its results stand \(--rerun runs it anyway\)/);
    expect(r.stdout).toContain('model     skipped (nothing it reads changed)');
    expect(r.stdout).not.toContain('npx stryker run');
    expect(r.stdout).toMatch(/'src\/model' +│ '100\.0%' +│ 1 /);
  });
});
