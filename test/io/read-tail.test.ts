// readTail: the end of a log another process writes, bounded whatever the file's size; never hangs
// on a FIFO, never throws.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTail } from '../../src/io/read-input.js';

describe('readTail', () => {
  const dir = mkdtempSync(join(tmpdir(), 'archsim-tail-'));

  it('reads only the last bytes of a large log (hostile: 20 MB), and all of a small one', () => {
    const big = join(dir, 'big.log');
    writeFileSync(big, `${'x'.repeat(20 * 1024 * 1024)}\nlast line\n`);
    const t = readTail(big, 100);
    expect(t.length).toBe(100);
    expect(t.endsWith('x\nlast line\n')).toBe(true);
    expect(readTail(big).length).toBe(16 * 1024);
    const small = join(dir, 'small.log');
    writeFileSync(small, 'one\ntwo\n');
    expect(readTail(small, 100)).toBe('one\ntwo\n');
    expect(readTail(small, 4)).toBe('two\n');
  });

  it('gives nothing, without throwing or hanging, for a missing file, a folder, a FIFO with no writer, an empty file', () => {
    expect(readTail(join(dir, 'absent.log'))).toBe('');
    expect(readTail(dir)).toBe('');
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(readTail(fifo)).toBe('');
    writeFileSync(join(dir, 'empty.log'), '');
    expect(readTail(join(dir, 'empty.log'))).toBe('');
    // a link to a log reads the log (reading follows links; only writes must not)
    symlinkSync(join(dir, 'small.log'), join(dir, 'link.log'));
    expect(readTail(join(dir, 'link.log'), 4)).toBe('two\n');
  });
});
