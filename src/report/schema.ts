// The report's JSON format: every figure a report shows, for tools and for baselines. Versioned
// (schemaVersion), stable ordering, no timestamps — the same inputs give the same bytes, so a
// checked-in report can be compared for drift and an old report can serve as a baseline.
import { z } from 'zod';
import { Plan } from '../plan/schema.js';

export const REPORT_SCHEMA_VERSION = 1;

const Ms = z.number().describe('milliseconds');
/**
 * A latency that may be unbounded: null when the layout is past saturation at the report's rate
 * (the queue grows without limit; JSON has no Infinity, and a report must parse as a baseline).
 */
const MsOrUnbounded = Ms.nullable().describe('milliseconds; null: unbounded (past saturation at the workload rate)');
/** A throughput no station limits (an operation that does no work on any station) is null. */
const RpsOrUnlimited = z.number().nullable().describe('requests per second; null: no station limits it');
const Usd = z.number().describe('US dollars');

export const CostItemJ = z.object({
  component: z.string(),
  kind: z.enum(['unit', 'datastore', 'gateway', 'broker', 'extra']),
  instance: z.string().nullable(),
  count: z.number().int(),
  usdEach: Usd,
  usdPerMonth: Usd,
});

export const OperationFigures = z.object({
  id: z.string(),
  route: z.string().nullable(),
  meanMs: MsOrUnbounded,
  p50Ms: MsOrUnbounded,
  p95Ms: MsOrUnbounded,
  p99Ms: MsOrUnbounded,
  /** Network hops on the request's critical path (gateway hop included). */
  hops: z.number().int(),
  /** Units the request passes through, in first-visit order. */
  units: z.array(z.string()),
  /** The highest rate this operation alone sustains in this layout (req/s). */
  maxThroughputRps: RpsOrUnlimited,
  // Where one request's time and work go: what a baseline diff names as the cause of a changed
  // figure (a baseline is a report; it holds no blueprint). Absent in reports written before.
  pathMs: z.record(z.string(), Ms).optional().describe('ms of service one request spends at each station on its critical path (queueing excluded)'),
  delayMs: Ms.optional().describe('ms of network latency and waits on its critical path'),
  workMs: z.record(z.string(), Ms).optional().describe('ms of work one request puts on each station, the work of the events it emits included'),
  bottleneck: z.string().optional().describe('the station that limits this operation alone (absent: none does)'),
  payloads: z.record(z.string(), z.number().int()).optional().describe('bytes: the request and response of each operation of its call tree ("<op> request", "<op> response") and each event message it or its events\' consumers emit ("event <name>")'),
});

export const LayoutReport = z.object({
  name: z.string(),
  style: z.string().nullable(),
  description: z.string().nullable(),
  structure: z.object({
    gateway: z.string().nullable(),
    broker: z.string().nullable(),
    units: z.array(z.object({ name: z.string(), replicas: z.number().int(), instance: z.string().nullable(), domains: z.array(z.string()) })),
    datastores: z.array(z.object({ name: z.string(), engine: z.string(), instance: z.string().nullable(), tables: z.array(z.string()) })),
  }),
  cost: z.object({ monthlyUsd: Usd, perMillionRequestsUsd: Usd, items: z.array(CostItemJ) }),
  saturation: z.object({
    throughputRps: RpsOrUnlimited,
    bottleneck: z.string(),
    utilizationAtWorkload: z.number(),
    /** present when the workload is past saturation (SimulationResult.saturated) */
    saturated: z.object({ station: z.string(), utilization: z.number(), by: z.enum(['offered load', 'backlog']), eventsOnly: z.literal(true).optional().describe('the station is visited by event work only: its events back up, request latencies stay bounded'), shed: z.number().min(0).max(1).optional().describe('DES only: the excess load was shed, not queued: this share of requests failed fast (circuit breakers, timeouts) and the rest finished as fast as they arrived, so latencies stay bounded') }).optional(),
  }),
  stations: z.array(z.object({ id: z.string(), utilization: z.number() })),
  operations: z.array(OperationFigures),
  faultIsolation: z.array(
    z.object({
      scenario: z.string(),
      description: z.string(),
      // unfinished: requests sent during the failure still queued when the run ended (a 0% with all of them unfinished had none finish)
      operations: z.array(z.object({ id: z.string(), successRate: z.number(), unfinished: z.number().int().optional() })),
    }),
  ),
  lint: z.object({
    errors: z.number().int(),
    warnings: z.number().int(),
    findings: z.array(z.object({ rule: z.string(), severity: z.string(), message: z.string(), where: z.string().nullable() })),
  }),
  /** Latency against load (for the chart): mean and p95 of the workload mix at each rate. */
  sweep: z.array(z.object({ rateRps: z.number(), meanMs: Ms.nullable(), p95Ms: Ms.nullable() })),
  /** Monthly cost against load: replicas needed to hold each rate at the target utilization. */
  costCurve: z.array(z.object({ rateRps: z.number(), monthlyUsd: Usd, replicas: z.record(z.string(), z.number().int()) })),
});

export const Change = z.object({
  layout: z.string(),
  figure: z.string(),
  before: z.number().nullable(),
  after: z.number().nullable(),
  delta: z.number().nullable(),
  /** Relative change in percent (null when before is 0 or missing). */
  pct: z.number().nullable(),
  unit: z.string(),
  text: z.string(),
  causes: z.array(z.string()),
});

export const BudgetResult = z.object({
  budget: z.string(),
  layout: z.string(),
  figure: z.string(),
  comparator: z.string(),
  limit: z.number(),
  value: z.number().nullable(),
  unit: z.string(),
  /** null when the budget does not apply (neither met nor broken): a CI script counting `pass === false` counts only broken budgets */
  pass: z.boolean().nullable().describe('true met, false broken, null when the budget does not apply (see notApplicable)'),
  /** present when the budget does not apply, with the reason */
  notApplicable: z.string().optional().describe('why the budget does not apply, e.g. a change.* budget on a figure new since the baseline: neither met nor broken'),
  text: z.string(),
});

export const LoadtestSummary = z.object({
  file: z.string(),
  layout: z.string(),
  driver: z.string(),
  operations: z.array(z.object({ id: z.string(), throughput: z.number(), p50Ms: Ms, p95Ms: Ms, errors: z.number() })),
});

/**
 * The calibration overlay the figures rest on (`report --calibration`): where and when it was
 * measured and which figures it sets. Every string comes from the calibration file or its name:
 * hostile text, escaped where a writer shows it.
 */
export const ReportCalibration = z.object({
  file: z.string(),
  layout: z.string().nullable().describe('the layout the calibration runs measured (null: the header names none)'),
  machine: z.string().nullable().describe("the machine the runs were measured on, as the file's header names it (null: unknown)"),
  runs: z.array(z.string()).describe("the measured runs as the file's header lists them: source, start time, driver, model, rate, duration, requests"),
  calibrated: z.array(z.string()).describe('operations whose CPU, wait or query times come from the calibration'),
  notes: z
    .array(z.string())
    .describe("which figures are calibrated and which are the blueprint's own (in the words of `archsim compare --calibration`), and the host model"),
});

/** A seeded DES run behind a layout's figures at the workload rate (report/collect.ts): why, and what was run. */
export const DesRun = z.object({
  layout: z.string(),
  figures: z.enum(['at the rate', 'load profile']).describe("'at the rate': the analytic figures would rest on an approximation the DES does not make; 'load profile': the profile's peak passes saturation"),
  reason: z.string().describe('why these figures come from the DES, as the note archsim report prints says it'),
  requests: z.number().int().describe('simulated requests, all replications'),
  replications: z.number().int(),
  seed: z.number().int(),
});

export const Report = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  generator: z.string(),
  blueprint: z.object({ name: z.string(), title: z.string(), file: z.string() }),
  method: z.string().describe('how latencies and throughputs were computed'),
  /** present when some layout's figures at the rate come from seeded DES runs */
  desRuns: z.array(DesRun).optional().describe("the seeded discrete-event runs behind layouts' figures at the rate (absent: every layout analytic)"),
  workload: z.object({ rateRps: z.number(), mix: z.record(z.string(), z.number()) }),
  layouts: z.array(LayoutReport),
  checklist: z
    .object({
      score: z.number().int(),
      of: z.number().int(),
      recommendation: z.string(),
      firstToExtract: z.string().nullable(),
      derived: z.array(z.string()),
      /** answered in the --answers file (these win over derived values) */
      answered: z.array(z.string()).default([]),
    })
    .nullable(),
  loadtests: z.array(LoadtestSummary),
  baseline: z.object({ file: z.string(), changes: z.array(Change) }).nullable(),
  budgets: z.object({ file: z.string(), passed: z.boolean(), results: z.array(BudgetResult) }).nullable(),
  summary: z.string(),
  /** present when the figures rest on a calibration overlay (`report --calibration`) */
  calibration: ReportCalibration.optional(),
  /** a migration plan included with `report --plan` */
  plan: Plan.optional(),
});

export type Report = z.infer<typeof Report>;
export type LayoutReport = z.infer<typeof LayoutReport>;
export type OperationFigures = z.infer<typeof OperationFigures>;
export type Change = z.infer<typeof Change>;
export type BudgetResult = z.infer<typeof BudgetResult>;
export type LoadtestSummary = z.infer<typeof LoadtestSummary>;
export type ReportCalibration = z.infer<typeof ReportCalibration>;
export type DesRun = z.infer<typeof DesRun>;

export function reportJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(Report, { target: 'draft-2020-12' }),
    $id: 'https://archsim.dev/schemas/report.schema.json',
    title: 'archsim report',
  };
}
