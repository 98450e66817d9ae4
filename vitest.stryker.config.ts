// The vitest configuration Stryker runs (npm run mutate): only the in-process tests of the
// mutated folders (src/model, src/simulate, src/generate, src/report, src/loadtest/driver).
// Left out: tests that run the built CLI or scripts as another process (they exercise dist/,
// never the mutated sources, so they cannot kill a mutant), the reference services and the load
// tests against real layouts (minutes each, and they cover none of these folders in-process),
// and generated-project installs.
import { relative } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
// A plain .mjs module shared with stryker.config.mjs and scripts/mutate.mjs.
import { MUTATION_FOLDERS } from './scripts/mutation-folders.mjs';

type Folder = { mutate: string[]; tests: string[]; exclude?: string[] };

/**
 * Stryker runs a mutant's covering tests with bail: the first failing test ends the run. Vitest's
 * own order (longest file first, for parallel runs) spends the slow simulation files first on every
 * mutant; here the file that failed last (it killed the previous, nearby mutant) comes first, then
 * the fastest: a killed mutant costs its quickest killing test, not the slowest file.
 */
class FailedThenFastestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cache = this.ctx.cache;
    const state = (f: TestSpecification) => cache.getFileTestResults(`${f.project.name}:${relative(this.ctx.config.root, f.moduleId)}`);
    const rank = (f: TestSpecification) => {
      const s = state(f);
      return s ? [s.failed ? 0 : 1, s.duration] : [1, Infinity];
    };
    return [...files].sort((a, b) => {
      const [fa, da] = rank(a);
      const [fb, db] = rank(b);
      return fa! - fb! || da! - db!;
    });
  }
}

// The tests of the folder under mutation (ARCHSIM_MUTATION_FOLDER, set by scripts/mutate.mjs; the
// lists and why are in scripts/mutation-folders.mjs), or of all folders when none is named.
// ARCHSIM_MUTATION_TESTS (comma-separated globs) narrows further for a quick look at one file, e.g.
// ARCHSIM_MUTATION_TESTS='test/simulate/analytic-exact.test.ts' with --mutate
// 'src/simulate/analytic.ts:60-140': mutants only the other tests kill then count as survivors.
const all = MUTATION_FOLDERS as Record<string, Folder>;
const named = process.env.ARCHSIM_MUTATION_FOLDER;
const folders = named ? [all[named]!] : Object.values(all);
const only = process.env.ARCHSIM_MUTATION_TESTS?.split(',').filter(Boolean);
const include = only?.length ? only : folders.flatMap((f) => f.tests);
// A file one folder leaves out (the long DES comparisons) stays out of the all-folders run too.
const folderExcludes = folders.flatMap((f) => f.exclude ?? []);

export default defineConfig({
  test: {
    include,
    exclude: [
      ...configDefaults.exclude,
      ...(only?.length ? [] : folderExcludes),
      'test/**/golden/**',
      // The built CLI in another process.
      'test/**/cli.test.ts',
      'test/report/report-cli.test.ts',
      'test/report/examples.test.ts',
      'test/report/answers.test.ts',
      // npm install and tsc of generated projects.
      'test/generate/scaffold.test.ts',
      'test/generate/scaffold-typecheck.test.ts',
      // The loader fuzz (thousands of damaged blueprints, a minute a run): it asserts the loader
      // never throws, which the positioned-error tests below check precisely for each rule.
      'test/model/property.test.ts',
    ],
    // The driver tests time real HTTP: on a machine loaded by other work a first, cold run can miss
    // a latency bound that the next one meets. A mutant that breaks the code fails every attempt.
    // Only there: a retry makes every killed mutant run its killing test three times, and the pure
    // folders' tests are deterministic.
    retry: include.some((g) => g.includes('loadtest')) ? 2 : 0,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Each mutant's tests import the modules afresh (Stryker assumes it: a mutant of module-level
    // code is switched on while the module loads). ARCHSIM_MUTATION_ISOLATE=0 keeps them loaded
    // between mutants: faster under load (about 1.7× in one comparison here), but a mutant of
    // module-level code can then survive falsely: a quick look, not the recorded scores.
    isolate: process.env.ARCHSIM_MUTATION_ISOLATE !== '0',
    sequence: { sequencer: FailedThenFastestFirst },
    reporters: ['default'],
  },
});
