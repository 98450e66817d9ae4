// The program of one unit: `node unit-main.js` with ARCHSIM_UNIT (JSON: blueprint path, layout,
// unit, ports, databases, internal origins of the other units, secrets, config). Started by `archsim up` / startLayout.
import { loadBlueprint } from '../../src/io/load.js';
import { stopWithParent } from './orphan-watch.js';
import { startUnit } from './unit.js';

interface UnitEnv {
  blueprint: string;
  layout: string;
  unit: string;
  /** Address to listen on (default 127.0.0.1; 0.0.0.0 in a container, whose port is published on 127.0.0.1 only). */
  host?: string;
  port: number;
  internalPort: number;
  databases: Record<string, string>;
  /** domain → its database when a cut-over moved it (UnitOptions.domainDatabases) */
  domainDatabases?: Record<string, string>;
  eventsDatabase?: string;
  internalOrigins: Record<string, string>;
  jwtSecret: string;
  serviceSecret: string;
  faults?: string;
  peers?: Record<string, string[]>;
  crossUnitEvents?: boolean;
  mediaDir: string;
  mediaMaxBytes: number;
  relayTtlSeconds?: number;
  logLevel?: string;
  /** Pools and start-up wait for a server elsewhere (the compose runtime): UnitOptions.db. */
  db?: { connectTimeoutMs?: number; keep?: boolean; waitForMs?: number };
}

async function main() {
  const env = JSON.parse(process.env.ARCHSIM_UNIT ?? '{}') as UnitEnv;
  const { blueprint } = loadBlueprint(env.blueprint);
  const unit = await startUnit({
    blueprint,
    layout: env.layout,
    unit: env.unit,
    ...(env.host ? { host: env.host } : {}),
    port: env.port,
    databases: env.databases,
    ...(env.domainDatabases ? { domainDatabases: env.domainDatabases } : {}),
    ...(env.eventsDatabase ? { eventsDatabase: env.eventsDatabase } : {}),
    internalPort: env.internalPort,
    internalOrigins: env.internalOrigins,
    serviceSecret: new TextEncoder().encode(env.serviceSecret),
    ...(env.faults ? { faults: env.faults } : {}),
    ...(env.peers ? { peers: env.peers } : {}),
    ...(env.crossUnitEvents ? { crossUnitEvents: true } : {}),
    ...(env.db ? { db: env.db } : {}),
    logLevel: env.logLevel ?? 'info',
    config: {
      jwtSecret: new TextEncoder().encode(env.jwtSecret),
      accessTtlSeconds: 900,
      refreshTtlSeconds: 30 * 86400,
      mediaDir: env.mediaDir,
      mediaMaxBytes: env.mediaMaxBytes,
      relayTtlSeconds: env.relayTtlSeconds ?? 7 * 86400,
    },
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    unit.app.log.info({ signal }, 'shutting down: draining in-flight requests');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    void unit.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  stopWithParent((why) => stop(why));
}

main().catch((e: Error) => {
  process.stderr.write(`${JSON.stringify({ level: 60, msg: 'unit failed to start', err: e.message })}\n`);
  process.exit(1);
});
