// Writes report files. Never overwrites a file without --force; the set is written all or
// nothing (io/write-set.ts), so a reader never sees half a report or a mix of two.
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { checkTarget, outputFolder, writeSet, WriteRefused } from './write-set.js';
import { resolve } from 'node:path';

export function writeReportFiles(dir: string, files: { name: string; content: string }[], force: boolean, inputs: readonly string[] = []): { path: string; bytes: number }[] {
  try {
    const existing = outputFolder(dir) ? files.filter((f) => checkTarget(resolve(dir), f.name)).map((f) => join(dir, f.name)) : [];
    if (existing.length && !force) throw new UsageError(`${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; use --force to overwrite`);
    writeSet(dir, files.map((f) => ({ path: f.name, data: f.content })), { inputs });
  } catch (e) {
    if (e instanceof WriteRefused) throw new UsageError(e.message);
    throw e;
  }
  return files.map((f) => ({ path: join(dir, f.name), bytes: Buffer.byteLength(f.content) }));
}
