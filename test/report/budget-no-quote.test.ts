// A budget file is not a blueprint: its errors give the position and the kind of what is wrong,
// never the file's text (README, Security; sweep item 2: `"s3cr3t-password-123" is not a budget`,
// `layout "hunter2-password" is not in the report`). Each budget error, with a secret where the
// file's text would be quoted (hostile).
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { evaluateBudgets, parseBudgets } from '../../src/report/budget.js';
import { layoutFixture } from './fixture.js';

const SECRET = 's3cr3tPW';

function errorsOf(text: string, baseline = false): string[] {
  const p = parseBudgets(text, 'b.yaml');
  if (!p.ok) return p.errors.map(formatDiagnostic);
  const e = evaluateBudgets(p.value, [layoutFixture()], baseline ? [] : undefined);
  return e.ok ? [] : e.errors.map(formatDiagnostic);
}

describe('budget errors never quote the budget file', () => {
  const cases: [string, string, string][] = [
    ['not a budget', `budgets:\n  - "${SECRET}"\n`, 'b.yaml:2:5: budgets[0]: not a budget; write FIGURE OP VALUE, e.g. "p95(messages.send) < 150ms" or "cost.monthly < 200 USD"'],
    ['an unknown figure', `budgets:\n  - ${SECRET} < 3\n`, 'b.yaml:2:5: budgets[0]: unknown figure; figures: cost.monthly, cost.perMillion, throughput, mean, p50, p95, p99, hops, utilization, replicas, success, lint.errors, lint.warnings'],
    ['a negative limit', `budgets:\n  - p95(${SECRET}) < -5ms\n`, 'b.yaml:2:5: budgets[0]: the limit is below 0, and p95 never is; write a limit of 0 or more (a negative limit is for change.* budgets, e.g. "change.p95(…) < -5%")'],
    ['an operation the layout does not have', `budgets:\n  - p95(${SECRET}) < 5ms\n`, 'b.yaml:2:5: budgets[0]: layout "microservices" has no such figure'],
    ['a file-wide layout not in the report', `layout: ${SECRET}\nbudgets:\n  - lint.errors == 0\n`, 'b.yaml:1:9: layout: not a layout of the report; report layouts: microservices'],
    ['an entry’s layout not in the report', `budgets:\n  - { check: "lint.errors == 0", layout: ${SECRET} }\n`, 'b.yaml:2:42: budgets[0].layout: not a layout of the report; report layouts: microservices'],
    ['an unknown key', `budgets:\n  - lint.errors == 0\n${SECRET}: 1\n`, 'b.yaml:3:1: unknown key (this mapping takes "layout", "budgets")'],
    ['a value of the wrong kind', `budgets: ${SECRET}\n`, 'b.yaml:1:10: budgets: expected array, got a string'],
  ];
  for (const [what, text, message] of cases) {
    it(`${what}: position and kind only`, () => {
      const errors = errorsOf(text);
      expect(errors).toEqual([message]);
      expect(errors.join('\n')).not.toContain(SECRET);
    });
  }

  it('a change.* budget without a baseline: the line is not echoed', () => {
    const errors = errorsOf(`budgets:\n  - change.p95(${SECRET}) < 5%\n`);
    expect(errors).toEqual(['b.yaml:2:5: budgets[0]: change.* budgets need --baseline']);
  });
});
