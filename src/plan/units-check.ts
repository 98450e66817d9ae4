// A plan file's units against the layouts they name. A plan is input like any other (users keep
// them, edit them, pass them around): its canaries' unit names and ports go into gateway
// configurations (`generate gateway --plan`) and into what a rehearsal starts, stops and prints.
// Each extraction that moves routes must name a unit of its phase's layout, and each old side
// (`from`, every `sources` entry) a unit of that phase or of the one before it (a retired unit
// keeps its place there until the canary ends) on that unit's port. Pure: problems come back as
// paths into the plan and messages that never quote the value (it may be terminal or config text).
import type { Blueprint } from '../model/schema.js';
import { Layout } from '../model/schema.js';
import type { Plan } from './schema.js';

export interface PlanUnitProblem {
  path: (string | number)[];
  message: string;
}

/**
 * A phase's layout: the blueprint's (a declared one, or the plan's overlay's), else the plan's own
 * copy (`layoutInput`, its `next:` left out: it names a layout of the overlay). `own` says which.
 */
export function phaseLayout(bp: Blueprint, phase: Plan['phases'][number]): { ok: true; layout: Layout; own: boolean } | { ok: false; message: string } {
  if (Object.hasOwn(bp.layouts, phase.layout)) return { ok: true, layout: bp.layouts[phase.layout]!, own: false };
  const parsed = Layout.safeParse({ ...phase.layoutInput, next: undefined });
  return parsed.success ? { ok: true, layout: parsed.data, own: true } : { ok: false, message: `phase ${phase.index}'s layout is not valid (${parsed.error.issues[0]?.message})` };
}

export function planUnitProblems(plan: Plan, bp: Blueprint): PlanUnitProblem[] {
  const problems: PlanUnitProblem[] = [];
  const layouts = new Map<number, Layout | undefined>();
  const layoutOf = (i: number): Layout | undefined => {
    if (layouts.has(i)) return layouts.get(i);
    const l = phaseLayout(bp, plan.phases[i]!);
    if (!l.ok) problems.push({ path: ['phases', i, 'layoutInput'], message: l.message });
    layouts.set(i, l.ok ? l.layout : undefined);
    return layouts.get(i);
  };
  plan.phases.forEach((ph, i) => {
    if (i === 0) return;
    const here = layoutOf(i);
    const before = layoutOf(i - 1);
    if (!here || !before) return;
    const isUnitOn = (side: { unit: string; port: number }) => [before, here].some((l) => Object.hasOwn(l.units, side.unit) && l.units[side.unit]!.port === side.port);
    ph.extractions.forEach((e, j) => {
      if (!e.from || !e.routes.length) return;
      const at = ['phases', i, 'extractions', j];
      if (!Object.hasOwn(here.units, e.unit)) problems.push({ path: [...at, 'unit'], message: `not a unit of phase ${i}'s layout` });
      if (!isUnitOn(e.from)) problems.push({ path: [...at, 'from'], message: `not a unit of phase ${i - 1} or ${i} on its port` });
      (e.sources ?? []).forEach((s, k) => {
        if (!isUnitOn(s)) problems.push({ path: [...at, 'sources', k], message: `not a unit of phase ${i - 1} or ${i} on its port` });
      });
    });
  });
  return problems;
}
