// Issue 16's acceptance, short: a QuantChat layout started for real, loaded by real k6 (the
// script generate k6 writes, its setup() seeding and logging in) and by the embedded driver in the
// same run, side by side (at the same time): zero errors, every operation of the mix, the same
// requests per operation (both follow one schedule), the measured windows opening together, k6's
// checks all passing and the blueprint's budgets evaluated as thresholds.
// Every layout at 50/s for 15 s is `npm run bench -- k6` (reports/BENCHMARKS.md).
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { loadBlueprint } from '../../src/io/load.js';
import { findK6 } from '../../src/loadtest/k6.js';
import { parseResults } from '../../src/loadtest/result.js';
import { BIN, ROOT } from '../helpers/cli.js';

const bp = loadBlueprint(new URL('../../blueprints/quantchat.yaml', import.meta.url).pathname).blueprint;
const mix = Object.keys(bp.workload!.mix).sort();
const k6 = findK6();

function archsim(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (b) => (stdout += b));
    c.stderr.on('data', (b) => (stderr += b));
    c.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('k6 and the embedded driver on a started layout', () => {
  it.skipIf(!k6)(`monolith, 4 s at 25/s, --driver both${k6 ? '' : ' (skipped: no k6 on PATH and no K6_BIN)'}`, async () => {
    const r = await archsim(['loadtest', 'blueprints/quantchat.yaml', '--layout', 'monolith', '--driver', 'both', '--rate', '25/s', '--duration', '4s', '--port-offset', '22000', '--json']);
    expect(r.stderr).not.toMatch(/internal error/);
    // 1 only if a latency budget was crossed on this (shared, slow) machine: the run itself is whole.
    expect([0, 1], r.stderr.slice(-1500)).toContain(r.code);
    const [viaK6, embedded] = parseResults(r.stdout, 'stdout');
    expect(viaK6!.run.driver).toBe('k6');
    expect(embedded!.run.driver).toBe('embedded');
    for (const res of [viaK6!, embedded!]) {
      // On failure, say which kinds of error (status codes, timeouts, connection resets) and where.
      expect(res.totals.errors.total, `${res.run.driver}: errors by kind ${JSON.stringify(res.totals.errors.byKind)}; by operation ${JSON.stringify(res.operations.filter((o) => o.errors.total > 0).map((o) => [o.id, o.errors.byKind]))}`).toBe(0);
      expect(res.operations.map((o) => o.id).sort()).toEqual(mix);
      expect(res.totals.requests, res.run.driver).toBe(100);
    }
    // One schedule: the same operations in the same order, so the same count of each.
    for (const o of embedded!.operations) expect(viaK6!.operations.find((x) => x.id === o.id)!.requests, o.id).toBe(o.requests);
    // Side by side, at the same time: the measured windows open together (within a second; the
    // embedded driver waits for k6's setup() to end), and the output says how each one times.
    const note = embedded!.run.notes.find((n) => n.startsWith('side by side:'));
    expect(note, embedded!.run.notes.join('\n')).toMatch(/at the same time, each at 25\/s .*k6 times each request from when it sent it, the embedded driver from its scheduled start/);
    expect(viaK6!.run.notes).toContain(note);
    const offset = /measured window (\d+\.\d+) s (after|before) k6's/.exec(note!);
    expect(offset, note).not.toBeNull();
    expect(Number(offset![1])).toBeLessThan(1);
    // Like with like: the embedded driver's service time (from the send) for every operation.
    for (const o of embedded!.operations) expect(o.serviceTime?.p50, o.id).toBeGreaterThan(0);
    expect(r.stderr).not.toMatch(/Traceback|at .*\.js:\d+/);
    expect(viaK6!.run.notes.join('\n')).toMatch(/k6 checks: 100 passed, 0 failed; thresholds evaluated: [1-9]/);
    expect(viaK6!.thresholds!.map((t) => t.metric)).toEqual(expect.arrayContaining(['http_req_duration{operation:messages.send}', 'http_req_failed{phase:measure}']));
  }, 600_000);
});
