// The planner's shortcuts (issue "plan < 1 s"): each gives exactly what the long way gives, so
// the plan's output did not change when they came in. Resolution shared between derived
// blueprints, a compile of the mix's operations
// only, the shared-datastore rule alone, a solve limited to one operation.
import { describe, expect, it } from 'vitest';
import { loadBlueprint } from '../../src/io/load.js';
import { lint, sharedDatastoreLint } from '../../src/model/lint.js';
import { resolveBlueprint } from '../../src/model/resolve.js';
import { analyze, latencyQuantile, solve } from '../../src/simulate/analytic.js';
import { compile } from '../../src/simulate/compile.js';
import { opDemands } from '../../src/simulate/demand.js';
import { plan } from '../../src/plan/index.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const qc = loadBlueprint(`${ROOT}blueprints/quantchat.yaml`).blueprint;

describe('planner shortcuts give the long way’s answers', () => {
  it('a derived blueprint reuses the resolution of the layouts it shares, and resolves a changed one anew', () => {
    const a = resolveBlueprint(qc).layout('microservices');
    const derived = { ...qc, layouts: { ...qc.layouts } };
    expect(resolveBlueprint(derived).layout('microservices')).toBe(a);
    const changed = structuredClone(qc.layouts.microservices!);
    changed.units['relay-service']!.port = 9999;
    const other = { ...qc, layouts: { ...qc.layouts, microservices: changed } };
    const r = resolveBlueprint(other).layout('microservices');
    expect(r).not.toBe(a);
    expect(r.units.find((u) => u.name === 'relay-service')!.port).toBe(9999);
    expect(a.units.find((u) => u.name === 'relay-service')!.port).not.toBe(9999);
    // The same layout object under two names is two resolutions (the name is part of it).
    const twice = { ...qc, layouts: { ...qc.layouts, copy: qc.layouts.microservices! } };
    expect(resolveBlueprint(twice).layout('copy').name).toBe('copy');
    expect(resolveBlueprint(twice).layout('microservices')).toBe(a);
  });

  it('the analytic percentiles are the solver’s, and serialize like plain numbers', () => {
    const r = analyze(qc, 'microservices');
    const c = compile(qc, 'microservices');
    const sol = solve(c, opDemands(c), r.workload.mix, r.workload.rate!);
    for (const op of r.operations) {
      const s = sol.ops.find((x) => x.id === op.id)!;
      expect(op.latency.p95).toBe(latencyQuantile(s, 0.95));
      expect(op.latency.p50).toBe(latencyQuantile(s, 0.5));
      expect(op.latency.max).toBe(latencyQuantile(s, 0.999));
    }
    const json = JSON.parse(JSON.stringify(r.operations[0]!.latency)) as Record<string, number>;
    expect(Object.keys(json)).toEqual(['mean', 'p50', 'p90', 'p95', 'p99', 'max']);
    expect(json.p99).toBe(r.operations[0]!.latency.p99);
    expect(structuredClone(r.operations[0]!.latency)).toEqual(json);
  });

  it('compiling the mix’s operations only gives the same analytic figures', () => {
    for (const layout of ['monolith', 'microservices']) {
      const full = analyze(qc, layout);
      const some = analyze(qc, layout, { compiled: compile(qc, layout, { entries: Object.keys(qc.workload!.mix) }) });
      expect(JSON.parse(JSON.stringify(some.operations))).toEqual(JSON.parse(JSON.stringify(full.operations)));
      expect(some.stations).toEqual(full.stations);
      expect(some.saturationThroughput).toBe(full.saturationThroughput);
    }
    const c = compile(qc, 'microservices', { entries: ['messages.send'] });
    expect([...c.entry.keys()]).toEqual(['messages.send']);
  });

  it('a solve limited to one operation gives that operation’s figures and the same stations', () => {
    const c = compile(qc, 'microservices');
    const d = opDemands(c);
    const all = solve(c, d, qc.workload!.mix, 150);
    const one = solve(c, d, qc.workload!.mix, 150, { only: ['messages.send'] });
    expect(one.ops).toEqual([all.ops.find((o) => o.id === 'messages.send')]);
    expect(one.stations).toEqual(all.stations);
  });

  it('the shared-datastore rule alone lists what lint lists for it', () => {
    let seen = 0;
    for (const name of Object.keys(qc.layouts)) {
      const expected = lint(qc, name).filter((f) => f.rule === 'shared-datastore');
      seen += expected.length;
      expect(sharedDatastoreLint(qc, name)).toEqual(expected);
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('the plan is deterministic across runs in one process (shared resolutions carry no state between plans)', () => {
    const a = JSON.stringify(plan(qc, { from: 'monolith', to: 'microservices', start: '2026-01-05', growth: 0.15 }));
    const b = JSON.stringify(plan(qc, { from: 'monolith', to: 'microservices', start: '2026-01-05', growth: 0.15 }));
    expect(b).toBe(a);
  });
});
