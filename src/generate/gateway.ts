// Gateway configurations from the shared route table: Kong (declarative, DB-less), Traefik
// (file provider) and nginx. A canary splits one unit's routes between it and the monolith.
import { operationIndex, type ResolvedLayout, type ResolvedUnit } from '../model/resolve.js';
import { matchersByUnit, type RegexMatcher, type RouteEntry } from '../model/routes.js';
import type { Blueprint } from '../model/schema.js';
import { GenerateError, byCodeUnit, checkCanary, gatewayKind, gatewayPort, generatedHeader, layoutToGenerate, refuseScaffoldPaths, toYaml, type GatewayKind, type GenerateOptions, type GeneratedFile } from './common.js';
import { grpcNames, grpcRoutes, routedByGrpc } from './grpc.js';

/**
 * One route group of the gateway: a unit's prefixes, the exact regexes of its routes no prefix can
 * take without capturing another group's (model/routes matchersByUnit), and where they go
 * (weights sum to 100). A unit is one group, except a plan's merged unit (below).
 */
export interface GatewayRoute {
  /**
   * The group's name in the gateway's configuration (Kong service, Traefik router, nginx
   * variable): the unit's, or, for a unit of a migration plan that takes routes from several
   * units, one group per unit they come from ("edge-from-gamma-svc"), each split between the new
   * unit and its own old one, which is the only one that can serve it.
   */
  name: string;
  unit: string;
  prefixes: string[];
  regexes: RegexMatcher[];
  /**
   * A unit that serves gRPC: the method paths of its public operations ("/pkg.Service/Method",
   * exact), routed as gRPC (HTTP/2 upstream) instead of prefixes and regexes, which stay empty.
   */
  grpc: string[];
  backends: { unit: string; host: string; port: number; weight: number }[];
}

type Canary = NonNullable<GenerateOptions['canaries']>[number];

/**
 * A canary splits a unit's public routes at the gateway: a unit that has none (internal
 * operations, events only) left the configuration as it was, the flag silently ignored.
 * Refused (GenerateError: exit 2), before checkCanary's other reasons, which would not be the point.
 */
function refuseRoutelessCanary(r: ResolvedLayout, opts: GenerateOptions): void {
  const name = opts.canary?.unit;
  if (name === undefined || !r.units.some((u) => u.name === name)) return; // (an unknown unit: checkCanary names the units)
  if (!r.routes.some((t) => t.unit === name)) throw new GenerateError(`--canary: ${name} serves no public route in layout ${r.name}, so the gateway has nothing of it to split`);
}
type OldSide = Canary['from'];

export function gatewayRoutes(bp: Blueprint, r: ResolvedLayout, opts: GenerateOptions): GatewayRoute[] {
  refuseRoutelessCanary(r, opts);
  const canary = checkCanary(bp, r, opts);
  const groups = routeGroups(r, opts.canaries ?? []);
  // Prefixes and regexes are worked out among the HTTP groups only: a gRPC unit's routes travel
  // on method paths no HTTP route can share.
  const grpcUnits = new Set(r.units.filter(routedByGrpc).map((u) => u.name));
  const isGrpc = (group: string) => grpcUnits.has(groups.of.get(group)!.unit.name);
  const http = groups.table.filter((t) => !isGrpc(t.unit));
  refuseMethodSplit(r, http, (g) => groups.of.get(g)!.unit.name);
  const matchers = matchersByUnit(http);
  const names = groups.table.some((t) => isGrpc(t.unit)) ? grpcNames(bp) : undefined;
  const backend = (u: ResolvedUnit, weight: number) => ({ unit: u.name, host: u.name, port: u.port, weight });
  return [...groups.of]
    .map(([name, { unit: u, from }]) => ({ name, u, from, grpc: isGrpc(name) ? grpcRoutes(bp, groups.table, name, names) : [] }))
    .filter(({ name, grpc }) => matchers.has(name) || grpc.length > 0)
    .map(({ name, u, from, grpc }) => ({
      name,
      unit: u.name,
      prefixes: matchers.get(name)?.prefixes ?? [],
      regexes: matchers.get(name)?.regexes ?? [],
      grpc,
      backends: planStep(opts, u, backend, from) ??
        (canary && canary.unit.name === u.name
          ? [backend(u, canary.percent), backend(canary.monolith, 100 - canary.percent)]
          : [backend(u, 100)]),
    }));
}

/**
 * Two routes of one path shape on different units, told apart only by method (GET /orders on one
 * unit, POST /orders on another): the generated gateways and Ingresses route by path, so one unit
 * would take both and the other's requests would fail there. Refused, with both named.
 */
function refuseMethodSplit(r: ResolvedLayout, table: readonly RouteEntry[], unitOf: (group: string) => string): void {
  const first = new Map<string, RouteEntry>();
  const clashes: string[] = [];
  for (const t of [...table].sort((a, b) => byCodeUnit(a.path, b.path) || byCodeUnit(a.method, b.method))) {
    const seen = first.get(t.pattern);
    if (!seen) first.set(t.pattern, t);
    else if (unitOf(seen.unit) !== unitOf(t.unit)) clashes.push(`${seen.method} ${seen.path} (unit ${unitOf(seen.unit)}) and ${t.method} ${t.path} (unit ${unitOf(t.unit)})`);
  }
  if (clashes.length) {
    throw new GenerateError(
      `layout ${r.name}: ${clashes[0]} differ only in method${clashes.length > 1 ? ` (and ${clashes.length - 1} more such pair${clashes.length > 2 ? 's' : ''})` : ''}; the generated gateway and Ingress route by path, so one unit would take both: serve them from one unit, or give them different paths`,
    );
  }
}

/**
 * The gateway's route groups and the route table relabelled by group. A plan's canary whose unit
 * takes routes from several units (a target that merges them) lists each unit and its routes
 * (`sources`, routes as "METHOD /path"): each becomes a group of its own, so its old share goes
 * to the unit that served it before, not to one of them for all. A route no source lists stays
 * in the unit's own group, against the canary's `from`.
 */
function routeGroups(r: ResolvedLayout, canaries: readonly Canary[]): { table: RouteEntry[]; of: Map<string, { unit: ResolvedUnit; from?: OldSide }> } {
  // Group names are new names in the configuration: none may be a unit's. (Unit names are DNS
  // labels, so nginx's variable names, "-" made "_", stay apart as the names do.)
  const taken = new Set(r.units.map((u) => u.name));
  const unique = (base: string) => {
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
    taken.add(name);
    return name;
  };
  const of = new Map<string, { unit: ResolvedUnit; from?: OldSide }>();
  const groupOfRoute = new Map<string, string>();
  for (const u of r.units) {
    of.set(u.name, { unit: u });
    const sources = canaries.find((c) => c.unit === u.name)?.sources ?? [];
    if (sources.length < 2) continue;
    for (const s of sources) {
      const name = unique(`${u.name}-from-${s.unit}`);
      of.set(name, { unit: u, from: { unit: s.unit, port: s.port } });
      for (const route of s.routes) groupOfRoute.set(`${u.name}\u0000${route}`, name);
    }
  }
  const table = r.routes.map((t) => {
    const group = groupOfRoute.get(`${t.unit}\u0000${t.method} ${t.path}`);
    return group ? { ...t, unit: group } : t;
  });
  return { table, of };
}

/**
 * A plan's canary step for this unit: the new unit and the one its routes came from (`from`: a
 * route group's own old unit, else the canary's).
 */
function planStep(opts: GenerateOptions, u: ResolvedUnit, backend: (u: ResolvedUnit, w: number) => GatewayRoute['backends'][number], from?: OldSide): GatewayRoute['backends'] | undefined {
  const c = opts.canaries?.find((x) => x.unit === u.name);
  if (!c) return undefined;
  const side = from ?? c.from;
  const old = { unit: side.unit, host: side.unit, port: side.port, weight: 100 - c.percent };
  // The ends of the canary are plain routes (step 0 is the rollback: everything to the old unit).
  if (c.percent <= 0) return [{ ...old, weight: 100 }];
  if (c.percent >= 100) return [backend(u, 100)];
  return [backend(u, c.percent), old];
}

const MIB = 1024 * 1024;

/**
 * The largest request body (bytes) among these operations: each one's declared `request:` size,
 * else the system's default payload (model/resolve's effective operation), 0 for none.
 */
export function largestRequest(bp: Blueprint, ops: Iterable<string>): number {
  const idx = operationIndex(bp);
  let most = 0;
  for (const id of ops) most = Math.max(most, idx.get(id)?.op.request ?? 0);
  return most;
}

/**
 * A body limit that takes requests of `bytes`: 10% more for the JSON framing around the
 * payload (the k6 script's placeholder wraps it in {"data": ...}), in whole MiB, at least `floorMiB`.
 */
export function bodyLimitMiB(bytes: number, floorMiB: number): number {
  return Math.max(floorMiB, Math.ceil((bytes * 11) / (10 * MIB)));
}

/**
 * nginx's client_max_body_size: 16m, or more where a public operation declares a larger
 * request (nginx answers 413 past it). Kong leaves its nginx unlimited (client_max_body_size 0)
 * and Traefik sets no limit without a buffering middleware: they need none.
 */
export const NGINX_MIN_BODY_MIB = 16;

export function gatewayFileName(kind: GatewayKind): string {
  return kind === 'kong' ? 'gateway/kong.yml' : kind === 'traefik' ? 'gateway/traefik.yml' : 'gateway/nginx.conf';
}

export function gatewayFiles(bp: Blueprint, layout: string, opts: GenerateOptions): GeneratedFile[] {
  const r = layoutToGenerate(bp, layout);
  const kind = gatewayKind(r, opts);
  refuseScaffoldPaths(r);
  const routes = gatewayRoutes(bp, r, opts);
  refuseGatewayPaths(r, kind, routes);
  const header = generatedHeader(bp, layout, `${kind} gateway configuration: routes from the blueprint's route table.`);
  const content = kind === 'kong' ? kong(routes, header) : kind === 'traefik' ? traefik(routes, header) : nginx(routes, gatewayPort(r), gatewayGrpcPort(r), header, bodyLimitMiB(largestRequest(bp, r.routes.map((t) => t.op)), NGINX_MIN_BODY_MIB));
  return [{ path: gatewayFileName(kind), content }];
}

/**
 * Paths the gateway answers itself, never a unit: nginx's `location = /gateway/health` (compose's
 * health check of it; a route there is a duplicate location and nginx does not start), Traefik's
 * ping on its web entry point (compose runs it with --ping.entrypoint=web: an internal router
 * PathPrefix(`/ping`) of the highest priority takes every path that starts so, "/pings" too).
 * Kong answers its status on a listener of its own. A route there is refused (GenerateError,
 * exit 2), the first one named.
 */
function refuseGatewayPaths(r: ResolvedLayout, kind: GatewayKind, routes: GatewayRoute[]): void {
  if (kind === 'kong') return;
  const grpcUnits = new Set(r.units.filter(routedByGrpc).map((u) => u.name));
  const bare = (p: string) => p.replace(/\/+$/, '');
  const taken =
    kind === 'nginx'
      ? (p: string) => bare(p) === '/gateway/health' || p.startsWith('/gateway/health/')
      : (p: string) => p.startsWith('/ping');
  const what = kind === 'nginx' ? 'nginx gateway answers /gateway/health itself (its health check)' : 'Traefik gateway answers every path starting with /ping itself (its ping, the health check)';
  // HTTP routes as written; a gRPC unit's routes travel as its method paths (Traefik takes them on its one port).
  const bad = [
    ...r.routes.filter((t) => !grpcUnits.has(t.unit) && taken(t.path)).map((t) => `${t.op} (unit ${t.unit}) has the public route ${t.method} ${t.path}`),
    ...(kind === 'traefik' ? routes.flatMap((g) => g.grpc.filter(taken).map((p) => `unit ${g.unit} has the gRPC method ${p}`)) : []),
  ];
  if (!bad.length) return;
  const more = bad.length > 1 ? ` (and ${bad.length - 1} more such route${bad.length > 2 ? 's' : ''})` : '';
  throw new GenerateError(`layout ${r.name}: ${bad[0]}${more}, but the ${what}; give the operation another path, or use --kind kong`);
}

/**
 * The port an nginx-based gateway (nginx, Kong) takes gRPC on, when a unit it routes serves gRPC.
 * Plain-text HTTP/2 (h2c, what gRPC clients speak without TLS) and HTTP/1.1 cannot share one
 * nginx listener, so gRPC gets its own: the next port above the gateway's no unit uses, else
 * (a gateway at the top of the range) the nearest below it down to 1024, the unprivileged ports
 * the gateway itself is held to. Monitoring picks its ports after this one (compose.freePort).
 * Traefik tells the two apart on one port and needs none.
 */
export function gatewayGrpcPort(r: ResolvedLayout): number | undefined {
  const routed = new Set(r.routes.map((t) => t.unit));
  if (!r.units.some((u) => routedByGrpc(u) && routed.has(u.name))) return undefined;
  const port = gatewayPort(r);
  const used = new Set([port, ...r.units.map((u) => u.port)]);
  for (let p = port + 1; p <= 65535; p++) if (!used.has(p)) return p;
  for (let p = port - 1; p >= 1024; p--) if (!used.has(p)) return p;
  throw new GenerateError(`gateway: no free port for the gRPC listener of layout ${r.name}: the units take every port from 1024 to 65535 beside the gateway's ${port}`);
}

/** A regex matching exactly one gRPC method path (its dots are literal). */
export function grpcPathRegex(path: string): string {
  return `^${path.replace(/\./g, '\\.')}$`;
}

/** Kong declarative configuration (_format_version 3.0), loaded by Kong in DB-less mode. */
function kong(routes: GatewayRoute[], header: string): string {
  const config = {
    _format_version: '3.0',
    _transform: true,
    services: routes.map((g) => ({
      name: g.name,
      // A host naming an upstream makes Kong balance over the upstream's weighted targets.
      host: `${g.name}.upstream`,
      port: g.backends[0]!.port,
      // A gRPC unit is proxied as gRPC (HTTP/2 to the upstream); its routes take gRPC requests only.
      protocol: g.grpc.length ? 'grpc' : 'http',
      connect_timeout: 5000,
      read_timeout: 60000,
      write_timeout: 60000,
      retries: 2,
      routes: [
        ...(g.prefixes.length ? [{ name: `${g.name}-routes`, paths: g.prefixes, strip_path: false, preserve_host: true, protocols: ['http', 'https'] }] : []),
        // A regex path starts with "~"; regex_priority orders regex routes (higher first).
        ...g.regexes.map((x, i) => ({ name: `${g.name}_re${i + 1}`, paths: [`~${x.pattern}`], regex_priority: x.priority, strip_path: false, preserve_host: true, protocols: ['http', 'https'] })),
        // A Kong path is a prefix ("/pkg.S/Get" would also take "/pkg.S/GetAll"): each method is an exact regex.
        ...(g.grpc.length ? [{ name: `${g.name}-grpc`, paths: g.grpc.map((p) => `~${grpcPathRegex(p)}`), strip_path: false, preserve_host: true, protocols: ['grpc', 'grpcs'] }] : []),
      ],
    })),
    upstreams: routes.map((g) => ({
      name: `${g.name}.upstream`,
      algorithm: 'round-robin',
      // A gRPC server has no HTTP /health: Kong checks that it accepts connections.
      healthchecks: {
        active: g.grpc.length
          ? { type: 'tcp', healthy: { interval: 5, successes: 1 }, unhealthy: { interval: 5, tcp_failures: 3, timeouts: 3 } }
          : {
              type: 'http',
              http_path: '/health',
              healthy: { interval: 5, successes: 1 },
              unhealthy: { interval: 5, http_failures: 3, tcp_failures: 3, timeouts: 3 },
            },
      },
      targets: g.backends.filter((b) => b.weight > 0 || g.backends.length === 1).map((b) => ({ target: `${b.host}:${b.port}`, weight: b.weight })),
    })),
  };
  return toYaml(config, header);
}

/**
 * A prefix claims the path itself and everything below it, never a longer sibling
 * ("/api/orders" must not capture "/api/orders-archive"). Prefixes are route paths, which the
 * schema restricts to characters with no meaning in a Traefik rule or an nginx location.
 */
export function traefikRule(prefixes: string[]): string {
  return prefixes.map((p) => (p === '/' ? 'PathPrefix(`/`)' : `Path(\`${p}\`) || PathPrefix(\`${p}/\`)`)).join(' || ');
}

/** The nginx locations of one prefix: exactly the prefix, and everything under it. */
export function nginxLocations(p: string): string[] {
  return p === '/' ? ['/'] : [`= ${p}`, `^~ ${p}/`];
}

/** Traefik dynamic configuration for the file provider; the static part is in compose. */
function traefik(routes: GatewayRoute[], header: string): string {
  const routers: Record<string, unknown> = {};
  const services: Record<string, unknown> = {};
  // A gRPC unit is reached over h2c (HTTP/2 in clear text) and checked by the gRPC health protocol.
  const server = (b: GatewayRoute['backends'][number], grpc: boolean) => ({
    loadBalancer: grpc
      ? { servers: [{ url: `h2c://${b.host}:${b.port}` }], healthCheck: { mode: 'grpc', interval: '10s', timeout: '3s' } }
      : { servers: [{ url: `http://${b.host}:${b.port}` }], healthCheck: { path: '/health', interval: '10s', timeout: '3s' } },
  });
  for (const g of routes) {
    const split = g.backends.length > 1;
    // Unsplit, the router goes to its one backend's service: at a plan's step 0 (the rollback)
    // that is the old unit, not the group's own (a router named a service no file defined).
    const service = split ? `${g.name}-canary` : g.backends[0]!.unit;
    if (g.prefixes.length) routers[g.name] = { rule: traefikRule(g.prefixes), entryPoints: ['web'], service };
    // Traefik's entry point takes HTTP/1.1 and h2c alike: gRPC needs no entry point of its own.
    if (g.grpc.length) routers[g.name] = { rule: g.grpc.map((p) => `Path(\`${p}\`)`).join(' || '), entryPoints: ['web'], service };
    // An explicit priority (higher first) replaces Traefik's default, the rule's length, which
    // would rank regexes by how long they are written, not by how specific they are.
    g.regexes.forEach((x, i) => (routers[`${g.name}_re${i + 1}`] = { rule: `PathRegexp(\`${x.pattern}\`)`, priority: x.priority, entryPoints: ['web'], service }));
    if (split) {
      services[`${g.name}-canary`] = { weighted: { services: g.backends.map((b) => ({ name: b.unit, weight: b.weight })) } };
    }
    for (const b of g.backends) if (!services[b.unit]) services[b.unit] = server(b, g.grpc.length > 0);
  }
  const sorted = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => byCodeUnit(a, b)));
  return toYaml({ http: { routers, services: sorted(services) } }, header);
}

function nginxVar(unit: string): string {
  return `backend_${unit.replace(/[^a-zA-Z0-9]/g, '_')}`;
}

/**
 * The longest variable name nginx's default variables_hash_bucket_size (64) holds on a 64-bit
 * build: an entry is a pointer, the name and 2 bytes, aligned to 8, and a bucket ends in an
 * 8-byte pointer (ngx_hash_init). A longer one ("backend_" and a unit of 39+ characters) stops
 * nginx at start-up ("could not build variables_hash").
 */
const NGINX_DEFAULT_VAR_MAX = 46;

/**
 * nginx.conf for an unprivileged nginx (nginxinc/nginx-unprivileged). Backends are resolved at
 * request time through Docker's DNS (resolver 127.0.0.11): nginx starts before the services
 * exist and follows containers as they come and go. A canary is a split_clients on the request
 * id, which is nginx's weighted choice per request.
 */
function nginx(routes: GatewayRoute[], port: number, grpcPort: number | undefined, header: string, bodyMiB: number): string {
  const L: string[] = [...header.split('\n').map((l) => `# ${l}`.trimEnd()), ''];
  L.push('worker_processes auto;', 'pid /tmp/nginx.pid;', 'error_log stderr warn;', '', 'events {', '    worker_connections 1024;', '}', '', 'http {');
  L.push(
    '    access_log /dev/stdout;',
    '    client_body_temp_path /tmp/client_temp;',
    '    proxy_temp_path /tmp/proxy_temp;',
    '    fastcgi_temp_path /tmp/fastcgi_temp;',
    '    uwsgi_temp_path /tmp/uwsgi_temp;',
    '    scgi_temp_path /tmp/scgi_temp;',
    `    client_max_body_size ${bodyMiB}m;`,
    '    server_tokens off;',
    '    resolver 127.0.0.11 valid=10s ipv6=off;',
    '',
    '    map $http_upgrade $connection_upgrade {',
    '        default upgrade;',
    "        ''      close;",
    '    }',
    '',
  );
  // 128 holds a name of up to 110 characters ("backend_" and any unit name, at most 50), 256 one
  // of up to 238 (a merged unit's route group, "<unit>-from-<unit>"). Emitted only when needed,
  // so the configuration of short names stays as it was.
  const longest = Math.max(...routes.map((g) => nginxVar(g.name).length));
  if (longest > NGINX_DEFAULT_VAR_MAX) L.push(`    variables_hash_bucket_size ${longest > 110 ? 256 : 128};`, '');
  for (const g of routes) {
    if (g.backends.length > 1) {
      L.push(`    # canary: ${g.backends.map((b) => `${b.weight}% to ${b.unit}`).join(', ')}`);
      L.push(`    split_clients "\${request_id}" $${nginxVar(g.name)} {`);
      g.backends.forEach((b, i) => {
        const share = i === g.backends.length - 1 ? '*' : `${b.weight}%`;
        L.push(`        ${share.padEnd(4)} ${b.host}:${b.port};`);
      });
      L.push('    }', '');
    }
  }
  L.push('    server {', `        listen ${port};`, '', '        location = /gateway/health {', '            access_log off;', '            default_type text/plain;', '            return 200 "ok\\n";', '        }', '');
  const proxy = (g: GatewayRoute, loc: string) => {
    L.push(`        location ${loc} {`);
    if (g.backends.length > 1) L.push(`            proxy_pass http://$${nginxVar(g.name)};`);
    else L.push(`            set $${nginxVar(g.name)} ${g.backends[0]!.host}:${g.backends[0]!.port};`, `            proxy_pass http://$${nginxVar(g.name)};`);
    L.push(
      '            proxy_http_version 1.1;',
      '            proxy_set_header Host $host;',
      '            proxy_set_header X-Request-Id $request_id;',
      '            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
      '            proxy_set_header Upgrade $http_upgrade;',
      '            proxy_set_header Connection $connection_upgrade;',
      '        }',
    );
  };
  for (const g of routes) for (const loc of g.prefixes.flatMap(nginxLocations)) proxy(g, loc);
  // nginx tries regex locations in the order written (first match wins), and only when the
  // longest matching prefix is not "=" or "^~": so they go most specific first.
  const regexes = routes.flatMap((g) => g.regexes.map((x) => ({ g, x }))).sort((a, b) => b.x.priority - a.x.priority);
  for (const { g, x } of regexes) proxy(g, `~ "${x.pattern}"`);
  if (!routes.some((g) => g.prefixes.includes('/'))) L.push('', '        location / {', '            return 404;', '        }');
  L.push('    }');
  const grpc = routes.filter((g) => g.grpc.length);
  if (grpc.length && grpcPort !== undefined) {
    // gRPC: its own HTTP/2 (h2c) listener, each public method exactly, proxied with grpc_pass
    // (HTTP/2 to the unit). Any other path answers gRPC's UNIMPLEMENTED (status 12).
    L.push('', '    server {', `        listen ${grpcPort} http2;`, '');
    for (const g of grpc) {
      for (const p of g.grpc) {
        L.push(`        location = ${p} {`);
        if (g.backends.length > 1) L.push(`            grpc_pass grpc://$${nginxVar(g.name)};`);
        else L.push(`            set $${nginxVar(g.name)} ${g.backends[0]!.host}:${g.backends[0]!.port};`, `            grpc_pass grpc://$${nginxVar(g.name)};`);
        L.push('            grpc_set_header X-Request-Id $request_id;', '            grpc_set_header X-Forwarded-For $proxy_add_x_forwarded_for;', '        }');
      }
    }
    L.push(
      '',
      '        location / {',
      '            default_type application/grpc;',
      '            add_header grpc-status 12 always;',
      '            add_header grpc-message "unknown method" always;',
      '            return 200;',
      '        }',
      '    }',
    );
  }
  L.push('}');
  return L.join('\n') + '\n';
}
