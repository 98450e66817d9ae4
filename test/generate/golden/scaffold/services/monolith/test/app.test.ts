// monolith: the probes answer, the metrics are exported, every route is wired.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../src/app.js';

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
  const samples: { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS'; url: string; body: boolean }[] = [{"method":"GET","url":"/api/v1/messages/conversation/1","body":false},{"method":"GET","url":"/api/v1/invitations/verify/1","body":false},{"method":"POST","url":"/api/v1/groups/1/messages","body":true},{"method":"POST","url":"/api/v1/groups/1/members","body":true},{"method":"PUT","url":"/api/v1/messages/1/read","body":true},{"method":"POST","url":"/api/v1/notifications/email","body":true},{"method":"POST","url":"/api/v1/notifications/push","body":true},{"method":"POST","url":"/api/v1/invitations/send","body":true},{"method":"POST","url":"/api/v1/auth/register","body":true},{"method":"POST","url":"/api/v1/messages/send","body":true},{"method":"POST","url":"/api/v1/auth/refresh","body":true},{"method":"POST","url":"/api/v1/media/upload","body":true},{"method":"GET","url":"/api/v1/users/search","body":false},{"method":"POST","url":"/api/v1/auth/logout","body":true},{"method":"POST","url":"/api/v1/auth/login","body":true},{"method":"GET","url":"/api/v1/auth/me","body":false},{"method":"DELETE","url":"/api/v1/messages/1","body":false},{"method":"DELETE","url":"/api/v1/groups/1","body":false},{"method":"GET","url":"/api/v1/groups/1","body":false},{"method":"DELETE","url":"/api/v1/media/1","body":false},{"method":"GET","url":"/api/v1/media/1","body":false},{"method":"GET","url":"/api/v1/users/1","body":false},{"method":"PUT","url":"/api/v1/users/1","body":true},{"method":"GET","url":"/api/v1/contacts","body":false},{"method":"POST","url":"/api/v1/contacts","body":true},{"method":"GET","url":"/api/v1/groups","body":false},{"method":"POST","url":"/api/v1/groups","body":true},{"method":"GET","url":"/ws","body":false},{"method":"POST","url":"/internal/auth/verify-token","body":true}];
  for (const s of samples) {
    const res = await app.inject({ method: s.method, url: s.url, ...(s.body ? { payload: {} } : {}) });
    assert.equal(res.statusCode, 501, `${s.method} ${s.url}`);
  }
  await app.close();
});

test('request validation rejects a body that is not a JSON object', async () => {
  const app = buildApp();
  const res = await app.inject({ method: "POST", url: "/api/v1/groups/1/messages", payload: '"text"', headers: { 'content-type': 'application/json' } });
  assert.equal(res.statusCode, 400);
  await app.close();
});
