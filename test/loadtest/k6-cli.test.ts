// `archsim loadtest --driver k6` as a user runs it (the built CLI in its own process), with the
// real k6: --target reaches exactly the given URL (the server counts), and every failure is one
// line and exit 2: a script error, a script aimed away from loopback, no tagged operation, an old k6.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findK6 } from '../../src/loadtest/k6.js';
import { BIN, ROOT } from '../helpers/cli.js';
import { startNotesServer } from '../helpers/notes-server.js';

/** The CLI without blocking this process (the test's own server must keep answering). */
function archsim(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (b) => (stdout += b));
    c.stderr.on('data', (b) => (stderr += b));
    c.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const k6 = findK6();
const skip = k6 ? '' : ' (skipped: no k6 on PATH and no K6_BIN)';
const dir = mkdtempSync(join(tmpdir(), 'archsim-k6cli-'));
const script = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
/** archsim's own lines on stderr (k6's log lines are passed through as they come). */
const ours = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('archsim:'));

describe('loadtest --driver k6', () => {
  it.skipIf(!k6)(`--target: the generated script logs in and reaches exactly the target${skip}`, async () => {
    const s = await startNotesServer();
    try {
      const r = await archsim(['loadtest', 'docs/examples/notes.yaml', '--target', s.url, '--driver', 'k6', '--rate', '10/s', '--duration', '2s', '--warmup', '0', '--no-pin', '--json']);
      expect(r.code, r.stderr.slice(-800)).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(result.run.driver).toBe('k6');
      expect(result.run.target).toBe(s.url);
      expect(result.totals.errors.total).toBe(0);
      expect(result.operations.map((o: { id: string; requests: number }) => [o.id, o.requests])).toEqual([['notes.create', 5], ['notes.get', 15]]);
      expect(result.run.notes.join('\n')).toMatch(/latency counts from when k6 sent each request/);
      expect(result.run.notes.join('\n')).not.toMatch(/built from the blueprint routes/);
      // The server saw the measured requests plus setup's (4 sign-ups, 4 logins, 8 seeded notes).
      expect((s.counts.get('POST /notes') ?? 0) + (s.counts.get('GET /notes/{id}') ?? 0)).toBe(20 + 8);
      expect(s.counts.get('POST /signup')).toBe(4);
      expect([...s.rejected.entries()]).toEqual([]);
      expect([...s.hosts]).toEqual([new URL(s.url).host]);
    } finally {
      await s.stop();
    }
  }, 120_000);

  it.skipIf(!k6)(`a script error is one line, exit 2${skip}`, async () => {
    const r = await archsim(['loadtest', '--target', 'trivial', '--rate', '1/s', '--driver', 'k6', '--k6-script', script('bad.js', 'export default function () { const x = ; }\n'), '--no-pin']);
    expect(r.code).toBe(2);
    expect(ours(r.stderr)).toEqual([expect.stringMatching(/^archsim: k6 cannot load the script: script\.js: Line 1:40 Unexpected token/)]);
  }, 60_000);

  it.skipIf(!k6)(`a script aimed at a non-loopback address is refused, exit 2${skip}`, async () => {
    const away = script('away.js', "import http from 'k6/http';\nexport const options = { vus: 1, iterations: 1 };\nexport default function () { http.get('http://192.0.2.10/', { timeout: '1s', tags: { operation: 'trivial.get' } }); }\n");
    const r = await archsim(['loadtest', '--target', 'trivial', '--rate', '1/s', '--driver', 'k6', '--k6-script', away, '--no-pin']);
    expect(r.code).toBe(2);
    expect(ours(r.stderr)).toEqual([expect.stringMatching(/^archsim: the script sent requests to 192\.0\.2\.10 \(1\): archsim only load-tests loopback/)]);
  }, 60_000);

  it.skipIf(!k6)(`no tagged operation is an error, not an empty table${skip}`, async () => {
    const untagged = script('untagged.js', "import http from 'k6/http';\nexport const options = { vus: 1, iterations: 3 };\nexport default function () { http.get(__ENV.BASE_URL + '/'); }\n");
    const r = await archsim(['loadtest', '--target', 'trivial', '--rate', '1/s', '--driver', 'k6', '--k6-script', untagged, '--no-pin']);
    expect(r.code).toBe(2);
    expect(ours(r.stderr)).toEqual([expect.stringMatching(/^archsim: k6 reported no request tagged with an operation \(trivial\.get\)/)]);
  }, 60_000);

  it('an old k6 is refused in one line, exit 2', async () => {
    const old = join(dir, 'k6-old');
    writeFileSync(old, '#!/bin/sh\necho "k6 v0.52.0 (go1.22.4, linux/amd64)"\n');
    chmodSync(old, 0o755);
    const r = await archsim(['loadtest', '--target', 'trivial', '--rate', '1/s', '--driver', 'k6', '--k6-script', script('x.js', 'export default function () {}\n')], { K6_BIN: old });
    expect(r.code).toBe(2);
    expect(ours(r.stderr)).toEqual(['archsim: k6 v0.52.0 is too old: archsim needs k6 v0.53 or newer (native ES modules); see the README, "Installing k6"']);
  }, 60_000);
});
