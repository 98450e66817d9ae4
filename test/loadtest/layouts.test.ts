// Issue 7's acceptance: a short load test of every layout of the bundled QuantChat blueprint,
// through the real CLI: embedded PostgreSQL, every unit its own process, seeded data, the
// blueprint's whole workload mix at a modest rate, a well-formed result with no errors.
import { describe, expect, it } from 'vitest';
import { archsim } from '../helpers/cli.js';
import { loadBlueprint } from '../../src/io/load.js';
import { resolveLayout } from '../../src/model/resolve.js';
import { parseResults } from '../../src/loadtest/result.js';

const bp = loadBlueprint(new URL('../../blueprints/quantchat.yaml', import.meta.url).pathname).blueprint;
const mix = Object.keys(bp.workload!.mix);

describe('archsim loadtest on the reference services', () => {
  // Ports stay below 32768 (the kernel's ephemeral range starts there) and apart from other suites.
  const layouts: [string, number][] = [
    ['monolith', 20000],
    ['modular-monolith', 20100],
    ['strangler-relay', 20200],
    ['microservices', 20300],
    ['proposed-7', 20400],
  ];
  for (const [layout, offset] of layouts) {
    it(`${layout}: 5 s at 20/s of the whole mix, no errors, every unit measured`, () => {
      const r = archsim(['loadtest', 'blueprints/quantchat.yaml', '--layout', layout, '--rate', '20/s', '--duration', '5s', '--warmup', '2s', '--port-offset', String(offset), '--json']);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.code).toBe(0);
      const results = parseResults(r.stdout, 'stdout');
      expect(results).toHaveLength(1);
      const res = results[0]!;
      expect(res.run.layout).toBe(layout);
      expect(res.run.driver).toBe('embedded');
      expect(res.totals.requests).toBe(100);
      expect(res.totals.errors.total).toBe(0);
      expect(res.operations.map((o) => o.id).sort()).toEqual([...mix].sort());
      for (const o of res.operations) {
        expect(o.requests, o.id).toBeGreaterThan(0);
        expect(o.latency, o.id).not.toBeNull();
        expect(o.latency!.p50, o.id).toBeGreaterThan(0);
        expect(o.latency!.p95, o.id).toBeGreaterThanOrEqual(o.latency!.p50);
      }
      const units = resolveLayout(bp, layout).units.map((u) => u.name);
      const measured = res.processes.filter((p) => p.role === 'unit').map((p) => p.unit);
      expect(measured.sort()).toEqual([...units].sort());
      expect(res.processes.find((p) => p.unit === 'postgres')!.cpuSeconds).toBeGreaterThan(0);
      expect(res.processes.filter((p) => p.role === 'unit').reduce((s, p) => s + p.cpuSeconds, 0)).toBeGreaterThan(0);
    }, 120_000);
  }
});
