// Before a folder's mutation run (scripts/mutate.mjs): a checkpoint left by a stopped run
// (scripts/stryker-checkpoint.mjs) replaces the folder's incremental file, so the new run reuses
// what the stopped one tested and tests what it had not.
import { existsSync, lstatSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { untestedCount } from './incremental-stats.mjs';
import { writeFileNoFollow } from './stryker-checkpoint.mjs';

/** The largest checkpoint read (a whole src/simulate one is about 5 MB). */
const MAX_CHECKPOINT_BYTES = 256 * 1024 * 1024;

/**
 * Put `dir`/checkpoint.json in place of `dir`/incremental.json. Returns the line to print, or
 * undefined when there is no checkpoint. An unreadable checkpoint, or one older than the
 * incremental file, is moved aside (never deleted: it may be all a long run left) and the
 * incremental file kept.
 */
export function resumeFromCheckpoint(dir) {
  const checkpoint = join(dir, 'checkpoint.json');
  if (!existsSync(checkpoint)) return undefined;
  const written = statSync(checkpoint).mtime;
  const when = written.toISOString().slice(0, 16).replace('T', ' ');
  // A run that finished after the checkpoint was written (a Stryker run started by hand) holds
  // newer results: the checkpoint is moved aside, not put over them.
  const incremental = join(dir, 'incremental.json');
  if (existsSync(incremental) && lstatSync(incremental).mtime > written) {
    const aside = join(dir, `checkpoint.stale-${Date.now()}.json`);
    renameSync(checkpoint, aside);
    return `a stopped run's checkpoint (${when} UTC) is older than the incremental file: moved to ${aside}, the incremental file kept`;
  }
  let report;
  try {
    if (statSync(checkpoint).size > MAX_CHECKPOINT_BYTES) throw new Error(`over ${MAX_CHECKPOINT_BYTES / 1024 / 1024} MiB`);
    report = JSON.parse(readFileSync(checkpoint, 'utf8'));
    if (!report || typeof report.files !== 'object' || report.files === null) throw new Error('no "files"');
  } catch (e) {
    const aside = join(dir, `checkpoint.unreadable-${Date.now()}.json`);
    renameSync(checkpoint, aside);
    return `the stopped run's checkpoint could not be read (${e instanceof Error ? e.message : e}): moved to ${aside}, the incremental file kept`;
  }
  let results = 0;
  for (const f of Object.values(report.files)) results += f.mutants.length;
  const untested = untestedCount(report);
  // Laid out as Stryker writes its incremental file (two-space indent), so a resumed folder's diff
  // in git shows the results that changed, not every line reflowed (the checkpoint is one line,
  // written often during a run). writeFileNoFollow replaces a symlink at incremental.json rather
  // than writing through it.
  writeFileNoFollow(incremental, JSON.stringify(report, null, 2));
  rmSync(checkpoint);
  return `resumed from a stopped run's checkpoint (${when} UTC): ${results - untested} result(s) kept, ${untested} mutant(s) it had not tested yet, which the next run tests`;
}

// `node scripts/resume-checkpoint.mjs FOLDER ...`: do it now, without a run (to commit a stopped
// run's results: the incremental file is the one to keep in git, not the checkpoint).
if (import.meta.url === `file://${process.argv[1]}`) {
  const folders = process.argv.slice(2);
  const usage = 'usage: node scripts/resume-checkpoint.mjs FOLDER ... (report, driver, model, simulate, generate): put a stopped run\'s checkpoint in place of the folder\'s incremental file; exit 0, or 2 on a usage error';
  if (folders.includes('--help') || folders.includes('-h')) {
    console.log(usage);
    process.exit(0);
  }
  if (!folders.length || folders.some((f) => f.startsWith('-'))) {
    console.error(usage);
    process.exit(2);
  }
  for (const folder of folders) {
    if (!/^[a-z]+$/.test(folder) || !existsSync(join('reports/mutation', folder))) {
      console.error(`resume-checkpoint: ${folder}: no reports/mutation/${folder}`);
      process.exit(2);
    }
    console.log(`${folder}: ${resumeFromCheckpoint(join('reports/mutation', folder)) ?? 'no checkpoint'}`);
  }
}
