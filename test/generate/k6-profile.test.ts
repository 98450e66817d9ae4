// The workload's load profile in the k6 script: a ramp, a spike or a diurnal curve becomes k6's
// ramping-arrival-rate stages over the measured window (the script ran a constant base rate, the
// spike dropped without a word). --rate replaces the profile, as in simulate. Checked with the real
// k6 binary against a real HTTP server that counts arrivals per second; skipped only without k6.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generate } from '../../src/generate/index.js';
import { runK6Script } from './k6-run.js';
import { k6ProfileStages } from '../../src/generate/k6.js';
import { findK6 } from '../../src/loadtest/k6.js';
import { Blueprint } from '../../src/model/schema.js';

const k6 = findK6();
const tmp = mkdtempSync(join(tmpdir(), 'archsim-k6-profile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const blueprint = (workload: string) =>
  Blueprint.parse(
    parse(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: spiky }
system:
  domains:
    a: { operations: { get: { route: GET /a, cpu: 1ms } } }
layouts:
  one:
    units:
      app: { domains: [a], port: 8080 }
workload: ${workload}
`),
  );

describe('k6ProfileStages', () => {
  it('a spike: the base until it, two instant steps around the peak, the base after', () => {
    expect(k6ProfileStages({ kind: 'spike', base: 150, peak: 900, at: 20_000, for: 10_000 }, 60_000)).toEqual({
      startRate: 150,
      stages: [
        { target: 150, duration: '20000ms' },
        { target: 900, duration: '0s' },
        { target: 900, duration: '10000ms' },
        { target: 150, duration: '0s' },
        { target: 150, duration: '30000ms' },
      ],
    });
    // a window that ends inside the spike, and one that ends before it
    expect(k6ProfileStages({ kind: 'spike', base: 10, peak: 50, at: 2_000, for: 5_000 }, 4_000).stages).toEqual([
      { target: 10, duration: '2000ms' },
      { target: 50, duration: '0s' },
      { target: 50, duration: '2000ms' },
      { target: 10, duration: '0s' },
    ]);
    expect(k6ProfileStages({ kind: 'spike', base: 10, peak: 50, at: 9_000, for: 5_000 }, 4_000).stages).toEqual([{ target: 10, duration: '4000ms' }]);
  });

  it('a ramp: one stage to its end rate, then held; a window shorter than the ramp stops on the way', () => {
    expect(k6ProfileStages({ kind: 'ramp', from: 10, to: 110, over: 10_000 }, 15_000)).toEqual({
      startRate: 10,
      stages: [
        { target: 110, duration: '10000ms' },
        { target: 110, duration: '5000ms' },
      ],
    });
    expect(k6ProfileStages({ kind: 'ramp', from: 10, to: 110, over: 10_000 }, 5_000).stages).toEqual([{ target: 60, duration: '5000ms' }]);
  });

  it('a diurnal curve: a stage per twenty-fourth of its period, on the curve, to the end of the window', () => {
    const { startRate, stages } = k6ProfileStages({ kind: 'diurnal', min: 10, max: 30, period: 24_000 }, 36_000);
    expect(startRate).toBe(10);
    expect(stages).toHaveLength(36);
    expect(stages.every((s) => s.duration === '1000ms')).toBe(true);
    // the top of the curve at half the period, back to the bottom at the period
    expect(stages[11]!.target).toBe(30);
    expect(stages[23]!.target).toBe(10);
  });
});

describe('the generated script', () => {
  const spike = blueprint('{ rate: 20/s, duration: 3s, mix: { a.get: 1 }, profile: { kind: spike, base: 20/s, peak: 100/s, at: 1s, for: 1s } }');
  const script = (opts = {}) => generate('k6', spike, 'one', opts)[0]!.content;

  it('names the profile on its first line and runs it with ramping-arrival-rate; --rate replaces it', () => {
    const s = script();
    expect(s.split('\n')[0]).toBe('// k6 load test for spiky, layout one: the workload\'s spike profile (20/s, 100/s from 1 s for 1 s) for 3 s.');
    expect(s).toContain('"executor": "ramping-arrival-rate"');
    const given = script({ rate: 40 });
    expect(given).not.toContain('ramping-arrival-rate');
    expect(given.split('\n')[0]).toContain(': 40 requests/s for 3 s.');
  });

  it.skipIf(!k6)('k6 run sends the spike: 20/s, then 100/s for the second second, then 20/s (skipped: no k6 on PATH and no K6_BIN)', async () => {
    const start = Date.now();
    const at: number[] = [];
    const server = await new Promise<Server>((resolve) => {
      const s = createServer((_req, res) => {
        at.push(Date.now() - start);
        res.writeHead(200).end();
      });
      s.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const { code, out } = await runK6Script(k6!, tmp, script(), { BASE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      expect(code, out).toBe(0);
    } finally {
      server.close();
    }
    // 20 + 100 + 20 requests (k6 starts iterations on the integral of the rate)
    expect(at.length).toBeGreaterThanOrEqual(135);
    expect(at.length).toBeLessThanOrEqual(145);
    // the busiest second holds the spike: ~100 of them within one second of each other
    const sorted = [...at].sort((x, y) => x - y);
    let most = 0;
    for (let i = 0, j = 0; i < sorted.length; i++) {
      while (sorted[i]! - sorted[j]! >= 1000) j++;
      most = Math.max(most, i - j + 1);
    }
    expect(most).toBeGreaterThanOrEqual(95);
    expect(most).toBeLessThanOrEqual(125);
  }, 120_000);
});

describe('the default request timeout', () => {
  const slow = (cpu: string) =>
    Blueprint.parse(
      parse(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: slow }
system:
  domains:
    a:
      operations:
        quick: { route: GET /q, cpu: 2ms }
        render: { route: GET /r, cpu: ${cpu} }
layouts:
  one:
    units:
      app: { domains: [a], port: 8080 }
workload: { rate: 1/s, mix: { a.quick: 9, a.render: 1 } }
`),
    );
  const timeoutOf = (bp: Blueprint, opts = {}) => /const TIMEOUT = '(\d+)ms';/.exec(generate('k6', bp, 'one', opts)[0]!.content)![1];

  it('5 s while every operation is quicker than a third of it', () => {
    expect(timeoutOf(slow('1ms'))).toBe('5000');
    expect(timeoutOf(slow('{ dist: const, mean: 1600ms }'))).toBe('5000');
  });
  it('three times the slowest p99 with no load, rounded up to whole seconds', () => {
    // a constant 10 s render (and the default network hop around it): 3 × 10.00x s → 31 s
    expect(timeoutOf(slow('{ dist: const, mean: 10s }'))).toBe('31000');
    // an exponential 1.6 s one: its p99 is 4.6 × the mean, 7.37 s → 3 × that → 23 s
    expect(timeoutOf(slow('1600ms'))).toBe('23000');
  });
  it('at most 10 minutes; --timeout given is kept', () => {
    expect(timeoutOf(slow('{ dist: const, mean: 5m }'))).toBe('600000');
    expect(timeoutOf(slow('{ dist: const, mean: 10s }'), { timeout: 2000 })).toBe('2000');
  });
});
