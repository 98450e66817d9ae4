// Assemble the report data from what the other parts computed (simulation results, lint,
// checklist, load tests). Pure, deterministic: figures are rounded so the same inputs give the
// same bytes, and a baseline diff never reports floating-point noise as a change.
import { resolveBlueprint } from '../model/resolve.js';
import type { Blueprint } from '../model/schema.js';
import type { FaultRow, SimulationResult, SweepResult, TargetCost } from '../simulate/types.js';
import { perMillion } from '../simulate/cost.js';
import { rememberExactFigures } from './figures.js';
import { REPORT_SCHEMA_VERSION, type LayoutReport, type LoadtestSummary, type OperationFigures, type Report } from './schema.js';

export interface LayoutInputs {
  name: string;
  /** Analytic (or DES) result at the report's workload. */
  result: SimulationResult;
  /** Per operation: the highest rate the operation alone sustains. */
  maxThroughputByOperation: Record<string, number>;
  sweep?: SweepResult;
  faults: FaultRow[];
  /** Fault scenario name → its description. */
  faultDescriptions?: Record<string, string>;
  costCurve: TargetCost[];
  lint: { rule: string; severity: string; message: string; where: string | null }[];
}

export interface ReportInputs {
  bp: Blueprint;
  file: string;
  generator: string;
  method: string;
  rate: number;
  layouts: LayoutInputs[];
  checklist: Report['checklist'];
  loadtests: LoadtestSummary[];
}

const r3 = (n: number) => (Number.isFinite(n) ? Math.round(n * 1000) / 1000 : n);
const r2 = (n: number) => (Number.isFinite(n) ? Math.round(n * 100) / 100 : n);
const r4 = (n: number) => (Number.isFinite(n) ? Math.round(n * 10000) / 10000 : n);
/** A rate: to the cent from 1/s, three significant digits below (r2 kept 0.909/s as 0.91 and 0.004/s as 0). */
const rr = (n: number) => (Number.isFinite(n) && n !== 0 && Math.abs(n) < 1 ? Number(n.toPrecision(3)) : r2(n));
/**
 * Latencies past saturation and throughputs no station limits are infinite; JSON has no Infinity
 * (JSON.stringify would write null where the schema wanted a number), so they are null here.
 */
const finite = (n: number, round: (n: number) => number): number | null => (Number.isFinite(n) ? round(n) : null);

/** Network hops on an operation's critical path, and the units it passes through. */
export function pathOf(bp: Blueprint, layoutName: string, opId: string): { hops: number; units: string[] } {
  const rb = resolveBlueprint(bp);
  const r = rb.layout(layoutName);
  const root = rb.operationIndex.get(opId);
  if (!root) return { hops: 0, units: [] };
  const unitOf = (domain: string) => r.unitOfDomain.get(domain)!;
  const units = [unitOf(root.domain)];
  let hops = r.layout.gateway ? 1 : 0;
  for (const step of rb.callTree(opId).steps) {
    const from = unitOf(step.caller.domain);
    const to = unitOf(step.callee.domain);
    if (from !== to) hops += 1;
    if (!units.includes(to)) units.push(to);
  }
  return { hops, units };
}

interface Rounding {
  r2: (n: number) => number;
  r3: (n: number) => number;
  r4: (n: number) => number;
  rr: (n: number) => number;
}
const ROUNDED: Rounding = { r2, r3, r4, rr };
const EXACT: Rounding = { r2: (n) => n, r3: (n) => n, r4: (n) => n, rr: (n) => n };

/** A layout's report, its figures rounded; the exact ones are remembered for budgets (figures.ts exactFiguresOf). */
export function buildLayoutReport(bp: Blueprint, li: LayoutInputs, rate?: number): LayoutReport {
  const rounded = layoutReport(bp, li, ROUNDED, rate);
  rememberExactFigures(rounded, layoutReport(bp, li, EXACT, rate));
  return rounded;
}

/**
 * `rate`: the report's workload rate. The cost per million requests is the bill over a month of
 * requests at it, in every layout: a layout whose figures come from the DES measured 300.98/s
 * where the others were priced at 300/s exactly, so its cost per million was not comparable.
 */
function layoutReport(bp: Blueprint, li: LayoutInputs, { r2, r3, r4, rr }: Rounding, rate?: number): LayoutReport {
  const rb = resolveBlueprint(bp);
  const r = rb.layout(li.name);
  const res = li.result;
  const ops = rb.operationIndex;
  const operations: OperationFigures[] = res.operations.map((o) => {
    const p = pathOf(bp, li.name, o.id);
    const route = ops.get(o.id)?.op.route;
    return {
      id: o.id,
      route: route ? `${route.method} ${route.path}` : null,
      meanMs: finite(o.latency.mean, r3),
      p50Ms: finite(o.latency.p50, r3),
      p95Ms: finite(o.latency.p95, r3),
      p99Ms: finite(o.latency.p99, r3),
      hops: p.hops,
      units: p.units,
      maxThroughputRps: finite(li.maxThroughputByOperation[o.id] ?? 0, rr),
    };
  });
  const scenarios = [...new Set(li.faults.map((f) => f.failure))];
  return {
    name: li.name,
    style: r.layout.style ?? null,
    description: r.layout.description ?? null,
    structure: {
      gateway: r.layout.gateway?.kind ?? null,
      broker: r.layout.broker?.kind ?? null,
      units: r.units.map((u) => ({ name: u.name, replicas: u.replicas, instance: u.instance ?? null, domains: u.domains })),
      datastores: r.datastores.map((d) => ({ name: d.name, engine: d.engine, instance: d.instance ?? null, tables: d.tables })),
    },
    cost: {
      monthlyUsd: r2(res.cost.monthly.usdPerMonth),
      perMillionRequestsUsd: r4(rate !== undefined && rate > 0 ? perMillion(res.cost.monthly.usdPerMonth, rate) : res.cost.perMillionRequests),
      items: res.cost.monthly.items.map((i) => ({ ...i, instance: i.instance ?? null })),
    },
    saturation: {
      throughputRps: finite(res.saturationThroughput, rr),
      bottleneck: res.bottleneck.station,
      utilizationAtWorkload: r4(res.bottleneck.utilization),
      ...(res.saturated ? { saturated: { ...res.saturated, utilization: r4(res.saturated.utilization), ...(res.saturated.shed !== undefined ? { shed: r4(res.saturated.shed) } : {}) } } : {}),
    },
    stations: res.stations.map((s) => ({ id: s.id, utilization: r4(s.utilization) })),
    operations,
    faultIsolation: scenarios.map((sc) => {
      const row = li.faults.find((f) => f.failure === sc)!;
      return {
        scenario: sc,
        description: li.faultDescriptions?.[sc] ?? sc,
        operations: Object.entries(row.success).map(([id, s]) => ({ id, successRate: r4(s), ...(row.unfinished?.[id] ? { unfinished: row.unfinished[id] } : {}) })),
      };
    }),
    lint: {
      errors: li.lint.filter((f) => f.severity === 'error').length,
      warnings: li.lint.filter((f) => f.severity === 'warning').length,
      findings: li.lint,
    },
    sweep: (li.sweep?.points ?? []).map((p) => ({
      rateRps: rr(p.rate),
      meanMs: Number.isFinite(p.meanLatency) ? r3(p.meanLatency) : null,
      p95Ms: Number.isFinite(p.p95) ? r3(p.p95) : null,
    })),
    costCurve: li.costCurve.map((c) => ({ rateRps: rr(c.rate), monthlyUsd: r2(c.monthly.usdPerMonth), replicas: c.replicas })),
  };
}

export function buildReport(inp: ReportInputs): Report {
  const layouts = inp.layouts.map((l) => buildLayoutReport(inp.bp, l, inp.rate));
  const mix = inp.bp.workload?.mix ?? {};
  const total = Object.values(mix).reduce((s, w) => s + w, 0) || 1;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generator: inp.generator,
    blueprint: { name: inp.bp.metadata.name, title: inp.bp.metadata.title ?? inp.bp.metadata.name, file: inp.file },
    method: inp.method,
    workload: { rateRps: rr(inp.rate), mix: Object.fromEntries(Object.entries(mix).map(([k, w]) => [k, r4(w / total)])) },
    layouts,
    checklist: inp.checklist,
    loadtests: inp.loadtests,
    baseline: null,
    budgets: null,
    summary: '',
  };
}
