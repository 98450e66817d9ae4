// k6's real output (v0.47, test/fixtures/k6) read into archsim's result format, exactly.
import { describe, expect, it } from 'vitest';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countK6Ndjson, findK6, k6Result, k6Wrapper, parseK6Summary, runK6 } from '../../src/loadtest/k6.js';
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
  it('is a valid ES module keeping the script exports and adding per-operation sub-metrics', () => {
    const w = k6Wrapper('script.js', ['messages.send', 'auth.login']);
    const dir = mkdtempSync(join(tmpdir(), 'archsim-k6w-'));
    writeFileSync(join(dir, 'run.mjs'), w);
    const r = spawnSync(process.execPath, ['--check', join(dir, 'run.mjs')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(w).toContain('"http_reqs{operation:messages.send}":["count>=0"]');
    expect(w).toContain('export * from "./script.js"');
    // The parser leaves these always-true thresholds out.
    const s = parseK6Summary({ metrics: { http_reqs: { count: 1, rate: 1 }, 'http_reqs{operation:a}': { count: 1, rate: 1, thresholds: { 'count>=0': false } } } });
    expect(s.thresholds).toEqual([]);
    expect(s.operations).toEqual([{ id: 'a', latency: null, requests: 1, failed: null }]);
  });
});

const k6 = findK6();
describe('k6 binary', () => {
  it.skipIf(!k6)(`runs a script against a local server and reads its summary${k6 ? '' : ' (skipped: no k6 on PATH and no K6_BIN)'}`, async () => {
    const s = await startTrivialServer({});
    try {
      const script = `import http from 'k6/http';
export const options = { scenarios: { get: { executor: 'constant-arrival-rate', rate: 50, timeUnit: '1s', duration: '2s', preAllocatedVUs: 5, exec: 'get', tags: { operation: 'trivial.get' } } }, thresholds: { http_req_failed: ['rate<0.01'] } };
export function get() { http.get('${s.url}/'); }`;
      const run = await runK6({ script, operations: ['trivial.get'], k6: k6!, ndjson: true });
      expect(run.exitCode).toBe(0);
      const r = k6Result(run.summary, { target: s.url, counts: run.counts, exitCode: run.exitCode });
      expect(r.operations[0]!.requests).toBe(100);
      expect(r.thresholdsCrossed).toBe(false);
    } finally {
      await s.stop();
    }
  });
});
