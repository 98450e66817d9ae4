// Setup requests that got no answer because their connection failed are sent again: a kept-alive
// connection the server closed as a top-up login went out ("fetch failed") ended a validate-model
// run in CI. An answer, whatever its status, is never sent again; nor is a connection that keeps
// failing, past SETUP_TRANSPORT_TRIES (then the error says why).
import { createServer, type Server } from 'node:http';
import { afterEach, expect, it } from 'vitest';
import { sendAll, SETUP_TRANSPORT_TRIES } from '../../src/loadtest/scenarios/profile.js';

let server: Server | undefined;
afterEach(() => void server?.close());

/** A server that resets the connection of its first `resets` requests, then answers `status`. */
async function flaky(resets: number, status = 200): Promise<{ url: string; seen: () => number }> {
  let n = 0;
  server = createServer((req, res) => {
    n++;
    if (n <= resets) return req.socket.destroy();
    res.writeHead(status, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen: () => n };
}

const login = { method: 'POST', path: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, body: '{}' };

it('a reset connection is tried again, and the answer kept', async () => {
  const s = await flaky(SETUP_TRANSPORT_TRIES - 1);
  const [r] = await sendAll([login], s.url, 1);
  expect(r).toEqual({ status: 200, body: '{"ok":true}' });
  expect(s.seen()).toBe(SETUP_TRANSPORT_TRIES);
});

it('past the tries: status 0 and why, each try sent once', async () => {
  const s = await flaky(99);
  const [r] = await sendAll([login], s.url, 1);
  expect(r!.status).toBe(0);
  expect(r!.error).toMatch(/^fetch failed \(.+\)$/);
  expect(s.seen()).toBe(SETUP_TRANSPORT_TRIES);
});

it('an answer is never sent again, a 500 included', async () => {
  const s = await flaky(0, 500);
  const [r] = await sendAll([login], s.url, 1);
  expect(r!.status).toBe(500);
  expect(s.seen()).toBe(1);
});
