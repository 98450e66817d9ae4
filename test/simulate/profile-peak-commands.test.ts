// A load profile whose peak passes a layout's saturation rate, in the commands that show figures
// at one rate: compare, report and plan. The analytic method solves the profile's mean rate and
// shows no queue, so compare and report take that layout's figures from a DES of the profile over
// the workload's duration (saturated by the backlog its peak built) and say so; plan's phases
// carry the peak warning. A layout whose saturation the peak stays under keeps analytic figures.
//
// one: web at 1.05 ms of CPU per request of the mix on 2 × 2 servers → 952/s; big: 4 × 2 → 1905/s.
// The spike goes from 50/s to 1200/s for 10 s of 60 s (mean 241.67/s).
import { describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';
import type { Blueprint } from '../../src/model/schema.js';
import { plan } from '../../src/plan/index.js';
import { evaluateBudgets, parseBudgets } from '../../src/report/budget.js';
import { collect } from '../../src/report/collect.js';
import { compare } from '../../src/simulate/compare.js';

function blueprint(): Blueprint {
  const text = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: profiles }
system:
  domains:
    web:
      tables: [pages]
      operations:
        page: { route: GET /, cpu: 4ms, db: { reads: 1 } }
        post: { route: POST /, cpu: 6ms, db: { writes: 2 } }
layouts:
  one:
    units:
      web: { domains: "*", port: 80, instance: c2, workers: 2, replicas: 2 }
    datastores:
      db: { engine: postgres, instance: c2, tables: "*" }
  big:
    units:
      web: { domains: "*", port: 80, instance: c2, workers: 2, replicas: 4 }
    datastores:
      db: { engine: postgres, instance: c2, tables: "*" }
workload:
  profile: { kind: spike, base: 50/s, peak: 1200/s, at: 20s, for: 10s }
  duration: 60s
  mix: { web.page: 9, web.post: 1 }
catalog:
  c2: { vcpu: 2, usdPerMonth: $20 }
`;
  const r = parseBlueprint(text, 'profiles.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.blueprint;
}

const PEAK_WARNING =
  "the load profile peaks at 1200/s, above the saturation rate of 952/s for 10 s of the 60 s run: requests queue during the peak (a line of about 2500 requests at its height, by the arrival rate less the saturation rate) and wait for it to drain, far longer than at the profile's mean rate of 242/s";
const DES_NOTE = /^one: latencies from the DES running the load profile over the workload's 60 s \(\d+ simulated requests in 3 replications, seed 1\), not the analytic method's at the profile's mean rate of 241\.67\/s, which show no queue: (.*)$/;

// Each figure is computed inside the test that checks it, never in a describe's body: a mutation
// run attributes code run while the file is collected to no test, so the checks below would never
// run against a mutant of compare's or collect's profile handling.
describe('compare under a load profile that peaks past saturation', () => {
  const bp = blueprint();

  it('takes the layout past saturation at the peak from a DES of the profile, saturated by its backlog, and says why', () => {
    const c = compare(bp, ['one', 'big']);
    const [one, big] = c.atRate;
    expect(one!.method).toBe('des');
    expect(one!.workload.profile).toEqual({ kind: 'spike', base: 50, peak: 1200, at: 20_000, for: 10_000 });
    expect(one!.saturated).toEqual({ station: 'web', utilization: 1.26, by: 'backlog' });
    // The queue of ~2,500 requests drains at ~950/s: p95 of the run is hundreds of ms, where the mean rate's is ~6 ms.
    expect(c.operations.find((o) => o.id === 'web.page')!.p95.one).toBeGreaterThan(300);
    const note = c.notes.find((n) => DES_NOTE.test(n));
    expect(note && DES_NOTE.exec(note)![1]).toBe(PEAK_WARNING);
    expect(c.notes).toContain('one at 241.67/s: unstable: web is saturated (ρ=1.26); latencies are unbounded');
    // big saturates at 1905/s, above the peak: analytic at the mean rate, no DES, no overload note
    expect(big!.method).toBe('analytic');
    expect(big!.saturated).toBeUndefined();
    expect(c.notes.filter((n) => n.startsWith('big') && /saturated|load profile|latencies from the DES/.test(n))).toEqual([]);
    expect(c.operations.find((o) => o.id === 'web.page')!.p95.big).toBeLessThan(20);
  });

  it('a --rate replaces the profile: analytic figures at that constant rate, no peak', () => {
    const r = compare(bp, ['one'], { rate: 241 });
    expect(r.atRate[0]!.method).toBe('analytic');
    expect(r.atRate[0]!.workload.profile).toBeUndefined();
    expect(r.notes.some((n) => n.includes('the load profile peaks'))).toBe(false);
  });
});

describe('report under the same profile', () => {
  const bp = blueprint();
  const collected = () => collect(bp, { file: 'profiles.yaml', generator: 'test', layouts: ['one', 'big'], points: 2, scenarios: [], loadtests: [] });

  it('the figures at the rate of the layout past saturation are the DES run of the profile, named in a note and the method line', () => {
    const { report, notes } = collected();
    expect(notes.filter((n) => DES_NOTE.test(n))).toHaveLength(1);
    expect(report.method).toContain("; in one from seeded discrete-event runs of the load profile over the workload's duration (its peak passes their saturation rate, which the analytic method, solved at the mean rate of 241.67/s, cannot show; the load curves stay analytic)");
    expect(report.method).not.toContain('revisited by one request at');
  });

  it('so a p95 budget breaks where the peak saturates the layout, and holds where it does not', () => {
    const { report } = collected();
    const parsed = parseBudgets('budgets:\n  - p95(web.page) < 50ms\n', 'budget.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const r = evaluateBudgets(parsed.value, report.layouts, undefined);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.results.map((x) => [x.layout, x.pass])).toEqual([
      ['one', false],
      ['big', true],
    ]);
  });
});

describe('plan under the same profile', () => {
  it('each phase whose saturation the peak passes carries the peak warning; the others do not', () => {
    const { plan: p } = plan(blueprint(), { from: 'one', to: 'big', start: '2026-01-05' });
    expect(p.phases[0]!.layout).toBe('one');
    expect(p.phases[0]!.notes).toContain(PEAK_WARNING);
    for (const ph of p.phases.slice(1)) expect(ph.notes.some((n) => n.includes('the load profile peaks'))).toBe(false);
  });
});
