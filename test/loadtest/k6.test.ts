// k6's real output (v0.47, test/fixtures/k6) read into archsim's result format, exactly.
import { describe, expect, it } from 'vitest';
import { chmodSync, readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHosts, checkK6Version, countK6Ndjson, findK6, k6ErrorLine, k6Result, k6Wrapper, K6ScriptError, K6VersionError, nonLoopbackRanges, parseK6Summary, runK6, scriptExports } from '../../src/loadtest/k6.js';
import { LoadTestResult } from '../../src/loadtest/result.js';
import { startTrivialServer } from '../../src/loadtest/trivial-server.js';

const fixture = (f: string) => new URL(`../fixtures/k6/${f}`, import.meta.url);
const json = (f: string) => JSON.parse(readFileSync(fixture(f), 'utf8')) as Record<string, unknown>;

describe('k6 summary export (thresholds crossed, exit 99)', () => {
  const s = parseK6Summary(json('summary-export.json'), { exitCode: 99 });

  it('reads per-operation percentiles from the tagged sub-metrics', () => {
    expect(s.format).toBe('summary-export');
    expect(s.operations.map((o) => o.id)).toEqual(['auth.login', 'messages.send']);
    const send = s.operations.find((o) => o.id === 'messages.send')!;
    expect(send.latency).toEqual({ min: 0.223179, mean: 1.478907093812376, p50: 1.430052, p90: 1.648361, p95: 1.776241, p99: 2.250951, max: 16.138792 });
    const login = s.operations.find((o) => o.id === 'auth.login')!;
    expect(login.latency).toEqual({ min: 19.338342, mean: 20.49324469306931, p50: 20.516622, p90: 21.185155, p95: 21.361185, p99: 21.880389, max: 23.51307 });
    // No http_reqs{operation:…} sub-metric in this run: the count is unknown, not invented.
    expect(send.requests).toBeNull();
  });

  it('reads totals, failures (passes of http_req_failed) and the duration', () => {
    expect(s.totals.requests).toBe(602);
    expect(s.totals.throughput).toBe(119.85456588949194);
    expect(s.totals.failed).toBe(59);
    expect(s.totals.failedRate).toBe(0.09800664451827243);
    expect(s.totals.latency!.p95).toBe(20.77760555);
    expect(s.duration).toBeCloseTo(602 / 119.85456588949194, 12);
    expect(s.checks).toEqual({ passes: 543, fails: 59 });
  });

  it('reports which thresholds were crossed', () => {
    expect(s.thresholdsCrossed).toBe(true);
    expect(s.thresholds).toEqual(
      expect.arrayContaining([
        { metric: 'http_req_failed', expression: 'rate<0.05', crossed: true },
        { metric: 'http_req_duration{operation:messages.send}', expression: 'p(95)<50', crossed: false },
        { metric: 'http_req_duration{operation:auth.login}', expression: 'p(95)<10', crossed: true },
      ]),
    );
    expect(s.thresholds).toHaveLength(3);
  });

  it('treats exit code 99 as thresholds crossed even without threshold detail', () => {
    const allOk = json('summary-export-pass.json');
    expect(parseK6Summary(allOk, { exitCode: 99 }).thresholdsCrossed).toBe(true);
    expect(parseK6Summary(allOk, { exitCode: 0 }).thresholdsCrossed).toBe(false);
  });

  it('becomes a valid result', () => {
    const r = k6Result(s, { target: 'http://127.0.0.1:18080', exitCode: 99, rate: 120 });
    expect(LoadTestResult.parse(r)).toEqual(r);
    expect(r.run.driver).toBe('k6');
    expect(r.totals.errors).toEqual({ total: 59, byKind: { failed: 59 } });
    expect(r.thresholdsCrossed).toBe(true);
    expect(r.operations.find((o) => o.id === 'messages.send')!.latency!.p99).toBe(2.250951);
    expect(r.run.notes.join('\n')).toMatch(/no per-operation counts for auth.login/);
    expect(r.run.notes.join('\n')).toMatch(/thresholds crossed: .*auth.login/);
  });
});

describe('k6 handleSummary data', () => {
  it('reads the same numbers as the summary export of the same run', () => {
    const h = parseK6Summary(json('handle-summary.json'), { exitCode: 99 });
    const e = parseK6Summary(json('summary-export.json'), { exitCode: 99 });
    expect(h.format).toBe('handle-summary');
    expect(h.operations).toEqual(e.operations);
    expect(h.totals).toEqual(e.totals);
    expect(h.thresholds).toEqual(expect.arrayContaining(e.thresholds));
    expect(h.thresholds).toHaveLength(e.thresholds.length);
    expect(h.duration).toBe(5.022753998);
  });
});

describe('k6 passing run (exit 0)', () => {
  for (const f of ['summary-export-pass.json', 'handle-summary-pass.json']) {
    it(`${f}: every threshold ok`, () => {
      const raw = json(f);
      const s = parseK6Summary(raw, { exitCode: 0 });
      expect(s.thresholdsCrossed).toBe(false);
      expect(s.thresholds.length).toBe(3);
      expect(s.thresholds.every((t) => !t.crossed)).toBe(true);
      const metrics = raw.metrics as Record<string, Record<string, unknown>>;
      const v = (name: string) => ((metrics[name]!.values ?? metrics[name]) as Record<string, number>);
      expect(s.totals.requests).toBe(v('http_reqs').count);
      expect(s.totals.failed).toBe(v('http_req_failed').passes);
      expect(s.operations.find((o) => o.id === 'auth.login')!.latency!.p95).toBe(v('http_req_duration{operation:auth.login}')['p(95)']);
    });
  }
});

describe('k6 --out json stream', () => {
  it('counts requests and failures by kind per operation', async () => {
    const c = await countK6Ndjson(new URL(fixture('metrics-head.ndjson')).pathname);
    // The first 300 lines hold 21 http_reqs points: 17 send (one answered 500), 4 login.
    expect(c.get('messages.send')).toEqual({ requests: 17, errors: { total: 1, byKind: { status_5xx: 1 } } });
    expect(c.get('auth.login')).toEqual({ requests: 4, errors: { total: 0, byKind: {} } });
  });
});

describe('k6 wrapper script', () => {
  it('is a valid ES module with named re-exports of exactly what the script exports, adding per-operation sub-metrics', () => {
    const w = k6Wrapper('script.js', ['messages.send', 'auth.login'], { execs: ['load', 'warmup'], setup: true, teardown: false, handleSummary: false, default: true });
    const dir = mkdtempSync(join(tmpdir(), 'archsim-k6w-'));
    writeFileSync(join(dir, 'script.mjs'), 'export const options = {}; export function setup() {} export function load() {} export function warmup() {} export default function () {}');
    writeFileSync(join(dir, 'run.mjs'), w.replaceAll('./script.js', './script.mjs'));
    const r = spawnSync(process.execPath, [join(dir, 'run.mjs')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(w).toContain('"http_reqs{operation:messages.send}":["count>=0"]');
    expect(w).toContain('"http_reqs{phase:measure}":["count>=0"]');
    expect(w).toContain('export { load, warmup, setup } from "./script.js";');
    expect(w).toContain('export { default } from "./script.js";');
    expect(w).not.toContain('export *');
    // The parser leaves these always-true thresholds out.
    const s = parseK6Summary({ metrics: { http_reqs: { count: 1, rate: 1 }, 'http_reqs{operation:a}': { count: 1, rate: 1, thresholds: { 'count>=0': false } } } });
    expect(s.thresholds).toEqual([]);
    expect(s.operations).toEqual([{ id: 'a', latency: null, requests: 1, failed: null }]);
  });

  it('refuses an exec name that is not an identifier (it would be code in the wrapper)', () => {
    expect(() => k6Wrapper('script.js', [], { execs: ['a; import x from "y"'], setup: false, teardown: false, handleSummary: false, default: false })).toThrow(K6ScriptError);
  });

  it('reads lifecycle exports from the text and execs from k6 inspect', () => {
    const e = scriptExports('export function setup() {}\nexport const handleSummary = () => ({});\nexport default function () {}', { scenarios: { a: { exec: 'hit' }, b: { exec: null } } });
    expect(e).toEqual({ execs: ['hit'], setup: true, teardown: false, handleSummary: true, default: true });
  });
});

describe('confinement and errors (pure parts)', () => {
  it('blocks every non-loopback range and no loopback address', () => {
    const v4 = nonLoopbackRanges().filter((r) => r.includes('.'));
    const inRange = (ip: string, cidr: string) => {
      const [base, bits] = cidr.split('/');
      const n = (x: string) => x.split('.').reduce((a, o) => a * 256 + Number(o), 0);
      const size = 2 ** (32 - Number(bits));
      return Math.floor(n(ip) / size) === Math.floor(n(base!) / size);
    };
    for (const ip of ['10.0.0.1', '0.0.0.0', '126.255.255.255', '128.0.0.1', '192.168.1.1', '255.255.255.255']) expect(v4.some((r) => inRange(ip, r)), ip).toBe(true);
    for (const ip of ['127.0.0.1', '127.255.0.9']) expect(v4.some((r) => inRange(ip, r)), ip).toBe(false);
    const v6 = nonLoopbackRanges().filter((r) => r.includes(':'));
    expect(v6).toHaveLength(128);
    expect(v6).toContain('8000:0000:0000:0000:0000:0000:0000:0000/1');
    expect(v6).toContain('0000:0000:0000:0000:0000:0000:0000:0000/128');
    expect(v6).not.toContain('0000:0000:0000:0000:0000:0000:0000:0001/128');
  });

  it('refuses hosts that are not loopback, or not the target', () => {
    expect(() => checkHosts(new Map([['example.com', 3]]), null)).toThrow(/example.com \(3\).*only load-tests loopback/);
    expect(() => checkHosts(new Map([['127.0.0.1:8000', 5]]), new URL('http://127.0.0.1:9000'))).toThrow(/127.0.0.1:8000 \(5\), not the target 127.0.0.1:9000: build its URLs from __ENV.BASE_URL/);
    expect(() => checkHosts(new Map([['127.0.0.1:9000', 5]]), new URL('http://127.0.0.1:9000'))).not.toThrow();
  });

  it('a k6 error is one line', () => {
    const line = k6ErrorLine('time="x" level=info msg="hello"\ntime="x" level=error msg="SyntaxError: file:///tmp/a/script.js: Unexpected token (3:4)\\n  1 | x\\n\tat file:///tmp/a/run.js:2:0(12)" hint="script exception"\n');
    expect(line).toBe('SyntaxError: file:///tmp/a/script.js: Unexpected token (3:4) 1 | x');
  });

  it('refuses a k6 older than 0.53 in one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-oldk6-'));
    const old = join(dir, 'k6');
    // A stand-in for an old binary: only its `k6 version` answer matters here.
    writeFileSync(old, '#!/bin/sh\necho "k6 v0.49.0 (2024-01-18T13:00:00+0000/v0.49.0-0-g1f2d3e4, go1.21.6, linux/amd64)"\n');
    chmodSync(old, 0o755);
    expect(() => checkK6Version(old)).toThrow(/^k6 v0\.49\.0 is too old: archsim needs k6 v0\.53 or newer/);
    expect(() => checkK6Version(old)).toThrow(K6VersionError);
  });
});

const k6 = findK6();
const skip = k6 ? '' : ' (skipped: no k6 on PATH and no K6_BIN)';
describe('k6 binary', () => {
  it.skipIf(!k6)(`is v0.53 or newer${skip}`, () => {
    expect(checkK6Version(k6!)).toMatch(/^0\.(5[3-9]|[6-9]\d)\.|^[1-9]/);
  });

  it.skipIf(!k6)(`runs a script against a local server and reads its summary${skip}`, async () => {
    const s = await startTrivialServer({});
    try {
      const script = `import http from 'k6/http';
export const options = { scenarios: { get: { executor: 'constant-arrival-rate', rate: 50, timeUnit: '1s', duration: '2s', preAllocatedVUs: 50, exec: 'get', tags: { operation: 'trivial.get' } } }, thresholds: { http_req_failed: ['rate<0.01'] } };
export function get() { http.get(__ENV.BASE_URL + '/', { tags: { operation: 'trivial.get' } }); }`;
      // Exports found with k6 inspect (a user's script).
      const run = await runK6({ script, operations: ['trivial.get'], k6: k6!, target: s.url });
      expect(run.exitCode).toBe(0);
      const r = k6Result(run.summary, { target: s.url, counts: run.counts, exitCode: run.exitCode });
      // 50/s × 2 s: k6 also starts an iteration at the closing instant in most runs (101); on a
      // starved machine it may drop some (no free VU at their time), and says so.
      expect(r.operations[0]!.requests! + r.totals.dropped).toBeGreaterThanOrEqual(100);
      expect(r.operations[0]!.requests! + r.totals.dropped).toBeLessThanOrEqual(101);
      expect(r.totals.errors.total).toBe(0);
      expect(r.thresholdsCrossed).toBe(false);
      expect([...run.counts.hosts!.keys()]).toEqual([new URL(s.url).host]);
    } finally {
      await s.stop();
    }
  }, 60_000);

  it.skipIf(!k6)(`a script error is one line${skip}`, async () => {
    const e = await runK6({ script: 'export default function () { const x = ; }', operations: [], k6: k6! }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(K6ScriptError);
    expect((e as Error).message).toMatch(/^k6 cannot load the script: script\.js: Line 1:40 Unexpected token ;/);
    expect((e as Error).message).not.toContain('\n');
  }, 60_000);

  it.skipIf(!k6)(`a script aimed at a non-loopback address is blocked by k6 and refused${skip}`, async () => {
    const script = `import http from 'k6/http';
export const options = { vus: 1, iterations: 2, blacklistIPs: [], blockHostnames: [] };
export default function () { http.get('http://10.255.255.1:9/', { timeout: '1s', tags: { operation: 'x' } }); }`;
    const e = await runK6({ script, operations: ['x'], k6: k6! }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(K6ScriptError);
    expect((e as Error).message).toMatch(/sent requests to 10\.255\.255\.1:9 \(2\): archsim only load-tests loopback/);
  }, 60_000);
});
