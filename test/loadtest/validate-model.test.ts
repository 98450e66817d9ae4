// validate-model runs the whole loop on this machine: measure the monolith at two rates and at
// its maximum, calibrate, predict microservices, measure it, report the error. The errors are a
// benchmark figure (reports/BENCHMARKS.md), not a test threshold; here the loop must run and
// report every figure.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { archsim } from '../helpers/cli.js';
import { loadBlueprint } from '../../src/io/load.js';

it('validate-model calibrates on the monolith, predicts and measures microservices, and reports the errors', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'archsim-vm-')), 'vm.json');
  const r = archsim(['validate-model', 'blueprints/quantchat.yaml', '--rate', '20/s', '--duration', '3s', '--connections', '8', '--port-offset', '21000', '-o', out]);
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/median \|error\| over the predicted layouts: p50 \d+%, p95 \d+%, max throughput \d+%/);
  const v = JSON.parse(readFileSync(out, 'utf8'));
  expect(v.layouts.map((l: { layout: string; role: string }) => `${l.layout}:${l.role}`)).toEqual(['monolith:calibrated', 'microservices:predicted']);
  for (const l of v.layouts) {
    expect(l.operations.length).toBeGreaterThan(10);
    for (const o of l.operations) {
      expect(o.measured.p50, o.id).toBeGreaterThan(0);
      expect(Number.isFinite(o.predicted.p50), o.id).toBe(true);
      expect(o.error.p50).toBeCloseTo((o.predicted.p50 - o.measured.p50) / o.measured.p50, 9);
    }
    expect(l.maxThroughput.measured).toBeGreaterThan(0);
    expect(l.maxThroughput.predicted).toBeGreaterThan(0);
  }
  // The calibrated overlay is a valid blueprint that extends the original.
  const overlay = readFileSync(v.overlay, 'utf8');
  expect(overlay).toMatch(/^extends: /m);
  expect(loadBlueprint(v.overlay).blueprint.metadata.name).toBe('quantchat');
}, 240_000);
