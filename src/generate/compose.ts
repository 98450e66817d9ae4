// docker compose for a layout: one service per unit, one per datastore, the broker and the
// gateway; credentials only as ${VAR} references, listed in .env.example. Pure.
import { brokerMessageSize, brokerSettings, exactSize, type BrokerSetting } from '../model/lint-broker-message.js';
import type { ResolvedDatastore, ResolvedLayout, ResolvedUnit } from '../model/resolve.js';
import type { Blueprint } from '../model/schema.js';
import { commentText, composeLiteral } from './escape.js';
import {
  APP_UID,
  brokerName,
  brokerPort,
  credentials,
  dataDirNote,
  databaseName,
  envName,
  filesystemStores,
  gatewayKind,
  gatewayPort,
  generatedHeader,
  imageOf,
  isNodeRuntime,
  isScaffolded,
  layoutToGenerate,
  probeProtocol,
  refuseScaffoldPaths,
  resources,
  servedStores,
  startReplicas,
  storeEnvPrefixes,
  storePort,
  toYaml,
  unitEnv,
  unitHostPortRanges,
  type GenerateOptions,
  type GeneratedFile,
} from './common.js';
import { gatewayFileName, gatewayFiles, gatewayGrpcPort } from './gateway.js';
import { workersEnv } from './scaffold-workers.js';

/** Pinned images: the same file gives the same containers next year. */
export const IMAGES = {
  postgres: 'postgres:16-alpine',
  mysql: 'mysql:8.4',
  redis: 'redis:7.4-alpine',
  minio: 'minio/minio:RELEASE.2024-10-13T13-34-11Z',
  mongodb: 'mongo:7.0',
  rabbitmq: 'rabbitmq:3.13-management-alpine',
  kafka: 'apache/kafka:3.9.0',
  nats: 'nats:2.10-alpine',
  sqs: 'softwaremill/elasticmq-native:1.6.11',
  kong: 'kong:3.9',
  traefik: 'traefik:v3.3',
  nginx: 'nginxinc/nginx-unprivileged:1.27-alpine',
  prometheus: 'prom/prometheus:v2.55.1',
  grafana: 'grafana/grafana:11.3.0',
} as const;

const hc = (test: string[], interval = '10s') => ({ test, interval, timeout: '5s', retries: 5, start_period: '10s' });

function need(v: string): string {
  return `\${${v}:?set ${v} in .env (see .env.example)}`;
}

function storeService(d: ResolvedDatastore, bp: Blueprint, v: string): Record<string, unknown> {
  const res = resources(bp, d.instance);
  const limits = { deploy: { resources: { limits: { cpus: String(res.vcpu), memory: `${res.memoryMiB}M` } } } };
  const port = storePort(d);
  switch (d.engine) {
    case 'postgres':
      return {
        image: IMAGES.postgres,
        environment: { POSTGRES_DB: databaseName(d), POSTGRES_USER: need(`${v}_USER`), POSTGRES_PASSWORD: need(`${v}_PASSWORD`), PGPORT: String(port) },
        volumes: [`${d.name}-data:/var/lib/postgresql/data`],
        healthcheck: hc(['CMD-SHELL', `pg_isready -U "$$POSTGRES_USER" -d ${databaseName(d)} -p ${port}`]),
        ...limits,
      };
    case 'mysql':
      return {
        image: IMAGES.mysql,
        environment: { MYSQL_DATABASE: databaseName(d), MYSQL_USER: need(`${v}_USER`), MYSQL_PASSWORD: need(`${v}_PASSWORD`), MYSQL_RANDOM_ROOT_PASSWORD: 'yes', MYSQL_TCP_PORT: String(port) },
        volumes: [`${d.name}-data:/var/lib/mysql`],
        healthcheck: hc(['CMD-SHELL', `mysqladmin ping -h 127.0.0.1 -P ${port} --silent`]),
        ...limits,
      };
    case 'mongodb':
      return {
        image: IMAGES.mongodb,
        command: ['mongod', '--port', String(port)],
        environment: { MONGO_INITDB_ROOT_USERNAME: need(`${v}_USER`), MONGO_INITDB_ROOT_PASSWORD: need(`${v}_PASSWORD`), MONGO_INITDB_DATABASE: databaseName(d) },
        volumes: [`${d.name}-data:/data/db`],
        healthcheck: hc(['CMD', 'mongosh', '--quiet', '--port', String(port), '--eval', "db.adminCommand('ping').ok"]),
        ...limits,
      };
    case 'redis':
      return {
        image: IMAGES.redis,
        command: ['redis-server', '--port', String(port), '--appendonly', 'yes', '--requirepass', `\${${v}_PASSWORD:?set ${v}_PASSWORD in .env (see .env.example)}`],
        environment: { REDISCLI_AUTH: need(`${v}_PASSWORD`) },
        volumes: [`${d.name}-data:/data`],
        healthcheck: hc(['CMD', 'redis-cli', '-p', String(port), 'ping']),
        ...limits,
      };
    default:
      // minio, and s3 (MinIO stands in for S3 on a laptop)
      return {
        image: IMAGES.minio,
        command: ['server', '/data', '--address', `:${port}`, '--console-address', `:${auxPort(9001, [port])}`],
        environment: { MINIO_ROOT_USER: need(`${v}_ACCESS_KEY`), MINIO_ROOT_PASSWORD: need(`${v}_SECRET_KEY`) },
        volumes: [`${d.name}-data:/data`],
        healthcheck: hc(['CMD', 'mc', 'ready', 'local']),
        ...limits,
      };
  }
}

/**
 * A container's own helper listener (Kong's admin and status, Kafka's controller, MinIO's console,
 * NATS's monitoring): its usual port, or the next one up that the container's other listeners
 * (`taken`, the ports the blueprint gave it) leave free. Each service has its own network
 * namespace, so only its own ports can clash.
 */
export function auxPort(usual: number, taken: readonly number[]): number {
  let p = usual;
  while (taken.includes(p)) p++;
  return p;
}

/**
 * ElasticMQ 1.6.11 (IMAGES.sqs) refuses a message over 262,144 bytes with its default strict
 * limits (Limits.scala StrictSQSLimits.maxMessageLength), SQS's limit before August 2025; SQS
 * takes 1 MiB now. Past it the container runs with `rest-sqs.sqs-limits = relaxed`, the only
 * setting that lifts it (lint reports an event over SQS's own 1 MiB).
 */
export const ELASTICMQ_STRICT_MAX = 262_144;

/** Where the broker's config file (NATS max_payload, ElasticMQ's limits) goes, beside docker-compose.yml. */
const NATS_CONF = 'broker/nats-server.conf';
const ELASTICMQ_CONF = 'broker/elasticmq.conf';

/** The broker's message-size settings for the layout's largest event (lint-broker-message.ts): none where the defaults take it. */
function sizeSettings(bp: Blueprint, r: ResolvedLayout): BrokerSetting[] {
  const size = brokerMessageSize(bp, r);
  return size ? brokerSettings(size) : [];
}

/** ElasticMQ must drop its strict limits: an event of the layout passes 256 KiB with its framing. */
function elasticMqRelaxed(bp: Blueprint, r: ResolvedLayout): boolean {
  const size = brokerMessageSize(bp, r);
  return size?.kind === 'sqs' && size.largest.framed > ELASTICMQ_STRICT_MAX;
}

/** The config files the broker's service mounts, where its message size needs one (no flag or variable sets it). */
function brokerConfigFiles(bp: Blueprint, r: ResolvedLayout, layout: string): GeneratedFile[] {
  const size = brokerMessageSize(bp, r);
  if (!size) return [];
  // An event name is free text: flattened to one line of the comment.
  const why = `Sized for the largest event through the broker: ${commentText(size.largest.event)}, ${exactSize(size.largest.payload)}, plus 10% for framing.`;
  const comment = (what: string) => generatedHeader(bp, layout, `${what}\n${why}`).split('\n').map((l) => `# ${l}`.trimEnd());
  const settings = brokerSettings(size);
  if (size.kind === 'nats' && settings.length) {
    return [{ path: NATS_CONF, content: [...comment('NATS server settings (mounted by docker-compose.yml; its flags set the rest).'), ...settings.map((s) => `${s.name}: ${s.value}`), ''].join('\n') }];
  }
  if (elasticMqRelaxed(bp, r)) {
    const lines = ['include classpath("application.conf")', '# relaxed: no SQS limit is checked, the 262,144-byte message size among them (SQS itself takes 1 MiB)', 'rest-sqs.sqs-limits = relaxed'];
    return [{ path: ELASTICMQ_CONF, content: [...comment('ElasticMQ configuration (mounted by docker-compose.yml as /opt/elasticmq.conf).'), ...lines, ''].join('\n') }];
  }
  return [];
}

function brokerService(r: ResolvedLayout, bp: Blueprint): Record<string, unknown> {
  const b = r.layout.broker!;
  const name = brokerName(r)!;
  const v = envName(name);
  const port = brokerPort(r);
  const res = resources(bp, b.instance);
  const limits = { deploy: { resources: { limits: { cpus: String(res.vcpu), memory: `${res.memoryMiB}M` } } } };
  // Raised past the broker's default only where the layout's largest event needs it: the same values as the Kubernetes note.
  const sizes = sizeSettings(bp, r);
  switch (b.kind) {
    case 'rabbitmq':
      return {
        image: IMAGES.rabbitmq,
        environment: {
          RABBITMQ_DEFAULT_USER: need(`${v}_USER`),
          RABBITMQ_DEFAULT_PASS: need(`${v}_PASSWORD`),
          RABBITMQ_NODE_PORT: String(port),
          // rabbit's application environment from the command line (rabbitmq-server passes these to erl).
          ...(sizes.length ? { RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: sizes.map((s) => `-rabbit ${s.name} ${s.value}`).join(' ') } : {}),
        },
        volumes: [`${name}-data:/var/lib/rabbitmq`],
        healthcheck: hc(['CMD', 'rabbitmq-diagnostics', '-q', 'ping'], '15s'),
        ...limits,
      };
    case 'redis':
      return {
        image: IMAGES.redis,
        command: ['redis-server', '--port', String(port), '--requirepass', `\${${v}_PASSWORD:?set ${v}_PASSWORD in .env (see .env.example)}`, ...sizes.flatMap((s) => [`--${s.name}`, String(s.value)])],
        environment: { REDISCLI_AUTH: need(`${v}_PASSWORD`) },
        healthcheck: hc(['CMD', 'redis-cli', '-p', String(port), 'ping']),
        ...limits,
      };
    case 'postgres':
      return {
        image: IMAGES.postgres,
        environment: { POSTGRES_DB: 'broker', POSTGRES_USER: need(`${v}_USER`), POSTGRES_PASSWORD: need(`${v}_PASSWORD`), PGPORT: String(port) },
        volumes: [`${name}-data:/var/lib/postgresql/data`],
        healthcheck: hc(['CMD-SHELL', `pg_isready -U "$$POSTGRES_USER" -d broker -p ${port}`]),
        ...limits,
      };
    case 'kafka':
      return {
        image: IMAGES.kafka,
        environment: {
          KAFKA_NODE_ID: '1',
          KAFKA_PROCESS_ROLES: 'broker,controller',
          KAFKA_LISTENERS: `PLAINTEXT://:${port},CONTROLLER://:${auxPort(9093, [port])}`,
          KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${name}:${port}`,
          KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
          KAFKA_CONTROLLER_QUORUM_VOTERS: `1@localhost:${auxPort(9093, [port])}`,
          KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
          // The image's default log.dirs is under /tmp: its data would miss the volume below.
          KAFKA_LOG_DIRS: '/var/lib/kafka/data',
          // The image's convention: a server property with its dots as underscores, KAFKA_ before it.
          ...Object.fromEntries(sizes.map((s) => [`KAFKA_${s.name.toUpperCase().replace(/\./g, '_')}`, String(s.value)])),
        },
        volumes: [`${name}-data:/var/lib/kafka/data`],
        ...limits,
      };
    case 'nats': {
      // -sd: JetStream's store on the volume (its default is a directory under /tmp). max_payload
      // has no flag: a config file holds it (brokerConfigFiles), the flags after it set the rest.
      const conf = sizes.length ? { command: ['-c', '/etc/nats/archsim.conf'], volume: [`./${NATS_CONF}:/etc/nats/archsim.conf:ro`] } : { command: [], volume: [] };
      return { image: IMAGES.nats, command: [...conf.command, '-js', '-sd', '/data', '-p', String(port), '-m', String(auxPort(8222, [port]))], volumes: [`${name}-data:/data`, ...conf.volume], ...limits };
    }
    default:
      // The image's own /opt/elasticmq.conf is only `include classpath("application.conf")`: replaced, nothing else is lost.
      return { image: IMAGES.sqs, ...(elasticMqRelaxed(bp, r) ? { volumes: [`./${ELASTICMQ_CONF}:/opt/elasticmq.conf:ro`] } : {}), ...limits };
  }
}

/** Brokers whose image has a health check compose can wait on. */
function brokerHasHealthcheck(r: ResolvedLayout): boolean {
  return ['rabbitmq', 'redis', 'postgres'].includes(r.layout.broker?.kind ?? '');
}

/**
 * A unit's health check, by what its container serves (common.probeProtocol). A gRPC server is
 * asked through the standard gRPC health protocol by grpc_health_probe, the usual binary in
 * gRPC images; an HTTP server through its own runtime where it is known (python, node: no
 * curl assumed), else wget or curl, whichever the image has.
 */
export function healthTest(u: ResolvedUnit): string[] {
  const port = u.port;
  // archsim's gRPC scaffold asks its own health service with Node (no probe binary in node:20-slim).
  if (probeProtocol(u) === 'grpc' && isScaffolded(u)) return ['CMD', 'node', 'dist/src/health-check.js'];
  if (probeProtocol(u) === 'grpc') return ['CMD', 'grpc_health_probe', `-addr=127.0.0.1:${port}`, '-connect-timeout=3s', '-rpc-timeout=3s'];
  const url = `http://127.0.0.1:${port}/health`;
  if (u.runtime?.toLowerCase().startsWith('python')) return ['CMD', 'python', '-c', `import urllib.request; urllib.request.urlopen('${url}', timeout=3)`];
  if (isNodeRuntime(u)) return ['CMD', 'node', '-e', `fetch('${url}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`];
  return ['CMD-SHELL', `wget -q -O /dev/null ${url} || curl -fsS -o /dev/null ${url}`];
}

/** A name for an extra service (prometheus, grafana) no unit, store or broker already has. */
function freeName(taken: Set<string>, name: string): string {
  let n = name;
  for (let i = 2; taken.has(n); i++) n = `${name}-${i}`;
  taken.add(n);
  return n;
}

/** A host port no unit publishes: the preferred one, else the next free one above it. */
function freePort(used: Set<number>, preferred: number): number {
  let p = preferred;
  while (used.has(p)) p++;
  used.add(p);
  return p;
}

export function composeDocument(bp: Blueprint, layout: string, opts: GenerateOptions = {}): Record<string, unknown> {
  const r = layoutToGenerate(bp, layout);
  refuseScaffoldPaths(r);
  const services: Record<string, unknown> = {};
  const volumes: Record<string, Record<string, never>> = {};
  const stores = servedStores(r);
  const envPrefixes = storeEnvPrefixes(r);
  const broker = brokerName(r);
  // A gateway only where the layout declares one: the simulation models exactly that.
  const hasGateway = r.layout.gateway !== undefined;
  // Without a gateway, each unit with public routes on the host, a clash moved to the next free port (common.ts).
  const hostPorts = unitHostPortRanges(r);
  const published = new Set<number>();

  for (const w of r.wiring) {
    const u = w.unit;
    const res = resources(bp, u.instance);
    const environment: Record<string, string> = {};
    // A plain value is literal text: compose would interpolate a `$` in it, so it is doubled.
    for (const e of [...unitEnv(bp, r, w), ...workersEnv(u)]) environment[e.name] = e.value !== undefined ? composeLiteral(e.value) : e.secret!.compose;
    const depends: Record<string, { condition: string }> = {};
    for (const s of w.stores) if (s.engine !== 'filesystem') depends[s.name] = { condition: 'service_healthy' };
    if (w.usesBroker && broker) depends[broker] = { condition: brokerHasHealthcheck(r) ? 'service_healthy' : 'service_started' };
    // The image holds /data/<store> owned by the unit's user (scaffold Dockerfile, common.dataDirNote):
    // a new volume takes that owner, so the read-only unit can write its store.
    const fsVolumes = filesystemStores(w).map((s) => `${s.name}-data:/data/${s.name}`);
    const svc: Record<string, unknown> = {
      image: imageOf(bp, u),
      // A unit with its own image is run as it is; archsim's scaffold is built from the
      // repository root (its Dockerfile copies the packages npm installed there); any other
      // from services/<unit>, where its code goes.
      ...(u.image !== undefined ? {} : isScaffolded(u) ? { build: { context: '.', dockerfile: `services/${u.name}/Dockerfile` } } : { build: { context: `./services/${u.name}` } }),
      user: `${APP_UID}:${APP_UID}`,
      read_only: true,
      tmpfs: ['/tmp'],
      cap_drop: ['ALL'],
      security_opt: ['no-new-privileges:true'],
      environment,
      expose: [String(u.port)],
    };
    // Behind a gateway only the gateway is published; without one, each unit with public
    // routes publishes its own port, a replicated one a range of them (a host port is one
    // container's: each replica takes one of the range).
    // Published on the loopback interface: a local run, not an exposure to the network (Docker's
    // published ports bypass the host's firewall).
    const hostPort = hostPorts.get(u.name);
    if (hostPort !== undefined) {
      const last = hostPort.first + hostPort.count - 1;
      svc.ports = [`127.0.0.1:${hostPort.first}${last > hostPort.first ? `-${last}` : ''}:${u.port}`];
      for (let p = hostPort.first; p <= last; p++) published.add(p);
    }
    if (fsVolumes.length) svc.volumes = fsVolumes;
    svc.healthcheck = hc(healthTest(u));
    if (Object.keys(depends).length) svc.depends_on = depends;
    // As many as Kubernetes starts (an autoscaled unit: at least its min): compose does not scale.
    svc.deploy = { replicas: startReplicas(u), resources: { limits: { cpus: String(res.vcpu), memory: `${res.memoryMiB}M` } } };
    svc.restart = 'unless-stopped';
    services[u.name] = svc;
  }

  for (const d of stores) {
    services[d.name] = storeService(d, bp, envPrefixes.get(d.name)!);
    volumes[`${d.name}-data`] = {};
  }
  for (const d of r.datastores.filter((s) => s.engine === 'filesystem')) volumes[`${d.name}-data`] = {};
  if (broker) {
    const b = brokerService(r, bp);
    services[broker] = b;
    // A named volume where the broker writes; a config file is a bind mount, no volume of its own.
    if ((b.volumes as string[] | undefined)?.some((m) => m.startsWith(`${broker}-data:`))) volumes[`${broker}-data`] = {};
  }
  if (hasGateway) {
    services.gateway = gatewayService(bp, r, opts);
    published.add(gatewayPort(r));
    const grpcPort = gatewayGrpcPort(r);
    if (grpcPort !== undefined && gatewayKind(r, opts) !== 'traefik') published.add(grpcPort);
  }
  if (opts.monitoring) monitoringServices(bp, r, services, volumes, published);
  // No top-level `name`: Compose v1 (docker-compose 1.29, what Debian ships) refuses the file
  // with it; the project is named after the folder, or `-p`.
  return { services, volumes };
}

/** Names of the monitoring services in a layout's compose file (beside its units, stores and broker). */
export function monitoringNames(r: ResolvedLayout): { prometheus: string; grafana: string } {
  const taken = new Set([...r.units.map((u) => u.name), ...r.datastores.map((d) => d.name), brokerName(r) ?? '', 'gateway']);
  return { prometheus: freeName(taken, 'prometheus'), grafana: freeName(taken, 'grafana') };
}

/**
 * The .env variable of Grafana's admin password: GRAFANA_ADMIN_PASSWORD, unless a store's or the
 * broker's credentials have that name (a postgres store named `grafana-admin`): then
 * GRAFANA_ADMIN_PASSWORD_2, …. Monitoring steps aside, not the store, so a store's variables are
 * the same with and without monitoring (`compose` and `all`).
 */
export function grafanaPasswordVariable(bp: Blueprint, r: ResolvedLayout): string {
  const taken = new Set(credentials(bp, r).map((c) => c.variable));
  let v = 'GRAFANA_ADMIN_PASSWORD';
  for (let i = 2; taken.has(v); i++) v = `GRAFANA_ADMIN_PASSWORD_${i}`;
  return v;
}

/** Prometheus on monitoring/prometheus.yml and Grafana provisioned with it and the dashboard. */
function monitoringServices(bp: Blueprint, r: ResolvedLayout, services: Record<string, unknown>, volumes: Record<string, Record<string, never>>, published: Set<number>): void {
  const names = monitoringNames(r);
  const hardening = (memory: string) => ({
    read_only: true,
    tmpfs: ['/tmp'],
    cap_drop: ['ALL'],
    security_opt: ['no-new-privileges:true'],
    deploy: { resources: { limits: { cpus: '0.5', memory } } },
    restart: 'unless-stopped',
  });
  const promPort = freePort(published, 9090);
  services[names.prometheus] = {
    image: IMAGES.prometheus,
    command: ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus', `--web.listen-address=:${promPort}`],
    volumes: ['./monitoring/prometheus.yml:/etc/prometheus/prometheus.yml:ro', `${names.prometheus}-data:/prometheus`],
    ports: [`127.0.0.1:${promPort}:${promPort}`],
    healthcheck: hc(['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${promPort}/-/ready`]),
    ...hardening('1024M'),
  };
  const grafanaPort = freePort(published, 3000);
  services[names.grafana] = {
    image: IMAGES.grafana,
    environment: {
      GF_SERVER_HTTP_PORT: String(grafanaPort),
      GF_SECURITY_ADMIN_USER: 'admin',
      GF_SECURITY_ADMIN_PASSWORD: need(grafanaPasswordVariable(bp, r)),
      GF_USERS_ALLOW_SIGN_UP: 'false',
      GF_ANALYTICS_REPORTING_ENABLED: 'false',
      GF_LOG_MODE: 'console',
      PROMETHEUS_URL: `http://${names.prometheus}:${promPort}`,
    },
    volumes: ['./monitoring/grafana/provisioning:/etc/grafana/provisioning:ro', './monitoring/grafana-dashboard.json:/etc/grafana/dashboards/archsim.json:ro', `${names.grafana}-data:/var/lib/grafana`],
    ports: [`127.0.0.1:${grafanaPort}:${grafanaPort}`],
    depends_on: { [names.prometheus]: { condition: 'service_healthy' } },
    healthcheck: hc(['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${grafanaPort}/api/health`]),
    ...hardening('512M'),
  };
  volumes[`${names.prometheus}-data`] = {};
  volumes[`${names.grafana}-data`] = {};
}

function gatewayService(bp: Blueprint, r: ResolvedLayout, opts: GenerateOptions): Record<string, unknown> {
  const kind = gatewayKind(r, opts);
  const port = gatewayPort(r);
  const file = `./${gatewayFileName(kind)}`;
  const res = resources(bp, r.layout.gateway?.instance);
  const depends = Object.fromEntries(r.units.map((u) => [u.name, { condition: 'service_healthy' }]));
  // nginx and Kong take gRPC (h2c) on a listener of its own (gateway.gatewayGrpcPort); Traefik on its one port.
  const grpcPort = kind === 'traefik' ? undefined : gatewayGrpcPort(r);
  const common = {
    ports: [`127.0.0.1:${port}:${port}`, ...(grpcPort !== undefined ? [`127.0.0.1:${grpcPort}:${grpcPort}`] : [])],
    depends_on: depends,
    read_only: true,
    tmpfs: ['/tmp'],
    security_opt: ['no-new-privileges:true'],
    deploy: { resources: { limits: { cpus: String(res.vcpu), memory: `${res.memoryMiB}M` } } },
    restart: 'unless-stopped',
  };
  if (kind === 'kong') {
    const kongAdmin = auxPort(8001, [port, grpcPort ?? 0]);
    return {
      image: IMAGES.kong,
      user: 'kong',
      environment: {
        KONG_DATABASE: 'off',
        KONG_DECLARATIVE_CONFIG: '/kong/kong.yml',
        KONG_PROXY_LISTEN: grpcPort !== undefined ? `0.0.0.0:${port}, 0.0.0.0:${grpcPort} http2` : `0.0.0.0:${port}`,
        KONG_ADMIN_LISTEN: `127.0.0.1:${kongAdmin}`,
        KONG_STATUS_LISTEN: `0.0.0.0:${auxPort(8100, [port, grpcPort ?? 0, kongAdmin])}`,
        KONG_PROXY_ACCESS_LOG: '/dev/stdout',
        KONG_PROXY_ERROR_LOG: '/dev/stderr',
        KONG_PREFIX: '/tmp/kong',
      },
      volumes: [`${file}:/kong/kong.yml:ro`],
      healthcheck: hc(['CMD', 'kong', 'health']),
      ...common,
    };
  }
  if (kind === 'traefik') {
    return {
      image: IMAGES.traefik,
      user: `${APP_UID}:${APP_UID}`,
      command: [`--entrypoints.web.address=:${port}`, '--providers.file.filename=/etc/traefik/dynamic.yml', '--ping=true', '--ping.entrypoint=web', '--accesslog=true'],
      volumes: [`${file}:/etc/traefik/dynamic.yml:ro`],
      healthcheck: hc(['CMD', 'traefik', 'healthcheck', '--ping', '--ping.entrypoint=web', `--entrypoints.web.address=:${port}`]),
      ...common,
    };
  }
  return {
    image: IMAGES.nginx,
    volumes: [`${file}:/etc/nginx/nginx.conf:ro`],
    healthcheck: hc(['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${port}/gateway/health`]),
    ...common,
  };
}

export function envExample(bp: Blueprint, layout: string, opts: GenerateOptions = {}): string {
  const r = layoutToGenerate(bp, layout);
  const L = [
    `# Credentials for the compose file of ${bp.metadata.name} (layout ${layout}).`,
    '# Copy to .env and replace every change-me value with a URL-safe secret (the values are',
    '# interpolated into connection URLs), e.g. from: openssl rand -hex 24',
    '# Never commit .env.',
    '',
  ];
  for (const c of credentials(bp, r)) L.push(`# ${c.comment}`, `${c.variable}=${c.example}`);
  if (opts.monitoring) L.push('# Grafana admin password (user admin)', `${grafanaPasswordVariable(bp, r)}=change-me-grafana-password`);
  return L.join('\n') + '\n';
}

export function composeFiles(bp: Blueprint, layout: string, opts: GenerateOptions = {}): GeneratedFile[] {
  const r = layoutToGenerate(bp, layout);
  const doc = composeDocument(bp, layout, opts);
  const notes = r.wiring.map(dataDirNote).filter((n): n is string => n !== undefined);
  const header = generatedHeader(bp, layout, [`docker compose for ${bp.metadata.name}, layout ${layout}. Start: cp .env.example .env (set the values), then docker compose up --build`, ...notes].join('\n'));
  const files: GeneratedFile[] = [
    { path: 'docker-compose.yml', content: toYaml(doc, header) },
    { path: '.env.example', content: envExample(bp, layout, opts) },
  ];
  // The layout's gateway, not a service of that name: without one, a unit or datastore may be
  // called "gateway" (the model refuses the name only beside a layout's gateway).
  if (r.layout.gateway) files.push(...gatewayFiles(bp, r.name, opts));
  files.push(...brokerConfigFiles(bp, r, layout));
  return files;
}
