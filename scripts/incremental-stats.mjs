// What a folder's incremental file says about the next `npm run mutate` before it starts.
// Stryker reuses a killed mutant only while its killing test is unchanged; a killed mutant with
// none recorded (files written before tests had positions, scripts/stryker-located-runner.mjs)
// is retested by every run until one records it.
import { existsSync, readFileSync } from 'node:fs';

/**
 * The killed mutants of an incremental report that name no killing test. Pure.
 * @param {{ files?: Record<string, { mutants: { status: string, killedBy?: string[] }[] }> }} report
 */
export function killedWithoutKiller(report) {
  let n = 0;
  for (const file of Object.values(report.files ?? {})) {
    for (const m of file.mutants) if (m.status === 'Killed' && !m.killedBy?.length) n++;
  }
  return n;
}

/** The status reason of a mutant a stopped run had not tested yet (scripts/stryker-checkpoint.mjs). */
export const UNTESTED_REASON = 'not tested yet: the run was stopped before it (scripts/stryker-checkpoint.mjs)';

/** The mutants of a report that a stopped run left untested (out of the score until tested). Pure. */
export function untestedCount(report) {
  let n = 0;
  for (const file of Object.values(report.files ?? {})) {
    for (const m of file.mutants) if (m.status === 'Ignored' && m.statusReason === UNTESTED_REASON) n++;
  }
  return n;
}

/**
 * What a folder's incremental file leaves for the next run: mutants not tested yet, and killed
 * ones naming no killing test. Undefined when it has none or it cannot be read.
 */
export function folderCounts(folder) {
  const path = `reports/mutation/${folder}/incremental.json`;
  if (!existsSync(path)) return undefined;
  try {
    const report = JSON.parse(readFileSync(path, 'utf8'));
    return { untested: untestedCount(report), lost: killedWithoutKiller(report) };
  } catch {
    return undefined;
  }
}
