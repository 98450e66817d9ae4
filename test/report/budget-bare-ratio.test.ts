// A bare number on a utilization or success budget: `utilization(orders-db) < 1` was read as 100%
// and `< 1.5` as 1.5% (a bare number past 1 taken for a percentage, one up to 1 for a fraction),
// so a budget file meant what the reader had to guess. Now a limit with % is a percentage, a bare
// one is the fraction itself (0 to 1; for a change, −1 to 1), anything else is refused at its
// place (exit 2), and the budgets table says which percentage a bare limit was read as.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { evaluateBudgets, formatLimit, parseBudgets } from '../../src/report/budget.js';
import { layoutFixture } from './fixture.js';
import { report } from './in-process-cli.js';
import { SAME } from './same-layouts.js';

const file = (lines: string[]) => `budgets:\n${lines.map((l) => `  - "${l}"`).join('\n')}\n`;

describe('a bare limit on a ratio is a fraction', () => {
  it('up to 1: read as the fraction, 1 as 100%, compared at both sides of it (message-service at 21%)', () => {
    const parsed = parseBudgets(file(['utilization(message-service) < 1', 'utilization(message-service) <= 0.21', 'utilization(message-service) < 0.21', 'utilization(message-service) > 0', 'utilization(message-service) < 1%', 'utilization(message-service) < 21.5%']), 'b.yaml');
    if (!parsed.ok) throw new Error(parsed.errors.map(formatDiagnostic).join('\n'));
    const r = evaluateBudgets(parsed.value, [layoutFixture()], undefined);
    if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
    expect(r.results.map((x) => [x.limit, x.pass, formatLimit(x)])).toEqual([
      [1, true, '< 100%'],
      [0.21, true, '<= 21%'],
      [0.21, false, '< 21%'],
      [0, true, '> 0%'],
      [0.01, false, '< 1%'],
      [0.215, true, '< 21.5%'],
    ]);
  });

  it('past 1 (or below −1 for a change): refused at its place, saying to write a % or the fraction, never quoting the file', () => {
    const r = parseBudgets(
      file(['utilization(message-service) < 1.5', 'utilization(message-service) < 1.0000001', 'success(db-down:messages.send) >= 90', 'change.utilization(message-service) < 1.5', 'change.success(db-down:messages.send) > -2', 'utilization(message-service) < 1.5%', 'change.utilization(message-service) < -1', 'change.utilization(message-service) < 150%']),
      'b.yaml',
    );
    expect(r.ok ? [] : r.errors.map(formatDiagnostic)).toEqual([
      'b.yaml:2:5: budgets[0]: a limit on utilization without % is a fraction from 0 to 1; write a percentage with %, e.g. "utilization(…) < 80%", or the fraction, e.g. "utilization(…) < 0.8"',
      'b.yaml:3:5: budgets[1]: a limit on utilization without % is a fraction from 0 to 1; write a percentage with %, e.g. "utilization(…) < 80%", or the fraction, e.g. "utilization(…) < 0.8"',
      'b.yaml:4:5: budgets[2]: a limit on success without % is a fraction from 0 to 1; write a percentage with %, e.g. "success(…) < 80%", or the fraction, e.g. "success(…) < 0.8"',
      'b.yaml:5:5: budgets[3]: a limit on change.utilization without % is a change of the fraction, from -1 to 1 (0.05 is 5 percentage points); write e.g. "change.utilization(…) < 0.05", or a relative change with %, e.g. "change.utilization(…) < 10%"',
      'b.yaml:6:5: budgets[4]: a limit on change.success without % is a change of the fraction, from -1 to 1 (0.05 is 5 percentage points); write e.g. "change.success(…) < 0.05", or a relative change with %, e.g. "change.success(…) < 10%"',
    ]);
  });

  it('through the CLI: a bare 1.5 is exit 2 in one positioned line; bare 1 and 0.5 pass with the table saying 100% and 50%', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-budget-bare-'));
    writeFileSync(join(dir, 'same.yaml'), SAME);
    writeFileSync(join(dir, 'bad.yaml'), 'layout: alpha\nbudgets:\n  - utilization(orders-db) < 1\n  - utilization(orders-db) < 1.5\n');
    const bad = await report([join(dir, 'same.yaml'), '--layouts', 'alpha', '--budget', join(dir, 'bad.yaml'), '--no-faults', '--format', 'md']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe(`${join(dir, 'bad.yaml')}:4:5: budgets[1]: a limit on utilization without % is a fraction from 0 to 1; write a percentage with %, e.g. "utilization(…) < 80%", or the fraction, e.g. "utilization(…) < 0.8"\n`);
    writeFileSync(join(dir, 'good.yaml'), 'layout: alpha\nbudgets:\n  - utilization(orders-db) < 1\n  - utilization(orders-db) < 0.5\n  - utilization(orders-db) < 0.12\n  - utilization(orders-db) < 20%\n');
    const good = await report([join(dir, 'same.yaml'), '--layouts', 'alpha', '--budget', join(dir, 'good.yaml'), '--no-faults', '--format', 'md']);
    expect(good.code).toBe(1);
    expect(good.stdout).toContain(
      [
        '| ✅ | `utilization(orders-db) < 1` (read as < 100%) | alpha | 12.2% |',
        '| ✅ | `utilization(orders-db) < 0.5` (read as < 50%) | alpha | 12.2% |',
        '| ❌ | `utilization(orders-db) < 0.12` (read as < 12%) | alpha | 12.2% |',
        '| ✅ | `utilization(orders-db) < 20%` | alpha | 12.2% |',
      ].join('\n'),
    );
  });
});
