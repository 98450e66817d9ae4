// The folders `npm run mutate` tests, one Stryker run each (scripts/mutate.mjs), and the tests each
// run executes. Read by stryker.config.mjs (what to mutate, where the reports go) and by
// vitest.stryker.config.ts (which tests run).
//
// Why one run per folder with its own tests: Stryker's dry run maps every mutant to the tests
// that cover it (perTest), and a surviving mutant runs all of them. A mutant of the loader is
// covered by every test that loads a blueprint, including the simulator's DES comparisons
// (seconds each); with one test set for all five folders a survivor of src/model paid for them.
// Each folder's list is its own exact/unit tests, plus the few other tests written to pin that
// folder's behaviour. A mutant only another folder's tests would kill counts as a survivor here:
// the scores are a lower bound, and a survivor of that kind asks for a test in the folder itself.
//
// Left out everywhere: tests that run the built CLI or a script in another process (they exercise
// dist/, never the mutated source), generated-project installs, the loader fuzz.

/** @type {Record<string, { mutate: string[], tests: string[], exclude?: string[], pool?: 'forks' | 'threads', note: string }>} */
export const MUTATION_FOLDERS = {
  report: {
    mutate: ['src/report/**/*.ts'],
    // and profile-peak-commands (test/simulate): collect's DES figures and method line under a
    // load profile whose peak passes a layout's saturation, about a second.
    tests: ['test/report/**/*.test.ts', 'test/simulate/profile-peak-commands.test.ts'],
    // Not the bundled examples rebuilt byte for byte (examples-in-process: a whole report of two
    // real blueprints, 4 s on a quiet machine and 20 s at load 30, paid by every surviving mutant
    // of build, markdown and html): small-report.test.ts checks a hand-worked report in
    // milliseconds, and the exact tests each section: markdown-exact and html-exact (hand-made
    // report data with budgets, a baseline, faults, a load test, a diagram: report-data.ts),
    // collect-exact (a small blueprint's structure, faults, lint, checklist, runReport's baseline
    // and budgets) and collect-des (the DES figures near a revisited station's saturation, about a
    // second). answers.test.ts runs the built CLI (vitest.stryker.config.ts leaves it out).
    exclude: ['test/report/examples-in-process.test.ts'],
    note: 'in-process report tests: figures, budget, baseline, wording, charts, a hand-worked small report, exact markdown/html/collect/run, a load profile past saturation',
  },
  driver: {
    mutate: [
      'src/loadtest/driver/**/*.ts',
      // The child-process entry runs from dist/ in its own process (runDriverInChild forks the
      // built file), so a mutant of the source can never run there.
      '!src/loadtest/driver/child.ts',
    ],
    // interleave.test.ts: the exact offsets of interleave.ts (pure, milliseconds). driver-exact:
    // run.ts's exact figures and edges in runs of a second or less (first in a mutation run: the
    // sequencer puts the faster file first, and a mutant's tests stop at the first failure).
    // driver-watchdog.test.ts: the child watchdog's limits and message (watchdog.ts, pure).
    // driver-processes.test.ts: DriverProcesses (index.ts), driver processes started a window ahead.
    tests: [
      'test/loadtest/driver-watchdog.test.ts',
      'test/loadtest/driver-exact.test.ts',
      'test/loadtest/driver.test.ts',
      'test/loadtest/interleave.test.ts',
      'test/loadtest/driver-processes.test.ts',
    ],
    // A process of their own (vitest.stryker.config.ts runs the other folders in a worker thread).
    pool: 'forks',
    note: 'the embedded driver against the trivial server in another process (real HTTP), and the interleaving offsets; build first',
  },
  model: {
    mutate: ['src/model/**/*.ts'],
    tests: ['test/model/**/*.test.ts', 'test/errors.test.ts'],
    note: 'loader, lint, routes, units, checklist, mermaid (the fuzz in test/model/property.test.ts left out)',
  },
  simulate: {
    mutate: ['src/simulate/**/*.ts'],
    // Not the DES-against-theory comparisons (closed-form, queueing, matrix: tens of seconds of
    // simulation per run, and a surviving mutant runs every covering test): the exact tests check
    // the same formulas by hand-worked values in milliseconds. Nor revisit.test.ts (a 300,000-
    // request fan-out DES at three loads: 23 s of its 28 s, paid by every surviving mutant of the
    // analytic model, the queueing formulas and the DES engine it covers).
    // jsq.ts's module-level caches (phaseCache, memo) are safe with the shared worker of
    // vitest.stryker.config.ts: a worker lives for one mutant's run, and inside it every file sees
    // the same mutant.
    // Nor pinned.test.ts: its one test runs 13 DES cases of 5,000-10,000 requests, 15-25 s under
    // Stryker's instrumentation, paid by every surviving mutant of des/ and compile.ts; the same
    // paths (and a few more) are pinned bit for bit in des-short-pinned.test.ts, 17 short cases of
    // milliseconds each, and simulate() in simulate-short-pinned.test.ts (2026-12-02: the DES files
    // went from about 15 s a mutant to about 3.5 s).
    tests: ['test/simulate/**/*.test.ts'],
    // Nor hotel-fault-isolation.test.ts (issue 17's acceptance: compare's automatic failure
    // scenarios of a whole blueprint through the DES, 3 s plain, over the 60 s test timeout with the
    // DES files instrumented: 2026-12-03 the run's dry run failed on it); fault-runs and the
    // scenario files' exact tests pin the same rows on small blueprints.
    exclude: ['test/simulate/closed-form.test.ts', 'test/simulate/queueing.test.ts', 'test/simulate/matrix.test.ts', 'test/simulate/revisit.test.ts', 'test/simulate/pinned.test.ts', 'test/simulate/hotel-fault-isolation.test.ts'],
    note: 'the simulator tests except the long DES-against-theory comparisons',
  },
  generate: {
    mutate: ['src/generate/**/*.ts'],
    // The generators' own tests: exact files and objects, the golden bytes, each output checked by
    // its real format (compose-spec, Kubernetes models, the k6-operator CRD, `nginx -t`, `node
    // --check`). Not test/hostile/property.test.ts: random blueprints with no fixed seed (a mutant
    // killed in one run may survive the next) whose nginx and Traefik properties take about 6 s,
    // paid by every surviving mutant of gateway.ts and k8s.ts; the exact tests pin the same routes
    // per blueprint. Left out by vitest.stryker.config.ts: cli.test.ts (the built CLI),
    // scaffold.test.ts and scaffold-typecheck.test.ts (npm install and tsc of generated projects).
    // Plus the plan's merged-units gateway test: its in-process gatewayRoutes cases are the only
    // ones with a canary taking routes from several units (gateway.ts routeGroups' sources); its
    // CLI cases run the built dist, cover no mutant, and so run once, in the dry run.
    tests: ['test/generate/**/*.test.ts', 'test/plan/merge-gateway.test.ts'],
    note: 'generator tests and goldens (the CLI, scaffold installs and typecheck, the random property tests left out)',
  },
};

export const FOLDER_NAMES = Object.keys(MUTATION_FOLDERS);

/**
 * Test files no folder's run executes, whatever its globs say (vitest.stryker.config.ts excludes
 * them; scripts/mutation-inputs.mjs leaves them out of a folder's inputs).
 */
export const NEVER_IN_A_MUTATION_RUN = [
  // The generated projects' own tests, kept as golden files.
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
  // never throws, which the positioned-error tests check precisely for each rule.
  'test/model/property.test.ts',
];
