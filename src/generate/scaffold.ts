// A starter repository for a layout: one TypeScript fastify service per unit (its routes from
// the route table with request validation, a typed handler per operation to fill in, /health,
// /ready, /metrics, graceful shutdown, a Dockerfile and a test), npm workspaces at the root,
// and the compose and Kubernetes files of the same layout. Pure: returns the files.
import { operationIndex, type EffectiveOperation, type ResolvedLayout, type ResolvedUnit } from '../model/resolve.js';
import type { RouteEntry } from '../model/routes.js';
import type { Blueprint } from '../model/schema.js';
import { APP_UID, layoutToGenerate, type GenerateOptions, type GeneratedFile } from './common.js';
import { composeFiles } from './compose.js';
import { commentText, markdownText, tsString } from './escape.js';
import { k8sFiles } from './k8s.js';

/** Versions the generated repository pins: known to install and run on Node 20. */
export const SCAFFOLD_VERSIONS = {
  fastify: '5.12.8',
  'prom-client': '15.1.3',
  typescript: '5.9.3',
  '@types/node': '20.19.43',
} as const;

interface Endpoint {
  op: string;
  domain: string;
  name: string;
  method: string;
  /** fastify path (":param"). */
  url: string;
  /** A concrete path for tests. */
  sample: string;
  params: string[];
  body: boolean;
  internal: boolean;
  websocket: boolean;
  handler: string;
  summary: string;
}

const pascal = (s: string) => s.replace(/(^|[^a-zA-Z0-9])([a-zA-Z0-9])/g, (_m, _p, c: string) => c.toUpperCase());

function describeWork(op: EffectiveOperation): string {
  const parts = [`cpu ≈${Math.round(op.cpu.mean * 1000) / 1000} ms`];
  if (op.db.reads + op.db.writes > 0) parts.push(`db ${op.db.reads} read(s), ${op.db.writes} write(s)`);
  if (op.calls.length) parts.push(`calls ${op.calls.map((c) => c.op).join(', ')}`);
  if (op.emits.length) parts.push(`emits ${op.emits.join(', ')}`);
  return parts.join('; ');
}

function endpoints(bp: Blueprint, r: ResolvedLayout, u: ResolvedUnit, table: RouteEntry[]): Endpoint[] {
  const ops = operationIndex(bp);
  const out: Endpoint[] = [];
  const mk = (op: string, method: string, path: string, internal: boolean, websocket: boolean): Endpoint => {
    const ref = ops.get(op)!;
    const params = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    return {
      op,
      domain: ref.domain,
      name: ref.name,
      method: websocket ? 'GET' : method,
      url: path.replace(/\{([^}]+)\}/g, ':$1'),
      sample: path.replace(/\{([^}]+)\}/g, '1'),
      params,
      body: ['POST', 'PUT', 'PATCH'].includes(method),
      internal,
      websocket,
      handler: `handle${pascal(ref.name)}`,
      summary: `${websocket ? 'WS' : method} ${path}: ${describeWork(ref.op)}`,
    };
  };
  for (const t of table) if (t.unit === u.name) out.push(mk(t.op, t.method, t.path, false, t.websocket));
  // Internal operations another unit calls over the network get an internal endpoint.
  const calledFromOutside = new Set<string>();
  for (const o of ops.values()) {
    if (u.domains.includes(o.domain)) continue;
    for (const c of o.op.calls) {
      const target = ops.get(c.op);
      if (target && u.domains.includes(target.domain) && r.unitOfDomain.get(o.domain) !== u.name && !table.some((t) => t.op === c.op)) calledFromOutside.add(c.op);
    }
  }
  for (const op of [...calledFromOutside].sort()) {
    const ref = ops.get(op)!;
    out.push(mk(op, 'POST', `/internal/${ref.domain}/${ref.name}`, true, false));
  }
  return out;
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

function servicePackage(bp: Blueprint, u: ResolvedUnit): string {
  return json({
    name: `@${bp.metadata.name.toLowerCase()}/${u.name}`,
    version: '0.1.0',
    private: true,
    description: `${u.name}: ${u.description ?? `domains ${u.domains.join(', ')}`}`,
    type: 'module',
    main: 'dist/src/main.js',
    scripts: {
      build: 'tsc -p tsconfig.json',
      start: 'node dist/src/main.js',
      test: 'tsc -p tsconfig.json && node --test dist/test/app.test.js',
    },
    dependencies: { fastify: SCAFFOLD_VERSIONS.fastify, 'prom-client': SCAFFOLD_VERSIONS['prom-client'] },
    devDependencies: { '@types/node': SCAFFOLD_VERSIONS['@types/node'], typescript: SCAFFOLD_VERSIONS.typescript },
    engines: { node: '>=20' },
  });
}

const TSCONFIG = json({
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023'],
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    sourceMap: true,
    outDir: 'dist',
    rootDir: '.',
    types: ['node'],
  },
  include: ['src', 'test'],
});

function dockerfile(u: ResolvedUnit): string {
  return `# ${u.name}: build with TypeScript, run as a non-root user on node:20-slim.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json ./
RUN npm install --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
USER ${APP_UID}:${APP_UID}
EXPOSE ${u.port}
ENV PORT=${u.port}
CMD ["node", "dist/src/main.js"]
`;
}

const DOCKERIGNORE = 'node_modules\ndist\ntest\n*.log\n.env\n';

function metricsTs(): string {
  return `// Prometheus metrics: the default process metrics and the request duration histogram the
// generated Grafana dashboard reads (rate, errors and latency per route).
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  observe(method: string, route: string, statusCode: number, seconds: number): void;
}

export function createMetrics(service: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return {
    registry,
    observe(method, route, statusCode, seconds) {
      duration.observe({ method, route, status_code: String(statusCode) }, seconds);
    },
  };
}
`;
}

function appTs(u: ResolvedUnit): string {
  return `// The ${u.name} application: probes, metrics and the unit's routes. main.ts listens;
// tests call buildApp() and use app.inject().
import Fastify, { type FastifyInstance } from 'fastify';
import { createMetrics } from './metrics.js';
import { registerRoutes } from './routes.js';

export const SERVICE = ${tsString(u.name)};

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
`;
}

function mainTs(u: ResolvedUnit): string {
  return `// Start ${u.name}: listen on PORT (default ${u.port}); on SIGTERM or SIGINT stop accepting,
// finish in-flight requests and exit.
import { buildApp } from './app.js';

const port = Number(process.env.PORT ?? ${u.port});
const host = process.env.HOST ?? '0.0.0.0';
const app = buildApp({ logger: true });

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
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
`;
}

function paramsSchema(e: Endpoint): unknown {
  return { type: 'object', properties: Object.fromEntries(e.params.map((p) => [p, { type: 'string', minLength: 1 }])), required: e.params };
}

function routesTs(u: ResolvedUnit, eps: Endpoint[]): string {
  const domains = [...new Set(eps.map((e) => e.domain))].sort();
  const L = [
    `// The routes of ${u.name}, from the blueprint's route table. Request validation is JSON`,
    '// Schema (fastify answers 400 before a handler runs); the handlers are in handlers/.',
    "import type { FastifyInstance } from 'fastify';",
    ...domains.map((d) => `import * as ${pascal(d).replace(/^./, (c) => c.toLowerCase())} from './handlers/${d}.js';`),
    '',
    'export interface RouteInfo {',
    '  operation: string;',
    '  method: string;',
    '  url: string;',
    '  internal: boolean;',
    '}',
    '',
    '/** Every route this service serves (tests walk this list). */',
    'export const ROUTES: RouteInfo[] = [',
    ...eps.map((e) => `  { operation: ${tsString(e.op)}, method: ${tsString(e.method)}, url: ${tsString(e.url)}, internal: ${e.internal} },`),
    '];',
    '',
    'export function registerRoutes(app: FastifyInstance): void {',
  ];
  for (const e of eps) {
    const schema: Record<string, unknown> = {};
    if (e.params.length) schema.params = paramsSchema(e);
    if (e.body) schema.body = { type: 'object' };
    const mod = pascal(e.domain).replace(/^./, (c) => c.toLowerCase());
    L.push(`  // ${commentText(e.summary)}`);
    L.push(`  app.route({ method: ${tsString(e.method)}, url: ${tsString(e.url)}, schema: ${JSON.stringify(schema)}, handler: ${mod}.${e.handler} });`);
  }
  L.push('}', '');
  return L.join('\n');
}

function handlersTs(bp: Blueprint, domain: string, eps: Endpoint[]): string {
  const d = bp.system.domains[domain]!;
  const L = [
    `// Handlers of the ${domain} domain${d.description ? `: ${commentText(d.description)}` : ''}`,
    `// Tables owned: ${d.tables.join(', ') || 'none'}. Each handler answers 501 until implemented.`,
    "import type { FastifyReply, FastifyRequest } from 'fastify';",
    '',
    'function notImplemented(reply: FastifyReply, operation: string) {',
    "  return reply.code(501).send({ error: 'Not Implemented', operation });",
    '}',
    '',
  ];
  for (const e of eps) {
    const type = `${pascal(e.name)}Request`;
    const params = e.params.length ? `{ ${e.params.map((p) => `${/^[A-Za-z_$][\w$]*$/.test(p) ? p : tsString(p)}: string`).join('; ')} }` : 'Record<string, never>';
    const body = e.body ? 'Record<string, unknown>' : 'undefined';
    L.push(`export type ${type} = FastifyRequest<{ Params: ${params}; Body: ${body} }>;`, '');
    L.push(`/** ${commentText(`${e.op}${e.internal ? ' (internal: called by other services)' : ''}. ${e.summary}.`)} */`);
    L.push(`export async function ${e.handler}(_req: ${type}, reply: FastifyReply): Promise<unknown> {`);
    L.push(`  // TODO: implement ${commentText(e.op)}${e.websocket ? ' (a WebSocket endpoint: add @fastify/websocket and upgrade here)' : ''}.`);
    L.push(`  return notImplemented(reply, ${tsString(e.op)});`, '}', '');
  }
  return L.join('\n');
}

function testTs(u: ResolvedUnit, eps: Endpoint[]): string {
  const bodyRoute = eps.find((e) => e.body);
  return `// ${u.name}: the probes answer, the metrics are exported, every route is wired.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../src/app.js';
import { ROUTES } from '../src/routes.js';

test('GET /health answers 200', async () => {
  const app = buildApp();
  const res = await app.inject({ method: 'GET', url: '/health' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().service, ${tsString(u.name)});
  await app.close();
});

test('GET /ready answers 200 and /metrics exports the request histogram', async () => {
  const app = buildApp();
  assert.equal((await app.inject({ method: 'GET', url: '/ready' })).statusCode, 200);
  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(metrics.statusCode, 200);
  assert.match(metrics.body, /http_request_duration_seconds_bucket/);
  await app.close();
});

test('every route is registered and answers 501 until implemented', async () => {
  const app = buildApp();
  for (const r of ROUTES) {
    const url = r.url.replace(/:[^/]+/g, '1');
    const withBody = r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH';
    const res = await app.inject({ method: r.method as 'GET', url, ...(withBody ? { payload: {} } : {}) });
    assert.equal(res.statusCode, 501, \`\${r.method} \${url}\`);
  }
  await app.close();
});
${
  bodyRoute
    ? `
test('request validation rejects a body that is not a JSON object', async () => {
  const app = buildApp();
  const res = await app.inject({ method: ${tsString(bodyRoute.method)}, url: ${tsString(bodyRoute.sample)}, payload: '"text"', headers: { 'content-type': 'application/json' } });
  assert.equal(res.statusCode, 400);
  await app.close();
});
`
    : ''
}`;
}

function rootPackage(bp: Blueprint, r: ResolvedLayout): string {
  const scripts: Record<string, string> = {
    build: 'npm run build --workspaces',
    test: 'npm test --workspaces',
  };
  for (const u of r.units) scripts[`start:${u.name}`] = `npm start -w services/${u.name}`;
  return json({
    name: `${bp.metadata.name.toLowerCase()}-${r.name}`,
    version: '0.1.0',
    private: true,
    description: `${bp.metadata.title ?? bp.metadata.name}: the ${r.name} layout, scaffolded by archsim`,
    type: 'module',
    workspaces: r.units.map((u) => `services/${u.name}`),
    scripts,
    devDependencies: { '@types/node': SCAFFOLD_VERSIONS['@types/node'], typescript: SCAFFOLD_VERSIONS.typescript },
    engines: { node: '>=20' },
  });
}

function readme(bp: Blueprint, r: ResolvedLayout, eps: Map<string, Endpoint[]>, opts: GenerateOptions): string {
  const L = [
    `# ${markdownText(bp.metadata.title ?? bp.metadata.name)} — ${r.name}`,
    '',
    `Generated by archsim from blueprint \`${bp.metadata.name}\`, layout \`${r.name}\`.`,
    r.layout.description ? `\n${markdownText(r.layout.description, 2000)}\n` : '',
    '## Services',
    '',
    '| service | domains | port | replicas | routes |',
    '| --- | --- | ---: | ---: | ---: |',
    ...r.units.map((u) => `| \`${u.name}\` | ${u.domains.join(', ')} | ${u.port} | ${u.replicas} | ${eps.get(u.name)!.filter((e) => !e.internal).length} |`),
    '',
    'Each service in `services/<name>/` is a TypeScript fastify app: its routes validate requests with',
    'JSON Schema and call a typed handler in `src/handlers/<domain>.ts` that answers 501 until you',
    'implement it. Every service has `/health` (liveness), `/ready` (readiness, 503 while draining),',
    '`/metrics` (Prometheus, `http_request_duration_seconds`) and shuts down gracefully on SIGTERM.',
    '',
    '## Develop',
    '',
    '```sh',
    'npm install',
    'npm test              # builds and tests every service',
    `npm run start:${r.units[0]!.name}`,
    '```',
    '',
    '## Run everything locally',
    '',
    '```sh',
    'cp .env.example .env   # then set every change-me value (e.g. openssl rand -hex 24)',
    'docker compose up --build',
    '```',
    '',
    '## Deploy to Kubernetes',
    '',
    'Create the Secrets listed in `k8s/kustomization.yaml` (the manifests reference them, never',
    'hold their values), then:',
    '',
    '```sh',
    'kubectl apply -k k8s/',
    '```',
    '',
    opts.withDatastores ? 'The datastores are included as StatefulSets (`k8s/datastores/`).\n' : 'Datastores are not included: point the Secrets at managed databases, or regenerate with `--with-datastores`.\n',
    '## Regenerate',
    '',
    '```sh',
    `archsim generate scaffold <blueprint> --layout ${r.name} --out . --force`,
    '```',
    '',
    'That overwrites generated files, handlers included: commit first and merge your handlers back.',
    '',
  ];
  return L.join('\n');
}

export function scaffoldFiles(bp: Blueprint, layout: string, opts: GenerateOptions = {}): GeneratedFile[] {
  const r = layoutToGenerate(bp, layout);
  const table = r.routes;
  const files: GeneratedFile[] = [];
  const eps = new Map(r.units.map((u) => [u.name, endpoints(bp, r, u, table)]));
  files.push({ path: 'package.json', content: rootPackage(bp, r) });
  files.push({ path: 'README.md', content: readme(bp, r, eps, opts) });
  files.push({ path: '.gitignore', content: 'node_modules/\ndist/\n.env\n*.log\n' });
  files.push({ path: '.nvmrc', content: '20\n' });
  for (const u of r.units) {
    const base = `services/${u.name}`;
    const list = eps.get(u.name)!;
    files.push({ path: `${base}/package.json`, content: servicePackage(bp, u) });
    files.push({ path: `${base}/tsconfig.json`, content: TSCONFIG });
    files.push({ path: `${base}/Dockerfile`, content: dockerfile(u) });
    files.push({ path: `${base}/.dockerignore`, content: DOCKERIGNORE });
    files.push({ path: `${base}/src/app.ts`, content: appTs(u) });
    files.push({ path: `${base}/src/main.ts`, content: mainTs(u) });
    files.push({ path: `${base}/src/metrics.ts`, content: metricsTs() });
    files.push({ path: `${base}/src/routes.ts`, content: routesTs(u, list) });
    for (const d of [...new Set(list.map((e) => e.domain))].sort()) {
      files.push({ path: `${base}/src/handlers/${d}.ts`, content: handlersTs(bp, d, list.filter((e) => e.domain === d)) });
    }
    files.push({ path: `${base}/test/app.test.ts`, content: testTs(u, list) });
  }
  files.push(...composeFiles(bp, layout, opts), ...k8sFiles(bp, layout, opts));
  return files;
}
