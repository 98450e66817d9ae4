// A Stryker reporter that keeps a long mutation run's results while it runs: `checkpoint`
// (stryker.config.mjs). Stryker writes its incremental file once, at the end; a run of hours that is
// stopped (a session's end, Ctrl-C, a reboot) loses everything it tested. Every minute this reporter
// writes reports/mutation/<folder>/checkpoint.json: a complete incremental report of the run so far,
// in Stryker's own format. scripts/mutate.mjs puts a checkpoint in place of the incremental file
// before the folder's next run, so that run reuses what the stopped one tested.
//
// What the checkpoint holds, mutant by mutant:
// - a result reported so far (tested, reused from the incremental file, no coverage, static): as is;
// - a mutant planned for a test run and not yet tested: status Ignored with UNTESTED_REASON.
//   Stryker never reuses an Ignored result (IncrementalDiffer.mutantCanBeReused), so the next run
//   whose scope holds it tests it; scripts/mutation-scores.mjs leaves Ignored out of the score and
//   counts these apart, so a stopped run never passes an untested mutant off as measured.
// The tests are the dry run's (by the runner's ids), plus the earlier runs' tests that Stryker
// carried over (their id is Stryker's key, `file@line:column\nname`).
import { lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, relative, sep } from 'node:path';
import { commonTokens, declareClassPlugin, PluginKind } from '@stryker-mutator/api/plugin';
import { UNTESTED_REASON } from './incremental-stats.mjs';

/** How often a checkpoint is written, at most (a simulate report is about 9 MB: ~0.1 s to write). */
export const CHECKPOINT_EVERY_MS = 60_000;

/** The checkpoint file beside an incremental file. */
export const checkpointFileFor = (incrementalFile) => join(dirname(incrementalFile), 'checkpoint.json');

/** A file name as the report keys it: relative to the project, with forward slashes. */
export const reportName = (fileName, cwd) => (fileName ? (isAbsolute(fileName) ? relative(cwd, fileName) : fileName).split(sep).join('/') : '');

/**
 * Stryker's key of a test carried over from an earlier report (incremental-differ.js
 * testToIdentifyingKey: its position is Stryker's, from 0), parsed, its location as a report's (from 1).
 */
export function parseCarriedTestKey(id) {
  const m = /^(.*)@(\d+):(\d+)\n([\s\S]*)$/.exec(id);
  return m ? { file: m[1], location: { start: { line: Number(m[2]) + 1, column: Number(m[3]) + 1 } }, name: m[4] } : undefined;
}

/**
 * The incremental report of a run so far. Pure.
 * @param {{
 *   results: Iterable<{ id: string, fileName: string, mutatorName: string, replacement: string, location: object, status: string, statusReason?: string, static?: boolean, testsCompleted?: number, killedBy?: string[], coveredBy?: string[] }>,
 *   pending: Iterable<{ id: string, fileName: string, mutatorName: string, replacement: string, location: { start: { line: number, column: number }, end: { line: number, column: number } } }>,
 *   tests: Iterable<{ id: string, name: string, fileName?: string, startPosition?: { line: number, column: number } }>,
 *   source: (relativeName: string) => string,
 *   cwd: string,
 *   config: object,
 *   thresholds: object,
 * }} run results are schema mutants (1-based locations, the runner's test ids); pending are
 *   Stryker's planned mutants (0-based locations) with no result yet; tests are the dry run's (0-based)
 */
export function checkpointReport({ results, pending, tests, source, cwd, config, thresholds }) {
  const testIds = new Map(); // the runner's id (or a carried key) -> the report's id
  const testFiles = {};
  const addTest = (id, name, file, location) => {
    testIds.set(id, String(testIds.size));
    const f = (testFiles[file] ??= { tests: [], ...(file ? { source: source(file) } : {}) });
    f.tests.push({ id: testIds.get(id), name, ...(location ? { location } : {}) });
  };
  for (const t of tests) {
    const at = t.startPosition ? { start: { line: t.startPosition.line + 1, column: t.startPosition.column + 1 } } : undefined;
    addTest(t.id, t.name, reportName(t.fileName, cwd), at);
  }
  const testId = (id) => {
    if (!testIds.has(id)) {
      const carried = parseCarriedTestKey(id);
      if (!carried) return undefined; // a test no run knows of: dropped, as Stryker's own report would
      addTest(id, carried.name, carried.file, carried.location);
    }
    return testIds.get(id);
  };
  const ids = (list) => (list ?? []).map(testId).filter((id) => id !== undefined);

  const files = {};
  const fileOf = (fileName) => {
    const name = reportName(fileName, cwd);
    return (files[name] ??= { language: /^\.[cm]?tsx?$/.test(extname(name)) ? 'typescript' : 'javascript', mutants: [], source: source(name) });
  };
  const seen = new Set();
  for (const r of results) {
    seen.add(r.id);
    const { fileName, killedBy, coveredBy, ...mutant } = r;
    fileOf(fileName).mutants.push({ ...mutant, killedBy: ids(killedBy), coveredBy: ids(coveredBy) });
  }
  for (const m of pending) {
    if (seen.has(m.id)) continue;
    const { start, end } = m.location;
    fileOf(m.fileName).mutants.push({
      id: m.id,
      mutatorName: m.mutatorName,
      replacement: m.replacement,
      location: { start: { line: start.line + 1, column: start.column + 1 }, end: { line: end.line + 1, column: end.column + 1 } },
      status: 'Ignored',
      statusReason: UNTESTED_REASON,
      coveredBy: [],
      killedBy: [],
    });
  }
  return { files, schemaVersion: '1.0', thresholds, testFiles, projectRoot: cwd, config, framework: { name: 'StrykerJS (checkpoint)' } };
}

/**
 * Write `text` to `file` without following a symlink at either name: a fresh temporary file
 * (exclusive create fails on anything already there, a symlink included), then a rename, which
 * replaces a symlink at `file` rather than writing through it.
 */
export function writeFileNoFollow(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  writeFileSync(tmp, text, { flag: 'wx' });
  renameSync(tmp, file);
}

class CheckpointReporter {
  static inject = [commonTokens.options, commonTokens.logger];
  constructor(options, log) {
    this.options = options;
    this.log = log;
    this.file = checkpointFileFor(options.incrementalFile);
    this.results = new Map();
    this.pending = [];
    this.tests = [];
    this.sources = new Map();
    this.lastWrite = Date.now();
    this.done = false;
    this.wrote = false;
  }
  onDryRunCompleted({ result }) {
    this.tests = result.tests.map(({ id, name, fileName, startPosition }) => ({ id, name, fileName, startPosition: startPosition && { ...startPosition } }));
  }
  onMutationTestingPlanReady({ mutantPlans }) {
    this.pending = mutantPlans.filter((p) => p.plan === 'Run').map((p) => p.mutant);
  }
  onMutantTested(result) {
    this.results.set(result.id, result);
    if (!this.done && Date.now() - this.lastWrite >= CHECKPOINT_EVERY_MS) this.write();
  }
  onMutationTestReportReady() {
    // The whole report is made: no more checkpoints.
    this.done = true;
  }
  wrapUp() {
    // Called once Stryker has written the incremental file (MutationTestExecutor.execute): the
    // checkpoint has served. Not earlier: a crash between the two would lose both. Only a
    // checkpoint of this run's: another run's is resume-checkpoint.mjs's to judge.
    if (this.done && this.wrote) rmSync(this.file, { force: true });
  }
  source(name) {
    // Read once: the sources as they were when the run reached them, not as edited since.
    if (!this.sources.has(name)) {
      let text = '';
      try {
        if (lstatSync(name).isFile()) text = readFileSync(name, 'utf8');
      } catch {
        // a file gone since: an empty source, which the next run diffs as all changed
      }
      this.sources.set(name, text);
    }
    return this.sources.get(name);
  }
  write() {
    this.lastWrite = Date.now();
    try {
      const report = checkpointReport({
        results: this.results.values(),
        pending: this.pending,
        tests: this.tests,
        source: (name) => this.source(name),
        cwd: process.cwd(),
        config: this.options,
        thresholds: this.options.thresholds,
      });
      // The folder's directory is Stryker's to make at the end; a first run has none yet.
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileNoFollow(this.file, JSON.stringify(report));
      this.wrote = true;
    } catch (e) {
      // A checkpoint is a convenience: the run goes on without it.
      this.log.warn(`checkpoint: not written (${e instanceof Error ? e.message : e})`);
    }
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, 'checkpoint', CheckpointReporter)];
