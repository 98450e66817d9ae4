// Who depends on whom: the edges between domains (and, in a layout, between units) that lint,
// the checklist and the diagrams all read. A synchronous call makes the caller depend on the
// callee; an event makes each consumer depend on the emitter (it needs the emitter's events).
import { operationIndex, type ResolvedLayout } from './resolve.js';
import type { Blueprint } from './schema.js';

export interface Edge {
  /** the dependent side: caller, or event consumer */
  from: string;
  /** the side depended on: callee, or event emitter */
  to: string;
  kind: 'sync' | 'event';
  /** "caller → callee" operation ids, or "emitter ⇒ event ⇒ consumer" */
  via: string[];
  /** per entry of via: the call's count (times per run of the caller), 1 for an event */
  counts: number[];
}

export function domainOf(opId: string): string {
  return opId.slice(0, opId.indexOf('.'));
}

/** Raw edges between operations, both kinds, in blueprint order. */
export function operationEdges(bp: Blueprint): { from: string; to: string; kind: 'sync' | 'event'; event?: string; count: number }[] {
  const out: { from: string; to: string; kind: 'sync' | 'event'; event?: string; count: number }[] = [];
  const ops = operationIndex(bp);
  for (const o of ops.values()) {
    for (const c of o.op.calls) if (ops.has(c.op)) out.push({ from: o.id, to: c.op, kind: 'sync', count: c.count });
  }
  for (const o of ops.values()) {
    for (const ev of o.op.emits) {
      for (const consumer of (Object.hasOwn(bp.system.events, ev) ? bp.system.events[ev]!.consumers : [])) {
        // The consumer depends on the emitter.
        if (ops.has(consumer)) out.push({ from: consumer, to: o.id, kind: 'event', event: ev, count: 1 });
      }
    }
  }
  return out;
}

/**
 * Edges between groups of operations (domains, or units of a layout), self-edges dropped,
 * one edge per (from, to, kind) with every operation-level edge that makes it.
 */
export function groupEdges(bp: Blueprint, groupOf: (domain: string) => string | undefined): Edge[] {
  const byKey = new Map<string, Edge>();
  for (const e of operationEdges(bp)) {
    const from = groupOf(domainOf(e.from));
    const to = groupOf(domainOf(e.to));
    if (from === undefined || to === undefined || from === to) continue;
    const key = `${from}\u0000${to}\u0000${e.kind}`;
    const via = e.kind === 'sync' ? `${e.from} → ${e.to}` : `${e.to} ⇒ ${e.event} ⇒ ${e.from}`;
    const edge = byKey.get(key);
    if (edge) {
      edge.via.push(via);
      edge.counts.push(e.count);
    } else byKey.set(key, { from, to, kind: e.kind, via: [via], counts: [e.count] });
  }
  return [...byKey.values()];
}

export function domainEdges(bp: Blueprint): Edge[] {
  return groupEdges(bp, (d) => d);
}

export function unitEdges(bp: Blueprint, r: ResolvedLayout): Edge[] {
  return groupEdges(bp, (d) => r.unitOfDomain.get(d));
}
