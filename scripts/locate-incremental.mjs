#!/usr/bin/env node
// `node scripts/locate-incremental.mjs [FOLDER ...]`: gives the tests of a committed incremental
// file (reports/mutation/<folder>/incremental.json) the position and context hash that
// scripts/stryker-located-runner.mjs now records, so that the next `npm run mutate` keeps reusing
// their results instead of retesting the whole folder once because every test's identity changed.
//
// Only where that is sound: a test file whose text is the one the file recorded, and whose
// helper modules (files under test/ it imports) have not changed since the commit before the
// incremental file's last commit (the run was made on that tree or a later one). Any other test
// keeps its old identity and counts as changed, as before. Positions come from vitest itself
// (`vitest list --includeTaskLocation`, the folder's own test list). Idempotent: a test that
// already has a position is left as it is.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { FOLDER_NAMES } from './mutation-folders.mjs';
import { recordedName } from './stryker-located-runner.mjs';
import { testContextOf } from './test-context.mjs';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(`Usage: node scripts/locate-incremental.mjs [FOLDER ...]

Gives the tests of reports/mutation/<folder>/incremental.json (every folder when none is named:
${FOLDER_NAMES.join(', ')}) the start position and context hash mutation runs now record, where the
test file and its helpers are unchanged since that file's run. Idempotent.
Exit 0 when done, 1 when vitest cannot list the tests, 2 on a usage error.`);
  process.exit(0);
}
const folders = process.argv.slice(2).length ? process.argv.slice(2) : FOLDER_NAMES;
const bad = folders.find((f) => !FOLDER_NAMES.includes(f));
if (bad) {
  console.error(`locate-incremental: ${bad} is not one of ${FOLDER_NAMES.join(', ')}`);
  process.exit(2);
}
const testRoot = resolve('test');
const git = (...args) => execFileSync('git', args, { encoding: 'utf8' }).trim();

for (const folder of folders) {
  const path = `reports/mutation/${folder}/incremental.json`;
  if (!existsSync(path)) {
    console.log(`${folder}: no incremental file`);
    continue;
  }
  const commit = git('log', '-1', '--format=%H', '--', path);
  // Helper files changed since the run's tree (the commit before the one that wrote the file).
  const changed = new Set(
    (commit ? git('diff', '--name-only', `${commit}~1`, '--', 'test') : '')
      .split('\n')
      .concat(git('diff', '--name-only', 'HEAD', '--', 'test').split('\n'))
      .filter(Boolean)
      .map((f) => resolve(f)),
  );
  const listed = spawnSync('npx', ['vitest', 'list', '--json', '--includeTaskLocation', '--config', 'vitest.stryker.config.ts'], {
    encoding: 'utf8',
    env: { ...process.env, ARCHSIM_MUTATION_FOLDER: folder },
    maxBuffer: 64 << 20,
  });
  const start = listed.stdout.indexOf('[');
  if (listed.status !== 0 || start < 0) {
    console.error(`${folder}: vitest list failed (${listed.status}):\n${listed.stderr.slice(-2000)}`);
    process.exit(1);
  }
  /** @type {{ name: string, file: string, location?: { line: number, column: number } }[]} */
  const tests = JSON.parse(listed.stdout.slice(start));
  const where = new Map(tests.map((t) => [`${relative('.', t.file)}#${t.name.split(' > ').join(' ')}`, t.location]));

  const report = JSON.parse(readFileSync(path, 'utf8'));
  let located = 0;
  let kept = 0;
  for (const [file, entry] of Object.entries(report.testFiles ?? {})) {
    const abs = resolve(file);
    const same = existsSync(abs) && readFileSync(abs, 'utf8') === entry.source;
    for (const test of entry.tests) {
      if (test.location) continue;
      const location = same ? where.get(`${file}#${test.name}`) : undefined;
      const context = location && testContextOf(abs, location, testRoot, entry.source);
      if (!context || context.helpers.some((h) => changed.has(h))) {
        kept++;
        continue;
      }
      test.name = recordedName(test.name, context.hash);
      test.location = { start: { line: location.line, column: location.column } };
      located++;
    }
  }
  writeFileSync(path, JSON.stringify(report, null, 2));
  console.log(`${folder}: ${located} tests located, ${kept} left as they were (their file or helpers changed since ${commit.slice(0, 7)}~1, or vitest no longer lists them)`);
}
