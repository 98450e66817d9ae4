// The cost per million requests is the monthly bill over a month of requests at the report's
// rate, in every layout. saas's monolith takes its figures at 300/s from the DES (a revisited
// station near saturation), which measured 300.98/s: its cost per million was priced at that
// rate ($0.4564) while the analytic sharded layout's was at 300/s exactly.
import { describe, expect, it } from 'vitest';
import { loadBlueprint } from '../../src/io/load.js';
import { runReport } from '../../src/report/run.js';
import { HOURS_PER_MONTH } from '../../src/simulate/cost.js';

describe('cost per million requests', () => {
  it("is priced at the report's rate in a DES-measured layout as in an analytic one", () => {
    const { blueprint } = loadBlueprint('test/report/fixtures/saas.yaml');
    const run = runReport(blueprint, { file: 'saas.yaml', generator: 'archsim test', layouts: ['monolith', 'sharded'], scenarios: [], loadtests: [] });
    const r = run.report;
    expect(r.workload.rateRps).toBe(300);
    // the monolith's figures are the DES's (the method line says so)
    expect(r.method).toContain('at 300/s in monolith from seeded discrete-event runs instead');
    expect(HOURS_PER_MONTH).toBe(730);
    expect(r.layouts.map((l) => [l.name, l.cost.monthlyUsd, l.cost.perMillionRequestsUsd])).toEqual([
      // 361 / (300 × 730 × 3600) × 1e6 = 0.45789…; 1865 / 788.4 = 2.36555…
      ['monolith', 361, 0.4579],
      ['sharded', 1865, 2.3656],
    ]);
  });
});
