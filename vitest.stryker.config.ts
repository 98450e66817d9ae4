// The vitest configuration Stryker runs (npm run mutate): only the in-process tests of the
// mutated folders (src/model, src/simulate, src/generate, src/report, src/loadtest/driver).
// Left out: tests that run the built CLI or scripts as another process (they exercise dist/,
// never the mutated sources, so they cannot kill a mutant), the reference services and the load
// tests against real layouts (minutes each, and they cover none of these folders in-process),
// and generated-project installs.
import { relative } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

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

// ARCHSIM_MUTATION_TESTS (comma-separated globs) narrows the tests for a one-folder run, e.g.
// ARCHSIM_MUTATION_TESTS='test/model/**/*.test.ts' with --mutate 'src/model/**/*.ts': a faster
// run, but mutants that only another folder's tests kill then count as survivors.
const only = process.env.ARCHSIM_MUTATION_TESTS?.split(',').filter(Boolean);

const ALL = [
  'test/model/**/*.test.ts',
  'test/simulate/**/*.test.ts',
  'test/generate/**/*.test.ts',
  'test/report/**/*.test.ts',
  'test/loadtest/driver.test.ts',
  'test/hostile/property.test.ts',
  'test/plan/plan.test.ts',
  'test/errors.test.ts',
];
const include = only?.length ? only : ALL;

export default defineConfig({
  test: {
    include,
    exclude: [
      ...configDefaults.exclude,
      'test/**/golden/**',
      // The built CLI in another process.
      'test/**/cli.test.ts',
      'test/report/report-cli.test.ts',
      'test/report/examples.test.ts',
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
