// Before a folder's mutation run (scripts/mutate.mjs): a checkpoint left by a stopped run
// (scripts/stryker-checkpoint.mjs) replaces the folder's incremental file, so the new run reuses
// what the stopped one tested and tests what it had not.
import { existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { untestedCount } from './stryker-checkpoint.mjs';

/**
 * Put `dir`/checkpoint.json in place of `dir`/incremental.json. Returns the line to print, or
 * undefined when there is no checkpoint. An unreadable checkpoint is moved aside (never deleted:
 * it may be all a long run left) and the incremental file kept.
 */
export function resumeFromCheckpoint(dir) {
  const checkpoint = join(dir, 'checkpoint.json');
  if (!existsSync(checkpoint)) return undefined;
  const when = statSync(checkpoint).mtime.toISOString().slice(0, 16).replace('T', ' ');
  let report;
  try {
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
  // A rename: replaces a symlink at incremental.json rather than writing through it.
  renameSync(checkpoint, join(dir, 'incremental.json'));
  return `resumed from a stopped run's checkpoint (${when} UTC): ${results - untested} result(s) kept, ${untested} mutant(s) it had not tested are tested now`;
}
