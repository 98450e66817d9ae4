// One unit of a layout: the domains the layout puts in it, their routes, their internal
// operations (for clients in other units), their event consumers, and the production habits
// (/health, /ready, /metrics, JSON logs with request ids, graceful shutdown).
//
// Two listeners. The public one (the blueprint port, what a gateway or a client reaches)
// serves the domains' routes and a bare /health and /ready; it has no /internal route at all.
// The internal one (a port of its own, for the other units of the layout) serves the internal
// operations, each authorized by the caller's service token (service-auth.ts), and the
// details: /ready with its checks, /health with pid and domains, /metrics.
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { primaryStore, resolveLayout } from '../../src/model/resolve.js';
import type { Blueprint } from '../../src/model/schema.js';
import { domainModules } from '../domains/index.js';
import type { Clients, Config, DomainContext, DomainModule, Handler } from './context.js';
import { migrate, openDb, waitForDb, type Db, type PoolOptions } from './db.js';
import { domainDb, type DomainDb } from './domain-db.js';
import { badRequest, conflict, forbidden, HttpError, unauthorized } from './errors.js';
import { EventRouter, outboxMigrations } from './events.js';
import { createMetrics } from './metrics.js';
import { camel, kebab } from './names.js';
import { redactObject, redactText } from './redact.js';
import { Remote } from './remote.js';
import { requestContext } from './request-context.js';
import { CONTROL_CALLER, declaredCalls, SERVICE_TOKEN_HEADER, ServiceAuth } from './service-auth.js';
import { rejectNul, validatorCompiler } from './validation.js';
import { opProfiler } from './op-cpu.js';
import { drainRefused, JSON_BODY_LIMIT } from './limits.js';

export interface UnitOptions {
  blueprint: Blueprint;
  layout: string;
  unit: string;
  host?: string;
  port: number;
  /** Port of the internal listener (0: any free port). */
  internalPort?: number;
  /** datastore name → PostgreSQL URL */
  databases: Record<string, string>;
  /**
   * domain → PostgreSQL URL, for a domain a table move's cut-over moved to another database
   * than its datastore's (a unit restarted after the cut-over must not go back to the old copy).
   */
  domainDatabases?: Record<string, string>;
  /** URL of the database holding the cross-unit event queue (needed when the layout has several units). */
  eventsDatabase?: string;
  /** unit name → origin of its internal listener (http://127.0.0.1:port) */
  internalOrigins: Record<string, string>;
  /** The run's secret for service tokens (not the users' JWT secret). */
  serviceSecret: Uint8Array;
  config: Config;
  logLevel?: string;
  /**
   * Test-only fault injection, e.g. "after-commit:0.05": at that point, with that probability,
   * the process kills itself (SIGKILL). Set only by tests (StartOptions.faults); never by `up`.
   */
  faults?: string;
  /**
   * Units of other layouts of the same run, name → domains (a migration rehearsal runs units of
   * several phases side by side): their service tokens are accepted, with the calls their
   * domains declare. A unit of this layout keeps its own domains.
   */
  peers?: Record<string, string[]>;
  /** Use the cross-unit event queue even as the layout's only unit (units of other layouts may consume or produce). */
  crossUnitEvents?: boolean;
  /**
   * How the unit uses PostgreSQL: its pools' connect limit, pools kept and opened in full before
   * the unit is ready (`keep`: both runtimes set it, a deployment's pools are warm), and how long
   * to wait for a server that starts after the unit (`waitForMs`, the compose runtime). Unset
   * (tests that start a unit directly): pools grow on demand, the server already up.
   */
  db?: PoolOptions & { waitForMs?: number };
}

export interface RunningUnit {
  app: FastifyInstance;
  internal: FastifyInstance;
  url: string;
  internalUrl: string;
  close(): Promise<void>;
}

/** A prepared move of a domain's database (and its hold) the control plane did not follow up is released after this long. */
const HOLD_MAX_MS = 30_000;

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

  const fastifyOptions = (listener: 'public' | 'internal') => ({
    logger: {
      level: o.logLevel ?? 'info',
      base: { unit: o.unit, pid: process.pid, ...(listener === 'internal' ? { listener } : {}) },
      // Tokens, emails and database passwords never reach a log line (redact.ts).
      formatters: { log: (obj: Record<string, unknown>) => redactObject(obj) },
    },
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // One line per request is written by the onResponse hook below (with route and latency).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: JSON_BODY_LIMIT,
    return503OnClosing: true,
  });
  const app = Fastify(fastifyOptions('public'));
  const internal = Fastify(fastifyOptions('internal'));
  app.setValidatorCompiler(validatorCompiler);
  internal.setValidatorCompiler(validatorCompiler);
  const metrics = createMetrics(o.unit);
  const fault = faultHook(o.faults, app.log);

  // Databases: one pool per datastore this unit's domains use (a domain's tables all live in
  // its schema on its primary store's database, whatever engine the blueprint gives the rest).
  const pools = new Map<string, Db>();
  const storeDb = (domain: string): Db => {
    const movedTo = o.domainDatabases?.[domain];
    const store = movedTo ? `${domain} (moved)` : (primaryStore(r, domain)?.name ?? Object.keys(o.databases)[0]!);
    const url = movedTo ?? o.databases[store];
    if (!url) throw new Error(`no database URL for datastore ${store}`);
    let db = pools.get(store);
    if (!db) pools.set(store, (db = openDb(url, 10, o.db)));
    return db;
  };
  // Each local domain's handle on its database, movable while the unit serves (a table move's
  // cut-over: domain-db.ts, the admin endpoint below).
  const domainDbs = new Map<string, DomainDb>();
  const dbOf = (domain: string): DomainDb => {
    let d = domainDbs.get(domain);
    if (!d) domainDbs.set(domain, (d = domainDb(storeDb(domain))));
    return d;
  };
  const queueDb = (r.units.length > 1 || o.crossUnitEvents) && o.eventsDatabase ? openDb(o.eventsDatabase, 4, o.db) : undefined;

  const domainsOfUnit = new Map<string, readonly string[]>([...Object.entries(o.peers ?? {}), ...r.units.map((u) => [u.name, u.domains] as const)]);
  const serviceAuth = new ServiceAuth(o.serviceSecret, o.unit, domainsOfUnit, declaredCalls(o.blueprint));
  const origins = new Map<string, string>();
  for (const [domain, u] of r.unitOfDomain) if (o.internalOrigins[u]) origins.set(domain, o.internalOrigins[u]);
  const remote = new Remote(origins, () => serviceAuth.token());

  const services = new Map<string, unknown>();
  const internals = new Map<string, Record<string, Handler>>();
  /** An internal operation of a local domain, after the one authorization check. */
  const callLocal = async (token: string | undefined, domain: string, op: string, args: unknown[]) => {
    await serviceAuth.authorize(token, domain, op);
    const impl = internals.get(domain)?.[camel(op)];
    if (!impl || !local.has(domain)) throw new HttpError(404, 'not_found', `no internal operation ${domain}.${op} here`);
    return (impl as (...a: unknown[]) => Promise<unknown>)(...args);
  };
  // A typed client per domain: in-process when the domain is here, HTTP otherwise. The
  // in-process path presents this unit's own service token to the same check as HTTP calls.
  const clientFor = (domain: string) =>
    new Proxy(
      {},
      {
        get: (_t, method: string) => {
          if (method === 'then') return undefined;
          return async (...args: unknown[]) => {
            if (local.has(domain)) {
              const token = await serviceAuth.token();
              if (!opProfiler) return callLocal(token, domain, kebab(method), args);
              // A span of its own: the callee's callbacks are charged to the callee (self time).
              const op = `${domain}.${kebab(method)}`;
              opProfiler.span(op);
              const store = requestContext.getStore();
              return opProfiler.within(op, () => requestContext.run({ requestId: store?.requestId ?? '', op }, () => callLocal(token, domain, kebab(method), args)));
            }
            return remote.call(domain, kebab(method), args);
          };
        },
      },
    );
  const clients = Object.fromEntries(Object.keys(o.blueprint.system.domains).map((d) => [d, clientFor(d)])) as unknown as Clients;

  const consumersOf = new Map(Object.entries(o.blueprint.system.events).map(([e, def]) => [e, def.consumers as string[]]));
  // The outbox is written in the domain's transaction, and drained per database: its database now.
  const events = new EventRouter(consumersOf, (d) => local.has(d), app.log, (d) => dbOf(d).current, queueDb, o.eventsDatabase, fault);

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
    events.producer(domain);
    const ctx: DomainContext = {
      domain,
      unit: o.unit,
      db,
      clients,
      emit: (e, p, tx, id) => events.emit(domain, e, p, tx, id),
      config: o.config,
      log: app.log.child({ domain }),
      authenticate,
    };
    const s = mod.create(ctx);
    services.set(domain, s);
    if (mod.internal) internals.set(domain, mod.internal(s));
    for (const [op, fn] of Object.entries(mod.consumers?.(s) ?? {})) {
      const id = `${domain}.${op}`;
      // A delivery is a span of its consumer operation, as a request is of its operation: the
      // handler's callbacks are the consumer's CPU (the claim transaction around it stays the
      // queue's). Unprofiled, a consumer's work was CPU outside any operation, which a calibration
      // spread over the unit's public requests: 17 ms on each of relay-service's (2026-12-02).
      const profiled = opProfiler;
      events.on(
        id,
        profiled
          ? (env) => {
              profiled.span(id);
              return profiled.within(id, () => requestContext.run({ requestId: env.requestId ?? requestContext.getStore()?.requestId ?? '', op: id }, () => fn(env)));
            }
          : fn,
      );
    }
    modules.push([mod, s, ctx]);
  }

  // The operation a request serves, for the per-operation CPU profile: public routes of this
  // unit's domains by method and route, internal calls by their path.
  const opOfRoute = new Map<string, string>();
  for (const d of unit.domains)
    for (const [name, op] of Object.entries(o.blueprint.system.domains[d]?.operations ?? {}))
      if (op.route && op.route.method !== 'WS') opOfRoute.set(`${op.route.method} ${op.route.path.replace(/\{(\w+)\}/g, ':$1')}`, `${d}.${name}`);
  // While draining, each finished response closes its connection, so a keep-alive client
  // (the gateway, another unit) does not hold the process open after its last request.
  let draining = false;
  // The request line is written at info (the logger's level is fixed for the unit's life).
  const logRequests = ['trace', 'debug', 'info'].includes(o.logLevel ?? 'info');
  for (const server of [app, internal]) {
    // Hooks: request context first (so every later step sees the request id), then metrics/logs.
    server.addHook('onRequest', (req, reply, done) => {
      reply.header('x-request-id', req.id);
      if (!opProfiler) return requestContext.run({ requestId: req.id }, done);
      const route = req.routeOptions.url ?? '';
      const params = req.params as { domain?: string; op?: string };
      const probe = route === '/metrics' || route === '/health' || route === '/ready';
      const op = probe ? '(probes)' : route === '/internal/:domain/:op' ? `${params.domain}.${params.op}` : (opOfRoute.get(`${req.method} ${route}`) ?? `(route) ${req.method} ${route || 'unmatched'}`);
      opProfiler.span(op);
      // The rest of this callback (routing, body parsing, the handler up to its first await) is the operation's.
      opProfiler.within(op, () => requestContext.run({ requestId: req.id, op }, done));
    });
    server.addHook('onSend', async (_req, reply) => {
      if (draining) reply.header('connection', 'close');
    });
    server.addHook('onResponse', async (req, reply) => {
      const route = req.routeOptions.url ?? 'unmatched';
      if (route === '/metrics' || route === '/health' || route === '/ready') return;
      const ms = reply.elapsedTime;
      metrics.observe(req.method, route, reply.statusCode, ms / 1000);
      // Built only when written: at the rehearsal's and load tests' level (warn) the line's
      // arguments (the URL's redaction is a few regular expressions) were computed per request for nothing.
      if (logRequests) req.log.info({ method: req.method, route, url: redactText(req.url), status: reply.statusCode, ms: Math.round(ms * 100) / 100 }, 'request');
    });
    server.setErrorHandler((e: Error & { validation?: unknown[]; validationContext?: string; statusCode?: number; code?: string }, req, reply) => {
      // A body refused for its size: read and drop the rest (bounded) rather than close the
      // connection under a client still sending (it would see a reset, not the 413).
      if ((e instanceof HttpError ? e.status : e.statusCode) === 413) {
        if (drainRefused(req.raw)) reply.removeHeader('connection');
        else reply.header('connection', 'close');
      }
      if (e instanceof HttpError) return reply.code(e.status).send({ error: e.code, message: e.message, ...(e.fields ? { fields: e.fields } : {}) });
      if (e.validation) {
        return reply.code(400).send({ error: 'validation', message: e.message, fields: validationFields(e as Parameters<typeof validationFields>[0]) });
      }
      if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
        const fields = e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || e.code?.startsWith('FST_ERR_CTP') ? ['body'] : undefined;
        return reply.code(e.statusCode).send({ error: e.code ?? 'bad_request', message: e.message, ...(fields ? { fields } : {}) });
      }
      // A value PostgreSQL refuses (out of range, bad encoding) is the client's input, not a crash.
      const pgCode = (e as { code?: string }).code ?? '';
      if (/^22/.test(pgCode)) return reply.code(400).send({ error: 'bad_request', message: 'a value is out of range or badly encoded', fields: ['body'] });
      req.log.error({ err: e.message, stack: e.stack }, 'unhandled error');
      return reply.code(500).send({ error: 'internal', message: 'internal error' });
    });
    server.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${redactText(req.url.split('?')[0]!)}` }));
  }
  app.addHook('preValidation', rejectNul);
  // Test-only fault "answer-500": every public route answers 500 (a broken release, for the
  // rehearsal's rollback test); probes still pass, as they would for a real broken build.
  if (o.faults?.split(',').includes('answer-500')) {
    app.addHook('onRequest', async (req, reply) => {
      if (req.url !== '/health' && req.url !== '/ready') return reply.code(500).send({ error: 'internal', message: 'fault injection: answer-500 (tests only)' });
    });
  }

  const readiness = async () => {
    const checks: Record<string, string> = {};
    let ok = ready;
    for (const [store, db] of pools) {
      try {
        await db.ping();
        checks[store] = 'ok';
      } catch (e) {
        checks[store] = redactText((e as Error).message);
        ok = false;
      }
    }
    if (queueDb) checks.events = await queueDb.ping().then(() => 'ok', (e: Error) => ((ok = false), redactText(e.message)));
    return { ok, checks };
  };
  // Public: whether the unit serves, nothing about the process or its databases.
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_req, reply) => {
    const { ok } = await readiness();
    return reply.code(ok ? 200 : 503).send({ ready: ok });
  });
  // Internal listener: the details.
  internal.get('/health', async () => ({ status: 'ok', unit: o.unit, domains: unit.domains, pid: process.pid }));
  internal.get('/ready', async (_req, reply) => {
    const { ok, checks } = await readiness();
    return reply.code(ok ? 200 : 503).send({ ready: ok, migrations: ready ? 'done' : 'pending', checks });
  });
  internal.get('/metrics', async (_req, reply) => reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()));

  // Internal operations: what the HTTP clients of other units call, on the internal listener
  // only, each authorized by the caller's service token (401 without one, 403 if the
  // blueprint gives the calling unit no such call).
  internal.post<{ Params: { domain: string; op: string }; Body: { args?: unknown[] } }>(
    '/internal/:domain/:op',
    { schema: { body: { type: 'object', properties: { args: { type: 'array', maxItems: 16 } } } } },
    async (req) => {
      const h = req.headers[SERVICE_TOKEN_HEADER];
      const token = typeof h === 'string' ? h : undefined;
      return { result: (await callLocal(token, req.params.domain, req.params.op, req.body?.args ?? [])) ?? null };
    },
  );
  // Authorize before the body is even parsed: an unauthenticated caller learns nothing.
  internal.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/internal/')) return;
    const h = req.headers[SERVICE_TOKEN_HEADER];
    await serviceAuth.verify(typeof h === 'string' ? h : undefined);
  });

  // The control plane moves a local domain to another database while the unit serves (a table
  // move's cut-over, `archsim rehearse`): POST /admin/domain-db {action: "prepare", domain, url}
  // opens a pool on the new database (its outbox migrated, every connection opened), "hold"
  // closes the domain's gate and answers once the domain's work under way has finished, "point"
  // points the held domain at the new database with the gate still closed, "switch" points it
  // there (if not pointed yet) and opens the gate, "release" opens it on the database it was on
  // (pointed back if pointed) and closes the prepared pool. Preparing apart from holding keeps the connects out of the time
  // the domain's work waits. The control identity's token only (401 without a valid token of
  // the run, 403 for a unit's), checked before the body is read. A preparation the control plane
  // does not follow up is released by itself after HOLD_MAX_MS.
  const adminAuth = new ServiceAuth(o.serviceSecret, o.unit, new Map([...domainsOfUnit, [CONTROL_CALLER, []]]), new Map());
  internal.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/admin/')) return;
    const h = req.headers[SERVICE_TOKEN_HEADER];
    const caller = await adminAuth.verify(typeof h === 'string' ? h : undefined);
    if (caller !== CONTROL_CALLER) throw forbidden(`unit ${caller} may not move a domain's database`);
  });
  /** prepared moves; `previous`: the database a pointed domain was on (a release points it back) */
  const prepared = new Map<string, { db: Db; timer: NodeJS.Timeout; previous?: Db }>();
  let moved = 0;
  const discard = async (domain: string, d: DomainDb) => {
    const p = prepared.get(domain);
    if (!p) return;
    clearTimeout(p.timer);
    prepared.delete(domain);
    // Pointed at the new database with the gate closed: back where it was before the gate opens
    // (nothing ran on the new one).
    if (p.previous && d.held) d.point(p.previous);
    if (d.held) d.release();
    await p.db.end().catch(() => undefined);
  };
  internal.post<{ Body: { action: 'prepare' | 'hold' | 'point' | 'switch' | 'release'; domain: string; url?: string; drainMs?: number } }>(
    '/admin/domain-db',
    {
      schema: {
        body: {
          type: 'object',
          required: ['action', 'domain'],
          additionalProperties: false,
          properties: {
            action: { enum: ['prepare', 'hold', 'point', 'switch', 'release'] },
            domain: { type: 'string', maxLength: 64 },
            url: { type: 'string', maxLength: 2048, pattern: '^postgres(ql)?://' },
            drainMs: { type: 'integer', minimum: 1, maximum: 30_000 },
          },
        },
      },
    },
    async (req) => {
      const { action, domain } = req.body;
      const d = local.has(domain) ? domainDbs.get(domain) : undefined;
      if (!d) throw new HttpError(404, 'not_found', `no domain ${domain} in this unit`);
      if (action === 'prepare') {
        if (!req.body.url) throw badRequest('prepare needs the url of the new database', ['url']);
        if (prepared.has(domain)) throw conflict(`${domain} is already prepared`);
        const db = openDb(req.body.url, 10, o.db);
        try {
          await migrate(db, 'archsim_outbox', outboxMigrations);
          await db.warm();
        } catch (e) {
          await db.end().catch(() => undefined);
          throw conflict(`${domain} not prepared: ${redactText((e as Error).message)}`);
        }
        const timer = setTimeout(() => {
          void discard(domain, d);
          app.log.warn({ domain }, 'a prepared move of the domain was not followed up: released');
        }, HOLD_MAX_MS);
        timer.unref();
        prepared.set(domain, { db, timer });
        return { prepared: domain };
      }
      const p = prepared.get(domain);
      if (action === 'release') {
        if (!p) throw conflict(`${domain} is not prepared`);
        await discard(domain, d);
        return { released: domain, openedAt: Date.now() };
      }
      if (action === 'hold') {
        if (!p) throw conflict(`${domain} is not prepared`);
        if (d.held) throw conflict(`${domain} is already held`);
        // When the gate closed (this host's clock, like the control plane's): how long work waited.
        const closedAt = Date.now();
        try {
          await d.hold(req.body.drainMs ?? 5000);
        } catch (e) {
          throw conflict(`${domain} not held: ${redactText((e as Error).message)}`);
        }
        return { held: domain, closedAt };
      }
      if (!p || !d.held) throw conflict(`${domain} is not held`);
      if (action === 'point') {
        // Test-only fault "refuse-switch": this unit cannot be switched (a cut-over over several
        // units must undo the ones that could).
        if (o.faults?.split(',').includes('refuse-switch')) throw conflict(`${domain} not pointed: fault injection: refuse-switch (tests only)`);
        if (!p.previous) {
          p.previous = d.current;
          d.point(p.db);
        }
        return { pointed: domain };
      }
      clearTimeout(p.timer);
      prepared.delete(domain);
      // Its pool is the unit's from now on (readiness, close); events recorded from now on are
      // drained from there, those recorded before from the old database as until now.
      pools.set(`${domain} (moved ${++moved})`, p.db);
      events.addOutbox(p.db, domain);
      d.switchTo(p.db);
      app.log.warn({ domain }, 'domain moved to another database');
      return { switched: domain, openedAt: Date.now() };
    },
  );

  for (const [mod, s, ctx] of modules) {
    await app.register(mod.routes(s, ctx));
    mod.attach?.(s, app);
  }

  // A server that starts beside the unit (a container's): waited for, not raced.
  if (o.db?.waitForMs) {
    for (const domain of unit.domains) dbOf(domain);
    for (const db of [...pools.values(), ...(queueDb ? [queueDb] : [])]) await waitForDb(db, o.db.waitForMs);
  }
  // Migrations before listening on the port, so /ready is only ever true with the schema done.
  for (const domain of unit.domains) await migrate(dbOf(domain), domain, domainModules[domain]!.migrations);
  await events.migrate();
  // Kept pools opened in full now, while nothing else uses the thread pool (see PoolOptions.keep).
  // A pool after another (each opens its connections one at a time: Db.warm), within the wait.
  if (o.db?.keep) for (const d of [...pools.values(), ...(queueDb ? [queueDb] : [])]) await d.warm(o.db.waitForMs ?? 0);
  // Which threads are libuv's pool, while nothing else runs on it (op-cpu.ts): its CPU is then
  // the pool's in every profile, apart from V8's own workers.
  await opProfiler?.findPoolThreads();
  ready = true;

  const host = o.host ?? '127.0.0.1';
  await internal.listen({ host, port: o.internalPort ?? 0 });
  await app.listen({ host, port: o.port });
  await events.start();
  const addr = internal.server.address();
  const internalPort = typeof addr === 'object' && addr ? addr.port : (o.internalPort ?? 0);

  let closing: Promise<void> | undefined;
  return {
    app,
    internal,
    url: `http://${host}:${o.port}`,
    internalUrl: `http://${host}:${internalPort}`,
    close() {
      closing ??= (async () => {
        ready = false;
        draining = true;
        await events.stop();
        // Stops accepting, waits for in-flight requests, closes idle keep-alive sockets.
        await app.close();
        await internal.close();
        for (const [mod, s] of modules) await mod.close?.(s);
        await remote.close();
        await Promise.all([...pools.values(), ...(queueDb ? [queueDb] : [])].map((d) => d.end().catch(() => undefined)));
      })();
      return closing;
    },
  };
}

/**
 * The test-only fault hook: "point:probability" or "point@/path/to/trigger" (crash once when
 * that file exists; it is removed first), several separated by commas. Absent, a no-op.
 */
function faultHook(spec: string | undefined, log: { warn(o: object, m: string): void }): (point: string) => void {
  if (!spec) return () => undefined;
  const rules = spec.split(',').map((p) => {
    const at = p.indexOf('@');
    if (at > 0) return { point: p.slice(0, at), trigger: p.slice(at + 1), odds: 0 };
    const [point, prob] = p.split(':');
    return { point: point!, trigger: undefined, odds: Number(prob ?? 1) };
  });
  log.warn({ faults: spec }, 'fault injection enabled (tests only)');
  return (point) => {
    for (const r of rules) {
      if (r.point !== point) continue;
      if (r.trigger ? existsSync(r.trigger) && (rmSync(r.trigger, { force: true }), true) : Math.random() < r.odds) process.kill(process.pid, 'SIGKILL');
    }
  };
}
