// The two processes of `calibrate --platform`'s HTTP microbenchmark: a server (fastify, as the
// reference services use) echoing a JSON body, and a client (undici, as the services' internal
// calls and the driver use) sending it. Each reports over IPC; the parent reads the server's CPU
// from /proc and the client reports its own.
import Fastify from 'fastify';
import { Pool } from 'undici';

/** paceMs > 0: one connection, a request every paceMs; 0: `concurrency` connections back to back (one connection: each call's round trip timed too) */
type ClientStart = { type: 'client'; url: string; requests: number; warmup: number; bytes: number; concurrency: number; paceMs: number };

async function server(): Promise<void> {
  const app = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024 });
  app.post('/echo', async (req) => req.body);
  // A handler with a working set (the cold-visit sweep's /work, cold-visit-bench.ts): `n` lookups
  // at random in 20,000 objects (about 4 MB) and a 40-row answer, so a visit after an idle gap
  // reloads a working set as a service's handler does, which a bare echo barely has.
  const rows = Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `user-${i}`, email: `u${i}@example.com`, tags: [i % 7, i % 11, i % 13], score: (i * 7919) % 1000 }));
  const byName = new Map(rows.map((r) => [r.name, r]));
  let seed = 1;
  app.post<{ Querystring: { n?: string } }>('/work', async (req) => {
    const n = Math.min(10_000, Math.max(1, Number(req.query.n) || 1));
    const out: unknown[] = [];
    let sum = 0;
    for (let i = 0; i < n; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const r = byName.get(`user-${seed % 20_000}`)!;
      sum += r.score * r.tags[0]!;
      if (out.length < 40) out.push({ ...r, sum });
    }
    return JSON.parse(JSON.stringify({ out, sum }));
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const a = app.server.address();
  process.send?.({ type: 'ready', port: typeof a === 'object' && a ? a.port : 0 });
}

async function client(m: ClientStart): Promise<void> {
  const pool = new Pool(m.url, { connections: m.concurrency, pipelining: 1 });
  const body = JSON.stringify({ data: 'x'.repeat(Math.max(0, m.bytes - 11)) });
  const one = async () => {
    const r = await pool.request({ path: '/echo', method: 'POST', headers: { 'content-type': 'application/json' }, body });
    JSON.parse(await r.body.text());
  };
  // The calls' own round trips on one connection (request sent to answer read), for the loopback's latency.
  let callMs = 0;
  const paced = async (n: number) => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const wait = t0 + i * m.paceMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const s = performance.now();
      await one();
      callMs += performance.now() - s;
    }
  };
  const run = async (n: number) => {
    if (m.paceMs > 0 || m.concurrency === 1) return paced(n);
    let left = n;
    await Promise.all(Array.from({ length: m.concurrency }, async () => {
      while (left-- > 0) await one();
    }));
  };
  await run(m.warmup);
  callMs = 0;
  process.send?.({ type: 'measure' });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await run(m.requests);
  const c = process.cpuUsage(c0);
  process.send?.({ type: 'done', cpuSeconds: (c.user + c.system) / 1e6, wallSeconds: (performance.now() - t0) / 1000, callSeconds: callMs / 1000 }, () => process.exit(0));
}

const role = process.argv[2];
if (role === 'server') void server();
else process.once('message', (m: ClientStart) => void client(m));
process.on('disconnect', () => process.exit(0));
