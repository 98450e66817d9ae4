// Running a layout of a blueprint for real: PostgreSQL, every unit as its own process on its
// blueprint port (+ an optional offset) with an internal listener on a free port, the gateway,
// readiness, supervision (a unit or the gateway that dies is restarted with backoff, and given
// up on after repeated failures) and a clean stop. The CLI's
// `up`, the load tests and the reference-services tests all start layouts through this.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { addressInUse, freePort, portFree } from '../runtime/free-port.js';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTail } from '../../src/io/read-input.js';
import { loadBlueprint } from '../../src/io/load.js';
import { resolveLayout } from '../../src/model/resolve.js';
import type { RouteEntry } from '../../src/model/routes.js';
import { dbName, envKey } from '../runtime/names.js';
import { ArchsimError } from '../../src/errors.js';

export type DbMode = 'embedded' | 'url' | 'container';

export interface StartOptions {
  db?: DbMode;
  /** Image of `db: 'container'`: default postgres:16 (anything honouring the official image's POSTGRES_* variables). */
  dbImage?: string;
  /**
   * Added to every blueprint port (units and gateway), so parallel runs do not collide. Keep
   * the ports below 32768: above, Linux hands the same numbers to outgoing connections.
   */
  portOffset?: number;
  /** Embedded cluster directory; default a fresh temp dir removed on stop. */
  dataDir?: string;
  /**
   * PostgreSQL crash-safe (fsync, synchronous_commit, full_page_writes on): the default. false is
   * the fast throwaway mode (`--fast-db`), which no real deployment runs.
   */
  durable?: boolean;
  /**
   * The embedded server with wal_level=logical (a table move's dual write replicates the old copy
   * to the new one: the rehearsal). Embedded only; another server says its own wal_level.
   */
  logicalReplication?: boolean;
  /** Port of the gateway when the layout has none in the blueprint (monolith): default no gateway. */
  gatewayPort?: number;
  jwtSecret?: string;
  mediaDir?: string;
  mediaMaxBytes?: number;
  logDir?: string;
  logLevel?: string;
  readyTimeoutMs?: number;
  /** For --db url: base URL (default $DATABASE_URL); DATABASE_URL_<STORE> overrides per datastore. */
  databaseUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** Restart a unit that dies (default true); see SuperviseOptions. */
  supervise?: boolean | SuperviseOptions;
  /** Tests only: fault injection per unit name (see reference-services/runtime/unit.ts faultHook). */
  faults?: Record<string, string>;
  /** Units of other layouts that will join this run (addUnit), name → domains: every unit accepts their service tokens. */
  peers?: Record<string, string[]>;
  /** Events go through the cross-unit queue even when the layout has one unit (units of other layouts will join). */
  crossUnitEvents?: boolean;
}

/** A unit of another layout of the same blueprint, started into a running layout (a migration rehearsal). */
export interface AddUnitOptions {
  /** the layout that defines the unit (its domains, port, calls) */
  layout: string;
  unit: string;
  /** unit name of `layout` → internal origin serving its domains now (the caller knows who serves what) */
  internalOrigins: Record<string, string>;
  /** Tests only: fault injection for this unit (e.g. "answer-500"). */
  faults?: string;
  /**
   * Open every connection of its pools before it reports ready (UnitOptions.db.keep), as a unit
   * that will take traffic at once should: its first requests then never wait for a connection.
   */
  warmPools?: boolean;
}

export interface SuperviseOptions {
  /** Consecutive failed restarts before giving up on a unit (default 5). */
  maxRestarts?: number;
  /** First backoff; doubled per consecutive failure up to 8 s (default 250 ms). */
  backoffMs?: number;
  /** A unit that stayed up this long has its failure count reset (default 30 s). */
  healthyAfterMs?: number;
  onEvent?(e: UnitEvent): void;
}

/** A supervision event of a unit, or of the gateway (`gateway: true`, `unit` is then "gateway"). */
export type UnitEvent = (
  | { kind: 'crashed'; unit: string; pid: number; code: number | null; signal: string | null; restartInMs: number; failures: number }
  | { kind: 'restarted'; unit: string; pid: number; restarts: number }
  | { kind: 'restart-failed'; unit: string; error: string }
  | { kind: 'gave-up'; unit: string; failures: number; log: string }
) & { gateway?: true };

export interface UnitInfo {
  name: string;
  domains: string[];
  port: number;
  url: string;
  /** The unit's internal listener: internal operations (service token required), /metrics, detailed /ready. */
  internalUrl: string;
  pid: number;
  log: string;
  /** up, restarting (after a crash), stopped (stopUnit) or failed (supervision gave up) */
  state: 'up' | 'restarting' | 'stopped' | 'failed';
  restarts: number;
}

export interface RunningLayout {
  blueprint: string;
  layout: string;
  /** Where clients go: the gateway, or the single unit when the layout has no gateway. */
  gatewayUrl: string;
  /** The gateway process, supervised like a unit (its pid changes when it is restarted). */
  gateway?: {
    url: string;
    /** The gateway's internal listener: the admin endpoint that changes route weights (control token only; src/run/gateway-control.ts). */
    internalUrl: string;
    pid: number;
    port: number;
    log: string;
    state: UnitInfo['state'];
    restarts: number;
  };
  units: UnitInfo[];
  routes: RouteEntry[];
  /** datastore → URL, plus "events" for the cross-unit queue */
  databases: Record<string, string>;
  /** The database URL holding a domain's schema (after a cut-over: the new one). */
  databaseOf(domain: string): string;
  /**
   * A domain's schema now lives in another database (a table move's cut-over switched the units
   * hosting it): databaseOf and units added from now on use it.
   */
  moveDomain(domain: string, url: string): void;
  postgres: { kind: DbMode; port?: number; dataDir?: string; pid?: number; containerId?: string };
  jwtSecret: string;
  /** The run's service-token secret (tests use it to call internal operations as a unit would). */
  serviceSecret: string;
  mediaDir: string;
  mediaMaxBytes: number;
  stopUnit(name: string): Promise<void>;
  startUnit(name: string): Promise<void>;
  /**
   * Start a unit of another layout with this run's databases (each of its datastores is the one
   * holding its domains' schemas now: data stays in place), secrets and event queue. Once it is
   * ready it is supervised like the layout's units (a crash is restarted, same ports); stopped
   * (drained) by stopUnit or stop. The returned info follows its restarts (pid, state).
   */
  addUnit(o: AddUnitOptions): Promise<UnitInfo>;
  /**
   * A database for a datastore the run does not have yet (a table move's target), in the run's
   * server, with these domains' schemas migrated: the URL. With --db url it is the datastore's
   * DATABASE_URL_<DATASTORE>, else undefined (the caller says the move cannot be rehearsed).
   */
  prepareDatastore(store: string, domains: readonly string[]): Promise<string | undefined>;
  stop(): Promise<void>;
}

export class PortInUseError extends ArchsimError {
  override name = 'PortInUseError';
  readonly kind = 'usage';
}

export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

/** A runtime program, built: dist/reference-services/runtime/<name>.js. */
export function program(name: 'unit-main' | 'gateway-main' | 'event-bench-main'): string {
  const p = join(projectRoot(), 'dist', 'reference-services', 'runtime', `${name}.js`);
  if (!existsSync(p)) throw new Error(`${p} is missing: run \`npx tsc -p tsconfig.json\` first`);
  return p;
}

export { portFree };

async function waitReady(url: string, proc: ChildProcess, log: string, timeoutMs: number, probe = '/ready'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      const tail = readTail(log).split('\n').slice(-6).join('\n');
      throw new Error(`${url} exited before ready (code ${proc.exitCode ?? proc.signalCode}):\n${tail}`);
    }
    try {
      const r = await fetch(`${url}${probe}`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (log: ${log})`);
}

function killGroup(proc: ChildProcess, timeoutMs = 8000): Promise<void> {
  return new Promise((res) => {
    if (proc.exitCode !== null || proc.signalCode !== null || !proc.pid) return res();
    const t = setTimeout(() => {
      try {
        process.kill(-proc.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, timeoutMs);
    proc.once('exit', () => {
      clearTimeout(t);
      res();
    });
    try {
      process.kill(-proc.pid, 'SIGTERM');
    } catch {
      clearTimeout(t);
      res();
    }
  });
}


export async function startLayout(bpPath: string, layoutName: string, opts: StartOptions = {}): Promise<RunningLayout> {
  const { blueprint } = loadBlueprint(bpPath);
  if (!blueprint.layouts[layoutName]) throw new Error(`unknown layout "${layoutName}" (have ${Object.keys(blueprint.layouts).join(', ')})`);
  const r = resolveLayout(blueprint, layoutName);
  const offset = opts.portOffset ?? 0;
  const env = opts.env ?? process.env;
  const bpAbs = resolve(bpPath);

  const gwPort = r.layout.gateway ? r.layout.gateway.port + offset : opts.gatewayPort;
  const wanted = [...r.units.map((u) => ({ what: `unit ${u.name}`, port: u.port + offset })), ...(gwPort ? [{ what: 'gateway', port: gwPort }] : [])];
  // A port the offset moved past the last one (an internal error from the listener before).
  const past = wanted.filter((w) => w.port > 65_535);
  if (past.length) throw new PortInUseError(`--port-offset ${offset} moves ${past.map((w) => `${w.what} to ${w.port}`).join(', ')}, past 65535: use an offset of at most ${offset - (Math.max(...past.map((w) => w.port)) - 65_535)}`);
  // Separate hosts may share a port (the blueprint allows it); on this one host they cannot.
  const first = new Map<number, string>();
  for (const w of wanted) {
    const other = first.get(w.port);
    if (other) throw new PortInUseError(`${other} and ${w.what} both listen on port ${w.port}: fine on separate hosts (compose containers, Kubernetes pods), but \`up\` runs the whole layout on this host; give them distinct ports in the blueprint`);
    first.set(w.port, w.what);
  }
  const busy = [];
  for (const w of wanted) if (!(await portFree(w.port))) busy.push(`${w.port} (${w.what})`);
  if (busy.length) throw new PortInUseError(`port${busy.length > 1 ? 's' : ''} in use: ${busy.join(', ')}; stop what holds ${busy.length > 1 ? 'them' : 'it'} (archsim down?) or pass --port-offset`);

  // PostgreSQL
  const { startEmbedded, fromUrl, startContainer, ensureDatabases } = await import('../runtime/postgres.js');
  const mode: DbMode = opts.db ?? 'embedded';
  const tempData = mode === 'embedded' && !opts.dataDir;
  const dataDir = opts.dataDir ?? join(tmpdir(), `archsim-pg-${layoutName}-${process.pid}-${randomBytes(3).toString('hex')}`);
  let pgh;
  if (mode === 'embedded') pgh = await startEmbedded({ dataDir, durable: opts.durable ?? true, ...(opts.logicalReplication ? { logical: true } : {}) });
  else if (mode === 'container') pgh = await startContainer({ ...(opts.dbImage ? { image: opts.dbImage } : {}), durable: opts.durable ?? true });
  else {
    const base = opts.databaseUrl ?? env.DATABASE_URL;
    if (!base) throw new Error('--db url needs DATABASE_URL (or DATABASE_URL_<DATASTORE> for each datastore)');
    pgh = fromUrl(base);
  }
  const databases: Record<string, string> = {};
  /** domain → its database after a cut-over (moveDomain): a unit (re)started from then on uses it */
  const movedDomains = new Map<string, string>();
  const movedOf = (domains: readonly string[]) => {
    const m = domains.filter((d) => movedDomains.has(d));
    return m.length ? { domainDatabases: Object.fromEntries(m.map((d) => [d, movedDomains.get(d)!])) } : {};
  };
  try {
    if (mode === 'url') {
      // With a given server, each datastore gets its own URL or shares DATABASE_URL's database
      // (the domains still keep to their own schemas).
      for (const s of r.datastores) databases[s.name] = env[envKey(s.name)] ?? (opts.databaseUrl ?? env.DATABASE_URL)!;
      databases.events = env.DATABASE_URL_EVENTS ?? (opts.databaseUrl ?? env.DATABASE_URL)!;
    } else {
      const names = [...r.datastores.map((s) => dbName(s.name)), 'archsim_events'];
      await ensureDatabases(pgh, names);
      for (const s of r.datastores) databases[s.name] = pgh.url(dbName(s.name));
      databases.events = pgh.url('archsim_events');
    }
  } catch (e) {
    await pgh.stop().catch(() => undefined);
    throw e;
  }

  const jwtSecret = opts.jwtSecret ?? env.ARCHSIM_JWT_SECRET ?? randomBytes(32).toString('hex');
  // Service tokens are signed with a secret of their own, fresh per run (never the users' one).
  const serviceSecret = randomBytes(32).toString('hex');
  const mediaDir = opts.mediaDir ?? join(tmpdir(), `archsim-media-${layoutName}-${process.pid}-${randomBytes(3).toString('hex')}`);
  const mediaMaxBytes = opts.mediaMaxBytes ?? 10 * 1024 * 1024;
  const logDir = opts.logDir ?? join(tmpdir(), `archsim-logs-${layoutName}-${process.pid}-${randomBytes(3).toString("hex")}`);
  mkdirSync(logDir, { recursive: true, mode: 0o700 });
  const unitOrigins = Object.fromEntries(r.units.map((u) => [u.name, `http://127.0.0.1:${u.port + offset}`]));
  // Internal listeners: free ports chosen once, so a restarted unit comes back on the same one.
  const internalPorts = new Map<string, number>();
  for (const u of r.units) internalPorts.set(u.name, await freePort());
  const internalOrigins = Object.fromEntries(r.units.map((u) => [u.name, `http://127.0.0.1:${internalPorts.get(u.name)}`]));
  const unitMain = program('unit-main');
  const sup: SuperviseOptions | undefined = opts.supervise === false ? undefined : opts.supervise === true || opts.supervise === undefined ? {} : opts.supervise;

  /** unit name (or GW, the gateway) → its current process */
  const procs = new Map<string, ChildProcess>();
  const infos = new Map<string, UnitInfo>();
  const GW = '\u0000gateway'; // never a unit name
  /** units stopped on purpose (stopUnit, stop): their exit is not a crash */
  const held = new Set<string>();
  const failures = new Map<string, number>();
  const readyAt = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  let stopping = false;
  let started = false;
  const spawnUnit = async (name: string) => {
    const u = r.units.find((x) => x.name === name);
    if (!u) throw new Error(`layout ${layoutName} has no unit ${name}`);
    const port = u.port + offset;
    const log = join(logDir, `${name}.log`);
    // Logs may quote what clients sent: only the owner reads them.
    const fd = openSync(log, 'a', 0o600);
    const cfg = {
      blueprint: bpAbs,
      layout: layoutName,
      unit: name,
      port,
      internalPort: internalPorts.get(name)!,
      databases,
      ...movedOf(u.domains),
      ...(r.units.length > 1 || opts.crossUnitEvents ? { eventsDatabase: databases.events } : {}),
      ...(opts.peers ? { peers: opts.peers } : {}),
      ...(opts.crossUnitEvents ? { crossUnitEvents: true } : {}),
      internalOrigins,
      jwtSecret,
      serviceSecret,
      mediaDir,
      mediaMaxBytes,
      logLevel: opts.logLevel ?? 'info',
      ...(opts.faults?.[name] ? { faults: opts.faults[name] } : {}),
      // Every pool opened in full before the unit reports ready and kept (as the compose runtime
      // does, UNIT_DB): a real deployment's pools are warm. A lazily grown pool opened connections
      // under load (a fork and a SCRAM handshake each, 20 ms and more of CPU measured) and closed
      // them after 30 s idle, so runs at a low rate paid the churn again and again in their
      // measured windows: 40 new connections in 20 s of microservices at 28/s, 2026-12-02.
      db: { keep: true },
    };
    const proc = spawn(process.execPath, [unitMain], { env: { ...env, ARCHSIM_UNIT: JSON.stringify(cfg) }, detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    procs.set(name, proc);
    const url = unitOrigins[name]!;
    const prev = infos.get(name);
    infos.set(name, { name, domains: u.domains, port, url, internalUrl: internalOrigins[name]!, pid: proc.pid ?? 0, log, state: prev?.state === 'up' ? 'restarting' : (prev?.state ?? 'up'), restarts: prev?.restarts ?? 0 });
    proc.once('exit', (code, signal) => onExit(name, proc, code, signal));
    await waitReady(url, proc, log, opts.readyTimeoutMs ?? 60_000);
    readyAt.set(name, Date.now());
    infos.get(name)!.state = 'up';
  };

  let gateway: RunningLayout['gateway'];
  const routes = r.routes.map((e) => ({ ...e, port: e.port + offset }));
  // Chosen once, like the units' internal ports, so a restarted gateway keeps its admin address.
  let gwInternalPort = gwPort ? await freePort() : 0;
  const spawnGateway = async () => {
    const log = join(logDir, 'gateway.log');
    const fd = openSync(log, 'a', 0o600);
    const upstreams = r.units.map((u) => `http://127.0.0.1:${u.port + offset}`);
    const { streamedBodyLimits } = await import('../runtime/limits.js');
    const cfg = { port: gwPort!, routes, upstreams, bodyLimits: streamedBodyLimits(mediaMaxBytes), internalPort: gwInternalPort, serviceSecret, units: r.units.map((u) => u.name) };
    const proc = spawn(process.execPath, [program('gateway-main')], { env: { ...env, ARCHSIM_GATEWAY: JSON.stringify(cfg) }, detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    procs.set(GW, proc);
    const url = `http://127.0.0.1:${gwPort}`;
    gateway = { url, internalUrl: `http://127.0.0.1:${gwInternalPort}`, pid: proc.pid ?? 0, port: gwPort!, log, state: gateway?.state === 'up' ? 'restarting' : (gateway?.state ?? 'up'), restarts: gateway?.restarts ?? 0 };
    proc.once('exit', (code, signal) => onExit(GW, proc, code, signal));
    // /health: the gateway serves (its /ready also needs every unit, which a restart must not wait for).
    await waitReady(url, proc, log, 15_000, '/health');
    readyAt.set(GW, Date.now());
    gateway.state = 'up';
  };
  /** units added at run time (addUnit) → how to start them again after a crash */
  const added = new Map<string, () => Promise<void>>();
  const spawnProc = (key: string) => (key === GW ? spawnGateway() : (added.get(key)?.() ?? spawnUnit(key)));
  const infoOf = (key: string) => (key === GW ? gateway! : infos.get(key)!);

  /** Supervision: a unit or the gateway that exits on its own is restarted after a backoff, or given up on. */
  const onExit = (key: string, proc: ChildProcess, code: number | null, signal: NodeJS.Signals | null) => {
    if (!sup || stopping || !started || held.has(key) || procs.get(key) !== proc) return;
    const info = infoOf(key);
    const name = key === GW ? 'gateway' : key;
    const tag = key === GW ? { gateway: true as const } : {};
    const healthyAfter = sup.healthyAfterMs ?? 30_000;
    if (Date.now() - (readyAt.get(key) ?? 0) >= healthyAfter) failures.set(key, 0);
    const n = (failures.get(key) ?? 0) + 1;
    failures.set(key, n);
    if (n > (sup.maxRestarts ?? 5)) {
      info.state = 'failed';
      sup.onEvent?.({ kind: 'gave-up', unit: name, failures: n - 1, log: info.log, ...tag });
      return;
    }
    const delay = Math.min((sup.backoffMs ?? 250) * 2 ** (n - 1), 8000);
    info.state = 'restarting';
    sup.onEvent?.({ kind: 'crashed', unit: name, pid: proc.pid ?? 0, code, signal, restartInMs: delay, failures: n, ...tag });
    const t = setTimeout(() => {
      timers.delete(t);
      if (stopping || held.has(key)) return;
      info.restarts += 1;
      spawnProc(key).then(
        () => sup.onEvent?.({ kind: 'restarted', unit: name, pid: infoOf(key).pid, restarts: infoOf(key).restarts, ...tag }),
        async (e: Error) => {
          // Stopping the run ends a restart under way: not a failure of the unit.
          if (stopping) return;
          // An exit before ready is handled by onExit (next attempt or give up); a hang is killed here.
          sup.onEvent?.({ kind: 'restart-failed', unit: name, error: e.message.split('\n')[0]!, ...tag });
          const p = procs.get(key);
          if (p && p.exitCode === null && p.signalCode === null) await killGroup(p);
        },
      );
    }, delay);
    timers.add(t);
  };

  const stopAll = async () => {
    stopping = true;
    for (const t of timers) clearTimeout(t);
    await Promise.all([...procs.values()].map((p) => killGroup(p)));
    await pgh.stop().catch(() => undefined);
    if (tempData) await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
    if (!opts.mediaDir) await rm(mediaDir, { recursive: true, force: true }).catch(() => undefined);
    // Temp logs go with the run (pass logDir to keep them, as `archsim up` does).
    if (!opts.logDir) await rm(logDir, { recursive: true, force: true }).catch(() => undefined);
  };
  // Listen failures at start: a public port taken since the check above is the user's to free
  // (exit 2); an internal port taken since it was drawn (free-port.ts says how) is drawn again
  // and every process restarted, since each unit was told the others' internal addresses.
  const takenPorts = () => {
    const publicTaken: string[] = [];
    const internalTaken: string[] = [];
    for (const [key, p] of procs) {
      if (p.exitCode === null && p.signalCode === null) continue;
      const info = infoOf(key);
      if (!info) continue;
      const tail = readTail(info.log, 4000);
      if (addressInUse(tail, info.port)) publicTaken.push(`${info.port} (${key === GW ? 'gateway' : `unit ${key}`})`);
      else if (addressInUse(tail, Number(new URL(info.internalUrl).port))) internalTaken.push(key);
    }
    return { publicTaken, internalTaken };
  };
  for (let attempt = 1; ; attempt++) {
    try {
      const spawned = await Promise.allSettled(r.units.map((u) => spawnUnit(u.name)));
      const failed = spawned.find((x): x is PromiseRejectedResult => x.status === 'rejected');
      if (failed) throw failed.reason;
      if (gwPort) await spawnGateway();
      break;
    } catch (e) {
      const { publicTaken, internalTaken } = takenPorts();
      if (publicTaken.length) {
        await stopAll();
        throw new PortInUseError(`port${publicTaken.length > 1 ? 's' : ''} taken while the layout started: ${publicTaken.join(', ')}; stop what holds ${publicTaken.length > 1 ? 'them' : 'it'} or pass --port-offset`);
      }
      if (!internalTaken.length || attempt >= 3) {
        await stopAll();
        throw e;
      }
      await Promise.all([...procs.values()].map((p) => killGroup(p)));
      for (const key of internalTaken) {
        const port = await freePort();
        if (key === GW) gwInternalPort = port;
        else {
          internalPorts.set(key, port);
          internalOrigins[key] = `http://127.0.0.1:${port}`;
        }
      }
    }
  }
  started = true;

  const storeOfDomain = (domain: string) => {
    const names = r.storesOfDomain.get(domain) ?? [];
    const stores = names.map((n) => r.datastores.find((d) => d.name === n)!);
    return (stores.find((s) => s.engine === 'postgres' || s.engine === 'mysql') ?? stores[0])?.name;
  };
  const urlOfDomain = (domain: string) => movedDomains.get(domain) ?? databases[storeOfDomain(domain) ?? ''] ?? databases.events!;
  let stopped: Promise<void> | undefined;
  return {
    blueprint: bpAbs,
    layout: layoutName,
    gatewayUrl: gateway?.url ?? infos.get(r.units[0]!.name)!.url,
    get gateway() {
      return gateway;
    },
    get units() {
      return r.units.map((u) => infos.get(u.name)!);
    },
    routes,
    databases,
    databaseOf: urlOfDomain,
    moveDomain(domain, url) {
      movedDomains.set(domain, url);
    },
    postgres: { kind: mode, ...(pgh.port ? { port: pgh.port } : {}), ...(mode === 'embedded' ? { dataDir } : {}), ...(pgh.pid ? { pid: pgh.pid } : {}), ...(pgh.containerId ? { containerId: pgh.containerId } : {}) },
    jwtSecret,
    serviceSecret,
    mediaDir,
    mediaMaxBytes,
    async stopUnit(name) {
      const p = procs.get(name);
      if (!p) throw new Error(`no unit ${name}`);
      held.add(name);
      await killGroup(p);
      infos.get(name)!.state = 'stopped';
    },
    async addUnit(a) {
      if (procs.has(a.unit)) throw new Error(`unit ${a.unit} is already running`);
      const ra = resolveLayout(blueprint, a.layout);
      const u = ra.units.find((x) => x.name === a.unit);
      if (!u) throw new Error(`layout ${a.layout} has no unit ${a.unit}`);
      const port = u.port + offset;
      if (!(await portFree(port))) throw new PortInUseError(`port ${port} (unit ${a.unit}) is in use`);
      const internalPort = await freePort();
      const internalUrl = `http://127.0.0.1:${internalPort}`;
      // Its datastores: wherever its domains' schemas are in this run.
      const dbs: Record<string, string> = {};
      for (const s of ra.datastores) {
        const d = u.domains.find((x) => (ra.storesOfDomain.get(x) ?? []).includes(s.name)) ?? [...ra.storesOfDomain].find(([, st]) => st.includes(s.name))?.[0];
        dbs[s.name] = d ? urlOfDomain(d) : databases.events!;
      }
      const log = join(logDir, `${a.unit}.log`);
      const cfg = {
        blueprint: bpAbs,
        layout: a.layout,
        unit: a.unit,
        port,
        internalPort,
        databases: dbs,
        eventsDatabase: databases.events,
        internalOrigins: { ...a.internalOrigins, [a.unit]: internalUrl },
        jwtSecret,
        serviceSecret,
        mediaDir,
        mediaMaxBytes,
        logLevel: opts.logLevel ?? 'info',
        ...(opts.peers ? { peers: opts.peers } : {}),
        crossUnitEvents: true,
        ...(a.faults ? { faults: a.faults } : {}),
        ...(a.warmPools ? { db: { keep: true } } : {}),
      };
      const info: UnitInfo = { name: a.unit, domains: u.domains, port, url: `http://127.0.0.1:${port}`, internalUrl, pid: 0, log, state: 'up', restarts: 0 };
      infos.set(a.unit, info);
      // Supervised like the layout's own units: a crash is restarted (same ports, same
      // configuration) after the backoff, and reported through supervise.onEvent.
      const spawnAdded = async () => {
        const fd = openSync(log, 'a', 0o600);
        const proc = spawn(process.execPath, [unitMain], { env: { ...env, ARCHSIM_UNIT: JSON.stringify({ ...cfg, ...movedOf(u.domains) }) }, detached: true, stdio: ['ignore', fd, fd] });
        closeSync(fd);
        procs.set(a.unit, proc);
        info.pid = proc.pid ?? 0;
        if (info.restarts > 0) info.state = 'restarting';
        proc.once('exit', (code, signal) => onExit(a.unit, proc, code, signal));
        await waitReady(info.url, proc, log, opts.readyTimeoutMs ?? 60_000);
        readyAt.set(a.unit, Date.now());
        info.state = 'up';
      };
      added.set(a.unit, spawnAdded);
      // Its first start is the caller's to judge: an exit before ready is an error, not a crash.
      held.add(a.unit);
      try {
        await spawnAdded();
      } catch (e) {
        const p = procs.get(a.unit);
        if (p) await killGroup(p);
        info.state = 'failed';
        throw e;
      }
      held.delete(a.unit);
      return info;
    },
    async prepareDatastore(store, domains) {
      let url: string | undefined = databases[store];
      if (!url) {
        if (mode === 'url') url = env[envKey(store)];
        else {
          await ensureDatabases(pgh, [dbName(store)]);
          url = pgh.url(dbName(store));
        }
      }
      if (!url) return undefined;
      const { openDb, migrate } = await import('../runtime/db.js');
      const { domainModules } = await import('../domains/index.js');
      const { outboxMigrations } = await import('../runtime/events.js');
      const db = openDb(url, 1);
      try {
        for (const d of domains) if (domainModules[d]) await migrate(db, d, domainModules[d].migrations);
        // A domain cut over to this database records its events here (outbox, same transaction).
        if (domains.length) await migrate(db, 'archsim_outbox', outboxMigrations);
      } finally {
        await db.end();
      }
      return url;
    },
    async startUnit(name) {
      held.delete(name);
      failures.delete(name);
      const p = procs.get(name);
      if (p && p.exitCode === null && p.signalCode === null) return;
      await spawnProc(name);
    },
    stop() {
      stopped ??= stopAll();
      return stopped;
    },
  };
}
