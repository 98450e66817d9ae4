// `archsim rehearse`: the plan file read as hostile input, the step planner's actions, then the
// live runner (or, with --dry-run, the actions printed). Exit 1 when a step was rolled back, a
// request failed, a message was lost or left undelivered, a unit kept crashing (supervision
// gave up on it), a table move's step failed (a backfill or verify that found the copies different, a cut-over or drop not done), or the load ended before the steps did. A crash that was restarted is reported, not a failure by itself.
import { loadBlueprint } from '../../io/load.js';
import { InputError } from '../../errors.js';
import { readPlanFile } from '../../rehearse/plan-file.js';
import { terminalText } from '../../model/diagnostics.js';
import { describeAction, rehearsalSteps, StepsError } from '../../rehearse/steps.js';
import { durationFlag, intFlag, listFlag, percentFlag, rateFlag } from '../flags.js';
import { EXIT, err, out, printJson, table, UsageError } from '../io.js';
import { rateFigure } from '../../words.js';
import type { RehearsalReport } from '../../rehearse/runner.js';

export interface RehearseFlags {
  plan: string;
  rate?: string;
  stepDuration?: string;
  drain?: string;
  warmup?: string;
  phases?: string;
  portOffset?: string;
  dryRun?: boolean;
  json?: boolean;
}

/**
 * The rehearsal's first line, its rates spelled as every table spells one (rateFigure: "16.7/s";
 * --rate 1k/min printed "16.666666666666668/s").
 */
export function rehearsalTitle(r: Pick<RehearsalReport, 'blueprint' | 'from' | 'rateRps' | 'capacityRps' | 'seconds'>, lowered: boolean): string {
  return `Rehearsal of ${r.blueprint} from ${r.from} at ${rateFigure(r.rateRps)}${lowered ? ' at first' : ''}${r.capacityRps !== undefined ? ` (capacity ${rateFigure(r.capacityRps)})` : ''}, ${r.seconds} s`;
}

/**
 * Tests only: ARCHSIM_REHEARSE_BREAK=<unit> starts that unit with the fault "answer-500" (every
 * public route answers 500), to show a broken step being rolled back. Never set in production.
 */
export const BREAK_ENV = 'ARCHSIM_REHEARSE_BREAK';

export async function action(file: string, f: RehearseFlags): Promise<number> {
  const stepMs = durationFlag('--step-duration', f.stepDuration ?? '6s');
  const drainMs = durationFlag('--drain', f.drain ?? '2s', { zero: true });
  const warmupS = durationFlag('--warmup', f.warmup ?? '5s', { zero: true }) / 1000;
  const rateText = f.rate ?? '50%';
  let rate: { fraction: number } | { rps: number };
  if (/%\s*$/.test(rateText)) {
    const fraction = percentFlag('--rate', rateText);
    if (!(fraction > 0)) throw new UsageError(`--rate ${rateText}: expected a share of capacity above 0%`);
    rate = { fraction };
  } else rate = { rps: rateFlag('--rate', rateText) };
  const phases = f.phases !== undefined ? listFlag(f.phases).map((p) => intFlag('--phases', p, 1)) : undefined;
  const portOffset = intFlag('--port-offset', f.portOffset ?? '0', 0, 30_000);
  const { blueprint } = loadBlueprint(file);
  const read = readPlanFile(f.plan, blueprint);
  if (!read.ok) {
    if ('errors' in read) throw new InputError(read.errors);
    throw new UsageError(`--plan ${f.plan}: ${read.message}`);
  }
  let actions;
  try {
    actions = rehearsalSteps(read.plan, blueprint, { stepMs, drainMs, ...(phases ? { phases } : {}) });
  } catch (e) {
    if (e instanceof StepsError) throw new UsageError(`--plan ${f.plan}: ${e.message}`);
    throw e;
  }
  if (f.dryRun) {
    if (f.json) printJson({ actions });
    // A plan's text (domains, tables, stores) is shown, never obeyed: no control character reaches
    // the terminal raw.
    else for (const a of actions) out(terminalText(describeAction(a)));
    return EXIT.ok;
  }
  const { rehearse, unjudgedLine } = await import('../../rehearse/runner.js');
  const { rateLine } = await import('../../rehearse/rates.js');
  const breakUnit = process.env[BREAK_ENV];
  if (breakUnit) err(`archsim: ${BREAK_ENV}=${breakUnit}: that unit answers 500 on purpose (tests only)`);
  const r = await rehearse(file, read.plan, actions, { rate, warmupS, portOffset, ...(breakUnit ? { breakUnit } : {}), onLine: (l) => err(terminalText(l)) });
  const lost = r.messages.reduce((s, m) => s + m.lost + m.undelivered, 0);
  // A move step that failed (a backfill or a verify that found the copies different, a cut-over
  // or a drop that did not happen) is a failed rehearsal.
  const badMoves = r.dataMoves.filter((m) => m.error !== undefined || (m.backfill && !m.backfill.verified) || (m.steps ?? []).some((x) => x.ran && x.ok === false)).length;
  if (f.json) printJson(r);
  else {
    const lowered = r.phaseRates.some((x) => (x.ranAtRps ?? x.rateRps) < r.rateRps);
    out(terminalText(rehearsalTitle(r, lowered)));
    // The rate each phase ran at and why (a share fits each phase's capacity on this host).
    if (r.phaseRates.length) {
      out('rate by phase:');
      for (const x of r.phaseRates) out(`  ${rateLine(x)}`);
    }
    out(
      table(
        ['step', 'rate /s', 'window s', 'requests', 'errors', 'p50 ms', 'p95 ms', 'all requests', 'all errors', 'outcome'],
        r.steps.map((s) => [
          s.kind === 'weights' ? `phase ${s.phase}: ${s.unit} ${s.percent}%` : s.kind === 'start-unit' ? `phase ${s.phase}: start ${s.unit}` : `phase ${s.phase}: retire ${s.unit}`,
          s.rateRps ?? '–',
          s.seconds,
          s.requests,
          s.errors,
          s.p50 ?? '–',
          s.p95 ?? '–',
          s.all.requests,
          s.all.errors,
          [...(Object.keys(s.failures).length ? [`failed: ${Object.entries(s.failures).map(([k, n]) => `${k} ×${n}`).join(', ')}`] : []), s.rolledBack ? `ROLLED BACK after ${(s.rolledBack.afterMs / 1000).toFixed(1)} s (${s.breaches.map((b) => `${b.description}: ${b.value}${b.oldP95 !== undefined ? ` ms, old unit ${b.oldP95 ?? '–'} ms in the same seconds` : ''}`).join('; ')}; ${s.rolledBack.errorsCaused} errors caused)` : s.rewatchedAtRps !== undefined ? `both routes over budget: watched again at ${s.rewatchedAtRps}/s` : 'held', ...(s.notJudged ?? []).map((x) => `not judged: ${x.description} (${x.why})`), ...(s.kind === 'weights' && s.byUnit ? [`p95 by unit: ${Object.entries(s.byUnit).map(([u, f]) => `${u} ${f.p95 ?? '–'} ms of ${f.requests}`).join(', ')}`] : []), ...(s.extendedMs ? [`watched ${(s.extendedMs / 1000).toFixed(1)} s longer for the new route's latencies`] : []), ...(s.supervision ?? []).map((e) => `${e.unit} ${e.kind}`)].join('; '),
        ]),
      ),
    );
    out('');
    out(table(['event', 'acknowledged', 'recorded', 'delivered', 'lost', 'undelivered'], r.messages.map((m) => [m.event, m.acknowledged, m.recorded, m.delivered, m.lost, m.undelivered])));
    out('');
    out(`requests ${r.totals.requests}, failed ${r.totals.errors}${r.totals.errors ? ` (${Object.entries(r.totals.errorKinds).map(([k, n]) => `${k} ${n}`).join(', ')})` : ''}`);
    // Which operation got which status, and in which step: the cause of a failure starts there.
    if (r.totals.errors) out(`failed by operation and status: ${Object.entries(r.totals.failures).map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    const unjudged = unjudgedLine(r.steps);
    if (unjudged) out(unjudged);
    if (r.loadEnded) out(`LOAD ENDED at ${r.loadEnded.atS} s, before the steps were done: the rehearsal stopped at phase ${r.loadEnded.phase ?? '–'} (failed)`);
    if (r.baselineFailed) out(`BASELINE FAILS: the warm-up failed ${Math.round(r.baselineFailed.errorRate * 1000) / 10}% of its ${r.baselineFailed.requests} requests before any change (the plan's error-rate trigger: above ${Math.round(r.baselineFailed.above * 1000) / 10}%): no step ran (failed)`);
    if (r.supervision.length) {
      out('');
      out(table(['at s', 'unit', 'event', 'detail'], r.supervision.map((e) => [e.atS, e.unit, e.kind, e.detail])));
    }
    if (r.failedUnits.length) out(`units that kept crashing (supervision gave up): ${r.failedUnits.join(', ')}`);
    if (r.dataMoves.length) {
      out('');
      out(
        table(
          ['phase', 'table', 'move', 'steps run (at s)', 'not run', 'backfill rows', 'verify rows', 'verify', 'writes held ms'],
          r.dataMoves.map((m) => {
            const st = (name: string) => (m.steps ?? []).find((x) => x.step === name);
            const verify = st('verify');
            return [
              m.phase,
              m.table,
              `${m.from} → ${m.to}`,
              (m.steps ?? []).filter((x) => x.ran).map((x) => `${x.step}${x.ok === false ? ' FAILED' : ''} (${x.atS})`).join(', ') || 'none',
              (m.steps ?? []).filter((x) => !x.ran).map((x) => x.step).join(', ') || '–',
              m.backfill?.rows ?? '–',
              verify?.rows ?? '–',
              verify?.ran ? (verify.ok ? 'counts and checksums equal' : verify.detail) : m.error ? `FAILED: ${m.error}` : `not done: ${m.notPerformed ?? 'not reached'}`,
              st('cut over')?.ms ?? '–',
            ];
          }),
        ),
      );
    }
    for (const n of r.notes) out(`- ${n}`);
  }
  return r.rolledBack || lost > 0 || r.totals.errors > 0 || r.failedUnits.length > 0 || badMoves > 0 || r.loadEnded || r.baselineFailed ? EXIT.failed : EXIT.ok;
}
