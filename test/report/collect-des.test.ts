// The report's figures where the analytic revisit model is least accurate: a revisited station at
// ρ ≥ REVISIT_DES_RHO (0.7) takes its figures at the rate from a seeded DES, and the method line and
// a note say so. Plus the path of an operation the blueprint lacks and a layout without a load
// curve. Separate from collect-exact.test.ts because the DES costs about a second.
//
// mono runs web.home (1 ms, then cart.get 0.5 ms on the same unit: app is visited twice by one
// request) and web.ping (1 ms) on one worker; at 640/s of the 3 : 1 mix its ρ is 640 × 1.375 ms =
// 0.88. The DES runs 60,000 requests in 3 replications: each measures max(20 s, 20,000 / 640 s =
// 31.25 s), 640 × 31.25 = 20,000 requests.
import { describe, expect, it } from 'vitest';
import { buildLayoutReport, pathOf } from '../../src/report/build.js';
import { collect } from '../../src/report/collect.js';
import { analyze } from '../../src/simulate/analytic.js';
import { bp } from '../simulate/helpers.js';

const MONO = bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop }
system:
  domains:
    web: { tables: [pages], operations: { home: { route: GET /, cpu: 1ms, calls: [cart.get] }, ping: { route: GET /ping, cpu: 1ms } } }
    cart: { tables: [carts], operations: { get: { internal: true, cpu: 0.5ms, db: { reads: 1 } } } }
layouts:
  mono:
    units: { app: { domains: "*", port: 8080, instance: box } }
    datastores: { pg: { engine: postgres, tables: "*", instance: box } }
workload: { rate: 20/s, mix: { web.home: 3, web.ping: 1 } }
catalog:
  box: { vcpu: 4, usdPerMonth: $10 }
`);

describe('collect near saturation of a revisited station', () => {
  it('takes the figures at the rate from the DES, and says so in a note and the method line', () => {
    const { report, notes } = collect(MONO, { file: 'shop.yaml', generator: 'test', layouts: ['mono'], rate: 640, points: 2, scenarios: [], loadtests: [] });
    expect(notes).toEqual([
      "mono at 640/s: latencies from the DES (60000 simulated requests in 3 replications, seed 1), not the analytic method: app is visited several times by one request, at ρ 0.88, near saturation, where the analytic method's revisit model is least accurate",
    ]);
    expect(report.method).toBe(
      "Latencies and throughputs from the analytic queueing model (exact means for the M/M/c network, percentiles by a gamma approximation); at 640/s in mono from seeded discrete-event runs instead (app is visited several times by one request, at ρ 0.88, near saturation, where the analytic method's revisit model is least accurate; the load curves stay analytic). Discrete-event runs for the figures at the rate: mono 60000 simulated requests in 3 replications, seed 1.",
    );
    // The run in the JSON too (it was only on stderr), right after the method line.
    expect(report.desRuns).toEqual([{ layout: 'mono', figures: 'at the rate', reason: "app is visited several times by one request, at ρ 0.88, near saturation, where the analytic method's revisit model is least accurate", requests: 60000, replications: 3, seed: 1 }]);
    expect(Object.keys(report).slice(3, 5)).toEqual(['method', 'desRuns']);
    // The DES means lie above the analytic floor of the work itself (1.5 ms, 1 ms) and below 100 ms.
    const [home, ping] = report.layouts[0]!.operations;
    expect(home!.meanMs! > 1.5 && home!.meanMs! < 100 && ping!.meanMs! > 1 && ping!.meanMs! < home!.meanMs!).toBe(true);
    // The load curve stays analytic: the axis is 1.25 × max(2 × 640, 727.27) = 1600.
    expect(report.layouts[0]!.sweep.map((p) => p.rateRps)).toEqual([800, 1600]);
  });
});

describe('build', () => {
  it('an operation the blueprint lacks has no path', () => {
    expect(pathOf(MONO, 'mono', 'web.nope')).toEqual({ hops: 0, units: [] });
    expect(pathOf(MONO, 'mono', 'web.home')).toEqual({ hops: 0, units: ['app'] });
  });

  it('a layout given without a load curve reports none', () => {
    const result = analyze(MONO, 'mono', { rate: 20 });
    const l = buildLayoutReport(MONO, { name: 'mono', result, maxThroughputByOperation: {}, faults: [], costCurve: [], lint: [] });
    expect(l.sweep).toEqual([]);
    expect(l.costCurve).toEqual([]);
    expect(l.faultIsolation).toEqual([]);
    // No throughput alone given: 0.
    expect(l.operations.map((o) => o.maxThroughputRps)).toEqual([0, 0]);
  });
});
