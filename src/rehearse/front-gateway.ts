// Where the rehearsal puts a gateway when the layout it starts from has none: the canary shifts
// routes by weight, which needs something in front of the old unit and the new one.
import { resolveLayout } from '../model/resolve.js';
import type { Blueprint } from '../model/schema.js';
import type { Plan } from '../plan/schema.js';

/** The port the plan's phases give a gateway when their target declares none (plan/phases.ts). */
const DEFAULT_GATEWAY_PORT = 8000;

/**
 * The front gateway's port and the note that says why, or undefined when `plan.from` has a
 * gateway of its own. It takes the port of the plan's first phase with a gateway, so the
 * rehearsal's clients call where the plan's will, unless a unit of the plan listens there (the
 * layout it starts from and every phase's units run side by side); then the first free port from 8000. `bp` is the blueprint with
 * the plan's phase layouts in it (the rehearsal's overlay).
 */
export function frontGateway(bp: Blueprint, plan: Pick<Plan, 'from' | 'phases'>, offset: number): { port: number; note: string } | undefined {
  if (resolveLayout(bp, plan.from).layout.gateway) return undefined;
  // The layout it starts from runs beside the phases' new units: its ports are taken too.
  const used = new Set([plan.from, ...plan.phases.map((p) => p.layout)].flatMap((l) => resolveLayout(bp, l).units.map((u) => u.port)));
  const planned = plan.phases.map((p) => resolveLayout(bp, p.layout).layout.gateway?.port).find((p) => p !== undefined);
  let port = planned !== undefined && !used.has(planned) ? planned : DEFAULT_GATEWAY_PORT;
  while (used.has(port)) port++;
  const where =
    planned === undefined ? 'no phase of the plan has a gateway whose port it could match'
    : port === planned ? "where the plan's first routed phase puts its gateway"
    : `not on ${planned}, where the plan's first routed phase puts its gateway: a unit of the plan listens there`;
  const shown = port + offset;
  return { port: shown, note: `${plan.from} has no gateway: the rehearsal puts one in front on port ${shown}${offset ? ` (${port} + the port offset ${offset})` : ''}, ${where}` };
}
