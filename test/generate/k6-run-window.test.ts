// The k6 script's timeline is the simulator's (docs/blueprint-format.md): the workload's duration
// is the whole run, its warm-up the run's first part (a scenario of its own, not measured), and a
// load profile's times count from the run's start. The script ran the warm-up first and then the
// whole duration (a spike at 30 s of a 60 s run with a 5 s warm-up came at 35 s of 65 s); a
// diurnal curve in a run shorter than half an hour had no stage at all (k6 refuses that); a
// warm-up as long as the run was accepted (simulate refuses it). Checked with the real k6 binary
// where it is on PATH (or K6_BIN); those checks are skipped only without it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generate, GenerateError } from '../../src/generate/index.js';
import { k6ProfileStages, k6RampingIterations } from '../../src/generate/k6.js';
import { findK6 } from '../../src/loadtest/k6.js';
import { Blueprint } from '../../src/model/schema.js';
import { runK6Script } from './k6-run.js';

const k6 = findK6();
const tmp = mkdtempSync(join(tmpdir(), 'archsim-k6-window-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const blueprint = (workload: string) =>
  Blueprint.parse(
    parse(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: w }
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
const script = (workload: string, opts = {}) => generate('k6', blueprint(workload), 'one', opts)[0]!.content;
const optionsOf = (s: string) => JSON.parse(/export const options = ([\s\S]*?);\n/.exec(s)![1]!);
const constOf = (s: string, name: string) => new RegExp(`^const ${name} = (.*);$`, 'm').exec(s)![1];

/** k6 inspect on the script: its exit code and what it printed. */
function inspect(name: string, text: string) {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'load-test.js'), text);
  const r = spawnSync(k6!, ['inspect', '--execution-requirements', 'load-test.js'], { cwd: dir, encoding: 'utf8', env: { ...process.env, K6_NO_USAGE_REPORT: 'true' } });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('a diurnal curve in a run shorter than its period', () => {
  const day = { kind: 'diurnal' as const, min: 10, max: 30, period: 86_400_000 };

  it('a 10-minute window of a 24-hour curve: 12 stages of 50 s on the curve (it had none)', () => {
    expect(k6ProfileStages(day, 600_000)).toEqual({
      startRate: 10,
      stages: [10.0001, 10.0003, 10.0006, 10.0011, 10.0017, 10.0024, 10.0032, 10.0042, 10.0054, 10.0066, 10.008, 10.0095].map((target) => ({ target, duration: '50000ms' })),
    });
  });

  it('a window of the run that starts later (the measured part after a warm-up): from its own start, to its end exactly', () => {
    const fleet = { kind: 'diurnal' as const, min: 2000, max: 8000, period: 86_400_000 };
    const late = k6ProfileStages(fleet, 30_000, 2_000);
    expect(late.startRate).toBeCloseTo(2000 + 3000 * (1 - Math.cos((2 * Math.PI * 2000) / 86_400_000)), 9);
    // 28 s in twelve: edges on whole microseconds (4333.333, 6666.667, 9000, …), so they add up to 28 s
    expect(late.stages.map((s) => s.duration)).toEqual(Array(4).fill(['2333.333ms', '2333.334ms', '2333.333ms']).flat());
    expect(late.stages.map((s) => s.target)).toEqual([2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000.01, 2000.01, 2000.01]);
    // a twenty-fourth of the period once the window holds twelve of them
    expect(k6ProfileStages({ ...fleet, period: 24_000 }, 36_000, 0).stages.map((s) => s.duration)).toEqual(Array(36).fill('1000ms'));
  });

  it('the script of a 10-minute run: a ramping-arrival-rate scenario with those stages, which k6 accepts', () => {
    const s = script('{ rate: 20/s, duration: 10m, profile: { kind: diurnal, min: 10/s, max: 30/s }, mix: { a.get: 1 } }');
    const load = optionsOf(s).scenarios.load;
    // k6 takes whole rates: per 1 s, each within 0.1% of the curve's (10.0095/s is 10 per second)
    expect(load).toMatchObject({ executor: 'ramping-arrival-rate', startRate: 10, timeUnit: '1s', stages: Array(12).fill({ target: 10, duration: '50000ms' }) });
    expect(s.split('\n')[0]).toBe("// k6 load test for w, layout one: the workload's diurnal profile (10/s to 30/s every 86400 s) for 600 s.");
  });

  it.skipIf(!k6)('k6 inspect accepts the 10-minute diurnal script, with a warm-up too (skipped: no k6 on PATH and no K6_BIN)', () => {
    for (const [name, w] of [
      ['diurnal', '{ rate: 20/s, duration: 10m, profile: { kind: diurnal, min: 10/s, max: 30/s }, mix: { a.get: 1 } }'],
      ['diurnal-warm', '{ rate: 5000/s, duration: 30s, warmup: 2s, profile: { kind: diurnal, min: 2000/s, max: 8000/s, period: 24h }, mix: { a.get: 1 } }'],
    ] as const) {
      const r = inspect(name, script(w));
      expect(r.status, r.out).toBe(0);
    }
  });
});

describe('the warm-up is the run’s first part, as the simulator counts it', () => {
  const shop = '{ rate: 120/s, duration: 60s, warmup: 5s, profile: { kind: spike, base: 120/s, peak: 360/s, at: 30s, for: 10s }, mix: { a.get: 1 } }';

  it('a 60 s run with a 5 s warm-up and a spike at 30 s: the warm-up 0–5 s, the load 5–60 s, the spike at 30–40 s of the run', () => {
    const s = script(shop);
    const ramping = { executor: 'ramping-arrival-rate', startRate: 120, timeUnit: '1s', preAllocatedVUs: 360, maxVUs: 1800 };
    expect(optionsOf(s).scenarios).toEqual({
      warmup: { ...ramping, stages: [{ target: 120, duration: '5000ms' }], gracefulStop: '0ms', exec: 'warmup', tags: { phase: 'warmup' } },
      load: {
        ...ramping,
        // 5 s + 25 s: the spike starts 30 s into the run; 5 + 25 + 10 + 20 = 60 s in all
        stages: [
          { target: 120, duration: '25000ms' },
          { target: 360, duration: '0s' },
          { target: 360, duration: '10000ms' },
          { target: 120, duration: '0s' },
          { target: 120, duration: '20000ms' },
        ],
        gracefulStop: '6000ms',
        startTime: '5000ms',
        exec: 'load',
        tags: { phase: 'measure' },
      },
    });
    // 120/s × 5 s: k6 starts one as the integral reaches 1, 2, …, 599 in the warm-up (600 at its end is the load's)
    expect(constOf(s, 'WARMUP_ITERATIONS')).toBe('599');
    expect(s.split('\n')[0]).toBe("// k6 load test for w, layout one: the workload's spike profile (120/s, 360/s from 30 s for 10 s) for 60 s, the first 5 s a warm-up that is not measured.");
    // the measured figures leave the warm-up out: thresholds on phase:measure, its requests tagged warmup
    expect(optionsOf(s).thresholds).toEqual({ 'http_req_failed{phase:measure}': ['rate<0.01'], 'checks{phase:measure}': ['rate>0.99'] });
    expect(s).toContain('const tags = warm ? { warmup: op.id, name } : { operation: op.id, name };');
  });

  it('a spike inside the warm-up is the warm-up’s; a measured window that starts inside the spike starts at its peak', () => {
    const s = script('{ rate: 10/s, duration: 10s, warmup: 3s, profile: { kind: spike, base: 10/s, peak: 40/s, at: 2s, for: 2s }, mix: { a.get: 1 } }');
    const { warmup, load } = optionsOf(s).scenarios;
    expect(warmup).toMatchObject({ startRate: 10, stages: [{ target: 10, duration: '2000ms' }, { target: 40, duration: '0s' }, { target: 40, duration: '1000ms' }, { target: 10, duration: '0s' }] });
    expect(load).toMatchObject({ startRate: 40, startTime: '3000ms', stages: [{ target: 40, duration: '1000ms' }, { target: 10, duration: '0s' }, { target: 10, duration: '6000ms' }] });
    // 10 × 2 + 40 × 1 = 60 in the warm-up: 59 start before its end
    expect(constOf(s, 'WARMUP_ITERATIONS')).toBe('59');
    expect(k6RampingIterations(4, [{ target: 4, duration: '1000ms' }], '1s')).toBe(3);
  });

  it('a ramp: the warm-up climbs its first part, the load goes on from where it is', () => {
    const { warmup, load } = optionsOf(script('{ rate: 10/s, duration: 20s, warmup: 5s, profile: { kind: ramp, from: 10/s, to: 110/s, over: 10s }, mix: { a.get: 1 } }')).scenarios;
    expect(warmup).toMatchObject({ startRate: 10, stages: [{ target: 60, duration: '5000ms' }] });
    expect(load).toMatchObject({ startRate: 60, startTime: '5000ms', stages: [{ target: 110, duration: '5000ms' }, { target: 110, duration: '10000ms' }] });
  });

  it('a constant rate and a closed workload: the measured scenario is the duration less the warm-up; --duration is the whole run too', () => {
    const open = optionsOf(script('{ rate: 4/s, duration: 3s, warmup: 1s, mix: { a.get: 1 } }')).scenarios;
    expect(open.warmup).toMatchObject({ duration: '1000ms' });
    expect(open.load).toMatchObject({ startTime: '1000ms', duration: '1875ms' });
    const closed = optionsOf(script('{ users: 2, duration: 5s, warmup: 2s, mix: { a.get: 1 } }')).scenarios;
    expect(closed.warmup).toMatchObject({ duration: '2000ms' });
    expect(closed.load).toMatchObject({ startTime: '2000ms', duration: '3000ms' });
    const given = optionsOf(script('{ rate: 4/s, duration: 3s, warmup: 1s, mix: { a.get: 1 } }', { duration: 11_000, warmup: 2000 })).scenarios;
    expect(given.warmup).toMatchObject({ duration: '1875ms' });
    expect(given.load).toMatchObject({ startTime: '2000ms', duration: '8875ms' });
  });

  it('a part of the run under 1 s (k6 refuses constant executors that short): the same rate or users as one ramping stage', () => {
    // 1.5 s with a 1 s warm-up: 0.5 s measured
    const open = optionsOf(script('{ rate: 4/s, duration: 1500ms, warmup: 1s, mix: { a.get: 1 } }')).scenarios;
    expect(open.warmup).toEqual({ executor: 'constant-arrival-rate', rate: 4, timeUnit: '1s', preAllocatedVUs: 10, maxVUs: 20, gracefulStop: '0ms', duration: '1000ms', exec: 'warmup', tags: { phase: 'warmup' } });
    expect(open.load).toEqual({ executor: 'ramping-arrival-rate', startRate: 4, timeUnit: '1s', stages: [{ target: 4, duration: '500ms' }], preAllocatedVUs: 10, maxVUs: 20, gracefulStop: '6000ms', startTime: '1000ms', exec: 'load', tags: { phase: 'measure' } });
    // a 0.5 s warm-up at 4/s: k6 starts iterations at 250 ms (and 500 ms, its end: the load's)
    const warm = script('{ rate: 4/s, duration: 3s, warmup: 500ms, mix: { a.get: 1 } }');
    expect(optionsOf(warm).scenarios.warmup).toEqual({ executor: 'ramping-arrival-rate', startRate: 4, timeUnit: '1s', stages: [{ target: 4, duration: '500ms' }], preAllocatedVUs: 10, maxVUs: 20, gracefulStop: '0ms', exec: 'warmup', tags: { phase: 'warmup' } });
    expect(constOf(warm, 'WARMUP_ITERATIONS')).toBe('1');
    const closed = optionsOf(script('{ users: 2, duration: 1500ms, warmup: 1s, mix: { a.get: 1 } }')).scenarios;
    expect(closed.load).toEqual({ executor: 'ramping-vus', startVUs: 2, stages: [{ target: 2, duration: '500ms' }], gracefulStop: '6000ms', startTime: '1000ms', exec: 'load', tags: { phase: 'measure' } });
  });

  it.skipIf(!k6)('k6 inspect accepts the spike with its warm-up, and runs with parts under 1 s (skipped: no k6 on PATH and no K6_BIN)', () => {
    for (const [name, w] of [
      ['shop', shop],
      ['short-open', '{ rate: 4/s, duration: 1500ms, warmup: 500ms, mix: { a.get: 1 } }'],
      ['short-closed', '{ users: 2, duration: 1500ms, warmup: 700ms, mix: { a.get: 1 } }'],
    ] as const) {
      const r = inspect(name, script(w));
      expect(r.status, r.out).toBe(0);
    }
  });

  it.skipIf(!k6)('k6 run sends the spike at its time from the run’s start, the warm-up included (skipped: no k6 on PATH and no K6_BIN)', async () => {
    // 20/s for 4 s, the first 1 s a warm-up, 100/s from 2 s for 1 s: the busiest second starts
    // 2 s into the run (it came at 3 s, after the warm-up and 2 s of load), the run lasts 4 s.
    const s = script('{ rate: 20/s, duration: 4s, warmup: 1s, profile: { kind: spike, base: 20/s, peak: 100/s, at: 2s, for: 1s }, mix: { a.get: 1 } }');
    const at: number[] = [];
    const server = await new Promise<Server>((resolve) => {
      const srv = createServer((_req, res) => {
        at.push(performance.now());
        res.writeHead(200).end();
      });
      srv.listen(0, '127.0.0.1', () => resolve(srv));
    });
    const dir = join(tmp, 'run');
    mkdirSync(dir, { recursive: true });
    try {
      const { code, out } = await runK6Script(k6!, dir, s, { BASE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      expect(code, out).toBe(0);
    } finally {
      server.close();
    }
    // k6 starts the first request 50 ms into the run (the integral of 20/s reaches 1)
    const t = at.map((x) => x - at[0]! + 50).sort((x, y) => x - y);
    let best = 0;
    let bestStart = 0;
    for (let i = 0, j = 0; i < t.length; i++) {
      while (t[i]! - t[j]! >= 1000) j++;
      if (i - j + 1 > best) [best, bestStart] = [i - j + 1, t[j]!];
    }
    expect(best).toBeGreaterThanOrEqual(90);
    expect(Math.abs(bestStart - 2000)).toBeLessThan(250);
    expect(t[t.length - 1]!).toBeLessThan(4300);
  }, 120_000);
});

describe('a warm-up as long as the run', () => {
  it('is refused in one line, a usage error (exit 2), as simulate refuses it', () => {
    const bp = blueprint('{ rate: 20/s, duration: 5s, warmup: 10s, mix: { a.get: 1 } }');
    const refused = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(GenerateError);
        expect((e as GenerateError).kind).toBe('usage');
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(refused(() => generate('k6', bp, 'one'))).toBe('k6: the warm-up (10 s) must be shorter than the duration (5 s), which counts it in');
    expect(refused(() => generate('all', bp, 'one'))).toBe('k6: the warm-up (10 s) must be shorter than the duration (5 s), which counts it in');
    expect(refused(() => generate('k6', bp, 'one', { duration: 3000, warmup: 3000 }))).toBe('k6: the warm-up (3 s) must be shorter than the duration (3 s), which counts it in');
    expect(refused(() => generate('k6', bp, 'one', { duration: 12_000 }))).toBe('accepted');
    expect(refused(() => generate('k6', bp, 'one', { warmup: 0 }))).toBe('accepted');
  });
});
