// `generate --out` makes the folders missing above the output folder (mkdir -p): the plan's own
// suggested command (`generate gateway … --out gateway/phase-2/step-10`) ended in "the folder
// gateway/phase-2 does not exist (create it first)", exit 2. Never through a symbolic link: every
// component of the path that exists must be a real directory. In this process from the sources.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAction } from '../helpers/in-process.js';

const { action: generate } = await import('../../src/cli/actions/generate.js');

const dir = mkdtempSync(join(tmpdir(), 'archsim-out-parents-'));
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
const compose = (out: string, extra: Record<string, unknown> = {}) => runAction(() => generate('compose', bpFile, { layout: 'one', out, ...extra } as never));

describe('generate --out with missing parent folders', () => {
  it('makes every missing folder on the way and writes the files there', async () => {
    const out = join(dir, 'gateway', 'phase-2', 'step-10');
    const r = await compose(out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'docker-compose.yml'))).toBe(true);
    expect(r.stdout).toMatch(/✓ compose for shop\/one: \d+ created, 0 overwritten, 0 unchanged in /);
  });

  it('a relative --out as the plan prints it: made under the working directory', async () => {
    const cwd = process.cwd();
    const base = mkdtempSync(join(dir, 'rel-'));
    process.chdir(base);
    try {
      const r = await compose('gateway/phase-2/step-50');
      expect(r.code).toBe(0);
      expect(existsSync(join(base, 'gateway/phase-2/step-50/docker-compose.yml'))).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });

  it('nothing is overwritten without --force, as before: a changed file in the made folders is a conflict', async () => {
    const out = join(dir, 'again', 'a', 'b');
    expect((await compose(out)).code).toBe(0);
    writeFileSync(join(out, 'docker-compose.yml'), 'mine\n');
    const r = await compose(out);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toBe('archsim: 1 file would be overwritten; nothing written (use --force to overwrite)');
  });

  it('--dry-run makes no folder', async () => {
    const out = join(dir, 'dry', 'x', 'y');
    const r = await compose(out, { dryRun: true });
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'dry'))).toBe(false);
  });

  it('a symbolic link to a folder on the way is refused: one line, exit 2, nothing made behind it', async () => {
    const real = join(dir, 'real');
    mkdirSync(real);
    const link = join(dir, 'link');
    symlinkSync(real, link);
    const out = join(link, 'phase-2', 'step-10');
    const r = await compose(out);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`archsim: cannot write to ${out}: ${link} is a symbolic link; archsim creates no folder through a link (give a path without one, or create ${join(link, 'phase-2')} yourself)\n`);
    expect(r.stdout).toBe('');
    expect(readdirSync(real)).toEqual([]);
  });

  it('a link further up than the nearest existing folder is refused too', async () => {
    const real = join(dir, 'real2');
    mkdirSync(join(real, 'sub'), { recursive: true });
    const link = join(dir, 'link2');
    symlinkSync(real, link);
    const out = join(link, 'sub', 'new', 'out');
    const r = await compose(out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^archsim: cannot write to ${out}: ${link} is a symbolic link; [^\\n]*\\n$`));
    expect(readdirSync(join(real, 'sub'))).toEqual([]);
  });

  it('a file on the way is named (ENOTDIR), as before', async () => {
    const afile = join(dir, 'afile');
    writeFileSync(afile, '');
    const out = join(afile, 'x', 'y');
    const r = await compose(out);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`archsim: cannot write to ${out}: ${afile} is a file, not a directory (ENOTDIR)\n`);
  });
});
