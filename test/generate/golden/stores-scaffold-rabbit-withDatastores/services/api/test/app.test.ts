// api: the probes answer, the metrics are exported, every route is wired, every
// operation of every domain it holds has a handler, internal endpoints refuse a caller without
// the service token, and the HTTP client speaks the internal protocol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { buildApp } from '../src/app.js';
import { createClients } from '../src/clients.js';
import { NotImplemented, RemoteError } from '../src/errors.js';
import { httpClient } from '../src/remote.js';
import { ROUTES } from '../src/routes.js';

const TOKEN = randomUUID();

test('GET /health answers 200', async () => {
  const app = buildApp({ env: {} });
  const res = await app.inject({ method: 'GET', url: '/health' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().service, "api");
  await app.close();
});

test('GET /ready answers 200 and /metrics exports the request histogram', async () => {
  const app = buildApp({ env: {} });
  assert.equal((await app.inject({ method: 'GET', url: '/ready' })).statusCode, 200);
  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(metrics.statusCode, 200);
  assert.match(metrics.body, /http_request_duration_seconds_bucket/);
  await app.close();
});

test('every route is registered and answers 501 until implemented', async () => {
  const app = buildApp({ env: { SERVICE_TOKEN: TOKEN } });
  for (const r of ROUTES) {
    const url = r.url.replace(/:[^/]+/g, '1');
    const withBody = r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH';
    const headers = r.internal ? { 'x-service-token': TOKEN } : {};
    const res = await app.inject({ method: r.method as 'GET', url, headers, ...(withBody ? { payload: {} } : {}) });
    assert.equal(res.statusCode, 501, `${r.method} ${url}`);
    assert.equal(res.json().operation, r.operation);
  }
  await app.close();
});

test('every operation of every domain held here has a handler (in-process client)', async () => {
  const clients = createClients({});
  const handlers: [string, (input: never) => Promise<unknown>][] = [
    ["api.list", clients.api.list],
    ["api.item", clients.api.item],
    ["api.exact", clients.api.exact],
  ];
  assert.equal(handlers.length, 3);
  for (const [id, handler] of handlers) {
    await assert.rejects(handler({ params: {}, body: {} } as never), (e: unknown) => e instanceof NotImplemented && e.operation === id);
  }
});

test('the HTTP client posts the operation with the service token and maps failures', async () => {
  const seen: { url?: string; token?: string; body?: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ url: req.url, token: String(req.headers['x-service-token']), body });
      res.writeHead(req.url?.endsWith('/fail') ? 500 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  try {
    const client = httpClient<{ get(i: object): Promise<unknown>; fail(i: object): Promise<unknown> }>(`http://127.0.0.1:${port}/`, 'some-domain', [['get', 'get'], ['fail', 'fail']], TOKEN);
    assert.deepEqual(await client.get({ params: {}, body: { a: 1 } }), { ok: true });
    assert.deepEqual(seen[0], { url: '/internal/some-domain/get', token: TOKEN, body: '{"params":{},"body":{"a":1}}' });
    await assert.rejects(client.fail({}), (e: unknown) => e instanceof RemoteError && e.statusCode === 502);
  } finally {
    server.closeAllConnections();
    server.close();
  }
  const down = httpClient<{ get(i: object): Promise<unknown> }>(`http://127.0.0.1:${port}`, 'd', [['get', 'get']], TOKEN, 1000);
  await assert.rejects(down.get({}), (e: unknown) => e instanceof RemoteError && e.statusCode === 503);
});
