// The result of one load test, as written to result.json. Every driver (embedded, k6) produces
// this one shape, so calibrate, validate-model and reports read one format. Times are in
// milliseconds, rates per second, memory in MiB, CPU in seconds.
import { z } from 'zod';
import { formatDiagnostic } from '../model/diagnostics.js';
import { flowDepthProblem, parseYaml } from '../model/yaml-source.js';

/** Why requests failed. Keys are open (a driver may add its own), these are the ones archsim uses. */
export const ERROR_KINDS = ['status_4xx', 'status_5xx', 'timeout', 'connect', 'reset', 'dropped', 'failed', 'other'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export const Latency = z.strictObject({
  min: z.number().min(0),
  mean: z.number().min(0),
  p50: z.number().min(0),
  p90: z.number().min(0),
  p95: z.number().min(0),
  p99: z.number().min(0),
  max: z.number().min(0),
});
export type Latency = z.output<typeof Latency>;

export const Errors = z.strictObject({
  total: z.number().int().min(0),
  /** status_4xx, status_5xx, timeout, connect, reset, dropped (never sent: the driver fell behind), failed (a failure a driver could not classify), other */
  byKind: z.record(z.string(), z.number().int().min(0)),
});
export type Errors = z.output<typeof Errors>;

/** One operation as measured (simulate's OperationResult is the predicted one). */
export const MeasuredOperation = z.strictObject({
  id: z.string(),
  /** requests completed (with any status); null when the driver could not count them per operation */
  requests: z.number().int().min(0).nullable(),
  /** completed requests per second of the measured duration */
  throughput: z.number().min(0).nullable(),
  errors: Errors,
  /** open model: from each request's intended start (coordinated omission corrected); closed: from the send */
  latency: Latency.nullable(),
  /** open model only: from the actual send, what a naive driver would report */
  serviceTime: Latency.nullable().optional(),
});
export type MeasuredOperation = z.output<typeof MeasuredOperation>;

export const ProcessUsage = z.strictObject({
  unit: z.string(),
  role: z.enum(['unit', 'datastore', 'gateway', 'broker', 'sut', 'driver']).default('unit'),
  pid: z.number().int(),
  /** user + system CPU over the measured interval (children included when tree was asked) */
  cpuSeconds: z.number().min(0),
  /** cpuSeconds / wall seconds: 1.0 is one core busy */
  cpuUtilization: z.number().min(0),
  /** peak resident set (VmHWM), MiB */
  rssMaxMiB: z.number().min(0).nullable(),
  /**
   * of cpuSeconds, PostgreSQL's maintenance (autovacuum, checkpointer, background writer, and
   * children that exited): bursts caused by earlier writes (proc.ts maintenanceProcess); absent
   * for processes that have none
   */
  maintenanceCpuSeconds: z.number().min(0).optional(),
  /**
   * of cpuSeconds, a PostgreSQL server's client backends by the database they serve (from each
   * backend's process title): which database's queries the CPU went to, e.g. the event queue's
   * apart from the stores'; absent for processes that are not a database server
   */
  databaseCpuSeconds: z.record(z.string().max(200), z.number().min(0)).optional(),
});
export type ProcessUsage = z.output<typeof ProcessUsage>;

/** A measured figure over replicated windows: the mean and its 95% Student-t interval. */
export const Interval = z.strictObject({
  mean: z.number(),
  lo: z.number(),
  hi: z.number(),
  /** windows it is over; with 1 the interval is the point itself (no spread known) */
  n: z.number().int().min(1),
  level: z.number().gt(0).lt(1).default(0.95),
});
export type Interval = z.output<typeof Interval>;

/** One measured window of a replicated run: its own figures and every process's CPU in it. */
export const Window = z.strictObject({
  index: z.number().int().min(0),
  started: z.string(),
  duration: z.number().min(0),
  warmup: z.number().min(0),
  operations: z.array(z.strictObject({ id: z.string(), requests: z.number().int().min(0).nullable(), throughput: z.number().min(0).nullable(), p50: z.number().nullable(), p95: z.number().nullable(), errors: z.number().int().min(0) })),
  totals: z.strictObject({ requests: z.number().int().min(0), throughput: z.number().min(0), p50: z.number().nullable(), p95: z.number().nullable(), errors: z.number().int().min(0) }),
  processes: z.array(ProcessUsage),
  driverCpuSeconds: z.number().min(0).nullable(),
});
export type Window = z.output<typeof Window>;

/**
 * A unit's per-operation CPU over the measured window, from the reference services' own
 * instrumentation (event-loop self time per operation, pool tasks, CPU per thread).
 */
export const OperationProfile = z.strictObject({
  unit: z.string(),
  /** CPU of the event-loop thread (all JavaScript), from /proc */
  mainThreadCpuSeconds: z.number().min(0),
  /** CPU of the other threads: libuv's pool (scrypt) and V8's workers (GC, compilation) */
  offMainCpuSeconds: z.number().min(0),
  /** of which the threads started after the process booted: libuv's pool (absent in results written before it was kept apart) */
  poolThreadsCpuSeconds: z.number().min(0).optional(),
  /** event-loop time timed in callbacks (wall clock; the shares below come from it) */
  loopSeconds: z.number().min(0),
  /**
   * "sender": a reply read on a client socket (a query's rows, a remote call's answer) is charged
   * to the operation that sent the request. Absent in results measured before 2026-12-05, whose
   * replies went to no operation (the database pool's) or to the one that opened the connection.
   */
  replies: z.literal('sender').optional(),
  operations: z.array(
    z.strictObject({
      operation: z.string(),
      /** calls served: requests, and in-process internal calls */
      spans: z.number().int().min(0),
      loopSeconds: z.number().min(0),
      /** the operation's share of the loop time × the main thread's CPU */
      cpuSeconds: z.number().min(0),
      poolTasks: z.number().int().min(0),
      poolSeconds: z.number().min(0),
    }),
  ),
});
export type OperationProfile = z.output<typeof OperationProfile>;

/** What the database of the run was set to (read from the server with SHOW, not assumed). */
export const DatabaseSettings = z.strictObject({
  engine: z.string(),
  /** fsync, synchronous_commit and full_page_writes all on */
  durable: z.boolean(),
  settings: z.record(z.string(), z.string()),
});

export const Threshold = z.strictObject({ metric: z.string(), expression: z.string(), crossed: z.boolean() });

export const LoadTestResult = z.strictObject({
  schemaVersion: z.literal(1),
  run: z.strictObject({
    blueprint: z.string().nullable(),
    layout: z.string().nullable(),
    /** the base URL that was load-tested */
    target: z.string(),
    driver: z.enum(['embedded', 'k6']),
    model: z.enum(['open', 'closed']),
    /** open model: requests per second offered */
    rate: z.number().positive().nullable(),
    /** closed model: connections (users without think time); open model: the in-flight bound */
    connections: z.number().int().positive().nullable(),
    /** seconds the load ran (measured) */
    duration: z.number().min(0),
    /** seconds of warm-up before measuring (not counted) */
    warmup: z.number().min(0).default(0),
    started: z.string().describe('ISO 8601'),
    machine: z.strictObject({ cores: z.number().int().positive(), cpuModel: z.string(), node: z.string(), os: z.string().optional() }),
    /** cores the driver and the system under test were pinned to (null: not pinned) */
    pinning: z.strictObject({ driver: z.string().nullable(), sut: z.string().nullable(), note: z.string().optional() }).nullable().default(null),
    notes: z.array(z.string()).default([]),
    /** how the figures were obtained, in one sentence (driver, model, warm-up, windows, intervals) */
    method: z.string().default(''),
    /** the database the system ran on, as the server reported it; null: not known (a --target system) */
    database: DatabaseSettings.nullable().default(null),
    /** a load level given as a fraction of the measured capacity (--levels): the fraction and that capacity, req/s */
    level: z.strictObject({ fraction: z.number().positive(), capacity: z.number().positive() }).nullable().default(null),
  }),
  operations: z.array(MeasuredOperation),
  totals: z.strictObject({
    requests: z.number().int().min(0),
    throughput: z.number().min(0),
    errors: Errors,
    latency: Latency.nullable(),
    /** requests scheduled but never started because the driver fell too far behind (open model) */
    dropped: z.number().int().min(0),
  }),
  processes: z.array(ProcessUsage),
  driver: z.strictObject({
    pid: z.number().int().nullable(),
    cpuSeconds: z.number().min(0),
    cpuUtilization: z.number().min(0),
    rssMaxMiB: z.number().min(0).nullable(),
    /**
     * open model: how late the driver started requests after their scheduled time, ms (several
     * windows: the worst window's); `waitedForConnection`, the measured requests due while every
     * connection waited on an answer (the system's backlog; absent in older results)
     */
    lag: z.strictObject({ p50: z.number(), p99: z.number(), max: z.number(), waitedForConnection: z.number().int().min(0).optional() }).optional(),
  }).nullable(),
  /** per-operation CPU per unit over the measured windows (reference services started by archsim) */
  profile: z.array(OperationProfile).default([]),
  /**
   * Each process's CPU with no load (no request in flight), read over a short window after the
   * seeding's work had settled and before the warm-up: the background a process keeps whatever
   * the rate (timers, pollers, probes; a database serving them). Absent: not measured.
   */
  idle: z.array(ProcessUsage).optional(),
  /** replicated runs: each measured window (the figures above are over all of them) */
  windows: z.array(Window).default([]),
  /** replicated runs: 95% intervals over the windows, per operation id and "total" */
  intervals: z.record(z.string(), z.strictObject({ p50: Interval.nullable(), p95: Interval.nullable(), throughput: Interval })).default({}),
  /** k6 only: thresholds and whether each was crossed; exit code 99 means some were */
  thresholds: z.array(Threshold).optional(),
  thresholdsCrossed: z.boolean().optional(),
});
export type LoadTestResult = z.output<typeof LoadTestResult>;
export type LoadTestResultInput = z.input<typeof LoadTestResult>;

/**
 * Why a text is not JSON, by position only: V8's own message quotes the text, and a result file
 * may be any file at all.
 */
export function jsonSyntaxError(text: string, e: unknown): string {
  const m = /position (\d+)/.exec((e as Error)?.message ?? '');
  if (!m) return 'not JSON';
  const at = Math.min(Number(m[1]), text.length);
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const col = at - before.lastIndexOf('\n');
  return `not JSON (syntax error at line ${line}, column ${col})`;
}

/**
 * A result file's JSON, read as every other input is: nesting deeper than the YAML reader's
 * limit is refused with its position first (JSON.parse takes 100,000 nested "[", but walking
 * the value afterwards overflows the stack), then a syntax error is told by position.
 */
function readJson(text: string, file: string): unknown {
  if (flowDepthProblem(text)) {
    // parseYaml refuses such text before parsing anything, with the message and position the
    // other readers give; the scan runs twice only on a file that is refused.
    const parsed = parseYaml(text, file);
    if (!parsed.ok) throw new Error(formatDiagnostic(parsed.errors[0]!));
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: ${jsonSyntaxError(text, e)}`);
  }
}

/** One result checked against the schema; errors name the file and the field. */
function checkResult(raw: unknown, file: string): LoadTestResult {
  const r = LoadTestResult.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`${file}: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  return r.data;
}

/** Parse a result file's JSON text; errors name the field. */
export function parseResult(text: string, file = 'result.json'): LoadTestResult {
  return checkResult(readJson(text, file), file);
}

/** A result file holds one result, or several (`loadtest --layouts a,b`: { schemaVersion, results }). */
export function parseResults(text: string, file = 'result.json'): LoadTestResult[] {
  const raw = readJson(text, file);
  const list = raw && typeof raw === 'object' && Array.isArray((raw as { results?: unknown }).results) ? (raw as { results: unknown[] }).results : [raw];
  return list.map((r, i) => checkResult(r, list.length > 1 ? `${file} results[${i}]` : file));
}

export function emptyErrors(): Errors {
  return { total: 0, byKind: {} };
}

export function addError(e: Errors, kind: string, n = 1): void {
  e.total += n;
  e.byKind[kind] = (e.byKind[kind] ?? 0) + n;
}

export function mergeErrors(list: readonly Errors[]): Errors {
  const out = emptyErrors();
  for (const e of list) for (const [k, n] of Object.entries(e.byKind)) addError(out, k, n);
  return out;
}

/** The result file's JSON Schema (schemas/loadtest-result.schema.json), from the zod schema. */
export function resultJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(LoadTestResult, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }),
    $id: 'https://archsim.dev/schemas/loadtest-result.schema.json',
    title: 'archsim load-test result',
    description: 'What `archsim loadtest` measured: per-operation latency, throughput and errors, per-process CPU and memory.',
  };
}
