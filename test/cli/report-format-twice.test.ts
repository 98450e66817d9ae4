// `report --format md,md --out x1` wrote report.md, then failed on the second with "cannot write
// to x1: something is in the way (EEXIST)", exit 2, and left an empty x1/. A format named twice
// is refused up front: one line naming it, exit 2, nothing written. The action runs in this
// process from the sources.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { action, type ReportFlags } from '../../src/cli/actions/report.js';
import { distinctListFlag } from '../../src/cli/flags.js';
import { runAction } from '../helpers/in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'archsim-format-twice-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('report --format with a format named twice', () => {
  it('md,md: one line naming it, exit 2, no --out folder made', async () => {
    const out = join(dir, 'x1');
    const flags = { format: 'md,md', out, faults: false, rate: undefined } as unknown as ReportFlags;
    const r = await runAction(() => action('blueprints/quantchat.yaml', flags));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('archsim: --format md,md: names format "md" twice; name each format once\n');
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('spaces around the items do not hide a repeat ("md, json,md")', () => {
    expect(() => distinctListFlag('--format', 'md, json,md', 'format')).toThrow('--format md, json,md: names format "md" twice; name each format once');
    expect(distinctListFlag('--format', 'md,json,html', 'format')).toEqual(['md', 'json', 'html']);
  });
});
