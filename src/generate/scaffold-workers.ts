// A scaffolded unit with `workers: N` (N > 1) runs N event-loop processes per replica, as the
// simulator serves it with N workers and as its HPA's CPU target (k8s.ts hpaCpuTarget) assumes:
// one Node process tops out near one core, so a single process could never reach a target above
// 100% of one core and the HPA would never scale up. node:cluster forks them, sharing the port;
// the count comes from WORKERS, which compose and Kubernetes set to the blueprint's value (and the
// code defaults to). A unit with one worker stays one process, without cluster.
import type { ResolvedUnit } from '../model/resolve.js';
import { isScaffolded, type EnvVar } from './common.js';
import { commentText, tsString } from './escape.js';

/** The variable holding the count of event-loop processes of a clustered unit's replica. */
export const WORKERS_ENV = 'WORKERS';

/** archsim writes this unit's code and it runs several event-loop processes (node:cluster). */
export function clustered(u: ResolvedUnit): boolean {
  return isScaffolded(u) && u.workers > 1;
}

/**
 * WORKERS for a clustered unit's container, in compose and Kubernetes alike. A unit whose `env:`
 * sets WORKERS itself keeps its own value (compose and Kubernetes would take the last one
 * written); no other variable archsim writes can be named WORKERS (callees' end in _URL or
 * _GRPC_ADDR, stores' in _URL, _DIR or _KEY).
 */
export function workersEnv(u: ResolvedUnit): EnvVar[] {
  if (!clustered(u) || Object.hasOwn(u.env, WORKERS_ENV)) return [];
  return [{ name: WORKERS_ENV, value: String(u.workers) }];
}

/**
 * A clustered unit's src/cluster.ts: the primary (forks, restarts, graceful stop) and, for an HTTP
 * unit (`metrics`), /metrics summed over the workers with prom-client's AggregatorRegistry: a
 * scrape reaches one worker at random, so one process's counters would jump between scrapes.
 */
export function clusterTs(u: ResolvedUnit, metrics: boolean): string {
  const name = commentText(u.name);
  const header = `// ${name} runs as WORKERS event-loop processes per replica (default ${u.workers}, the blueprint's
// \`workers\`): one Node process uses at most one core. node:cluster forks them and they share PORT
// (the primary accepts connections and hands them round-robin). The primary serves nothing: it
// replaces a worker that dies (after a backoff that grows while workers keep dying young),
// forwards SIGTERM and SIGINT to the workers for a graceful stop and exits once they all have${metrics ? `,\n// and answers /metrics for them: every worker's registry summed (prom-client's AggregatorRegistry),\n// since a scrape reaches one worker at random and one process's counters would jump between scrapes` : ''}.
import cluster, { type Worker } from 'node:cluster';
${metrics ? "import { AggregatorRegistry, type Registry } from 'prom-client';\n" : ''}
/** The blueprint's \`workers\`: the count when WORKERS is not set. */
export const DEFAULT_WORKERS = ${u.workers};
/** The blueprint's \`threadPool\`: libuv threads of each worker (UV_THREADPOOL_SIZE). */
const THREAD_POOL = '${u.threadPool}';
/** A worker that dies younger than this is crash-looping: the next restart waits longer. */
const YOUNG_MS = 5_000;
const MAX_BACKOFF_MS = 5_000;

/** WORKERS as a process count: unset or empty is the blueprint's; anything but a positive integer is refused. */
export function workerCount(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_WORKERS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(\`WORKERS must be a positive integer, got \${JSON.stringify(value)}\`);
  return n;
}

// One JSON line, as the workers' logger writes (pino levels: 30 info, 50 error).
const log = (level: number, msg: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ level, time: Date.now(), pid: process.pid, service: ${tsString(u.name)}, msg, ...extra }));

/** The primary: fork \`count\` workers and keep \`count\` running until SIGTERM or SIGINT. */
export function runPrimary(count: number): void {
  // libuv sizes a process's thread pool when it is first used, which Node's module loader does
  // before main.ts runs: a worker must have UV_THREADPOOL_SIZE in its environment from the start
  // (the image sets it too; this covers \`npm start\`).
  const env = { UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE || THREAD_POOL };
  /** the live workers and when each was forked */
  const live = new Map<Worker, number>();
  let stopping = false;
  let failed = false;
  let backoff = 0;
  const fork = () => live.set(cluster.fork(env), Date.now());

  cluster.on('exit', (worker, code, signal) => {
    const age = Date.now() - (live.get(worker) ?? 0);
    live.delete(worker);
    if (stopping) {
      if (code !== 0) failed = true;
      if (live.size === 0) process.exit(failed ? 1 : 0);
      return;
    }
    // One that lived a while is replaced at once; one that died young waits twice as long as the
    // last, up to MAX_BACKOFF_MS, so a worker failing at start does not fork in a tight loop.
    backoff = age < YOUNG_MS ? Math.min(Math.max(backoff * 2, 100), MAX_BACKOFF_MS) : 100;
    log(50, 'worker exited; replacing it', { worker: worker.process.pid, code, signal, inMs: backoff });
    setTimeout(() => {
      if (!stopping) fork();
    }, backoff);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log(30, 'shutting down', { signal, workers: live.size });
      if (live.size === 0) process.exit(0);
      // Each worker stops accepting, finishes its in-flight requests and exits (main.ts: within 10 s).
      for (const w of live.keys()) w.process.kill('SIGTERM');
      const force = setTimeout(() => {
        for (const w of live.keys()) w.process.kill('SIGKILL');
        process.exit(1);
      }, 12_000);
      force.unref();
    });
  }
${
  metrics
    ? `
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (!isMessage(message, METRICS_REQUEST)) return;
    const answer = (reply: { text: string } | { error: string }) => {
      if (worker.isConnected()) worker.send({ type: METRICS_RESPONSE, id: message.id, ...reply });
    };
    aggregator.clusterMetrics().then(
      (text) => answer({ text }),
      (err: unknown) => answer({ error: String(err) }),
    );
  });
`
    : ''
}
  for (let i = 0; i < count; i++) fork();
  log(30, 'started', { workers: count });
}
${metrics ? CLUSTER_METRICS : ''}`;
  return header;
}

const CLUSTER_METRICS = `
const METRICS_REQUEST = 'metrics-request';
const METRICS_RESPONSE = 'metrics-response';

interface Message {
  type: string;
  id: number;
  text?: unknown;
  error?: unknown;
}

function isMessage(m: unknown, type: string): m is Message {
  return typeof m === 'object' && m !== null && (m as Message).type === type && typeof (m as Message).id === 'number';
}

/**
 * What /metrics answers. In a cluster worker: every worker's \`registry\` summed, asked of the
 * primary (which asks each worker over IPC); in one process (WORKERS=1, the tests): this one's.
 */
export function exposition(registry: Registry): () => Promise<string> {
  if (!cluster.isWorker) return () => registry.metrics();
  // Constructing one makes this worker answer the primary's requests, with this registry.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  const pending = new Map<number, { resolve(text: string): void; reject(err: Error): void; timer: NodeJS.Timeout }>();
  let next = 0;
  process.on('message', (message: unknown) => {
    if (!isMessage(message, METRICS_RESPONSE)) return;
    const p = pending.get(message.id);
    if (!p) return;
    pending.delete(message.id);
    clearTimeout(p.timer);
    if (typeof message.text === 'string') p.resolve(message.text);
    else p.reject(new Error(\`metrics: \${String(message.error)}\`));
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = next++;
      // prom-client gives the workers 5 s: a primary that has not answered after 6 fails this scrape.
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error('metrics: no answer from the primary'));
      }, 6_000);
      pending.set(id, { resolve, reject, timer });
      process.send?.({ type: METRICS_REQUEST, id });
    });
}
`;
