// Named figures of a layout report: what budgets test and baselines diff. One naming scheme for
// both, so "p95(messages.send)" means the same thing in a budget file and in a diff line.
import { rateNumber } from '../words.js';
import type { LayoutReport } from './schema.js';

export type FigureUnit = 'ms' | 'USD' | '/s' | 'count' | 'ratio' | 'hops' | 'replicas';

export interface Figure {
  value: number;
  unit: FigureUnit;
}

/**
 * Null in a report is an infinite figure: a latency past saturation (unbounded) or a throughput
 * no station limits (unlimited). As +Infinity a budget still compares it the right way round
 * (an unbounded p95 breaks "< 150ms", an unlimited throughput meets "> 1000/s").
 */
const inf = (v: number | null): number => v ?? Infinity;

/** Every figure of a layout report, in a stable order. */
export function figuresOf(l: LayoutReport): Map<string, Figure> {
  const f = new Map<string, Figure>();
  f.set('cost.monthly', { value: l.cost.monthlyUsd, unit: 'USD' });
  f.set('cost.perMillion', { value: l.cost.perMillionRequestsUsd, unit: 'USD' });
  f.set('throughput', { value: inf(l.saturation.throughputRps), unit: '/s' });
  for (const o of l.operations) {
    f.set(`mean(${o.id})`, { value: inf(o.meanMs), unit: 'ms' });
    f.set(`p50(${o.id})`, { value: inf(o.p50Ms), unit: 'ms' });
    f.set(`p95(${o.id})`, { value: inf(o.p95Ms), unit: 'ms' });
    f.set(`p99(${o.id})`, { value: inf(o.p99Ms), unit: 'ms' });
    f.set(`throughput(${o.id})`, { value: inf(o.maxThroughputRps), unit: '/s' });
    f.set(`hops(${o.id})`, { value: o.hops, unit: 'hops' });
  }
  for (const s of l.stations) f.set(`utilization(${s.id})`, { value: s.utilization, unit: 'ratio' });
  for (const u of l.structure.units) f.set(`replicas(${u.name})`, { value: u.replicas, unit: 'replicas' });
  // success(<scenario>:<op>) by the scenario's name, as a budget names it: a fault row's
  // `scenario` is "<name>: <failure window>" (simulate/fault-runs.ts), which no one writes and
  // whose parentheses a budget cannot hold. A scenario with several windows (a leak, then a
  // restart) gives the lowest success rate of its windows: a budget must hold in every one.
  for (const fi of l.faultIsolation) {
    const name = scenarioName(fi.scenario);
    for (const o of fi.operations) {
      const key = `success(${name}:${o.id})`;
      const had = f.get(key);
      if (!had || o.successRate < had.value) f.set(key, { value: o.successRate, unit: 'ratio' });
    }
  }
  f.set('lint.errors', { value: l.lint.errors, unit: 'count' });
  f.set('lint.warnings', { value: l.lint.warnings, unit: 'count' });
  return f;
}

/**
 * The success figures a layout has but did not measure: the scenario ran on the layout (it has a
 * fault row) and the operation is one of the report's, yet no request of it was sent in any of
 * the scenario's failure windows (a fault row lists only the operations that had one: a rare
 * operation, 0.75/s of the mix, in a 100 ms window). Whether a figure exists is decided by
 * structure, not by what the DES happened to draw: one of these is not "no such figure".
 */
export function unmeasuredSuccessFigures(l: LayoutReport): Set<string> {
  const out = new Set<string>();
  const measured = figuresOf(l);
  const scenarios = new Set(l.faultIsolation.map((fi) => scenarioName(fi.scenario)));
  const ops = new Set([...l.operations.map((o) => o.id), ...l.faultIsolation.flatMap((fi) => fi.operations.map((o) => o.id))]);
  for (const s of scenarios) for (const op of ops) if (!measured.has(`success(${s}:${op})`)) out.add(`success(${s}:${op})`);
  return out;
}

/** The scenario's own name from a fault row's "<name>: <failure window>" (figuresOf). */
function scenarioName(row: string): string {
  const cut = row.indexOf(': ');
  return cut < 0 ? row : row.slice(0, cut);
}

/**
 * The exact figures behind a layout report built in this process (report/build.ts). The report
 * keeps its figures rounded (the same inputs give the same bytes, and a diff sees no float
 * noise), but a budget is judged on the exact figure: rounded, 1230.769/s met ">= 1230.77/s" and
 * 12.1875% met ">= 12.19%". Not in the JSON; a report read back from a file has none.
 */
const EXACT = new WeakMap<LayoutReport, Map<string, { exact: number; rounded: number }>>();

/** Remember `exact` (the same layout report, unrounded) as the exact figures of `rounded`. */
export function rememberExactFigures(rounded: LayoutReport, exact: LayoutReport): void {
  const shown = figuresOf(rounded);
  const m = new Map<string, { exact: number; rounded: number }>();
  for (const [name, f] of figuresOf(exact)) {
    const r = shown.get(name);
    if (r) m.set(name, { exact: f.value, rounded: r.value });
  }
  EXACT.set(rounded, m);
}

/**
 * Every figure of a layout report, exact where this process computed it: a figure whose rounded
 * value is still the one it was built with (an edited report's figure is taken as it now is).
 */
export function exactFiguresOf(l: LayoutReport): Map<string, Figure> {
  const f = figuresOf(l);
  const exact = EXACT.get(l);
  if (!exact) return f;
  for (const [name, fig] of f) {
    const e = exact.get(name);
    if (e && e.rounded === fig.value) f.set(name, { value: e.exact, unit: fig.unit });
  }
  return f;
}

/**
 * A figure for reading. `minDigits` asks for at least that many decimals (in the unit shown: %
 * for a ratio), so a value set beside a limit written more finely than the default rounding is
 * not rounded onto the other side of it ("385/s" against "> 384.62/s"): see budgetDigits.
 */
export function formatFigure(value: number | null, unit: FigureUnit | string, minDigits = 0): string {
  if (value === null) return '—';
  // Never "Infinity ms": a latency past saturation is unbounded, a throughput nothing limits unlimited.
  if (value === Infinity) return unit === '/s' ? 'unlimited' : 'unbounded';
  switch (unit) {
    case 'ms':
      // Stryker disable next-line EqualityOperator: at exactly 10 both roundings print 10.
      return `${round(value, Math.max(value < 10 ? 2 : 1, minDigits))} ms`;
    case 'USD':
      return Number.isInteger(value) && !minDigits ? `$${value}` : `$${value.toFixed(Math.max(2, minDigits))}`;
    case '/s':
      // The one rule for rates (words.ts): 0.909/s, 3.6/s and 0.01/s, not 1/s, 4/s and 0/s.
      return `${rateNumber(value, minDigits)}/s`;
    case 'ratio':
      return `${round(value * 100, Math.max(1, minDigits))}%`;
    default:
      return `${round(value, Math.max(2, minDigits))}`;
  }
}

/**
 * The decimals a budget's limit has in the unit it is shown in (a ratio as %): 140.92 ms → 2,
 * 0.208 (20.8%) → 1. The limit's own float noise (0.208 × 100 = 20.800000000000004) is not digits.
 */
export function budgetDigits(limit: number, unit: FigureUnit | string): number {
  const shown = Number((unit === 'ratio' ? limit * 100 : limit).toPrecision(12));
  const text = String(Math.abs(shown));
  const dot = text.indexOf('.');
  return dot < 0 || text.includes('e') ? 0 : text.length - dot - 1;
}

/** A signed change; `minDigits` as for formatFigure (a change budget's limit may be written finely). */
export function formatDelta(delta: number, unit: FigureUnit | string, minDigits = 0): string {
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  const abs = Math.abs(delta);
  switch (unit) {
    case 'ms':
      // Enough digits that a real change never prints as 0.
      // Stryker disable next-line EqualityOperator: at exactly 0.01 (10) both roundings print 0.01 (10).
      return `${sign}${round(abs, Math.max(abs < 0.01 ? 3 : abs < 10 ? 2 : 1, minDigits))} ms`;
    case 'USD':
      return `${sign}$${Number.isInteger(abs) && !minDigits ? abs : abs.toFixed(Math.max(2, minDigits))}`;
    case '/s':
      return `${sign}${rateNumber(abs, minDigits)}/s`;
    case 'ratio':
      return `${sign}${round(abs * 100, Math.max(1, minDigits))} pp`;
    default:
      return `${sign}${round(abs, Math.max(2, minDigits))}`;
  }
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
