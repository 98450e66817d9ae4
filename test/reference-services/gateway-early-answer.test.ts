// A unit that answers before reading the body (its onRequest hook's 401 to a request without a
// token) must not poison a connection: through the gateway, the next requests on the same client
// and upstream connections are answered at once. Before the fix the third request hung 30 s and
// was reset (the body left half sent upstream). Also: a client gone mid-body, and the streamed
// route (an upload) as well as the parsed (JSON) one. Real HTTP: the gateway in this process, a
// real Fastify upstream.
import { connect } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../reference-services/runtime/gateway.js';
import { pathPattern, type RouteEntry } from '../../src/model/routes.js';

const route = (op: string, path: string, port: number): RouteEntry => ({ op, domain: op.split('.')[0]!, method: 'POST', path, unit: 'u', port, pattern: pathPattern(path), prefix: path, websocket: false });
const BIG = 880_000; // larger than the sockets' buffers: a body nobody reads stalls its writer

let app: FastifyInstance;
let gw: Awaited<ReturnType<typeof startGateway>>;
beforeAll(async () => {
  app = Fastify({ bodyLimit: 2 * 1024 * 1024 });
  app.addContentTypeParser('application/octet-stream', (_req, payload, done) => {
    let n = 0;
    payload.on('data', (c: Buffer) => (n += c.length));
    payload.on('end', () => done(null, { n }));
  });
  app.addHook('onRequest', async (req, reply) => {
    if (!req.headers.authorization) return reply.code(401).send({ error: 'unauthorized' });
  });
  const echo = async (req: { body: unknown }) => ({ n: typeof req.body === 'object' && req.body && 'n' in req.body ? (req.body as { n: number }).n : JSON.stringify(req.body).length });
  app.post('/json', echo);
  app.post('/upload', echo);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  gw = await startGateway({ port: 0, routes: [route('x.json', '/json', port), route('x.upload', '/upload', port)], bodyLimits: { 'x.upload': 10 * 1024 * 1024 } });
});
afterAll(async () => {
  await gw?.close();
  await app?.close();
});

async function post(path: string, type: string, body: string | Buffer, auth?: string) {
  const t0 = Date.now();
  const r = await fetch(`${gw.url}${path}`, { method: 'POST', headers: { 'content-type': type, ...(auth ? { authorization: auth } : {}) }, body, signal: AbortSignal.timeout(5000) });
  return { status: r.status, body: (await r.json()) as { n: number }, ms: Date.now() - t0 };
}

describe.each([
  ['a parsed (JSON) route', '/json', 'application/json', JSON.stringify({ a: 'x'.repeat(BIG) })],
  ['a streamed route (upload)', '/upload', 'application/octet-stream', Buffer.alloc(BIG, 7)],
] as const)('the unit answers before the body: %s', (_name, path, type, body) => {
  it('every request in a row is answered (401 without a token, 200 with one), none hangs', async () => {
    const seen = [];
    for (const auth of [undefined, 'Bearer t', undefined, undefined, 'Bearer t', undefined]) {
      const r = await post(path, type, body, auth);
      seen.push(r.status);
      if (r.status === 200) expect(r.body.n).toBeGreaterThanOrEqual(BIG);
    }
    expect(seen).toEqual([401, 200, 401, 401, 200, 401]);
  });

  it('a client gone mid-body leaves no connection waiting: the next request is answered', async () => {
    const u = new URL(gw.url);
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((res) => {
        const s = connect({ host: u.hostname, port: Number(u.port) }, () => {
          s.write(`POST ${path} HTTP/1.1\r\nhost: ${u.host}\r\nauthorization: Bearer t\r\ncontent-type: ${type}\r\ncontent-length: ${BIG}\r\n\r\n`);
          s.write(Buffer.alloc(BIG / 4, 120));
          setTimeout(() => (s.destroy(), res()), 50);
        });
        s.on('error', () => res());
      });
    }
    const r = await post(path, type, body, 'Bearer t');
    expect([r.status, r.body.n >= BIG]).toEqual([200, true]);
  });
});
