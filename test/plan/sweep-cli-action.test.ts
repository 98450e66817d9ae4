// `archsim plan`'s action in-process (the built CLI may lag the source): --out that is one of
// the inputs, an overlay that would extend a blueprint no other command follows it to, and
// --json as the machine output on stdout.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { action, type PlanFlags } from '../../src/cli/actions/plan.js';
import { reportError } from '../../src/cli/io.js';
import { loadBlueprintResult } from '../../src/io/load.js';
import { BAKERY } from './sweep-fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'archsim-plan-action-'));
const home = process.cwd();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => {
  process.chdir(home);
  vi.restoreAllMocks();
});

/** Run the action as the CLI does: its exit code, and what it wrote to stdout and stderr. */
async function run(file: string, flags: Partial<PlanFlags>) {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  let code: number;
  try {
    code = await action(file, { from: 'monolith', to: 'micro', start: '2026-01-05', ...flags });
  } catch (e) {
    code = reportError(e);
  }
  vi.restoreAllMocks();
  return { code, stdout, stderr };
}

describe('archsim plan --out', { timeout: 120_000 }, () => {
  it('a blueprint that is the overlay --out would write: refused as an input, exit 2, with or without --force', async () => {
    const d = join(tmp, 'self');
    mkdirSync(d);
    writeFileSync(join(d, 'bakery.yaml'), BAKERY);
    // Run where the blueprint is, as a user does: the overlay extends ../bakery.yaml from there.
    process.chdir(d);
    const first = await run(join(d, 'bakery.yaml'), { out: join(d, 'pself') });
    expect(first.code, first.stderr).toBe(0);
    const overlay = join(d, 'pself', 'bakery.plan.yaml');
    const before = readFileSync(overlay, 'utf8');
    for (const force of [false, true]) {
      const r = await run(overlay, { out: join(d, 'pself'), force });
      expect(r).toEqual({ code: 2, stdout: '', stderr: `archsim: ${overlay} is one of this command's inputs; choose another output\n` });
    }
    expect(readFileSync(overlay, 'utf8')).toBe(before);
  });

  it('an overlay the other commands would not load (extends outside --out and the working directory): one line, exit 2, nothing written', async () => {
    const d = join(tmp, 'cwd');
    for (const x of ['bp', 'cwdA']) mkdirSync(join(d, x), { recursive: true });
    writeFileSync(join(d, 'bp', 'bakery.yaml'), BAKERY);
    process.chdir(join(d, 'cwdA'));
    const r = await run('../bp/bakery.yaml', { out: '../outB' });
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "archsim: --out ../outB: the overlay would extend ../bp/bakery.yaml, outside ../outB and the working directory, and no archsim command would load it; run archsim from a folder that holds both the blueprint and --out (or choose an --out that holds the blueprint's folder), or pass --allow-extends-anywhere to every command that reads the overlay\n",
    });
    expect(existsSync(join(d, 'outB'))).toBe(false);
    // From the folder above both it is written, and loads back from there as another command would.
    process.chdir(d);
    const ok = await run('bp/bakery.yaml', { out: 'outB' });
    expect(ok.code, ok.stderr).toBe(0);
    const loaded = loadBlueprintResult('outB/bakery.plan.yaml');
    expect(loaded.ok ? [] : loaded.errors.map((e) => e.message)).toEqual([]);
  });

  it('--json --out prints what was written as JSON on stdout; --json with --format md is refused', async () => {
    const d = join(tmp, 'json');
    mkdirSync(d);
    writeFileSync(join(d, 'bakery.yaml'), BAKERY);
    process.chdir(d);
    const r = await run(join(d, 'bakery.yaml'), { out: join(d, 'out'), json: true });
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { ok: boolean; dir: string; files: { path: string; status: string }[] };
    expect(j.ok).toBe(true);
    expect(j.dir).toBe(join(d, 'out'));
    expect(j.files.map((f) => [f.path, f.status])).toEqual([
      [join(d, 'out', 'bakery.plan.yaml'), 'created'],
      [join(d, 'out', 'bakery.plan.json'), 'created'],
    ]);
    const bad = await run(join(d, 'bakery.yaml'), { json: true, format: 'md' });
    expect(bad).toEqual({ code: 2, stdout: '', stderr: 'archsim: --json and --format md contradict each other (--json is --format json); give one of them\n' });
    const same = await run(join(d, 'bakery.yaml'), { json: true, format: 'json' });
    expect(same.code).toBe(0);
    expect(JSON.parse(same.stdout).kind).toBe('archsim-plan');
  });
});
