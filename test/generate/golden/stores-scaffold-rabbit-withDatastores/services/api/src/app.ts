// The api application: probes, metrics, the unit's routes and the error mapping
// (an operation not implemented yet answers 501, a failed call to another unit 502/503).
// main.ts listens; tests call buildApp() and use app.inject().
import Fastify, { type FastifyInstance } from 'fastify';
import { createClients } from './clients.js';
import { NotImplemented, RemoteError } from './errors.js';
import { createMetrics } from './metrics.js';
import { registerRoutes } from './routes.js';

export const SERVICE = "api";

export interface AppOptions {
  logger?: boolean;
  /** where the configuration comes from (default: process.env): SERVICE_TOKEN, the other units' URLs */
  env?: Record<string, string | undefined>;
}

export function buildApp(options: AppOptions = {}): FastifyInstance {
  const env = options.env ?? process.env;
  const app = Fastify({ logger: options.logger ?? false });
  const metrics = createMetrics(SERVICE);
  let draining = false;

  app.addHook('onResponse', async (req, reply) => {
    metrics.observe(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
  // Stop advertising readiness as soon as shutdown begins, so load balancers drain this replica.
  app.addHook('preClose', async () => {
    draining = true;
  });
  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof NotImplemented) return reply.code(501).send({ error: 'Not Implemented', operation: err.operation });
    if (err instanceof RemoteError) return reply.code(err.statusCode).send({ error: err.message, operation: err.operation });
    // fastify's own errors (a failed validation: 400) carry their status code.
    const e = err as { statusCode?: unknown; message?: unknown };
    const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
    if (status < 500) return reply.code(status).send({ error: String(e.message) });
    app.log.error(err);
    return reply.code(500).send({ error: 'Internal Server Error' });
  });

  app.get('/health', async () => ({ status: 'ok', service: SERVICE }));
  app.get('/ready', async (_req, reply) => {
    if (draining) return reply.code(503).send({ status: 'draining', service: SERVICE });
    return { status: 'ready', service: SERVICE };
  });
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.exposition();
  });

  registerRoutes(app, createClients(env), { serviceToken: env.SERVICE_TOKEN });
  return app;
}
