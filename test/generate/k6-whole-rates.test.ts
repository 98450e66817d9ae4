// k6 takes a ramping-arrival-rate's startRate and stage targets as int64: a profile with
// fractional rates (a ramp 10.5/s → 20.25/s, a diurnal curve's 837.482/s) made a script `k6
// inspect` refused ("cannot unmarshal number ... of type int64"). Every rate is now scaled by one
// common timeUnit. Checked with the real k6 binary; skipped only without k6.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generate } from '../../src/generate/index.js';
import { k6ProfileStages, k6WholeStages } from '../../src/generate/k6.js';
import { findK6 } from '../../src/loadtest/k6.js';
import { Blueprint } from '../../src/model/schema.js';

const k6 = findK6();
const tmp = mkdtempSync(join(tmpdir(), 'archsim-k6-whole-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const blueprint = (profile: string) =>
  Blueprint.parse(
    parse(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: fractional }
system:
  domains:
    a: { operations: { get: { route: GET /a, cpu: 1ms } } }
layouts:
  one:
    units:
      app: { domains: [a], port: 8080 }
workload: { rate: 10/s, duration: 30s, mix: { a.get: 1 }, profile: ${profile} }
`),
  );
const script = (profile: string) => generate('k6', blueprint(profile), 'one')[0]!.content;
const loadScenario = (s: string) => {
  const m = /export const options = ([\s\S]*?);\n/.exec(s);
  return JSON.parse(m![1]!).scenarios.load;
};

describe('k6WholeStages', () => {
  it('a ramp 10.5/s → 20.25/s: exact per 4 s (42 → 81)', () => {
    expect(k6WholeStages(k6ProfileStages({ kind: 'ramp', from: 10.5, to: 20.25, over: 20_000 }, 30_000))).toEqual({
      startRate: 42,
      timeUnit: '4s',
      exact: true,
      maxError: 0,
      stages: [
        { target: 81, duration: '20000ms' },
        { target: 81, duration: '10000ms' },
      ],
    });
  });

  it('whole rates stay per 1 s', () => {
    const w = k6WholeStages(k6ProfileStages({ kind: 'spike', base: 150, peak: 900, at: 20_000, for: 10_000 }, 60_000));
    expect(w.timeUnit).toBe('1s');
    expect(w.startRate).toBe(150);
    expect(w.stages.map((s) => s.target)).toEqual([150, 900, 900, 150, 150]);
  });

  it('a diurnal curve 800/s–3000/s: its 6 significant digits exact per 500 s (the smallest whole number of seconds that does it)', () => {
    const ps = k6ProfileStages({ kind: 'diurnal', min: 800, max: 3000, period: 60_000 }, 60_000);
    const w = k6WholeStages(ps);
    expect(ps.stages[0]).toEqual({ target: 837.482, duration: '2500ms' });
    expect(w.timeUnit).toBe('500s');
    expect(w.exact).toBe(true);
    expect(w.startRate).toBe(400_000);
    expect(w.stages[0]).toEqual({ target: 418_741, duration: '2500ms' });
    expect(w.stages.every((s, i) => Number.isInteger(s.target) && s.target === ps.stages[i]!.target * 500)).toBe(true);
  });

  it('rates no whole number of seconds up to 1000 makes exact: rounded per a power of ten, within 0.1%', () => {
    const w = k6WholeStages({ startRate: 12.34567, stages: [{ target: 1.000001, duration: '1000ms' }] });
    expect(w).toEqual({ startRate: 1235, timeUnit: '100s', exact: false, maxError: w.maxError, stages: [{ target: 100, duration: '1000ms' }] });
    expect(w.maxError).toBeCloseTo((1235 - 1234.567) / 1234.567, 9);
    expect(w.maxError).toBeLessThan(1e-3);
  });
});

describe('the generated script', () => {
  const ramp = '{ kind: ramp, from: 10.5/s, to: 20.25/s, over: 20s }';
  const spike = '{ kind: spike, base: 2.5/s, peak: 7.125/s, at: 5s, for: 5s }';
  const diurnal = '{ kind: diurnal, min: 800/s, max: 3000/s, period: 60s }';

  it('has whole targets and names the timeUnit in its header', () => {
    const s = script(ramp);
    expect(loadScenario(s)).toMatchObject({ executor: 'ramping-arrival-rate', startRate: 42, timeUnit: '4s', stages: [{ target: 81 }, { target: 81 }] });
    expect(s).toContain("// The profile's rates are per 4s (k6 takes whole numbers of iterations per timeUnit): exact.");
    expect(loadScenario(script(spike))).toMatchObject({ startRate: 20, timeUnit: '8s', stages: [{ target: 20 }, { target: 57 }, { target: 57 }, { target: 20 }, { target: 20 }] });
    const d = loadScenario(script(diurnal));
    expect(d.timeUnit).toBe('500s');
    expect(d.stages.every((x: { target: number }) => Number.isInteger(x.target))).toBe(true);
  });

  for (const [name, profile] of [['ramp', ramp], ['spike', spike], ['diurnal', diurnal]] as const) {
    it.skipIf(!k6)(`k6 inspect loads the ${name} profile's script (skipped: no k6 on PATH and no K6_BIN)`, () => {
      const dir = join(tmp, name);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      writeFileSync(join(dir, 'load-test.js'), script(profile));
      const r = spawnSync(k6!, ['inspect', 'load-test.js'], { cwd: dir, encoding: 'utf8', env: { ...process.env, K6_NO_USAGE_REPORT: 'true' } });
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).scenarios.load.executor).toBe('ramping-arrival-rate');
    });
  }
});
