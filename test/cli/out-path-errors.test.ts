// An --out path under a regular file (or anywhere the operating system refuses a write) is the
// user's to fix: one line naming the path and the reason, exit 2. report and graph ended in
// "archsim: internal error: ENOTDIR: not a directory, lstat '…/afile/sub'", exit 1 (the code CI
// reads as a broken budget). In this process from the sources.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAction } from '../helpers/in-process.js';

const { action: report } = await import('../../src/cli/actions/report.js');
const { action: graph } = await import('../../src/cli/actions/graph.js');
const { outputError, UsageError } = await import('../../src/cli/io.js');

const dir = mkdtempSync(join(tmpdir(), 'archsim-out-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bpFile = join(dir, 'shop.yaml');
writeFileSync(
  bpFile,
  `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop }
system:
  domains:
    shop:
      tables: [orders]
      operations:
        browse: { route: GET /browse, cpu: 1ms, db: { reads: 1 } }
layouts:
  one:
    units: { app: { domains: "*", port: 8080 } }
    datastores: { db: { engine: postgres, tables: "*" } }
workload: { rate: 10/s, duration: 2s, warmup: 0s, mix: { shop.browse: 1 } }
`,
);
// a regular file where --out needs a folder
const afile = join(dir, 'afile');
writeFileSync(afile, '');

const run = runAction;

describe('--out under a regular file', () => {
  it('report --out afile/sub: one line naming the path and the file in the way, exit 2', async () => {
    const out = join(afile, 'sub');
    const r = await run(() => report(bpFile, { format: 'md', faults: false, out }));
    expect(r.code).toBe(2);
    // (the first line is report's own note on where its figures come from)
    expect(r.stderr.trim().split('\n')).toEqual([
      "archsim: note: figures: the blueprint's own; each unit on its own instance (deployment figures)",
      `archsim: cannot write to ${out}: ${afile} is a file, not a directory (ENOTDIR)`,
    ]);
  });

  it('graph --out afile/sub.mmd: the same line, exit 2', async () => {
    const out = join(afile, 'sub.mmd');
    const r = await run(() => graph(bpFile, { layout: 'one', format: 'mermaid', out }));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`archsim: cannot write to ${out}: ${afile} is a file, not a directory (ENOTDIR)\n`);
    expect(r.stdout).toBe('');
  });
});

describe('generate says it the same way', () => {
  it('generate compose --out afile/sub: the same line, exit 2', async () => {
    const { action: generate } = await import('../../src/cli/actions/generate.js');
    const out = join(afile, 'sub');
    const r = await run(() => generate('compose', bpFile, { layout: 'one', out } as never));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`archsim: cannot write to ${out}: ${afile} is a file, not a directory (ENOTDIR)\n`);
  });
});

describe('outputError: a file system refusal in words', () => {
  const errno = (code: string, message: string) => Object.assign(new Error(message), { code });
  it.each([
    ['EACCES', "EACCES: permission denied, open '/x/report.md'", 'permission denied'],
    ['EROFS', "EROFS: read-only file system, mkdir '/x'", 'the file system is read-only'],
    ['ENAMETOOLONG', "ENAMETOOLONG: name too long, lstat '/x'", 'a name in the path is too long'],
    ['ELOOP', "ELOOP: too many symbolic links encountered, lstat '/x'", 'too many levels of symbolic links'],
    ['EXDEV', "EXDEV: cross-device link not permitted, rename '/a' -> '/b'", 'cross-device link not permitted'],
  ])('%s: one line naming the path and the reason, a usage error (exit 2)', (code, message, reason) => {
    const e = outputError('/x/out', errno(code, message));
    expect(e).toBeInstanceOf(UsageError);
    expect((e as Error).message).toBe(`cannot write to /x/out: ${reason} (${code})`);
  });
  it('anything that is not a file system error is left as it is (an internal error stays one)', () => {
    const bug = new TypeError('x is undefined');
    expect(outputError('/x/out', bug)).toBe(bug);
  });
});
