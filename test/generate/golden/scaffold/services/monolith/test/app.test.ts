// monolith: the probes answer, the metrics are exported, every route is wired.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../src/app.js';
import { ROUTES } from '../src/routes.js';

test('GET /health answers 200', async () => {
  const app = buildApp();
  const res = await app.inject({ method: 'GET', url: '/health' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().service, "monolith");
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
    assert.equal(res.statusCode, 501, `${r.method} ${url}`);
  }
  await app.close();
});

test('request validation rejects a body that is not a JSON object', async () => {
  const app = buildApp();
  const res = await app.inject({ method: "POST", url: "/api/v1/groups/1/messages", payload: '"text"', headers: { 'content-type': 'application/json' } });
  assert.equal(res.statusCode, 400);
  await app.close();
});
