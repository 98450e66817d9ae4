#!/usr/bin/env node
// `npm run mutate [-- FOLDER ...] [--since REF] [-- stryker options]`: mutation testing, one Stryker run per
// folder of scripts/mutation-folders.mjs (report, driver, model, simulate, generate; all of them
// when none is named), each with its own tests, report and incremental file under
// reports/mutation/<folder>/. Then the per-folder scores of every folder's incremental file.
// Any other argument goes to each Stryker run, e.g. `npm run mutate -- model --concurrency 1`
// (a machine shared with other work: one test process, and run it under nice -n 19).
// Each folder's wall time is printed and kept in reports/mutation/<folder>/time.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { changedRanges } from './changed-ranges.mjs';
import { folderCounts } from './incremental-stats.mjs';
import { currentDigest, readStamp, skipDecision, writeStamp } from './mutation-inputs.mjs';
import { FOLDER_NAMES, MUTATION_FOLDERS } from './mutation-folders.mjs';
import { resumeFromCheckpoint } from './resume-checkpoint.mjs';

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(`Usage: npm run mutate -- [FOLDER ...] [--since COMMIT] [stryker options]

One Stryker run per folder (${FOLDER_NAMES.join(', ')}; all when none is named), then every folder's score.
  --since COMMIT   mutate only the lines each folder changed since COMMIT, all retested
  --rerun          run a folder even when nothing it reads changed since its last whole run
                   (without it such a folder is skipped: reports/mutation/<folder>/inputs.json)
  other options    passed to each Stryker run, e.g. --concurrency 1 (a shared machine, under nice -n 19)
Exit 0 when every run finished, 1 when one failed, 2 on a usage error.`);
  process.exit(0);
}
// --since REF: mutate only the lines each folder changed since REF (scripts/changed-ranges.mjs),
// all of their mutants retested (--force); a folder with no changed line is skipped.
const sinceAt = argv.indexOf('--since');
const since = sinceAt >= 0 ? argv[sinceAt + 1] : undefined;
if (sinceAt >= 0 && (!since || since.startsWith('-'))) {
  console.error('mutate: --since needs a commit (e.g. --since main~5)');
  process.exit(2);
}
if (since && spawnSync('git', ['rev-parse', '--verify', '--quiet', `${since}^{commit}`], { stdio: 'ignore' }).status !== 0) {
  console.error(`mutate: --since ${since}: not a commit of this repository`);
  process.exit(2);
}
const rerun = argv.includes('--rerun');
const args = (sinceAt >= 0 ? argv.filter((_, i) => i !== sinceAt && i !== sinceAt + 1) : argv).filter((a) => a !== '--rerun');
const folders = args.filter((a) => FOLDER_NAMES.includes(a));
const strykerArgs = args.filter((a) => !FOLDER_NAMES.includes(a));
if (since && strykerArgs.some((a) => a === '--mutate' || a.startsWith('--mutate='))) {
  console.error('mutate: --since chooses what to mutate; give it or --mutate, not both');
  process.exit(2);
}
const unknown = strykerArgs.find((a, i) => !a.startsWith('-') && !(i > 0 && strykerArgs[i - 1].startsWith('--') && !strykerArgs[i - 1].includes('=')));
if (unknown) {
  console.error(`mutate: ${unknown} is not a folder (one of ${FOLDER_NAMES.join(', ')}) nor a Stryker option`);
  process.exit(2);
}
const run = folders.length ? folders : FOLDER_NAMES;
// The driver tests start the built trivial server and fork the built driver child.
if (run.includes('driver') && !existsSync('dist/src/loadtest/driver/child.js')) {
  console.error('mutate: the driver tests need dist/ (npm run build first)');
  process.exit(2);
}

const times = [];
let failed = 0;
for (const folder of run) {
  const started = Date.now();
  let extra = [];
  if (since) {
    const ranges = changedRanges(since, MUTATION_FOLDERS[folder]);
    if (!ranges.length) {
      console.log(`\n== ${folder}: no line changed since ${since}, skipped`);
      continue;
    }
    extra = ['--force', '--mutate', ranges.join(',')];
    console.log(`\n== ${folder}: ${ranges.length} changed range(s) since ${since}`);
  }
  const dir = `reports/mutation/${folder}`;
  // A whole run (every source of the folder, all its tests) can record what it read, and be left
  // out next time when none of that changed (scripts/mutation-inputs.mjs says what it reads).
  const whole = !since && !process.env.ARCHSIM_MUTATION_TESTS && !strykerArgs.some((a) => a === '--mutate' || a.startsWith('--mutate=') || a === '-m');
  let inputs;
  try {
    inputs = whole ? currentDigest(MUTATION_FOLDERS[folder]) : undefined;
  } catch (e) {
    // Not a git checkout (the files are listed by git): run the folder, record nothing.
    console.log(`\n== ${folder}: what it reads cannot be listed (${e instanceof Error ? e.message.split('\n')[0] : e}): it runs, and its inputs are not recorded`);
  }
  // What the incremental file leaves to test (read once: a folder's file is up to 9 MB of JSON).
  let counts = folderCounts(folder);
  if (inputs && !rerun && !strykerArgs.includes('--force')) {
    const d = skipDecision({ stamp: readStamp(dir), current: inputs, checkpoint: existsSync(`${dir}/checkpoint.json`), ...(counts ?? { untested: undefined, lost: undefined }) });
    if (d.skip) {
      console.log(`\n== ${folder}: skipped, ${d.why} (--rerun runs it anyway)`);
      times.push({ folder, seconds: 0, status: 0, skipped: true });
      continue;
    }
    console.log(`\n== ${folder}: runs: ${d.why}`);
  }
  console.log(`\n== ${folder}: npx stryker run ${[...strykerArgs, ...extra.slice(0, 2)].join(' ')}`);
  // A run of this folder that was stopped left its results so far (scripts/stryker-checkpoint.mjs):
  // they become the incremental file, so this run tests only what that one had not.
  const resumed = resumeFromCheckpoint(dir);
  if (resumed) {
    console.log(`== ${folder}: ${resumed}`);
    counts = folderCounts(folder);
  }
  const lost = since ? 0 : counts?.lost;
  if (lost) console.log(`== ${folder}: ${lost} killed mutant(s) in the incremental file name no killing test (recorded before tests had positions): retested this time, once`);
  const r = spawnSync('npx', ['stryker', 'run', ...strykerArgs, ...extra], { stdio: 'inherit', env: { ...process.env, ARCHSIM_MUTATION_FOLDER: folder } });
  const seconds = Math.round((Date.now() - started) / 1000);
  times.push({ folder, seconds, status: r.status });
  if (r.status !== 0) failed++;
  // What this run read, as it started (the sandbox is a copy of that moment), once its results
  // are complete: nothing left untested, every kill with its killing test.
  const after = folderCounts(folder);
  if (inputs && r.status === 0 && after && !after.untested && !after.lost && !existsSync(`${dir}/checkpoint.json`)) writeStamp(dir, inputs);
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/time.json`, JSON.stringify({ seconds, finished: new Date().toISOString(), status: r.status, args: strykerArgs }) + '\n');
}
console.log('\nwall time per folder:');
for (const t of times) console.log(`  ${t.folder.padEnd(9)} ${t.skipped ? 'skipped (nothing it reads changed)' : `${Math.floor(t.seconds / 60)} min ${t.seconds % 60} s${t.status === 0 ? '' : ` (stryker exited ${t.status})`}`}`);

// Every folder's incremental file (all its runs so far, narrowed ones included), not only this run's.
spawnSync(process.execPath, ['scripts/mutation-scores.mjs'], { stdio: 'inherit' });
process.exit(failed ? 1 : 0);
