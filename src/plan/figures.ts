// Figures of one phase: the analytic simulator on the blueprint's workload — exactly what
// `archsim simulate <overlay> --layout phase-N --method analytic` prints — plus fault isolation
// read from the synchronous call paths. Pure.
import { resolveBlueprint } from '../model/resolve.js';
import type { Blueprint } from '../model/schema.js';
import { analyze } from '../simulate/analytic.js';
import type { Compiled } from '../simulate/compile.js';
import type { SimulationResult } from '../simulate/types.js';

export interface PhaseFigures {
  /** the workload's open rate; 0 for a closed workload (users and thinkTimeMs say what it is) */
  rateRps: number;
  /** a closed workload: its concurrent users and their mean think time */
  users?: number;
  thinkTimeMs?: number;
  monthlyUsd: number;
  /** mix-weighted mean latency, ms */
  meanMs: number;
  /** per operation of the mix: p95, ms */
  p95Ms: Record<string, number>;
  saturationRps: number;
  bottleneck: { station: string; utilization: number };
  /** the busiest unit's utilization */
  maxUnitUtilization: { unit: string; utilization: number };
  /** share of the workload that still succeeds, averaged over "one unit down" for each unit */
  faultIsolation: number;
  /** per unit down: share of the workload that still succeeds */
  unitDown: Record<string, number>;
}

export function phaseFigures(bp: Blueprint, layout: string, compiled: Compiled): { figures: PhaseFigures; result: SimulationResult } {
  const r = analyze(bp, layout, { compiled });
  const mix = r.workload.mix;
  const meanMs = r.operations.reduce((s, o) => s + (mix[o.id] ?? 0) * o.latency.mean, 0);
  const units = r.stations.filter((s) => s.kind === 'unit');
  const busiest = units.reduce((a, b) => (b.utilization > a.utilization ? b : a), units[0]!);
  const iso = faultIsolation(bp, layout, mix);
  return {
    result: r,
    figures: {
      rateRps: r.workload.rate ?? 0,
      // A closed workload has no rate: the plan said "the blueprint's, 0/s".
      ...(r.workload.kind === 'closed' && r.workload.users !== undefined ? { users: r.workload.users, thinkTimeMs: r.workload.thinkTime?.mean ?? 0 } : {}),
      monthlyUsd: r.cost.monthly.usdPerMonth,
      meanMs,
      p95Ms: Object.fromEntries(r.operations.map((o) => [o.id, o.latency.p95])),
      saturationRps: r.saturationThroughput,
      bottleneck: r.bottleneck,
      maxUnitUtilization: { unit: busiest.id, utilization: busiest.utilization },
      ...iso,
    },
  };
}

/**
 * A request fails when a unit on its synchronous path (its own unit and every non-optional
 * callee's) is down; events wait in the broker and do not fail it. Averaged over each unit
 * going down in turn, so one unit scores 0 and fully independent units approach 1 − 1/n.
 */
export function faultIsolation(bp: Blueprint, layout: string, mix: Record<string, number>): { faultIsolation: number; unitDown: Record<string, number> } {
  const rb = resolveBlueprint(bp);
  const r = rb.layout(layout);
  const needs = new Map<string, Set<string>>();
  for (const id of Object.keys(mix)) {
    const op = rb.operationIndex.get(id);
    if (!op) continue;
    const set = new Set([r.unitOfDomain.get(op.domain)!]);
    // An optional call, and everything below it, does not fail the request.
    const walk = (nodes: ReturnType<typeof rb.callTree>['calls']) => {
      for (const n of nodes) {
        if (n.call.optional) continue;
        set.add(r.unitOfDomain.get(n.callee.domain)!);
        walk(n.children);
      }
    };
    walk(rb.callTree(id).calls);
    needs.set(id, set);
  }
  const unitDown: Record<string, number> = {};
  for (const u of r.units) {
    let ok = 0;
    for (const [id, p] of Object.entries(mix)) if (!needs.get(id)?.has(u.name)) ok += p;
    unitDown[u.name] = ok;
  }
  const vals = Object.values(unitDown);
  return { faultIsolation: vals.reduce((s, v) => s + v, 0) / Math.max(1, vals.length), unitDown };
}
