// Kubernetes manifests for a layout: per unit a Deployment, Service, ConfigMap and (when it
// autoscales) an HPA; an Ingress or Gateway API HTTPRoute from the route table; datastores as
// StatefulSets on request; a kustomization.yaml listing every file. Secrets by reference only.
import { createHash } from 'node:crypto';
import { brokerMessageSize, brokerSettings } from '../model/lint-broker-message.js';
import type { ResolvedDatastore, ResolvedLayout, ResolvedUnit } from '../model/resolve.js';
import type { Blueprint, Protocol } from '../model/schema.js';
import {
  APP_UID,
  GenerateError,
  brokerName,
  byCodeUnit,
  databaseName,
  exportsMetrics,
  generatedHeader,
  imageOf,
  isScaffolded,
  layoutToGenerate,
  probeProtocol,
  refuseScaffoldPaths,
  resources,
  servedStores,
  storePort,
  toYaml,
  unitEnv,
  type GenerateOptions,
  type GeneratedFile,
} from './common.js';
import { IMAGES } from './compose.js';
import { commentText } from './escape.js';
import { bodyLimitMiB, gatewayRoutes, grpcPathRegex, largestRequest, type GatewayRoute } from './gateway.js';
import { workersEnv } from './scaffold-workers.js';

type Obj = Record<string, unknown>;

/** Kubernetes refuses a label value longer than this. */
const LABEL_VALUE_MAX = 63;

/**
 * A label value of at most 63 characters. A longer one (names may be 50 characters each, so
 * "<system>-<unit>" may be 101) keeps its start and ends in 8 hex digits of its SHA-256: distinct
 * values stay distinct, and the same value always gives the same label, so a selector still
 * matches its pods. A shorter value is unchanged.
 */
export function labelValue(value: string): string {
  if (value.length <= LABEL_VALUE_MAX) return value;
  const hash = createHash('sha256').update(value).digest('hex').slice(0, 8);
  // A label value must end in a letter or digit before the "-": trim what the cut left dangling.
  const head = value.slice(0, LABEL_VALUE_MAX - hash.length - 1).replace(/[^A-Za-z0-9]+$/, '');
  return `${head}-${hash}`;
}

const instance = (bp: Blueprint, name: string) => labelValue(`${bp.metadata.name}-${name}`);

function labels(bp: Blueprint, name: string, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/instance': instance(bp, name),
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': bp.metadata.name,
    'app.kubernetes.io/managed-by': 'archsim',
  };
}

function selector(bp: Blueprint, name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': instance(bp, name) };
}

/**
 * archsim's own folders beside the units' in k8s/. A unit with one of these names would share
 * the folder with the stores' files (unit "volumes" and filesystem store "service" both wrote
 * volumes/service.yaml): its files go to "unit_<name>/", which no unit can take ("_" is not in
 * a DNS label). Every other unit keeps "<name>/".
 */
const OWN_FOLDERS = new Set(['volumes', 'datastores']);
export function unitFolder(unit: string): string {
  return OWN_FOLDERS.has(unit) ? `unit_${unit}` : unit;
}

const cpu = (vcpu: number) => `${Math.max(1, Math.round(vcpu * 1000))}m`;

const containerSecurity = {
  runAsNonRoot: true,
  runAsUser: APP_UID,
  runAsGroup: APP_UID,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

const podSecurity = { runAsNonRoot: true, runAsUser: APP_UID, runAsGroup: APP_UID, fsGroup: APP_UID, seccompProfile: { type: 'RuntimeDefault' } };

/** A container's CPU request: half the instance's CPU (room to burst), in millicores as cpu() writes it. */
const cpuRequestMilli = (vcpu: number) => Math.max(1, Math.round((vcpu / 2) * 1000));

/** Requests are half the instance's CPU (room to burst) and all of its memory (no OOM surprises). */
function resourceBlock(bp: Blueprint, instance: string | undefined): Obj {
  const r = resources(bp, instance);
  return {
    requests: { cpu: `${cpuRequestMilli(r.vcpu)}m`, memory: `${r.memoryMiB}Mi` },
    limits: { cpu: cpu(r.vcpu), memory: `${r.memoryMiB}Mi` },
  };
}

/**
 * Liveness and readiness by what the container serves (common.probeProtocol): Kubernetes' own
 * gRPC probe (the standard gRPC health protocol) for a gRPC server, HTTP /health and /ready for
 * archsim's scaffold, HTTP /health for any other HTTP server.
 */
function probes(u: ResolvedUnit): { livenessProbe: Obj; readinessProbe: Obj } {
  const timing = { timeoutSeconds: 3, failureThreshold: 3 };
  if (probeProtocol(u) === 'grpc') {
    return {
      livenessProbe: { grpc: { port: u.port }, initialDelaySeconds: 10, periodSeconds: 10, ...timing },
      readinessProbe: { grpc: { port: u.port }, initialDelaySeconds: 3, periodSeconds: 5, ...timing },
    };
  }
  return {
    livenessProbe: { httpGet: { path: '/health', port: 'http' }, initialDelaySeconds: 10, periodSeconds: 10, ...timing },
    readinessProbe: { httpGet: { path: isScaffolded(u) ? '/ready' : '/health', port: 'http' }, initialDelaySeconds: 3, periodSeconds: 5, ...timing },
  };
}

/** The name of a unit's container and Service port: what the container serves (a scaffold serves HTTP). */
const portName = (u: ResolvedUnit) => probeProtocol(u);

function deployment(bp: Blueprint, r: ResolvedLayout, u: ResolvedUnit, env: ReturnType<typeof unitEnv>): Obj {
  const configEnv = env.filter((e) => e.secret).map((e) => ({ name: e.name, valueFrom: { secretKeyRef: { name: e.secret!.secretName, key: e.secret!.key } } }));
  const fsStores = r.datastores.filter((d) => d.engine === 'filesystem' && u.domains.some((dom) => (r.storesOfDomain.get(dom) ?? []).includes(d.name)));
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: u.name, labels: labels(bp, u.name, 'service') },
    spec: {
      replicas: u.autoscale ? Math.max(1, u.autoscale.min, Math.min(u.replicas, u.autoscale.max)) : u.replicas,
      selector: { matchLabels: selector(bp, u.name) },
      template: {
        // Only archsim's HTTP scaffold is known to export /metrics (monitoring.scrapedUnits).
        metadata: {
          labels: labels(bp, u.name, 'service'),
          ...(exportsMetrics(u) ? { annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(u.port), 'prometheus.io/path': '/metrics' } } : {}),
        },
        spec: {
          automountServiceAccountToken: false,
          // A port below 1024 needs root or CAP_NET_BIND_SERVICE, which the non-root, all-dropped
          // container has not: the pod lowers the kernel's privileged-port line instead (a safe
          // sysctl since Kubernetes 1.22, namespaced to the pod).
          securityContext: u.port < 1024 ? { ...podSecurity, sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] } : podSecurity,
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name: u.name,
              image: imageOf(bp, u),
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: portName(u), containerPort: u.port, protocol: 'TCP' }],
              envFrom: [{ configMapRef: { name: `${u.name}-config` } }],
              ...(configEnv.length ? { env: configEnv } : {}),
              resources: resourceBlock(bp, u.instance),
              ...probes(u),
              securityContext: containerSecurity,
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...fsStores.map((d) => ({ name: d.name, mountPath: `/data/${d.name}` }))],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }, ...fsStores.map((d) => ({ name: d.name, persistentVolumeClaim: { claimName: `${d.name}-data` } }))],
        },
      },
    },
  };
}

function service(bp: Blueprint, name: string, port: number, component: string, headless = false, protocol?: Protocol): Obj {
  // gRPC is HTTP/2 in clear text: appProtocol tells meshes and load balancers so.
  const named = component === 'service' ? { name: protocol ?? 'http', ...(protocol === 'grpc' ? { appProtocol: 'kubernetes.io/h2c' } : {}) } : { name: 'tcp' };
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: labels(bp, name, component) },
    spec: {
      type: 'ClusterIP',
      ...(headless ? { clusterIP: 'None' } : {}),
      selector: selector(bp, name),
      ports: [{ ...named, port, targetPort: port, protocol: 'TCP' }],
    },
  };
}

function configMap(bp: Blueprint, u: ResolvedUnit, env: ReturnType<typeof unitEnv>): Obj {
  const data: Record<string, string> = {};
  for (const e of env) if (e.value !== undefined) data[e.name] = e.value;
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${u.name}-config`, labels: labels(bp, u.name, 'service') }, data };
}

/**
 * The HPA's CPU target for a unit's targetUtilization. Kubernetes measures a pod's utilization
 * against its CPU request (half the instance's vCPU here), the simulator against the cores its
 * workers can use (min(workers, vCPU)): 70% of a 4-vCPU instance's 4 workers is 2.8 cores, which is
 * 140% of a 2-core request. Over 100% is what the HPA expects for a request below the limit.
 */
export function hpaCpuTarget(targetUtilization: number, workers: number, vcpu: number): number {
  // the workers' cores in millicores as Kubernetes can hold them (at least 1m, as the limit is)
  const coresMilli = Math.max(1, Math.round(Math.min(workers, vcpu) * 1000));
  return Math.max(1, Math.round((targetUtilization * coresMilli * 100) / cpuRequestMilli(vcpu)));
}

function hpa(bp: Blueprint, u: ResolvedUnit): Obj {
  const a = u.autoscale!;
  const vcpu = resources(bp, u.instance).vcpu;
  // requests or connections without a `target` scale on CPU, as the simulator scales them
  // (analytic scaleTarget, DES control.ts): a default count per pod would be a number nobody chose.
  const onCpu = a.metric === 'cpu' || a.target === undefined;
  const metric = onCpu
    ? { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: hpaCpuTarget(a.targetUtilization, u.workers, vcpu) } } }
    : {
        // Needs a custom-metrics adapter (e.g. prometheus-adapter) exposing this per-pod metric.
        type: 'Pods',
        pods: {
          metric: { name: a.metric === 'connections' ? 'websocket_connections' : 'http_requests_per_second' },
          target: { type: 'AverageValue', averageValue: String(a.target) },
        },
      };
  const out = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: u.name, labels: labels(bp, u.name, 'service') },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: u.name },
      minReplicas: Math.max(1, a.min),
      maxReplicas: Math.max(1, a.min, a.max),
      metrics: [metric],
      behavior: { scaleUp: { stabilizationWindowSeconds: Math.round(a.scaleUpDelay / 1000) } },
    },
  };
  if (onCpu) {
    const cores = Math.min(u.workers, vcpu);
    NOTES.set(
      out,
      (a.metric === 'cpu' ? '' : `autoscale.metric is ${a.metric} with no target, so CPU.\n`) +
        `Scales at ${Math.round(a.targetUtilization * 100)}% of the ${cores} core${cores === 1 ? '' : 's'} its workers use (targetUtilization), as archsim simulates it:\n` +
        `the HPA measures utilization against the CPU request (${cpuRequestMilli(vcpu)}m), hence averageUtilization ${hpaCpuTarget(a.targetUtilization, u.workers, vcpu)}.`,
    );
  }
  return out;
}

/**
 * The characters ingress-nginx accepts in an `Exact` or `Prefix` path: with
 * `strict-validate-path-type` (on by default since controller 1.12) any other one ("." of a gRPC
 * method or of "/terms.v2.html", "~") has the whole Ingress refused; such a path must be
 * `ImplementationSpecific`.
 */
const PLAIN_PATH = /^\/[A-Za-z0-9/_-]*$/;

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A regex taking exactly what a prefix claims: the prefix itself and everything under "<prefix>/". */
export function ingressPrefixRegex(prefix: string): string {
  return prefix === '/' ? '^/' : `^${escapeRegex(prefix)}(?:/|$)`;
}

const segments = (path: string) => path.split('/').filter(Boolean);
const isParamSegment = (s: string) => s.startsWith('{');

/**
 * Could some concrete path match both route paths? Both must have as many segments, each pair
 * equal (in case too: the Ingress paths are case-sensitive, see ingressRegexPath) or one a {param}.
 */
function mayMatchOnePath(a: string, b: string): boolean {
  const x = segments(a);
  const y = segments(b);
  return x.length === y.length && x.every((s, i) => isParamSegment(s) || isParamSegment(y[i]!) || s === y[i]);
}

/**
 * An anchored regex of archsim's ("^/…") as an ingress-nginx path under use-regex. ingress-nginx
 * writes a path as `location ~* "^<path>"`: it adds the "^" itself, and the Kubernetes API server
 * refuses an ImplementationSpecific path that does not start with "/" (validateHTTPIngressPath), so
 * the path starts with "/". `~*` is case-insensitive, but archsim's routes (matchRoute) are not:
 * "^/about/?$" also took /ABOUT, which matchRoute sends to another unit's GET /{code}. PCRE's
 * inline "(?-i)" turns case-insensitivity off for the rest of the pattern, so it follows the
 * "/" (which has no case): "/(?-i)about/?$". The root prefix "/" has no letter and stays "/".
 */
export function ingressRegexPath(anchored: string): string {
  if (!anchored.startsWith('^/')) throw new Error(`internal: an Ingress regex must start with "^/": ${anchored}`);
  const rest = anchored.slice(2);
  return rest ? `/(?-i)${rest}` : '/';
}

/** What an anchored "^/…" regex matches after the leading "/" (every path here starts so). */
const afterSlash = (anchored: string) => anchored.slice(2);

/**
 * The exact regexes of the routes no prefix can take (model/routes matchersByUnit), most specific
 * first, each made to exclude what a more specific route of another group (and any gRPC method,
 * matched exactly) would take from it. ingress-nginx does not keep the manifest's order: it sorts
 * a host's locations by descending path length (ties by descending path) and nginx takes the
 * first regex that matches, so "^/[^/]+/?$" (GET /{code}) may be tried before "^/about/?$" (GET
 * /about). With the more specific routes' paths excluded by a negative lookahead (PCRE, nginx's
 * regex library) after the leading "/", no two groups' regexes match one path, and the order no
 * longer matters: "^/(?!about/?$|robots\.txt/?$)[^/]+/?$". Written to the Ingress, the whole
 * path, lookahead included, is case-sensitive (ingressRegexPath), as matchRoute is.
 */
export function ingressRegexes(routes: readonly GatewayRoute[]): { group: GatewayRoute; pattern: string; path: string }[] {
  const all = routes.flatMap((g) => g.regexes.map((x) => ({ g, x }))).sort((a, b) => b.x.priority - a.x.priority);
  const grpc = routes.flatMap((g) => g.grpc);
  return all.map(({ g, x }) => {
    const shadowed = [
      ...grpc.filter((p) => mayMatchOnePath(p, x.path)).map((p) => afterSlash(grpcPathRegex(p))),
      ...all.filter((o) => o.g.name !== g.name && o.x.priority > x.priority && mayMatchOnePath(o.x.path, x.path)).map((o) => afterSlash(o.x.pattern)),
    ];
    return { group: g, path: x.path, pattern: shadowed.length ? `^/(?!${shadowed.join('|')})${afterSlash(x.pattern)}` : x.pattern };
  });
}

function ingress(bp: Blueprint, r: ResolvedLayout, opts: GenerateOptions): Obj[] {
  const routes = gatewayRoutes(bp, r, opts);
  const portOf = new Map(r.units.map((u) => [u.name, u.port]));
  const backend = (unit: string) => ({ service: { name: unit, port: { number: portOf.get(unit)! } } });
  const regexes = ingressRegexes(routes);
  // ingress-nginx reads every path of a host as a case-insensitive regex "^<path>", tried longest
  // first, as soon as one Ingress of that host carries use-regex: a Prefix "/api/links" then
  // takes "/api/linksfoo" too, before a shorter regex of another unit that should. So once one
  // path needs a regex (a route no prefix can take, or a path Exact and Prefix may not hold),
  // every path is written as a regex of exactly what it means, made case-sensitive
  // (ingressRegexPath), ImplementationSpecific, and every Ingress says use-regex. Otherwise the
  // plain Prefix and Exact paths (case-sensitive nginx locations), as before.
  const unplain = [...routes.flatMap((g) => [...g.prefixes, ...g.grpc])].filter((p) => !PLAIN_PATH.test(p));
  const regexMode = regexes.length > 0 || unplain.length > 0;
  // ingress-nginx answers 413 past 1m of body by default: a layout whose public operations
  // declare larger requests gets the limit the nginx gateway has for them (gateway.ts bodyLimitMiB).
  const bodyMiB = bodyLimitMiB(largestRequest(bp, r.routes.map((t) => t.op)), 1);
  const BODY: Record<string, string> = bodyMiB > 1 ? { 'nginx.ingress.kubernetes.io/proxy-body-size': `${bodyMiB}m` } : {};
  // What every Ingress of the layout carries: the body limit, and use-regex in regex mode.
  const EVERY_INGRESS: Record<string, string> = { ...BODY, ...(regexMode ? { 'nginx.ingress.kubernetes.io/use-regex': 'true' } : {}) };
  const prefixPath = (p: string, unit: string) =>
    regexMode ? { path: ingressRegexPath(ingressPrefixRegex(p)), pathType: 'ImplementationSpecific', backend: backend(unit) } : { path: p, pathType: 'Prefix', backend: backend(unit) };
  // A gRPC method is one exact path, proxied as gRPC: ingress-nginx's backend-protocol
  // annotation holds for a whole Ingress, so gRPC routes get an Ingress of their own.
  const grpcPath = (p: string, unit: string) =>
    regexMode ? { path: ingressRegexPath(grpcPathRegex(p)), pathType: 'ImplementationSpecific', backend: backend(unit) } : { path: p, pathType: 'Exact', backend: backend(unit) };
  const regexPath = (pattern: string, unit: string) => ({ path: ingressRegexPath(pattern), pathType: 'ImplementationSpecific', backend: backend(unit) });
  // The main and regex Ingresses send each route to its stable backend (during a canary, the unit the
  // routes come from, whatever the split); a canary gets a second Ingress with ingress-nginx's
  // canary annotations carrying the canary's weight. Pointing the main Ingress at the canary
  // would send it 100% (ingress-nginx splits between the two Ingresses, not within one).
  const stableOf = (g: GatewayRoute) => (g.backends.length > 1 ? g.backends.find((b) => b.unit !== g.unit)! : g.backends[0]!).unit;
  const GRPC = { 'nginx.ingress.kubernetes.io/backend-protocol': 'GRPC' };
  const main = routes.flatMap((g) => g.prefixes.map((p) => prefixPath(p, stableOf(g))));
  const grpcPaths = routes.flatMap((g) => g.grpc.map((p) => grpcPath(p, stableOf(g))));
  const annotated = (a: Record<string, string>) => (Object.keys(a).length ? { annotations: a } : {});
  const out: Obj[] = [];
  // An Ingress rule needs at least one path (the API server refuses `paths: []`): none without
  // prefixes. A layout with no public route gets no Ingress at all (k8sObjects).
  if (main.length) {
    out.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: bp.metadata.name, labels: labels(bp, bp.metadata.name, 'gateway'), ...annotated(EVERY_INGRESS) },
      spec: { ingressClassName: 'nginx', rules: [{ http: { paths: main } }] },
    });
  }
  if (grpcPaths.length) {
    out.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: `${bp.metadata.name}-grpc`, labels: labels(bp, bp.metadata.name, 'gateway'), annotations: { ...GRPC, ...EVERY_INGRESS } },
      spec: { ingressClassName: 'nginx', rules: [{ http: { paths: grpcPaths } }] },
    });
  }
  if (regexes.length) {
    out.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: `${bp.metadata.name}-regex`, labels: labels(bp, bp.metadata.name, 'gateway'), annotations: EVERY_INGRESS },
      spec: { ingressClassName: 'nginx', rules: [{ http: { paths: regexes.map((x) => regexPath(x.pattern, stableOf(x.group))) } }] },
    });
  }
  if (regexMode && out.length) {
    const listed = unplain.slice(0, 3).join(', ') + (unplain.length > 3 ? ` and ${unplain.length - 3} more` : '');
    NOTES.set(
      out[0]!,
      [
        'ingress-nginx: every path in this file is an ImplementationSpecific regex, under use-regex.',
        ...(unplain.length
          ? [`Exact and Prefix paths may hold only A-Za-z0-9/_- (strict-validate-path-type, on by default since 1.12): ${listed} cannot be one.`]
          : []),
        'Once one Ingress of a host says use-regex, ingress-nginx reads every path of the host as a',
        'case-insensitive regex "^<path>" (location ~*) and tries them longest first: so a prefix is',
        'written /(?-i)prefix(?:/|$), a gRPC method /(?-i)pkg\\.Svc/Method$, and each route regex',
        'excludes (?!…) the more specific routes of other units that it would otherwise take, so that',
        'the order does not matter. (?-i) turns the case-insensitivity off for the rest of the path:',
        'archsim routes by exact case, so /ABOUT must not reach the unit of /about. Each path starts',
        'with "/" (the API server refuses any other); ingress-nginx adds the "^".',
      ].join('\n'),
    );
  }
  for (const g of routes.filter((x) => x.backends.length > 1)) {
    const canary = g.backends.find((b) => b.unit === g.unit)!;
    out.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: `${bp.metadata.name}-canary-${g.unit}`,
        labels: labels(bp, bp.metadata.name, 'gateway'),
        annotations: {
          'nginx.ingress.kubernetes.io/canary': 'true',
          'nginx.ingress.kubernetes.io/canary-weight': String(canary.weight),
          ...EVERY_INGRESS,
          ...(g.grpc.length ? GRPC : {}),
        },
      },
      // The same path strings as the main, gRPC and regex Ingresses: ingress-nginx pairs a canary
      // with the Ingress of the same host and path.
      spec: {
        ingressClassName: 'nginx',
        rules: [
          {
            http: {
              paths: [
                ...g.prefixes.map((p) => prefixPath(p, g.unit)),
                ...regexes.filter((x) => x.group === g).map((x) => regexPath(x.pattern, g.unit)),
                ...g.grpc.map((p) => grpcPath(p, g.unit)),
              ],
            },
          },
        ],
      },
    });
  }
  return out;
}

/** Comments written before an object's YAML (k8sFiles), kept out of the objects themselves. */
const NOTES = new WeakMap<Obj, string>();

/** Gateway API routes: HTTPRoutes for the HTTP units, GRPCRoutes (v1) for the gRPC ones. */
function httpRoute(bp: Blueprint, r: ResolvedLayout, opts: GenerateOptions): Obj[] {
  const all = gatewayRoutes(bp, r, opts);
  const routes = all.filter((g) => !g.grpc.length);
  const grpc = all.filter((g) => g.grpc.length);
  const out: Obj[] = [];
  if (routes.length) out.push(...routeObjects(bp, r, 'HTTPRoute', bp.metadata.name, httpRouteRules(routes)));
  if (grpc.length) {
    // A method path is "/<package>.<Service>/<Method>" (grpc.grpcPath): GRPCRoute matches the two parts.
    const split = (p: string) => ({ service: p.slice(1, p.lastIndexOf('/')), method: p.slice(p.lastIndexOf('/') + 1) });
    const rules = grpc.map((g) => ({ matches: g.grpc.map((p) => ({ method: { type: 'Exact', ...split(p) } })), group: g }));
    out.push(...routeObjects(bp, r, 'GRPCRoute', `${bp.metadata.name}-grpc`, rules));
  }
  return out;
}

/**
 * The Gateway API's size limits on one route, HTTPRoute and GRPCRoute alike: at most 16 rules
 * (spec.rules maxItems), of at most 8 matches each (matches maxItems up to v1.1; v1.2 allows 64
 * but at most 128 across a route's rules, which 16 rules of 8 never pass). The API server refuses
 * a route over them.
 */
export const ROUTE_RULES_MAX = 16;
export const RULE_MATCHES_MAX = 8;

type RouteRule = { matches: Obj[]; group: GatewayRoute };

const runsOf = <T>(items: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * The rules spread over as many routes as the limits need, a rule's matches in runs of at most 8
 * (a rule each, to the same backends, in order). Which rule wins stays what it is in one route:
 * - The Gateway API ranks Exact and PathPrefix matches across every route attached to a listener
 *   by type and length alone, whichever route holds them. Only two equal matches of two groups
 *   (a plan's merged unit, whose groups may share a path) would be left to the routes' ages and
 *   names instead of the rule order.
 * - Between RegularExpression matches the precedence is implementation-specific: where an
 *   implementation follows the spec's last tie-break, the first matching rule of one route.
 *   archsim's HTTPRoute regexes are not mutually exclusive (GET /{code}/preview and GET /{code}
 *   both take /x/preview): the Ingress's exclude one another by lookahead (ingressRegexes), but
 *   Gateway implementations mostly compile regexes with RE2, which has none.
 * So the rules whose order decides (a regex or a shared match) all stay in the first route, in
 * order, and the rest go after them or to the next routes: "<name>", "<name>-2", … More than 16
 * such rules cannot keep their order and are refused.
 */
export function splitRouteRules(rules: readonly RouteRule[], layout: string, kind: string): RouteRule[][] {
  const capped = rules.flatMap((rule) => runsOf(rule.matches, RULE_MATCHES_MAX).map((matches) => ({ matches, group: rule.group })));
  if (capped.length <= ROUTE_RULES_MAX) return [capped];
  const key = (m: Obj) => JSON.stringify(m);
  const groupsOf = new Map<string, Set<string>>();
  for (const rule of capped) for (const m of rule.matches) groupsOf.set(key(m), (groupsOf.get(key(m)) ?? new Set()).add(rule.group.name));
  const ordered = (rule: RouteRule) => rule.matches.some((m) => (m.path as Obj | undefined)?.type === 'RegularExpression' || groupsOf.get(key(m))!.size > 1);
  const keep = capped.filter(ordered);
  const free = capped.filter((rule) => !ordered(rule));
  if (keep.length > ROUTE_RULES_MAX) {
    throw new GenerateError(
      `layout ${layout}: the ${kind} needs ${keep.length} rules whose order decides which unit a path reaches (RegularExpression paths: routes that start with a {param}, or that another unit's {param} route also takes), and one ${kind} holds at most ${ROUTE_RULES_MAX}; generate with --ingress ingress, or serve those routes from fewer units`,
    );
  }
  const room = ROUTE_RULES_MAX - keep.length;
  return [[...free.slice(0, room), ...keep], ...runsOf(free.slice(room), ROUTE_RULES_MAX)];
}

/** The routes of one kind for the rules: "<name>", then "<name>-2", … when they do not fit in one. */
function routeObjects(bp: Blueprint, r: ResolvedLayout, kind: 'HTTPRoute' | 'GRPCRoute', name: string, rules: readonly RouteRule[]): Obj[] {
  const parts = splitRouteRules(rules, r.name, kind);
  const names = parts.map((_, i) => (i === 0 ? name : `${name}-${i + 1}`));
  const objs = parts.map((part, i) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind,
    metadata: { name: names[i], labels: labels(bp, bp.metadata.name, 'gateway') },
    spec: {
      parentRefs: [{ name: 'gateway' }],
      rules: part.map((rule) => ({ matches: rule.matches, backendRefs: httpBackendRefs(rule.group) })),
    },
  }));
  if (objs.length > 1) {
    NOTES.set(
      objs[0]!,
      [
        `The Gateway API allows at most ${ROUTE_RULES_MAX} rules of ${RULE_MATCHES_MAX} matches in one ${kind}: the rules are in ${names.join(', ')}.`,
        'Exact and PathPrefix matches rank by type and length whichever route holds them; the rules whose',
        'order decides (RegularExpression paths, tried in rule order) are all in this one, in that order.',
      ].join('\n'),
    );
  }
  return objs;
}

const httpBackendRefs = (g: GatewayRoute) => g.backends.filter((b) => b.weight > 0 || g.backends.length === 1).map((b) => ({ name: b.unit, port: b.port, weight: b.weight }));

/**
 * The HTTPRoute's rules. The Gateway API ranks an `Exact` path match above every `PathPrefix`
 * one, and those by length; between `RegularExpression` matches the precedence is
 * implementation-specific, the first matching rule in list order where an implementation
 * follows the spec's last tie-break. So: a group's prefixes as `PathPrefix`; a route without
 * {param} that no prefix could take (GET /about beside another unit's GET /{code}, or GET
 * /api/items beside another unit's GET /api/items/search/{q}) as `Exact` matches, the path and
 * the path with the trailing "/" its regex allows, which rank above every regex everywhere; the
 * {param} routes' `RegularExpression` matches after, most specific first (matchRoute's order).
 * Neighbouring matches of one group share a rule (the first matching rule decides a tie, and
 * both rules would go to the same backends).
 */
export function httpRouteRules(routes: readonly GatewayRoute[]): { matches: Obj[]; group: GatewayRoute }[] {
  const entries: { match: Obj; group: GatewayRoute }[] = [];
  for (const g of routes) {
    for (const p of g.prefixes) entries.push({ match: { path: { type: 'PathPrefix', value: p } }, group: g });
    for (const x of g.regexes.filter((x) => !x.path.includes('{'))) {
      for (const value of [x.path, `${x.path}/`]) entries.push({ match: { path: { type: 'Exact', value } }, group: g });
    }
  }
  const params = routes.flatMap((g) => g.regexes.filter((x) => x.path.includes('{')).map((x) => ({ g, x }))).sort((a, b) => b.x.priority - a.x.priority);
  for (const { g, x } of params) entries.push({ match: { path: { type: 'RegularExpression', value: x.pattern } }, group: g });
  const rules: { matches: Obj[]; group: GatewayRoute }[] = [];
  for (const e of entries) {
    const last = rules[rules.length - 1];
    if (last && last.group === e.group) last.matches.push(e.match);
    else rules.push({ matches: [e.match], group: e.group });
  }
  return rules;
}

function statefulSet(bp: Blueprint, d: ResolvedDatastore): Obj[] {
  const port = storePort(d);
  const secret = `${d.name}-credentials`;
  const ref = (key: string) => ({ valueFrom: { secretKeyRef: { name: secret, key } } });
  let image: string;
  let env: Obj[];
  let args: string[] | undefined;
  let mountPath: string;
  let probe: Obj;
  switch (d.engine) {
    case 'postgres':
      image = IMAGES.postgres;
      env = [
        { name: 'POSTGRES_DB', value: databaseName(d) },
        { name: 'POSTGRES_USER', ...ref('user') },
        { name: 'POSTGRES_PASSWORD', ...ref('password') },
        { name: 'PGPORT', value: String(port) },
        { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
      ];
      mountPath = '/var/lib/postgresql/data';
      probe = { exec: { command: ['pg_isready', '-p', String(port)] } };
      break;
    case 'mysql':
      image = IMAGES.mysql;
      env = [
        { name: 'MYSQL_DATABASE', value: databaseName(d) },
        { name: 'MYSQL_USER', ...ref('user') },
        { name: 'MYSQL_PASSWORD', ...ref('password') },
        { name: 'MYSQL_RANDOM_ROOT_PASSWORD', value: 'yes' },
        { name: 'MYSQL_TCP_PORT', value: String(port) },
      ];
      mountPath = '/var/lib/mysql';
      probe = { exec: { command: ['mysqladmin', 'ping', '-h', '127.0.0.1', '-P', String(port), '--silent'] } };
      break;
    case 'mongodb':
      image = IMAGES.mongodb;
      env = [
        { name: 'MONGO_INITDB_ROOT_USERNAME', ...ref('user') },
        { name: 'MONGO_INITDB_ROOT_PASSWORD', ...ref('password') },
      ];
      args = ['--port', String(port)];
      mountPath = '/data/db';
      probe = { tcpSocket: { port } };
      break;
    case 'redis':
      image = IMAGES.redis;
      env = [{ name: 'REDIS_PASSWORD', ...ref('password') }];
      args = ['redis-server', '--port', String(port), '--appendonly', 'yes', '--requirepass', '$(REDIS_PASSWORD)'];
      mountPath = '/data';
      probe = { tcpSocket: { port } };
      break;
    default:
      image = IMAGES.minio;
      env = [
        { name: 'MINIO_ROOT_USER', ...ref('access-key') },
        { name: 'MINIO_ROOT_PASSWORD', ...ref('secret-key') },
      ];
      args = ['server', '/data', '--address', `:${port}`];
      mountPath = '/data';
      probe = { httpGet: { path: '/minio/health/live', port } };
  }
  // The uid each image's own user has (postgres:alpine 70, redis/mysql/mongo 999; MinIO has none).
  const uid = d.engine === 'postgres' ? 70 : d.engine === 'minio' || d.engine === 's3' ? 1000 : 999;
  const res = resources(bp, d.instance);
  const sts = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: d.name, labels: labels(bp, d.name, 'datastore') },
    spec: {
      serviceName: d.name,
      replicas: 1,
      selector: { matchLabels: selector(bp, d.name) },
      template: {
        metadata: { labels: labels(bp, d.name, 'datastore') },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: d.engine,
              image,
              ...(args ? { args } : {}),
              ports: [{ name: 'tcp', containerPort: port }],
              env,
              resources: resourceBlock(bp, d.instance),
              livenessProbe: { ...probe, initialDelaySeconds: 20, periodSeconds: 10 },
              readinessProbe: { ...probe, initialDelaySeconds: 5, periodSeconds: 5 },
              securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'data', mountPath }],
            },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: `${Math.max(1, Math.round(res.memoryMiB / 1024)) * 10}Gi` } } },
        },
      ],
    },
  };
  return [sts, service(bp, d.name, port, 'datastore', true)];
}

/** Every Kubernetes object, grouped by the file it goes in. */
export function k8sObjects(bp: Blueprint, layout: string, opts: GenerateOptions = {}): { file: string; objects: Obj[] }[] {
  const r = layoutToGenerate(bp, layout);
  refuseScaffoldPaths(r);
  const out: { file: string; objects: Obj[] }[] = [];
  for (const w of r.wiring) {
    const env = [...unitEnv(bp, r, w), ...workersEnv(w.unit)];
    const u = w.unit;
    const dir = unitFolder(u.name);
    out.push({ file: `${dir}/deployment.yaml`, objects: [deployment(bp, r, u, env)] });
    out.push({ file: `${dir}/service.yaml`, objects: [service(bp, u.name, u.port, 'service', false, portName(u))] });
    out.push({ file: `${dir}/configmap.yaml`, objects: [configMap(bp, u, env)] });
    if (u.autoscale) out.push({ file: `${dir}/hpa.yaml`, objects: [hpa(bp, u)] });
  }
  const fsStores = r.datastores.filter((d) => d.engine === 'filesystem');
  for (const d of fsStores) {
    out.push({
      file: `volumes/${d.name}.yaml`,
      objects: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: `${d.name}-data`, labels: labels(bp, d.name, 'datastore') },
          spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '10Gi' } } },
        },
      ],
    });
  }
  if (opts.withDatastores) for (const d of servedStores(r)) out.push({ file: `datastores/${d.name}.yaml`, objects: statefulSet(bp, d) });
  // Nothing routed from outside (no public route): no Ingress or route file rather than one with
  // no paths or rules, which the API server refuses.
  const routing = opts.ingress === 'gateway-api' ? { file: 'httproute.yaml', objects: httpRoute(bp, r, opts) } : { file: 'ingress.yaml', objects: ingress(bp, r, opts) };
  if (routing.objects.length) out.push(routing);
  return out;
}

export function k8sFiles(bp: Blueprint, layout: string, opts: GenerateOptions = {}): GeneratedFile[] {
  const r = layoutToGenerate(bp, layout);
  const groups = k8sObjects(bp, layout, opts);
  const header = generatedHeader(bp, layout, 'Kubernetes manifests.');
  const comment = (o: Obj, i: number) => [i === 0 ? header : undefined, NOTES.get(o)].filter((x) => x !== undefined).join('\n\n') || undefined;
  const files = groups.map((g) => ({ path: `k8s/${g.file}`, content: g.objects.map((o, i) => toYaml(o, comment(o, i))).join('---\n') }));
  const secrets = secretNames(bp, r, opts);
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    labels: [{ pairs: { 'app.kubernetes.io/part-of': bp.metadata.name }, includeSelectors: false }],
    resources: groups.map((g) => g.file),
  };
  const note = [
    generatedHeader(bp, layout, 'Kustomization: kubectl apply -k k8s/'),
    '',
    'Secrets are referenced, never generated. Create them before applying, e.g.:',
    ...secrets.map((s) => `  kubectl create secret generic ${s.name} ${s.keys.map((k) => `--from-literal=${k}=…`).join(' ')}`),
    ...brokerNote(bp, r),
  ].join('\n');
  files.push({ path: 'k8s/kustomization.yaml', content: toYaml(kustomization, note) });
  return files;
}

/**
 * The layout's broker is the cluster's (no manifest here): where its largest event is over the
 * broker's default message size, the settings it needs, with the values compose sets.
 */
function brokerNote(bp: Blueprint, r: ResolvedLayout): string[] {
  const size = brokerMessageSize(bp, r);
  const settings = size ? brokerSettings(size) : [];
  if (!size || !settings.length) return [];
  const event = size.largest;
  return [
    '',
    `The broker (${size.kind}, the cluster's, reached as ${brokerName(r)}) must take messages of ${size.raiseTo} bytes: event ${commentText(event.event)} is ${event.payload} bytes, plus 10% for framing.`,
    `Set ${settings.map((s) => `${s.name}=${s.value}`).join(', ')} on it (the values generate compose sets).`,
  ];
}

/** The Secrets the manifests reference, with their keys (for the instructions). */
export function secretNames(bp: Blueprint, r: ResolvedLayout, opts: GenerateOptions): { name: string; keys: string[] }[] {
  const m = new Map<string, Set<string>>();
  const add = (name: string, key: string) => m.set(name, (m.get(name) ?? new Set()).add(key));
  for (const w of r.wiring) for (const e of unitEnv(bp, r, w)) if (e.secret) add(e.secret.secretName, e.secret.key);
  if (opts.withDatastores) {
    for (const d of servedStores(r)) {
      const keys = d.engine === 'redis' ? ['password'] : d.engine === 'minio' || d.engine === 's3' ? ['access-key', 'secret-key'] : ['user', 'password'];
      for (const k of keys) add(`${d.name}-credentials`, k);
    }
  }
  return [...m].map(([name, keys]) => ({ name, keys: [...keys].sort() })).sort((a, b) => byCodeUnit(a.name, b.name));
}
