// Does a process's CPU per request fall with the number of requests in it at once? (issue 12)
// `node scripts/concurrency-economy.mjs`: scripts/cold-visit-work.mjs's fastify server (a bare echo
// and a handler touching a 4 MB working set) pinned to core 0, this client on core 1;
// each handler warmed with 3,000 calls, then N connections back to back (closed loop, N = 1 to 16)
// for 3 s each, and the server's CPU per call (all its threads, /proc/PID/stat), median of 3.
// Recorded in reports/BENCHMARKS.md (2026-12-06 session 33).
import { fork, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
// The server is scripts/cold-visit-work.mjs's (the same echo and working-set handlers).
const SERVER = new URL('./cold-visit-work.mjs', import.meta.url).pathname;
spawnSync('taskset', ['-p', '-c', '1', String(process.pid)]);
const { Pool } = await import('undici');
const srv = fork(SERVER, ['server'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
spawnSync('taskset', ['-a', '-p', '-c', '0', String(srv.pid)]);
const port = await new Promise((r) => srv.once('message', (m) => r(m.port)));
const tck = 100;
const cpu = () => { const f = readFileSync(`/proc/${srv.pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) / tck; };
const body = '{"data":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}';
const closed = async (path, conns, ms) => {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: conns, pipelining: 1 });
  let calls = 0;
  const end = performance.now() + ms;
  const c0 = cpu();
  await Promise.all(Array.from({ length: conns }, async () => {
    while (performance.now() < end) { const r = await pool.request({ path, method: 'POST', headers: { 'content-type': 'application/json' }, body }); await r.body.text(); calls++; }
  }));
  const per = ((cpu() - c0) * 1000) / calls;
  await pool.close();
  return { per, rate: calls / (ms / 1000) };
};
const paths = ['/echo', '/work?n=1600'];
for (const p of paths) await closed(p, 4, 3000);
const ns = [1, 2, 4, 8, 16];
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
for (const p of paths) {
  const row = [];
  for (const n of ns) {
    const rs = [];
    for (let k = 0; k < 3; k++) rs.push(await closed(p, n, 3000));
    row.push(`${n}: ${med(rs.map((r) => r.per)).toFixed(3)} ms (${Math.round(med(rs.map((r) => r.rate)))}/s)`);
  }
  console.log(p.padEnd(14), row.join(' | '));
}
srv.kill();
