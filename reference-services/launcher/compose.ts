// `archsim up --runtime compose`: the reference services of a layout in containers, through
// compose (the v2 plugin, or Debian's docker-compose 1.29: docker.ts). The project's files go to
// .archsim/compose/<project>/ (the secrets in its .env, mode 0600); every published port is on
// 127.0.0.1. Up waits until every container's healthcheck is green; down removes the project's
// containers, network and volume, and finds them by label when the files are gone.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { loadBlueprint } from '../../src/io/load.js';
import { resolveLayout } from '../../src/model/resolve.js';
import { CONTAINER_LABEL, DEFAULT_DB_IMAGE } from '../runtime/postgres.js';
import { referenceCompose } from './compose-file.js';
import { ensureReferenceImage } from './compose-image.js';
import { composeCommand, docker, DockerError, engine, run } from './docker.js';
import { PortInUseError, portFree, projectRoot } from './layout.js';

export interface ComposeRun {
  project: string;
  /** The project's folder (docker-compose.yml, .env, initdb/). */
  dir: string;
  /** The compose command used (so down uses the same). */
  command: string[];
  entryUrl: string;
  image: string;
  services: { units: string[]; gateway?: string; postgres: string };
  /** Each unit: its address on the project's network, and its domains. */
  units: { name: string; url: string; domains: string[] }[];
}

export interface ComposeUpOptions {
  portOffset?: number;
  gatewayPort?: number;
  postgresImage?: string;
  /** Every container healthy within this (default 60 s, counted from the containers' creation). */
  healthyWithinMs?: number;
  /** Where the project folders go (default .archsim/compose in the working directory). */
  baseDir?: string;
  log?: (line: string) => void;
}

const MEDIA_MAX_BYTES = 10 * 1024 * 1024;
const PROJECT = /^archsim-[a-z0-9-]{1,40}-[a-f0-9]{6}$/;

/** What compose runs and how to reach it, or why it cannot run here (DockerError, exit 2). */
async function prerequisites(): Promise<string[]> {
  const e = await engine();
  if (!e.ok) throw new DockerError(`--runtime compose: ${e.why}`);
  const cmd = await composeCommand();
  if (!cmd) throw new DockerError('--runtime compose: neither `docker compose` (the v2 plugin) nor `docker-compose` is installed (Debian: apt-get install docker-compose)');
  return cmd;
}

/**
 * docker-compose 1.29 gives up on an engine call after 60 s (COMPOSE_HTTP_TIMEOUT): on vfs
 * storage, creating or removing ten containers at once on a busy machine can take longer, and
 * the engine goes on with it. Our own deadlines bound the whole instead. (The v2 plugin ignores it.)
 */
const COMPOSE_ENV = { COMPOSE_HTTP_TIMEOUT: '600' };

const composeArgs = (c: Pick<ComposeRun, 'project' | 'dir'>) => ['-p', c.project, '-f', join(c.dir, 'docker-compose.yml'), '--project-directory', c.dir];

export async function composeUp(bpPath: string, layoutName: string, o: ComposeUpOptions = {}): Promise<ComposeRun> {
  const log = o.log ?? (() => undefined);
  const { blueprint } = loadBlueprint(bpPath);
  const r = resolveLayout(blueprint, layoutName);
  const command = await prerequisites();
  const bpAbs = resolve(bpPath);
  const project = `archsim-${layoutName.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 40).replace(/^-|-$/g, '') || 'layout'}-${randomBytes(3).toString('hex')}`;
  const postgresImage = o.postgresImage ?? DEFAULT_DB_IMAGE;
  if ((await docker(['image', 'inspect', '--format', '{{.Id}}', postgresImage], { allowFail: true })).code !== 0) {
    throw new DockerError(`--runtime compose: image ${postgresImage} is not on this Docker engine (scripts/build-local-images.sh builds it from Debian's packages; or docker pull it)`);
  }
  const image = await ensureReferenceImage(projectRoot(), log);
  const file = referenceCompose(r, {
    image,
    postgresImage,
    blueprintDir: dirname(bpAbs),
    blueprintFile: basename(bpAbs),
    portOffset: o.portOffset ?? 0,
    ...(o.gatewayPort ? { gatewayPort: o.gatewayPort } : {}),
    mediaMaxBytes: MEDIA_MAX_BYTES,
    label: { key: CONTAINER_LABEL, value: project },
  });
  const busy = [];
  for (const p of file.published) if (!(await portFree(p.port))) busy.push(`${p.port} (${p.what})`);
  if (busy.length) throw new PortInUseError(`port${busy.length > 1 ? 's' : ''} in use: ${busy.join(', ')}; stop what holds ${busy.length > 1 ? 'them' : 'it'} (archsim down?) or pass --port-offset`);

  const base = resolve(o.baseDir ?? join('.archsim', 'compose'));
  const dir = join(base, project);
  mkdirSync(join(dir, 'initdb'), { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  writeFileSync(join(dir, 'docker-compose.yml'), file.yaml, { flag: 'wx' });
  // Read by the PostgreSQL container (as root, then its server as postgres): world-readable, no secret in it.
  writeFileSync(join(dir, 'initdb', '01-databases.sql'), file.initSql, { flag: 'wx', mode: 0o644 });
  chmodSync(join(dir, 'initdb'), 0o755);
  const secret = () => randomBytes(32).toString('hex');
  writeFileSync(join(dir, '.env'), `ARCHSIM_PG_PASSWORD=${secret()}\nARCHSIM_JWT_SECRET=${secret()}\nARCHSIM_SERVICE_SECRET=${secret()}\n`, { flag: 'wx', mode: 0o600 });
  const c: ComposeRun = { project, dir, command, entryUrl: `http://127.0.0.1:${file.entryPort}`, image, services: file.services,
    units: r.units.map((u) => ({ name: u.name, url: `http://${u.name}:${u.port}`, domains: u.domains })),
  };

  const [bin, ...pre] = command;
  try {
    log(`starting ${project} (${file.services.units.length} unit${file.services.units.length > 1 ? 's' : ''}${file.services.gateway ? ', gateway' : ''}, PostgreSQL) with ${command.join(' ')}…`);
    const t0 = Date.now();
    const within = o.healthyWithinMs ?? 60_000;
    // Compose starts each service once what it depends on is healthy; the whole project has `within` to be.
    await run(bin!, [...pre, ...composeArgs(c), 'up', '-d', '--no-build'], { timeoutMs: within + 60_000, cwd: dir, env: COMPOSE_ENV });
    await untilHealthy(c, Math.max(within - (Date.now() - t0), 1_000));
  } catch (e) {
    // One line for the user; the containers' last log lines kept in a file beside the project's
    // folder (which down removes), named in that line.
    const tail = await logsTail(c).catch(() => '');
    await composeDown(c).catch(() => undefined);
    const logs = join(base, `${project}.log`);
    const kept = tail !== '' && keepFile(logs, `${tail}\n`);
    throw new DockerError(`${project}: ${(e as Error).message.split('\n')[0]}; the containers are removed${kept ? `, their last log lines are in ${logs}` : ''}`);
  }
  return c;
}

/** Write a new file (never over one, never through a link), owner-only; false when it cannot be. */
function keepFile(path: string, text: string): boolean {
  try {
    writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
    return true;
  } catch {
    return false;
  }
}

export interface ContainerState {
  service: string;
  id: string;
  state: string;
  health: string;
  ports: string[];
  /** its main process on this machine (0 when not running): what the load tester measures */
  pid: number;
}

/** The project's containers (running or not), from the engine, by compose's project label. */
export async function projectContainers(project: string): Promise<ContainerState[]> {
  const ids = (await docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`])).stdout.split('\n').filter(Boolean);
  if (!ids.length) return [];
  const info = JSON.parse((await docker(['inspect', ...ids])).stdout) as {
    Id: string;
    Config: { Labels: Record<string, string> };
    State: { Status: string; Health?: { Status: string }; Pid?: number };
    NetworkSettings: { Ports: Record<string, { HostIp: string; HostPort: string }[] | null> };
  }[];
  return info.map((i) => ({
    service: i.Config.Labels['com.docker.compose.service'] ?? '?',
    id: i.Id,
    state: i.State.Status,
    health: i.State.Health?.Status ?? 'none',
    ports: Object.values(i.NetworkSettings.Ports ?? {}).flatMap((b) => (b ?? []).map((x) => `${x.HostIp}:${x.HostPort}`)),
    pid: i.State.Pid ?? 0,
  }));
}

async function untilHealthy(c: ComposeRun, ms: number): Promise<void> {
  const want = [...c.services.units, ...(c.services.gateway ? [c.services.gateway] : []), c.services.postgres];
  const end = Date.now() + ms;
  let last: ContainerState[] = [];
  while (Date.now() < end) {
    last = await projectContainers(c.project);
    const dead = last.find((s) => s.state === 'exited' || s.state === 'dead');
    if (dead) throw new Error(`${dead.service} exited while starting`);
    if (want.every((w) => last.some((s) => s.service === w && s.health === 'healthy'))) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  const notYet = want.filter((w) => !last.some((s) => s.service === w && s.health === 'healthy'));
  throw new Error(`not healthy within ${(ms / 1000).toFixed(0)} s: ${notYet.join(', ')}`);
}

async function logsTail(c: ComposeRun): Promise<string> {
  const [bin, ...pre] = c.command;
  const r = await run(bin!, [...pre, ...composeArgs(c), 'logs', '--no-color', '--tail', '5'], { allowFail: true, timeoutMs: 30_000, cwd: c.dir });
  return r.stdout.trim().split('\n').slice(-20).join('\n');
}

/**
 * Remove the project: containers, its network and its volume. With the files, through compose;
 * whatever is left (or everything, when the folder is gone), by the project's label.
 */
export async function composeDown(c: Pick<ComposeRun, 'project' | 'dir' | 'command'>): Promise<{ containers: number }> {
  if (!PROJECT.test(c.project)) throw new DockerError(`not an archsim compose project: ${c.project}`);
  const before = (await projectContainers(c.project).catch(() => [])).length;
  if (existsSync(join(c.dir, 'docker-compose.yml'))) {
    const [bin, ...pre] = c.command;
    await run(bin!, [...pre, ...composeArgs(c), 'down', '--volumes', '--remove-orphans', '--timeout', '15'], { allowFail: true, timeoutMs: 180_000, cwd: c.dir, env: COMPOSE_ENV });
  }
  const label = `label=com.docker.compose.project=${c.project}`;
  const left = (await docker(['ps', '-aq', '--filter', label], { allowFail: true })).stdout.split('\n').filter(Boolean);
  if (left.length) await docker(['rm', '-f', '-v', ...left], { allowFail: true });
  // The engine may still be removing some (on vfs storage a removal deletes a full copy of the
  // image, which takes a while on a busy machine, and compose may have given up waiting): the
  // network and the volume can only go once no container uses them.
  const end = Date.now() + 180_000;
  while ((await docker(['ps', '-aq', '--filter', label], { allowFail: true })).stdout.trim() && Date.now() < end) await new Promise((r) => setTimeout(r, 1000));
  const nets = (await docker(['network', 'ls', '-q', '--filter', label], { allowFail: true })).stdout.split('\n').filter(Boolean);
  if (nets.length) await docker(['network', 'rm', ...nets], { allowFail: true });
  const vols = (await docker(['volume', 'ls', '-q', '--filter', label], { allowFail: true })).stdout.split('\n').filter(Boolean);
  if (vols.length) await docker(['volume', 'rm', '-f', ...vols], { allowFail: true });
  rmSync(c.dir, { recursive: true, force: true });
  return { containers: before };
}
