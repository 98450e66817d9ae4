import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFiles } from '../../src/io/write-files.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'archsim-write-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const files = [
  { path: 'a.txt', content: 'alpha\n' },
  { path: 'nested/deep/b.yaml', content: 'b: 1\n' },
];

describe('writeFiles', () => {
  it('creates files and directories and reports size and sha256', () => {
    const r = writeFiles(dir, files);
    expect(r.conflicts).toEqual([]);
    expect(r.files).toEqual([
      { path: 'a.txt', bytes: 6, sha256: createHash('sha256').update('alpha\n').digest('hex'), status: 'created' },
      { path: 'nested/deep/b.yaml', bytes: 5, sha256: createHash('sha256').update('b: 1\n').digest('hex'), status: 'created' },
    ]);
    expect(readFileSync(join(dir, 'nested/deep/b.yaml'), 'utf8')).toBe('b: 1\n');
  });

  it('never overwrites without force: lists every conflict and writes nothing at all', () => {
    writeFileSync(join(dir, 'a.txt'), 'mine\n');
    mkdirSync(join(dir, 'nested/deep'), { recursive: true });
    writeFileSync(join(dir, 'nested/deep/b.yaml'), 'mine: 2\n');
    const r = writeFiles(dir, [...files, { path: 'c.txt', content: 'new\n' }]);
    expect(r.conflicts).toEqual(['a.txt', 'nested/deep/b.yaml']);
    expect(r.files.map((f) => f.status)).toEqual(['conflict', 'conflict', 'would-create']);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('mine\n');
    expect(existsSync(join(dir, 'c.txt'))).toBe(false);
  });

  it('treats a file that already has the same bytes as unchanged, not a conflict', () => {
    writeFiles(dir, files);
    const r = writeFiles(dir, files);
    expect(r.conflicts).toEqual([]);
    expect(r.files.map((f) => f.status)).toEqual(['unchanged', 'unchanged']);
  });

  it('overwrites with force, atomically, leaving no temporary files', () => {
    writeFileSync(join(dir, 'a.txt'), 'mine\n');
    const r = writeFiles(dir, files, { force: true });
    expect(r.files.map((f) => f.status)).toEqual(['overwritten', 'created']);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('alpha\n');
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'nested']);
  });

  it('dry run writes nothing and says what would be created or overwritten', () => {
    writeFileSync(join(dir, 'a.txt'), 'mine\n');
    const r = writeFiles(dir, files, { dryRun: true });
    expect(r.files.map((f) => [f.path, f.status])).toEqual([
      ['a.txt', 'would-overwrite'],
      ['nested/deep/b.yaml', 'would-create'],
    ]);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('mine\n');
    expect(existsSync(join(dir, 'nested'))).toBe(false);
  });

  it('refuses paths that leave the output directory', () => {
    expect(() => writeFiles(dir, [{ path: '../escape.txt', content: 'x' }])).toThrow(/outside the output directory/);
    expect(() => writeFiles(dir, [{ path: '/etc/passwd', content: 'x' }])).toThrow(/outside the output directory/);
  });

  it('refuses, writing nothing, when a file stands where a directory must go', () => {
    writeFileSync(join(dir, 'nested'), 'a file\n');
    expect(() => writeFiles(dir, files, { force: true })).toThrow(/nested is a file where a directory is needed/);
    expect(existsSync(join(dir, 'a.txt'))).toBe(false);
  });
});
