// Routes: the entries of a layout's route table (built once per layout by resolve.ts, as
// ResolvedLayout.routes) and how to match, order and prefix them. The gateway generators
// (kong, traefik, nginx), the reference services' gateway and the k6 scripts all read that one
// table, so a route can never be served by one and missed by another.

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

export function pathPattern(path: string): string {
  const escaped = path
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('');
  return `^${escaped}/?$`;
}

/** How specific a path is: a first-match router must try higher values first. */
export function routeSpecificity(path: string): number {
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
