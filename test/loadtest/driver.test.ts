// The embedded driver against a real HTTP server in another process.
import { afterEach, describe, expect, it } from 'vitest';
import os, { tmpdir } from 'node:os';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTrivialServer, type TrivialServer } from '../../src/loadtest/trivial-server.js';
import { runDriver, runDriverInChild } from '../../src/loadtest/driver/index.js';
import { createScenario } from '../../src/loadtest/scenarios/trivial.js';
import { LoopbackError, assertLoopback, seededRandom, trivialScenario, weightedPicker } from '../../src/loadtest/scenario.js';
import { loadTestTarget } from '../../src/loadtest/target.js';
import { allowedCpus, taskset } from '../../src/loadtest/pin.js';
import { LoadTestResult } from '../../src/loadtest/result.js';
import { newHistogram, recordMs, summarize } from '../../src/loadtest/driver/histogram.js';
import { errorKind, statusKind } from '../../src/loadtest/driver/classify.js';

const servers: TrivialServer[] = [];
async function server(o: Parameters<typeof startTrivialServer>[0] = {}) {
  const s = await startTrivialServer(o);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

// Ordered fastest first: a mutation run (npm run mutate) stops a mutant's tests at the first
// failure, so the quick exact checks kill most mutants before the multi-second stall runs start.
describe('latency summaries', () => {
  it('reads each percentile at its own rank on a known sample (1…1000 µs)', () => {
    const h = newHistogram();
    // Below 2048 µs the histogram is exact, so every percentile is an exact sample.
    for (let us = 1; us <= 1000; us++) recordMs(h, us / 1000);
    expect(summarize(h)).toEqual({ min: 0.001, mean: 0.501, p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99, max: 1 });
  });

  it('summarizes a skewed sample: 90 fast, 10 slow', () => {
    const h = newHistogram();
    for (let i = 0; i < 90; i++) recordMs(h, 1);
    for (let i = 0; i < 10; i++) recordMs(h, 1.5);
    // p90 is the 90th sample (fast), p95 and p99 fall among the slow ones.
    expect(summarize(h)).toEqual({ min: 1, mean: 1.05, p50: 1, p90: 1, p95: 1.5, p99: 1.5, max: 1.5 });
  });

  it('is null for no samples, clamps to 1 µs and rounds to the microsecond', () => {
    expect(summarize(newHistogram())).toBeNull();
    const h = newHistogram();
    recordMs(h, 0);
    recordMs(h, 0.0004);
    recordMs(h, 0.0016);
    expect(summarize(h)).toMatchObject({ min: 0.001, max: 0.002 });
    expect(h.totalCount).toBe(3);
  });

  it('clamps a duration beyond ten minutes to ten minutes instead of losing it', () => {
    const h = newHistogram();
    recordMs(h, 700_000);
    expect(h.totalCount).toBe(1);
    expect(summarize(h)).toMatchObject({ min: 600_000, max: 600_000 });
  });
});

describe('outcome classification', () => {
  it('maps statuses at their boundaries', () => {
    expect([199, 200, 302, 399, 400, 404, 499, 500, 503, 599].map(statusKind)).toEqual([null, null, null, null, 'status_4xx', 'status_4xx', 'status_4xx', 'status_5xx', 'status_5xx', 'status_5xx']);
  });

  it('maps every error code to its kind', () => {
    const kinds = (codes: string[]) => codes.map((code) => errorKind(Object.assign(new Error(code), { code })));
    expect(kinds(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_ABORTED', 'ABORT_ERR', 'ETIMEDOUT', 'ARCHSIM_TIMEOUT'])).toEqual(Array(7).fill('timeout'));
    expect(kinds(['ECONNREFUSED', 'EADDRNOTAVAIL', 'EHOSTUNREACH'])).toEqual(Array(3).fill('connect'));
    expect(kinds(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED'])).toEqual(Array(4).fill('reset'));
    expect(kinds(['ENOENT', ''])).toEqual(['other', 'other']);
    expect(errorKind(null)).toBe('other');
    expect(errorKind('boom')).toBe('other');
  });
});

describe('beside another driver', () => {
  it('opens its measured window at measureAt (whole intervals of warm-up) and measures the order from alignOrder on', async () => {
    const s = await server();
    const sent: string[] = [];
    const scenario = { operations: ['a', 'b', 'c'].map((id, i) => ({ id, weight: [5, 3, 2][i]!, build: () => (sent.push(id), { method: 'GET', path: '/' }) })) };
    const measureAt = Date.now() + 730;
    const r = await runDriver(scenario, { baseUrl: s.url, model: 'open', rate: 20, duration: 1, warmup: 10, measureAt, alignOrder: 17 });
    // What was left of the 0.73 s, in whole 50 ms intervals (not the 10 s given): 0.7 or 0.75 s.
    expect(r.warmup).toBeGreaterThanOrEqual(0.6);
    expect(r.warmup).toBeLessThanOrEqual(0.75);
    expect(Math.round(r.warmup * 20)).toBeCloseTo(r.warmup * 20, 9);
    // Exactly rate × duration measured, and they are positions 17…36 of the weighted order.
    expect(r.totals.requests).toBe(20);
    const order = weightedPicker([5, 3, 2]);
    const positions = Array.from({ length: 37 }, () => ['a', 'b', 'c'][order()]!);
    const want: Record<string, number> = {};
    for (const id of positions.slice(17)) want[id] = (want[id] ?? 0) + 1;
    expect(Object.fromEntries(r.operations.map((o) => [o.id, o.requests]))).toEqual(want);
    expect(sent.slice(-20)).toEqual(positions.slice(17));
    // The schedule is anchored on measureAt (its origin up to an interval in the past), so its
    // instants are measureAt ± whole intervals: in a known phase with the other driver's.
    expect(Math.abs(Date.parse(r.started) + r.warmup * 1000 - measureAt)).toBeLessThanOrEqual(2);
  });

  it('interleaved: measures the same positions from alignOrder on, sent in the rotated order', async () => {
    const s = await server();
    const sent: string[] = [];
    const scenario = { operations: ['a', 'b', 'c'].map((id, i) => ({ id, weight: [5, 3, 2][i]!, build: () => (sent.push(id), { method: 'GET', path: '/' }) })) };
    const r = await runDriver(scenario, { baseUrl: s.url, model: 'open', rate: 20, duration: 1, warmup: 10, measureAt: Date.now() + 300, alignOrder: 17, interleaved: true });
    const order = weightedPicker([5, 3, 2]);
    const positions = Array.from({ length: 37 }, () => ['a', 'b', 'c'][order()]!);
    // 20 measured over a cycle of 10: positions 17…26 rotated by 5, then 27…36 by 10 + 1 − 5 = 6.
    const want = [...positions.slice(22, 27), ...positions.slice(17, 22), ...positions.slice(33, 37), ...positions.slice(27, 33)];
    expect(sent.slice(-20)).toEqual(want);
    const counts: Record<string, number> = {};
    for (const id of positions.slice(17)) counts[id] = (counts[id] ?? 0) + 1;
    expect(Object.fromEntries(r.operations.map((o) => [o.id, o.requests]))).toEqual(counts);
  });

  it('in its own process, started ahead: waits ready until a promised measureAt, then opens its window at it', async () => {
    const s = await server();
    let give: (ms: number) => void = () => undefined;
    const promised = new Promise<number>((resolve) => (give = resolve));
    let measureAt = 0;
    let readyAt = 0;
    // The time is known only once the child has loaded and waits (after its start-up, seconds on a busy machine).
    const run = runDriverInChild(trivialScenario(), { baseUrl: s.url, model: 'open', rate: 20, duration: 1, warmup: 10, measureAt: promised }, { onReady: () => setTimeout(() => give((measureAt = (readyAt = Date.now()) + 600)), 200) });
    const { report } = await run;
    expect(readyAt).toBeGreaterThan(0);
    expect(Math.abs(Date.parse(report.started) + report.warmup * 1000 - measureAt)).toBeLessThanOrEqual(2);
    expect(report.warmup).toBeLessThanOrEqual(0.6);
    expect(report.totals.requests).toBe(20);
    expect(report.totals.errors.total).toBe(0);
  });
});


describe('targets', () => {
  it('refuses hosts other than loopback', async () => {
    for (const url of ['http://example.com', 'http://10.0.0.1:8080', 'http://192.168.1.2', 'https://127.0.0.1', 'http://127.0.0.1.example.com'])
      expect(() => assertLoopback(url), url).toThrow(LoopbackError);
    for (const url of ['http://127.0.0.1:1', 'http://localhost:8080', 'http://[::1]:80']) expect(assertLoopback(url).protocol).toBe('http:');
    await expect(runDriver(createScenario(), { baseUrl: 'http://example.com', model: 'closed', duration: 1 })).rejects.toThrow(/only targets 127/);
  });

  it('weights the operations exactly over any prefix', () => {
    const pick = weightedPicker([3, 1]);
    const seen = Array.from({ length: 400 }, pick);
    expect(seen.filter((i) => i === 0).length).toBe(300);
    expect(seen.slice(0, 4).filter((i) => i === 1).length).toBe(1);
  });
});

describe('driver options and report fields', () => {
  it('refuses a run without a positive duration, and an open run without a rate', async () => {
    await expect(runDriver(createScenario(), { baseUrl: 'http://127.0.0.1:1', model: 'closed', duration: 0 })).rejects.toThrow('duration must be positive');
    await expect(runDriver(createScenario(), { baseUrl: 'http://127.0.0.1:1', model: 'open', duration: 1 })).rejects.toThrow('the open model needs a rate');
    await expect(runDriver(createScenario(), { baseUrl: 'http://127.0.0.1:1', model: 'open', rate: 0, duration: 1 })).rejects.toThrow('the open model needs a rate');
    await expect(runDriver(createScenario(), { baseUrl: 'http://127.0.0.1:1', model: 'open', rate: -5, duration: 1 })).rejects.toThrow('the open model needs a rate');
    await expect(runDriver(createScenario(), { baseUrl: 'http://127.0.0.1:1', model: 'closed', duration: -1 })).rejects.toThrow('duration must be positive');
  });

  it('open: measures only after the warm-up, bounds in-flight requests by rate/10 (at least 16), reports the schedule and phases', async () => {
    const s = await server();
    const phases: string[] = [];
    const progress: { elapsed: number; total: number; sent: number }[] = [];
    const before = Date.now();
    const r = await runDriver(createScenario({ id: 'a.get' }), {
      baseUrl: s.url,
      model: 'open',
      rate: 200,
      duration: 1,
      warmup: 0.5,
      onPhase: (p) => phases.push(p),
      onProgress: (p) => progress.push(p),
    });
    // 300 sent; the 100 of the warm-up are not counted.
    expect(r.totals.requests).toBe(200);
    expect(r.totals.throughput).toBe(200);
    expect(r.operations.map((o) => [o.id, o.requests, o.throughput])).toEqual([['a.get', 200, 200]]);
    expect(r).toMatchObject({ model: 'open', rate: 200, connections: 20, duration: 1, warmup: 0.5 });
    expect(Date.parse(r.started)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(r.started)).toBeLessThanOrEqual(Date.now());
    expect(phases).toEqual(['measure', 'end']);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress[0]!.total).toBe(1.5);
    expect(progress[0]!.sent).toBeGreaterThan(0);
    expect(progress[0]!.elapsed).toBeGreaterThanOrEqual(0.9);
    expect(r.operations[0]!.serviceTime).not.toBeNull();
    expect(r.driver.lag).toBeDefined();
    const small = await runDriver(createScenario(), { baseUrl: s.url, model: 'open', rate: 20, duration: 0.5 });
    expect(small.connections).toBe(16);
    expect(small.totals.requests).toBe(10);
    expect(small.totals.throughput).toBe(20);
  });

  it('open: stops at maxRequests (the warm-up included)', async () => {
    const s = await server();
    const r = await runDriver(createScenario(), { baseUrl: s.url, model: 'open', rate: 100, duration: 5, maxRequests: 30 });
    expect(r.totals.requests).toBe(30);
    expect(r.totals.throughput).toBe(6);
  });

  it('closed: one connection by default, no rate, no service time or lag; think time paces each connection', async () => {
    const s = await server();
    const r = await runDriver(createScenario(), { baseUrl: s.url, model: 'closed', duration: 0.5, thinkTimeMs: 100 });
    expect(r).toMatchObject({ model: 'closed', rate: null, connections: 1 });
    // One connection, ≥100 ms per request: at most 5 in 0.5 s (6 if the last starts at the edge).
    expect(r.totals.requests).toBeGreaterThanOrEqual(1);
    expect(r.totals.requests).toBeLessThanOrEqual(6);
    expect(r.operations[0]!.serviceTime).toBeUndefined();
    expect(r.driver.lag).toBeUndefined();
    expect(r.notes).toEqual([]);
  });

  it('counts 4xx answers as their own kind', async () => {
    const s = await server({ status: 404 });
    const r = await runDriver(createScenario(), { baseUrl: s.url, model: 'closed', duration: 10, maxRequests: 7 });
    expect(r.totals.errors).toEqual({ total: 7, byKind: { status_4xx: 7 } });
    expect(r.totals.latency!.min).toBeGreaterThan(0);
  });
});

describe('the in-flight bound', () => {
  it('is rate/10 rounded up, at least 16 and at most 1024, unless given', async () => {
    const s = await server();
    const at = async (rate: number, connections?: number) =>
      (await runDriver(createScenario(), { baseUrl: s.url, model: 'open', rate, duration: 0.05, ...(connections ? { connections } : {}) })).connections;
    expect(await at(161)).toBe(17);
    expect(await at(160)).toBe(16);
    expect(await at(100)).toBe(16);
    expect(await at(20_000)).toBe(1024);
    expect(await at(100, 3)).toBe(3);
  });
});

describe('errors by kind', () => {
  it('counts 5xx answers as errors and still records their latency', async () => {
    const s = await server({ status: 503 });
    const r = await runDriver(createScenario(), { baseUrl: s.url, model: 'open', rate: 50, duration: 0.4 });
    expect(r.totals.errors).toEqual({ total: 20, byKind: { status_5xx: 20 } });
    expect(r.totals.latency).not.toBeNull();
  });

  it('counts requests that outlive the timeout', async () => {
    const s = await server({ delayMs: 400 });
    const r = await runDriver(createScenario(), { baseUrl: s.url, model: 'open', rate: 20, duration: 0.5, timeoutMs: 100 });
    expect(r.totals.errors).toEqual({ total: 10, byKind: { timeout: 10 } });
  });
});

describe('scenario bugs', () => {
  it('gives each build() the run\'s and the operation\'s numbers, the setup data, the origin and a seeded random stream', async () => {
    const s = await server();
    const seen: { op: string; seq: number; opSeq: number; data: unknown; baseUrl: string; r: number }[] = [];
    const scenario = (id: string) => ({
      setup: async (origin: string) => ({ origin, token: 't' }),
      operations: ['a', 'b'].map((op) => ({ id: `${id}.${op}`, weight: op === 'a' ? 2 : 1, build: (ctx: { seq: number; opSeq: number; data: unknown; baseUrl: string; random: () => number }) => (seen.push({ op, seq: ctx.seq, opSeq: ctx.opSeq, data: ctx.data, baseUrl: ctx.baseUrl, r: ctx.random() }), { method: 'GET', path: '/' }) })),
    });
    const r = await runDriver(scenario('x'), { baseUrl: `${s.url}/ignored/path`, model: 'closed', duration: 10, maxRequests: 6, seed: 7 });
    expect(r.operations.map((o) => [o.id, o.requests])).toEqual([['x.a', 4], ['x.b', 2]]);
    expect(seen.map((x) => x.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    // Smooth weighted round-robin (2:1): a, b, a, a, b, a; each operation numbers its own requests.
    expect(seen.map((x) => `${x.op}${x.opSeq}`)).toEqual(['a0', 'b0', 'a1', 'a2', 'b1', 'a3']);
    const origin = new URL(s.url).origin;
    expect(seen.every((x) => x.baseUrl === origin)).toBe(true);
    expect(seen[0]!.data).toEqual({ origin, token: 't' });
    const again = seen.splice(0).map((x) => x.r);
    // The same seed gives the same stream; the default seed (1) is another one.
    await runDriver(scenario('y'), { baseUrl: s.url, model: 'closed', duration: 10, maxRequests: 6, seed: 7 });
    expect(seen.splice(0).map((x) => x.r)).toEqual(again);
    await runDriver(scenario('z'), { baseUrl: s.url, model: 'closed', duration: 10, maxRequests: 6 });
    const one = seededRandom(1);
    expect(seen.map((x) => x.r)).toEqual(Array.from({ length: 6 }, one));
  });

  it('counts a throwing build() during the warm-up nowhere, and names only the first failure', async () => {
    const s = await server();
    let n = 0;
    const scenario = { operations: [{ id: 'w.get', weight: 1, build: () => { n++; if (n <= 5) throw new Error(`early ${n}`); return { method: 'GET', path: '/' }; } }] };
    // 40/s: the first 10 requests (0.25 s) are the warm-up; the five that throw are all in it.
    const r = await runDriver(scenario, { baseUrl: s.url, model: 'open', rate: 40, duration: 0.5, warmup: 0.25 });
    expect(r.totals.requests).toBe(20);
    expect(r.totals.errors.total).toBe(0);
    // Exactly one note besides the driver's own lateness (which a loaded machine may add): a failed
    // build leaves nothing in flight, so the run ends on schedule and no hard stop is noted.
    expect(r.notes.filter((x) => !x.startsWith('the driver started requests late'))).toEqual(['the scenario failed to build requests (counted as errors of kind "other"): w.get: build() threw: early 1']);
  });

  it('counts a build() that throws as an error and names it, without stalling', async () => {
    const s = await server();
    const scenario = {
      operations: [
        { id: 'ok.get', weight: 1, build: () => ({ method: 'GET', path: '/' }) },
        { id: 'bad.get', weight: 1, build: () => { throw new Error('no token'); } },
      ],
    };
    const r = await runDriver(scenario, { baseUrl: s.url, model: 'closed', connections: 2, duration: 0.3 });
    expect(r.operations[0]!.errors.total).toBe(0);
    expect(r.operations[1]!.errors.byKind.other).toBe(r.operations[1]!.requests);
    expect(r.notes.join(' ')).toMatch(/bad\.get: build\(\) threw: no token/);
  });
});

describe('per-request results, the stop signal and the driver\'s own lateness', () => {
  it('passes a response header of each answer to onResult when asked (tagHeader, any case), null otherwise', async () => {
    const s = await server();
    const tags: (string | null)[] = [];
    await runDriver(createScenario(), { baseUrl: s.url, model: 'closed', duration: 10, maxRequests: 3, tagHeader: 'Content-Type', onResult: (_op, _ms, _e, _st, tag) => tags.push(tag) });
    expect(tags).toEqual(['text/plain', 'text/plain', 'text/plain']);
    const none: (string | null)[] = [];
    await runDriver(createScenario(), { baseUrl: s.url, model: 'closed', duration: 10, maxRequests: 2, tagHeader: 'x-absent', onResult: (_op, _ms, _e, _st, tag) => none.push(tag) });
    await runDriver(createScenario(), { baseUrl: s.url, model: 'closed', duration: 10, maxRequests: 2, onResult: (_op, _ms, _e, _st, tag) => none.push(tag) });
    expect(none).toEqual([null, null, null, null]);
  });

  it('adds extraHeaders to every request, read as each is sent, the scenario\'s own headers winning', async () => {
    const { createServer } = await import('node:http');
    const seen: { tap?: string; own?: string }[] = [];
    const echo = createServer((req, res) => {
      seen.push({ tap: req.headers['x-tap'] as string | undefined, own: req.headers['x-own'] as string | undefined });
      res.end('ok');
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (echo.address() as { port: number }).port;
      let n = 0;
      const scenario = { name: 'hdr', operations: [{ id: 'get', weight: 1, build: () => ({ method: 'GET', path: '/', headers: { 'x-own': 'scenario' } }) }] };
      await runDriver(scenario, { baseUrl: `http://127.0.0.1:${port}`, model: 'closed', connections: 1, duration: 10, maxRequests: 3, extraHeaders: () => ({ 'x-tap': `t${++n}`, 'x-own': 'extra' }) });
      expect(seen).toEqual([1, 2, 3].map((i) => ({ tap: `t${i}`, own: 'scenario' })));
    } finally {
      await new Promise((r) => echo.close(r));
    }
  });

  it('reports each request as it ends, warm-up included: operation, latency from the intended start, error kind, status', async () => {
    const s = await server({ delayMs: 5 });
    const seen: [string, number | null, string | null, number | null][] = [];
    const r = await runDriver(createScenario({ id: 'x.get' }), { baseUrl: s.url, model: 'open', rate: 40, duration: 0.5, warmup: 0.25, onResult: (op, ms, e, st) => seen.push([op, ms, e, st]) });
    // 0.75 s × 40/s: 30 requests ended, 20 of them measured.
    expect(seen).toHaveLength(30);
    expect(r.totals.requests).toBe(20);
    for (const [op, ms, e, st] of seen) {
      expect(op).toBe('x.get');
      expect(e).toBeNull();
      expect(st).toBe(200);
      // The server waits 5 ms before it answers: never less, from the schedule.
      expect(ms).toBeGreaterThanOrEqual(5);
    }
    const bad = await server({ status: 503 });
    const errs: (string | null)[] = [];
    const lat: (number | null)[] = [];
    const codes: (number | null)[] = [];
    await runDriver(createScenario(), { baseUrl: bad.url, model: 'closed', duration: 10, maxRequests: 3, onResult: (_op, ms, e, st) => (errs.push(e), lat.push(ms), codes.push(st)) });
    expect(errs).toEqual(['status_5xx', 'status_5xx', 'status_5xx']);
    expect(codes).toEqual([503, 503, 503]);
    expect(lat.every((x) => x !== null && x > 0)).toBe(true);
    const port = bad.port;
    await bad.stop();
    const refused: [number | null, string | null, number | null][] = [];
    await runDriver(createScenario(), { baseUrl: `http://127.0.0.1:${port}`, model: 'closed', duration: 10, maxRequests: 2, onResult: (_op, ms, e, st) => refused.push([ms, e, st]) });
    // Nothing answered: no latency, no status.
    expect(refused).toEqual([[null, 'connect', null], [null, 'connect', null]]);
  });

  it('open: stops scheduling once until() says so, and what was sent still finishes', async () => {
    const s = await server();
    let ended = 0;
    const r = await runDriver(createScenario(), { baseUrl: s.url, model: 'open', rate: 100, duration: 5, until: () => ended >= 10, onResult: () => ended++ });
    // 500 were scheduled; the run stopped after about 10 (a few more may have started meanwhile).
    expect(r.totals.requests).toBeGreaterThanOrEqual(10);
    expect(r.totals.requests).toBeLessThan(30);
    expect(r.totals.requests).toBe(ended);
    expect(r.totals.errors.total).toBe(0);
  });

  it('open: follows rateNow from the next request on and ends at its duration, not after a count', async () => {
    const s = await server();
    let ended = 0;
    const t = performance.now();
    // 100/s for the first 50 answers (0.5 s), then 20/s for the 1.5 s left: 50 + 30 = 80, not 200.
    const r = await runDriver(createScenario(), { baseUrl: s.url, model: 'open', rate: 100, duration: 2, rateNow: () => (ended >= 50 ? 20 : 100), onResult: () => ended++ });
    const wall = performance.now() - t;
    expect(r.totals.requests).toBeGreaterThanOrEqual(77);
    expect(r.totals.requests).toBeLessThanOrEqual(83);
    expect(r.totals.errors.total).toBe(0);
    expect(wall).toBeGreaterThan(1900);
    expect(wall).toBeLessThan(3500);
    // A constant rateNow is the fixed schedule: exactly rate × duration.
    const same = await runDriver(createScenario(), { baseUrl: s.url, model: 'open', rate: 50, duration: 1, rateNow: () => 50 });
    expect(same.totals.requests).toBe(50);
  });

  it('open: measures latency from the intended start even when the driver itself starts a request late, and says so', async () => {
    const s = await server();
    // Each request's build() holds the driver's event loop for 20 ms after its scheduled start:
    // the request goes out ≥ 20 ms late. The system answers at once; the latency still counts
    // from the schedule (≥ 20 ms), the service time from the send (small), and the driver's own
    // lag (≥ 20 ms) is reported with a note.
    const spin = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    const scenario = { operations: [{ id: 'slow.build', weight: 1, build: () => (spin(20), { method: 'GET', path: '/' }) }] };
    const r = await runDriver(scenario, { baseUrl: s.url, model: 'open', rate: 20, duration: 0.5 });
    expect(r.totals.requests).toBe(10);
    expect(r.totals.latency!.min).toBeGreaterThanOrEqual(20);
    expect(r.operations[0]!.latency).toEqual(r.totals.latency);
    expect(r.driver.lag!.p50).toBeGreaterThanOrEqual(20);
    expect(r.operations[0]!.serviceTime!.p50).toBeLessThan(r.totals.latency!.p50 - 15);
    expect(r.notes.join(' ')).toMatch(/the driver started requests late \(p99 [\d.]+ ms after their scheduled time\) with connections free: it was short of CPU/);
    // One connection was always free (each answer is immediate): no request waited for one.
    expect(r.driver.lag!.waitedForConnection).toBe(0);
  });

  it('open: requests due while every connection waits on an answer are the system\'s backlog, counted and named as such', async () => {
    // Each answer takes 100 ms and the driver has 2 connections: at most 20 answers a second
    // against 50 a second offered. All but the first two measured requests find both busy.
    const s = await server({ delayMs: 100 });
    const r = await runDriver(createScenario(), { baseUrl: s.url, model: 'open', rate: 50, duration: 1, connections: 2 });
    expect(r.totals.requests).toBe(50);
    expect(r.driver.lag!.waitedForConnection).toBeGreaterThanOrEqual(45);
    expect(r.driver.lag!.waitedForConnection).toBeLessThanOrEqual(50);
    // Two answers per 100 ms: requests 2k and 2k + 1 start when the pair before them is answered,
    // at 100·k and 100·k + 20 ms at the earliest. The last (k = 24, due at 980 ms) starts 2,420 ms
    // in: 1,440 ms late at the least, plus each of the 24 rounds' overhead (about 2 ms here).
    expect(r.driver.lag!.max).toBeGreaterThanOrEqual(1430);
    expect(r.driver.lag!.max).toBeLessThan(2200);
    const note = r.notes.find((n) => n.startsWith('the driver started requests late'));
    expect(note).toMatch(new RegExp(`: ${r.driver.lag!.waitedForConnection} of 50 measured requests \\([\\d.]+%\\) were due while all 2 connections waited on answers, so the system was holding a backlog`));
    expect(note).not.toContain('short of CPU');
  });

  it('open without the precise wait still sends on schedule and reports no lateness of its own', async () => {
    const s = await server();
    const r = await runDriver(createScenario(), { baseUrl: s.url, model: 'open', rate: 50, duration: 0.4, precise: false });
    expect(r.totals.requests).toBe(20);
    expect(r.totals.dropped).toBe(0);
    expect(r.totals.errors.total).toBe(0);
  });
});

describe('data seeded once for several windows', () => {
  it('skips the scenario’s setup when given data, and continues each operation’s request numbers from counters', async () => {
    const s = await server();
    let setups = 0;
    const seen: { data: unknown; opSeq: number }[] = [];
    const scenario = {
      setup: async () => (setups++, { fresh: true }),
      operations: [{ id: 'one.get', weight: 1, build: (ctx: { data: unknown; opSeq: number }) => (seen.push({ data: ctx.data, opSeq: ctx.opSeq }), { method: 'GET', path: '/' }) }],
    };
    const first = await runDriver(scenario, { baseUrl: s.url, model: 'closed', connections: 1, duration: 5, maxRequests: 7, data: { seeded: 1 } });
    expect(setups).toBe(0);
    expect(seen.map((x) => x.opSeq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(seen.every((x) => (x.data as { seeded?: number }).seeded === 1)).toBe(true);
    expect(first.counters).toEqual({ 'one.get': 7 });
    seen.length = 0;
    const second = await runDriver(scenario, { baseUrl: s.url, model: 'closed', connections: 1, duration: 5, maxRequests: 3, data: { seeded: 1 }, counters: first.counters });
    // The single-use items 0…6 went to the first window: the second starts at 7.
    expect(seen.map((x) => x.opSeq)).toEqual([7, 8, 9]);
    expect(second.counters).toEqual({ 'one.get': 10 });
    // Without data the scenario seeds for itself, once.
    seen.length = 0;
    await runDriver(scenario, { baseUrl: s.url, model: 'closed', connections: 1, duration: 5, maxRequests: 2 });
    expect(setups).toBe(1);
    expect(seen.map((x) => (x.data as { fresh?: boolean }).fresh)).toEqual([true, true]);
  });
});

describe('embedded driver, closed model', () => {
  it('reports the maximum throughput of N connections', async () => {
    const s = await server();
    const r = await runDriver(createScenario(), { baseUrl: s.url, model: 'closed', connections: 4, duration: 1 });
    // Closed, no think time: every connection always has a request out, so X = N / R (Little's
    // law) whatever the machine's load; a driver that idled between requests would fall short.
    expect(r.totals.throughput).toBeGreaterThan(50);
    expect(r.totals.throughput).toBeGreaterThan((0.8 * 4 * 1000) / r.totals.latency!.mean);
    expect(r.totals.throughput).toBeLessThan((1.2 * 4 * 1000) / r.totals.latency!.mean);
    expect(r.totals.requests).toBe(r.operations[0]!.requests);
    expect(r.totals.throughput).toBeCloseTo(r.totals.requests / 1, 0);
    expect(r.totals.errors.total).toBe(0);
  });

  it('stops at maxRequests', async () => {
    const s = await server();
    const r = await runDriver(createScenario(), { baseUrl: s.url, model: 'closed', connections: 2, duration: 10, maxRequests: 50 });
    expect(r.totals.requests).toBe(50);
  });

  it('classifies refused connections', async () => {
    const s = await server();
    const port = s.port;
    await s.stop();
    const r = await runDriver(createScenario(), { baseUrl: `http://127.0.0.1:${port}`, model: 'open', rate: 50, duration: 0.4 });
    expect(r.totals.errors.byKind.connect).toBe(20);
    expect(r.totals.latency).toBeNull();
  });
});

describe('embedded driver, open model falling behind', () => {
  it('counts the requests it could not even start as dropped, and says latency understates it', async () => {
    // 2 connections, each busy 300 ms per request, against 100 requests a second: at most about
    // 7 a second can start; the rest wait more than 200 ms past their schedule and are dropped.
    const s = await server({ delayMs: 300 });
    const r = await runDriver(createScenario(), { baseUrl: s.url, model: 'open', rate: 100, duration: 1, connections: 2, maxLagMs: 200 });
    expect(r.totals.dropped).toBeGreaterThan(50);
    expect(r.totals.errors.byKind.dropped).toBe(r.totals.dropped);
    expect(r.operations[0]!.requests + r.totals.dropped).toBe(100);
    expect(r.notes.join(' ')).toMatch(/dropped.*understate/);
  });
});

describe('progress', () => {
  it('reports about once a second with the completions of the last second and the p95 so far', async () => {
    const s = await server({ delayMs: 2 });
    const seen: { elapsed: number; total: number; sent: number; completed: number; errors: number; dropped: number; rate: number; p95: number | null }[] = [];
    await runDriver(createScenario(), { baseUrl: s.url, model: 'open', rate: 100, duration: 2.2, onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.length).toBeLessThanOrEqual(3);
    const [a, b] = seen as [(typeof seen)[0], (typeof seen)[0]];
    expect(a.total).toBe(2.2);
    expect(a.elapsed).toBeGreaterThanOrEqual(0.9);
    expect(b.elapsed).toBeGreaterThan(a.elapsed);
    expect(a.rate).toBe(a.completed);
    expect(b.rate).toBe(b.completed - a.completed);
    expect(b.sent).toBeGreaterThanOrEqual(b.completed);
    expect(a.errors + a.dropped).toBe(0);
    expect(b.p95).toBeGreaterThanOrEqual(2);
    expect(b.p95).toBeLessThan(1000);
  });
});

describe('embedded driver, open model', () => {
  // Skipped only in the mutation run (npm run mutate sets ARCHSIM_MUTATION_RUN): the instrumented
  // driver's first run there misses its own schedule by a second, far past the 100 ms bound.
  it.skipIf(process.env.ARCHSIM_MUTATION_RUN === '1')('sends every scheduled request at a modest rate and measures the server delay', async () => {
    const s = await server({ delayMs: 5 });
    // Half a second of warm-up (sent, not measured): a cold first run on a loaded machine is the
    // driver's and the server's start-up, not the server's delay.
    const r = await runDriver(createScenario(), { baseUrl: s.url, model: 'open', rate: 200, duration: 2, warmup: 0.5 });
    expect(r.totals.requests).toBe(400);
    expect(r.totals.dropped).toBe(0);
    expect(r.totals.errors.total).toBe(0);
    expect(r.totals.throughput).toBe(200);
    const l = r.totals.latency!;
    expect(l.p50).toBeGreaterThanOrEqual(5);
    expect(l.p50).toBeLessThan(100);
    expect(l.min).toBeLessThanOrEqual(l.p50);
    expect(l.p50).toBeLessThanOrEqual(l.p99);
    expect(l.p99).toBeLessThanOrEqual(l.max);
    // The driver reports how late it started requests itself.
    expect(r.driver.lag!.p50).toBeLessThanOrEqual(r.driver.lag!.p99);
    expect(r.driver.lag!.p50).toBeLessThan(l.p50);
  });

  it('counts the queue behind a 500 ms stall that a closed-loop driver hides (coordinated omission)', async () => {
    // The server blocks its event loop for 500 ms on its 100th request (≈0.5 s into the run).
    const slow = (ms: number | null) => ms !== null && ms >= 300;
    let openSlow = 0;
    let closedSlow = 0;
    const open = await server({ stallAfter: 100, stallMs: 500 });
    const o = await runDriver(createScenario(), { baseUrl: open.url, model: 'open', rate: 200, duration: 2.5, onResult: (_op, ms) => void (slow(ms) && openSlow++) });
    const naive = await server({ stallAfter: 100, stallMs: 500 });
    const c = await runDriver(createScenario(), { baseUrl: naive.url, model: 'closed', connections: 1, duration: 2.5, onResult: (_op, ms) => void (slow(ms) && closedSlow++) });
    // About 100 requests were scheduled during the stall (200/s × 0.5 s), 20% of 500: from their
    // intended start they waited up to 500 ms, so p90 and p99 show the stall; the 40 or so due in
    // its first 200 ms waited 300 ms or more.
    expect(o.totals.latency!.p99).toBeGreaterThan(300);
    expect(o.totals.latency!.p90).toBeGreaterThan(50);
    expect(openSlow).toBeGreaterThanOrEqual(25);
    expect(openSlow).toBeLessThanOrEqual(200);
    // A closed loop waited for the one stalled request and sent nothing meanwhile: one slow
    // sample among hundreds or thousands. (Counted, not read off its p99: on a loaded machine the
    // niced driver's and server's own pauses put the closed loop's p99 at 170 ms (load 11), but
    // not at 300 ms, a pause of a third of a second, in more than a few of its requests.)
    expect(c.totals.latency!.max).toBeGreaterThan(450);
    expect(closedSlow).toBeGreaterThanOrEqual(1);
    expect(closedSlow).toBeLessThanOrEqual(3);
    expect(c.totals.requests).toBeGreaterThan(100 * closedSlow);
    // The open model's service time (from the actual send) understates it too.
    expect(o.operations[0]!.serviceTime!.p90).toBeLessThan(o.totals.latency!.p90);
  });

  it('measures each operation from its intended start too: one operation under a stall has exactly the totals\' latency', async () => {
    const s = await server({ stallAfter: 100, stallMs: 500 });
    const r = await runDriver(createScenario(), { baseUrl: s.url, model: 'open', rate: 200, duration: 2.5 });
    expect(r.operations).toHaveLength(1);
    const op = r.operations[0]!;
    expect(op.requests).toBe(r.totals.requests);
    // Same samples, same histogram: every figure equal, not just close.
    expect(op.latency).toEqual(r.totals.latency);
    expect(op.latency!.p90).toBe(r.totals.latency!.p90);
    // And the stall is in it: ≈100 of 500 requests were scheduled during it and waited from their schedule.
    expect(op.latency!.p90).toBeGreaterThan(50);
    expect(op.latency!.max).toBeGreaterThan(400);
    // From the actual send the stall hides: the service time is far below the latency.
    expect(op.serviceTime!.p90).toBeLessThan(op.latency!.p90 / 2);
  });
});

describe('a run with the driver in its own pinned process', () => {
  it('in a child process: forwards progress and both phases, returns the report and the child\'s pid', async () => {
    const s = await server();
    const phases: string[] = [];
    const progress: number[] = [];
    const run = await runDriverInChild(trivialScenario({ id: 'c.get' }), { baseUrl: s.url, model: 'open', rate: 50, duration: 1.2 }, { onPhase: (p) => phases.push(p), onProgress: (p) => progress.push(p.total) });
    expect(run.pid).not.toBe(process.pid);
    expect(run.notes).toEqual([]);
    expect(phases).toEqual(['measure', 'end']);
    expect(progress[0]).toBe(1.2);
    expect(run.report.operations.map((o) => [o.id, o.requests])).toEqual([['c.get', 60]]);
    expect(run.report.totals.errors.total).toBe(0);
  });

  it('in a child process: a scenario that fails to load rejects with the child\'s own message', async () => {
    await expect(runDriverInChild({ module: '/nonexistent/archsim-scenario.mjs' }, { baseUrl: 'http://127.0.0.1:1', model: 'closed', duration: 1 })).rejects.toThrow(/archsim-scenario\.mjs/);
    const empty = join(mkdtempSync(join(tmpdir(), 'archsim-driver-')), 'empty.mjs');
    writeFileSync(empty, 'export const createScenario = () => ({ operations: [] });\n');
    await expect(runDriverInChild({ module: empty }, { baseUrl: 'http://127.0.0.1:1', model: 'closed', duration: 1 })).rejects.toThrow(`${empty}: a scenario needs operations: [{ id, weight, build(ctx) }]`);
  });

  // Skipped only in the mutation run: the child runs dist/, never a mutant (the child tests above
  // cover runDriverInChild there), and its niced driver among other work fell behind the 400 it
  // must send (317 in one dry run), failing the whole run before a mutant was tested.
  it.skipIf(process.env.ARCHSIM_MUTATION_RUN === '1')('measures the server process CPU and pins both', async () => {
    const s = await server({ cpuMs: 1 });
    const own = allowedCpus(s.pid);
    let during: string | null = null;
    const r = await loadTestTarget({
      target: s.url,
      scenario: trivialScenario(),
      model: 'open',
      rate: 200,
      duration: 2,
      warmup: 0.5,
      processes: [{ unit: 'trivial', role: 'sut', pid: s.pid }],
      onPhase: (phase) => void (phase === 'measure' && (during = allowedCpus(s.pid))),
    });
    expect(LoadTestResult.parse(r)).toEqual(r);
    expect(r.totals.requests).toBe(400);
    // 400 requests × 1 ms of spinning: at least 0.4 s of the server's CPU, plus HTTP overhead.
    const p = r.processes[0]!;
    expect(p.cpuSeconds).toBeGreaterThan(0.38);
    expect(p.cpuSeconds).toBeLessThan(1.5);
    expect(p.rssMaxMiB).toBeGreaterThan(10);
    expect(r.driver!.pid).not.toBe(process.pid);
    expect(r.driver!.cpuSeconds).toBeGreaterThan(0);
    if (os.availableParallelism() >= 2 && taskset()) {
      expect(r.run.pinning).toMatchObject({ driver: String(os.availableParallelism() - 1) });
      // pinned while measured, its own cores again after (it is not archsim's)
      expect(during).toBe(r.run.pinning!.sut);
      expect(allowedCpus(s.pid)).toBe(own);
    } else {
      expect(r.run.notes.join(' ')).toMatch(/not pinned/);
    }
  });
});

// Written for the mutation run of run.ts (issue 20): multi-second runs, so last in this file.
describe('progress, phases and hard stops, exactly', () => {
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('progress counts every ended request, failed answers and failed builds alike, at about a second; nothing reports after the run', async () => {
    const s = await server({ status: 503 });
    const answered: { elapsed: number; sent: number; completed: number; errors: number; dropped: number; rate: number }[] = [];
    const unbuilt: typeof answered = [];
    const scenario = { operations: [{ id: 'x.get', weight: 1, build: (): never => { throw new Error('no'); } }] };
    // Side by side: 1.2 s each.
    await Promise.all([
      runDriver(createScenario(), { baseUrl: s.url, model: 'open', rate: 50, duration: 1.2, onProgress: (p) => answered.push(p) }),
      runDriver(scenario, { baseUrl: s.url, model: 'open', rate: 20, duration: 1.2, onProgress: (p) => unbuilt.push(p) }),
    ]);
    // A run of 1.2 s reports once (twice if a loaded machine kept it past 2 s).
    const reports = [answered.length, unbuilt.length];
    expect(Math.min(...reports)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...reports)).toBeLessThanOrEqual(2);
    const [a] = answered as [(typeof answered)[0]];
    // About a second in: 50/s sent, each a 503 (an error), nearly all answered.
    expect(a.elapsed).toBeGreaterThanOrEqual(0.9);
    expect(a.elapsed).toBeLessThanOrEqual(1.6);
    expect(a.sent).toBeLessThanOrEqual(50 * (a.elapsed + 0.05) + 1);
    expect(a.completed).toBeGreaterThanOrEqual(30);
    expect(a.completed).toBeLessThanOrEqual(a.sent);
    expect(a.errors).toBe(a.completed);
    expect(a.rate).toBe(a.completed);
    expect(a.dropped).toBe(0);
    // A build that throws ends its request at once: sent, ended and failed together.
    const [b] = unbuilt as [(typeof unbuilt)[0]];
    expect(b.sent).toBeGreaterThanOrEqual(15);
    expect(b.sent).toBeLessThanOrEqual(20 * (b.elapsed + 0.05) + 1);
    expect(b.completed).toBe(b.sent);
    expect(b.errors).toBe(b.sent);
    // The ticker stops with the run.
    await pause(1100);
    expect([answered.length, unbuilt.length]).toEqual(reports);
  });

  it('reports progress during the warm-up without a p95, and a run that ends inside its warm-up never opens its measured window', async () => {
    const s = await server();
    const seen: { total: number; p95: number | null; elapsed: number }[] = [];
    const warm = await runDriver(createScenario(), { baseUrl: s.url, model: 'open', rate: 20, duration: 0.2, warmup: 1.5, onProgress: (p) => seen.push(p) });
    expect(warm.totals.requests).toBe(4);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.total).toBe(1.7);
    // At about 1 s nothing measured yet.
    expect(seen[0]!.elapsed).toBeLessThan(1.5);
    expect(seen[0]!.p95).toBeNull();
    const phases: string[] = [];
    const short = await runDriver(createScenario(), { baseUrl: s.url, model: 'open', rate: 20, duration: 1, warmup: 1, maxRequests: 3, onPhase: (p) => phases.push(p) });
    expect(short.totals.requests).toBe(0);
    expect(phases).toEqual(['end']);
    // Its 'measure' timer (due at 1 s) was cleared with the run.
    await pause(1100);
    expect(phases).toEqual(['end']);
  });

  it('hard stops: open, a timeout and a second after the last scheduled start; closed, likewise, whatever a connection is doing', async () => {
    const s = await server({ delayMs: 300 });
    const t = performance.now();
    const [open, closed] = await Promise.all([
      // Ten requests due in 0.5 s, one connection, 300 ms each: the last would end at about 3 s. The
      // lag bound is out of the way, so none is dropped: the hard stop at 0.5 + 0.5 + 1 = 2 s ends it.
      runDriver(createScenario(), { baseUrl: s.url, model: 'open', rate: 20, duration: 0.5, connections: 1, timeoutMs: 500, maxLagMs: 10_000 }).then((r) => [r, performance.now() - t] as const),
      // One request, then a 10 s think time: the hard stop at 0.2 + 1 + 1 = 2.2 s ends it.
      runDriver(createScenario(), { baseUrl: s.url, model: 'closed', duration: 0.2, timeoutMs: 1000, thinkTimeMs: 10_000 }).then((r) => [r, performance.now() - t] as const),
    ]);
    const [o, openWall] = open;
    expect(openWall).toBeGreaterThanOrEqual(1950);
    expect(openWall).toBeLessThan(2900);
    // One connection: exactly one request was in flight whenever a timer fired.
    expect(o.notes.filter((n) => n.startsWith('hard stop'))).toEqual(['hard stop: 1 requests still in flight 1500 ms after the last scheduled start were abandoned']);
    expect(o.totals.dropped).toBe(0);
    expect(o.totals.requests).toBeGreaterThanOrEqual(3);
    expect(o.totals.requests).toBeLessThanOrEqual(7);
    const [c, closedWall] = closed;
    expect(closedWall).toBeGreaterThanOrEqual(2150);
    expect(closedWall).toBeLessThan(5000);
    expect(c.notes).toEqual(['hard stop: requests still in flight were abandoned']);
    expect(c.totals.requests).toBe(1);
  });

  it('open: drops during the warm-up are not counted, each measured one is, and the request numbers count sent and dropped ones', async () => {
    // As above, falling behind: 2 connections, 300 ms each, 100/s, drop after 200 ms late.
    const s = await server({ delayMs: 300 });
    let ended = 0;
    const r = await runDriver(createScenario(), { baseUrl: s.url, model: 'open', rate: 100, duration: 1, warmup: 0.5, connections: 2, maxLagMs: 200, onResult: () => ended++ });
    expect(r.totals.dropped).toBeGreaterThan(50);
    expect(r.totals.errors.byKind.dropped).toBe(r.totals.dropped);
    // The measured window's 100 scheduled requests, each sent or dropped; the warm-up's 50 not among them.
    expect(r.operations[0]!.requests + r.totals.dropped).toBe(100);
    expect(r.counters).toEqual({ 'trivial.get': ended + r.totals.dropped });
  });
});
