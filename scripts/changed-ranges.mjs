// The lines of a folder's sources changed since a commit, as Stryker's `--mutate` ranges
// ("src/x.ts:10-24,src/y.ts:3-3"): what `npm run mutate -- <folder> --since REF` mutates. A
// whole-folder incremental run retests every mutant whose covering tests changed (most of a
// folder once its tests moved); the changed lines are what a change of code asks to be checked.
import { execFileSync } from 'node:child_process';

/** Hunks closer than this many lines are merged into one range (fewer, larger Stryker ranges). */
const MERGE_WITHIN = 3;

/**
 * The new side's changed lines of a `git diff -U0` text, per file, merged when within
 * MERGE_WITHIN lines of each other; deletions alone (no new lines) give none. Pure.
 * @param {string} diff
 * @returns {string[]} "file:a-b" ranges in file order
 */
export function rangesFromDiff(diff) {
  /** @type {Map<string, [number, number][]>} */
  const byFile = new Map();
  let file = null;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      file = line.startsWith('+++ b/') ? line.slice(6) : null;
      continue;
    }
    const m = /^@@ -\S+ \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (!m || !file) continue;
    const start = Number(m[1]);
    const count = m[2] === undefined ? 1 : Number(m[2]);
    if (count === 0) continue;
    const list = byFile.get(file) ?? [];
    const last = list.at(-1);
    if (last && start <= last[1] + MERGE_WITHIN) last[1] = Math.max(last[1], start + count - 1);
    else list.push([start, start + count - 1]);
    byFile.set(file, list);
  }
  return [...byFile].flatMap(([f, rs]) => rs.map(([a, b]) => `${f}:${a}-${b}`));
}

/**
 * The changed-line ranges since `ref` of the TypeScript files a folder mutates (its globs'
 * directories, its negated globs left out).
 * @param {string} ref
 * @param {{ mutate: string[] }} folder
 */
export function changedRanges(ref, folder) {
  const dirs = folder.mutate.filter((g) => !g.startsWith('!')).map((g) => g.replace(/\/\*\*.*$/, ''));
  const excluded = new Set(folder.mutate.filter((g) => g.startsWith('!')).map((g) => g.slice(1)));
  const diff = execFileSync('git', ['diff', '-U0', '--no-color', ref, '--', ...dirs], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return rangesFromDiff(diff).filter((r) => r.includes('.ts:') && !excluded.has(r.slice(0, r.lastIndexOf(':'))));
}
