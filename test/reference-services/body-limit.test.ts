// Bodies over the limit get 413, every time, at every entry: the monolith's unit, a gateway in
// front of the monolith, and the microservices gateway. Declared (Content-Length) or streamed
// (chunked), JSON routes (1 MiB) and the streamed upload (its own limit), from fetch and from a
// raw socket that keeps sending after the answer: never a 503, never a reset instead of the 413,
// and the connection (or a new one) serves the next request.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLayout, type RunningLayout } from '../../reference-services/launcher/layout.js';
import { api, BLUEPRINT, newUser, type User } from './helpers.js';

const MIB = 1024 * 1024;
const MEDIA_MAX = 256 * 1024;
const TEN_MB = 10 * 1000 * 1000;

/** One request over a raw socket: the whole body is written whatever the server does; the status line is returned. */
function rawPost(url: string, path: string, headers: Record<string, string>, body: Buffer, chunked: boolean): Promise<{ status: number; error?: string }> {
  const u = new URL(url);
  return new Promise((res) => {
    const s = connect({ host: u.hostname, port: Number(u.port) });
    let got = '';
    let done = false;
    const finish = (r: { status: number; error?: string }) => {
      if (done) return;
      done = true;
      s.destroy();
      res(r);
    };
    s.on('data', (d) => {
      got += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(got);
      if (m && got.includes('\r\n\r\n')) finish({ status: Number(m[1]) });
    });
    s.on('error', (e) => finish({ status: 0, error: (e as NodeJS.ErrnoException).code ?? e.message }));
    s.on('close', () => finish({ status: 0, error: 'closed without an answer' }));
    s.setTimeout(30_000, () => finish({ status: 0, error: 'timeout' }));
    s.on('connect', () => {
      const h = Object.entries({ host: u.host, ...headers, ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(body.length) }) })
        .map(([k, v]) => `${k}: ${v}`)
        .join('\r\n');
      s.write(`POST ${path} HTTP/1.1\r\n${h}\r\n\r\n`);
      const step = 256 * 1024;
      for (let i = 0; i < body.length; i += step) {
        const part = body.subarray(i, i + step);
        s.write(chunked ? Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n')]) : part);
      }
      if (chunked) s.write('0\r\n\r\n');
    });
  });
}

describe.each([
  ['monolith (its unit)', 'monolith', 18500, false],
  ['monolith behind a gateway', 'monolith', 18550, true],
  ['microservices (gateway)', 'microservices', 18600, false],
] as const)('body limits: %s', (_name, layout, portOffset, withGateway) => {
  let L: RunningLayout;
  let user: User;
  beforeAll(async () => {
    L = await startLayout(BLUEPRINT, layout, { portOffset, logLevel: 'warn', durable: false, mediaMaxBytes: MEDIA_MAX, ...(withGateway ? { gatewayPort: 8090 + portOffset } : {}) });
    user = await newUser(api(L.gatewayUrl), 'big');
  }, 180_000);
  afterAll(async () => {
    await L?.stop();
  });

  it('a 10 MB JSON body gets 413 every time, declared or streamed, from fetch and from a raw socket', { timeout: 180_000 }, async () => {
    const json = Buffer.alloc(TEN_MB, 0x20);
    json[0] = 0x7b; // "{      …" (never parsed: over the limit first)
    const headers = { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${L.gatewayUrl}/api/v1/groups`, { method: 'POST', headers, body: json, signal: AbortSignal.timeout(30_000) });
      statuses.push(r.status);
      if (r.status === 413) expect(((await r.json()) as { error: string }).error).toMatch(/too_large|TOO_LARGE/i);
      else await r.body?.cancel();
      const stream = new ReadableStream({
        start(c) {
          for (let k = 0; k < 4; k++) c.enqueue(new Uint8Array(MIB / 2 + 1));
          c.close();
        },
      });
      const s = await fetch(`${L.gatewayUrl}/api/v1/groups`, { method: 'POST', headers, body: stream, duplex: 'half', signal: AbortSignal.timeout(30_000) } as RequestInit);
      statuses.push(s.status);
      await s.body?.cancel();
      for (const chunked of [false, true]) statuses.push((await rawPost(L.gatewayUrl, '/api/v1/groups', headers, json, chunked)).status);
    }
    expect(statuses).toEqual(statuses.map(() => 413));
    // The entry still serves.
    expect((await api(L.gatewayUrl)('GET', '/api/v1/groups', { token: user.token })).status).toBe(200);
  });

  it('an upload over its own limit gets 413 every time (declared or streamed), one under it is stored', { timeout: 180_000 }, async () => {
    const headers = { authorization: `Bearer ${user.token}`, 'content-type': 'application/octet-stream' };
    const big = Buffer.alloc(TEN_MB, 1);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${L.gatewayUrl}/api/v1/media/upload`, { method: 'POST', headers, body: big, signal: AbortSignal.timeout(30_000) });
      statuses.push(r.status);
      await r.body?.cancel();
      for (const chunked of [false, true]) statuses.push((await rawPost(L.gatewayUrl, '/api/v1/media/upload', headers, big, chunked)).status);
    }
    expect(statuses).toEqual(statuses.map(() => 413));
    const ok = await fetch(`${L.gatewayUrl}/api/v1/media/upload`, { method: 'POST', headers, body: Buffer.alloc(MEDIA_MAX, 2) });
    expect(ok.status).toBe(201);
  });
});
