// Is a cold visit's extra CPU fixed, or does it grow with the handler's working set? (issue 12)
// `node scripts/cold-visit-work.mjs client`: a fastify server with a bare echo and handlers that
// touch a 20,000-object (about 4 MB) structure 100, 400 or 1,600 times, each warmed with 3,000
// calls, then the server main thread's CPU per call (schedstat) back to back and at paces of
// 2-150 ms. Recorded in reports/BENCHMARKS.md (2026-12-01 session 5).
// `--touches 100,400,1600,6400,25600` sets the handlers (default 100,400,1600): the larger ones
// reach the milliseconds of work per visit a monolith's handlers do (2026-12-06 session 33).
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
const role = process.argv[2];
if (role === 'server') {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false });
  // a working set: 20,000 objects (~4 MB), touched at random, plus JSON of a 40-item answer
  const rows = Array.from({ length: 20000 }, (_, i) => ({ id: i, name: `user-${i}`, email: `u${i}@example.com`, tags: [i % 7, i % 11, i % 13], score: Math.random() }));
  const idx = new Map(rows.map((r) => [r.name, r]));
  let seed = 1;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
  app.post('/echo', async (req) => req.body);
  app.post('/work', async (req) => {
    const n = Number(req.query.n ?? 200);
    const out = [];
    let s = 0;
    for (let i = 0; i < n; i++) {
      const r = idx.get(`user-${rnd() % 20000}`);
      s += r.score * r.tags[0];
      if (out.length < 40) out.push({ ...r, s });
    }
    return JSON.parse(JSON.stringify({ out, s }));
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  process.send({ port: app.server.address().port });
} else {
  const { Pool } = await import('undici');
  const srv = fork(new URL(import.meta.url).pathname, ['server'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise((r) => srv.once('message', (m) => r(m.port)));
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 1 });
  const cpu = () => Number(readFileSync(`/proc/${srv.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  const call = async (path) => { const r = await pool.request({ path, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"data":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}' }); await r.body.text(); };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const paced = async (path, n, pace) => { const t0 = performance.now(); for (let i = 0; i < n; i++) { const w = t0 + i * pace - performance.now(); if (w > 0) await sleep(w); await call(path); } };
  const ti = process.argv.indexOf('--touches');
  const touches = ti > 0 ? String(process.argv[ti + 1] ?? '').split(',').map(Number) : [100, 400, 1600];
  if (!touches.every((n) => Number.isInteger(n) && n >= 1 && n <= 32000)) {
    console.error(`cold-visit-work: --touches takes whole numbers from 1 to 32000, comma-separated (got ${JSON.stringify(process.argv[ti + 1] ?? '')})`);
    srv.kill();
    process.exit(2);
  }
  const paths = ['/echo', ...touches.map((n) => `/work?n=${n}`)];
  for (const p of paths) await paced(p, 3000, 0);
  const res = {};
  for (const pace of [0, 2, 5, 15, 50, 150]) {
    for (const p of paths) {
      const n = pace === 0 ? 400 : Math.round(Math.min(250, Math.max(25, 1500 / pace)));
      await paced(p, 5, pace);
      const c0 = cpu(); await paced(p, n, pace); const per = (cpu() - c0) / n;
      (res[p] ??= []).push(per);
    }
  }
  console.log('pace      ' + [0, 2, 5, 15, 50, 150].map((x) => String(x).padStart(8)).join(''));
  for (const p of paths) console.log(p.padEnd(12) + res[p].map((x) => x.toFixed(3).padStart(8)).join('') + '   extra: ' + res[p].map((x) => (x - res[p][0]).toFixed(3)).join(' '));
  await pool.close(); srv.kill();
}
