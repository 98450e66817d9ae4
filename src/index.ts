// archsim's library API: the CLI is a thin layer on these.
export { loadBlueprint, loadBlueprintResult } from './io/load.js';
export { parseBlueprint, overlay, type Loaded, type LoadResult, type ReadFile } from './model/parse.js';
export { formatDiagnostic, type Diagnostic } from './model/diagnostics.js';
export { ArchsimError, InputError, UsageError, CheckFailed, errorKind, exitCode, EXIT_CODES, type ErrorKind } from './errors.js';
export {
  resolveBlueprint,
  operations,
  operationIndex,
  resolveLayout,
  primaryStore,
  routeTable,
  UnknownLayoutError,
  MAX_CALL_DEPTH,
  type ResolvedBlueprint,
  type ResolvedLayout,
  type ResolvedUnit,
  type ResolvedDatastore,
  type PlacedOperation,
  type EffectiveOperation,
  type EffectiveEvent,
  type OperationRef,
  type CallTree,
  type CallNode,
  type CallStep,
  type Wiring,
} from './model/resolve.js';
export { checkSemantics, syncCycles } from './model/semantics.js';
export { matchRoute, matchersByUnit, prefixesByUnit, pathPattern, type RegexMatcher, type RouteEntry, type UnitMatchers } from './model/routes.js';
export { lint, extractionOrder, LINT_RULES, type Finding, type LintRule, type LintSeverity, type LintOptions } from './model/lint.js';
export { toMermaid, type MermaidOptions } from './model/mermaid.js';
export { checklist, recommend, deriveAnswers, CHECKLIST, QUESTION_IDS, type ChecklistResult, type ChecklistItem, type Answers, type QuestionId } from './model/checklist.js';
export { renderMermaid, findChromium, NoChromium } from './io/render-mermaid.js';
export { blueprintJsonSchema } from './model/json-schema.js';
export { monthlyCost, costAt, perMillion, type LayoutCost, type CostItem } from './simulate/cost.js';
export { simulate, ScenarioError, type SimulateOptions } from './simulate/simulate.js';
export { analyze, solve, saturation, type AnalyzeOptions } from './simulate/analytic.js';
export { compare, type CompareOptions } from './simulate/compare.js';
export { sweepAnalytic as sweep, sweepCurve, parseRates } from './simulate/sweep.js';
export { compile, type Compiled, type CompileOptions } from './simulate/compile.js';
export { workloadFor, WorkloadError, type WorkloadOptions } from './simulate/workload.js';
export { parseScenario, Scenario as ScenarioSchema, type Scenario } from './simulate/scenario.js';
export { erlangC, mmcResponse, mg1Response } from './simulate/queueing.js';
export type * from './simulate/types.js';
export * as units from './model/units.js';
export { generate, k6Script, TARGETS, GenerateError, type Target, type GenerateOptions, type GeneratedFile, type K6Options } from './generate/index.js';
export { plan, PlanError, PlanSchema, OrderError, EFFORT_MODEL, COUPLING_WEIGHTS, type Plan, type PlanOptions, type PlanOutput } from './plan/index.js';
export { writeFiles, type WriteResult, type WrittenFile, type WriteOptions } from './io/write-files.js';
export { startLayout, PortInUseError, type RunningLayout, type StartOptions, type UnitInfo } from '../reference-services/launcher/layout.js';
// Load testing and calibration: one call to measure, the driver and system-under-test seams.
export { loadTest, runningUnderTest, trivialUnderTest, type LoadTestOptions } from './loadtest/load-test.js';
export { DRIVERS, embeddedDriver, k6Driver, type LoadDriver, type DriveRequest } from './loadtest/drivers.js';
export { startLayoutUnderTest, measureLayout, type SystemUnderTest } from './loadtest/layout-run.js';
export { planLoad, type LoadPlan } from './loadtest/plan.js';
export { LoadTestResult, parseResult, parseResults, type MeasuredOperation } from './loadtest/result.js';
export { calibrate, overlayYaml, type Calibration } from './loadtest/calibrate.js';
// Reports: one call from a blueprint to a report with baseline diff, budgets and summary.
export { runReport, renderReport, type RunReportOptions, type ReportRun, type ReportFormat } from './report/run.js';
export { parseBudgets, evaluateBudgets, type ParsedBudgets } from './report/budget.js';
export { parseBaseline, diffReports } from './report/baseline.js';
export type { Report } from './report/schema.js';
export type * from './model/schema.js';

import { parseBlueprint } from './model/parse.js';
import type { Diagnostic } from './model/diagnostics.js';

/** Validate blueprint text without touching the file system (extends: needs loadBlueprint). */
export function validate(text: string, file = '<blueprint>'): { valid: boolean; errors: Diagnostic[]; warnings: Diagnostic[] } {
  const r = parseBlueprint(text, file);
  return { valid: r.ok, errors: r.ok ? [] : r.errors, warnings: r.warnings };
}
