// The route table of a layout: which unit serves each public operation. The gateway
// generators (kong, traefik, nginx), the reference services' gateway and the k6 scripts all
// read this one table, so a route can never be served by one and missed by another.
import { isPublic, operations, resolveLayout } from './layout.js';
import type { Blueprint } from './schema.js';

export interface RouteEntry {
  /** "domain.operation" */
  op: string;
  domain: string;
  method: string;
  /** As written in the blueprint, with {param} placeholders. */
  path: string;
  unit: string;
  port: number;
  /** Anchored regular expression source matching concrete paths ({param} → one segment). */
  pattern: string;
  /** The literal part of the path before the first placeholder (for prefix-routing gateways). */
  prefix: string;
  websocket: boolean;
}

export function routeTable(bp: Blueprint, layoutName: string): RouteEntry[] {
  const r = resolveLayout(bp, layoutName);
  const out: RouteEntry[] = [];
  for (const o of operations(bp)) {
    if (!isPublic(o.op) || !o.op.route) continue;
    const unitName = r.unitOfDomain.get(o.domain)!;
    const unit = r.units.find((u) => u.name === unitName)!;
    const { method, path } = o.op.route;
    out.push({
      op: o.id,
      domain: o.domain,
      method,
      path,
      unit: unitName,
      port: unit.port,
      pattern: pathPattern(path),
      prefix: path.split('{')[0]!,
      websocket: method === 'WS',
    });
  }
  // Literal paths before parameterized ones, longer before shorter: the order a router that
  // takes the first match needs (GET /users/search before GET /users/{id}).
  return out.sort((a, b) => specificity(b.path) - specificity(a.path) || a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

export function pathPattern(path: string): string {
  const escaped = path
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('');
  return `^${escaped}/?$`;
}

function specificity(path: string): number {
  const params = (path.match(/\{/g) ?? []).length;
  return path.split('/').length * 10 - params * 5 + (path.length - params * 4) / 1000;
}

/** Find the route a concrete request matches (first match in table order). */
export function matchRoute(table: readonly RouteEntry[], method: string, path: string): RouteEntry | undefined {
  const p = path.split('?')[0]!;
  return table.find((r) => (r.method === method || (r.websocket && method === 'GET')) && new RegExp(r.pattern).test(p));
}

/**
 * Path prefixes per unit, for gateways that route by prefix (Kong routes, Traefik PathPrefix,
 * nginx locations): the shortest set of literal prefixes that covers each unit's routes
 * without claiming another unit's. Falls back to exact patterns where prefixes would overlap.
 */
export function prefixesByUnit(table: readonly RouteEntry[]): Map<string, string[]> {
  const byUnit = new Map<string, string[]>();
  for (const r of table) {
    // "/api/v1/messages/conversation/" → "/api/v1/messages"
    const segs = r.prefix.split('/').filter(Boolean);
    const base = `/${segs.slice(0, Math.min(segs.length, 3)).join('/')}`;
    const owner = table.filter((o) => o.prefix.startsWith(base)).every((o) => o.unit === r.unit);
    const prefix = owner ? base : r.prefix.replace(/\/$/, '') || '/';
    const list = byUnit.get(r.unit) ?? [];
    if (!list.includes(prefix)) list.push(prefix);
    byUnit.set(r.unit, list);
  }
  for (const [u, list] of byUnit) byUnit.set(u, list.filter((p) => !list.some((q) => q !== p && p.startsWith(`${q}/`))).sort());
  return byUnit;
}
