// One unit of a layout: the domains the layout puts in it, their routes, their internal
// operations (for clients in other units), their event consumers, and the production habits
// (/health, /ready, /metrics, JSON logs with request ids, graceful shutdown).
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { primaryStore, resolveLayout } from '../../src/model/resolve.js';
import type { Blueprint } from '../../src/model/schema.js';
import { domainModules } from '../domains/index.js';
import type { Clients, Config, DomainContext, DomainModule, Handler } from './context.js';
import { migrate, openDb, type Db } from './db.js';
import { HttpError, unauthorized } from './errors.js';
import { EventRouter } from './events.js';
import { createMetrics } from './metrics.js';
import { camel, kebab } from './names.js';
import { Remote } from './remote.js';
import { requestContext } from './request-context.js';

export interface UnitOptions {
  blueprint: Blueprint;
  layout: string;
  unit: string;
  host?: string;
  port: number;
  /** datastore name → PostgreSQL URL */
  databases: Record<string, string>;
  /** URL of the database holding the cross-unit event queue (needed when the layout has several units). */
  eventsDatabase?: string;
  /** unit name → origin (http://127.0.0.1:port) */
  unitOrigins: Record<string, string>;
  config: Config;
  logLevel?: string;
}

export interface RunningUnit {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

function validationFields(e: { validation?: { instancePath?: string; params?: Record<string, unknown> }[]; validationContext?: string }): string[] {
  const fields = (e.validation ?? []).map((v) => {
    const missing = v.params?.missingProperty as string | undefined;
    const path = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    return [path, missing].filter(Boolean).join('.') || (e.validationContext ?? 'body');
  });
  return [...new Set(fields)];
}

export async function startUnit(o: UnitOptions): Promise<RunningUnit> {
  const r = resolveLayout(o.blueprint, o.layout);
  const unit = r.units.find((u) => u.name === o.unit);
  if (!unit) throw new Error(`layout ${o.layout} has no unit ${o.unit}`);
  const local = new Set(unit.domains);

  const app = Fastify({
    logger: { level: o.logLevel ?? 'info', base: { unit: o.unit, pid: process.pid } },
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // One line per request is written by the onResponse hook below (with route and latency).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    // Report every failing field at once, not just the first.
    ajv: { customOptions: { allErrors: true } },
  });
  const metrics = createMetrics(o.unit);

  // Databases: one pool per datastore this unit's domains use (a domain's tables all live in
  // its schema on its primary store's database, whatever engine the blueprint gives the rest).
  const pools = new Map<string, Db>();
  const dbOf = (domain: string): Db => {
    const store = primaryStore(r, domain)?.name ?? Object.keys(o.databases)[0]!;
    const url = o.databases[store];
    if (!url) throw new Error(`no database URL for datastore ${store}`);
    let db = pools.get(store);
    if (!db) pools.set(store, (db = openDb(url, 10)));
    return db;
  };
  const queueDb = r.units.length > 1 && o.eventsDatabase ? openDb(o.eventsDatabase, 4) : undefined;

  const origins = new Map<string, string>();
  for (const [domain, u] of r.unitOfDomain) if (o.unitOrigins[u]) origins.set(domain, o.unitOrigins[u]);
  const remote = new Remote(origins);

  const services = new Map<string, unknown>();
  const internals = new Map<string, Record<string, Handler>>();
  // A typed client per domain: in-process when the domain is here, HTTP otherwise.
  const clientFor = (domain: string) =>
    new Proxy(
      {},
      {
        get: (_t, method: string) => {
          if (method === 'then') return undefined;
          return (...args: unknown[]) => {
            const impl = internals.get(domain)?.[method];
            if (local.has(domain)) {
              if (!impl) throw new Error(`${domain}.${kebab(method)} is not an internal operation`);
              return (impl as (...a: unknown[]) => Promise<unknown>)(...args);
            }
            return remote.call(domain, kebab(method), args);
          };
        },
      },
    );
  const clients = Object.fromEntries(Object.keys(o.blueprint.system.domains).map((d) => [d, clientFor(d)])) as unknown as Clients;

  const consumersOf = new Map(Object.entries(o.blueprint.system.events).map(([e, def]) => [e, def.consumers as string[]]));
  const events = new EventRouter(consumersOf, (d) => local.has(d), app.log, queueDb, o.eventsDatabase);

  const authenticate = async (req: FastifyRequest, _reply: FastifyReply) => {
    const h = req.headers.authorization;
    const m = typeof h === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(h) : null;
    const token = m?.[1] ?? (req.url.startsWith('/ws') ? new URL(req.url, 'http://x').searchParams.get('token') : null);
    if (!token) throw unauthorized('missing bearer token');
    req.principal = await clients.auth.verifyToken(token);
  };

  let ready = false;
  const modules: [DomainModule<any>, unknown, DomainContext][] = [];
  for (const domain of unit.domains) {
    const mod = domainModules[domain];
    if (!mod) throw new Error(`no reference implementation for domain ${domain}`);
    const db = dbOf(domain);
    const ctx: DomainContext = {
      domain,
      unit: o.unit,
      db,
      clients,
      emit: (e, p) => events.emit(e, p),
      config: o.config,
      log: app.log.child({ domain }),
      authenticate,
    };
    const s = mod.create(ctx);
    services.set(domain, s);
    if (mod.internal) internals.set(domain, mod.internal(s));
    for (const [op, fn] of Object.entries(mod.consumers?.(s) ?? {})) events.on(`${domain}.${op}`, fn);
    modules.push([mod, s, ctx]);
  }

  // Hooks: request context first (so every later step sees the request id), then metrics/logs.
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    requestContext.run({ requestId: req.id }, done);
  });
  // While draining, each finished response closes its connection, so a keep-alive client
  // (the gateway, another unit) does not hold the process open after its last request.
  let draining = false;
  app.addHook('onSend', async (_req, reply) => {
    if (draining) reply.header('connection', 'close');
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    if (route === '/metrics' || route === '/health' || route === '/ready') return;
    const ms = reply.elapsedTime;
    metrics.observe(req.method, route, reply.statusCode, ms / 1000);
    req.log.info({ method: req.method, route, url: req.url, status: reply.statusCode, ms: Math.round(ms * 100) / 100 }, 'request');
  });
  app.setErrorHandler((e: Error & { validation?: unknown[]; validationContext?: string; statusCode?: number; code?: string }, req, reply) => {
    if (e instanceof HttpError) return reply.code(e.status).send({ error: e.code, message: e.message, ...(e.fields ? { fields: e.fields } : {}) });
    if (e.validation) {
      return reply.code(400).send({ error: 'validation', message: e.message, fields: validationFields(e as Parameters<typeof validationFields>[0]) });
    }
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      const fields = e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || e.code?.startsWith('FST_ERR_CTP') ? ['body'] : undefined;
      return reply.code(e.statusCode).send({ error: e.code ?? 'bad_request', message: e.message, ...(fields ? { fields } : {}) });
    }
    req.log.error({ err: e.message, stack: e.stack }, 'unhandled error');
    return reply.code(500).send({ error: 'internal', message: 'internal error' });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` }));

  app.get('/health', async () => ({ status: 'ok', unit: o.unit, domains: unit.domains, pid: process.pid }));
  app.get('/ready', async (_req, reply) => {
    const checks: Record<string, string> = {};
    let ok = ready;
    for (const [store, db] of pools) {
      try {
        await db.ping();
        checks[store] = 'ok';
      } catch (e) {
        checks[store] = (e as Error).message;
        ok = false;
      }
    }
    if (queueDb) checks.events = await queueDb.ping().then(() => 'ok', (e: Error) => ((ok = false), e.message));
    return reply.code(ok ? 200 : 503).send({ ready: ok, migrations: ready ? 'done' : 'pending', checks });
  });
  app.get('/metrics', async (_req, reply) => reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()));

  // Internal operations: what the HTTP clients of other units call. Not in the route table,
  // so no gateway exposes them.
  app.post<{ Params: { domain: string; op: string }; Body: { args?: unknown[] } }>(
    '/internal/:domain/:op',
    { schema: { body: { type: 'object', properties: { args: { type: 'array', maxItems: 16 } } } } },
    async (req) => {
      const fn = internals.get(req.params.domain)?.[camel(req.params.op)];
      if (!fn) throw new HttpError(404, 'not_found', `no internal operation ${req.params.domain}.${req.params.op} here`);
      return { result: (await (fn as (...a: unknown[]) => Promise<unknown>)(...(req.body.args ?? []))) ?? null };
    },
  );

  for (const [mod, s, ctx] of modules) {
    await app.register(mod.routes(s, ctx));
    mod.attach?.(s, app);
  }

  // Migrations before listening on the port, so /ready is only ever true with the schema done.
  for (const domain of unit.domains) await migrate(dbOf(domain), domain, domainModules[domain]!.migrations);
  await events.migrate();
  ready = true;

  const host = o.host ?? '127.0.0.1';
  await app.listen({ host, port: o.port });
  await events.start();

  let closing: Promise<void> | undefined;
  return {
    app,
    url: `http://${host}:${o.port}`,
    close() {
      closing ??= (async () => {
        ready = false;
        draining = true;
        await events.stop();
        // Stops accepting, waits for in-flight requests, closes idle keep-alive sockets.
        await app.close();
        for (const [mod, s] of modules) await mod.close?.(s);
        await remote.close();
        await Promise.all([...pools.values(), ...(queueDb ? [queueDb] : [])].map((d) => d.end().catch(() => undefined)));
      })();
      return closing;
    },
  };
}
