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
