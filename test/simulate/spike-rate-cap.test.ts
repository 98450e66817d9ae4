// The automatic spike of an operation past a third of the largest rate (1M/s): ×4 its rate would
// be over the limit its own scenario schema enforces, and inspect, compare and report ended in
// "internal error: [" (the zod error's first line) on a blueprint validate accepted.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { autoScenarios } from '../../src/simulate/auto-scenarios.js';
import { reportError } from '../../src/cli/io.js';
import { bp } from './helpers.js';

const hot = (rate: string) =>
  bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: hot }
system:
  domains:
    kv: { tables: [k], operations: { get: { route: GET /k, cpu: 0.001ms }, put: { route: PUT /k, cpu: 0.001ms } } }
layouts:
  one:
    units: { api: { domains: "*", port: 8000, workers: 64, replicas: 64 } }
    datastores: { db: { engine: postgres, tables: "*" } }
workload:
  rate: ${rate}
  mix: { kv.get: 3, kv.put: 1 }
`);

describe('the automatic spike near the rate limit', () => {
  it('adds the most a scenario may (1M/s) where ×4 would pass it, and says so', () => {
    const spike = autoScenarios(hot('600k/s')).find((s) => s.name === 'auto:spike-kv.get')!;
    // kv.get runs at 450k/s: ×4 would add 1.35M/s
    expect(spike.load[0]!.rate).toBe(1_000_000);
    expect(spike.description).toBe('kv.get, the busiest operation, with 1000000/s more for 15 s (the largest rate a scenario may add; ×4 its usual rate would be more).');
  });

  it('at exactly a third of the limit still ×4, worded as before', () => {
    const spike = autoScenarios(hot(`${(1_000_000 / 3) * (4 / 3)}/s`)).find((s) => s.name === 'auto:spike-kv.get')!;
    expect(spike.load[0]!.rate).toBeCloseTo(1_000_000, 0);
    expect(spike.description).toMatch(/^kv\.get, the busiest operation, at ×4 its usual rate for 15 s \(\+1000000\/s\)\.$/);
  });
});

describe('an internal error from a zod schema', () => {
  afterEach(() => vi.restoreAllMocks());
  it('prints its first issue (path and message) in one line, not "["', () => {
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
    const r = z.object({ load: z.array(z.object({ rate: z.number().max(1, 'over the maximum') })) }).safeParse({ load: [{ rate: 2 }, { rate: 3 }] });
    const code = reportError(r.error);
    vi.restoreAllMocks();
    expect(code).toBe(1);
    expect(stderr.split('\n')[0]).toBe('archsim: internal error: load.0.rate: over the maximum (and 1 more)');
  });
});
