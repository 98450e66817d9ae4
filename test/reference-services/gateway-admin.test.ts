// The gateway's runtime weights: the admin endpoint on its internal listener changes a route's
// upstreams in one step, only for the control identity's service token; hostile callers (no
// token, a forged or expired one, a unit's own token, the public listener, bad bodies) change
// nothing. Real HTTP: the gateway in this process, two real upstream servers naming themselves.
import { createServer, type Server } from 'node:http';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../reference-services/runtime/gateway.js';
import { applyWeights, parseWeightsChange, pickUpstream, TAP_HEADER, UPSTREAM_HEADER } from '../../reference-services/runtime/gateway-weights.js';
import { CONTROL_CALLER, SERVICE_AUDIENCE, SERVICE_TOKEN_HEADER, ServiceAuth } from '../../reference-services/runtime/service-auth.js';
import { pathPattern, type RouteEntry } from '../../src/model/routes.js';
import { gatewayControl } from '../../reference-services/launcher/gateway-control.js';

const SECRET = 'a'.repeat(64);
const route = (op: string, method: string, path: string, unit: string, port: number): RouteEntry => ({ op, domain: op.split('.')[0]!, method, path, unit, port, pattern: pathPattern(path), prefix: path, websocket: false });
const ROUTES = [route('relay.fetch', 'GET', '/api/v1/relay', 'old', 18411), route('users.me', 'GET', '/api/v1/me', 'old', 18411)];

let servers: Server[] = [];
let gw: Awaited<ReturnType<typeof startGateway>>;
/** Request headers each upstream received, last first (the tap header must never arrive). */
const received: Record<string, string | string[] | undefined>[] = [];
const named = (name: string, port: number) =>
  new Promise<Server>((res) => {
    const s = createServer((req, r) => {
      received.unshift(req.headers);
      received.length = Math.min(received.length, 50);
      // A unit naming itself (or anyone) in the gateway's header: the client must not get it.
      r.setHeader(UPSTREAM_HEADER, `spoofed-by-${name}`);
      r.end(name);
    });
    s.listen(port, '127.0.0.1', () => res(s));
  });

beforeAll(async () => {
  servers = [await named('old', 18411), await named('new', 18412)];
  gw = await startGateway({ port: 18410, routes: ROUTES, internalPort: 0, serviceSecret: SECRET, units: ['old', 'new'] });
});
afterAll(async () => {
  await gw?.close();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

/** The control plane's tap header (what the rehearsal's load sends). */
const tap = async () => (await gatewayControl(gw.internalUrl!, SECRET).tapHeaders()) as Record<string, string>;

/** Who served n requests of a route through the public listener (asked as the control plane). */
async function served(path: string, n = 40): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const headers = await tap();
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${gw.url}${path}`, { headers });
    const t = await res.text();
    // The gateway names the unit that answered (a canary's latencies are told apart by it).
    expect(res.headers.get(UPSTREAM_HEADER)).toBe(t);
    out[t] = (out[t] ?? 0) + 1;
  }
  return out;
}

const sign = (sub: string, secret = SECRET, exp: number | string = '5m', extra: Record<string, unknown> = { typ: 'service' }) =>
  new SignJWT(extra).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setAudience(SERVICE_AUDIENCE).setIssuedAt(typeof exp === 'number' ? exp - 300 : undefined).setExpirationTime(exp).sign(new TextEncoder().encode(secret));

const change = { ops: ['relay.fetch'], upstreams: [{ unit: 'new', port: 18412, weight: 100 }] };
const put = (token: string | undefined, body: unknown = change, url = `${gw.internalUrl}/admin/routes/weights`) =>
  fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json', ...(token !== undefined ? { [SERVICE_TOKEN_HEADER]: token } : {}) }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('gateway admin endpoint: hostile callers change nothing', () => {
  it('refuses a caller without a token, with a forged, expired, wrong-audience or unsigned token (401), and a unit (403)', async () => {
    const forged = await sign(CONTROL_CALLER, 'not-the-secret-of-this-run');
    const expired = await sign(CONTROL_CALLER, SECRET, Math.floor(Date.now() / 1000) - 60);
    const notService = await sign(CONTROL_CALLER, SECRET, '5m', { typ: 'access' });
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: CONTROL_CALLER, typ: 'service', aud: SERVICE_AUDIENCE })).toString('base64url')}.`;
    const unitToken = await new ServiceAuth(new TextEncoder().encode(SECRET), 'old', new Map(), new Map()).token();
    const cases: [string | undefined, number][] = [
      [undefined, 401],
      ['', 401],
      ['not.a.jwt', 401],
      [forged, 401],
      [expired, 401],
      [notService, 401],
      [none, 401],
      [await sign('stranger'), 401],
      [unitToken, 403],
    ];
    for (const [token, status] of cases) {
      const r = await put(token);
      expect(r.status, `token ${String(token).slice(0, 20)}`).toBe(status);
      expect(await r.text()).not.toContain('upstreams');
    }
    // Reading the table needs the token too.
    expect((await fetch(`${gw.internalUrl}/admin/routes`)).status).toBe(401);
    expect((await fetch(`${gw.internalUrl}/no-such-path`)).status).toBe(401);
    expect(await served('/api/v1/relay', 20)).toEqual({ old: 20 });
  });

  it('is not on the public listener', async () => {
    const token = await new ServiceAuth(new TextEncoder().encode(SECRET), CONTROL_CALLER, new Map(), new Map()).token();
    const r = await put(token, change, `${gw.url}/admin/routes/weights`);
    expect(r.status).toBe(404);
    expect(await served('/api/v1/relay', 20)).toEqual({ old: 20 });
  });

  it('refuses a bad change with 400 and applies none of it', async () => {
    const token = await new ServiceAuth(new TextEncoder().encode(SECRET), CONTROL_CALLER, new Map(), new Map()).token();
    const bad: unknown[] = [
      '{not json',
      [],
      { ops: ['relay.fetch', 'no.such-route'], upstreams: change.upstreams },
      { ops: ['relay.fetch'], upstreams: [{ unit: 'new', port: 18412, weight: 0 }] },
      { ops: ['relay.fetch'], upstreams: [{ unit: 'new', port: 70000, weight: 10 }] },
      { ops: ['relay.fetch'], upstreams: [{ unit: '../etc', port: 18412, weight: 10 }] },
      { ops: ['relay.fetch'], upstreams: [{ unit: 'new', port: 18412, weight: 1.5 }] },
      { ops: ['relay.fetch'], upstreams: [{ unit: 'new', port: 18412, weight: 10, host: 'evil.example' }] },
      { ops: ['relay.fetch'], upstreams: change.upstreams, extra: 1 },
      { ops: ['relay.fetch'], upstreams: Array.from({ length: 17 }, (_, i) => ({ unit: `u${i}`, port: 20000 + i, weight: 1 })) },
    ];
    for (const b of bad) expect((await put(token, b)).status, JSON.stringify(b).slice(0, 80)).toBe(400);
    expect((await put(token, 'x'.repeat(70 * 1024))).status).toBe(413);
    expect(await served('/api/v1/relay', 20)).toEqual({ old: 20 });
  });
});

describe('gateway: which unit answered is the control plane\'s to know', () => {
  it('tells a normal client, and anyone sending a tap header that is not the control identity\'s token, no unit name', async () => {
    const forged = await sign(CONTROL_CALLER, 'not-the-secret-of-this-run');
    const expired = await sign(CONTROL_CALLER, SECRET, Math.floor(Date.now() / 1000) - 60);
    const notService = await sign(CONTROL_CALLER, SECRET, '5m', { typ: 'access' });
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: CONTROL_CALLER, typ: 'service', aud: SERVICE_AUDIENCE })).toString('base64url')}.`;
    const unitToken = await new ServiceAuth(new TextEncoder().encode(SECRET), 'old', new Map(), new Map()).token();
    const valid = (await tap())[TAP_HEADER]!;
    const attempts: (Record<string, string> | undefined)[] = [
      undefined,
      { [TAP_HEADER]: '' },
      { [TAP_HEADER]: '1' },
      { [TAP_HEADER]: 'not.a.jwt' },
      { [TAP_HEADER]: forged },
      { [TAP_HEADER]: expired },
      { [TAP_HEADER]: notService },
      { [TAP_HEADER]: none },
      { [TAP_HEADER]: await sign('stranger') },
      { [TAP_HEADER]: unitToken },
      // The real token, but not where the gateway looks for it, or padded past the bound.
      { [SERVICE_TOKEN_HEADER]: valid },
      { authorization: `Bearer ${valid}` },
      { [TAP_HEADER]: `${valid}${' '.repeat(3000)}x` },
    ];
    for (const headers of attempts) {
      for (const path of ['/api/v1/relay', '/api/v1/me']) {
        const res = await fetch(`${gw.url}${path}`, headers ? { headers } : {});
        expect(res.status).toBe(200);
        expect(await res.text()).toMatch(/^(old|new)$/);
        // Neither the gateway's name for the unit nor the one the unit tried to set.
        expect(res.headers.get(UPSTREAM_HEADER), `${path} with ${JSON.stringify(headers)?.slice(0, 60)}`).toBeNull();
        expect([...res.headers.keys()].filter((k) => k.startsWith('x-archsim'))).toEqual([]);
      }
    }
  });

  it('names the unit to the control identity, and never forwards its tap token to the unit', async () => {
    const headers = await tap();
    const res = await fetch(`${gw.url}/api/v1/me`, { headers });
    const body = await res.text();
    expect(res.headers.get(UPSTREAM_HEADER)).toBe(body);
    expect(received[0]?.[TAP_HEADER]).toBeUndefined();
    expect(JSON.stringify(received[0])).not.toContain(headers[TAP_HEADER]!);
    // A forged one is not forwarded either.
    await fetch(`${gw.url}/api/v1/me`, { headers: { [TAP_HEADER]: 'not.a.jwt' } }).then((r) => r.text());
    expect(received[0]?.[TAP_HEADER]).toBeUndefined();
  });
});

describe('gateway admin endpoint: the control plane shifts weights', () => {
  it('moves a route 0 → 50 → 100% to the new unit and leaves the other routes alone', async () => {
    const c = gatewayControl(gw.internalUrl!, SECRET);
    await c.setWeights(['relay.fetch'], [
      { unit: 'new', port: 18412, weight: 50 },
      { unit: 'old', port: 18411, weight: 50 },
    ]);
    const half = await served('/api/v1/relay', 200);
    // Binomial(200, 0.5): 60..140 holds with probability 1 - 1e-8.
    expect(half.new).toBeGreaterThan(60);
    expect(half.old).toBeGreaterThan(60);
    await c.setWeights(['relay.fetch'], [
      { unit: 'new', port: 18412, weight: 100 },
      { unit: 'old', port: 18411, weight: 0 },
    ]);
    expect(await served('/api/v1/relay')).toEqual({ new: 40 });
    expect(await served('/api/v1/me')).toEqual({ old: 40 });
    const table = await c.routes();
    expect(table.find((r) => r.op === 'relay.fetch')!.upstreams).toEqual([
      { unit: 'new', port: 18412, weight: 100 },
      { unit: 'old', port: 18411, weight: 0 },
    ]);
    // Rollback: everything back to the old unit.
    await c.setWeights(['relay.fetch'], [{ unit: 'old', port: 18411, weight: 100 }]);
    expect(await served('/api/v1/relay')).toEqual({ old: 40 });
  });

  it('retries a body-less request on another upstream when the chosen one refuses the connection', async () => {
    const c = gatewayControl(gw.internalUrl!, SECRET);
    // 18413: nothing listens there (a unit not started yet, or gone).
    await c.setWeights(['users.me'], [
      { unit: 'gone', port: 18413, weight: 90 },
      { unit: 'old', port: 18411, weight: 10 },
    ]);
    expect(await served('/api/v1/me')).toEqual({ old: 40 });
    await c.setWeights(['users.me'], [{ unit: 'old', port: 18411, weight: 100 }]);
  });
});

describe('gateway weights (pure)', () => {
  const ops = new Set(['a.x', 'a.y']);
  it('picks by weight, skipping weight 0 and excluded ports', () => {
    const ups = [
      { unit: 'a', port: 1, weight: 10 },
      { unit: 'b', port: 2, weight: 0 },
      { unit: 'c', port: 3, weight: 30 },
    ];
    expect(pickUpstream(ups, 0)!.unit).toBe('a');
    expect(pickUpstream(ups, 0.2499)!.unit).toBe('a');
    expect(pickUpstream(ups, 0.25)!.unit).toBe('c');
    expect(pickUpstream(ups, 0.9999)!.unit).toBe('c');
    expect(pickUpstream(ups, 0.1, new Set([1]))!.unit).toBe('c');
    expect(pickUpstream(ups, 0.1, new Set([1, 3]))).toBeUndefined();
  });
  it('applies a change to a copy', () => {
    const before = new Map();
    const after = applyWeights(before, ['a.x'], [{ unit: 'n', port: 5, weight: 1 }]);
    expect(before.size).toBe(0);
    expect(after.get('a.x')).toEqual([{ unit: 'n', port: 5, weight: 1 }]);
  });
  it('parses a change, naming the first problem', () => {
    expect(parseWeightsChange({ ops: ['a.x'], upstreams: [{ unit: 'n', port: 5, weight: 1 }] }, ops)).toEqual({ ok: true, ops: ['a.x'], upstreams: [{ unit: 'n', port: 5, weight: 1 }] });
    expect(parseWeightsChange({ ops: ['a.x', 'a.x'], upstreams: [{ unit: 'n', port: 5, weight: 1 }] }, ops)).toMatchObject({ ok: false, message: expect.stringContaining('twice') });
    expect(parseWeightsChange({ ops: ['a.x'], upstreams: [{ unit: 'n', port: 5, weight: 1 }, { unit: 'm', port: 5, weight: 1 }] }, ops)).toMatchObject({ ok: false });
    expect(parseWeightsChange({ ops: [], upstreams: [] }, ops)).toMatchObject({ ok: false, message: expect.stringContaining('ops') });
  });
});
