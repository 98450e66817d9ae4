// Prometheus metrics per unit: request counts and latency histograms per route, plus the
// default process metrics (CPU seconds, memory, event-loop lag).
import client from 'prom-client';
import { opProfiler } from './op-cpu.js';

export function createMetrics(unit: string) {
  const registry = new client.Registry();
  registry.setDefaultLabels({ unit });
  client.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const requests = new client.Counter({ name: 'http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const duration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  if (opProfiler) {
    // The per-operation CPU profile (ARCHSIM_PROFILE_OPS=1): read at scrape time.
    const p = opProfiler;
    const byOp = (name: string, help: string, pick: (t: import('./op-cpu.js').OpTotals) => number) =>
      new client.Gauge({
        name,
        help,
        labelNames: ['operation'],
        registers: [registry],
        collect() {
          for (const [op, t] of p.ops) this.set({ operation: op }, pick(t));
        },
      });
    byOp('archsim_op_loop_seconds_total', 'event-loop time in callbacks serving the operation (self time, wall clock)', (t) => t.loopMs / 1000);
    byOp('archsim_op_spans_total', 'calls of the operation served here (requests, in-process internal calls)', (t) => t.spans);
    byOp('archsim_op_pool_tasks_total', "tasks the operation handed to libuv's thread pool (scrypt…)", (t) => t.poolTasks);
    byOp('archsim_op_pool_seconds_total', 'submission-to-completion time of those pool tasks', (t) => t.poolMs / 1000);
    // How the profile attributes a client socket's callbacks (a query's rows, a remote call's
    // answer): to the operation that sent the request (op-cpu.ts). Results keep it, so runs
    // measured before it are known for what they are.
    const info = new client.Gauge({ name: 'archsim_op_profile_info', help: 'how the per-operation profile charges a reply read on a client socket: replies="sender", to the operation that sent the request', labelNames: ['replies'], registers: [registry] });
    info.set({ replies: 'sender' }, 1);
    new client.Gauge({
      name: 'archsim_thread_cpu_seconds_total',
      help: 'CPU of this process by thread: main (event loop), boot (V8 workers present at start), later (libuv pool: the threads its start-up probe found, and any started after)',
      labelNames: ['thread'],
      registers: [registry],
      collect() {
        const t = p.snapshot().threads;
        this.set({ thread: 'main' }, t.mainSeconds);
        this.set({ thread: 'boot' }, t.bootThreadsSeconds);
        this.set({ thread: 'later' }, t.laterThreadsSeconds);
      },
    });
  }
  return {
    registry,
    observe(method: string, route: string, status: number, seconds: number) {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
  };
}
