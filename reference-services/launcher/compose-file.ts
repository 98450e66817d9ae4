// The compose project of `archsim up --runtime compose`: the reference services of a layout in
// containers. One container per unit (the image of the reference services, built from this
// repository: compose-image.ts), the reference gateway in the same image, and one PostgreSQL
// holding a database per datastore and the cross-unit event queue — as `archsim up` runs them
// as processes (the reference services keep every datastore's tables in PostgreSQL, whatever
// engine the blueprint names: a layout's redis or minio is a database here, not a server).
// Pure: data in, files out. Secrets are ${VAR} references to the project's .env, never values.
import type { ResolvedLayout } from '../../src/model/resolve.js';
import { toYaml } from '../../src/generate/common.js';
import { dbName } from '../runtime/names.js';
import { streamedBodyLimits } from '../runtime/limits.js';
import { ArchsimError } from '../../src/errors.js';

/** A blueprint path compose cannot carry as it is (a bind mount's `:`, an interpolated `$`). */
export class ComposePathError extends ArchsimError {
  override name = 'ComposePathError';
  readonly kind = 'usage';
}

/** The user the units run as (no root in a unit's container): the generated files' APP_UID. */
export const UNIT_UID = 10001;
/** Inside each container: the base image's Node and the app's entry points. */
const UNIT_MAIN = ['node', '/app/dist/reference-services/runtime/unit-main.js'];
const GATEWAY_MAIN = ['node', '/app/dist/reference-services/runtime/gateway-main.js'];
/** Where the blueprint's folder is mounted (read-only), so `extends:` within it resolves. */
export const BLUEPRINT_MOUNT = '/blueprint';
const MEDIA_DIR = '/data/media';
const PG_USER = 'archsim';
/** PostgreSQL's CPU weight (Docker's default for a container: 1024). */
export const PG_CPU_SHARES = 4096;
/** Variables of the project's .env (mode 0600): the only place the secrets are written. */
export const SECRET_VARS = ['ARCHSIM_PG_PASSWORD', 'ARCHSIM_JWT_SECRET', 'ARCHSIM_SERVICE_SECRET'] as const;

export interface ReferenceComposeOptions {
  /** The reference services' image (archsim/reference-services:<fingerprint>). */
  image: string;
  /** Any image honouring the official postgres image's POSTGRES_* variables (default postgres:16). */
  postgresImage: string;
  /** Absolute folder of the blueprint on the host, and the file's name in it. */
  blueprintDir: string;
  blueprintFile: string;
  /** Added to every published port (as `up --port-offset`). */
  portOffset: number;
  /** A gateway for a layout whose blueprint has none (`up --gateway-port`): the published port. */
  gatewayPort?: number;
  mediaMaxBytes: number;
  /** Label on every container, so leftovers can be found by it. */
  label: { key: string; value: string };
}

export interface ReferenceCompose {
  /** docker-compose.yml */
  yaml: string;
  /** initdb/01-databases.sql: one database per datastore and the events database. */
  initSql: string;
  /** Where clients go on the host: the gateway, else the (first) unit. */
  entryPort: number;
  /** Host ports the project publishes (all on 127.0.0.1). */
  published: { what: string; port: number }[];
  /** Service names: the units', then the gateway's (if any) and PostgreSQL's. */
  services: { units: string[]; gateway?: string; postgres: string };
}

/** A compose value written as literal text: compose interpolates `$`, so it is doubled. */
const literal = (s: string) => s.replace(/\$/g, '$$$$');

/** A listener port inside a unit's container other than its public one. */
const internalPortOf = (publicPort: number) => (publicPort === 9100 ? 9101 : 9100);

/**
 * A health probe that costs no Node start-up (bash's /dev/tcp; the base image has bash): an
 * HTTP/1.0 GET whose status line must say 200.
 */
function probe(port: number, path: string): Record<string, unknown> {
  const script = `exec 3<>/dev/tcp/127.0.0.1/${port} && printf 'GET ${path} HTTP/1.0\\r\\n\\r\\n' >&3 && read -r _ code _ <&3 && [ "$code" = 200 ]`;
  // Each probe is a `runc exec` (tens of ms of CPU, seconds of wall time on a loaded machine):
  // every 3 s per container is a compromise between a prompt "healthy" (Docker 20.10 has no
  // start_interval) and what ten containers' probes cost on two cores. The start period is long
  // and the timeout generous: compose gives up on a dependency marked unhealthy, and a busy
  // machine can take minutes to start eight units; `up` has its own deadline (60 s unless told).
  return { test: ['CMD', 'bash', '-c', literal(script)], interval: '3s', timeout: '10s', retries: 5, start_period: '300s' };
}

/**
 * How each unit uses the project's PostgreSQL (UnitOptions.db): it waits for the server, which
 * starts beside it; its pools are opened in full before it is ready and kept, because over the
 * network a new connection's SCRAM (PBKDF2) and DNS lookup run on libuv's thread pool, where a
 * burst of scrypt password hashes (a load test registering its users) held them past pg's 5 s
 * limit (measured: a connection behind 64 queued hashes took 93 s on the loaded 2-core machine,
 * 0.2 s without); and 30 s is the limit for a connection or a free one on a machine that slow.
 */
export const UNIT_DB = { connectTimeoutMs: 30_000, keep: true, waitForMs: 240_000 } as const;

/** A name for an infrastructure service that no unit of the layout already uses. */
function freeName(wanted: string, taken: Set<string>): string {
  let n = wanted;
  for (let i = 2; taken.has(n); i++) n = `${wanted}-${i}`;
  taken.add(n);
  return n;
}

export function referenceCompose(r: ResolvedLayout, o: ReferenceComposeOptions): ReferenceCompose {
  // The one text from outside the blueprint's checked names: a bind mount's short syntax splits
  // on ':', and a '$' would be read as an interpolation (possibly of a secret).
  // eslint-disable-next-line no-control-regex
  const unsafe = /[$:,\u0000-\u001f\u007f]/;
  if (unsafe.test(o.blueprintDir) || unsafe.test(o.blueprintFile)) {
    throw new ComposePathError(`--runtime compose: the blueprint's path ${JSON.stringify(`${o.blueprintDir}/${o.blueprintFile}`)} has a character compose cannot mount ($ : , or a control character); move or rename it`);
  }
  const taken = new Set(r.units.map((u) => u.name));
  const pg = freeName('archsim-postgres', taken);
  const hasGateway = r.layout.gateway !== undefined || o.gatewayPort !== undefined;
  const gw = hasGateway ? freeName('archsim-gateway', taken) : undefined;
  const labels = { [o.label.key]: o.label.value };
  const hardened = {
    user: `${UNIT_UID}:${UNIT_UID}`,
    read_only: true,
    cap_drop: ['ALL'],
    security_opt: ['no-new-privileges:true'],
    labels,
    restart: 'unless-stopped',
    stop_grace_period: '15s',
  };
  // Every datastore is a database on the one server (unit.ts opens the primary store of each domain).
  const dbUrl = (db: string) => `postgres://${PG_USER}:\${ARCHSIM_PG_PASSWORD}@${pg}:5432/${db}`;
  const databases = Object.fromEntries(r.datastores.map((s) => [s.name, dbUrl(dbName(s.name))]));
  const eventsDb = 'archsim_events';
  const internalOrigins = Object.fromEntries(r.units.map((u) => [u.name, `http://${u.name}:${internalPortOf(u.port)}`]));
  const published: ReferenceCompose['published'] = [];
  const services: Record<string, unknown> = {};

  for (const u of r.units) {
    const cfg = {
      blueprint: `${BLUEPRINT_MOUNT}/${o.blueprintFile}`,
      layout: r.name,
      unit: u.name,
      host: '0.0.0.0',
      port: u.port,
      internalPort: internalPortOf(u.port),
      databases,
      ...(r.units.length > 1 ? { eventsDatabase: dbUrl(eventsDb) } : {}),
      internalOrigins,
      jwtSecret: '${ARCHSIM_JWT_SECRET}',
      serviceSecret: '${ARCHSIM_SERVICE_SECRET}',
      mediaDir: MEDIA_DIR,
      mediaMaxBytes: o.mediaMaxBytes,
      logLevel: 'info',
      db: UNIT_DB,
    };
    const svc: Record<string, unknown> = {
      image: o.image,
      command: UNIT_MAIN,
      // Thread-pool work other than scrypt (a new connection's SCRAM and DNS lookup, the
      // other units' names) waits behind fewer hashes with more threads; the kept pools
      // (UNIT_DB) are what keeps a burst of logins from opening connections at all.
      environment: { ARCHSIM_UNIT: interpolated(cfg), NODE_ENV: 'production', UV_THREADPOOL_SIZE: '16' },
      volumes: [`${o.blueprintDir}:${BLUEPRINT_MOUNT}:ro`],
      // Uploaded media live with the container (as the process runtime's temp dir lives with the run).
      tmpfs: ['/tmp', `${MEDIA_DIR}:uid=${UNIT_UID},gid=${UNIT_UID},mode=0700`],
      expose: [String(u.port), String(internalPortOf(u.port))],
      // No depends_on: compose then creates every container at once (on vfs storage each
      // creation copies the whole image, the largest part of a cold start), and the unit waits
      // for PostgreSQL itself (UNIT_DB.waitForMs) before it migrates.
      healthcheck: probe(u.port, '/ready'),
      ...hardened,
    };
    // Behind a gateway only the gateway is published; without one, each unit on its own port.
    if (!hasGateway) {
      svc.ports = [`127.0.0.1:${u.port + o.portOffset}:${u.port}`];
      published.push({ what: `unit ${u.name}`, port: u.port + o.portOffset });
    }
    services[u.name] = svc;
  }

  let entryPort = published[0]?.port ?? 0;
  if (gw) {
    // The gateway listens inside on the blueprint's port (or the one asked for) and is published with the offset.
    const inside = r.layout.gateway?.port ?? o.gatewayPort!;
    const outside = r.layout.gateway ? inside + o.portOffset : o.gatewayPort!;
    const cfg = {
      port: inside,
      host: '0.0.0.0',
      routes: r.routes,
      upstreams: r.units.map((u) => `http://${u.name}:${u.port}`),
      unitHosts: Object.fromEntries(r.units.map((u) => [u.name, u.name])),
      bodyLimits: streamedBodyLimits(o.mediaMaxBytes),
    };
    services[gw] = {
      image: o.image,
      command: GATEWAY_MAIN,
      environment: { ARCHSIM_GATEWAY: interpolated(cfg), NODE_ENV: 'production' },
      tmpfs: ['/tmp'],
      ports: [`127.0.0.1:${outside}:${inside}`],
      // No depends_on either: created with the units; until they are ready its /ready says 503
      // (the gateway answers and every unit behind it is ready), and up's deadline judges the whole.
      healthcheck: probe(inside, '/ready'),
      ...hardened,
    };
    published.push({ what: 'gateway', port: outside });
    entryPort = outside;
  }

  services[pg] = {
    image: o.postgresImage,
    // Root only to initialise the data directory; the server itself runs as postgres (the entrypoint drops to it).
    environment: { POSTGRES_USER: PG_USER, POSTGRES_PASSWORD: '${ARCHSIM_PG_PASSWORD}', POSTGRES_DB: eventsDb },
    command: ['-c', 'max_connections=400', '-c', 'shared_buffers=64MB'],
    // Four times a unit's CPU weight when the machine is short of CPU: every unit waits for this
    // server (its initialisation, then each unit's migrations and pools), and with equal weights
    // eight starting units left it a ninth of the containers' share (initdb took minutes at load 40).
    cpu_shares: PG_CPU_SHARES,
    volumes: ['pgdata:/var/lib/postgresql/data', './initdb:/docker-entrypoint-initdb.d:ro'],
    // Over TCP: the official image's init server listens on the socket only, so this waits for the real one.
    healthcheck: { test: ['CMD', 'pg_isready', '-h', '127.0.0.1', '-U', PG_USER, '-d', eventsDb], interval: '2s', timeout: '10s', retries: 5, start_period: '300s' },
    security_opt: ['no-new-privileges:true'],
    labels,
    restart: 'unless-stopped',
    stop_signal: 'SIGINT',
  };

  const names = [...new Set(r.datastores.map((s) => dbName(s.name)))].filter((n) => n !== eventsDb);
  // Names are ours (archsim_ + [a-z0-9_]): quoted anyway. One statement per line (the local image runs them single-user).
  const initSql = names.map((n) => `CREATE DATABASE "${n.replace(/"/g, '""')}";`).join('\n') + '\n';
  const doc = { services, volumes: { pgdata: { labels } } };
  const header = `The reference services of layout ${r.name} in containers (archsim up --runtime compose).\nWritten by archsim for this run; \`archsim down\` removes its containers, network and volume.`;
  return { yaml: toYaml(doc, header), initSql, entryPort, published, services: { units: r.units.map((u) => u.name), ...(gw ? { gateway: gw } : {}), postgres: pg } };
}

/**
 * JSON for an environment value: literal text except the ${ARCHSIM_…} references, which compose
 * fills from the project's .env.
 */
function interpolated(value: unknown): string {
  const refs = SECRET_VARS.map((v) => `\${${v}}`);
  let text = literal(JSON.stringify(value));
  for (const ref of refs) text = text.split(literal(ref)).join(ref);
  return text;
}
