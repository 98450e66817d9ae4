// validate-model runs the whole loop on this machine: measure each layout's capacity and a load
// level placed from it, calibrate on one layout's runs only, predict the other, and the reverse
// direction from the same measurements. The errors are a benchmark figure (reports/BENCHMARKS.md),
// not a test threshold; here the loop must run, report every figure, and keep each
// calibration's inputs to its own layout. The platform (HTTP calls, gateway, events) comes from
// the saved file stamped as this machine's: its measurement has its own test (platform.test.ts).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { archsim } from '../helpers/cli.js';
import { loadBlueprint } from '../../src/io/load.js';
import { platformFileForThisMachine } from '../helpers/platform.js';

type Run = { run: { notes: string[] }; operations: { id: string; requests: number }[]; totals: { errors: { total: number } } };

it('validate-model calibrates on the monolith, predicts microservices at a load level, and the reverse', () => {
  const dir = mkdtempSync(join(tmpdir(), 'archsim-vm-'));
  const out = join(dir, 'vm.json');
  const html = join(dir, 'vm.html');
  const runsOut = join(dir, 'runs.json');
  const r = archsim(['validate-model', 'blueprints/quantchat.yaml', '--predict', 'microservices', '--reverse', 'microservices', '--levels', '50%', '--replications', '2', '--duration', '2', '--min-requests', '40', '--warmup', '2', '--connections', '8', '--port-offset', '21000', '-o', out, '--html', html, '--runs-out', runsOut, '--calibrated-dir', dir, '--platform-costs', platformFileForThisMachine()], { timeoutMs: 540_000 });
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/platform costs from \S+platform\.json \(measured [^)]+\), not measured again/);
  expect(r.stdout).toMatch(/median \|error\| over the predicted layouts: p50 \d+%, p95 \d+%, max throughput \d+%/);
  // 2 s, or more where a first window that had not settled was dropped into it (settling.ts)
  const warmup = /warm-up (\d+(?:\.\d+)?) s driven and not measured/.exec(r.stdout);
  expect(Number(warmup?.[1])).toBeGreaterThanOrEqual(2);
  if (Number(warmup![1]) > 2) expect(r.stderr).toMatch(/the first window \([^)]*\) had not settled: dropped, one more measured/);
  expect(r.stdout).toMatch(/PostgreSQL durable/);
  expect(r.stdout).toMatch(/CPU of the requests, predicted against measured \(median over the levels\): monolith \(cal\.\) units [+-]\d+%, databases [+-]\d+%/);
  const v = JSON.parse(readFileSync(out, 'utf8'));
  const databaseReadings: number[] = [];
  expect(v.directions.map((d: { calibrateOn: string }) => d.calibrateOn)).toEqual(['monolith', 'microservices']);
  for (const d of v.directions) {
    // No measurement of a predicted layout feeds its own prediction.
    expect(new Set(d.inputs.map((i: { layout: string }) => i.layout))).toEqual(new Set([d.calibrateOn]));
    // its capacity run (closed) and its one level (open)
    expect(d.inputs.map((i: { model: string }) => i.model).sort()).toEqual(['closed', 'open']);
    expect(d.layouts.map((l: { layout: string; role: string }) => `${l.layout}:${l.role}`)).toEqual(d.calibrateOn === 'monolith' ? ['monolith:calibrated', 'microservices:predicted'] : ['microservices:calibrated', 'monolith:predicted']);
    for (const l of d.layouts) {
      expect(l.levels).toHaveLength(1);
      expect(l.levels[0].fraction).toBe(0.5);
      expect(l.levels[0].rate).toBeCloseTo(l.maxThroughput.measured / 2, 0);
      for (const o of l.levels[0].operations) {
        expect(o.measured.p50, o.id).toBeGreaterThan(0);
        expect(o.measured.p50Interval.n, o.id).toBe(2);
        expect(Number.isFinite(o.predicted.p50), o.id).toBe(true);
        expect(o.error.p50).toBeCloseTo((o.predicted.p50 - o.measured.p50) / o.measured.p50, 9);
      }
      // the requests' CPU: both sides read, units and databases each part of it
      const cpu = l.levels[0].cpu;
      expect(cpu.predicted).toBeGreaterThan(0);
      expect(cpu.measured).toBeGreaterThan(0);
      expect(cpu.units.measured + cpu.databases.measured).toBeCloseTo(cpu.measured, 9);
      expect(cpu.units.predicted + cpu.databases.predicted).toBeCloseTo(cpu.predicted, 9);
      // a level's reading less the no-load one, never negative: a 2-s window of a light level can
      // read at or under the no-load figure (noise), so each is only ≥ 0 and one must be above it
      expect(cpu.databases.measured).toBeGreaterThanOrEqual(0);
      databaseReadings.push(cpu.databases.measured);
      expect(l.maxThroughput.measured).toBeGreaterThan(0);
      expect(l.maxThroughput.predicted).toBeGreaterThan(0);
    }
    // The calibrated overlay is a valid blueprint that extends the original.
    expect(readFileSync(d.overlay, 'utf8')).toMatch(/^extends: /m);
    expect(loadBlueprint(d.overlay).blueprint.metadata.name).toBe('quantchat');
  }
  expect(Math.max(...databaseReadings)).toBeGreaterThan(0);
  // The levels run on the capacity run's data, their single-use pools grown for them (seedMore):
  // every request of every level found its item (a refresh token is used once), none failed.
  const runs = JSON.parse(readFileSync(runsOut, 'utf8'));
  for (const [layout, m] of Object.entries(runs.layouts) as [string, { capacity: Run; levels: Run[] }][]) {
    expect(m.capacity.operations.some((o) => o.id === 'auth.refresh'), layout).toBe(false);
    for (const level of m.levels) {
      expect(level.totals.errors.total, layout).toBe(0);
      expect(level.operations.find((o) => o.id === 'auth.refresh')?.requests, layout).toBeGreaterThan(0);
      // and the result says so: the refresh tokens' pool grown by a positive count
      expect(level.run.notes.join('\n'), layout).toMatch(/seeded data kept; pools of single-use items grown: .*refresh tokens \([^)]*\) \+[1-9]\d*/);
    }
  }
  // The speed probe after the monolith is the one before microservices (nothing runs between
  // them); a kernel without schedstat gives no probe on either.
  const [first, second] = [runs.layouts.monolith.probe, runs.layouts.microservices.probe];
  expect(!!first).toBe(!!second);
  if (first) {
    expect(first.afterMs).toBeGreaterThan(0);
    expect(second.serverMs).toBe(first.afterMs);
  }
  const page = readFileSync(html, 'utf8');
  expect(page).toMatch(/<svg[^>]+aria-label="latency against load, microservices"/);
  expect(page).toMatch(/Calibrated on microservices/);
}, 600_000);
