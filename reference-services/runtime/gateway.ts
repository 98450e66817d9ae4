// The layout's API gateway: routes each public operation's path to its unit with the one
// route table (src/model/routes.ts), proxies WebSocket upgrades, adds x-request-id, and
// answers 503 at once when a unit is down. Internal routes (/internal/...) are not in the
// table, so they are never exposed (and units serve them only on their internal listener).
// /health says the gateway process lives; /ready says whether every upstream unit is ready.
// Bodies over the route's limit get 413 from the gateway itself, never proxied: declared ones
// at once, streamed ones as soon as the limit is passed; the rest of the body is read and
// discarded (bounded) so the client, still sending, reads the answer instead of a reset.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'undici';
import type { RouteEntry } from '../../src/model/routes.js';
import { drainRefused, JSON_BODY_LIMIT } from './limits.js';

const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host']);

export interface GatewayOptions {
  port: number;
  host?: string;
  routes: RouteEntry[];
  /** Origins of the units behind the gateway (their public /ready is what /ready reflects). */
  upstreams?: string[];
  /**
   * Host of each unit (by name) when the units are not on this host's loopback: in containers,
   * each unit is its own host on the project's network. Default 127.0.0.1.
   */
  unitHosts?: Record<string, string>;
  /** Body limit of every route (default JSON_BODY_LIMIT) … */
  bodyLimit?: number;
  /** … except these operations' ("domain.op"), e.g. streamed uploads (limits.ts). */
  bodyLimits?: Record<string, number>;
}

class BodyTooLarge extends Error {}

export function startGateway(o: GatewayOptions) {
  const host = o.host ?? '127.0.0.1';
  const table = o.routes.map((r) => ({ ...r, re: new RegExp(r.pattern) }));
  const pools = new Map<string, Pool>();
  const hostOf = (unit: string) => o.unitHosts?.[unit] ?? '127.0.0.1';
  const pool = (unit: string, port: number) => {
    const origin = `http://${hostOf(unit)}:${port}`;
    let p = pools.get(origin);
    if (!p) pools.set(origin, (p = new Pool(origin, { connections: 128, keepAliveTimeout: 30_000, connect: { timeout: 1000 } })));
    return p;
  };
  const match = (method: string, url: string) => {
    const path = url.split('?')[0]!;
    return table.find((r) => (r.method === method || (r.websocket && method === 'GET')) && r.re.test(path));
  };
  const fail = (res: ServerResponse, status: number, error: string, message: string, rid: string, extra: Record<string, string> = {}) => {
    if (res.headersSent) return res.destroy();
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': rid, ...extra });
    res.end(JSON.stringify({ error, message }));
  };
  /**
   * 413, and the rest of the body read and dropped up to DRAIN_MAX_BYTES (the connection then
   * stays usable); a body declared larger than that is not read: the connection closes.
   */
  const tooLarge = (req: IncomingMessage, res: ServerResponse, rid: string, limit: number) => {
    const drained = drainRefused(req);
    fail(res, 413, 'payload_too_large', `request body over ${limit} bytes`, rid, drained ? {} : { connection: 'close' });
  };

  // Readiness of the upstreams, checked at most every 500 ms whatever the probe rate.
  let readyCache: { at: number; ok: Promise<boolean> } | undefined;
  const upstreamsReady = () => {
    if (readyCache && Date.now() - readyCache.at < 500) return readyCache.ok;
    const ok = Promise.all(
      (o.upstreams ?? []).map((u) =>
        fetch(`${u}/ready`, { signal: AbortSignal.timeout(1000) }).then(
          (r) => (void r.body?.cancel(), r.ok),
          () => false,
        ),
      ),
    ).then((all) => all.every(Boolean));
    readyCache = { at: Date.now(), ok };
    return ok;
  };

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const rid = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
    const url = req.url ?? '/';
    if (url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ status: 'ok' }));
    }
    if (url === '/ready') {
      const ok = await upstreamsReady();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ ready: ok }));
    }
    const r = match(req.method ?? 'GET', url);
    if (!r) return fail(res, 404, 'not_found', `no route ${req.method} ${url.split('?')[0]}`, rid);
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP.has(k)) headers[k] = v;
    headers['x-request-id'] = rid;
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined);
    const limit = o.bodyLimits?.[r.op] ?? o.bodyLimit ?? JSON_BODY_LIMIT;
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    if (hasBody && declared !== undefined && declared > limit) return tooLarge(req, res, rid, limit);
    // A streamed body (no Content-Length) is metered on its way through.
    let over = false;
    let body: NodeJS.ReadableStream | null = hasBody ? req : null;
    if (hasBody && declared === undefined) {
      let seen = 0;
      body = req.pipe(
        new Transform({
          transform(chunk: Buffer, _enc, cb) {
            seen += chunk.length;
            if (seen > limit) {
              over = true;
              return cb(new BodyTooLarge(`request body over ${limit} bytes`));
            }
            cb(null, chunk);
          },
        }),
      );
    }
    try {
      const up = await pool(r.unit, r.port).request({
        method: req.method as 'GET',
        path: url,
        headers,
        body: body as never,
        headersTimeout: 30_000,
        bodyTimeout: 30_000,
      });
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !HOP.has(k)) out[k] = v;
      res.writeHead(up.statusCode, out);
      await pipeline(up.body, res);
    } catch (e) {
      // Over the limit while streaming: whatever the upstream made of the cut body, it is a 413.
      if (over) return tooLarge(req, res, rid, limit);
      const code = (e as { code?: string }).code ?? '';
      fail(res, 503, 'unavailable', `${r.unit} unavailable (${code || (e as Error).message})`, rid);
      if (hasBody) req.resume();
    }
  });
  server.keepAliveTimeout = 30_000;

  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const r = match('GET', req.url ?? '/');
    if (!r || !r.websocket) return socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    const upstream = connect({ host: hostOf(r.unit), port: r.port, timeout: 1000 });
    upstream.once('connect', () => {
      upstream.setTimeout(0);
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      if (!req.headers['x-request-id']) lines.push(`x-request-id: ${randomUUID()}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    const bad = () => socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    upstream.once('timeout', () => (upstream.destroy(), bad()));
    upstream.once('error', () => (socket.writable ? bad() : socket.destroy()));
    socket.on('error', () => upstream.destroy());
  });

  return new Promise<{ url: string; close(): Promise<void> }>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, host, () =>
      resolve({
        // The bound port (o.port 0 asks the system for a free one, e.g. the platform benchmark).
        url: `http://${host}:${(server.address() as { port: number } | null)?.port ?? o.port}`,
        close: async () => {
          await new Promise<void>((r) => server.close(() => r()));
          server.closeAllConnections();
          await Promise.all([...pools.values()].map((p) => p.close().catch(() => undefined)));
        },
      }),
    );
  });
}
