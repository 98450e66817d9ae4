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

/** The order a first-match router tries routes in: most specific first (resolve.ts sorts by it). */
export function byRouteOrder(a: Pick<RouteEntry, 'path' | 'method'>, b: Pick<RouteEntry, 'path' | 'method'>): number {
  return routeSpecificity(b.path) - routeSpecificity(a.path) || a.path.localeCompare(b.path) || a.method.localeCompare(b.method);
}

/** An exact matcher for one route: its anchored pattern and where it stands among all routes. */
export interface RegexMatcher {
  /** Anchored regular expression source (RouteEntry.pattern). */
  pattern: string;
  /** The route path it comes from, for comments and tests. */
  path: string;
  /** Higher is tried first; the order of matchRoute (routeSpecificity, then path, then method). */
  priority: number;
}

/** How a prefix-routing gateway reaches one unit: prefixes where safe, exact regexes elsewhere. */
export interface UnitMatchers {
  prefixes: string[];
  regexes: RegexMatcher[];
}

const segmentsOf = (path: string) => path.split('/').filter(Boolean);
const isParam = (seg: string) => seg.startsWith('{');

/**
 * Could the prefix (literal segments) capture a concrete path that a route with these
 * segments matches? A prefix P claims P itself and everything under P/, so it does exactly when
 * the route has at least as many segments and each of P's segments equals the route's or faces
 * a {param} there.
 */
export function prefixOverlaps(prefix: readonly string[], route: readonly string[]): boolean {
  return route.length >= prefix.length && prefix.every((s, i) => route[i] === s || isParam(route[i]!));
}

/**
 * What prefix-routing gateways (Kong, Traefik, nginx, Ingress, HTTPRoute) send to each unit.
 * A route gets the shortest literal prefix of its path (at least its first three literal
 * segments, or all of them) that captures no concrete path another unit's route can match; a
 * route with no such prefix (a leading {param}, or literals another unit's {param} also
 * matches) gets an exact anchored regex instead, with a priority that reproduces matchRoute's
 * order, so among regexes of different units that match one path the more specific route wins.
 * A prefix never meets another unit's regex on the same path (that would be an overlap), so
 * prefixes and regexes need no common order.
 */
export function matchersByUnit(table: readonly RouteEntry[]): Map<string, UnitMatchers> {
  const ordered = [...table].sort(byRouteOrder);
  const segs = ordered.map((r) => segmentsOf(r.path));
  const out = new Map<string, UnitMatchers>();
  ordered.forEach((r, i) => {
    const m = out.get(r.unit) ?? { prefixes: [], regexes: [] };
    out.set(r.unit, m);
    const own = segs[i]!;
    const literal = own.findIndex(isParam) < 0 ? own.length : own.findIndex(isParam);
    let prefix: string | undefined;
    for (let n = Math.min(literal, 3); n <= literal && prefix === undefined; n++) {
      const p = own.slice(0, n);
      if (ordered.every((o, j) => o.unit === r.unit || !prefixOverlaps(p, segs[j]!))) prefix = `/${p.join('/')}`;
    }
    if (prefix !== undefined) {
      if (!m.prefixes.includes(prefix)) m.prefixes.push(prefix);
    } else if (!m.regexes.some((x) => x.pattern === r.pattern)) {
      m.regexes.push({ pattern: r.pattern, path: r.path, priority: ordered.length - i });
    }
  });
  for (const m of out.values()) {
    // "/a" already claims "/a/b"; a regex its own unit's prefix covers adds nothing (a prefix
    // safe for a shorter literal run is safe for a longer one, so this only trims duplicates).
    m.prefixes = m.prefixes.filter((p) => !m.prefixes.some((q) => q !== p && (q === '/' || p.startsWith(`${q}/`)))).sort();
    // The regex filter below never removes anything today (its mutants are equivalent): a regex
    // exists only when every prefix of its route's literal run from min(literal, 3) segments on
    // was unsafe; an own prefix covering it would be one of those or shorter, and a shorter safe
    // prefix makes each longer one safe. Kept as a guard should the choice of prefixes change.
    // Stryker disable next-line all: equivalent (above)
    m.regexes = m.regexes.filter((x) => !m.prefixes.some((q) => prefixOverlaps(segmentsOf(q), segmentsOf(x.path).map((s) => (isParam(s) ? '\u0000' : s)))));
  }
  return out;
}

/** The prefixes of matchersByUnit alone (units reached only by regexes are left out). */
export function prefixesByUnit(table: readonly RouteEntry[]): Map<string, string[]> {
  return new Map([...matchersByUnit(table)].filter(([, m]) => m.prefixes.length > 0).map(([u, m]) => [u, m.prefixes]));
}

// ---- the paths archsim's HTTP scaffold serves itself ---------------------------------------
// Here, not in src/generate, because the loader warns about them (semantics.ts) and every
// generator refuses them (generate/common.ts refuseScaffoldPaths): one list, one rule.

/** The scaffold's own paths as messages name them. */
export const SCAFFOLD_PATHS_SHOWN = "/health, /ready, /metrics, /internal/…: its probes, metrics and the calls between units";

/**
 * Paths archsim's HTTP scaffold serves itself: its probes (/health, /ready), its metrics
 * (/metrics, what Prometheus scrapes) and the calls between units (/internal/…). A public route
 * on one of them would be declared twice in the scaffold (fastify refuses to start) and the
 * probes and Prometheus would reach the user's handler.
 */
export function isScaffoldPath(path: string): boolean {
  const p = path.replace(/\/+$/, '');
  return p === '/health' || p === '/ready' || p === '/metrics' || p === '/internal' || p.startsWith('/internal/');
}

/**
 * A Node unit: its runtime says node (or nothing: archsim's own default): `node`, `nodejs` or
 * `typescript` (any case), alone, right before a version (`node20`, `nodejs20.x`) or before
 * anything but a letter, digit or "_" (`node/fastify`, `node-20`, `node 20`); not `nodex`,
 * `deno`. Only these get a TypeScript scaffold; a unit on any other runtime gets its deploy
 * files and a note.
 */
export function isNodeRuntime(u: { runtime?: string | undefined }): boolean {
  return u.runtime === undefined || /^(node|nodejs|typescript)(\d+(\.(\d+|x))*)?(?![a-z0-9_])/i.test(u.runtime);
}

/** archsim writes this unit's code: a Node unit with no image of its own. */
export function isScaffolded(u: { runtime?: string | undefined; image?: string | undefined }): boolean {
  return isNodeRuntime(u) && u.image === undefined;
}

/**
 * A layout's public routes on the scaffold's own paths (isScaffoldPath) served by a unit archsim
 * scaffolds as an HTTP service, in route-table order. A unit with an image, another runtime or
 * gRPC serves what its own code says, so its routes are its own business.
 */
export function scaffoldPathRoutes(r: { units: readonly { name: string; runtime?: string | undefined; image?: string | undefined; protocol: string }[]; routes: readonly RouteEntry[] }): RouteEntry[] {
  const units = new Map(r.units.map((u) => [u.name, u]));
  return r.routes.filter((t) => {
    const u = units.get(t.unit);
    return u !== undefined && isScaffolded(u) && u.protocol === 'http' && isScaffoldPath(t.path);
  });
}
