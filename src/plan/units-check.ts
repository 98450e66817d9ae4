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

export function planUnitProblems(plan: Plan, bp: Blueprint): PlanUnitProblem[] {
  const problems: PlanUnitProblem[] = [];
  const layouts = new Map<number, Layout | undefined>();
  // A phase's layout: the blueprint's (a declared one, or the overlay's), else the plan's own copy.
  const layoutOf = (i: number): Layout | undefined => {
    if (layouts.has(i)) return layouts.get(i);
    const ph = plan.phases[i]!;
    let l: Layout | undefined;
    if (Object.hasOwn(bp.layouts, ph.layout)) l = bp.layouts[ph.layout];
    else {
      const parsed = Layout.safeParse({ ...ph.layoutInput, next: undefined });
      if (parsed.success) l = parsed.data;
      else problems.push({ path: ['phases', i, 'layoutInput'], message: `phase ${i}'s layout is not valid (${parsed.error.issues[0]?.message})` });
    }
    layouts.set(i, l);
    return l;
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
