// The embedded driver's exact behaviour, each check a second or less: the lateness note word for
// word, what a build() that throws a string says, weights that have no cycle, a closed run's
// measured window beside another driver, the tag of a repeated header, a timed-out request's
// connection, the in-flight bound seen in the service time, upper bounds on every latency, lag,
// progress time and CPU figure, and a rate that falls to zero. Real HTTP: the trivial server in
// another process, or a node:http server in this one where the test must count what arrives.
// (driver.test.ts holds the multi-second runs: stalls, hard stops, progress.)
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTrivialServer, type TrivialServer } from '../../src/loadtest/trivial-server.js';
import { runDriver, runDriverInChild } from '../../src/loadtest/driver/index.js';
import { lateNote } from '../../src/loadtest/driver/run.js';
import { poolLatency } from '../../src/loadtest/driver/histogram.js';
import hdr from 'hdr-histogram-js';
import { createScenario } from '../../src/loadtest/scenarios/trivial.js';
import { trivialScenario, weightedPicker } from '../../src/loadtest/scenario.js';

const servers: TrivialServer[] = [];
const local: Server[] = [];
async function server(o: Parameters<typeof startTrivialServer>[0] = {}) {
  const s = await startTrivialServer(o);
  servers.push(s);
  return s;
}
/** A node:http server in this process (to count what arrives, or to send a header twice). */
async function localServer(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const srv = createServer(handler);
  local.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(srv.address() as { port: number }).port}`;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  for (const srv of local.splice(0)) {
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
  }
});

describe('the lateness note', () => {
  it('names the backlog from 1% of measured requests due with every connection busy, rounded to a tenth of a percent', () => {
    expect(lateNote(12.5, 1, 100, 4)).toBe(
      'the driver started requests late (p99 12.5 ms after their scheduled time): 1 of 100 measured requests (1%) were due while all 4 connections waited on answers, so the system was holding a backlog; that wait is inside the latencies',
    );
    expect(lateNote(11, 1234, 10_000, 2)).toBe(
      'the driver started requests late (p99 11 ms after their scheduled time): 1234 of 10000 measured requests (12.3%) were due while all 2 connections waited on answers, so the system was holding a backlog; that wait is inside the latencies',
    );
  });

  it('blames the driver\'s CPU below 1%, and with no measured request', () => {
    const cpu = 'the driver started requests late (p99 11 ms after their scheduled time) with connections free: it was short of CPU, and that lag is inside the latencies';
    expect(lateNote(11, 99, 10_000, 2)).toBe(cpu);
    expect(lateNote(11, 0, 0, 2)).toBe(cpu);
    // Requests that waited for a connection but none measured (every one failed): no share to name.
    expect(lateNote(11, 5, 0, 2)).toBe(cpu);
  });
});

describe('scenario and options at their edges', () => {
  it('names a build() that throws something other than an Error by its string', async () => {
    const s = await server();
    const scenario = { operations: [{ id: 's.get', weight: 1, build: (): never => { throw 'no token here'; } }] };
    const r = await runDriver(scenario, { baseUrl: s.url, model: 'closed', duration: 10, maxRequests: 2 });
    expect(r.totals.errors).toEqual({ total: 2, byKind: { other: 2 } });
    expect(r.notes).toEqual(['the scenario failed to build requests (counted as errors of kind "other"): s.get: build() threw: no token here']);
    // Throughput is per second of the measured duration (10 s), the operation's as the totals'.
    expect(r.operations.map((x) => [x.id, x.requests, x.throughput])).toEqual([['s.get', 2, 0.2]]);
    expect(r.totals.throughput).toBe(0.2);
  });

  it('ignores alignOrder when a weight is not a whole number (the order has no cycle): the plain weighted order', async () => {
    const s = await server();
    const sent: string[] = [];
    const scenario = { operations: ['a', 'b'].map((id, i) => ({ id, weight: [1.5, 1][i]!, build: () => (sent.push(id), { method: 'GET', path: '/' }) })) };
    await runDriver(scenario, { baseUrl: s.url, model: 'closed', duration: 10, maxRequests: 10, alignOrder: 3 });
    const order = weightedPicker([1.5, 1]);
    expect(sent).toEqual(Array.from({ length: 10 }, () => ['a', 'b'][order()]!));
  });

  it('closed beside another driver: the warm-up is what is left until measureAt, to the millisecond', async () => {
    const s = await server();
    const before = Date.now();
    const r = await runDriver(createScenario(), { baseUrl: s.url, model: 'closed', duration: 0.2, warmup: 10, measureAt: before + 300 });
    expect(r.warmup).toBeGreaterThanOrEqual(0.2);
    expect(r.warmup).toBeLessThanOrEqual(0.3);
    expect(Math.round(r.warmup * 1000)).toBe(r.warmup * 1000);
    // A closed run's schedule starts when its set-up is done (no interval to keep in phase), so
    // its window opens that long after measureAt: milliseconds (10 ms in a cold first run here).
    expect(Date.parse(r.started)).toBeGreaterThanOrEqual(before);
    expect(Math.abs(Date.parse(r.started) + r.warmup * 1000 - (before + 300))).toBeLessThanOrEqual(50);
    expect(r.totals.requests).toBeGreaterThan(0);
    // a closed run has no service time apart from its latency: no second histogram handed over
    for (const o of r.operations) expect(Object.keys(r.histograms.operations[o.id]!), o.id).toEqual(['latency']);
  });

  it('passes a header sent twice as null (only a single value is a tag)', async () => {
    const url = await localServer((_req, res) => {
      res.setHeader('x-tag', ['a', 'b']);
      res.setHeader('x-one', 'u1');
      res.end('ok');
    });
    const tags: (string | null)[] = [];
    await runDriver(createScenario(), { baseUrl: url, model: 'closed', duration: 10, maxRequests: 1, tagHeader: 'X-Tag', onResult: (_o, _m, _e, _s, tag) => tags.push(tag) });
    await runDriver(createScenario(), { baseUrl: url, model: 'closed', duration: 10, maxRequests: 1, tagHeader: 'x-one', onResult: (_o, _m, _e, _s, tag) => tags.push(tag) });
    expect(tags).toEqual([null, 'u1']);
  });
});

describe('timeouts and the in-flight bound', () => {
  it('aborts a request at its timeout, so its connection carries the next one at once: the server receives every request', async () => {
    const received: number[] = [];
    const url = await localServer((_req, res) => {
      received.push(performance.now());
      setTimeout(() => res.end('late'), 400);
    });
    const results: [number | null, string | null, number | null][] = [];
    const r = await runDriver(createScenario(), { baseUrl: url, model: 'closed', connections: 1, duration: 10, maxRequests: 3, timeoutMs: 100, onResult: (_o, ms, e, st) => results.push([ms, e, st]) });
    expect(results).toEqual(Array(3).fill([null, 'timeout', null]));
    expect(r.totals.errors).toEqual({ total: 3, byKind: { timeout: 3 } });
    // Without the abort the one connection stays busy 400 ms with the first request, and the next
    // two time out queued behind it, never sent.
    expect(received).toHaveLength(3);
  });

  it('open with one connection: a request is sent only when the connection is free, so its service time is the server\'s alone', async () => {
    const s = await server({ delayMs: 300 });
    // 20/s against 300 ms answers on one connection: the three requests go one after another.
    const r = await runDriver(createScenario(), { baseUrl: s.url, model: 'open', rate: 20, duration: 0.15, connections: 1, maxLagMs: 10_000 });
    expect(r.totals.requests).toBe(3);
    expect(r.totals.errors.total).toBe(0);
    const service = r.operations[0]!.serviceTime!;
    expect(service.min).toBeGreaterThanOrEqual(300);
    // A second request let out early would wait in the pool behind the first: about 550 ms.
    expect(service.max).toBeLessThan(500);
    // From the schedule, the third (due at 100 ms) waited for the first two: about 900 − 100 ms.
    expect(r.totals.latency!.max).toBeGreaterThanOrEqual(750);
    // The second and third were due while the one connection was busy (the first, scheduled
    // before the instant the driver found it busy, is counted too: the count is by that instant).
    expect(r.driver.lag!.waitedForConnection).toBeGreaterThanOrEqual(2);
    expect(r.driver.lag!.waitedForConnection).toBeLessThanOrEqual(3);
  });
});

describe('figures bounded on both sides', () => {
  it('open with a warm-up: starts now, opens the measured window after it, and every latency, lag and CPU figure is of this run', async () => {
    const s = await server();
    const ms: number[] = [];
    const phases: [string, number][] = [];
    const before = Date.now();
    const t = performance.now();
    const r = await runDriver(createScenario(), {
      baseUrl: s.url,
      model: 'open',
      rate: 40,
      duration: 0.5,
      warmup: 0.25,
      onResult: (_o, m) => ms.push(m!),
      onPhase: (p) => phases.push([p, performance.now() - t]),
    });
    const wall = (performance.now() - t) / 1000;
    const after = Date.now();
    expect(r.totals.requests).toBe(20);
    expect(ms).toHaveLength(30);
    for (const m of ms) {
      expect(m).toBeGreaterThanOrEqual(0);
      expect(m).toBeLessThan(1000);
    }
    expect(r.totals.latency!.max).toBeLessThan(1000);
    // The histograms handed over for pooling a level's windows are the measured requests' own:
    // decoded, the same figures (the extremes to a bucket's width, which pooling takes from here).
    const decoded = (e: string) => hdr.decodeFromCompressedBase64(e, 32, false);
    expect(decoded(r.histograms.total).totalCount).toBe(20);
    const exact = (l: NonNullable<typeof r.totals.latency>) => ({ ...l, min: 0, max: 0 });
    expect(exact(poolLatency([r.histograms.total])!)).toEqual(exact(r.totals.latency!));
    for (const o of r.operations) {
      expect(decoded(r.histograms.operations[o.id]!.latency).totalCount, o.id).toBe(o.requests);
      expect(decoded(r.histograms.operations[o.id]!.service!).totalCount, o.id).toBe(o.requests);
      if (o.latency) expect(exact(poolLatency([r.histograms.operations[o.id]!.latency])!), o.id).toEqual(exact(o.latency));
    }
    expect(r.driver.lag!.max).toBeLessThan(1000);
    expect(r.driver.lag!.p50).toBeGreaterThanOrEqual(0);
    // The schedule starts when the run does (the warm-up is ahead of it, not behind).
    expect(Date.parse(r.started)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(r.started)).toBeLessThanOrEqual(after);
    expect(phases.map(([p]) => p)).toEqual(['measure', 'end']);
    expect(phases[0]![1]).toBeGreaterThanOrEqual(245);
    // The last request is due at 29 × 25 ms.
    expect(phases[1]![1]).toBeGreaterThanOrEqual(720);
    // CPU per second of the run's wall time: measured inside the run, so between its last
    // scheduled start (0.725 s) and the test's wall around it.
    const { cpuSeconds, cpuUtilization } = r.driver;
    expect(cpuSeconds).toBeGreaterThan(0.002);
    expect(cpuUtilization).toBeGreaterThanOrEqual(cpuSeconds / wall - 0.002);
    expect(cpuUtilization).toBeLessThanOrEqual(cpuSeconds / 0.72 + 0.002);
  });

  it('open: a rate that falls to zero or below is ignored, the schedule keeps the last one', async () => {
    const s = await server();
    let ended = 0;
    const r = await runDriver(createScenario(), { baseUrl: s.url, model: 'open', rate: 50, duration: 1, rateNow: () => (ended >= 10 ? (ended >= 20 ? -5 : 0) : 50), onResult: () => ended++ });
    expect(r.totals.requests).toBe(50);
    expect(ended).toBe(50);
    expect(r.totals.errors.total).toBe(0);
  });
});

// runDriverInChild (driver/index.ts): the child runs dist/, the relay and its options are this
// process's. Seconds each (a Node process starts per run).
describe('the driver in a child process', () => {
  it('passes a measureAt given as a time to the child, which opens its window at it', async () => {
    const s = await server();
    const measureAt = Date.now() + 3000;
    const { report } = await runDriverInChild(trivialScenario(), { baseUrl: s.url, model: 'open', rate: 20, duration: 0.25, warmup: 0, measureAt });
    expect(report.warmup).toBeGreaterThan(0);
    // its histograms come through the IPC channel as text, whole
    expect(hdr.decodeFromCompressedBase64(report.histograms.total, 32, false).totalCount).toBe(report.totals.requests);
    expect(report.warmup).toBeLessThanOrEqual(3);
    expect(Math.abs(Date.parse(report.started) + report.warmup * 1000 - measureAt)).toBeLessThanOrEqual(2);
    expect(report.totals.requests).toBe(5);
  });

  it('a promised measureAt needs no onReady', async () => {
    const s = await server();
    // Given once the child is up (its time then already past: no warm-up left).
    const { report } = await runDriverInChild(trivialScenario(), { baseUrl: s.url, model: 'open', rate: 20, duration: 0.25, measureAt: Promise.resolve(Date.now()) });
    expect(report.warmup).toBe(0);
    expect(report.totals.requests).toBe(5);
  });

  it('kills the child waiting for a promised measureAt that fails, and says it ended without a report', async () => {
    let fail: (e: Error) => void = () => undefined;
    const never = new Promise<number>((_resolve, reject) => (fail = reject));
    const t = performance.now();
    await expect(
      runDriverInChild(trivialScenario(), { baseUrl: 'http://127.0.0.1:1', model: 'open', rate: 20, duration: 60, measureAt: never }, { onReady: () => setTimeout(() => fail(new Error('k6 did not start')), 10) }),
    ).rejects.toThrow(/^the driver exited null before reporting$/);
    // Killed at once, not after the watchdog's minutes.
    expect(performance.now() - t).toBeLessThan(20_000);
  });

  it('says so when the child exits before reporting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-driver-'));
    const quits = join(dir, 'quits.mjs');
    writeFileSync(quits, 'process.exit(3);\n');
    await expect(runDriverInChild({ module: quits }, { baseUrl: 'http://127.0.0.1:1', model: 'closed', duration: 1 })).rejects.toThrow(/^the driver exited 3 before reporting$/);
  });
});
