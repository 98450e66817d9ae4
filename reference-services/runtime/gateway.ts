// The layout's API gateway: routes each public operation's path to its unit with the one
// route table (src/model/routes.ts), proxies WebSocket upgrades, adds x-request-id, and
// answers 503 at once when a unit is down. Internal routes (/internal/...) are not in the
// table, so they are never exposed (and units serve them only on their internal listener).
// /health says the gateway process lives; /ready says whether every upstream unit is ready.
// Weights: each route goes to its unit, unless the control plane (`archsim rehearse`) changed
// the route's upstreams on the internal listener (PUT /admin/routes/weights, its service token
// required; gateway-weights.ts): the whole change is one swap of the table, requests already
// forwarded finish where they went, and a request whose upstream refuses the connection (a unit
// not yet or no longer listening) is retried on another upstream of the route when it has no
// body (it never reached the first one, so that is safe whatever the method).
// Which unit answered (x-archsim-upstream) is told only to the control plane: a request whose
// x-archsim-tap header holds the control identity's token of this run (gateway-weights.ts).
// Everyone else gets no unit name, whatever they send; the tap header never reaches a unit, and
// a unit's own x-archsim-upstream never reaches a client.
// Bodies over the route's limit get 413 from the gateway itself, never proxied: declared ones
// at once, streamed ones as soon as the limit is passed; the rest of the body is read and
// discarded (bounded) so the client, still sending, reads the answer instead of a reset.
// A parsed (JSON) body is read whole before it is proxied; only a streamed route's (an upload)
// goes through as it comes.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'undici';
import type { RouteEntry } from '../../src/model/routes.js';
import { HttpError, badRequest, forbidden, notFound } from './errors.js';
import { applyWeights, parseWeightsChange, pickUpstream, TAP_HEADER, UPSTREAM_HEADER, WEIGHTS_LIMITS, type Upstream, type WeightTable } from './gateway-weights.js';
import { drainRefused, JSON_BODY_LIMIT, readBounded } from './limits.js';
import { CONTROL_CALLER, SERVICE_TOKEN_HEADER, ServiceAuth } from './service-auth.js';

const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host']);
/** Request headers that are the gateway's own business, never forwarded. */
const NOT_FORWARDED = new Set([...HOP, TAP_HEADER]);
/** Response headers a unit cannot set for the client (the gateway decides who learns the upstream). */
const NOT_RETURNED = new Set([...HOP, UPSTREAM_HEADER]);
/** A tap token longer than this is not even checked (a service token is about 200 characters). */
const TAP_MAX_CHARS = 2048;

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
  /** Port of the internal (admin) listener (0: any free port); absent: no admin listener. */
  internalPort?: number;
  /** The run's service secret: the admin endpoint takes only the control identity's token signed with it. */
  serviceSecret?: string;
  /** The layout's unit names: their tokens are recognised, and refused (403) by the admin endpoint. */
  units?: string[];
}

/** Connection errors after which the request certainly never reached the upstream. */
const NOT_SENT = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT']);

class BodyTooLarge extends Error {}

export async function startGateway(o: GatewayOptions): Promise<{ url: string; internalUrl?: string; close(): Promise<void> }> {
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
  // Swapped whole on a change (never mutated), so a request reads one consistent table.
  let weights: WeightTable = new Map();
  const upstreamsOf = (r: { op: string; unit: string; port: number }): readonly Upstream[] => weights.get(r.op) ?? [{ unit: r.unit, port: r.port, weight: 100 }];
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

  // Tapped requests (the control plane's load) learn which unit answered; the check is a cache
  // lookup once a token has been verified, and a request without the header pays nothing.
  const tapAuth = o.serviceSecret ? new ServiceAuth(new TextEncoder().encode(o.serviceSecret), 'gateway', new Map([[CONTROL_CALLER, []]]), new Map()) : undefined;
  const tapped = (req: IncomingMessage): Promise<boolean> | false => {
    const h = req.headers[TAP_HEADER];
    if (!tapAuth || typeof h !== 'string' || h.length > TAP_MAX_CHARS) return false;
    return tapAuth.verify(h).then(
      (caller) => caller === CONTROL_CALLER,
      () => false,
    );
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
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !NOT_FORWARDED.has(k)) headers[k] = v;
    const tap = tapped(req);
    headers['x-request-id'] = rid;
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined);
    const limit = o.bodyLimits?.[r.op] ?? o.bodyLimit ?? JSON_BODY_LIMIT;
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    if (hasBody && declared !== undefined && declared > limit) return tooLarge(req, res, rid, limit);
    // A parsed (JSON) body is read whole, within its limit, before anything goes upstream, as
    // nginx does by default (proxy_request_buffering): the unit gets a complete body with its
    // length whatever the client does. Streamed through, a unit that answered before reading it
    // (401 from its onRequest hook) left the body half sent when the client stopped: the next
    // request proxied on that upstream connection, or sent on the client's, hung until the 30-s
    // timeout and then reset.
    const streamed = o.bodyLimits?.[r.op] !== undefined;
    let over = false;
    let body: NodeJS.ReadableStream | Buffer | null = null;
    if (hasBody && !streamed) {
      const read = await readBounded(req, limit);
      if (read === 'over') return tooLarge(req, res, rid, limit);
      if (read === 'gone') return;
      body = read;
    } else if (hasBody) {
      // A streamed route's body (an upload, larger) is passed on as it comes, metered on its way
      // (a chunked one has no Content-Length to refuse up front). It goes through its own stream,
      // so that what the unit leaves unread can be cut off upstream without touching the client's
      // connection (below), and a client gone mid-body aborts it.
      let seen = 0;
      const metered = req.pipe(
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
      req.once('close', () => req.complete || metered.destroy(new Error('client closed mid-body')));
      body = metered;
    }
    const ups = upstreamsOf(r);
    const tried = new Set<number>();
    for (;;) {
      const target = pickUpstream(ups, Math.random(), tried);
      if (!target) return fail(res, 503, 'unavailable', `${r.op}: no upstream available`, rid);
      tried.add(target.port);
      try {
        const up = await pool(target.unit, target.port).request({
          method: req.method as 'GET',
          path: url,
          headers,
          body: body as never,
          headersTimeout: 30_000,
          bodyTimeout: 30_000,
        });
        const out: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !NOT_RETURNED.has(k)) out[k] = v;
        if (tap && (await tap)) out[UPSTREAM_HEADER] = target.unit;
        res.writeHead(up.statusCode, out);
        await pipeline(up.body, res);
        if (hasBody && !req.complete && body && !Buffer.isBuffer(body)) {
          // The unit answered before the whole upload came: its upstream connection waits for the
          // rest, so the body is cut there (undici closes that connection, never reused), and the
          // client's rest is read and dropped (bounded) so its connection serves the next request.
          req.unpipe();
          (body as Transform).destroy(new Error('answered before the body ended'));
          drainRefused(req);
        }
        return;
      } catch (e) {
        // Over the limit while streaming: whatever the upstream made of the cut body, it is a 413.
        if (over) return tooLarge(req, res, rid, limit);
        const code = (e as { code?: string }).code ?? '';
        // Never sent (the unit is not listening): safe to try another upstream of the route.
        if (!hasBody && !res.headersSent && NOT_SENT.has(code) && pickUpstream(ups, 0, tried)) continue;
        fail(res, 503, 'unavailable', `${target.unit} unavailable (${code || (e as Error).message})`, rid);
        if (hasBody && !req.complete) drainRefused(req);
        return;
      }
    }
  });
  server.keepAliveTimeout = 30_000;

  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const r = match('GET', req.url ?? '/');
    if (!r || !r.websocket) return socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    const target = pickUpstream(upstreamsOf(r), Math.random());
    if (!target) return socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    const upstream = connect({ host: hostOf(target.unit), port: target.port, timeout: 1000 });
    upstream.once('connect', () => {
      upstream.setTimeout(0);
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() !== TAP_HEADER) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
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

  const knownOps = new Set(o.routes.map((r) => r.op));
  const admin = o.internalPort !== undefined ? adminServer(o, knownOps, () => weights, (w) => (weights = w), upstreamsOf) : undefined;
  const listen = (s: ReturnType<typeof createServer>, port: number) =>
    new Promise<number>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, host, () => {
        const a = s.address();
        resolve(typeof a === 'object' && a ? a.port : port);
      });
    });
  const internalPort = admin ? await listen(admin, o.internalPort!) : undefined;
  // The bound port (o.port 0 asks the system for a free one, e.g. the platform benchmark).
  const port = await listen(server, o.port);
  return {
    url: `http://${host}:${port}`,
    ...(internalPort !== undefined ? { internalUrl: `http://${host}:${internalPort}` } : {}),
    close: async () => {
      await Promise.all(
        [server, ...(admin ? [admin] : [])].map(
          (s) =>
            new Promise<void>((r) => {
              s.close(() => r());
              s.closeIdleConnections();
            }),
        ),
      );
      server.closeAllConnections();
      await Promise.all([...pools.values()].map((p) => p.close().catch(() => undefined)));
    },
  };
}

/**
 * The internal listener: GET /admin/routes (the current upstreams of every route) and PUT
 * /admin/routes/weights (a change, applied whole or not at all). Every request is authenticated
 * before anything else (401 without a valid service token of this run, 403 for a unit's token:
 * only the control identity may steer traffic), so an unauthenticated caller learns nothing,
 * not even which paths exist, and its body is never parsed.
 */
function adminServer(
  o: GatewayOptions,
  knownOps: ReadonlySet<string>,
  get: () => WeightTable,
  set: (w: WeightTable) => void,
  upstreamsOf: (r: RouteEntry) => readonly Upstream[],
) {
  if (!o.serviceSecret) throw new Error('the gateway\'s admin listener needs the run\'s service secret');
  const names = new Map<string, readonly string[]>([...(o.units ?? []).map((u) => [u, []] as const), [CONTROL_CALLER, []]]);
  const auth = new ServiceAuth(new TextEncoder().encode(o.serviceSecret), 'gateway', names, new Map());
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const readBody = (req: IncomingMessage) =>
    new Promise<unknown>((resolve, reject) => {
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > WEIGHTS_LIMITS.bodyBytes) return reject(new HttpError(413, 'payload_too_large', `body over ${WEIGHTS_LIMITS.bodyBytes} bytes`));
      const chunks: Buffer[] = [];
      let n = 0;
      req.on('data', (c: Buffer) => {
        n += c.length;
        if (n > WEIGHTS_LIMITS.bodyBytes) {
          req.destroy();
          return reject(new HttpError(413, 'payload_too_large', `body over ${WEIGHTS_LIMITS.bodyBytes} bytes`));
        }
        chunks.push(c);
      });
      req.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          reject(badRequest('body is not JSON'));
        }
      });
      req.on('error', reject);
    });
  return createServer(async (req, res) => {
    try {
      const h = req.headers[SERVICE_TOKEN_HEADER];
      const caller = await auth.verify(typeof h === 'string' ? h : undefined);
      if (caller !== CONTROL_CALLER) throw forbidden(`unit ${caller} may not change the gateway's routes`);
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'GET' && path === '/admin/routes') {
        return send(res, 200, { routes: o.routes.map((r) => ({ op: r.op, unit: r.unit, upstreams: upstreamsOf(r) })) });
      }
      if (req.method === 'PUT' && path === '/admin/routes/weights') {
        const change = parseWeightsChange(await readBody(req), knownOps);
        if (!change.ok) throw badRequest(change.message);
        set(applyWeights(get(), change.ops, change.upstreams));
        return send(res, 200, { changed: change.ops, upstreams: change.upstreams });
      }
      throw notFound(`${req.method} ${path}`);
    } catch (e) {
      // Whatever was sent is not read further: the connection closes with the answer.
      res.setHeader('connection', 'close');
      if (e instanceof HttpError) return send(res, e.status, { error: e.code, message: e.message });
      send(res, 500, { error: 'internal', message: 'internal error' });
    }
  });
}
