// The vitest configuration Stryker runs (npm run mutate): only the in-process tests of the
// mutated folders (src/model, src/simulate, src/generate, src/report, src/loadtest/driver).
// Left out: tests that run the built CLI or scripts as another process (they exercise dist/,
// never the mutated sources, so they cannot kill a mutant), the reference services and the load
// tests against real layouts (minutes each, and they cover none of these folders in-process),
// and generated-project installs.
import { configDefaults, defineConfig } from 'vitest/config';

// ARCHSIM_MUTATION_TESTS (comma-separated globs) narrows the tests for a one-folder run, e.g.
// ARCHSIM_MUTATION_TESTS='test/model/**/*.test.ts' with --mutate 'src/model/**/*.ts': a faster
// run, but mutants that only another folder's tests kill then count as survivors.
const only = process.env.ARCHSIM_MUTATION_TESTS?.split(',').filter(Boolean);

export default defineConfig({
  test: {
    include: only?.length ? only : [
      'test/model/**/*.test.ts',
      'test/simulate/**/*.test.ts',
      'test/generate/**/*.test.ts',
      'test/report/**/*.test.ts',
      'test/loadtest/driver.test.ts',
      'test/hostile/property.test.ts',
      'test/plan/plan.test.ts',
      'test/errors.test.ts',
    ],
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
    retry: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
