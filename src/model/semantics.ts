// Checks that need the whole blueprint: references, placements, cycles, call-tree size, in-process stores. Pure; returns
// problems with their document paths, which the loader turns into file:line:col.
import { didYouMean } from './diagnostics.js';
import { grpcWebSocketErrors } from './grpc-websocket.js';
import { triggerMetricProblems } from './trigger-metrics.js';
import { LIMITS } from './limits.js';
import { operationIndex, placeDomains, placeTables, resolveBlueprint, type ResolvedBlueprint } from './resolve.js';
import { isScaffoldPath, SCAFFOLD_PATHS_SHOWN, scaffoldPathRoutes } from './routes.js';
import type { Blueprint, Route } from './schema.js';
import { WIRED_UNIT_ENV } from './unit-env.js';
import { formatDuration, formatRate } from './units.js';

export interface Problem {
  path: (string | number)[];
  message: string;
  severity: 'error' | 'warning';
}

/** An operation's route and where the operation is written (for routeClashes). */
export interface OpRoute {
  /** "domain.operation", as written */
  id: string;
  /** the operation's document path */
  path: (string | number)[];
  route: Route;
}

/**
 * Routes two operations share: each one after the first (in `ops` order, the document's) is an
 * error at its route, naming the first. Shared as a router sees it (routeKey), not as written:
 * GET /a/{x} and GET /a/{y} are one route to fastify (it refuses to start) and to matchRoute (the
 * second is never reached). The loader also runs it on the routes of operations the schema
 * skipped for an invalid name (parse.ts): the clash does not depend on the names.
 */
export function routeClashes(ops: readonly OpRoute[]): Problem[] {
  const first = new Map<string, OpRoute>();
  const out: Problem[] = [];
  for (const o of ops) {
    const key = routeKey(o.route);
    const other = first.get(key);
    if (other) out.push({ path: [...o.path, 'route'], message: `route "${shownRoute(o.route)}" is also ${other.id}'s${sameRouteAs(o.route, other.route)}`, severity: 'error' });
    else first.set(key, o);
  }
  return out;
}

const shownRoute = (r: Route) => `${r.method} ${r.path}`;

/**
 * A route as the router tells routes apart (routes.ts matchRoute, and fastify in the scaffold):
 * a {param} matches any one segment whatever its name, and a WebSocket route is a GET (its
 * upgrade request; the scaffold declares it as GET). Case and a trailing "/" do tell routes
 * apart in both: /a and /a/ are two routes, tried most specific first.
 */
function routeKey(r: Route): string {
  return `${r.method === 'WS' ? 'GET' : r.method} ${r.path.replace(/\{[^}]*\}/g, '{}')}`;
}

/** Why two routes written differently are one (empty when written the same). */
function sameRouteAs(route: Route, other: Route): string {
  if (shownRoute(route) === shownRoute(other)) return '';
  const why: string[] = [];
  if (route.path !== other.path) why.push('a router matches a {parameter} by its place, not its name');
  if (route.method !== other.method) why.push('a WebSocket route is a GET to the router');
  return ` (as "${shownRoute(other)}": ${why.join(', and ')})`;
}

/** Every operation's route, in document order. */
export function opRoutes(bp: Blueprint): OpRoute[] {
  const out: OpRoute[] = [];
  for (const [domain, d] of Object.entries(bp.system.domains)) {
    for (const [name, op] of Object.entries(d.operations)) {
      if (op.route) out.push({ id: `${domain}.${name}`, path: ['system', 'domains', domain, 'operations', name], route: op.route });
    }
  }
  return out;
}

export function checkSemantics(bp: Blueprint): Problem[] {
  const out: Problem[] = [];
  const err = (path: (string | number)[], message: string) => out.push({ path, message, severity: 'error' });
  const warn = (path: (string | number)[], message: string) => out.push({ path, message, severity: 'warning' });
  const rb = resolveBlueprint(bp);
  const ops = rb.operationIndex;
  const opIds = [...ops.keys()];
  const eventNames = Object.keys(bp.system.events);
  const domains = Object.keys(bp.system.domains);
  const catalog = Object.keys(bp.catalog);

  const checkOp = (path: (string | number)[], ref: string, what: string) => {
    if (ops.has(ref)) return;
    const [d] = ref.split('.');
    if (!ref.includes('.')) err(path, `${what} "${ref}" must be written domain.operation${didYouMean(ref, opIds)}`);
    else if (d && !Object.hasOwn(bp.system.domains, d)) err(path, `${what} "${ref}": unknown domain "${d}"${didYouMean(ref, opIds)}`);
    else err(path, `${what} "${ref}": unknown operation${didYouMean(ref, opIds)}`);
  };

  // Operations: calls, emits, routes.
  for (const [domain, d] of Object.entries(bp.system.domains)) {
    for (const [name, op] of Object.entries(d.operations)) {
      const base = ['system', 'domains', domain, 'operations', name];
      op.calls.forEach((c, i) => {
        const p = [...base, 'calls', i];
        checkOp(p, c.op, 'call to');
        if (c.op === `${domain}.${name}`) err(p, `operation calls itself`);
      });
      op.emits.forEach((e, i) => {
        if (!Object.hasOwn(bp.system.events, e)) err([...base, 'emits', i], `unknown event "${e}"${didYouMean(e, eventNames)}`);
      });
      // Only a domain's tables put it in a datastore; without them the simulator has nowhere to
      // send the queries and drops them (simulate/compile.ts), so the prediction leaves them out.
      const queries = (op.db?.reads ?? 0) + (op.db?.writes ?? 0);
      if (queries > 0 && !d.tables.length) {
        warn([...base, 'db'], `${domain}.${name} makes ${queries} ${queries === 1 ? 'query' : 'queries'} but domain "${domain}" has no tables, so no datastore holds them: the simulator skips them (give the domain its tables)`);
      }
    }
  }
  out.push(...routeClashes(opRoutes(bp)));
  out.push(...scaffoldPathWarnings(bp, rb));
  out.push(...grpcWebSocketErrors(rb));
  for (const [ev, def] of Object.entries(bp.system.events)) {
    def.consumers.forEach((c, i) => checkOp(['system', 'events', ev, 'consumers', i], c, 'consumer'));
    const emitted = [...ops.values()].some((o) => o.op.emits.includes(ev));
    if (!emitted) warn(['system', 'events', ev], `event "${ev}" is never emitted`);
  }

  // Call trees the simulator must run call by call: counts multiply down the tree. Sized first
  // without building them (most blueprints are far below the limit); the walk decides.
  const size = callTreeSizes(bp);
  for (const o of rb.operations) {
    if (size.get(o.id)! <= LIMITS.callSteps || !rb.callTree(o.id).tooLarge) continue;
    err(['system', 'domains', o.domain, 'operations', o.name, 'calls'], `one request of ${o.id} makes more than ${LIMITS.callSteps} calls (each call's count multiplies the calls below it): lower the counts, or model the loop as one call with more cpu`);
  }

  // Synchronous call cycles, across the whole system (in any layout they block a request on itself).
  for (const cycle of syncCycles(bp)) {
    const [from, to] = [cycle[cycle.length - 2]!, cycle[cycle.length - 1]!];
    const [d, n] = splitOp(from);
    const idx = bp.system.domains[d]!.operations[n]!.calls.findIndex((c) => c.op === to);
    err(['system', 'domains', d, 'operations', n, 'calls', idx], `cycle of synchronous calls: ${cycle.join(' → ')}`);
  }

  // Tables: one owner each.
  for (const [table, owners] of rb.tableOwners) {
    if (owners.length > 1) {
      const d = owners[1]!;
      const idx = bp.system.domains[d]!.tables.indexOf(table);
      err(['system', 'domains', d, 'tables', idx], `table "${table}" is owned by ${owners.map((o) => `"${o}"`).join(' and ')}; a table has one owning domain`);
    }
  }
  const tables = [...rb.tableOwners.keys()];

  // The `next:` chain leads on to a last layout: one that comes back to a layout already on it
  // never ends (monolith → mid → monolith), and `archsim plan` read such a chain as no chain at
  // all while saying it followed it. One error per cycle, at the `next` that closes it (the walk
  // starting from the first layout in the file that leads into the cycle).
  const reported = new Set<string>();
  for (const start of Object.keys(bp.layouts)) {
    const seen: string[] = [];
    let cur: string | undefined = start;
    while (cur !== undefined && Object.hasOwn(bp.layouts, cur) && !seen.includes(cur)) {
      seen.push(cur);
      cur = bp.layouts[cur]!.next;
    }
    if (cur === undefined || !seen.includes(cur)) continue;
    const cycle = seen.slice(seen.indexOf(cur));
    if (cycle.some((l) => reported.has(l))) continue;
    for (const l of cycle) reported.add(l);
    const last = cycle.at(-1)!;
    err(['layouts', last, 'next'], `the next: chain comes back to "${cur}" (${[...cycle, cur].join(' → ')}) and never ends; the last layout of a chain has no next`);
  }

  // Layouts.
  for (const [ln, layout] of Object.entries(bp.layouts)) {
    const lp = ['layouts', ln];
    // Placement by the same rule resolve.ts applies ("*" takes the rest; the first "*" wins).
    const units = placeDomains(bp, layout);
    for (const x of units.extraStars) err([...lp, 'units', x.entry, 'domains'], `"*" is already used by unit "${x.first}"; only one unit may take the remaining domains`);
    for (const x of units.unknown) err([...lp, 'units', x.entry, 'domains', x.index], `unknown domain "${x.name}"${didYouMean(x.name, domains)}`);
    for (const x of units.twice) err([...lp, 'units', x.entry, 'domains', x.index], `domain "${x.name}" is placed in two units: "${x.first}" and "${x.entry}"`);
    for (const [un, u] of Object.entries(layout.units)) if (Array.isArray(u.domains) && !u.domains.length) warn([...lp, 'units', un, 'domains'], `unit "${un}" runs no domain`);
    for (const d of units.unplaced) err([...lp, 'units'], `domain "${d}" is placed in no unit`);
    for (const [un, u] of Object.entries(layout.units)) {
      if (u.instance !== undefined) checkCatalog(err, catalog, [...lp, 'units', un, 'instance'], u.instance);
      if (u.autoscale && u.autoscale.min > u.autoscale.max) err([...lp, 'units', un, 'autoscale', 'min'], `autoscale min ${u.autoscale.min} is above max ${u.autoscale.max}`);
      // Set twice, the generated files carried both and the last won: compose kept archsim's
      // value and dropped the user's without a word.
      for (const k of Object.keys(u.env)) if (Object.hasOwn(WIRED_UNIT_ENV, k)) err([...lp, 'units', un, 'env', k], `env ${k} is set by archsim: ${WIRED_UNIT_ENV[k]}; leave it out of env:`);
    }

    for (const [sn, s] of Object.entries(layout.datastores)) if (s.instance !== undefined) checkCatalog(err, catalog, [...lp, 'datastores', sn, 'instance'], s.instance);
    const stores = placeTables(rb, layout);
    for (const x of stores.extraStars) err([...lp, 'datastores', x.entry, 'tables'], `"*" is already used by datastore "${x.first}"`);
    for (const x of stores.unknown) err([...lp, 'datastores', x.entry, 'tables', x.index], `unknown table "${x.name}"${didYouMean(x.name, tables)}`);
    for (const x of stores.twice) err([...lp, 'datastores', x.entry, 'tables', x.index], `table "${x.name}" is stored in two datastores: "${x.first}" and "${x.entry}"`);
    for (const t of stores.unplaced) err([...lp, 'datastores'], `table "${t}" (of domain "${rb.tableOwners.get(t)![0]}") is stored in no datastore`);
    if (layout.gateway?.instance) checkCatalog(err, catalog, [...lp, 'gateway', 'instance'], layout.gateway.instance);
    if (layout.broker?.instance) checkCatalog(err, catalog, [...lp, 'broker', 'instance'], layout.broker.instance);
    for (const [xn, x] of Object.entries(layout.extras)) checkCatalog(err, catalog, [...lp, 'extras', xn, 'instance'], x.instance);
    if (layout.next && !Object.hasOwn(bp.layouts, layout.next)) err([...lp, 'next'], `unknown layout "${layout.next}"${didYouMean(layout.next, Object.keys(bp.layouts))}`);

    // Ports: every unit, datastore, gateway and broker is a process of its own (a container in
    // compose, a pod in Kubernetes, each with its own address), so two of them on one port
    // (8080, 50051) is normal; only what shares one process could clash, and an in-process
    // (memory) store has no port at all. Running a whole layout on one host (`archsim up`)
    // checks its own ports (run/layout.ts).
    for (const [sn, s] of Object.entries(layout.datastores)) {
      if (s.engine !== 'memory') continue;
      const sp = [...lp, 'datastores', sn];
      if (s.port !== undefined) err([...sp, 'port'], `datastore "${sn}" is engine memory, state in its unit's process: it has no port (remove port, or pick a server engine)`);
      if (s.instance !== undefined) err([...sp, 'instance'], `datastore "${sn}" is engine memory, state in its unit's process: it runs on no instance of its own (its memory is its unit's; remove instance)`);
      const holders = new Map<string, string>();
      for (const t of stores.of.get(sn) ?? []) {
        const owner = rb.tableOwners.get(t)?.[0];
        const unit = owner === undefined ? undefined : [...units.of].find(([, ds]) => ds.includes(owner))?.[0];
        if (unit !== undefined && !holders.has(unit)) holders.set(unit, t);
      }
      if (holders.size > 1) {
        const list = [...holders].map(([u, t]) => `"${u}" (${t})`).join(' and ');
        err([...sp, 'tables'], `datastore "${sn}" is engine memory, state in one unit's process, but holds tables of units ${list}: give each unit its own memory store, or use a server engine`);
      }
    }

    // One namespace for what runs: in compose and Kubernetes every unit and server datastore is a
    // service named as it is, and a layout's gateway is the service "gateway". Two of one name
    // would be one service (the generators kept the last and dropped the other without a word).
    for (const [sn, s] of Object.entries(layout.datastores)) {
      if (s.engine === 'memory') continue;
      if (Object.hasOwn(layout.units, sn)) err([...lp, 'datastores', sn], `datastore "${sn}" has the name of unit "${sn}": each runs as a service of its own name in compose and Kubernetes; rename one`);
    }
    if (layout.gateway) {
      const clash = (kind: string) => `${kind} "gateway" has the name of the layout's gateway, which runs as the service "gateway" in compose and Kubernetes; rename it`;
      if (Object.hasOwn(layout.units, 'gateway')) err([...lp, 'units', 'gateway'], clash('unit'));
      const store = layout.datastores.gateway;
      if (store && store.engine !== 'memory') err([...lp, 'datastores', 'gateway'], clash('datastore'));
    }

    // Events need a way across units: only an event whose producer and consumer run in two
    // units of this layout (all in one unit, it never leaves its process).
    const crossing = layout.broker ? undefined : eventAcrossUnits(bp, rb, units.of);
    if (crossing) {
      warn([...lp], `layout has ${Object.keys(layout.units).length} units and events but no broker; events between units will be modelled as direct HTTP calls (event ${JSON.stringify(crossing.event)} goes from unit "${crossing.from}" to unit "${crossing.to}")`);
    }
    out.push(...triggerMetricProblems(ln, layout, opIds));
  }

  // Workload.
  if (bp.workload) {
    const w = bp.workload;
    if (w.rate === undefined && w.users === undefined && !w.profile) err(['workload'], 'a workload needs rate (open), users (closed) or a profile');
    if (w.rate !== undefined && w.users !== undefined) err(['workload', 'users'], 'give rate (open workload) or users (closed workload), not both');
    if (w.users !== undefined && w.arrivals === 'paced') err(['workload', 'arrivals'], 'paced arrivals need an open workload (rate), not users: a closed workload’s requests come when its users’ think times end');
    // Each of these was read by one model only and silently ignored by the other.
    if (w.users !== undefined && w.profile) err(['workload', 'profile'], 'a profile shapes an open workload’s rate over time; a closed workload (users) has no rate to shape: give rate instead of users, or drop the profile');
    if (w.users === undefined && w.thinkTime !== undefined) err(['workload', 'thinkTime'], 'thinkTime is the wait between a user’s requests in a closed workload (users); an open workload (rate) has none');
    for (const id of Object.keys(w.mix)) checkOp(['workload', 'mix', id], id, 'mix entry');
    // Every command that runs the workload refused it, with no position; validate passed it.
    if (w.warmup >= w.duration) err(['workload', 'warmup'], warmupNotShorter(w.warmup, w.duration));
    if (w.profile) profileWarnings(w.profile, w.duration, w.warmup, (path, m) => warn(['workload', 'profile', ...path], m));
  }
  return out;
}

/**
 * Public routes on a path archsim's HTTP scaffold serves itself (routes.ts isScaffoldPath), each
 * naming the layouts where a unit archsim scaffolds serves it (scaffoldPathRoutes, the rule
 * `generate` refuses such a layout by, with no position). A warning at the route: the simulator
 * runs it as written, and a unit with an image or another runtime serves its own paths.
 */
function scaffoldPathWarnings(bp: Blueprint, rb: ResolvedBlueprint): Problem[] {
  const routes = opRoutes(bp).filter((o) => isScaffoldPath(o.route.path));
  if (!routes.length) return [];
  const where = new Map<string, string[]>();
  for (const ln of Object.keys(bp.layouts)) {
    for (const t of scaffoldPathRoutes(rb.layout(ln))) (where.get(t.op) ?? where.set(t.op, []).get(t.op)!).push(`${ln} (unit ${t.unit})`);
  }
  return routes.flatMap((o) => {
    const layouts = where.get(o.id);
    if (!layouts) return [];
    const [which, those] = layouts.length > 1 ? [`layouts ${listed(layouts)}`, 'those layouts'] : [`layout ${layouts[0]}`, 'that layout'];
    const message = `route "${shownRoute(o.route)}" is a path archsim's scaffold serves itself (${SCAFFOLD_PATHS_SHOWN}), and archsim scaffolds the unit that serves it in ${which}: generate refuses ${those}; give the operation another path`;
    return [{ path: [...o.path, 'route'], message, severity: 'warning' as const }];
  });
}

/**
 * The first event (in the file's order) that one unit of the layout emits and another consumes:
 * one that goes between units. Units by name, as placeDomains places the domains.
 */
function eventAcrossUnits(bp: Blueprint, rb: ResolvedBlueprint, unitDomains: ReadonlyMap<string, readonly string[]>): { event: string; from: string; to: string } | undefined {
  const unitOf = new Map<string, string>();
  for (const [u, ds] of unitDomains) for (const d of ds) if (!unitOf.has(d)) unitOf.set(d, u);
  const ops = rb.operationIndex;
  for (const [ev, def] of Object.entries(bp.system.events)) {
    const from = [...new Set([...ops.values()].filter((o) => o.op.emits.includes(ev)).map((o) => unitOf.get(o.domain)))].filter((u) => u !== undefined);
    const to = [...new Set(def.consumers.map((c) => ops.get(c)?.domain).map((d) => (d === undefined ? undefined : unitOf.get(d))))].filter((u) => u !== undefined);
    for (const f of from) {
      const t = to.find((x) => x !== f);
      if (t !== undefined) return { event: ev, from: f, to: t };
    }
  }
  return undefined;
}

/** "a", "a and b", "a, b and c" */
const listed = (xs: readonly string[]) => (xs.length > 1 ? `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}` : xs.join(''));

function checkCatalog(err: (p: (string | number)[], m: string) => void, catalog: string[], path: (string | number)[], name: string) {
  if (!catalog.includes(name)) err(path, `unknown catalog entry "${name}"${didYouMean(name, catalog)}`);
}

function splitOp(id: string): [string, string] {
  const i = id.indexOf('.');
  return [id.slice(0, i), id.slice(i + 1)];
}

/**
 * Calls in one request of each operation (counts multiplied down the tree), capped just above
 * LIMITS.callSteps; a call back into the operations being sized (a cycle) counts nothing.
 */
function callTreeSizes(bp: Blueprint): Map<string, number> {
  const ops = operationIndex(bp);
  const cap = LIMITS.callSteps + 1;
  const size = new Map<string, number>();
  const open = new Set<string>();
  const sizeOf = (id: string): number => {
    const known = size.get(id);
    if (known !== undefined) return known;
    open.add(id);
    let n = 0;
    for (const c of ops.get(id)!.op.calls) {
      if (!ops.has(c.op) || open.has(c.op)) continue;
      n = Math.min(cap, n + c.count * (1 + sizeOf(c.op)));
    }
    open.delete(id);
    size.set(id, n);
    return n;
  };
  for (const id of ops.keys()) sizeOf(id);
  return size;
}

/** Every elementary cycle's closing edge, found by DFS; each cycle reported once. */
export function syncCycles(bp: Blueprint): string[][] {
  const ops = operationIndex(bp);
  const state = new Map<string, 0 | 1 | 2>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (id: string) => {
    state.set(id, 1);
    stack.push(id);
    for (const c of ops.get(id)!.op.calls) {
      if (!ops.has(c.op) || c.op === id) continue;
      const s = state.get(c.op) ?? 0;
      if (s === 0) visit(c.op);
      else if (s === 1) {
        const cyc = [...stack.slice(stack.indexOf(c.op)), c.op];
        // The same pair of calls written twice closes the same cycle twice. Two different back
        // edges never give one cycle in another order (a popped operation is never pushed again),
        // so the path itself is the key.
        const key = cyc.join('|');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cyc);
        }
      }
    }
    stack.pop();
    state.set(id, 2);
  };
  for (const id of ops.keys()) if ((state.get(id) ?? 0) === 0) visit(id);
  return cycles;
}

/**
 * A profile whose shape the run never shows: a spike after the run ends or over before the
 * warm-up does, a "spike" below its base, a ramp that the run ends before it tops out. The run
 * is [0, duration] with the warm-up inside it; simulate --duration may change that, so these are
 * warnings about the blueprint's own duration, not errors. They ran as written before, silently.
 */
/** A time of the run as its blueprint writes it: seconds below an hour ("65s", not "1.08min"). */
const seconds = (ms: number) => (ms < 3_600_000 ? `${+(ms / 1000).toFixed(3)}s` : formatDuration(ms));

/** A warm-up that leaves nothing of the run to measure (the blueprint's workload, a scenario's). */
export const warmupNotShorter = (warmup: number, duration: number) => `the warm-up (${seconds(warmup)}) must be shorter than the duration (${seconds(duration)}): no request would be measured`;

export function profileWarnings(p: NonNullable<Blueprint['workload']>['profile'] & object, duration: number, warmup: number, warn: (path: string[], message: string) => void): void {
  if (p.kind === 'spike') {
    const end = p.at + p.for;
    if (p.at >= duration) warn(['at'], `the spike at ${seconds(p.at)} starts after the run ends (its duration is ${seconds(duration)}): it never happens; start it earlier or give a longer duration`);
    else if (end > duration) warn(['for'], `the spike runs from ${seconds(p.at)} to ${seconds(end)}, past the run's end at ${seconds(duration)}: only ${seconds(duration - p.at)} of it is run`);
    if (end <= warmup && warmup > 0) warn(['at'], `the spike (${seconds(p.at)}–${seconds(end)}) is over before the warm-up ends at ${seconds(warmup)}: no measured request sees it`);
    if (p.peak <= p.base) warn(['peak'], `the spike's peak ${formatRate(p.peak)} is not above its base ${formatRate(p.base)}: ${p.peak === p.base ? 'the rate never changes' : 'a dip, not a spike'}`);
  } else if (p.kind === 'ramp' && p.over > duration) {
    const reached = p.from + ((p.to - p.from) * duration) / p.over;
    warn(['over'], `the ramp takes ${seconds(p.over)} to reach ${formatRate(p.to)}, longer than the run (${seconds(duration)}): it ends at ${formatRate(reached)}`);
  }
}
