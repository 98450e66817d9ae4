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
import { MUTATION_FOLDERS, NEVER_IN_A_MUTATION_RUN } from './scripts/mutation-folders.mjs';
import MutationTimingReporter from './scripts/mutation-timing-reporter.mjs';

type Folder = { mutate: string[]; tests: string[]; exclude?: string[]; pool?: 'forks' | 'threads' };

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
      // The generated projects' own tests, the built CLI, installs, the loader fuzz: the list says why.
      ...NEVER_IN_A_MUTATION_RUN,
    ],
    // The driver tests time real HTTP: on a machine loaded by other work a first, cold run can miss
    // a latency bound that the next one meets. A mutant that breaks the code fails every attempt.
    // Only there: a retry makes every killed mutant run its killing test three times, and the pure
    // folders' tests are deterministic.
    retry: include.some((g) => g.includes('loadtest')) ? 2 : 0,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Stryker's runner starts one vitest run per mutant, with one worker (maxWorkers 1). Not
    // isolated, vitest hands that worker all the run's files at once and stops it when the run
    // ends (vitest 4's pool: a worker is kept for the next task only while the queue holds one,
    // and a run is a single task): every mutant's run starts a fresh worker, so no module state
    // (jsq.ts's caches, resolve.ts's memo) crosses from one mutant to the next, and a mutant's
    // files share the modules they import instead of importing them again each (about 0.3-0.7 s
    // a file instrumented). What a shared worker changes: in the dry run, a cache that one file's
    // test fills (jsq.ts's, resolve.ts's memo of a fixture object two files import) is read, not
    // computed, by another file's, so only the first test counts as covering that code and only it
    // runs for its mutants (a mutant the second alone would kill survives: the score stays a lower
    // bound, never inflated). ARCHSIM_MUTATION_ISOLATE=1 isolates each file again (a file that
    // must not share module state with another of its run; none in the lists today: every folder's
    // list passes with one shared worker). Measured on analytic.ts 266-330 (32 mutants, reports/
    // BENCHMARKS.md issue 20): 7.5 s a mutant isolated, 4.5 s shared.
    isolate: process.env.ARCHSIM_MUTATION_ISOLATE === '1',
    // A worker thread starts about 0.1-0.2 s sooner than a forked process, once per mutant. The
    // driver's tests keep their own process (forks; MUTATION_FOLDERS' `pool`): they fork the built
    // child and time real HTTP, and their time is the requests', not the start.
    pool: (process.env.ARCHSIM_MUTATION_POOL as 'forks' | 'threads' | undefined) ?? (folders.some((f) => f.pool === 'forks') ? 'forks' : 'threads'),
    sequence: { sequencer: FailedThenFastestFirst },
    // Each test's start position, for scripts/stryker-located-runner.mjs (the incremental file's
    // test identity).
    includeTaskLocation: true,
    // After the first failure (the mutant is killed), the run's later files are not even imported
    // (scripts/mutation-bail-runner.mjs): with one shared worker vitest would import each of them.
    runner: './scripts/mutation-bail-runner.mjs',
    // ARCHSIM_MUTATION_TIMING=FILE: one JSON line per run (the dry run, then each mutant) with
    // vitest's own time per test file, to see where a mutant's time goes.
    reporters: ['default', ...(process.env.ARCHSIM_MUTATION_TIMING ? [new MutationTimingReporter(process.env.ARCHSIM_MUTATION_TIMING)] : [])],
    ...(process.env.ARCHSIM_MUTATION_TIMING ? { experimental: { importDurations: { limit: 100 } } } : {}),
  },
});
