// The folders above an `--out` folder, made when missing (mkdir -p), never through a link.
// archsim's own plan suggests `generate gateway … --out gateway/phase-2/step-10`; run as written
// it stopped at "the folder gateway/phase-2 does not exist (create it first)".
import { lstatSync, mkdirSync, rmdirSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, normalize, parse, resolve, sep } from 'node:path';
import { UsageError } from '../errors.js';
import { outputError } from './io.js';

function lstat(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch {
    // missing, or under a file (ENOTDIR): the walk below finds which
    return undefined;
  }
}

/**
 * Make the folders missing above the output folder `out` (the folder itself is the writer's to
 * make: io/write-set.ts). Only when its parent is missing: a parent that exists is left to the
 * writer as before. Then every component of the path as given that exists (below the working
 * directory for a relative path) must be a real directory by lstat: a symbolic link anywhere on
 * the way is refused, as the writes below --out refuse one, and a file there is named. Each
 * missing folder is made alone (not recursive), so nothing is made below something that was not
 * checked. Returns what was made, outermost first, for `removeMade` when the write fails; with
 * `dryRun`, checks and makes nothing.
 */
export function makeParents(out: string, dryRun = false): string[] {
  if (lstat(dirname(resolve(out)))) return [];
  const made: string[] = [];
  const path = normalize(out);
  const parts = dirname(path).split(sep).filter((s) => s !== '' && s !== '.');
  let p = isAbsolute(path) ? parse(resolve(path)).root : '';
  for (const part of parts) {
    p = p === '' ? part : join(p, part);
    const st = lstat(p);
    if (st?.isSymbolicLink()) {
      removeMade(made);
      throw new UsageError(`cannot write to ${out}: ${p} is a symbolic link; archsim creates no folder through a link (give a path without one, or create ${dirname(path)} yourself)`);
    }
    if (st && !st.isDirectory()) {
      removeMade(made);
      throw new UsageError(`cannot write to ${out}: ${p} is a file, not a directory (ENOTDIR)`);
    }
    if (st) continue;
    if (dryRun) return [];
    try {
      mkdirSync(p);
    } catch (e) {
      removeMade(made);
      throw outputError(out, e);
    }
    made.push(p);
    // Made just now, so a directory: unless something replaced it meanwhile.
    if (!lstat(p)?.isDirectory()) {
      removeMade(made);
      throw new UsageError(`cannot write to ${out}: ${p} changed while archsim was making it`);
    }
  }
  return made;
}

/** Take back the folders makeParents made (innermost first), each only while it is empty. */
export function removeMade(made: string[]): void {
  for (const d of [...made].reverse()) {
    try {
      rmdirSync(d);
    } catch {
      /* not empty, or gone: left as it is */
    }
  }
  made.length = 0;
}
