// What a folder's mutation run reads, and whether any of it changed since the folder's last whole
// run (scripts/mutate.mjs skips a folder when nothing did). Stryker's own incremental mode still
// starts a dry run of every test of the folder before it can reuse a single result: minutes for
// each folder (src/simulate's, its 36 files instrumented, is over five), paid even when nothing
// changed. The inputs are:
// - the folder's sources (its `mutate` globs) and its tests (the test files its run executes),
// - every repository module those tests import, directly or through others (the rest of src/,
//   test helpers, the reference services, scripts): found by reading their relative imports,
// - the data tests read: every file that is not a module under blueprints/, test/fixtures/ and the
//   test directories of the folder's tests (test/generate/ for its goldens),
// - the lockfile and the mutation set-up itself (the Stryker and vitest configs, the runner plugins).
// A change to any of them makes the next `npm run mutate` run the folder; that is more than
// Stryker's incremental mode looks at (only the mutated files and the test files), on purpose: a
// change of a helper or a blueprint can change which tests cover a mutant, which only a dry run shows.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import picomatch from 'picomatch';
import { NEVER_IN_A_MUTATION_RUN } from './mutation-folders.mjs';
import { writeFileNoFollow } from './stryker-checkpoint.mjs';

/** The mutation set-up: a change to one of these can change every folder's results. */
export const SETUP_FILES = [
  'package-lock.json',
  'stryker.config.mjs',
  'vitest.stryker.config.ts',
  'scripts/mutation-folders.mjs',
  'scripts/stryker-located-runner.mjs',
  'scripts/mutation-bail-runner.mjs',
];

const MODULE = /\.(?:ts|mts|js|mjs|cjs)$/;

/**
 * The relative module specifiers of a source text: static imports and re-exports, side-effect
 * imports and dynamic `import('./x.js')` with a literal. Pure. A regular expression, not a parser:
 * it may also pick up an import written inside a comment or a string, which only adds an input.
 * @param {string} source
 * @returns {string[]}
 */
export function relativeImports(source) {
  const out = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"`])(\.{1,2}\/[^'"`\n]+)\1/g;
  for (let m = re.exec(source); m; m = re.exec(source)) out.push(m[2]);
  return out;
}

/**
 * The repository path a relative specifier of `from` names, or undefined when it leaves the
 * repository or names no file in it. `./x.js` is `./x.ts` when that exists (TypeScript's
 * convention under NodeNext). Pure but for `exists`.
 * @param {string} from  repository-relative path of the importing file
 * @param {string} spec
 * @param {(path: string) => boolean} exists
 */
export function resolveImport(from, spec, exists) {
  const path = normalize(join(dirname(from), spec)).replaceAll('\\', '/');
  if (path.startsWith('..') || path.startsWith('/')) return undefined;
  const candidates = /\.js$/.test(path) ? [path.replace(/\.js$/, '.ts'), path] : /\.mjs$/.test(path) ? [path.replace(/\.mjs$/, '.mts'), path] : [path, `${path}.ts`, `${path}/index.ts`];
  return candidates.find(exists);
}

/**
 * Every file a folder's run reads, sorted. Pure but for `read` (a file's text, or undefined).
 * @param {{ mutate: string[], tests: string[], exclude?: string[] }} folder  one of MUTATION_FOLDERS
 * @param {string[]} files  the repository's files (tracked and untracked, not ignored)
 * @param {(path: string) => string | undefined} read
 */
export function folderInputs(folder, files, read) {
  const source = picomatch(folder.mutate.filter((g) => !g.startsWith('!')));
  const notSource = picomatch(folder.mutate.filter((g) => g.startsWith('!')).map((g) => g.slice(1)));
  const test = picomatch(folder.tests);
  const notTest = picomatch([...(folder.exclude ?? []), ...NEVER_IN_A_MUTATION_RUN]);
  const known = new Set(files);
  const sources = files.filter((p) => source(p) && !notSource(p));
  const tests = files.filter((p) => test(p) && !notTest(p));
  // The sources, the tests, the set-up and every module they reach through relative imports (the
  // runner plugin's scripts/test-context.mjs: how a test is told from its changed self).
  const reached = new Set();
  const stack = [...sources, ...tests, ...SETUP_FILES.filter((p) => known.has(p) && MODULE.test(p))];
  for (let path = stack.pop(); path !== undefined; path = stack.pop()) {
    if (reached.has(path)) continue;
    reached.add(path);
    for (const spec of relativeImports(read(path) ?? '')) {
      const target = resolveImport(path, spec, (p) => known.has(p));
      if (target && !reached.has(target)) stack.push(target);
    }
  }
  // Data: the blueprints, the shared fixtures, and what lies beside the folder's tests (their
  // goldens and snapshots), not the other folders' (a new golden of the generators is no input of
  // the simulator's run).
  const dataDirs = ['blueprints/', 'test/fixtures/', ...new Set(tests.map((p) => p.split('/').slice(0, 2).join('/') + '/'))];
  const inputs = new Set([
    ...reached,
    ...SETUP_FILES.filter((p) => known.has(p)),
    ...files.filter((p) => !MODULE.test(p) && dataDirs.some((d) => p.startsWith(d))),
  ]);
  return [...inputs].sort();
}

/** sha256 of each input's bytes ('missing' for one that cannot be read). */
export function digest(paths, readBytes) {
  return Object.fromEntries(paths.map((p) => {
    const bytes = readBytes(p);
    return [p, bytes === undefined ? 'missing' : createHash('sha256').update(bytes).digest('hex')];
  }));
}

/**
 * The inputs that differ between a recorded digest and the current one: changed, new, gone.
 * Pure. An empty list: nothing the run reads has changed.
 * @param {Record<string, string>} recorded
 * @param {Record<string, string>} current
 * @returns {{ path: string, how: 'changed' | 'new' | 'gone' }[]}
 */
export function changedInputs(recorded, current) {
  const out = [];
  for (const [path, sha] of Object.entries(current)) {
    if (!(path in recorded)) out.push({ path, how: 'new' });
    else if (recorded[path] !== sha) out.push({ path, how: 'changed' });
  }
  for (const path of Object.keys(recorded)) if (!(path in current)) out.push({ path, how: 'gone' });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The repository's files: tracked, plus untracked ones git does not ignore (a new test). */
export function repositoryFiles(cwd = '.') {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return [...new Set(out.split('\0').filter(Boolean))].filter((p) => existsSync(join(cwd, p)) && lstatSync(join(cwd, p)).isFile());
}

/** A folder's inputs and their digest, read from the working tree at `cwd`. */
export function currentDigest(folder, cwd = '.') {
  const files = repositoryFiles(cwd);
  const readBytes = (p) => {
    try {
      return readFileSync(join(cwd, p));
    } catch {
      return undefined;
    }
  };
  const inputs = folderInputs(folder, files, (p) => readBytes(p)?.toString('utf8'));
  return digest(inputs, readBytes);
}

// The characters a terminal acts on or reorders by: C0 and C1 controls, line and paragraph
// separators, bidi marks and controls (the class src/model/diagnostics.ts's terminalText escapes;
// a plain-node script cannot import the TypeScript source).
const CONTROL = '\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
/** A repository-relative path: not absolute, no character of CONTROL. */
const PLAIN_PATH = new RegExp(`^[^/${CONTROL}][^${CONTROL}]*$`);
const CONTROL_CHARS = new RegExp(`[${CONTROL}]`, 'g');

/** A path as printed on a terminal: each character of CONTROL shown as \\uXXXX. */
export const shownPath = (p) => p.replace(CONTROL_CHARS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The largest inputs file read (a folder's is about 60 KB). */
const MAX_STAMP_BYTES = 16 * 1024 * 1024;

/**
 * A folder's inputs as its last whole run read them (reports/mutation/<folder>/inputs.json), or
 * undefined when there is none or it cannot be read (then the folder runs).
 */
export function readStamp(dir) {
  const path = join(dir, 'inputs.json');
  try {
    const st = lstatSync(path);
    if (!st.isFile() || st.size > MAX_STAMP_BYTES) return undefined;
    const stamp = JSON.parse(readFileSync(path, 'utf8'));
    const inputs = stamp?.inputs;
    if (!inputs || typeof inputs !== 'object' || Object.values(inputs).some((v) => typeof v !== 'string')) return undefined;
    // Its paths are printed when they changed: a file that is not plain repository paths is no record.
    if (Object.keys(inputs).some((k) => !PLAIN_PATH.test(k) || k.split('/').includes('..'))) return undefined;
    return { recorded: typeof stamp.recorded === 'string' ? stamp.recorded : '?', inputs };
  } catch {
    return undefined;
  }
}

/**
 * Record what a whole run read: `inputs.json` beside its incremental file, written to a new file
 * and renamed over the old one (never through a symlink someone put there).
 */
export function writeStamp(dir, inputs, recorded = new Date().toISOString()) {
  mkdirSync(dir, { recursive: true });
  const note = 'what the last whole mutation run of this folder read (scripts/mutation-inputs.mjs): npm run mutate runs the folder again only when one of these changed';
  writeFileNoFollow(join(dir, 'inputs.json'), JSON.stringify({ recorded, note, inputs }, null, 1) + '\n');
}

/**
 * Whether `npm run mutate` may leave a folder out: its last whole run recorded its inputs, none of
 * them changed since, and its incremental file holds a result for every mutant (no stopped run's
 * checkpoint waiting, none untested, every killed one naming its killing test: those a run would
 * test). Pure.
 * @param {{ stamp?: { recorded: string, inputs: Record<string, string> }, current: Record<string, string>, checkpoint: boolean, untested: number | undefined, lost: number | undefined }} s
 * @returns {{ skip: boolean, why: string }}
 */
export function skipDecision({ stamp, current, checkpoint, untested, lost }) {
  if (checkpoint) return { skip: false, why: 'a stopped run left a checkpoint: this run tests what it had not' };
  if (untested === undefined) return { skip: false, why: 'no incremental file yet: a first run' };
  if (untested > 0) return { skip: false, why: `${untested} mutant(s) not tested yet` };
  if (lost) return { skip: false, why: `${lost} killed mutant(s) name no killing test` };
  if (!stamp) return { skip: false, why: 'no record of what its last whole run read (inputs.json)' };
  const changed = changedInputs(stamp.inputs, current);
  if (changed.length) {
    const shown = changed.slice(0, 3).map((c) => `${shownPath(c.path)} ${c.how}`).join(', ');
    return { skip: false, why: `${changed.length} of its inputs changed since its last whole run (${shown}${changed.length > 3 ? ', …' : ''})` };
  }
  return { skip: true, why: `nothing its run reads has changed since its last whole run (${stamp.recorded}; ${Object.keys(current).length} files): its results stand` };
}
