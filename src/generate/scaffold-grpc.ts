// The gRPC side of the TypeScript scaffold: for a unit that serves gRPC, a @grpc/grpc-js server
// with a method per operation of every domain it holds (the same handlers as the HTTP scaffold,
// through the same in-process clients) and the standard health service the probes ask; for any
// unit that calls another by gRPC, a typed client over the system's .proto. Service and method
// names come from generate/grpc.ts, so the gateway routes, the server and the clients agree.
// Pure: returns file contents.
import type { ResolvedUnit } from '../model/resolve.js';
import type { Blueprint } from '../model/schema.js';
import { GRPC_MESSAGES, grpcNames } from './grpc.js';
import { commentText, tsString } from './escape.js';

/** Versions the generated gRPC services pin: known to install and run on Node 20. */
export const GRPC_VERSIONS = { '@grpc/grpc-js': '1.14.7', '@grpc/proto-loader': '0.8.1' } as const;

/** One method of a unit's gRPC server: the operation behind it and how the handler is reached. */
export interface GrpcMethod {
  /** "domain.operation" */
  operation: string;
  /** fully qualified service ("pkg.v1.Service") and method name */
  service: string;
  method: string;
  /** client key and method in Clients, the contract's type stem and module key */
  clientKey: string;
  clientMethod: string;
  type: string;
  domain: string;
  /** a public operation (routed by the gateway): no service token asked */
  public: boolean;
}

/** The methods of a gRPC unit, in the order of its domains and their operations. */
export function grpcMethods(
  bp: Blueprint,
  domains: { name: string; key: string; held: boolean; ops: { id: string; name: string; method: string; type: string }[] }[],
  publicOps: Set<string>,
): GrpcMethod[] {
  const names = grpcNames(bp);
  return domains
    .filter((d) => d.held)
    .flatMap((d) => {
      const s = names.services.get(d.name)!;
      return d.ops.map((o) => ({
        operation: o.id,
        service: `${names.package}.${s.service}`,
        method: s.methods.get(o.name)!,
        clientKey: d.key,
        clientMethod: o.method,
        type: o.type,
        domain: d.name,
        public: publicOps.has(o.id),
      }));
    });
}

export const PROTO_TS = (bp: Blueprint) => `// The system's gRPC contract (proto/system.proto) and the standard health service
// (proto/health.proto), loaded once. Fields keep their .proto names (body_json, result_json).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as protoLoader from '@grpc/proto-loader';

/** proto/ beside src/ and dist/ (this file runs as dist/src/proto.js or src/proto.ts). */
const DIR = fileURLToPath(new URL('../../proto/', import.meta.url));
const OPTIONS: protoLoader.Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

export const PACKAGE = ${tsString(grpcNames(bp).package)};
export const HEALTH_SERVICE = 'grpc.health.v1.Health';

/** What every method takes and answers (${GRPC_MESSAGES.input} and ${GRPC_MESSAGES.result} in the .proto). */
export interface WireInput {
  params: Record<string, string>;
  body_json: string;
}
export interface WireResult {
  result_json: string;
}

let system: protoLoader.PackageDefinition | undefined;
let health: protoLoader.PackageDefinition | undefined;

/** A service of the system's .proto or the health .proto by its full name. */
export function serviceDefinition(fullName: string): protoLoader.ServiceDefinition {
  system ??= protoLoader.loadSync(join(DIR, 'system.proto'), OPTIONS);
  health ??= protoLoader.loadSync(join(DIR, 'health.proto'), OPTIONS);
  const def = system[fullName] ?? health[fullName];
  if (!def || 'format' in def) throw new Error(\`no gRPC service \${fullName} in proto/\`);
  return def as protoLoader.ServiceDefinition;
}
`;

export const GRPC_REMOTE_TS = `
/** One channel per target, reused by every call (HTTP/2 multiplexes them; it reconnects by itself). */
const channels = new Map<string, grpc.Client>();
function channel(target: string): grpc.Client {
  let c = channels.get(target);
  if (!c) channels.set(target, (c = new grpc.Client(target, grpc.credentials.createInsecure())));
  return c;
}

/** A unary call by its full service and method name; the error is gRPC's (code, details). */
export function unaryCall(target: string, service: string, method: string, input: WireInput, token: string, timeoutMs = 10_000): Promise<WireResult> {
  const m = serviceDefinition(service)[method];
  if (!m) return Promise.reject(new Error(\`no method \${method} in \${service}\`));
  const metadata = new grpc.Metadata();
  if (token) metadata.set(SERVICE_TOKEN_HEADER, token);
  return new Promise<WireResult>((resolve, reject) => {
    channel(target).makeUnaryRequest(m.path, m.requestSerialize as (v: WireInput) => Buffer, m.responseDeserialize as (b: Buffer) => WireResult, input, metadata, { deadline: Date.now() + timeoutMs }, (err, res) => {
      if (err || !res) reject(err ?? new Error('empty answer'));
      else resolve(res);
    });
  });
}

/** Close every channel (a test's end, a process's shutdown). */
export function closeChannels(): void {
  for (const c of channels.values()) c.close();
  channels.clear();
}

/**
 * A typed client for a domain held by a gRPC unit: each operation is a unary call of its method
 * on the system's .proto, with the service token; failures as RemoteError (503 unreachable or
 * timed out, the request's 4xx passed through, 502 anything else). A method's CallPolicy applies
 * as httpClient's does (guarded: the policy's timeout is the call's deadline).
 */
export function grpcClient<C>(target: string, domain: string, service: string, operations: GrpcOperations<C>, token: string, timeoutMs = 10_000, policies: Policies<C> = {}): C {
  const client: Record<string, Call> = {};
  for (const [method, op, rpc] of operations) {
    const id = \`\${domain}.\${op}\`;
    client[method] = guarded(id, policies[method], timeoutMs, async (ms, input) => {
      const i = (input ?? {}) as { params?: Record<string, string>; body?: unknown };
      let res: WireResult;
      try {
        res = await unaryCall(target, service, rpc, { params: i.params ?? {}, body_json: i.body === undefined ? '' : JSON.stringify(i.body) }, token, ms);
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        const status = code === grpc.status.UNAVAILABLE || code === grpc.status.DEADLINE_EXCEEDED ? 503 : code === grpc.status.INVALID_ARGUMENT ? 400 : code === grpc.status.NOT_FOUND ? 404 : 502;
        throw new RemoteError(status, id, \`\${id} failed (\${(e as Error).message})\`);
      }
      return res.result_json ? JSON.parse(res.result_json) : undefined;
    });
  }
  return client as C;
}
`;

/** The gRPC server of a unit: a method per operation it holds, the health service, token checks. */
/** grpc-js refuses a received message over 4 MiB unless the server says otherwise. */
const GRPC_JS_RECEIVE_LIMIT = 4 * 1024 * 1024;

/**
 * @param bodyLimit the largest request the unit's operations declare, with room for the framing
 *   (scaffold.ts scaffoldBodyLimit): over grpc-js's 4 MiB the server takes it, or it answered
 *   RESOURCE_EXHAUSTED to the requests the blueprint (and the k6 script) send.
 */
export function grpcServerTs(u: ResolvedUnit, methods: GrpcMethod[], domainNames: { name: string; file: string; key: string }[], bodyLimit?: number): string {
  const services = [...new Set(methods.map((m) => m.service))];
  const used = domainNames.filter((d) => methods.some((m) => m.domain === d.name));
  const L = [
    `// The gRPC server of ${u.name}: one method per operation of every domain it holds, each`,
    '// calling its handler through the in-process client (src/handlers/), and the standard health',
    '// service (grpc.health.v1.Health/Check) that Kubernetes\' grpc probe and the compose health',
    '// check ask. A method no gateway routes (an internal operation) answers only a caller that',
    '// presents the service token (x-service-token metadata). main.ts binds; tests bind port 0.',
    "import * as grpc from '@grpc/grpc-js';",
    "import { createClients } from './clients.js';",
    "import { NotImplemented, RemoteError } from './errors.js';",
    "import { HEALTH_SERVICE, serviceDefinition, type WireInput, type WireResult } from './proto.js';",
    "import { SERVICE_TOKEN_HEADER, validServiceToken } from './service-auth.js';",
    ...used.map((d) => `import type * as ${d.key}Contract from './contracts/${d.file}.js';`),
    '',
    `export const SERVICE = ${tsString(u.name)};`,
    '',
    '/** Every method served: tests walk this list. */',
    'export const METHODS: { operation: string; service: string; method: string; public: boolean }[] = [',
    ...methods.map((m) => `  { operation: ${tsString(m.operation)}, service: ${tsString(m.service)}, method: ${tsString(m.method)}, public: ${m.public} },`),
    '];',
    '',
    'type Input = { params: Record<string, string>; body: Record<string, unknown> | undefined };',
    '',
    '/** A failure as a gRPC status: 501 UNIMPLEMENTED, a callee unreachable UNAVAILABLE, its refusal passed on. */',
    'function toStatus(operation: string, err: unknown): Partial<grpc.StatusObject> {',
    '  const metadata = new grpc.Metadata();',
    "  metadata.set('x-operation', operation);",
    '  if (err instanceof NotImplemented) return { code: grpc.status.UNIMPLEMENTED, details: err.message, metadata };',
    '  if (err instanceof RemoteError) {',
    '    const code = err.statusCode === 503 ? grpc.status.UNAVAILABLE : err.statusCode === 400 ? grpc.status.INVALID_ARGUMENT : err.statusCode === 404 ? grpc.status.NOT_FOUND : grpc.status.INTERNAL;',
    '    return { code, details: err.message, metadata };',
    '  }',
    '  console.error(err);',
    "  return { code: grpc.status.INTERNAL, details: 'internal error', metadata };",
    '}',
    '',
    'function unary(operation: string, open: boolean, serviceToken: string | undefined, run: (input: Input) => Promise<unknown>): grpc.handleUnaryCall<WireInput, WireResult> {',
    '  return (call, callback) => {',
    '    if (!open && !validServiceToken(call.metadata.get(SERVICE_TOKEN_HEADER)[0], serviceToken)) {',
    "      return callback({ code: grpc.status.UNAUTHENTICATED, details: 'service token required' });",
    '    }',
    '    // The body is JSON text: anything but an object (or nothing) is the caller\'s mistake.',
    '    let body: unknown;',
    '    try {',
    "      body = call.request.body_json ? JSON.parse(call.request.body_json) : undefined;",
    '    } catch {',
    "      return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'body_json is not JSON' });",
    '    }',
    "    if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {",
    "      return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'body_json must be a JSON object' });",
    '    }',
    '    run({ params: { ...call.request.params }, body: body as Record<string, unknown> | undefined }).then(',
    '      (result) => callback(null, { result_json: JSON.stringify(result ?? null) }),',
    '      (err: unknown) => callback(toStatus(operation, err)),',
    '    );',
    '  };',
    '}',
    '',
    'export interface ServerOptions {',
    '  /** where the configuration comes from (default: process.env): SERVICE_TOKEN, the other units\' addresses */',
    '  env?: Record<string, string | undefined>;',
    '}',
    '',
    'export interface GrpcApp {',
    '  server: grpc.Server;',
    '  /** stop answering SERVING, so probes and balancers drain this replica before it stops */',
    '  drain(): void;',
    '}',
    '',
    'export function buildServer(options: ServerOptions = {}): GrpcApp {',
    '  const env = options.env ?? process.env;',
    '  const clients = createClients(env);',
    '  const token = env.SERVICE_TOKEN;',
    bodyLimit !== undefined && bodyLimit > GRPC_JS_RECEIVE_LIMIT
      ? `  // requests up to ${bodyLimit} bytes, as the blueprint declares (grpc-js refuses past 4 MiB by default)\n  const server = new grpc.Server({ 'grpc.max_receive_message_length': ${bodyLimit} });`
      : '  const server = new grpc.Server();',
    '  let draining = false;',
  ];
  for (const s of services) {
    L.push(`  server.addService(serviceDefinition(${tsString(s)}) as unknown as grpc.ServiceDefinition, {`);
    for (const m of methods.filter((x) => x.service === s)) {
      L.push(
        `    // ${commentText(m.operation)}${m.public ? ' (public: routed by the gateway)' : ' (internal: service token required)'}`,
        `    ${m.method}: unary(${tsString(m.operation)}, ${m.public}, token, (input) => clients.${m.clientKey}.${m.clientMethod}(input as ${m.clientKey}Contract.${m.type}Input)),`,
      );
    }
    L.push('  });');
  }
  L.push(
    "  // Health: the whole server (service \"\") and each of its services by name. Watch is not",
    '  // implemented (UNIMPLEMENTED), which the health protocol allows; probes use Check.',
    '  const known = new Set([\'\', ...METHODS.map((m) => m.service)]);',
    '  server.addService(serviceDefinition(HEALTH_SERVICE) as unknown as grpc.ServiceDefinition, {',
    '    Check: ((call, callback) => {',
    "      if (!known.has(call.request.service)) return callback({ code: grpc.status.NOT_FOUND, details: 'unknown service' });",
    "      return callback(null, { status: draining ? 'NOT_SERVING' : 'SERVING' });",
    '    }) as grpc.handleUnaryCall<{ service: string }, { status: string }>,',
    '  });',
    '  return {',
    '    server,',
    '    drain() {',
    '      draining = true;',
    '    },',
    '  };',
    '}',
    '',
  );
  return L.join('\n');
}

export function healthCheckTs(u: ResolvedUnit): string {
  return `// The container's health check (compose): exit 0 when this unit's gRPC server answers SERVING
// on the standard health service, 1 otherwise. node:20-slim has no grpc_health_probe.
import { checkHealth } from './remote.js';

const port = Number(process.env.PORT ?? ${u.port});
checkHealth(\`127.0.0.1:\${port}\`, '', 3000).then(
  (status) => process.exit(status === 'SERVING' ? 0 : 1),
  () => process.exit(1),
);
`;
}

export const CHECK_HEALTH_TS = `
/** The standard health service's answer for a service ("" = the whole server). */
export async function checkHealth(target: string, service = '', timeoutMs = 3000): Promise<string> {
  const m = serviceDefinition('grpc.health.v1.Health').Check!;
  const client = new grpc.Client(target, grpc.credentials.createInsecure());
  return new Promise<string>((resolve, reject) => {
    client.makeUnaryRequest(m.path, m.requestSerialize as (v: { service: string }) => Buffer, m.responseDeserialize as (b: Buffer) => { status: string }, { service }, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => {
      client.close();
      if (err || !res) reject(err ?? new Error('empty answer'));
      else resolve(res.status);
    });
  });
}
`;

/** The gRPC unit's own test: real gRPC calls against its server bound on a free port. */
export function grpcTestTs(u: ResolvedUnit, methods: GrpcMethod[], held: { key: string; ops: { id: string; method: string }[] }[]): string {
  const internal = methods.find((m) => !m.public);
  const first = methods[0];
  return `// ${u.name}: real gRPC calls against its server on a free port: the health service answers
// SERVING (NOT_SERVING while draining), every method is served and answers UNIMPLEMENTED until
// implemented, internal methods refuse a caller without the service token, a body that is not
// a JSON object is INVALID_ARGUMENT, and the gRPC client maps failures.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { createClients } from '../src/clients.js';
import { NotImplemented, RemoteError } from '../src/errors.js';
import { buildServer, METHODS, type GrpcApp } from '../src/grpc-server.js';
import { checkHealth, closeChannels, grpcClient, unaryCall } from '../src/remote.js';

const TOKEN = randomUUID();
after(() => closeChannels());

async function start(env: Record<string, string>): Promise<{ app: GrpcApp; target: string }> {
  const app = buildServer({ env });
  const port = await new Promise<number>((resolve, reject) => app.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return { app, target: \`127.0.0.1:\${port}\` };
}

const code = (e: unknown) => (e as { code?: unknown }).code;

test('the health service answers SERVING, NOT_SERVING while draining, NOT_FOUND for an unknown service', async () => {
  const { app, target } = await start({});
  try {
    assert.equal(await checkHealth(target), 'SERVING');
    for (const m of METHODS) assert.equal(await checkHealth(target, m.service), 'SERVING');
    await assert.rejects(checkHealth(target, 'no.such.Service'), (e: unknown) => code(e) === grpc.status.NOT_FOUND);
    app.drain();
    assert.equal(await checkHealth(target), 'NOT_SERVING');
  } finally {
    app.server.forceShutdown();
  }
});

test('every method is served and answers UNIMPLEMENTED until implemented', async () => {
  const { app, target } = await start({ SERVICE_TOKEN: TOKEN });
  try {
    assert.equal(METHODS.length, ${methods.length});
    for (const m of METHODS) {
      await assert.rejects(unaryCall(target, m.service, m.method, { params: {}, body_json: '{}' }, TOKEN), (e: unknown) => code(e) === grpc.status.UNIMPLEMENTED && String((e as Error).message).includes(m.operation), m.operation);
    }
  } finally {
    app.server.forceShutdown();
  }
});
${
  internal
    ? `
test('internal methods refuse a caller without the right service token', async () => {
  for (const [env, token] of [[{ SERVICE_TOKEN: TOKEN }, ''], [{ SERVICE_TOKEN: TOKEN }, 'wrong'], [{}, '']] as const) {
    const { app, target } = await start(env);
    try {
      await assert.rejects(unaryCall(target, ${tsString(internal.service)}, ${tsString(internal.method)}, { params: {}, body_json: '' }, token), (e: unknown) => code(e) === grpc.status.UNAUTHENTICATED);
    } finally {
      app.server.forceShutdown();
    }
  }
});
`
    : ''
}${
    first
      ? `
test('a body that is not a JSON object is INVALID_ARGUMENT', async () => {
  const { app, target } = await start({ SERVICE_TOKEN: TOKEN });
  try {
    for (const body_json of ['"text"', '[1]', '{not json']) {
      await assert.rejects(unaryCall(target, ${tsString(first.service)}, ${tsString(first.method)}, { params: {}, body_json }, TOKEN), (e: unknown) => code(e) === grpc.status.INVALID_ARGUMENT, body_json);
    }
  } finally {
    app.server.forceShutdown();
  }
});

test('the gRPC client calls a method with the service token and maps failures', async () => {
  const { app, target } = await start({ SERVICE_TOKEN: TOKEN });
  type C = { call(i: object): Promise<unknown> };
  try {
    // UNIMPLEMENTED from the callee is a failed call: 502.
    const client = grpcClient<C>(target, 'd', ${tsString(first.service)}, [['call', 'op', ${tsString(first.method)}]], TOKEN);
    await assert.rejects(client.call({ params: {}, body: {} }), (e: unknown) => e instanceof RemoteError && e.statusCode === 502 && e.operation === 'd.op');
  } finally {
    app.server.forceShutdown();
  }
  const down = grpcClient<C>(target, 'd', ${tsString(first.service)}, [['call', 'op', ${tsString(first.method)}]], TOKEN, 1000);
  await assert.rejects(down.call({}), (e: unknown) => e instanceof RemoteError && e.statusCode === 503);
});
`
      : ''
  }
test('every operation of every domain held here has a handler (in-process client)', async () => {
  const clients = createClients({});
  const handlers: [string, (input: never) => Promise<unknown>][] = [
${held.flatMap((d) => d.ops.map((o) => `    [${tsString(o.id)}, clients.${d.key}.${o.method}],`)).join('\n')}
  ];
  assert.equal(handlers.length, ${held.reduce((n, d) => n + d.ops.length, 0)});
  for (const [id, handler] of handlers) {
    await assert.rejects(handler({ params: {}, body: {} } as never), (e: unknown) => e instanceof NotImplemented && e.operation === id);
  }
});
`;
}
