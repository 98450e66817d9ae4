// `archsim plan --out X` where X is a file, not a folder: one line, exit 2, nothing written (as
// `generate` refuses it). It went on to the writer and ended as an internal error, "ENOTDIR …
// lstat", exit 1.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { archsim } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'archsim-plan-outfile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('archsim plan --out naming a file', { timeout: 120_000 }, () => {
  it('is refused in one line, exit 2, the file untouched', () => {
    const file = join(tmp, 'notes.txt');
    writeFileSync(file, 'mine\n');
    const r = archsim(['plan', 'blueprints/chatpop.yaml', '--from', 'phase1', '--to', 'phase3', '--out', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`archsim: --out ${file} is a file, not a directory\n`);
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
  });
});
