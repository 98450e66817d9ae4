// Budgets: limits CI enforces on a report's figures, written as one line each:
//
//   layout: microservices            # optional: which layout(s) budgets apply to (default: all)
//   budgets:
//     - p95(messages.send) < 150ms
//     - cost.monthly < 200 USD
//     - throughput(auth.login) > 1000/s
//     - lint.errors == 0
//     - change.cost.monthly < 20%     # against --baseline
//     - { check: "p99(auth.login) < 300ms", layout: monolith }
//
// Parsing is positioned (file:line:col); evaluation is pure. A budget file is not a blueprint: an
// error gives the position and the kind of what is wrong, never the file's text (a line, a name, a
// value: README, Security). Names it shows are the report's own (its layouts, its figures).
import { z } from 'zod';
import { didYouMean, type Diagnostic } from '../model/diagnostics.js';
import { diagnostic, parseYamlWith, type Locator } from '../model/positioned.js';
import { exactChangePct } from './baseline.js';
import { budgetDigits, exactFiguresOf, figuresOf, formatDelta, formatFigure, unmeasuredSuccessFigures, type FigureUnit } from './figures.js';
import type { BudgetResult, Change, LayoutReport } from './schema.js';

export const BudgetFile = z.strictObject({
  layout: z.union([z.string(), z.array(z.string())]).optional(),
  budgets: z.array(z.union([z.string(), z.strictObject({ check: z.string(), layout: z.union([z.string(), z.array(z.string())]).optional() })])).min(1),
});

const FAMILIES = ['cost.monthly', 'cost.perMillion', 'throughput', 'mean', 'p50', 'p95', 'p99', 'hops', 'utilization', 'replicas', 'success', 'lint.errors', 'lint.warnings'];
const WITH_ARG = new Set(['mean', 'p50', 'p95', 'p99', 'hops', 'utilization', 'replicas', 'success']);
/** Latencies: a limit on one is written with its unit (ms, s or us), never bare. */
const LATENCY_FAMILIES = new Set(['mean', 'p50', 'p95', 'p99']);
/** The unit of each family's figures (figures.ts figuresOf): a limit in another is wrong whatever the layout. */
const FAMILY_UNIT: Record<string, FigureUnit> = {
  'cost.monthly': 'USD',
  'cost.perMillion': 'USD',
  throughput: '/s',
  mean: 'ms',
  p50: 'ms',
  p95: 'ms',
  p99: 'ms',
  hops: 'hops',
  utilization: 'ratio',
  replicas: 'replicas',
  success: 'ratio',
  'lint.errors': 'count',
  'lint.warnings': 'count',
};
/** Figures that are fractions (shown in %): a bare limit on one is a fraction, from 0 to 1. */
const RATIO_FAMILIES = new Set(['utilization', 'success']);
const COMPARATORS = ['<=', '>=', '==', '!=', '<', '>'] as const;
type Comparator = (typeof COMPARATORS)[number];

export interface Budget {
  text: string;
  /** The figure name, e.g. "p95(messages.send)" or "cost.monthly". */
  figure: string;
  /** True for change.<figure>: compared against the baseline. */
  change: boolean;
  comparator: Comparator;
  limit: number;
  /** The limit's unit as written: 'ms', 'USD', '/s', '%', or '' for a bare number. */
  unit: string;
  layouts: string[] | undefined;
  path: (string | number)[];
  /** where `layouts` was written: the entry's own `layout:`, or the file's (one place for every budget) */
  layoutsPath: (string | number)[];
}

export interface ParsedBudgets {
  file: string;
  budgets: Budget[];
  locate: Locator;
}

const EXPR = /^\s*(change\.)?([a-zA-Z][\w.]*)(?:\(\s*([^)]+?)\s*\))?\s*(<=|>=|==|!=|<|>)\s*(\$)?\s*([+-]?[0-9]+(?:\.[0-9]+)?)\s*(ms|s|us|USD|\$|\/s|%)?\s*$/;

export function parseBudgets(text: string, file: string): { ok: true; value: ParsedBudgets } | { ok: false; errors: Diagnostic[] } {
  const parsed = parseYamlWith(BudgetFile, text, file);
  if (!parsed.ok) return parsed;
  const { data, locate } = parsed;
  const errors: Diagnostic[] = [];
  const budgets: Budget[] = [];
  const asList = (v: string | string[] | undefined) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);
  data.budgets.forEach((entry, i) => {
    const line = typeof entry === 'string' ? entry : entry.check;
    const path = typeof entry === 'string' ? ['budgets', i] : ['budgets', i, 'check'];
    const m = EXPR.exec(line);
    if (!m) {
      errors.push(diagnostic(locate, path, `not a budget; write FIGURE OP VALUE, e.g. "p95(messages.send) < 150ms" or "cost.monthly < 200 USD"`));
      return;
    }
    const [, change, family, arg, cmp, dollar, num, unit] = m;
    if (!FAMILIES.includes(family!)) {
      errors.push(diagnostic(locate, path, `unknown figure${didYouMean(family!, FAMILIES)}; figures: ${FAMILIES.join(', ')}`));
      return;
    }
    // throughput alone is the workload mix's; throughput(op) is one operation's.
    if (family !== 'throughput' && WITH_ARG.has(family!) !== (arg !== undefined)) {
      errors.push(diagnostic(locate, path, WITH_ARG.has(family!) ? `${family} needs an argument, e.g. ${family}(messages.send)` : `${family} takes no argument`));
      return;
    }
    // Every figure is 0 or more: a negative limit cannot be meant (only a change can be negative).
    if (change === undefined && Number(num) < 0) {
      errors.push(diagnostic(locate, path, `the limit is below 0, and ${family} never is; write a limit of 0 or more (a negative limit is for change.* budgets, e.g. "change.${family}${WITH_ARG.has(family!) ? '(…)' : ''} < -5%")`));
      return;
    }
    // A utilization or a success rate is a fraction: written with % it is a percentage, bare it is
    // the fraction itself. A bare number past 1 was read as a percentage and one up to 1 as a
    // fraction, so "< 1" meant 100% and "< 1.5" 1.5%: a bare number past 1 is refused, not guessed.
    if (RATIO_FAMILIES.has(family!) && unit === undefined && dollar === undefined && Math.abs(Number(num)) > 1) {
      errors.push(
        diagnostic(
          locate,
          path,
          change === undefined
            ? `a limit on ${family} without % is a fraction from 0 to 1; write a percentage with %, e.g. "${family}(…) < 80%", or the fraction, e.g. "${family}(…) < 0.8"`
            : `a limit on change.${family} without % is a change of the fraction, from -1 to 1 (0.05 is 5 percentage points); write e.g. "change.${family}(…) < 0.05", or a relative change with %, e.g. "change.${family}(…) < 10%"`,
        ),
      );
      return;
    }
    // A latency limit says its unit: a bare number was read as ms without a word ("< 0.5", meant
    // as seconds, held a p95 to half a millisecond). The docs only ever wrote ms, s or us.
    if (LATENCY_FAMILIES.has(family!) && unit === undefined && dollar === undefined) {
      errors.push(
        diagnostic(
          locate,
          path,
          change === undefined
            ? `a latency limit needs its unit: write ms, s or us, e.g. "${family}(…) < 150ms" (a bare number is not read as ms)`
            : `a limit on change.${family} needs its unit: ms, s or us for the change in time, e.g. "change.${family}(…) < 20ms", or % for the relative change, e.g. "change.${family}(…) < 10%"`,
        ),
      );
      return;
    }
    budgets.push({
      text: line.trim(),
      figure: arg ? `${family}(${arg})` : family!,
      change: change !== undefined,
      comparator: cmp as Comparator,
      limit: Number(num),
      unit: dollar ? 'USD' : unit === '$' ? 'USD' : (unit ?? ''),
      layouts: asList(typeof entry === 'string' ? data.layout : (entry.layout ?? data.layout)),
      path,
      layoutsPath: typeof entry !== 'string' && entry.layout !== undefined ? ['budgets', i, 'layout'] : ['layout'],
    });
  });
  return errors.length ? { ok: false, errors } : { ok: true, value: { file, budgets, locate } };
}

/** Convert a budget's limit into the figure's unit, or explain why it cannot be. */
function limitIn(b: Budget, figUnit: FigureUnit): { value: number } | { error: string } {
  const u = b.unit;
  if (b.change && u === '%') return { value: b.limit };
  // bare: in the figure's own unit (a ratio's a fraction, parseBudgets refuses one past 1)
  if (u === '') return { value: b.limit };
  switch (figUnit) {
    case 'ms':
      if (u === 'ms') return { value: b.limit };
      if (u === 's') return { value: b.limit * 1000 };
      if (u === 'us') return { value: b.limit / 1000 };
      break;
    case 'USD':
      if (u === 'USD') return { value: b.limit };
      break;
    case '/s':
      if (u === '/s') return { value: b.limit };
      break;
    case 'ratio':
      if (u === '%') return { value: b.limit / 100 };
      break;
    default:
      break;
  }
  return { error: `${b.figure} is measured in ${figUnit === 'ratio' ? '%' : figUnit}, not ${u}` };
}

function compare(v: number, c: Comparator, limit: number): boolean {
  // A billionth (of the limit, past 1): figures are compared unrounded, and a sum or quotient
  // that is the limit exactly may come out a float's last digit off it (85.00000000000001).
  const eps = 1e-9 * Math.max(1, Math.abs(limit));
  switch (c) {
    case '<':
      return v < limit - eps;
    case '<=':
      return v <= limit + eps;
    case '>':
      return v > limit + eps;
    case '>=':
      return v >= limit - eps;
    case '==':
      return Math.abs(v - limit) <= eps;
    case '!=':
      return Math.abs(v - limit) > eps;
  }
}

/**
 * Evaluate budgets against the report's layouts (and the baseline changes for change.*).
 * Problems that are the budget file's fault (an unknown operation, a layout not in the report,
 * change.* without a baseline) come back as positioned diagnostics.
 */
export function evaluateBudgets(
  parsed: ParsedBudgets,
  layouts: readonly LayoutReport[],
  changes: readonly Change[] | undefined,
  /** false when the report ran no fault isolation (--no-faults): a success(...) budget then has nothing to be judged on, said once */
  faultsRun = true,
): { ok: true; results: BudgetResult[] } | { ok: false; errors: Diagnostic[] } {
  const errors: Diagnostic[] = [];
  const results: BudgetResult[] = [];
  const names = layouts.map((l) => l.name);
  // A missing layout is said where it is written: once for the file's `layout:`, not per budget.
  const saidMissing = new Set<string>();
  for (const b of parsed.budgets) {
    // Said once per budget, not once per layout it applies to.
    if (b.change && !changes) {
      errors.push(diagnostic(parsed.locate, b.path, `change.* budgets need --baseline`));
      continue;
    }
    // Success rates come from the fault-isolation runs: with none run, no layout has one. Said
    // once, with the reason, not "has no such figure" once per layout.
    if (!faultsRun && /^success\(/.test(b.figure)) {
      errors.push(diagnostic(parsed.locate, b.path, `no success figures: the fault-isolation runs are off (--no-faults), so success(...) is not computed; drop --no-faults to check this budget`));
      continue;
    }
    // A limit in the wrong unit is wrong in every layout: said once, not once per layout.
    const family = b.figure.replace(/\(.*$/, '');
    const unitError = FAMILY_UNIT[family] !== undefined ? limitIn(b, FAMILY_UNIT[family]) : undefined;
    if (unitError && 'error' in unitError) {
      errors.push(diagnostic(parsed.locate, b.path, unitError.error));
      continue;
    }
    const scope = b.layouts ?? names;
    for (const ln of scope) {
      const l = layouts.find((x) => x.name === ln);
      if (!l) {
        const key = `${JSON.stringify(b.layoutsPath)} ${ln}`;
        if (!saidMissing.has(key)) errors.push(diagnostic(parsed.locate, b.layoutsPath, `not a layout of the report${didYouMean(ln, names)}; report layouts: ${names.join(', ')}`));
        saidMissing.add(key);
        continue;
      }
      const figs = figuresOf(l);
      const fig = figs.get(b.figure);
      // A success figure the layout has (its scenario ran there, the operation is the report's)
      // but did not measure: the DES sent no request of the operation in the failure window. Not
      // "no such figure" (an exit 2 for a valid budget, or a budget skipped in a layout that may
      // break it): said not applicable with the reason, in every layout it happens in.
      if (!fig && unmeasuredSuccessFigures(l).has(b.figure)) {
        const lim = limitIn(b, 'ratio');
        if (!('error' in lim)) {
          const reason = noRequestReason(b.figure);
          results.push({ budget: b.text, layout: ln, figure: b.change ? `change.${b.figure}` : b.figure, comparator: b.comparator, limit: lim.value, value: null, unit: b.change && b.unit === '%' ? '%' : 'ratio', pass: null, notApplicable: reason, text: `n/a: ${b.text} in ${ln}: — (${reason})` });
          continue;
        }
      }
      // A budget on every layout whose figure only some have (a scenario's success rate where
      // the scenario applies, auto:broker-down in the brokered layouts): it does not apply to the
      // others. Named layouts, or a figure no layout has, are still mistakes.
      const elsewhere = !fig && !b.layouts ? layouts.map((x) => figuresOf(x).get(b.figure)).find((x) => x !== undefined) : undefined;
      if (elsewhere) {
        const lim = limitIn(b, elsewhere.unit);
        if (!('error' in lim)) {
          results.push({ budget: b.text, layout: ln, figure: b.figure, comparator: b.comparator, limit: lim.value, value: null, unit: elsewhere.unit, pass: null, notApplicable: NOT_IN_LAYOUT, text: `n/a: ${b.text} in ${ln}: — (${NOT_IN_LAYOUT})` });
          continue;
        }
      }
      if (!fig) {
        errors.push(diagnostic(parsed.locate, b.path, `layout "${ln}" has no such figure${didYouMean(b.figure, figs.keys())}`));
        continue;
      }
      // Judged on the exact figure (where this process computed it), shown as the report shows it.
      const exactFig = exactFiguresOf(l).get(b.figure) ?? fig;
      const lim = limitIn(b, fig.unit);
      if ('error' in lim) {
        errors.push(diagnostic(parsed.locate, b.path, lim.error));
        continue;
      }
      let value: number | null;
      /** the value as the report shows it (rounded), where the verdict does not depend on more */
      let shownValue: number | null;
      let unit: string = fig.unit;
      /** both ends of a change the percentage or delta alone would misread (from 0, from or to infinity) */
      let span = '';
      if (b.change) {
        const ch = changes!.find((c) => c.layout === ln && c.figure === b.figure);
        // No change entry means the figure did not change. The percentage is computed here from
        // the exact delta: the change's `pct` is rounded to 2 decimals for the JSON, and compared
        // (then rounded again for the text) it broke `> -10%` at −9.9995% and showed 9.4% where
        // the diff table says +9.3%.
        // A figure (or a whole layout) the baseline did not have has no change: the budget does
        // not apply (neither met nor broken), said with the reason; it read "BROKEN … change —".
        if (isNew(changes!, ln, b.figure)) {
          results.push({
            budget: b.text,
            layout: ln,
            figure: `change.${b.figure}`,
            comparator: b.comparator,
            limit: lim.value,
            value: null,
            unit: b.unit === '%' ? '%' : fig.unit,
            pass: null,
            notApplicable: NEW_SINCE_BASELINE,
            text: `n/a: ${b.text} in ${ln}: change — (${NEW_SINCE_BASELINE})`,
          });
          continue;
        }
        // A change's before (after) is null only where the figure was (is) infinite, a new one
        // being said above: unbounded, or a throughput nothing limits.
        const after = ch?.after ?? exactFig.value;
        const before = ch ? (ch.before ?? Infinity) : after;
        value = b.unit === '%' ? (ch ? pctChange(ch, before, after) : 0) : ch ? (ch.delta ?? after - before) : 0;
        if (b.unit === '%') unit = '%';
        shownValue = value;
        // From 0 or from or to an infinite figure the change alone does not say what happened: both ends are shown.
        if (ch && ((b.unit === '%' && before === 0) || !Number.isFinite(before) || !Number.isFinite(after))) span = ` (${formatFigure(before, fig.unit)} → ${formatFigure(after, fig.unit)})`;
      } else {
        value = exactFig.value;
        shownValue = fig.value;
      }
      const pass = value !== null && compare(value, b.comparator, lim.value);
      // The value with at least the limit's decimals: rounded more coarsely, a value just past a
      // finely written limit reads as inside it ("BROKEN: throughput > 384.62/s: value 385/s").
      // And more where that rounding still lands on the wrong side of the limit (−9.9995% shown
      // as −10% beside "> -10%", ok): the figure shown never contradicts the verdict. Those
      // decimals are the exact figure's (1230.769/s beside ">= 1230.77/s", broken); where the
      // report's rounded figure reads the same at them it is the one shown, as everywhere else.
      const scale = unit === 'ratio' ? 100 : 1;
      const min = Math.max(unit === '%' ? 1 : 0, budgetDigits(lim.value, unit));
      const digits = value === null ? budgetDigits(lim.value, unit) : (agreeingDigits(value * scale, b.comparator, lim.value * scale, min, pass) ?? 9);
      if (value !== null && shownValue !== value && round(shownValue! * scale, digits) !== round(value * scale, digits)) shownValue = value;
      const shown = `${unit === '%' ? `${shownValue === null ? '—' : Number.isFinite(shownValue) ? `${round(shownValue, digits)}%` : `${shownValue > 0 ? '+' : '−'}∞%`}` : b.change && shownValue !== null ? (Number.isFinite(shownValue) ? formatDelta(shownValue, unit, digits) : infiniteDelta(shownValue, unit)) : formatFigure(shownValue, unit, digits)}${span}`;
      results.push({
        budget: b.text,
        layout: ln,
        figure: b.change ? `change.${b.figure}` : b.figure,
        comparator: b.comparator,
        limit: lim.value,
        // JSON has no Infinity: an unbounded latency, an unlimited throughput or a change from 0 in
        // % is null (the text says which). Otherwise the value the verdict was judged on: the
        // exact figure (or change) to 12 significant digits, the same in every budget on it. It
        // was the report's rounded figure where that read the same as the exact one beside the
        // limit and the exact one where not, so one figure had two values in one report
        // (331.92 and 331.923); the text still shows it as the report does, or finer (see above).
        value: value === null || !Number.isFinite(value) ? null : exactValue(value),
        unit,
        pass,
        text: `${pass ? 'ok' : 'BROKEN'}: ${b.text} in ${ln}: ${b.change ? 'change' : 'value'} ${shown}`,
      });
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, results };
}

/** Why a change.* budget does not apply to a figure the baseline did not have. */
export const NEW_SINCE_BASELINE = 'new since the baseline: no change to compare';
/** A budget on every layout, on a figure this layout does not have (another has it). */
export const NOT_IN_LAYOUT = 'this layout has no such figure: the budget applies to the layouts that have it';

/** Why a success(...) budget does not apply where its operation had no request in the failure window (figures.ts unmeasuredSuccessFigures). */
export const NO_REQUEST = 'no request of';
function noRequestReason(figure: string): string {
  const op = figure.slice(figure.lastIndexOf(':') + 1, -1);
  return `${NO_REQUEST} ${op} in the failure window: nothing measured to judge (a longer window or a higher rate would send some)`;
}

/** A value as exact as a double has it, less its float noise (0.1 + 0.2): 12 significant digits. */
const exactValue = (v: number): number => Number(v.toPrecision(12));

/**
 * A change in percent where the change's own cannot be (baseline.ts leaves pct null): from 0 a
 * rise is +∞% (0 → 0 is no change, and a figure never falls below 0); to an infinite figure
 * (unbounded, unlimited) +∞%; from one to a finite figure −100%, the limit of after/before − 1 as
 * before grows without bound (a throughput nothing limited, now 40000/s, has fallen by all of it).
 */
function pctChange(ch: Change, before: number, after: number): number | null {
  if (!Number.isFinite(before)) return Number.isFinite(after) ? -100 : 0;
  if (!Number.isFinite(after)) return Infinity;
  if (before === 0) return after > 0 ? Infinity : after < 0 ? -Infinity : 0;
  return exactPct(ch);
}

/** An infinite change in the figure's own unit: "−∞/s" (unlimited → 40000/s), "+∞ ms" (12 ms → unbounded). */
function infiniteDelta(delta: number, unit: string): string {
  return `${delta > 0 ? '+' : '−'}∞${unit === '/s' ? '/s' : unit === 'ms' ? ' ms' : ''}`;
}

/** The figure is new since the baseline in that layout, or the layout itself is (baseline.ts diffReports' texts). */
function isNew(changes: readonly Change[], layout: string, figure: string): boolean {
  return changes.some((c) => c.layout === layout && c.before === null && (c.figure === figure ? c.text === `${figure} is new` : c.figure === 'layout' && c.text === `layout ${layout} added`));
}

/** A budget result that is neither met nor broken (a change.* budget on a figure new since the baseline). */
export const notApplicable = (r: Pick<BudgetResult, 'notApplicable'>): boolean => r.notApplicable !== undefined;

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * A change in percent unrounded (Change.pct is rounded for the JSON): the diff's own (baseline.ts,
 * from the figures as exact as they are known), else from its delta; the rounded one where there is no delta.
 */
function exactPct(ch: Change): number | null {
  return exactChangePct(ch) ?? (ch.delta !== null && ch.before !== null && ch.before !== 0 ? (ch.delta / Math.abs(ch.before)) * 100 : ch.pct);
}

/**
 * The fewest decimals, from `min`, at which the value rounded compares with the limit as
 * `verdict` says (the exact value's verdict); none up to 9 when the value itself (a figure the
 * report rounded) lands on the other side (past 9 the comparison's own tolerance decides).
 */
function agreeingDigits(value: number, c: Comparator, limit: number, min: number, verdict: boolean): number | undefined {
  if (!Number.isFinite(value)) return min;
  for (let d = min; d <= 9; d++) if (compare(round(value, d), c, limit) === verdict) return d;
  return undefined;
}

/**
 * A budget's limit as the terminal line shows it, in the unit its value is shown in ("< 20.8%",
 * not "< 0.20800000000000002" beside a value in %), with the decimals it was written with.
 */
export function formatLimit(r: Pick<BudgetResult, 'figure' | 'comparator' | 'limit' | 'unit'>): string {
  const digits = budgetDigits(r.limit, r.unit);
  if (r.unit === '%') return `${r.comparator} ${round(r.limit, digits)}%`;
  return `${r.comparator} ${r.figure.startsWith('change.') ? formatDelta(r.limit, r.unit, digits) : formatFigure(r.limit, r.unit, digits)}`;
}
