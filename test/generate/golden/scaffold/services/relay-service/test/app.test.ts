// relay-service: the probes answer, the metrics are exported, every route is wired.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../src/app.js';

test('GET /health answers 200', async () => {
  const app = buildApp();
  const res = await app.inject({ method: 'GET', url: '/health' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().service, "relay-service");
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
  const samples: { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS'; url: string; body: boolean }[] = [{"method":"GET","url":"/api/v1/relay/pending/1","body":false},{"method":"POST","url":"/api/v1/relay/queue","body":true},{"method":"DELETE","url":"/api/v1/relay/1","body":false}];
  for (const s of samples) {
    const res = await app.inject({ method: s.method, url: s.url, ...(s.body ? { payload: {} } : {}) });
    assert.equal(res.statusCode, 501, `${s.method} ${s.url}`);
  }
  await app.close();
});

test('request validation rejects a body that is not a JSON object', async () => {
  const app = buildApp();
  const res = await app.inject({ method: "POST", url: "/api/v1/relay/queue", payload: '"text"', headers: { 'content-type': 'application/json' } });
  assert.equal(res.statusCode, 400);
  await app.close();
});
