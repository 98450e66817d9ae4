// A baseline diff names a change of method layout by layout, and only for the figures a method
// computes (those at the workload rate): with a baseline at 1200/s (every layout analytic) and a
// report at 900/s where only mono's figures come from the DES, every row of edge-split and full
// said "computed another way (the reports' methods differ)", throughput rows too (the saturation
// figure is always analytic).
import { describe, expect, it } from 'vitest';
import { diffReports, layoutMethods } from '../../src/report/baseline.js';
import type { Report } from '../../src/report/schema.js';
import { layoutFixture, reportFixture } from './fixture.js';

// The method lines of /tmp/unseen4/rep_cat/report.json (1200/s) and of the 900/s report, as report/collect.ts writes them.
const APPROX = '; in mono, edge-split, full a station is revisited by one request or replicas share work by least connections, which the model approximates (the notes `archsim report` prints name each approximation and its known bound; `archsim simulate --method des` gives simulated figures)';
const AT_1200 = `Latencies and throughputs from the analytic queueing model (exact means for the M/M/c network, percentiles by a gamma approximation${APPROX}).`;
const AT_900 = `Latencies and throughputs from the analytic queueing model (exact means for the M/M/c network, percentiles by a gamma approximation${APPROX.replace('mono, edge-split, full', 'edge-split, full')}); at 900/s in mono from seeded discrete-event runs instead (a station there is revisited by one request at ρ ≥ 0.7, where the analytic revisit model is least accurate; the load curves stay analytic).`;
const PROFILE = 'Latencies and throughputs from the analytic queueing model (exact means for the M/M/c network, percentiles by a gamma approximation); in full from seeded discrete-event runs of the load profile over the workload\'s duration (its peak passes their saturation rate, which the analytic method, solved at the mean rate of 900/s, cannot show; the load curves stay analytic); fault isolation from seeded discrete-event runs of the failure scenarios.';

/** Three layouts, every figure moved: p95, utilization, the mix's and an operation's saturation. */
function report(method: string, rate: number, scale: number): Report {
  const layouts = ['mono', 'edge-split', 'full'].map((name) => {
    const l = layoutFixture(name, { p95: 14.8 * scale });
    l.stations = l.stations.map((s) => ({ ...s, utilization: s.utilization * scale }));
    l.saturation = { ...l.saturation, throughputRps: 1850 * scale };
    l.operations = l.operations.map((o) => ({ ...o, maxThroughputRps: o.maxThroughputRps! * scale }));
    return l;
  });
  return { ...reportFixture(layouts[0]!, { method, workload: { rateRps: rate, mix: { 'messages.send': 1 } } }), layouts };
}

// (the workload and method causes; the stations' utilization notes beside them are another test's)
const causesOf = (before: Report, after: Report) =>
  Object.fromEntries(diffReports(before, after).filter((c) => ['p95(messages.send)', 'utilization(auth-service)', 'throughput', 'throughput(auth.login)'].includes(c.figure)).map((c) => [`${c.layout} ${c.figure}`, c.causes.filter((x) => !x.startsWith('utilization of '))]));

describe('baseline: the method compared layout by layout', () => {
  it('only mono changed method (analytic at 1200/s → DES at 900/s): only mono\'s figures at the rate say so', () => {
    expect(causesOf(report(AT_1200, 1200, 1), report(AT_900, 900, 0.75))).toEqual({
      'mono p95(messages.send)': ['workload rate 1200/s → 900/s', 'computed another way (the analytic model → seeded discrete-event runs)'],
      'mono utilization(auth-service)': ['workload rate 1200/s → 900/s', 'computed another way (the analytic model → seeded discrete-event runs)'],
      // saturation is the analytic model's in every report: no method cause
      'mono throughput': [],
      'mono throughput(auth.login)': [],
      'edge-split p95(messages.send)': ['workload rate 1200/s → 900/s'],
      'edge-split utilization(auth-service)': ['workload rate 1200/s → 900/s'],
      'edge-split throughput': [],
      'edge-split throughput(auth.login)': [],
      'full p95(messages.send)': ['workload rate 1200/s → 900/s'],
      'full utilization(auth-service)': ['workload rate 1200/s → 900/s'],
      'full throughput': [],
      'full throughput(auth.login)': [],
    });
  });

  it('a layout from a DES of the load profile, and back; the fault-isolation clause alone is no change of method', () => {
    const c = causesOf(report(AT_900, 900, 1), report(PROFILE, 900, 2));
    expect(c['mono p95(messages.send)']).toEqual(['computed another way (seeded discrete-event runs → the analytic model)']);
    expect(c['edge-split p95(messages.send)']).toEqual([]);
    expect(c['full p95(messages.send)']).toEqual(['computed another way (the analytic model → discrete-event runs of the load profile)']);
  });

  it('a method line of another form: the whole lines compared, as before, and still not for saturation', () => {
    const c = causesOf(report('analytic', 200, 1), report('des', 200, 2));
    expect(c['edge-split p95(messages.send)']).toEqual(['computed another way (the reports’ methods differ)']);
    expect(c['edge-split throughput']).toEqual([]);
  });

  it('layoutMethods reads the method line collect.ts writes', () => {
    const m = layoutMethods(AT_900)!;
    expect(['mono', 'edge-split', 'full', 'other'].map(m)).toEqual(['des', 'analytic', 'analytic', 'analytic']);
    expect(['mono', 'full'].map(layoutMethods(PROFILE)!)).toEqual(['analytic', 'des-profile']);
    expect(layoutMethods('des')).toBeUndefined();
  });
});
