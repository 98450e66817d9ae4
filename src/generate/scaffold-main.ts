// A scaffolded unit's src/main.ts: what starts the process. One serve() per protocol (HTTP with
// fastify, gRPC with grpc-js), the same for a unit of one event loop and for a clustered one
// (`workers` > 1: node:cluster forks WORKERS processes, each running serve(); scaffold-workers.ts),
// with a graceful stop on SIGTERM/SIGINT and, for a unit that takes events from a broker, its
// subscription started once it listens. Pure: template text in, template text out.
import type { ResolvedUnit } from '../model/resolve.js';
import { clustered, WORKERS_ENV } from './scaffold-workers.js';

/** The log message of a unit whose broker subscription (src/events.ts subscribe) failed. */
export const NOT_SUBSCRIBED = 'not subscribed to the broker: the events of SUBSCRIPTIONS (src/events.ts) are not delivered';

/**
 * The lines of serve() that start a unit's broker subscription (src/events.ts subscribe, a stub
 * until the team writes the broker's client into it). It is wired here so that writing it is all
 * that is left; while it fails, the unit serves its routes and its log says so once (a crash would
 * take the routes down for a missing consumer). `log` is serve()'s expression that logs a warning
 * with the error, given `err`.
 */
function subscribeLines(log: string): string {
  return `  // The events this unit takes from the broker (src/events.ts SUBSCRIPTIONS).
  const { subscribe } = await import('./events.js');
  const { createClients } = await import('./clients.js');
  subscribe(createClients()).catch((err: unknown) => ${log});
`;
}

/** How serve() stops, said of one process and of each worker. */
interface Stops {
  one: string;
  each: string;
}
const HTTP_STOPS: Stops = { one: 'stop accepting, finish in-flight requests and exit', each: 'stops accepting, finishes in-flight requests and exits' };
const GRPC_STOPS: Stops = { one: 'report NOT_SERVING, finish in-flight calls (10 s at most) and exit', each: 'reports NOT_SERVING, finishes in-flight calls (10 s at most) and exits' };

/** serve()'s comments on what only a cluster worker needs (a one-process unit's say nothing of it). */
function why(u: ResolvedUnit): { load: string; signal: string } {
  return clustered(u)
    ? { load: '  // Loaded here: the primary serves nothing and needs none of it.\n', signal: '    // on, not once: a Ctrl-C reaches a worker twice (from the terminal and from the primary).\n' }
    : { load: '', signal: '    // on, with a guard: a second signal while stopping changes nothing.\n' };
}

/** The top of main.ts: what it starts, and the cluster's dispatch for a clustered unit. */
function head(u: ResolvedUnit, what: string, stops: Stops): string {
  if (!clustered(u)) {
    return `// Start ${what}: listen on PORT (default ${u.port}).
// On SIGTERM or SIGINT ${stops.one}.
await serve();

/** The event loop serving. */`;
  }
  return `// Start ${what}: ${WORKERS_ENV} event-loop processes (default ${u.workers}, the blueprint's \`workers\`), each
// listening on PORT (default ${u.port}), shared through node:cluster (src/cluster.ts); ${WORKERS_ENV}=1 runs
// one, without cluster. On SIGTERM or SIGINT each ${stops.each}.
import cluster from 'node:cluster';
import { runPrimary, workerCount } from './cluster.js';

const workers = workerCount(process.env.${WORKERS_ENV});
if (workers > 1 && cluster.isPrimary) runPrimary(workers);
else await serve();

/** One event loop serving: a cluster worker, or the whole replica with ${WORKERS_ENV}=1. */`;
}

/** main.ts of an HTTP unit (fastify: src/app.ts). */
export function mainTs(u: ResolvedUnit, subscribes: boolean): string {
  return `${head(u, u.name, HTTP_STOPS)}
async function serve(): Promise<void> {
${why(u).load}  const { buildApp } = await import('./app.js');
  const port = Number(process.env.PORT ?? ${u.port});
  const host = process.env.HOST ?? '0.0.0.0';
  const app = buildApp({ logger: true });
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
${why(u).signal}    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      app.log.info({ signal }, 'shutting down');
      const force = setTimeout(() => process.exit(1), 10_000);
      force.unref();
      app.close().then(
        () => process.exit(0),
        (err: unknown) => {
          app.log.error(err);
          process.exit(1);
        },
      );
    });
  }
  try {
    await app.listen({ port, host });
  } catch (err) {
    app.log.error(err);
    process.exit(1);
  }
${subscribes ? subscribeLines(`app.log.warn({ err }, ${JSON.stringify(NOT_SUBSCRIBED)})`) : ''}}
`;
}

/** main.ts of a gRPC unit (grpc-js: src/grpc-server.ts). */
export function grpcMainTs(u: ResolvedUnit, subscribes: boolean): string {
  return `${head(u, `${u.name}'s gRPC server`, GRPC_STOPS)}
async function serve(): Promise<void> {
${why(u).load}  const grpc = await import('@grpc/grpc-js');
  const { buildServer, SERVICE } = await import('./grpc-server.js');
  const port = Number(process.env.PORT ?? ${u.port});
  const host = process.env.HOST ?? '0.0.0.0';
  const app = buildServer();
  const log = (msg: string, extra: Record<string, unknown> = {}) => console.log(JSON.stringify({ time: Date.now(), pid: process.pid, service: SERVICE, msg, ...extra }));
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
${why(u).signal}    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log('shutting down', { signal });
      app.drain();
      const force = setTimeout(() => {
        app.server.forceShutdown();
        process.exit(1);
      }, 10_000);
      force.unref();
      app.server.tryShutdown((err) => {
        if (err) console.error(err);
        process.exit(err ? 1 : 0);
      });
    });
  }
  const bound = await new Promise<number>((resolve) =>
    app.server.bindAsync(\`\${host}:\${port}\`, grpc.ServerCredentials.createInsecure(), (err, p) => {
      if (err) {
        console.error(err);
        process.exit(1);
      }
      resolve(p);
    }),
  );
  log('listening', { port: bound });
${subscribes ? subscribeLines(`log(${JSON.stringify(NOT_SUBSCRIBED)}, { level: 'warn', error: String(err) })`) : ''}}
`;
}
