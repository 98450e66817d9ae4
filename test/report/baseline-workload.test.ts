// A baseline taken at another workload (rate, mix) or by another method: the figures it moves say
// so first. Before, a report at 400/s against a baseline at 200/s showed every latency up with no
// cause at all, or with an unrelated structural change (a replica count elsewhere) as its cause.
import { describe, expect, it } from 'vitest';
import { diffReports } from '../../src/report/baseline.js';
import type { LayoutReport, Report } from '../../src/report/schema.js';
import { layoutFixture, reportFixture } from './fixture.js';

const report = (l: LayoutReport, workload: Report['workload'], method = 'analytic'): Report => reportFixture(l, { workload, method });

/** The fixture with every workload-dependent figure moved, and the ones that are not kept. */
function busier(): LayoutReport {
  const l = layoutFixture();
  l.operations = l.operations.map((o) => ({ ...o, p95Ms: o.p95Ms! * 2, maxThroughputRps: o.maxThroughputRps! + 1 }));
  l.stations = l.stations.map((s) => ({ ...s, utilization: s.utilization * 2 }));
  l.saturation = { ...l.saturation, throughputRps: 1700 };
  l.cost = { ...l.cost, perMillionRequestsUsd: 0.1659, monthlyUsd: 173 };
  return l;
}
const causes = (changes: ReturnType<typeof diffReports>, figure: string) => changes.find((c) => c.figure === figure)?.causes;
const MIX = { 'messages.send': 0.5, 'auth.login': 0.5 };

describe('a baseline at another workload or by another method', () => {
  it('the rate: every latency, utilization and the cost per million requests name it; an operation’s own maximum and the monthly cost do not', () => {
    const d = diffReports(report(layoutFixture(), { rateRps: 200, mix: MIX }), report(busier(), { rateRps: 400, mix: MIX }));
    // then the station on its path whose utilization changed most (message-service +21 pp, not auth-service +12 pp: one station, the one that explains it)
    expect(causes(d, 'p95(messages.send)')).toEqual(['workload rate 200/s → 400/s', 'utilization of message-service 21% → 42%']);
    expect(causes(d, 'utilization(auth-service)')).toEqual(['workload rate 200/s → 400/s']);
    expect(causes(d, 'cost.perMillion')).toEqual(['workload rate 200/s → 400/s']);
    expect(causes(d, 'throughput')).toEqual([]); // the mix's saturation: the same mix
    // no rate, and no utilization either: doubled by the rate, it says nothing of the work that limits the operation
    expect(causes(d, 'throughput(auth.login)')).toEqual([]);
    expect(causes(d, 'cost.monthly')).toEqual([]);
  });

  it('the mix: each share that moved, three at most, the rest counted; the saturation throughput names it too', () => {
    const before = { 'messages.send': 0.4, 'auth.login': 0.3, 'auth.me': 0.2, 'users.get': 0.1 };
    const after = { 'messages.send': 0.1, 'auth.login': 0.2, 'auth.me': 0.3, 'users.search': 0.4 };
    const d = diffReports(report(layoutFixture(), { rateRps: 200, mix: before }), report(busier(), { rateRps: 200, mix: after }));
    const line = 'workload mix: messages.send 40% → 10%, auth.login 30% → 20%, auth.me 20% → 30% and 2 more';
    expect(causes(d, 'p95(auth.login)')).toEqual([line, 'utilization of auth-service 12% → 24%']);
    expect(causes(d, 'throughput')).toEqual([line]);
    expect(causes(d, 'cost.perMillion')).toEqual([]);
  });

  it('the method, and all three before any structural cause', () => {
    const b = layoutFixture();
    const a = { ...busier(), structure: { ...busier().structure, units: busier().structure.units.map((u) => (u.name === 'auth-service' ? { ...u, replicas: 3 } : u)) } };
    const d = diffReports(report(b, { rateRps: 200, mix: MIX }), report(a, { rateRps: 300, mix: { 'messages.send': 1 } }, 'des'));
    expect(causes(d, 'p95(auth.login)')).toEqual(['workload rate 200/s → 300/s', 'workload mix: messages.send 50% → 100%, auth.login 50% → 0%', 'computed another way (the reports’ methods differ)', 'auth-service replicas 2 → 3', 'utilization of auth-service 12% → 24%']);
    // an operation's saturation is the analytic model's whatever the method at the rate: no method cause
    // nor a utilization at another rate, mix and method
    expect(causes(d, 'throughput(auth.login)')).toEqual(['auth-service replicas 2 → 3']);
  });

  it('the same workload and method add nothing', () => {
    const d = diffReports(report(layoutFixture(), { rateRps: 200, mix: MIX }), report(busier(), { rateRps: 200, mix: { ...MIX } }));
    expect(causes(d, 'p95(messages.send)')).toEqual(['utilization of message-service 21% → 42%']);
  });

  it('hostile operation names in a baseline’s mix are names: "constructor" is a share like any other', () => {
    const d = diffReports(report(layoutFixture(), { rateRps: 200, mix: JSON.parse('{"constructor": 0.5, "messages.send": 0.5}') }), report(busier(), { rateRps: 200, mix: { 'messages.send': 1 } }));
    expect(causes(d, 'p95(auth.login)')![0]).toBe('workload mix: constructor 50% → 0%, messages.send 50% → 100%');
  });
});
