// archsim plan: from one layout to another, phase by phase. Data in (a blueprint and options),
// data out (the plan and the overlay that holds its layouts); the CLI does the reading and
// writing. See the README's "archsim plan" section for the models behind each figure.
import { sharedDatastoreLint } from '../model/lint.js';
import { isPublic, resolveLayout } from '../model/resolve.js';
import type { Blueprint, Layout } from '../model/schema.js';
import { compile } from '../simulate/compile.js';
import { opDemands } from '../simulate/demand.js';
import { workloadFor } from '../simulate/workload.js';
import { EFFORT_MODEL, phaseEffort, type EffortModel } from './effort.js';
import { phaseFigures, type PhaseFigures } from './figures.js';
import { overloadNotes } from '../simulate/overload.js';
import { layoutInput } from './overlay.js';
import { buildPhases, withLayouts, type PhaseDraft, type PhaseMode } from './phases.js';
import type { Plan, PlanPhase } from './schema.js';
import { dataSteps, type MoveEnd } from './stores.js';
import { derivedTriggers, evaluateTrigger } from './triggers.js';
import { portHolder } from './units-check.js';

export interface PlanOptions {
  from: string;
  to: string;
  order?: string[];
  mode?: PhaseMode;
  /** developers on the migration (default: metadata.team.developers, else 3) */
  team?: number;
  /** monthly growth of the load, as a fraction */
  growth?: number;
  /** canary percentages (default 10, 50, 100) */
  canary?: number[];
  /** roll back above this error rate (default 1%) */
  maxErrorRate?: number;
  effort?: EffortModel;
  /** first day of the gantt, YYYY-MM-DD (the CLI passes today; the core reads no clock) */
  start?: string;
  /** how the commands in the plan name the overlay and the plan file */
  overlayFile?: string;
  planFile?: string;
}

export { PlanError } from './errors.js';
import { PlanError } from './errors.js';

export interface PlanOutput {
  plan: Plan;
  /** the overlay's content without `extends:` (the CLI adds the relative path) */
  overlay: { layouts: Record<string, Record<string, unknown>> };
}

export function plan(bp: Blueprint, o: PlanOptions): PlanOutput {
  for (const l of [o.from, o.to]) {
    if (!Object.hasOwn(bp.layouts, l)) throw new PlanError(`unknown layout "${l}"; layouts: ${Object.keys(bp.layouts).join(', ')}`);
  }
  if (o.from === o.to) throw new PlanError('--from and --to name the same layout: nothing to plan');
  const canary = o.canary ?? [10, 50, 100];
  const team = o.team ?? bp.metadata.team?.developers ?? 3;
  // The effort divides by the team: a team of 0 (or a fraction) was taken as 1 in silence, and the
  // plan said "team of 0" over days no team of 0 works. The loader and --team refuse it already.
  if (!(Number.isInteger(team) && team >= 1)) throw new PlanError(`a team of ${team} developers: the team is a whole number of developers, at least 1`);
  const model = o.effort ?? { ...EFFORT_MODEL };
  const maxErrorRate = o.maxErrorRate ?? 0.01;
  const built = buildPhases(bp, o.from, o.to, { mode: o.mode ?? 'auto', ...(o.order ? { order: o.order } : {}) });
  const drafts = built.phases;
  drafts.forEach((d, i) => {
    if (i < drafts.length - 1) d.layout.next = drafts[i + 1]!.name;
    else delete d.layout.next;
  });
  const all = withLayouts(bp, Object.fromEntries(drafts.map((d) => [d.name, d.layout])));
  const overlayFile = o.overlayFile ?? `${bp.metadata.name}.plan.yaml`;
  const planFile = o.planFile ?? `${bp.metadata.name}.plan.json`;
  let workload;
  try {
    workload = workloadFor(bp);
  } catch {
    workload = undefined;
  }
  const notes = [...built.notes];
  if (!workload) notes.push('the blueprint has no usable workload: no figures or load triggers');

  const source: PhaseDraft = { name: o.from, declared: o.from, layout: bp.layouts[o.from]!, extractions: [], notes: ['today’s layout'], problems: [] };
  const phases: PlanPhase[] = [];
  let day = 0;
  let prev = { gateway: !!source.layout.gateway, broker: !!source.layout.broker };
  /** the layout before this phase (whose gateway a canary runs on) */
  let before = source.layout;
  let resolvedBefore = resolveLayout(all, o.from);
  [source, ...drafts].forEach((d, index) => {
    const layoutName = d.name;
    // The figures and triggers read the workload mix's operations only: compile those.
    const compiled = workload ? compile(all, layoutName, { entries: Object.keys(workload.mix) }) : undefined;
    const pf = compiled ? phaseFigures(all, layoutName, compiled) : undefined;
    const figs = pf?.figures;
    // The workload past this phase's saturation (its rate, or its load profile's peak): the
    // figures are the mean rate's, so the phase says it, in the simulator's words.
    if (pf) d.notes.push(...overloadNotes(pf.result));
    const declaredTriggers = d.declared ? (bp.layouts[d.declared]?.triggers ?? []) : [];
    const triggerDefs = declaredTriggers.length || !figs ? declaredTriggers : derivedTriggers(bp, figs.maxUnitUtilization, figs.p95Ms);
    const demands = compiled ? opDemands(compiled) : undefined;
    const triggers = compiled && workload
      ? triggerDefs.map((t) => evaluateTrigger(t, declaredTriggers.length ? 'declared' : 'derived', { bp: all, compiled, demands, workload: workload!, ...(o.growth !== undefined ? { growth: o.growth } : {}) }))
      : triggerDefs.map((t) => ({ description: t.description, source: 'declared' as const, note: 'no workload to evaluate it against' }));
    const shared = sharedDatastoreLint(all, layoutName).map((f) => f.message);
    // A unit at either end of a table move, with its replicas (a memory store has a copy in each):
    // as the layout before has it, else as this phase does (a continuation's new name).
    const end = (unit: string): MoveEnd => ({ unit, replicas: before.units[unit]?.replicas ?? d.layout.units[unit]?.replicas ?? 1 });
    const endHere = (unit: string): MoveEnd => ({ unit, replicas: d.layout.units[unit]?.replicas ?? 1 });
    const extractions = d.extractions.map((e) => {
      // Routes from several units: listed per unit; each unit's routes shift against it. A
      // rehearsal shifts an extraction against one old unit, and the phase says so.
      const sources = (e.sources ?? []).map((x) => ({ unit: x.unit, port: x.port, routes: routesOf(bp, x.domains) })).filter((x) => x.routes.length);
      const merged = e.sources ?? [];
      if (merged.length > 1 && sources.length <= 1) {
        d.notes.push(`${e.unit} merges the domains of ${merged.length} units (${merged.map((x) => `${x.unit}: ${x.domains.join(', ')}`).join('; ')}); ${sources.length ? `only ${sources[0]!.unit}'s have routes to shift` : 'none of them has routes to shift'}, and each table's data moves from the unit that ran its domain`);
      }
      if (e.from && sources.length > 1) {
        d.notes.push(
          `${e.unit} takes routes from ${sources.length} units (${sources.map((x) => `${x.unit}: ${x.routes.join(', ')}`).join('; ')}): the canary steps and generate gateway --plan shift each unit's routes against that unit; rehearse shifts an extraction against one old unit and refuses this phase (declare a layout between them in the next: chain, where ${e.unit} takes one unit's domains, to rehearse it)`,
        );
      }
      return {
        unit: e.unit,
        domains: e.domains,
        ...(e.from ? { from: e.from } : {}),
        ...(sources.length > 1 ? { sources } : {}),
        why: e.move.why,
        score: e.move.score,
        routes: routesOf(bp, e.domains),
        // Each table's dual write is its old owner's: the source unit that ran the table's domain
        // (a target that merges units takes tables from several of them).
        data: e.tables.map((t) => ({ ...t, steps: dataSteps(t, end(ownerOf(bp, e, t.table)), endHere(e.unit)) })),
      };
    });
    // A continuing unit's tables that change store move in the same steps, said here (the
    // extractions list their own).
    const carried = (d.carried ?? []).map((c) => ({ unit: c.unit, oldUnit: c.oldUnit, data: c.tables.map((t) => ({ ...t, steps: dataSteps(t, end(c.oldUnit), endHere(c.unit)) })) }));
    for (const c of carried) {
      for (const t of c.data) {
        d.notes.push(`table ${t.table} of ${c.unit}${c.unit !== c.oldUnit ? ` (${c.oldUnit} before)` : ''} moves: ${t.from.store} (${t.from.engine}) → ${t.to.store} (${t.to.engine}), in ${countWord(t.steps.length)} steps: ${t.steps.map((x, k) => `${k + 1}. ${x}`).join('; ')}`);
      }
    }
    const withRoutes = extractions.filter((e) => e.routes.length && e.from);
    const resolvedHere = resolveLayout(all, layoutName);
    let effort: PlanPhase['effort'];
    if (index > 0) {
      const ef = phaseEffort(bp, d, { prev, before: resolvedBefore, after: resolvedHere, shifted: withRoutes.length, team, canarySteps: canary.length }, model);
      const len = ef.buildDays + ef.dataDays + ef.canaryDays;
      effort = { ...ef, startDay: day, endDay: day + len };
      day += len;
    }
    resolvedBefore = resolvedHere;
    prev = { gateway: prev.gateway || !!d.layout.gateway, broker: prev.broker || !!d.layout.broker };
    // A target declared without a gateway: the phases before it put one in front to shift routes,
    // and this phase, the target itself, has none. Its canary still runs on that gateway, which
    // then retires: every client must learn each unit's address, a change the plan must name.
    if (index > 0 && withRoutes.length && !d.layout.gateway) {
      const ports = Object.entries(d.layout.units).map(([n, u]) => `${n} ${u.port}`).join(', ');
      d.notes.push(
        before.gateway
          ? `${d.declared ?? layoutName} declares no gateway: this phase's canary runs on the ${before.gateway.kind} gateway of the layout before (port ${before.gateway.port}${borrowed(d.layout, before.gateway.port)}), which retires once the last step holds; from then on clients call each unit on its own port (${ports})`
          : `neither ${d.declared ?? layoutName} nor the layout before has a gateway: shifting routes by weight needs one in front for this phase's canary (generate gateway --plan writes its config), retired once the last step holds; clients then call each unit on its own port (${ports})`,
      );
    } else if (index > 0 && before.gateway && !d.layout.gateway) {
      // No route shifts here, but the gateway of the layout before goes: said, not dropped silently.
      const ports = Object.entries(d.layout.units).map(([n, u]) => `${n} ${u.port}`).join(', ');
      d.notes.push(`${d.declared ?? layoutName} declares no gateway: the ${before.gateway.kind} gateway of the layout before (port ${before.gateway.port}) retires with this phase; from then on clients call each unit on its own port (${ports})`);
    }
    before = d.layout;
    const gw = `archsim generate gateway ${overlayFile} --plan ${planFile} --phase ${index}`;
    const canaryOut =
      index > 0 && withRoutes.length
        ? {
            steps: canary.map((p) => ({
              percent: p,
              // A merged unit's routes: one pair per unit they come from ("edge from gamma-svc").
              weights: withRoutes.flatMap((e) =>
                e.sources
                  ? e.sources.flatMap((x) => [
                      { route: `${e.unit} from ${x.unit}`, to: e.unit, weight: p },
                      { route: `${e.unit} from ${x.unit}`, to: x.unit, weight: 100 - p },
                    ])
                  : [
                      { route: e.unit, to: e.unit, weight: p },
                      { route: e.unit, to: e.from!.unit, weight: 100 - p },
                    ],
              ),
              command: `${gw} --step ${p} --out gateway/${layoutName}/step-${p}`,
            })),
            rollback: rollbackTriggers(bp, extractions.flatMap((e) => e.domains), figs, maxErrorRate, withRoutes.map((e) => e.unit)),
            rollbackCommand: `${gw} --step 0 --out gateway/${layoutName}/rollback`,
          }
        : undefined;
    phases.push({
      index,
      layout: layoutName,
      ...(d.declared ? { declared: d.declared } : {}),
      units: Object.keys(d.layout.units),
      extractions,
      ...(carried.length ? { carried } : {}),
      notes: d.notes,
      problems: d.problems,
      sharedDatastores: shared,
      ...(figs ? { figures: planFigures(figs) } : {}),
      ...(effort ? { effort } : {}),
      ...(canaryOut ? { canary: canaryOut } : {}),
      triggers,
      layoutInput: layoutInput(d.layout),
    });
  });

  const out: Plan = {
    kind: 'archsim-plan',
    version: 1,
    blueprint: bp.metadata.name,
    from: o.from,
    to: o.to,
    mode: o.mode ?? 'auto',
    chain: built.chain,
    ...(o.order ? { pinnedOrder: o.order } : {}),
    order: built.moves.map((m) => ({ unit: m.unit, why: m.why })),
    risks: built.risks,
    notes,
    team,
    ...(o.growth !== undefined ? { growthPerMonth: o.growth } : {}),
    canaryPercents: canary,
    maxErrorRate,
    effortModel: { ...model },
    method: 'analytic',
    phases,
    totals: { personDays: round(phases.reduce((s, p) => s + (p.effort?.personDays ?? 0), 0)), calendarDays: day },
    gantt: '',
    howObtained:
      'Figures: archsim’s analytic queueing network on the blueprint’s workload, per phase layout (the same as archsim simulate OVERLAY --layout phase-N --method analytic). Fault isolation: the share of the workload whose synchronous path avoids a unit, averaged over each unit down. Effort: the documented effort model (README), not a measurement.',
  };
  out.gantt = gantt(out, o.start ?? DEFAULT_GANTT_START);
  out.figuresHost = FIGURES_HOST;
  return { plan: out, overlay: { layouts: Object.fromEntries(drafts.map((d) => [d.name, layoutInput(d.layout)])) } };
}

/**
 * Where the borrowed gateway cannot keep its port: a unit (datastore, broker) of the phase listens
 * there, so `generate gateway --plan` writes it on a free port (phaseLayout() borrows it only
 * where the port is free).
 */
function borrowed(layout: Layout, port: number): string {
  const holder = portHolder(layout, port);
  return holder === undefined ? '' : `, which ${holder} takes in this layout: generate gateway --plan writes the canary's gateway on a free port instead`;
}

function routesOf(bp: Blueprint, domains: string[]): string[] {
  return domains.flatMap((d) =>
    Object.values(bp.system.domains[d]!.operations)
      .filter(isPublic)
      .map((op) => `${op.route!.method} ${op.route!.path}`),
  );
}

/** The unit of the layout before that ran the domain a table belongs to (a merged target's sources), else the extraction's route source. */
function ownerOf(bp: Blueprint, e: { from?: { unit: string } | undefined; sources?: { unit: string; domains: string[] }[] }, table: string): string {
  const domain = Object.entries(bp.system.domains).find(([, d]) => d.tables?.includes(table))?.[0];
  return (domain !== undefined ? e.sources?.find((x) => x.domains.includes(domain))?.unit : undefined) ?? e.from?.unit ?? 'the old unit';
}

function rollbackTriggers(bp: Blueprint, domains: string[], figs: PhaseFigures | undefined, maxErrorRate: number, units: string[]) {
  const out: NonNullable<PlanPhase['canary']>['rollback'] = [];
  for (const d of domains) {
    for (const [n, op] of Object.entries(bp.system.domains[d]!.operations)) {
      const b = op.budget?.p95;
      if (b === undefined || !isPublic(op)) continue;
      const id = `${d}.${n}`;
      const predicted = figs?.p95Ms[id];
      out.push({ metric: `latency.p95(${id})`, above: b, description: `p95 of ${id} above its ${b} ms budget`, ...(predicted !== undefined ? { predicted: finite(predicted) } : {}) });
    }
  }
  for (const u of units) out.push({ metric: `error_rate(${u})`, above: maxErrorRate, description: `errors on ${u}'s routes above ${round(maxErrorRate * 100)}%` });
  return out;
}

/** The first day of a gantt given no start (the core reads no clock). */
export const DEFAULT_GANTT_START = '2026-01-05';

/**
 * A Mermaid gantt: per phase, build, data and canary one after the other. Its durations are the
 * effort model's working days (the plan says "about N working days"), so weekends are excluded:
 * without it Mermaid counted calendar days and the chart ended about two sevenths too early.
 */
export function gantt(p: Plan, start: string, names: GanttNames = { text: safe, task: safe }): string {
  const L = ['gantt', `    title ${names.text(`${p.blueprint} ${p.from} to ${p.to}`)}`, '    dateFormat YYYY-MM-DD', '    axisFormat %d %b', '    excludes weekends'];
  let prevId: string | undefined;
  for (const ph of p.phases) {
    if (!ph.effort) continue;
    // Task ids are made from the phase's index (an integer, by the plan's schema), never read.
    const index = Math.trunc(ph.index);
    const units = ph.extractions.map((e) => e.unit).join(' ') || 'layout change';
    L.push(`    section ${names.text(`${ph.layout} ${units}`) || 'phase'}`);
    const tasks: [string, number][] = [
      [`build ${units}`, ph.effort.buildDays],
      ['move data', ph.effort.dataDays],
      [`canary ${p.canaryPercents.join(' ')}`, ph.effort.canaryDays],
    ];
    let any = false;
    tasks.forEach(([name, days], k) => {
      if (!(Number.isFinite(days) && days > 0)) return;
      const id = `p${index}t${k}`;
      L.push(`    ${names.task(name)} :${id}, ${prevId ? `after ${prevId}` : start}, ${days}d`);
      prevId = id;
      any = true;
    });
    if (!any) {
      const id = `p${index}m`;
      L.push(`    ${names.task(`${ph.layout} in place`)} :milestone, ${id}, ${prevId ? `after ${prevId}` : start}, 0d`);
      prevId = id;
    }
  }
  return L.join('\n') + '\n';
}

/** How a gantt's words are made safe: the title and sections (`text`), and task names (`task`). */
export type GanttNames = { text: (s: string) => string; task: (s: string) => string };

/** Mermaid gantt text: no colon, hash or semicolon (they end a task name or start a comment). */
function safe(s: string): string {
  return s.replace(/[:#;%\n\r]/g, ' ').replace(/\s+/g, ' ').trim();
}

const round = (x: number) => Math.round(x * 100) / 100;

/** "in five steps" (a relational move), "in four steps" (out of a memory store). */
const countWord = (n: number) => ['zero', 'one', 'two', 'three', 'four', 'five', 'six'][n] ?? String(n);

/**
 * A latency as the plan holds it: null where the simulator has no finite value (the layout is
 * over capacity at the workload's rate). JSON has no Infinity: JSON.stringify wrote null, and
 * every reader of the plan file (rehearse, report --plan, generate --plan) then refused it.
 */
const finite = (x: number): number | null => (Number.isFinite(x) ? round(x) : null);

/** The figures as the plan holds them: unbounded latencies as null (see finite()), the rest as computed. */
function planFigures(f: PhaseFigures): NonNullable<PlanPhase['figures']> {
  return {
    ...f,
    meanMs: Number.isFinite(f.meanMs) ? f.meanMs : null,
    p95Ms: Object.fromEntries(Object.entries(f.p95Ms).map(([k, v]) => [k, Number.isFinite(v) ? v : null])),
  };
}

/**
 * What the per-phase figures assume about hosts, said in every output of the plan: the simulator
 * gives each unit its catalog instance (a machine per unit), while `archsim rehearse` runs every
 * unit of a phase on one host, where each extraction adds processes and hops on the same cores
 * and a late phase carries less than the source layout, not more as these figures may say.
 */
export const FIGURES_HOST =
  'These figures assume a machine per unit (each unit on its own catalog instance, the simulator’s default), not one shared host. archsim rehearse runs every unit of a phase on one host: there each extraction adds processes and network hops on the same cores, so a later phase’s capacity is lower than on its own machines, often lower than the source layout’s (for one host of N cores: archsim simulate OVERLAY --layout phase-N --host-cores N; the rehearsal fits its rate to each phase’s capacity on its host).';
