import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { diffReports, parseBaseline } from '../../src/report/baseline.js';
import type { Report } from '../../src/report/schema.js';
import { layoutFixture } from './fixture.js';

const report = (l: ReturnType<typeof layoutFixture>): Report => ({
  schemaVersion: 1,
  generator: 'archsim test',
  blueprint: { name: 'q', title: 'Q', file: 'q.yaml' },
  method: 'analytic',
  workload: { rateRps: 200, mix: { 'messages.send': 1 } },
  layouts: [l],
  checklist: null,
  loadtests: [],
  baseline: null,
  budgets: null,
  summary: '',
});

describe('baseline diffs', () => {
  it('lists each changed figure with its delta and cause, and nothing else', () => {
    const before = report(layoutFixture());
    const after = report(layoutFixture('microservices', { replicas: 4, hops: 4, p95: 16.8, cost: 178 }));
    const changes = diffReports(before, after);
    expect(changes.map((c) => c.text)).toEqual([
      'cost.monthly +$6 (+3.5%)',
      'p95(messages.send) +2 ms (+13.5%)',
      'hops(messages.send) +1 (+33.3%)',
      'replicas(message-service) +1 (+33.3%)',
    ]);
    expect(changes[0]!.causes).toEqual(['message-service replicas 3 → 4']);
    expect(changes[1]!.causes).toEqual(['messages.send: 1 network hop added (3 → 4)', 'message-service replicas 3 → 4']);
  });

  it('reads a baseline with positioned errors', () => {
    const r = parseBaseline('{\n  "schemaVersion": 1,\n  "generator": 3\n}\n', 'old.json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(formatDiagnostic(r.errors[0]!)).toMatch(/^old\.json:\d+:\d+: /);
    const ok = parseBaseline(JSON.stringify(report(layoutFixture())), 'old.json');
    expect(ok.ok).toBe(true);
  });
});

describe('baseline removals', () => {
  it('lists every figure of a removed operation and unit as "… is gone", with no after value', () => {
    const before = report(layoutFixture());
    const l = layoutFixture();
    l.operations = l.operations.filter((o) => o.id !== 'auth.login');
    l.structure.units = l.structure.units.filter((u) => u.name !== 'auth-service');
    l.stations = l.stations.filter((s) => s.id !== 'auth-service');
    const changes = diffReports(before, report(l));
    expect(changes.map((c) => c.text)).toEqual([
      'mean(auth.login) is gone',
      'p50(auth.login) is gone',
      'p95(auth.login) is gone',
      'p99(auth.login) is gone',
      'throughput(auth.login) is gone',
      'hops(auth.login) is gone',
      'utilization(auth-service) is gone',
      'replicas(auth-service) is gone',
    ]);
    expect(changes.find((c) => c.figure === 'p95(auth.login)')).toEqual({
      layout: 'microservices',
      figure: 'p95(auth.login)',
      before: 10.2,
      after: null,
      delta: null,
      pct: null,
      unit: 'ms',
      text: 'p95(auth.login) is gone',
      causes: ['unit auth-service removed'],
    });
    expect(changes.find((c) => c.figure === 'replicas(auth-service)')!.causes).toEqual(['unit auth-service removed']);
  });

  it('names a layout that is gone and one that is new', () => {
    const changes = diffReports(report(layoutFixture('monolith')), report(layoutFixture('microservices')));
    expect(changes.map((c) => c.text)).toEqual(['layout microservices added', 'layout monolith removed']);
    expect(changes.map((c) => c.layout)).toEqual(['microservices', 'monolith']);
  });
});
