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

type PhaseLayout = { ok: true; layout: Layout; own: boolean } | { ok: false; message: string };

/**
 * A phase's layout as its canary runs: the blueprint's (a declared one, or the plan's overlay's),
 * else the plan's own copy (`layoutInput`, its `next:` left out: it names a layout of the overlay).
 * `own` is false when it is the blueprint's as it stands.
 *
 * A phase whose layout declares no gateway and that shifts routes runs its canary on the gateway
 * of the layout before (the plan says so, with its port): that gateway is added, so
 * `generate gateway --plan` writes the config of the gateway already running, on its port (it
 * wrote a new one on port 8000 while the phases before listened on 8080). `before` is the plan's
 * phase before; without it, the overlay's layout whose `next:` names this one (the plan links its
 * phases so). A port some listener of the phase takes is not borrowed (the plan says so too).
 */
export function phaseLayout(bp: Blueprint, phase: Plan['phases'][number], before?: Plan['phases'][number]): PhaseLayout {
  const own = ownLayout(bp, phase);
  if (!own.ok || own.layout.gateway || !phase.canary) return own;
  const prev = before ? ownLayout(bp, before) : overlayBefore(bp, phase.layout);
  const gateway = prev?.ok ? prev.layout.gateway : undefined;
  if (!gateway || portHolder(own.layout, gateway.port)) return own;
  return { ok: true, layout: { ...own.layout, gateway: structuredClone(gateway) }, own: true };
}

function ownLayout(bp: Blueprint, phase: Plan['phases'][number]): PhaseLayout {
  if (Object.hasOwn(bp.layouts, phase.layout)) return { ok: true, layout: bp.layouts[phase.layout]!, own: false };
  const parsed = Layout.safeParse({ ...phase.layoutInput, next: undefined });
  return parsed.success ? { ok: true, layout: parsed.data, own: true } : { ok: false, message: `phase ${phase.index}'s layout is not valid (${parsed.error.issues[0]?.message})` };
}

/** The one layout of the blueprint whose `next:` names this one (the overlay's phase before). */
function overlayBefore(bp: Blueprint, name: string): PhaseLayout | undefined {
  const found = Object.entries(bp.layouts).filter(([, l]) => l.next === name);
  return found.length === 1 ? { ok: true, layout: found[0]![1], own: false } : undefined;
}

/**
 * The canaries of phase `n` whose new unit serves another protocol than the unit its routes come
 * from (an extraction onto gRPC of routes an HTTP unit served): a gateway splits one route's
 * requests by weight, and a gRPC method and an HTTP path are not one route, so such a step has
 * no weighted middle. Each as { unit, from, now, was }.
 */
export function protocolSwitches(bp: Blueprint, plan: Plan, n: number): { unit: string; from: string; now: string; was: string }[] {
  const phase = plan.phases[n];
  const before = plan.phases[n - 1];
  if (!phase || !before) return [];
  const here = phaseLayout(bp, phase, before);
  const there = ownLayout(bp, before);
  if (!here.ok || !there.ok) return [];
  const protocolOf = (l: Layout, unit: string) => l.units[unit]?.protocol ?? l.protocol;
  // The old side as it serves during the canary: a unit of this phase (one that carries on, under
  // a new name perhaps) as the phase has it, else the layout before's.
  const oldSide = (unit: string) => (Object.hasOwn(here.layout.units, unit) ? protocolOf(here.layout, unit) : Object.hasOwn(there.layout.units, unit) ? protocolOf(there.layout, unit) : undefined);
  return phase.extractions
    .filter((e) => e.from && e.routes.length && oldSide(e.from.unit) !== undefined)
    .map((e) => ({ unit: e.unit, from: e.from!.unit, now: protocolOf(here.layout, e.unit), was: oldSide(e.from!.unit)! }))
    .filter((s) => s.now !== s.was);
}

/** What listens on this port in the layout (a unit, a datastore, the broker), if anything. */
export function portHolder(l: Layout, port: number): string | undefined {
  const unit = Object.entries(l.units).find(([, u]) => u.port === port)?.[0];
  if (unit !== undefined) return unit;
  const store = Object.entries(l.datastores).find(([, s]) => s.port === port)?.[0];
  if (store !== undefined) return store;
  return l.broker?.port === port ? 'broker' : undefined;
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
