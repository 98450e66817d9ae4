// What every generator shares: the file type, naming, the wiring of a unit (which stores, broker
// and other units it talks to) and how credentials are referenced. Pure.
import { Document, visit, type Scalar } from 'yaml';
import { resolveBlueprint, type ResolvedDatastore, type ResolvedLayout, type ResolvedUnit, type Wiring } from '../model/resolve.js';
import type { Blueprint, Protocol } from '../model/schema.js';
import { isNodeRuntime, isScaffolded, isScaffoldPath, SCAFFOLD_PATHS_SHOWN, scaffoldPathRoutes } from '../model/routes.js';
import { ArchsimError } from '../errors.js';
import { escapeNotRaw, hasNotRaw } from './escape.js';

export interface GeneratedFile {
  /** Relative to the output directory, with forward slashes. */
  path: string;
  content: string;
}

export type GatewayKind = 'kong' | 'traefik' | 'nginx';

export interface GenerateOptions {
  /** Gateway flavour; default: the layout's gateway kind when it is one of these, else nginx. */
  kind?: GatewayKind;
  /** Canary: send this percentage of a unit's routes to it, the rest to the monolith-like unit. */
  canary?: { unit: string; percent: number };
  /**
   * A migration plan's canary step (`generate gateway --plan`): each new unit gets `percent` of
   * its routes, the unit they came from (possibly retired in this layout) the rest. A unit that
   * takes routes from several units lists each with its routes ("METHOD /path"): each unit's
   * routes are split against it.
   */
  canaries?: { unit: string; percent: number; from: { unit: string; port: number }; sources?: { unit: string; port: number; routes: string[] }[] }[];
  /** Kubernetes routing object: an Ingress (default) or a Gateway API HTTPRoute. */
  ingress?: 'ingress' | 'gateway-api';
  /** Kubernetes: also emit StatefulSets for the datastores. */
  withDatastores?: boolean;
  /** k6: base URL, total rate (per second), duration (ms), operations to include. */
  baseUrl?: string;
  rate?: number;
  duration?: number;
  operations?: string[];
  /** k6: closed model (users, think time in ms), warm-up and request timeout (ms). */
  users?: number;
  thinkTime?: number;
  warmup?: number;
  timeout?: number;
  /** k6: how to build valid requests (src/loadtest/profile); read by the CLI, passed in. */
  loadProfile?: import('../loadtest/profile/schema.js').LoadProfile | null;
  /**
   * The monitoring files are generated with the compose file (`generate all`): compose then runs
   * Prometheus and Grafana on them.
   */
  monitoring?: boolean;
  /** k6: also write a k6-operator TestRun (the script in a ConfigMap) for a Kubernetes cluster. */
  k6Operator?: { parallelism: number };
}

/** A generator's own input problem (unknown canary unit, …): the CLI turns it into exit 2. */
export class GenerateError extends ArchsimError {
  override name = 'GenerateError';
  readonly kind = 'usage';
}

// Which units archsim scaffolds and the paths its scaffold serves live in the model (the loader
// warns about those paths too); generators keep importing them from here.
export { isNodeRuntime, isScaffolded, isScaffoldPath };

export const APP_UID = 10001;

/** Sort order that does not depend on the machine's locale (deterministic bytes everywhere). */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** ENV_NAME for a name: upper case, anything not alphanumeric becomes "_". */
export function envName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

/** A database name for a datastore ("auth-db" → "auth_db"). */
export function dbName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}

/**
 * Names an engine keeps for itself. A datastore named `mysql` would otherwise get MYSQL_DATABASE
 * mysql, the grant tables' schema (the image then grants the app user all of it, and the app's
 * tables land beside the system's); `admin` on MongoDB is where its users live; template0/1 are
 * what PostgreSQL copies every new database from. Such a name takes "_db" after it.
 */
const RESERVED_DATABASES: Record<string, readonly string[]> = {
  postgres: ['template0', 'template1'],
  mysql: ['mysql', 'sys', 'information_schema', 'performance_schema'],
  mongodb: ['admin', 'local', 'config'],
};
/** The image refuses these as the application user (MYSQL_USER=root is the root account). */
const RESERVED_USERS: Record<string, readonly string[]> = { mysql: ['root', 'mysql_sys', 'mysql_session'] };

/** The database a datastore's units use: its name as dbName gives it, unless the engine keeps that name. */
export function databaseName(d: { name: string; engine: string }): string {
  const n = dbName(d.name);
  return RESERVED_DATABASES[d.engine]?.includes(n) ? `${n}_db` : n;
}

/** The example application user of a database datastore (.env.example): its name, unless the engine keeps it. */
export function databaseUser(d: { name: string; engine: string }): string {
  const n = dbName(d.name);
  return RESERVED_USERS[d.engine]?.includes(n) ? `${n}_app` : n;
}

/**
 * What a unit serves to other units: its own protocol, else its layout's (resolve.ts fills
 * ResolvedUnit.protocol). The one place generators read it, so a probe, a port name and an env
 * variable always agree.
 */
export function unitProtocol(u: ResolvedUnit): Protocol {
  return u.protocol;
}

/** The protocols a unit calls another by (each declared call's own, else the callee's). */
export function callProtocolsOf(w: Wiring, callee: ResolvedUnit): Protocol[] {
  return w.callProtocols[callee.name] ?? [unitProtocol(callee)];
}

/**
 * How a unit's container is probed: by the protocol it serves. archsim's scaffold serves what
 * the unit is declared to serve (a fastify app with /health and /ready, or a gRPC server with
 * the standard health service); any other unit (an image, another runtime) is a server archsim
 * knows only by its protocol.
 */
export function probeProtocol(u: ResolvedUnit): Protocol {
  return unitProtocol(u);
}

/** Does the unit export Prometheus metrics on its port (archsim's HTTP scaffold does)? */
export function exportsMetrics(u: ResolvedUnit): boolean {
  return isScaffolded(u) && unitProtocol(u) === 'http';
}

/**
 * Refuses (GenerateError: exit 2, one line) a layout where a unit archsim scaffolds as an HTTP
 * service has a public route on one of the scaffold's own paths (scaffoldPathRoutes), naming the
 * first such route. The loader warns about the same routes (model/semantics.ts), at the route.
 */
export function refuseScaffoldPaths(r: ResolvedLayout): void {
  const bad = scaffoldPathRoutes(r);
  if (!bad.length) return;
  const t = bad[0]!;
  const more = bad.length > 1 ? ` (and ${bad.length - 1} more such route${bad.length > 2 ? 's' : ''})` : '';
  throw new GenerateError(`layout ${r.name}: ${t.op} (unit ${t.unit}) has the public route ${t.method} ${t.path}${more}, a path archsim's scaffold serves itself (${SCAFFOLD_PATHS_SHOWN}); give the operation another path`);
}

/** Units that take calls from another unit of the layout (they serve internal operations). */
export function calledUnits(r: ResolvedLayout): Set<string> {
  return new Set(r.wiring.flatMap((w) => w.calls.map((c) => c.name)));
}

/** The compose interpolation and k8s Secret of the token units send on calls to each other. */
export const SERVICE_TOKEN = { variable: 'SERVICE_TOKEN', key: 'token' } as const;
export function serviceTokenSecret(bp: Blueprint): string {
  return `${bp.metadata.name}-service-token`;
}

/** Does this unit send or check the service token (it calls another unit, or another calls it)? */
export function usesServiceToken(r: ResolvedLayout, w: Wiring): boolean {
  return w.calls.length > 0 || calledUnits(r).has(w.unit.name);
}

export function imageOf(bp: Blueprint, u: ResolvedUnit): string {
  return u.image ?? `archsim/${bp.metadata.name}-${u.name}:latest`;
}

export function resources(bp: Blueprint, instance: string | undefined): { vcpu: number; memoryMiB: number } {
  const c = instance ? bp.catalog[instance] : undefined;
  return { vcpu: c?.vcpu ?? 1, memoryMiB: c?.memoryMiB ?? 1024 };
}

/** Default ports of the engines a layout may name. */
export const ENGINE_PORT: Record<string, number> = {
  postgres: 5432,
  mysql: 3306,
  redis: 6379,
  minio: 9000,
  s3: 9000,
  mongodb: 27017,
  rabbitmq: 5672,
  kafka: 9092,
  nats: 4222,
  sqs: 9324,
};

/** Datastores that run as a server (filesystem is a volume, memory is state in its unit's process: neither is a service). */
export function servedStores(r: ResolvedLayout): ResolvedDatastore[] {
  return r.datastores.filter((d) => d.engine !== 'filesystem' && d.engine !== 'memory');
}

/** The filesystem stores a unit writes: each a volume mounted at /data/<store> (compose, Kubernetes). */
export function filesystemStores(w: Wiring): ResolvedDatastore[] {
  return w.stores.filter((s) => s.engine === 'filesystem');
}

/**
 * For a unit whose image archsim does not build (an image, another runtime) and that writes
 * filesystem stores: what its image must hold, one line (compose's header, the scaffold's README).
 * compose runs it as APP_UID, and a new named volume takes the owner of the image's directory at
 * its mount point, root's when the image has none: the unit could not write it. A directory in
 * the image is one Dockerfile line and needs nothing at run time; an init service chowning the
 * volume would run as root with CAP_CHOWN and one more image. (archsim's own Dockerfiles create
 * it; Kubernetes sets fsGroup instead.) undefined when there is nothing to say.
 */
export function dataDirNote(w: Wiring): string | undefined {
  const dirs = filesystemStores(w).map((s) => `/data/${s.name}`);
  if (!dirs.length || isScaffolded(w.unit)) return undefined;
  const list = dirs.join(' ');
  return `${w.unit.name} runs as ${APP_UID}:${APP_UID} and writes ${dirs.join(', ')} (filesystem store volume${dirs.length > 1 ? 's' : ''}): its image must hold ${dirs.length > 1 ? 'those directories' : 'that directory'} owned by ${APP_UID} (RUN mkdir -p ${list} && chown ${APP_UID}:${APP_UID} ${list}), else a new volume is root's and not writable by it.`;
}

export function storePort(d: ResolvedDatastore): number {
  return d.port ?? ENGINE_PORT[d.engine] ?? 5432;
}

/** The unit the monolith's traffic stays on: the one running "*", else the one with most domains. */
export function monolithUnit(bp: Blueprint, r: ResolvedLayout): ResolvedUnit {
  const star = r.units.find((u) => r.layout.units[u.name]?.domains === '*');
  if (star) return star;
  return r.units.reduce((best, u) => (u.domains.length > best.domains.length ? u : best), r.units[0]!);
}

/**
 * The prefix of each served store's .env credentials (`<PREFIX>_USER`, `_PASSWORD`, `_ACCESS_KEY`,
 * `_SECRET_KEY`): its envName, unless an earlier store has that prefix (`a-b` and `a--b` are both
 * `A_B`): then `<PREFIX>_STORE`, `<PREFIX>_STORE_2`, …, so no two stores share a password.
 * compose, .env.example and the units' connection URLs all read it here.
 */
export function storeEnvPrefixes(r: ResolvedLayout): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const d of servedStores(r)) {
    const v = envName(d.name);
    let p = v;
    for (let i = 1; taken.has(p); i++) p = `${v}_STORE${i === 1 ? '' : `_${i}`}`;
    taken.add(p);
    out.set(d.name, p);
  }
  return out;
}

function storeEnvPrefix(r: ResolvedLayout, d: ResolvedDatastore): string {
  return storeEnvPrefixes(r).get(d.name) ?? envName(d.name);
}

/**
 * The broker's compose/k8s service name: its kind, else `<kind>-broker`, `<kind>-broker-2`, …: the
 * first that no unit, datastore or the gateway is called and whose .env prefix (envName) no
 * store's credentials use. Its service, volume (`<name>-data`), Secret (`<name>-credentials`) and
 * .env variables are then its own: a datastore named `redis-broker` beside a redis broker keeps
 * its service and password.
 */
export function brokerName(r: ResolvedLayout): string | undefined {
  const b = r.layout.broker;
  if (!b) return undefined;
  const taken = new Set([...r.units.map((u) => u.name), ...r.datastores.map((d) => d.name), 'gateway']);
  const prefixes = new Set(storeEnvPrefixes(r).values());
  const free = (n: string) => !taken.has(n) && !prefixes.has(envName(n));
  if (free(b.kind)) return b.kind;
  let n = `${b.kind}-broker`;
  for (let i = 2; !free(n); i++) n = `${b.kind}-broker-${i}`;
  return n;
}

/**
 * How many replicas a unit starts with: its `replicas`, kept within its autoscale range (at least
 * `min`, at most `max`). Kubernetes' Deployment and compose's `deploy.replicas` start the same
 * count, and the host ports published for it (unitHostPortRanges) are one per such replica.
 */
export function startReplicas(u: Pick<ResolvedUnit, 'replicas' | 'autoscale'>): number {
  return u.autoscale ? Math.max(1, u.autoscale.min, Math.min(u.replicas, u.autoscale.max)) : u.replicas;
}

export function brokerPort(r: ResolvedLayout): number {
  const b = r.layout.broker!;
  return b.port ?? ENGINE_PORT[b.kind] ?? 5672;
}

export interface EnvVar {
  name: string;
  /** A plain value (non-secret). */
  value?: string;
  /** A secret: the compose interpolation and the k8s Secret it comes from. */
  secret?: { compose: string; secretName: string; key: string };
}

/** The credential variables a layout needs (.env.example), in a stable order. */
export interface Credential {
  variable: string;
  /** Non-secret defaults (user names) get a value; secrets get a placeholder. */
  example: string;
  secret: boolean;
  comment: string;
}

export function credentials(bp: Blueprint, r: ResolvedLayout): Credential[] {
  const out: Credential[] = [];
  for (const d of servedStores(r)) {
    const v = storeEnvPrefix(r, d);
    if (d.engine === 'postgres' || d.engine === 'mysql' || d.engine === 'mongodb') {
      out.push({ variable: `${v}_USER`, example: databaseUser(d), secret: false, comment: `${d.engine} user of ${d.name}` });
      out.push({ variable: `${v}_PASSWORD`, example: `change-me-${d.name}-password`, secret: true, comment: `${d.engine} password of ${d.name}` });
    } else if (d.engine === 'redis') {
      out.push({ variable: `${v}_PASSWORD`, example: `change-me-${d.name}-password`, secret: true, comment: `redis password of ${d.name}` });
    } else if (d.engine === 'minio' || d.engine === 's3') {
      out.push({ variable: `${v}_ACCESS_KEY`, example: dbName(d.name), secret: false, comment: `object store access key of ${d.name}` });
      out.push({ variable: `${v}_SECRET_KEY`, example: `change-me-${d.name}-secret-key`, secret: true, comment: `object store secret key of ${d.name}` });
    }
  }
  if (r.wiring.some((w) => usesServiceToken(r, w))) {
    out.push({ variable: SERVICE_TOKEN.variable, example: 'change-me-service-token', secret: true, comment: 'shared token units send on calls to each other (internal endpoints refuse calls without it)' });
  }
  const b = brokerName(r);
  if (b && r.layout.broker!.kind !== 'kafka' && r.layout.broker!.kind !== 'nats' && r.layout.broker!.kind !== 'sqs') {
    const v = envName(b);
    if (r.layout.broker!.kind !== 'redis') out.push({ variable: `${v}_USER`, example: bp.metadata.name, secret: false, comment: `${r.layout.broker!.kind} user` });
    out.push({ variable: `${v}_PASSWORD`, example: `change-me-${b}-password`, secret: true, comment: `${r.layout.broker!.kind} password` });
  }
  return out;
}

/** Connection URL of a datastore, with ${VAR} references for its credentials. */
function storeUrl(r: ResolvedLayout, d: ResolvedDatastore): string {
  const v = storeEnvPrefix(r, d);
  const host = `${d.name}:${storePort(d)}`;
  switch (d.engine) {
    case 'postgres':
      return `postgres://\${${v}_USER}:\${${v}_PASSWORD}@${host}/${databaseName(d)}`;
    case 'mysql':
      return `mysql://\${${v}_USER}:\${${v}_PASSWORD}@${host}/${databaseName(d)}`;
    case 'mongodb':
      return `mongodb://\${${v}_USER}:\${${v}_PASSWORD}@${host}/${databaseName(d)}?authSource=admin`;
    case 'redis':
      return `redis://:\${${v}_PASSWORD}@${host}/0`;
    default:
      return `http://${host}`;
  }
}

function brokerUrl(r: ResolvedLayout): string {
  const b = brokerName(r)!;
  const v = envName(b);
  const host = `${b}:${brokerPort(r)}`;
  switch (r.layout.broker!.kind) {
    case 'rabbitmq':
      return `amqp://\${${v}_USER}:\${${v}_PASSWORD}@${host}/`;
    case 'redis':
      return `redis://:\${${v}_PASSWORD}@${host}/0`;
    case 'postgres':
      return `postgres://\${${v}_USER}:\${${v}_PASSWORD}@${host}/broker`;
    case 'kafka':
      return host;
    case 'nats':
      return `nats://${host}`;
    default:
      return `http://${host}`;
  }
}

/**
 * Variables archsim sets for a unit itself and for its own stores and broker, whether or not this
 * unit has them: a callee's variable never takes one (a unit named `database`, `redis` or
 * `broker` would otherwise overwrite the unit's DATABASE_URL, REDIS_URL or BROKER_URL).
 */
export const RESERVED_ENV: readonly string[] = [
  'PORT',
  'SERVICE_NAME',
  'NODE_ENV',
  SERVICE_TOKEN.variable,
  'DATABASE_URL',
  'REDIS_URL',
  'BROKER_URL',
  'S3_ENDPOINT',
  'S3_BUCKET',
  'S3_ACCESS_KEY',
  'S3_SECRET_KEY',
];

/** A unit's environment without the addresses of the units it calls. */
function ownEnv(bp: Blueprint, r: ResolvedLayout, w: Wiring): { head: EnvVar[]; tail: EnvVar[] } {
  const head: EnvVar[] = [
    { name: 'PORT', value: String(w.unit.port) },
    { name: 'SERVICE_NAME', value: w.unit.name },
  ];
  // NODE_ENV means something only to a Node process; another image gets only what it asked for.
  if (isNodeRuntime(w.unit) && !Object.hasOwn(w.unit.env, 'NODE_ENV')) head.push({ name: 'NODE_ENV', value: 'production' });
  for (const [k, v] of Object.entries(w.unit.env).sort(([a], [b]) => byCodeUnit(a, b))) head.push({ name: k, value: v });
  const env: EnvVar[] = [];
  const secret = (name: string, compose: string, secretName: string, key: string) => env.push({ name, secret: { compose, secretName, key } });
  if (usesServiceToken(r, w)) secret(SERVICE_TOKEN.variable, `\${${SERVICE_TOKEN.variable}:?set ${SERVICE_TOKEN.variable} in .env (see .env.example)}`, serviceTokenSecret(bp), SERVICE_TOKEN.key);
  const firstOf = (engines: string[]) => w.stores.find((s) => engines.includes(s.engine));
  const rel = firstOf(['postgres', 'mysql', 'mongodb']);
  if (rel) secret('DATABASE_URL', storeUrl(r, rel), `${rel.name}-credentials`, 'url');
  const cache = firstOf(['redis']);
  if (cache) secret('REDIS_URL', storeUrl(r, cache), `${cache.name}-credentials`, 'url');
  const obj = firstOf(['minio', 's3']);
  if (obj) {
    const v = storeEnvPrefix(r, obj);
    env.push({ name: 'S3_ENDPOINT', value: storeUrl(r, obj) });
    env.push({ name: 'S3_BUCKET', value: dbName(obj.name).replace(/_/g, '-') });
    secret('S3_ACCESS_KEY', `\${${v}_ACCESS_KEY}`, `${obj.name}-credentials`, 'access-key');
    secret('S3_SECRET_KEY', `\${${v}_SECRET_KEY}`, `${obj.name}-credentials`, 'secret-key');
  }
  // Every further store by its own name, so a unit that spans several stores reaches all. A
  // filesystem store is a mounted directory, not a server: it gets its _DIR below, never a URL.
  // An object store's URL holds no credentials: its keys come beside it, as the first one's do.
  // A further store named `database`, `redis` or `s3` would take the first store's DATABASE_URL,
  // REDIS_URL or S3_ACCESS_KEY: its variables step aside to <STORE>_STORE_URL (…_STORE_2_URL).
  // The .env names of its credentials (storeEnvPrefixes) are a separate namespace and stay.
  const taken = new Set<string>([...RESERVED_ENV, ...head.map((e) => e.name), ...env.map((e) => e.name)]);
  for (const s of w.stores) {
    if (s === rel || s === cache || s === obj || s.engine === 'filesystem') continue;
    const v = envName(s.name);
    const creds = storeEnvPrefix(r, s);
    const objectStore = s.engine === 'minio' || s.engine === 's3';
    const names = (p: string) => (objectStore ? [`${p}_URL`, `${p}_ACCESS_KEY`, `${p}_SECRET_KEY`] : [`${p}_URL`]);
    let p = v;
    for (let i = 1; names(p).some((n) => taken.has(n)); i++) p = `${v}_STORE${i === 1 ? '' : `_${i}`}`;
    for (const n of names(p)) taken.add(n);
    if (objectStore) {
      env.push({ name: `${p}_URL`, value: storeUrl(r, s) });
      secret(`${p}_ACCESS_KEY`, `\${${creds}_ACCESS_KEY}`, `${s.name}-credentials`, 'access-key');
      secret(`${p}_SECRET_KEY`, `\${${creds}_SECRET_KEY}`, `${s.name}-credentials`, 'secret-key');
    } else secret(`${p}_URL`, storeUrl(r, s), `${s.name}-credentials`, 'url');
  }
  const fsStores = w.stores.filter((s) => s.engine === 'filesystem');
  for (const s of fsStores) env.push({ name: `${envName(s.name)}_DIR`, value: `/data/${s.name}` });
  if (w.usesBroker) {
    const b = brokerName(r)!;
    const url = brokerUrl(r);
    if (url.includes('${')) secret('BROKER_URL', url, `${b}-credentials`, 'url');
    else env.push({ name: 'BROKER_URL', value: url });
  }
  // A variable the unit's env: sets itself (DATABASE_URL pointing at a managed database, say) is
  // the user's: archsim's own value is left out rather than written after it, where compose and
  // Kubernetes would take the last one. PORT, SERVICE_NAME and SERVICE_TOKEN cannot be set there
  // (model/unit-env.ts).
  return { head, tail: env.filter((e) => !Object.hasOwn(w.unit.env, e.name)) };
}

/**
 * The variable holding a callee's address in a caller's environment, for each callee and protocol
 * (key `${unit}\n${protocol}`): `<UNIT>_URL` for HTTP, `<UNIT>_GRPC_ADDR` for gRPC, unless that
 * name is taken (RESERVED_ENV, a variable of the unit's own stores, broker or env:, another
 * callee's): then `<UNIT>_SERVICE_URL` (`<UNIT>_SERVICE_GRPC_ADDR`), then `<UNIT>_SERVICE_2_URL`, ….
 * compose, Kubernetes and the scaffold's clients all read it here.
 */
export function calleeVariables(bp: Blueprint, r: ResolvedLayout, w: Wiring): { get(callee: string, protocol: Protocol): string } {
  const own = ownEnv(bp, r, w);
  const taken = new Set<string>([...RESERVED_ENV, ...own.head.map((e) => e.name), ...own.tail.map((e) => e.name)]);
  const names = new Map<string, string>();
  const allocate = (callee: string, protocol: Protocol): string => {
    const key = `${callee}\n${protocol}`;
    const known = names.get(key);
    if (known !== undefined) return known;
    const base = envName(callee);
    const suffix = protocol === 'grpc' ? '_GRPC_ADDR' : '_URL';
    let name = `${base}${suffix}`;
    for (let i = 1; taken.has(name); i++) name = `${base}_SERVICE${i === 1 ? '' : `_${i}`}${suffix}`;
    taken.add(name);
    names.set(key, name);
    return name;
  };
  // The callees' own variables first, in wiring order, so a name never depends on who asks.
  for (const c of w.calls) for (const p of callProtocolsOf(w, c)) allocate(c.name, p);
  return { get: allocate };
}

/**
 * A unit's environment: plain values (port, name, the layout's env, the URLs of the units it
 * calls) and secrets (connection URLs with credentials), as compose interpolations and as k8s
 * secretKeyRefs. Never a secret value. No name twice: a callee's variable steps aside
 * (calleeVariables) rather than overwrite one of the unit's own.
 */
export function unitEnv(bp: Blueprint, r: ResolvedLayout, w: Wiring): EnvVar[] {
  const own = ownEnv(bp, r, w);
  const vars = calleeVariables(bp, r, w);
  const env: EnvVar[] = [...own.head];
  // An HTTP callee is a URL; a gRPC callee is a host:port target (what gRPC clients dial).
  for (const c of w.calls) {
    for (const p of callProtocolsOf(w, c)) {
      if (p === 'grpc') env.push({ name: vars.get(c.name, p), value: `${c.name}:${c.port}` });
      else env.push({ name: vars.get(c.name, p), value: `http://${c.name}:${c.port}` });
    }
  }
  env.push(...own.tail);
  return env;
}

/** The resolved layout to generate files for; an unknown name is the user's mistake (GenerateError). */
export function layoutToGenerate(bp: Blueprint, layout: string): ResolvedLayout {
  const rb = resolveBlueprint(bp);
  if (!rb.hasLayout(layout)) throw new GenerateError(`unknown layout "${layout}"; layouts: ${rb.layoutNames.join(', ')}`);
  return rb.layout(layout);
}

export function gatewayKind(r: ResolvedLayout, opts: GenerateOptions): GatewayKind {
  if (opts.kind) return opts.kind;
  const k = r.layout.gateway?.kind;
  return k === 'kong' || k === 'traefik' || k === 'nginx' ? k : 'nginx';
}

/** The gateway's listening port: the layout's, else 8000 (or 8080 when a unit already has 8000). */
export function gatewayPort(r: ResolvedLayout): number {
  if (r.layout.gateway && r.layout.gateway.port >= 1024) return r.layout.gateway.port;
  const used = new Set(r.units.map((u) => u.port));
  // The usual ports first, then the next free one above 18000 (the units hold at most a few
  // hundred ports, so one is always free below 65536).
  const usual = [8000, 8080, 8888, 18000].find((p) => !used.has(p));
  if (usual !== undefined) return usual;
  let p = 18001;
  while (used.has(p)) p++;
  return p;
}

export function checkCanary(bp: Blueprint, r: ResolvedLayout, opts: GenerateOptions): { unit: ResolvedUnit; monolith: ResolvedUnit; percent: number } | undefined {
  if (!opts.canary) return undefined;
  const unit = r.units.find((u) => u.name === opts.canary!.unit);
  if (!unit) throw new GenerateError(`--canary: unknown unit "${opts.canary.unit}" in layout ${r.name}; units: ${r.units.map((u) => u.name).join(', ')}`);
  const monolith = monolithUnit(bp, r);
  if (monolith.name === unit.name) throw new GenerateError(`--canary: ${unit.name} is the layout's monolith; choose a unit that was split off`);
  const p = opts.canary.percent;
  if (!(p >= 0 && p <= 100)) throw new GenerateError(`--canary: percentage must be between 0 and 100, got ${p}`);
  // The rest goes to the monolith: it must serve the canary unit's routes, as the old code of a
  // strangler does. Domains are placed once, so only the "*" unit (the monolith, whose code still
  // holds what was split off) can; and it must serve them as the gateway sends them (HTTP or
  // gRPC). At 100% nothing goes to it.
  if (p < 100) {
    const star = r.layout.units[monolith.name]?.domains === '*';
    const proto = (u: ResolvedUnit) => (unitProtocol(u) === 'grpc' ? 'gRPC' : 'HTTP');
    if (!star) {
      throw new GenerateError(
        `--canary: the rest of ${unit.name}'s traffic would go to ${monolith.name}, which does not hold its domains (${unit.domains.join(', ') || 'none'}): layout ${r.name} has no "*" unit (the monolith whose code still serves them) to split with; use a plan step (generate gateway --plan) or 100%`,
      );
    }
    if (unitProtocol(unit) !== unitProtocol(monolith)) {
      throw new GenerateError(`--canary: ${unit.name} serves ${proto(unit)} but the monolith ${monolith.name} serves ${proto(monolith)}: the rest of its traffic would reach a server of the other protocol; use 100%`);
    }
  }
  return { unit, monolith, percent: p };
}

const AMBIGUOUS = /^(y|yes|n|no|true|false|on|off|null|~)$/i;

/**
 * YAML text with stable formatting: no anchors for repeated objects, no line folding, and
 * strings that YAML 1.1 readers (docker compose's older parsers, kubectl) could take for a
 * number, time or boolean quoted.
 */
export function toYaml(value: unknown, header?: string): string {
  const doc = new Document(value, { aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_key, node: Scalar) {
      if (typeof node.value !== 'string') return;
      const s = node.value;
      if (hasNotRaw(s) || AMBIGUOUS.test(s) || /^[-+0-9.:_]+$/.test(s) || s.includes(': ') || s.includes(' #') || /^[*&!%@`'"{[|>?,]/.test(s) || s === '') {
        node.type = 'QUOTE_DOUBLE';
      }
    },
  });
  if (header) doc.commentBefore = header.split('\n').map((l) => (l ? ` ${l}` : '')).join('\n');
  // The library writes C1, U+2028/9 and bidi controls raw even in double quotes: a YAML 1.1 reader
  // (kubectl, PyYAML) takes NEL and U+2028/9 for line breaks and stops parsing, and bidi controls
  // reorder the file as shown. Every scalar holding one is double-quoted (above), where \uXXXX is
  // the same character; comments and keys archsim writes hold none (commentText, names).
  return escapeNotRaw(doc.toString({ lineWidth: 0, indentSeq: true }));
}

export function generatedHeader(bp: Blueprint, layout: string, what: string): string {
  return `${what}\nGenerated by archsim from blueprint "${bp.metadata.name}", layout "${layout}". Regenerate rather than edit:\narchsim generate … --layout ${layout} --force`;
}

/**
 * Without a gateway, the host ports each unit with public routes is published on: one per
 * replica (a host port is one container's), consecutive from its own port, or from the next free
 * one when a unit before it took a port of that range (each container has its own address, so two
 * units may listen on one port, but the host has one of each). compose publishes them so (a range
 * for a replicated unit: each replica takes one) and the k6 script sends to them, spreading a
 * replicated unit's requests over its replicas' ports. Empty with a gateway, which alone is
 * published. A range that no longer fits below 65536 (a unit near the top, or replicas past it)
 * takes the nearest free one below its port instead: every such unit is published, and the k6
 * script sends where compose publishes.
 */
export function unitHostPortRanges(r: ResolvedLayout): Map<string, { first: number; count: number }> {
  const out = new Map<string, { first: number; count: number }>();
  if (r.layout.gateway) return out;
  const routed = new Set(r.routes.map((t) => t.unit));
  const used = new Set<number>();
  const free = (first: number, count: number) => {
    for (let p = first; p < first + count; p++) if (used.has(p)) return false;
    return true;
  };
  for (const u of r.units) {
    if (!routed.has(u.name)) continue;
    const count = Math.max(1, startReplicas(u));
    let first: number | undefined;
    // Upward from its own port while the range fits, then downward from the highest start that fits.
    for (let p = u.port; p + count - 1 <= 65535; p++) {
      if (free(p, count)) {
        first = p;
        break;
      }
    }
    if (first === undefined) {
      for (let p = Math.min(u.port - 1, 65536 - count); p >= 1; p--) {
        if (free(p, count)) {
          first = p;
          break;
        }
      }
    }
    if (first === undefined) throw new GenerateError(`layout ${r.name}: no free range of ${count} host ports for unit ${u.name} (one per replica) below 65536; give it fewer replicas or a gateway`);
    for (let p = first; p < first + count; p++) used.add(p);
    out.set(u.name, { first, count });
  }
  return out;
}

