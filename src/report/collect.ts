// Compute everything a report shows, from the blueprint alone: analytic latencies and
// saturation (deterministic, so baselines diff exactly), fault isolation from the scenario
// runs (seeded DES), load and cost curves, lint, checklist and diagrams. Pure.
import type { Blueprint } from '../model/schema.js';
import { rateText } from '../words.js';
import { checklist as runChecklist } from '../model/checklist.js';
import { lint } from '../model/lint.js';
import { toMermaid } from '../model/mermaid.js';
import { namedApproximations, REVISIT_DES_RHO, saturation } from '../simulate/analytic.js';
import { closedWorkloadError } from '../simulate/closed-workload.js';
import { figuresAtRate } from '../simulate/at-rate.js';
import { compile } from '../simulate/compile.js';
import { costAt } from '../simulate/cost.js';
import { opDemands } from '../simulate/demand.js';
import { saturatedWarning } from '../simulate/overload.js';
import type { Scenario } from '../simulate/scenario.js';
import { runFaults } from '../simulate/fault-runs.js';
import { unfinishedNotes } from '../simulate/simulate.js';
import { sweepAnalytic } from '../simulate/sweep.js';
import type { FaultRow } from '../simulate/types.js';
import { workloadFor } from '../simulate/workload.js';
import { buildReport, type LayoutInputs } from './build.js';
import type { LoadtestSummary, Report } from './schema.js';

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
  /** layouts whose figures at the rate come from the DES (the analytic ones would rest on the revisit model near saturation) */
  const simulated: string[] = [];
  /** layouts whose figures come from a DES of the workload's load profile (its peak passes their saturation) */
  const profiled: string[] = [];
  const layouts: LayoutInputs[] = o.layouts.map((l) => {
    const c = compiled.get(l)!;
    const fig = figuresAtRate(bp, l, rate, { compiled: c, ...(w.kind === 'open' && w.profile ? { profile: w.profile } : {}) });
    const result = fig.result;
    if (fig.note) {
      notes.push(fig.note);
      (fig.result.workload.kind === 'open' && fig.result.workload.profile ? profiled : simulated).push(l);
    }
    if (result.saturated) notes.push(`${l} at ${rateText(rate)}: ${saturatedWarning(result.saturated)}`);
    const approx = namedApproximations(result);
    for (const w of approx) notes.push(`${l} at ${rateText(rate)}: ${w}`);
    if (approx.length) approximated.push(l);
    const d = opDemands(c);
    const maxThroughputByOperation: Record<string, number> = {};
    for (const op of result.operations) maxThroughputByOperation[op.id] = saturation(c, d, { [op.id]: 1 }).rate;
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
    method: `Latencies and throughputs from the analytic queueing model (exact means for the M/M/c network, percentiles by a gamma approximation${approximated.length ? `; in ${approximated.join(', ')} a station is revisited by one request or replicas share work by least connections, which the model approximates (the notes \`archsim report\` prints name each approximation and its known bound; \`archsim simulate --method des\` gives simulated figures)` : ''})${simulated.length ? `; at ${rate}/s in ${simulated.join(', ')} from seeded discrete-event runs instead (a station there is revisited by one request at ρ ≥ ${REVISIT_DES_RHO}, where the analytic revisit model is least accurate; the load curves stay analytic)` : ''}${profiled.length ? `; in ${profiled.join(', ')} from seeded discrete-event runs of the load profile over the workload's duration (its peak passes their saturation rate, which the analytic method, solved at the mean rate of ${rateText(rate)}, cannot show; the load curves stay analytic)` : ''}${faultsRun ? '; fault isolation from seeded discrete-event runs of the failure scenarios' : ''}.`,
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
  const diagrams = Object.fromEntries(o.layouts.map((l) => [l, toMermaid(bp, l)]));
  return { report, diagrams, notes };
}

function round(n: number): number {
  return n >= 100 ? Math.round(n) : Math.round(n * 10) / 10;
}
