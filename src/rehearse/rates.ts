// The rehearsal's rate, phase by phase: pure. One rate for the whole plan is a share of the `from`
// layout's capacity, but on one shared host each extraction adds hops, processes and database
// pools, and the late layouts carry less: at the monolith's 50% they run over capacity, every
// route over its budget, and their canaries cannot be judged. So each phase runs at the requested
// share of its own capacity on this host, expected from the simulator's shared-host model (every
// process of the layout on this host's cores) scaled by what the `from` layout measured against
// what the model predicted for it; and, since that model can be far off for a layout it was not
// calibrated on, the rate is checked live before each extraction's first canary step: the layout
// in place at that rate holding its p95 budgets (overBudget) or the rate lowered (lowerRate) and
// checked again, and during each canary step: both routes over budget in the same seconds is the
// host, and the step is watched again at a lower rate (nextRateStep decides both). Rates never go
// up: each phase starts at most at the previous phase's rate.
import { analyze } from '../simulate/analytic.js';
import type { Blueprint } from '../model/schema.js';
import { MIN_P95_SAMPLES, type Trigger, type WindowStats } from './steps.js';

/** One phase's rate and why, as the rehearsal prints and reports it. */
export interface PhaseRate {
  phase: number;
  layout: string;
  /** the model's saturation rate for the phase's layout on this host's cores (null: no prediction) */
  predictedRps: number | null;
  /**
   * The capacity the phase is expected to have on this host: the lower of its layout's and the
   * previous phase's (it runs from one to the other), predicted and scaled by the `from` layout's
   * measured / predicted capacity (null: nothing measured, or no prediction).
   */
  expectedRps: number | null;
  /** the rate the phase is planned to start at (the live check may lower it: `lowered`) */
  rateRps: number;
  why: string;
  /** a fixed --rate above the phase's predicted capacity: its canary may not be judged */
  warning?: string;
  /** each lowering by the live check before the phase's first canary step */
  lowered?: { fromRps: number; toRps: number; why: string }[];
  /** the rate the phase's canary steps ran at (after any lowering); absent: the rehearsal ended before the phase */
  ranAtRps?: number;
  /**
   * What the layout in place cost at the previous phase's held 100% step (every process of the
   * rehearsal, from /proc): ms of CPU a request, at what rate, and the capacity on this host it
   * gives for this phase's layout (measuredCapacity); with a share as the rate, the phase runs
   * at most at that share of it. Absent: nothing measured yet (the first phase) or a fixed rate.
   */
  measured?: { cpuMsPerRequest: number; atRps: number; capacityRps: number };
}

/** A lowering of the live check multiplies the rate by this. */
export const LOWER_FACTOR = 0.7;
/** At most this many lowerings before one phase's first canary step. */
export const MAX_LOWERINGS = 3;
/** Never below this rate (requests per second). */
export const MIN_RATE = 1;

const r1 = (x: number) => Math.round(x * 10) / 10;

/** The model's saturation rate of a layout on a host of `cores` cores shared by all its processes; null when it cannot say. */
export function predictedOnHost(bp: Blueprint, layout: string, cores: number): number | null {
  try {
    const r = analyze(bp, layout, { host: { cores } });
    return Number.isFinite(r.saturationThroughput) && r.saturationThroughput > 0 ? r.saturationThroughput : null;
  } catch {
    return null;
  }
}

export interface RatePlanInput {
  /** the rate asked for: a share of each phase's capacity, or a fixed rate */
  rate: { fraction: number } | { rps: number };
  /** the rate the rehearsal starts at (a share of the measured capacity, or the fixed rate) */
  startRps: number;
  /** the `from` layout's measured capacity (absent with a fixed rate) */
  measuredFromRps?: number;
  /** the model's capacity of the `from` layout on this host */
  predictedFromRps: number | null;
  cores: number;
  /** the rehearsed phases in order, each with its layout's predicted capacity on this host */
  phases: { phase: number; layout: string; predictedRps: number | null }[];
}

/**
 * Each rehearsed phase's planned rate. With a share (`fraction`): that share of the phase's
 * expected capacity on this host, never above the previous phase's rate. With a fixed rate: the
 * rate, and a warning for each phase whose predicted capacity on this host (the model unscaled:
 * nothing was measured) is below it.
 */
export function phaseRates(i: RatePlanInput): PhaseRate[] {
  const scale = i.measuredFromRps !== undefined && i.predictedFromRps ? i.measuredFromRps / i.predictedFromRps : null;
  const scaleText = scale === null ? '' : `the model's ${r1(i.predictedFromRps!)}/s for the from layout against ${r1(i.measuredFromRps!)}/s measured: ×${Math.round(scale * 1000) / 1000}`;
  const out: PhaseRate[] = [];
  let rate = i.startRps;
  let prevPredicted = i.predictedFromRps;
  for (const p of i.phases) {
    const lowest = p.predictedRps === null ? prevPredicted : prevPredicted === null ? p.predictedRps : Math.min(prevPredicted, p.predictedRps);
    const base = { phase: p.phase, layout: p.layout, predictedRps: p.predictedRps === null ? null : r1(p.predictedRps) };
    prevPredicted = p.predictedRps ?? prevPredicted;
    if ('rps' in i.rate) {
      const warn = lowest !== null && lowest < i.rate.rps;
      out.push({
        ...base,
        expectedRps: null,
        rateRps: rate,
        why: `the fixed --rate ${r1(i.rate.rps)}/s`,
        ...(warn ? { warning: `phase ${p.phase} (${p.layout}): the model puts its capacity on this host's ${i.cores} cores at ${r1(lowest)}/s, below the fixed ${r1(i.rate.rps)}/s (nothing measured to scale it by: a share such as --rate 50% fits each phase's rate to its capacity); its canary may run over capacity and its p95 budgets go unjudged` } : {}),
      });
      continue;
    }
    const expected = scale !== null && lowest !== null ? lowest * scale : null;
    if (expected === null) {
      out.push({ ...base, expectedRps: null, rateRps: rate, why: `${r1(rate)}/s as before: no prediction of this phase's capacity on this host to fit the rate to` });
      continue;
    }
    const fit = Math.max(MIN_RATE, r1(expected * i.rate.fraction));
    const pct = `${r1(i.rate.fraction * 100)}%`;
    const capText = `${r1(expected)}/s, the capacity expected on this host (the model on ${i.cores} shared cores: ${r1(lowest!)}/s, the lower of this phase's layout and the one before; ${scaleText})`;
    if (fit <= rate) {
      out.push({ ...base, expectedRps: r1(expected), rateRps: fit, why: `${pct} of ${capText}` });
      rate = fit;
    } else out.push({ ...base, expectedRps: r1(expected), rateRps: rate, why: `${r1(rate)}/s as before: ${pct} of ${capText} would be ${r1(fit)}/s, and a rate is never raised` });
  }
  return out;
}

/**
 * The p95 budgets a window shows broken, on whichever unit answered: every operation with at
 * least MIN_P95_SAMPLES latencies over its budget. Before a canary step nothing has moved yet, so
 * this is the layout in place failing its budgets at the rate: the host's doing, which would leave
 * the step unjudged. One entry per operation (the tightest budget).
 */
export function overBudget(triggers: readonly Trigger[], w: WindowStats): { op: string; p95: number; budget: number; samples: number }[] {
  const budget = new Map<string, number>();
  for (const t of triggers) if (t.kind === 'p95') budget.set(t.op, Math.min(budget.get(t.op) ?? Infinity, t.aboveMs));
  const out: { op: string; p95: number; budget: number; samples: number }[] = [];
  for (const [op, b] of budget) {
    const f = w.ops[op];
    const samples = f ? (f.samples ?? f.requests) : 0;
    if (f && f.p95 !== null && samples >= MIN_P95_SAMPLES && f.p95 > b) out.push({ op, p95: f.p95, budget: b, samples });
  }
  return out.sort((a, b) => a.op.localeCompare(b.op));
}

/** The next rate down: LOWER_FACTOR of this one, to a tenth, never below MIN_RATE; null when it cannot go lower. */
export function lowerRate(rps: number): number | null {
  const next = Math.max(MIN_RATE, r1(rps * LOWER_FACTOR));
  return next < rps ? next : null;
}

export type RateStep =
  /** the layout in place held its budgets at this rate or a higher one: keep it */
  | { kind: 'hold' }
  /** over budget at a higher rate than the one now set: measure this one */
  | { kind: 'measure' }
  | { kind: 'lower'; toRps: number }
  /** a fixed rate over budget: kept, with a warning */
  | { kind: 'warn' }
  /** still over after MAX_LOWERINGS lowerings, or at MIN_RATE */
  | { kind: 'give-up' };

/**
 * The live check's next move before a phase's first canary step, from the evidence (a window
 * with a whole layout in place, taken at `evidenceRps`) and how many lowerings came before.
 */
export function nextRateStep(i: { share: boolean; rateRps: number; evidenceRps: number; overBudget: number; lowered: number }): RateStep {
  if (i.overBudget === 0) return { kind: 'hold' };
  if (i.evidenceRps > i.rateRps) return { kind: 'measure' };
  if (!i.share) return { kind: 'warn' };
  const to = i.lowered < MAX_LOWERINGS ? lowerRate(i.rateRps) : null;
  return to === null ? { kind: 'give-up' } : { kind: 'lower', toRps: to };
}

/** One line per phase for the summary: the rate it ran at and why. */
export function rateLine(r: PhaseRate): string {
  // A phase the rehearsal never reached (a rollback ended it first) only had a planned rate.
  const ran = r.ranAtRps === undefined ? `planned ${r1(r.rateRps)}/s, not reached` : `${r1(r.ranAtRps)}/s`;
  const low = r.lowered?.length ? `; lowered before its first canary step: ${r.lowered.map((l) => `${l.fromRps} → ${l.toRps}/s (${l.why})`).join(', ')}` : '';
  return `phase ${r.phase} (${r.layout}): ${ran}: ${r.why}${low}${r.warning ? `; WARNING: ${r.warning}` : ''}`;
}

/**
 * A phase's capacity on this host from what the layout in place really cost: `cpuSecondsPerRequest`
 * is the CPU of every process of the rehearsal (units, gateway, PostgreSQL, the load itself) per
 * request over the previous phase's held 100% step, so this host's `cores` carry about
 * cores / cpuSecondsPerRequest requests a second of that layout; the phase's own layout is that
 * times the model's ratio of the two (`predictedRps` / `predictedPrevRps`, at most 1: an
 * extraction adds hops and processes). The model's capacity of a layout with many processes on a
 * shared host was about twice what they measured (issue 12); the CPU they burn is not a model.
 * Null when nothing was measured.
 */
export function measuredCapacity(i: { cpuSecondsPerRequest: number; cores: number; predictedRps: number | null; predictedPrevRps: number | null }): number | null {
  if (!(i.cpuSecondsPerRequest > 0) || !(i.cores > 0)) return null;
  const ratio = i.predictedRps !== null && i.predictedPrevRps !== null && i.predictedPrevRps > 0 ? Math.min(1, i.predictedRps / i.predictedPrevRps) : 1;
  return (i.cores / i.cpuSecondsPerRequest) * ratio;
}

/** A rate check's window is waited on this much longer for its own requests' answers. */
export const BACKLOG_WAIT_MS = 6000;
/** Below this share of a window's due requests answered, the host is holding a backlog. */
export const ANSWERED_SHARE = 0.95;

/**
 * Whether a rate check's window is behind its schedule: fewer than ANSWERED_SHARE of the requests
 * due in it (its rate × its counted seconds: the open model's schedule is exact) have an answer.
 * A host holding a backlog answers seconds late, so its window has next to no latencies and no
 * p95 over budget: this is what says it is over. Never with too few due to judge (MIN_P95_SAMPLES).
 */
export function behindSchedule(answered: number, due: number): boolean {
  return due >= MIN_P95_SAMPLES && answered < ANSWERED_SHARE * due;
}
