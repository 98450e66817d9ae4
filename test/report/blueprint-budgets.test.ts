// The blueprint's own operation budgets (`budget: { p95: … }`) are checked by the report, as the
// blueprint format promises ("k6 thresholds, report checks"); it checked only a --budget file.
// One M/M/1-like unit: web.page (2 ms of CPU on 1 worker, 100/s: ρ 0.2) has a p95 a few ms;
// its budget of 1 ms breaks, web.ok's of 1 s holds, web.none has none.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';
import { parseBudgets } from '../../src/report/budget.js';
import { runReport } from '../../src/report/run.js';
import { report } from './in-process-cli.js';

const TEXT = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: budgets }
system:
  domains:
    web:
      operations:
        page: { route: GET /page, cpu: 2ms, budget: { p50: 1s, p95: 1ms } }
        ok: { route: GET /ok, cpu: 1ms, budget: { p99: 1s } }
        none: { route: GET /none, cpu: 1ms }
layouts:
  one: { units: { app: { domains: "*", port: 8000, instance: vm } } }
workload: { rate: 100/s, mix: { web.page: 1, web.ok: 1, web.none: 1 } }
catalog:
  vm: { vcpu: 1, usdPerMonth: $5 }
`;

function blueprint() {
  const r = parseBlueprint(TEXT, 'budgets.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.blueprint;
}

describe('the blueprint’s operation budgets in a report', () => {
  it('each percentile a budget of its own, in every layout, the broken one listed as broken', () => {
    const run = runReport(blueprint(), { file: 'budgets.yaml', generator: 't', layouts: ['one'], scenarios: [], loadtests: [] });
    const b = run.report.budgets!;
    expect(b.file).toBe('budgets.yaml');
    expect(b.passed).toBe(false);
    expect(b.results.map((x) => [x.budget, x.layout, x.figure, x.comparator, x.limit, x.unit, x.pass])).toEqual([
      ['p50(web.page) < 1000ms (the blueprint’s)', 'one', 'p50(web.page)', '<', 1000, 'ms', true],
      ['p95(web.page) < 1ms (the blueprint’s)', 'one', 'p95(web.page)', '<', 1, 'ms', false],
      ['p99(web.ok) < 1000ms (the blueprint’s)', 'one', 'p99(web.ok)', '<', 1000, 'ms', true],
    ]);
    // the value is the figure the verdict was judged on, the exact one (12 significant digits),
    // which the report shows rounded to 3 decimals
    const p95 = run.report.layouts[0]!.operations.find((o) => o.id === 'web.page')!.p95Ms!;
    expect(b.results[1]!.value).toBe(6.51587422691);
    expect(p95).toBe(6.516);
    expect(p95).toBeGreaterThan(2);
    expect(run.broken.map((x) => x.figure)).toEqual(['p95(web.page)']);
  });

  it('beside a --budget file’s, after them, in one table', () => {
    const parsed = parseBudgets('budgets:\n  - cost.monthly < 100 USD\n', 'budget.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const run = runReport(blueprint(), { file: 'budgets.yaml', generator: 't', layouts: ['one'], scenarios: [], loadtests: [], budgets: { file: 'budget.yaml', parsed: parsed.value } });
    expect(run.report.budgets!.file).toBe('budget.yaml, budgets.yaml');
    expect(run.report.budgets!.results.map((x) => x.budget)).toEqual(['cost.monthly < 100 USD', 'p50(web.page) < 1000ms (the blueprint’s)', 'p95(web.page) < 1ms (the blueprint’s)', 'p99(web.ok) < 1000ms (the blueprint’s)']);
  });

  it('an internal operation’s budget (no route, so no figure in any layout) is not checked, and breaks nothing', () => {
    const internal = parseOk(TEXT.replace('none: { route: GET /none, cpu: 1ms }', 'none: { route: GET /none, cpu: 1ms, calls: [web.inner] }\n        inner: { internal: true, cpu: 1ms, budget: { p95: 1ms } }'));
    const run = runReport(internal, { file: 'b.yaml', generator: 't', layouts: ['one'], scenarios: [], loadtests: [] });
    expect(run.report.budgets!.results.map((x) => x.figure)).toEqual(['p50(web.page)', 'p95(web.page)', 'p99(web.ok)']);
  });

  it('a blueprint without operation budgets has no budget table', () => {
    const run = runReport(parseOk(TEXT.replace(/, budget: \{[^}]*\}/g, '')), { file: 'b.yaml', generator: 't', layouts: ['one'], scenarios: [], loadtests: [] });
    expect(run.report.budgets).toBeNull();
  });

  it('the CLI says the broken one and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-bb-'));
    const file = join(dir, 'budgets.yaml');
    writeFileSync(file, TEXT);
    const r = await report([file, '--no-faults', '--format', 'md']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^archsim: budget broken: p95\(web\.page\) < 1ms \(the blueprint’s\) in one: value \d+(\.\d+)? ms \(limit < 1 ms\)$/m);
    expect(r.stdout).toContain('| ❌ | `p95(web.page) < 1ms (the blueprint’s)` | one |');
  });
});

function parseOk(text: string) {
  const r = parseBlueprint(text, 'b.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.blueprint;
}
