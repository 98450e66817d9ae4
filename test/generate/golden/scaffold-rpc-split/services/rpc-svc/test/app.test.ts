// rpc-svc: real gRPC calls against its server on a free port: the health service answers
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
  return { app, target: `127.0.0.1:${port}` };
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
    assert.equal(METHODS.length, 4);
    for (const m of METHODS) {
      await assert.rejects(unaryCall(target, m.service, m.method, { params: {}, body_json: '{}' }, TOKEN), (e: unknown) => code(e) === grpc.status.UNIMPLEMENTED && String((e as Error).message).includes(m.operation), m.operation);
    }
  } finally {
    app.server.forceShutdown();
  }
});

test('internal methods refuse a caller without the right service token', async () => {
  for (const [env, token] of [[{ SERVICE_TOKEN: TOKEN }, ''], [{ SERVICE_TOKEN: TOKEN }, 'wrong'], [{}, '']] as const) {
    const { app, target } = await start(env);
    try {
      await assert.rejects(unaryCall(target, "rpc_shop2.v1.AB", "Hidden", { params: {}, body_json: '' }, token), (e: unknown) => code(e) === grpc.status.UNAUTHENTICATED);
    } finally {
      app.server.forceShutdown();
    }
  }
});

test('a body that is not a JSON object is INVALID_ARGUMENT', async () => {
  const { app, target } = await start({ SERVICE_TOKEN: TOKEN });
  try {
    for (const body_json of ['"text"', '[1]', '{not json']) {
      await assert.rejects(unaryCall(target, "rpc_shop2.v1.AB", "GetAll", { params: {}, body_json }, TOKEN), (e: unknown) => code(e) === grpc.status.INVALID_ARGUMENT, body_json);
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
    const client = grpcClient<C>(target, 'd', "rpc_shop2.v1.AB", [['call', 'op', "GetAll"]], TOKEN);
    await assert.rejects(client.call({ params: {}, body: {} }), (e: unknown) => e instanceof RemoteError && e.statusCode === 502 && e.operation === 'd.op');
  } finally {
    app.server.forceShutdown();
  }
  const down = grpcClient<C>(target, 'd', "rpc_shop2.v1.AB", [['call', 'op', "GetAll"]], TOKEN, 1000);
  await assert.rejects(down.call({}), (e: unknown) => e instanceof RemoteError && e.statusCode === 503);
});

test('every operation of every domain held here has a handler (in-process client)', async () => {
  const clients = createClients({});
  const handlers: [string, (input: never) => Promise<unknown>][] = [
    ["a-b.get-all", clients.aB.getAll],
    ["a-b.get_all", clients.aB.getAll2],
    ["a-b.hidden", clients.aB.hidden],
    ["a_b.get", clients.aB2.get],
  ];
  assert.equal(handlers.length, 4);
  for (const [id, handler] of handlers) {
    await assert.rejects(handler({ params: {}, body: {} } as never), (e: unknown) => e instanceof NotImplemented && e.operation === id);
  }
});
