// Acceptance of issue 13: every hostile input ends the way the README documents. For each case:
// the documented exit code, no stack trace, at most 60 lines of output, peak RSS under 300 MB,
// under 5 s of CPU, and no file created or changed outside the output folder (the sandbox is compared
// before and after).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';
import { CASES } from './cases.js';

const work = mkdtempSync(join(tmpdir(), 'archsim-hostile-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const RSS_PRELOAD = join(ROOT, 'test/hostile/rss.cjs');
const TIME_LIMIT_MS = 5000;

/** Every path under a folder with its type and content hash (links by target, FIFOs by kind). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      const rel = relative(dir, p);
      if (st.isSymbolicLink()) out.set(rel, `link:${readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.set(rel, 'dir');
        walk(p);
      } else if (st.isFile()) out.set(rel, `file:${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
      else out.set(rel, 'other');
    }
  };
  walk(dir);
  return out;
}

describe('hostile inputs (issue 13)', () => {
  it('covers every numbered item but 18 (signals to `up`, tested with `up`) with at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    const items = new Set(CASES.map((c) => c.item));
    for (let i = 1; i <= 17; i++) expect(items, `item ${i}`).toContain(i);
  });

  it.each(CASES.map((c, i) => ({ ...c, label: `#${c.item} ${c.name}`, i })))('$label', (c) => {
    const sandbox = mkdtempSync(join(work, `case-${c.i}-`));
    const args = c.setup(sandbox);
    const before = snapshot(sandbox);
    const rssFile = join(work, `rss-${c.i}`);
    const started = performance.now();
    const r = spawnSync(process.execPath, ['--require', RSS_PRELOAD, BIN, ...args], {
      cwd: sandbox,
      encoding: 'utf8',
      input: '',
      env: { ...process.env, NO_COLOR: '1', ARCHSIM_RSS_FILE: rssFile, CHROMIUM_PATH: '/nonexistent-chromium', CI: '1' },
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const ms = performance.now() - started;
    const output = `${r.stdout}${r.stderr}`;
    const ran = { code: r.status, stdout: r.stdout, stderr: r.stderr, sandbox };
    expect(r.signal, `killed: ${output.slice(0, 500)}`).toBeNull();
    expect(r.status, output.slice(0, 3000)).toBe(c.code);
    expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(output).not.toMatch(/internal error/);
    const lines = output.split('\n').filter((l) => l !== '').length;
    expect(lines, output.slice(0, 3000)).toBeLessThanOrEqual(60);
    const usage = JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRssKiB: number; cpuUs: number };
    expect(usage.maxRssKiB / 1024, 'peak RSS (MB)').toBeLessThan(300);
    // The time limit is on the process's own CPU time: on a shared, loaded machine the wall
    // clock measures the neighbours. The wall clock is bounded by the spawn timeout.
    expect(usage.cpuUs / 1000, `CPU time (ms); wall ${Math.round(ms)} ms`).toBeLessThan(TIME_LIMIT_MS);
    // Nothing outside out/ was created, changed or removed.
    const after = snapshot(sandbox);
    const outside = (m: Map<string, string>) => new Map([...m].filter(([p]) => p !== 'out' && !p.startsWith('out/')));
    expect(outside(after)).toEqual(outside(before));
    c.check?.(ran);
  }, 90_000);
});
