// Mutation testing of the pure core and the load driver, one folder per Stryker run:
// `npm run mutate` (scripts/mutate.mjs: every folder in turn, then the scores) or
// `npm run mutate -- report model` (those folders). The folders and each one's tests are in
// scripts/mutation-folders.mjs; ARCHSIM_MUTATION_FOLDER names the folder of this run. Not run in CI
// (too slow for every submission); see the README's "Working on archsim" for when to run it.
// Each folder's HTML report (every surviving mutant, by file) is written to
// reports/mutation/<folder>/mutation.html, the per-folder scores by scripts/mutation-scores.mjs.
// Without ARCHSIM_MUTATION_FOLDER (`npx stryker run --mutate 'src/x.ts:1-80'` for a quick look at
// a range) the tests are the union of all folders' and the report goes to reports/mutation/adhoc;
// ARCHSIM_MUTATION_DIR overrides where.
import { fileURLToPath } from 'node:url';
import { MUTATION_FOLDERS } from './scripts/mutation-folders.mjs';

const folder = process.env.ARCHSIM_MUTATION_FOLDER;
if (folder && !MUTATION_FOLDERS[folder]) {
  throw new Error(`ARCHSIM_MUTATION_FOLDER=${folder}: not one of ${Object.keys(MUTATION_FOLDERS).join(', ')}`);
}
const dir = process.env.ARCHSIM_MUTATION_DIR ?? `reports/mutation/${folder ?? 'adhoc'}`;
// Test processes inherit these: vitest.stryker.config.ts picks the folder's tests from
// ARCHSIM_MUTATION_FOLDER, and a test whose latency bound cannot hold in a mutation run (the
// instrumented driver, cold, on shared cores) skips there, and only there.
process.env.ARCHSIM_MUTATION_RUN = '1';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // The vitest runner plus each test's position and context hash, so that an incremental run
  // retests what a changed test killed, not everything its file's tests killed
  // (scripts/stryker-located-runner.mjs says why).
  testRunner: 'vitest-located',
  vitest: { configFile: 'vitest.stryker.config.ts' },
  // and the `checkpoint` reporter: the run so far, every minute, in checkpoint.json beside the
  // incremental file, so that a stopped run of hours keeps what it tested (scripts/stryker-checkpoint.mjs).
  plugins: [
    '@stryker-mutator/vitest-runner',
    fileURLToPath(new URL('./scripts/stryker-located-runner.mjs', import.meta.url)),
    fileURLToPath(new URL('./scripts/stryker-checkpoint.mjs', import.meta.url)),
  ],
  mutate: folder ? MUTATION_FOLDERS[folder].mutate : Object.values(MUTATION_FOLDERS).flatMap((f) => f.mutate),
  coverageAnalysis: 'perTest',
  // Static mutants (module-level code: zod schemas and their descriptions, CSS, constant tables,
  // regular expressions) can only be tested by re-running every test of the folder for each one:
  // in src/report alone 565 of them took 98% of the time (hours). They are reported as Ignored and
  // left out of the score; the per-test mutants in the functions that use them are not.
  ignoreStatic: true,
  // Re-runs test only the mutants whose code or covering tests changed since the last run.
  incremental: true,
  incrementalFile: `${dir}/incremental.json`,
  reporters: ['html', 'json', 'clear-text', 'progress', 'checkpoint'],
  htmlReporter: { fileName: `${dir}/mutation.html` },
  jsonReporter: { fileName: `${dir}/mutation.json` },
  // Stryker prepends `// @ts-nocheck` to every .js/.ts file under src/, test/ and lib/ of its
  // sandbox by default, which changed the generators' golden files (a k6 script, the scaffolds'
  // TypeScript) and failed their byte-for-byte tests. Vitest never type-checks: only the mutated
  // sources need it, if anything.
  disableTypeChecks: 'src/**/*.{js,ts}',
  // Two cores: one test process per core. On a machine shared with other work, pass
  // `--concurrency 1` (and run under nice -n 19): a second process there only adds timeouts.
  concurrency: 2,
  // The dry run (every test of the folder once, with coverage per test) of all of src/simulate,
  // its 36 files instrumented, is over Stryker's default 5 minutes: every DES test then runs the
  // engine's hot loop through the mutant switches (2026-12-06 it timed out at 5 min; a part of the
  // folder, `--mutate <some files>`, instruments only those and its dry run takes 1.5 min).
  dryRunTimeoutMinutes: 30,
  timeoutMS: 10_000,
  timeoutFactor: 2,
  // The sandbox needs sources, tests, blueprints, scenarios and dist/ (the driver tests start the
  // built trivial server as a process: build first); not earlier output.
  ignorePatterns: ['.stryker-tmp*', 'coverage', 'test-output', '.archsim', 'reports/mutation*', 'reference-services/**/node_modules'],
  // Its own sandbox per folder, so two folders can run side by side on a machine with the cores.
  tempDirName: `.stryker-tmp-${folder ?? 'adhoc'}`,
  cleanTempDir: 'always',
  thresholds: { high: 80, low: 70, break: null },
};
