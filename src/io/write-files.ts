// Writing generated files: never overwrite a file without force (every conflict is reported
// and nothing is written), write each file atomically (temp file + rename), and report each
// file's size, hash and what happened to it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';

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
}

/** A path inside the output directory, or an error for one that would escape it. */
function safeJoin(dir: string, path: string): string {
  const n = normalize(path);
  if (isAbsolute(n) || n === '..' || n.startsWith(`..${sep}`)) throw new Error(`refusing to write outside the output directory: ${path}`);
  const full = join(dir, n);
  if (relative(dir, full).startsWith('..')) throw new Error(`refusing to write outside the output directory: ${path}`);
  return full;
}

export function writeFiles(dir: string, files: readonly FileToWrite[], opts: WriteOptions = {}): WriteResult {
  const root = resolve(dir);
  const plan = files.map((f) => {
    const full = safeJoin(root, f.path);
    const data = Buffer.from(f.content, 'utf8');
    const sha256 = createHash('sha256').update(data).digest('hex');
    let state: 'new' | 'same' | 'different' = 'new';
    if (existsSync(full)) {
      if (statSync(full).isDirectory()) state = 'different';
      else state = readFileSync(full).equals(data) ? 'same' : 'different';
    }
    return { path: f.path, full, data, sha256, state };
  });
  // A file where a directory must go cannot be fixed by --force: refuse before writing anything.
  for (const p of plan) {
    for (let d = dirname(p.full); d.length > root.length && d !== dirname(d); d = dirname(d)) {
      if (existsSync(d) && !statSync(d).isDirectory()) {
        throw Object.assign(new Error(`${relative(root, d)} is a file where a directory is needed (for ${p.path})`), { code: 'ENOTDIR' });
      }
    }
  }
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
  for (const p of plan) {
    if (p.state === 'same') continue;
    mkdirSync(dirname(p.full), { recursive: true });
    const tmp = `${p.full}.archsim-${process.pid}.tmp`;
    try {
      writeFileSync(tmp, p.data);
      renameSync(tmp, p.full);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
  }
  return result;
}
