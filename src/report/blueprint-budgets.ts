// The latency budgets a blueprint writes on its operations (`budget: { p95: 150ms }`), as budgets
// the report checks beside a --budget file's: the blueprint format promises "k6 thresholds, report
// checks", and the report checked only a budget file. Each is a `pN(op) < limit` in every layout
// whose report has that operation (the k6 thresholds are `p(N)<limit` too), marked as the
// blueprint's in its text. Pure.
import type { Blueprint } from '../model/schema.js';
import type { Budget, ParsedBudgets } from './budget.js';
import type { LayoutReport } from './schema.js';

/** How a blueprint budget's text ends: the report's budgets table tells it from a file's. */
export const FROM_BLUEPRINT = '(the blueprint’s)';

const PERCENTILES = ['p50', 'p95', 'p99'] as const;

export function blueprintBudgets(bp: Blueprint, layouts: readonly LayoutReport[], file: string, locate: ParsedBudgets['locate']): ParsedBudgets {
  const budgets: Budget[] = [];
  for (const [domain, d] of Object.entries(bp.system.domains)) {
    for (const [name, op] of Object.entries(d.operations)) {
      if (!op.budget) continue;
      const id = `${domain}.${name}`;
      // Only the layouts whose report shows the operation (a public one; every layout has it,
      // but a report of a layout that routes none of it has no figure to check).
      const where = layouts.filter((l) => l.operations.some((o) => o.id === id)).map((l) => l.name);
      if (!where.length) continue;
      for (const p of PERCENTILES) {
        const ms = op.budget[p];
        if (ms === undefined) continue;
        const path = ['system', 'domains', domain, 'operations', name, 'budget', p];
        budgets.push({ text: `${p}(${id}) < ${ms}ms ${FROM_BLUEPRINT}`, figure: `${p}(${id})`, change: false, comparator: '<', limit: ms, unit: 'ms', layouts: where, path, layoutsPath: path });
      }
    }
  }
  return { file, budgets, locate };
}
