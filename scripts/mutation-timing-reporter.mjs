// A vitest reporter that appends one JSON line per test run to the file named by
// ARCHSIM_MUTATION_TIMING (vitest.stryker.config.ts adds it only then): where a mutant's time goes.
// Stryker's vitest runner starts one vitest run per mutant in a long-lived process, so the lines
// are the dry run and then one per mutant; the gap between one line's `end` and the next's `start`
// is Stryker's own time per mutant (its IPC, the next mutant's activation, its bookkeeping).
// Per test file: vitest's own diagnostic (environment, prepare = the worker's test harness, setup
// files, collect = importing the test file and everything it imports and running its describe
// bodies, tests = the tests and hooks);
// what a run's wall time holds beyond the files' sums is the worker pool (starting a process or
// thread per file when isolated) and the runner's scheduling.
import { appendFileSync } from 'node:fs';

export default class MutationTimingReporter {
  constructor(file) {
    this.file = file;
  }
  onInit(ctx) {
    this.ctx = ctx;
  }
  onTestRunStart() {
    this.start = performance.now();
    this.startedAt = Date.now();
    this.done = [];
  }
  // The modules of this run only: the runner keeps earlier runs' modules in vitest's state, and
  // onTestRunEnd is handed them all.
  onTestModuleEnd(m) {
    this.done.push(m);
  }
  onTestRunEnd() {
    const end = performance.now();
    const files = this.done.map((m) => {
      const d = m.diagnostic();
      let tests = 0;
      let failed = 0;
      for (const t of m.children.allTests()) {
        const r = t.result();
        if (r.state === 'skipped' || r.state === 'pending') continue;
        tests++;
        if (r.state === 'failed') failed++;
      }
      return {
        file: m.moduleId.replace(/^.*?\/test\//, 'test/'),
        env: round(d.environmentSetupDuration),
        prepare: round(d.prepareDuration),
        setup: round(d.setupDuration),
        collect: round(d.collectDuration),
        // of which importing the test file (its module-level code and everything it imports); the
        // rest of collect is its describe bodies
        imported: round(d.importDurations?.[m.moduleId]?.totalTime ?? 0),
        // the three slowest modules to evaluate, on their own
        slowest: Object.entries(d.importDurations ?? {})
          .sort(([, a], [, b]) => b.selfTime - a.selfTime)
          .slice(0, 3)
          .map(([id, t]) => `${id.replace(/^.*?\/(src|test|node_modules)\//, '$1/')} ${round(t.selfTime)}`),
        tests: round(d.duration),
        ran: tests,
        failed,
      };
    });
    const sum = files.reduce((a, f) => a + f.env + f.prepare + f.setup + f.collect + f.tests, 0);
    const line = { at: this.startedAt, start: round(this.start), end: round(end), wall: round(end - this.start), files: round(sum), files_detail: files };
    appendFileSync(this.file, JSON.stringify(line) + '\n');
  }
}

const round = (x) => Math.round(x * 10) / 10;
