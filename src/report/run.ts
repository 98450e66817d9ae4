// The report as one call: compute the figures (collect), diff them against a baseline, check
// the budgets and write the summary line. Pure: parsed inputs in, the report out; reading the
// files and rendering diagrams with Chromium stay at the edge (`archsim report`).
import { InputError } from '../errors.js';
import type { Blueprint } from '../model/schema.js';
import { diffReports } from './baseline.js';
import { blueprintBudgets } from './blueprint-budgets.js';
import { evaluateBudgets, notApplicable, type ParsedBudgets } from './budget.js';
import { collect, type CollectOptions } from './collect.js';
import { renderHtml } from './html.js';
import { renderMarkdown, summaryLine } from './markdown.js';
import type { Report, ReportCalibration } from './schema.js';

export interface RunReportOptions extends CollectOptions {
  /** an earlier JSON report: every figure that changed is listed */
  baseline?: { file: string; report: Report };
  /** limits to check beside the blueprint's own operation budgets (a broken one is listed in report.budgets, not thrown) */
  budgets?: { file: string; parsed: ParsedBudgets };
  /** the calibration overlay the blueprint's figures were taken from (report/calibration.ts): the writers say which figures are calibrated */
  calibration?: ReportCalibration;
}

export interface ReportRun {
  report: Report;
  /** Mermaid text of each diagram, by name */
  diagrams: Record<string, string>;
  notes: string[];
  /** budgets that do not hold */
  broken: NonNullable<Report['budgets']>['results'];
}

/** Throws InputError when a budget names a figure the report does not have. */
export function runReport(bp: Blueprint, o: RunReportOptions): ReportRun {
  const { report, diagrams, notes } = collect(bp, o);
  if (o.calibration) report.calibration = o.calibration;
  if (o.baseline) report.baseline = { file: o.baseline.file, changes: diffReports(o.baseline.report, report) };
  let broken: ReportRun['broken'] = [];
  // The budget file's, then the blueprint's own operations' (blueprint-budgets.ts), in one table.
  const located = o.locate;
  const locate: ParsedBudgets['locate'] = located ? (path) => located([...path]) : () => ({ file: o.file, line: 1, col: 1 });
  const own = blueprintBudgets(bp, report.layouts, o.file, locate);
  const sets = [...(o.budgets ? [o.budgets] : []), ...(own.budgets.length ? [{ file: o.file, parsed: own }] : [])];
  if (sets.length) {
    const results: ReportRun['broken'] = [];
    for (const set of sets) {
      const r = evaluateBudgets(set.parsed, report.layouts, report.baseline?.changes, o.scenarios.length > 0);
      if (!r.ok) throw new InputError(r.errors);
      results.push(...r.results);
    }
    // A budget that does not apply (notApplicable) is neither met nor broken.
    report.budgets = { file: sets.map((x) => x.file).join(', '), passed: results.every((x) => x.pass || notApplicable(x)), results };
    broken = results.filter((x) => !x.pass && !notApplicable(x));
  }
  report.summary = summaryLine(report).replace(/\*\*/g, '');
  return { report, diagrams, notes, broken };
}

export type ReportFormat = 'md' | 'html' | 'json';

/** One format's text; HTML shows diagrams as SVG when given them (rendered at the edge), else as Mermaid text. */
export function renderReport(format: ReportFormat, run: Pick<ReportRun, 'report' | 'diagrams'>, diagramSvgs?: Record<string, string>): string {
  if (format === 'json') return `${JSON.stringify(run.report, null, 2)}\n`;
  if (format === 'md') return renderMarkdown(run.report, { diagrams: run.diagrams });
  return renderHtml(run.report, { diagrams: run.diagrams, ...(diagramSvgs ? { diagramSvgs } : {}) });
}
