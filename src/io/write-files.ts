// Writing generated files: never overwrite a file without force (every conflict is reported
// and nothing is written), write the set all or nothing (io/write-set.ts: staged, moved in at
// the end, no symbolic link followed), and report each file's size, hash and what happened to it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkTarget, insidePath, outputFolder, writeSet } from './write-set.js';

export interface FileToWrite {
  path: string;
  content: string;
}

export type WriteStatus = 'created' | 'overwritten' | 'unchanged' | 'would-create' | 'would-overwrite' | 'conflict';

export interface WrittenFile {
  path: string;
  bytes: number;
  sha256: string;
  status: WriteStatus;
}

export interface WriteResult {
  dir: string;
  files: WrittenFile[];
  /** Paths that exist with other content (only when not forced): nothing was written. */
  conflicts: string[];
  dryRun: boolean;
}

export interface WriteOptions {
  force?: boolean;
  dryRun?: boolean;
  /** Files the command read: refused as outputs. */
  inputs?: readonly string[];
}

export function writeFiles(dir: string, files: readonly FileToWrite[], opts: WriteOptions = {}): WriteResult {
  const root = resolve(dir);
  const rootStat = outputFolder(dir);
  const plan = files.map((f) => {
    const rel = insidePath(f.path);
    const full = join(root, rel);
    const data = Buffer.from(f.content, 'utf8');
    const sha256 = createHash('sha256').update(data).digest('hex');
    let state: 'new' | 'same' | 'different' = 'new';
    // No link below the output folder is followed, not even to compare contents.
    const st = rootStat ? checkTarget(root, rel) : undefined;
    if (st) state = readFileSync(full).equals(data) ? 'same' : 'different';
    return { path: f.path, rel, full, data, sha256, state };
  });
  const conflicts = opts.force ? [] : plan.filter((p) => p.state === 'different').map((p) => p.path);
  const status = (p: (typeof plan)[number]): WriteStatus => {
    if (p.state === 'same') return 'unchanged';
    if (opts.dryRun) return p.state === 'new' ? 'would-create' : 'would-overwrite';
    if (conflicts.length) return p.state === 'different' ? 'conflict' : 'would-create';
    return p.state === 'new' ? 'created' : 'overwritten';
  };
  const result: WriteResult = {
    dir,
    files: plan.map((p) => ({ path: p.path, bytes: p.data.length, sha256: p.sha256, status: status(p) })),
    conflicts,
    dryRun: opts.dryRun === true,
  };
  if (opts.dryRun || conflicts.length) return result;
  // All or nothing: staged beside the targets, moved in at the end (io/write-set.ts).
  writeSet(
    dir,
    plan.filter((p) => p.state !== 'same').map((p) => ({ path: p.rel, data: p.data })),
    { inputs: opts.inputs },
  );
  return result;
}
