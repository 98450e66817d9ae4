// The monolith application: probes, metrics and the unit's routes. main.ts listens;
// tests call buildApp() and use app.inject().
import Fastify, { type FastifyInstance } from 'fastify';
import { createMetrics } from './metrics.js';
import { registerRoutes } from './routes.js';

export const SERVICE = "monolith";

export interface AppOptions {
  logger?: boolean;
}

export function buildApp(options: AppOptions = {}): FastifyInstance {
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

  app.get('/health', async () => ({ status: 'ok', service: SERVICE }));
  app.get('/ready', async (_req, reply) => {
    if (draining) return reply.code(503).send({ status: 'draining', service: SERVICE });
    return { status: 'ready', service: SERVICE };
  });
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  registerRoutes(app);
  return app;
}
