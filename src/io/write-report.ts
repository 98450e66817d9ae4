// Writes report files. Never overwrites a file without --force; with it, writes atomically
// (temp file + rename) so a reader never sees half a report.
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';

export function writeReportFiles(dir: string, files: { name: string; content: string }[], force: boolean): { path: string; bytes: number }[] {
  const paths = files.map((f) => join(dir, f.name));
  const existing = paths.filter((p) => existsSync(p));
  if (existing.length && !force) throw new UsageError(`${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; use --force to overwrite`);
  mkdirSync(dir, { recursive: true });
  return files.map((f, i) => {
    const p = paths[i]!;
    const tmp = `${p}.tmp-${process.pid}`;
    writeFileSync(tmp, f.content);
    renameSync(tmp, p);
    return { path: p, bytes: Buffer.byteLength(f.content) };
  });
}
