// Stryker's vitest runner with each test's place and context: the test runner `vitest-located`
// (stryker.config.mjs) runs the tests exactly as `@stryker-mutator/vitest-runner` does and adds,
// to the dry run's tests, the start position vitest reports (`includeTaskLocation`, set in
// vitest.stryker.config.ts) and a hash of what the test runs besides its own text
// (scripts/test-context.mjs), written into the name Stryker records.
//
// Why: the incremental file matches a test across runs by file, name and start position, and
// reuses a killed mutant while its killing test's text is unchanged. The vitest runner gives no
// position, so a test counted as the whole file: one new test in a file made Stryker retest every
// mutant that file's tests had killed (most of a folder after a session's work). With positions a
// test is its own lines; with the context hash in its name, a change to a helper, a hook or a
// case table it reads still makes it a changed test.
//
// The test ids (what a mutant run filters on) are unchanged: only `name` and `startPosition`.
import { resolve } from 'node:path';
import { commonTokens, declareFactoryPlugin, PluginKind, tokens } from '@stryker-mutator/api/plugin';
import { strykerPlugins as vitestPlugins } from '@stryker-mutator/vitest-runner';
import { contextHash } from './test-context.mjs';

const vitest = vitestPlugins.find((p) => p.name === 'vitest');
if (!vitest) throw new Error('@stryker-mutator/vitest-runner no longer declares the "vitest" test runner');

/** The suffix that carries a test's context hash in its recorded name. */
export const CONTEXT_MARK = ' ⟦context ';

/** The name a test is recorded under: its own, then its context's hash. */
export const recordedName = (name, hash) => `${name}${CONTEXT_MARK}${hash}⟧`;

/** Vitest's task name path, as the vitest runner joins it (suites, then the test, by spaces). */
function fullName(task) {
  const parts = [task.name];
  for (let s = task.suite; s; s = s.suite) parts.unshift(s.name);
  return parts.join(' ').trim();
}

function collectTests(suite, into) {
  for (const t of suite.tasks ?? []) {
    if (t.type === 'suite') collectTests(t, into);
    else if (t.type === 'test') into.push(t);
  }
  return into;
}

class LocatedVitestRunner {
  constructor(inner) {
    this.inner = inner;
  }
  capabilities() {
    return this.inner.capabilities();
  }
  init() {
    return this.inner.init();
  }
  dispose() {
    return this.inner.dispose();
  }
  mutantRun(options) {
    return this.inner.mutantRun(options);
  }
  async dryRun(options) {
    const result = await this.inner.dryRun(options);
    if (result.status !== 'complete') return result;
    // The tasks of the run just made, by file and full name.
    const located = new Map();
    for (const file of this.inner.ctx.state.getFiles()) {
      for (const task of collectTests(file, [])) located.set(`${resolve(file.filepath)}#${fullName(task)}`, task.location);
    }
    const testRoot = resolve('test');
    const tests = result.tests.map((test) => {
      if (!test.fileName) return test;
      const location = located.get(`${resolve(test.fileName)}#${test.name}`);
      const hash = contextHash(resolve(test.fileName), location, testRoot);
      return {
        ...test,
        name: recordedName(test.name, hash),
        ...(location ? { startPosition: { line: location.line - 1, column: location.column - 1 } } : {}),
      };
    });
    return { ...result, tests };
  }
}

function createLocatedVitestRunner(injector) {
  return new LocatedVitestRunner(vitest.factory(injector));
}
createLocatedVitestRunner.inject = tokens(commonTokens.injector);

export const strykerPlugins = [declareFactoryPlugin(PluginKind.TestRunner, 'vitest-located', createLocatedVitestRunner)];
