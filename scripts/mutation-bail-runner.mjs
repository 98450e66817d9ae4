// vitest's test runner for mutation runs (vitest.stryker.config.ts), with one change: once a test
// has failed, the run's later test files are not imported. Stryker runs a mutant's covering tests
// with bail (the first failure kills the mutant and cancels the rest), but vitest, running a
// mutant's files in one shared worker, still imports each later file before skipping its tests:
// for a folder whose test files import heavy modules (the generators': kubernetes-models, ajv,
// gRPC) that was most of a killed mutant's time (k6.ts, 22 killed mutants: 9 files imported a
// mutant where 1.5 ran). A surviving mutant and the dry run fail no test, so they run every file
// exactly as before.
import { TestRunner } from 'vitest';

export default class BailingTestRunner extends TestRunner {
  importFile(filepath, source) {
    // cancelRun: set by vitest's bail after a failed test (and by a cancelled run)
    if (source === 'collect' && this.cancelRun) return undefined;
    return super.importFile(filepath, source);
  }
}
