// Compute everything a report shows, from the blueprint alone: analytic latencies and
// saturation (deterministic, so baselines diff exactly), fault isolation from the scenario
// runs (seeded DES), load and cost curves, lint, checklist and diagrams. Pure.
import type { Blueprint } from '../model/schema.js';
import { rateText } from '../words.js';
import { checklist as runChecklist } from '../model/checklist.js';
import { lint } from '../model/lint.js';
import { resolveBlueprint, type ResolvedBlueprint } from '../model/resolve.js';
import { toMermaid } from '../model/mermaid.js';
import { namedApproximations, saturation } from '../simulate/analytic.js';
import { closedWorkloadError } from '../simulate/closed-workload.js';
import { figuresAtRate } from '../simulate/at-rate.js';
import { compile, type Compiled } from '../simulate/compile.js';
import { costAt } from '../simulate/cost.js';
import { opDemands, type OpDemand } from '../simulate/demand.js';
import { saturatedWarning } from '../simulate/overload.js';
import type { Scenario } from '../simulate/scenario.js';
import { runFaults } from '../simulate/fault-runs.js';
import { unfinishedNotes } from '../simulate/simulate.js';
import { sweepAnalytic } from '../simulate/sweep.js';
import type { FaultRow } from '../simulate/types.js';
import { workloadFor } from '../simulate/workload.js';
import { buildReport, type LayoutInputs } from './build.js';
import type { DesRun, LoadtestSummary, OperationFigures, Report } from './schema.js';

export interface CollectOptions {
  file: string;
  generator: string;
  layouts: string[];
  rate?: number;
  scenarios: Scenario[];
  loadtests: LoadtestSummary[];
  /** file:line:col of a blueprint path, for lint findings */
  locate?: (path: (string | number)[]) => { file: string; line: number; col: number };
  /** readiness checklist answers (question id → yes/no), as `checklist --answers` takes them */
  answers?: Record<string, boolean>;
  /** points on the load and cost curves */
  points?: number;
}

export interface Collected {
  report: Report;
  diagrams: Record<string, string>;
  notes: string[];
}

export function collect(bp: Blueprint, o: CollectOptions): Collected {
  const w = workloadFor(bp, o.rate !== undefined ? { rate: o.rate } : {});
  const notes: string[] = [];
  const compiled = new Map(o.layouts.map((l) => [l, compile(bp, l)]));
  if (w.kind === 'closed') throw closedWorkloadError(bp, w, compiled, 'a report compares layouts');
  const rate = w.rate!;
  const sat = new Map(o.layouts.map((l) => [l, saturation(compiled.get(l)!, opDemands(compiled.get(l)!), w.mix)]));
  // One x axis for every layout's curves: up to 1.25 × the highest saturation point.
  const top = Math.max(rate * 2, ...[...sat.values()].map((s) => (Number.isFinite(s.rate) ? s.rate : 0))) * 1.25;
  const n = o.points ?? 24;
  const rates = Array.from({ length: n }, (_, i) => round(((i + 1) * top) / n));
  /**
   * A layout's rates: the shared ones, and where fewer than two of them (no line) lie below its
   * saturation (a rate far past it stretches the axis), a third as many again below it (8 of the
   * default 24; none for a curve of fewer than 6 points, kept as coarse as asked). With only the
   * shared ones, a layout saturating at 750/s on an axis stepped by 833/s had nothing to draw.
   */
  const extra = Math.floor(n / 3);
  const ratesOf = (l: string): number[] => {
    const s = sat.get(l)!.rate;
    if (extra < 2 || !(Number.isFinite(s) && s > 0) || rates.filter((x) => x < s).length >= 2) return rates;
    const below = Array.from({ length: extra }, (_, i) => round(((i + 1) * s) / (extra + 1))).filter((x) => x > 0);
    return [...new Set([...below, ...rates])].sort((a, b) => a - b);
  };

  // Fault isolation: every scenario on every layout (a scenario that fits none throws).
  const runs = runFaults(bp, o.layouts, o.scenarios, { seed: 1, ...(o.rate !== undefined ? { workload: { rate: o.rate } } : {}) });
  notes.push(...runs.notes, ...unfinishedNotes(runs.rows));
  /** layouts whose analytic figures rest on a named approximation (the report's method line says so) */
  const approximated: string[] = [];
  /** each DES run behind figures at the rate (a layout the analytic figures would misstate, or a load profile past saturation): why, and what was run */
  const desRuns: DesRun[] = [];
  /** layout → operation → where its time and work go (OperationWork) */
  const work = new Map<string, Map<string, OperationWork>>();
  const layouts: LayoutInputs[] = o.layouts.map((l) => {
    const c = compiled.get(l)!;
    const fig = figuresAtRate(bp, l, rate, { compiled: c, ...(w.kind === 'open' && w.profile ? { profile: w.profile } : {}) });
    const result = fig.result;
    if (fig.note) notes.push(fig.note);
    if (fig.des) desRuns.push({ layout: l, figures: fig.result.workload.kind === 'open' && fig.result.workload.profile !== undefined ? 'load profile' : 'at the rate', ...fig.des });
    if (result.saturated) notes.push(`${l} at ${rateText(rate)}: ${saturatedWarning(result.saturated)}`);
    const approx = namedApproximations(result);
    for (const w of approx) notes.push(`${l} at ${rateText(rate)}: ${w}`);
    if (approx.length) approximated.push(l);
    const d = opDemands(c);
    const maxThroughputByOperation: Record<string, number> = {};
    const alone = new Map<string, string>();
    for (const op of result.operations) {
      const s = saturation(c, d, { [op.id]: 1 });
      maxThroughputByOperation[op.id] = s.rate;
      if (s.station) alone.set(op.id, s.station);
    }
    work.set(l, operationWork(bp, c, d, alone));
    const faults: FaultRow[] = runs.rows.filter((f) => f.layout === l);
    const faultDescriptions = Object.fromEntries(faults.map((f) => [f.failure, runs.descriptions[f.failure]!]));
    const findings = lint(bp, l).filter((f) => f.layout === undefined || f.layout === l);
    return {
      name: l,
      result,
      maxThroughputByOperation,
      sweep: sweepAnalytic(bp, l, ratesOf(l)),
      faults,
      faultDescriptions,
      // Only the loads the layout can hold: past the rate where a station replicas do not scale
      // (a datastore, the gateway, the broker) saturates, no number of replicas holds it, and a
      // price there (the replicas' cost alone) read as a cost of holding it. At exactly its
      // saturation rate (ρ = 1, however rounded) it does not hold either.
      costCurve: ratesOf(l).map((x) => costAt(bp, l, x, { compiled: c })).filter((t) => t.limits.every((s) => s.utilization < 1 - 1e-9)),
      lint: findings.map((f) => {
        const p = o.locate?.(f.path);
        return { rule: f.rule, severity: f.severity, message: f.message, where: p ? `${p.file}:${p.line}:${p.col}` : null };
      }),
    };
  });

  // The method line says only what was run: with no scenario (`--no-faults`, or none chosen)
  // there is no fault isolation to account for.
  const faultsRun = o.scenarios.length > 0;
  const ck = runChecklist({ blueprint: bp, ...(o.answers ? { answers: o.answers } : {}) });
  const report = buildReport({
    bp,
    file: o.file,
    generator: o.generator,
    method: methodLine(rate, approximated, desRuns, faultsRun),
    rate,
    layouts,
    checklist: {
      score: ck.score,
      of: ck.total,
      recommendation: ck.recommendation.text,
      firstToExtract: ck.firstExtraction ? (ck.firstExtraction.unit ? `${ck.firstExtraction.domain} (${ck.firstExtraction.unit})` : ck.firstExtraction.domain) : null,
      derived: ck.items.filter((i) => i.source === 'derived').map((i) => `${i.text}: ${i.checked ? 'yes' : 'no'} (${i.derived?.reason ?? ''})`),
      answered: ck.items.filter((i) => i.source === 'answer').map((i) => `${i.text}: ${i.checked ? 'yes' : 'no'}`),
    },
    loadtests: o.loadtests,
  });
  for (const l of report.layouts) for (const op of l.operations) Object.assign(op, work.get(l.name)?.get(op.id) ?? {});
  const diagrams = Object.fromEntries(o.layouts.map((l) => [l, toMermaid(bp, l)]));
  // The runs beside the method line that names them (JSON keys in a stable order).
  const { schemaVersion, generator, blueprint, method, ...rest } = report;
  const withRuns: Report = desRuns.length ? { schemaVersion, generator, blueprint, method, desRuns, ...rest } : report;
  return { report: withRuns, diagrams, notes };
}

type OperationWork = Pick<OperationFigures, 'pathMs' | 'delayMs' | 'workMs' | 'bottleneck' | 'payloads'>;

/**
 * Where one request of each operation spends its time and puts its work, and the payload sizes
 * that work depends on (schema.ts OperationFigures): what a baseline diff names as the cause of
 * a changed figure (baseline.ts), since a baseline is a report and holds no blueprint. Times in
 * ms to 4 decimals (0.1 µs), only where nonzero; stations as the report lists them.
 */
function operationWork(bp: Blueprint, c: Compiled, d: Map<string, OpDemand>, bottleneck: Map<string, string>): Map<string, OperationWork> {
  const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
  const rb = resolveBlueprint(bp);
  const out = new Map<string, OperationWork>();
  for (const [id, od] of d) {
    const pathMs: Record<string, number> = {};
    for (const v of od.visits) {
      const s = c.stations[v.station]!;
      if (s.kind !== 'driver') pathMs[s.id] = (pathMs[s.id] ?? 0) + v.mean;
    }
    const workMs: Record<string, number> = {};
    c.stations.forEach((s, i) => {
      if (s.kind !== 'driver' && od.loadDemand[i]! > 0) workMs[s.id] = r4(od.loadDemand[i]!);
    });
    for (const k of Object.keys(pathMs)) if (!(pathMs[k] = r4(pathMs[k]!))) delete pathMs[k];
    out.set(id, { pathMs, delayMs: r4(od.delayMean), workMs, ...(bottleneck.has(id) ? { bottleneck: bottleneck.get(id)! } : {}), payloads: payloadsOf(rb, id) });
  }
  return out;
}

/**
 * The payload sizes one request of `id` moves, in bytes: the request and response of every
 * operation of its call tree, and the message of every event they emit, with what those
 * events' consumers call and emit in turn. Keyed "<op> request", "<op> response", "event <name>".
 */
function payloadsOf(rb: ResolvedBlueprint, id: string): Record<string, number> {
  const out: Record<string, number> = {};
  const seen = new Set<string>();
  const visit = (root: string) => {
    if (seen.has(root) || !rb.operationIndex.has(root)) return;
    seen.add(root);
    for (const opId of rb.callTree(root).runs.keys()) {
      const op = rb.operationIndex.get(opId);
      if (!op) continue;
      out[`${opId} request`] = op.op.request;
      out[`${opId} response`] = op.op.response;
      for (const e of op.op.emits) {
        const ev = rb.events.get(e);
        if (!ev) continue;
        out[`event ${e}`] = ev.payload;
        for (const consumer of ev.consumers) visit(consumer);
      }
    }
  };
  visit(id);
  return out;
}

/**
 * How the figures were computed, layout by layout, in one line (markdown and HTML show it under
 * the workload; baseline.ts layoutMethods reads its layout lists back, so their clauses keep
 * their form: "; at R/s in a, b from seeded discrete-event runs instead (" and "; in a, b from
 * seeded discrete-event runs of the load profile"). Each DES layout's own reason, as its note
 * gives it: the line said "a station there is revisited … at ρ ≥ 0.7" of every one, where a
 * layout's reason was the event work its requests bring (pg at 40.6%). Then what was run.
 */
function methodLine(rate: number, approximated: string[], runs: DesRun[], faultsRun: boolean): string {
  const simulated = runs.filter((x) => x.figures === 'at the rate');
  const profiled = runs.filter((x) => x.figures === 'load profile').map((x) => x.layout);
  const reasons = simulated.length === 1 ? simulated[0]!.reason : simulated.map((x) => `${x.layout}: ${x.reason}`).join('; ');
  return (
    `Latencies and throughputs from the analytic queueing model (exact means for the M/M/c network, percentiles by a gamma approximation${approximated.length ? `; in ${approximated.join(', ')} a station is revisited by one request or replicas share work by least connections, which the model approximates (the notes \`archsim report\` prints name each approximation and its known bound; \`archsim simulate --method des\` gives simulated figures)` : ''})` +
    (simulated.length ? `; at ${rate}/s in ${simulated.map((x) => x.layout).join(', ')} from seeded discrete-event runs instead (${reasons}; the load curves stay analytic)` : '') +
    (profiled.length ? `; in ${profiled.join(', ')} from seeded discrete-event runs of the load profile over the workload's duration (its peak passes their saturation rate, which the analytic method, solved at the mean rate of ${rateText(rate)}, cannot show; the load curves stay analytic)` : '') +
    (faultsRun ? '; fault isolation from seeded discrete-event runs of the failure scenarios' : '') +
    '.' +
    (runs.length ? ` Discrete-event runs for the figures at the rate: ${runs.map((x) => `${x.layout} ${x.requests} simulated requests in ${x.replications} replications, seed ${x.seed}`).join('; ')}.` : '')
  );
}

function round(n: number): number {
  return n >= 100 ? Math.round(n) : Math.round(n * 10) / 10;
}
