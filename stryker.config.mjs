// Mutation testing of the pure core and the load driver: `npm run mutate` (all folders) or
// `npm run mutate -- --mutate 'src/model/**/*.ts'` (one folder). Not run in CI (too slow for every
// submission); see the README's "Working on archsim" for when to run it. The HTML report
// (every surviving mutant, by file) is written to reports/mutation/mutation.html, the per-folder
// scores by `node scripts/mutation-scores.mjs`.
// ARCHSIM_MUTATION_DIR (default reports/mutation) lets two folder runs go side by side without
// sharing a report or an incremental file.
const dir = process.env.ARCHSIM_MUTATION_DIR ?? 'reports/mutation';
// Test processes inherit this: a test whose latency bound cannot hold in a mutation run (the
// instrumented driver, cold, on shared cores) skips there, and only there.
process.env.ARCHSIM_MUTATION_RUN = '1';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'src/model/**/*.ts',
    'src/simulate/**/*.ts',
    'src/generate/**/*.ts',
    'src/report/**/*.ts',
    'src/loadtest/driver/**/*.ts',
    // The driver's child-process entry runs from dist/ in its own process (runDriverInChild forks
    // the built file), so a mutant of the source can never run there.
    '!src/loadtest/driver/child.ts',
  ],
  coverageAnalysis: 'perTest',
  // Static mutants (module-level code: zod schemas and their descriptions, CSS, constant tables,
  // regular expressions) can only be tested by re-running every test of the folder for each one:
  // in src/report alone 565 of them took 98% of the time (hours). They are reported as Ignored and
  // left out of the score; the per-test mutants in the functions that use them are not.
  ignoreStatic: true,
  // Re-runs test only the mutants whose code or covering tests changed since the last run.
  incremental: true,
  incrementalFile: `${dir}/incremental.json`,
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: `${dir}/mutation.html` },
  jsonReporter: { fileName: `${dir}/mutation.json` },
  // Two cores: one test process per core. On a machine shared with other work, pass
  // `--concurrency 1` (and run under nice -n 19): a second process there only adds timeouts.
  concurrency: 2,
  timeoutMS: 10_000,
  timeoutFactor: 2,
  // The sandbox needs sources, tests, blueprints, scenarios and dist/ (the driver tests start the
  // built trivial server as a process: build first); not earlier output.
  ignorePatterns: ['.stryker-tmp*', 'coverage', 'test-output', '.archsim', 'reports/mutation*', 'reference-services/**/node_modules'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 80, low: 70, break: null },
};
