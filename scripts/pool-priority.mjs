// `node scripts/pool-priority.mjs` (Linux, 2+ cores, taskset): how a thread-pool hash slows an event loop on its core.
// One server process pinned to core 0: an HTTP handler (~0.5 ms of work) called every 5 ms from
// core 1, while 0, 1 or 4 scrypt hashes (libuv pool, ~50 ms each) run back to back in the same
// process. Processor sharing says the handler's latency doubles with one hash running (×5 with 4);
// priority for the sleeping event loop says it barely moves.
import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
const DIR = mkdtempSync(join(tmpdir(), 'archsim-prio-'));
const SERVER = join(DIR, 'server.mjs');
writeFileSync(SERVER, `
import http from 'node:http'; import { scrypt } from 'node:crypto';
const rows = Array.from({ length: 20000 }, (_, i) => ({ id: i, name: 'user-' + i, score: (i * 7919) % 1000 }));
const byName = new Map(rows.map((r) => [r.name, r])); let seed = 1;
let hogs = 0; let running = 0;
const hash = () => { if (running >= hogs) return; running++; scrypt('pw', 'salt', 64, { N: 1 << 14 }, () => { running--; hash(); }); };
http.createServer((req, res) => {
  if (req.url.startsWith('/hogs')) { hogs = Number(req.url.split('=')[1]); for (let i = 0; i < hogs; i++) hash(); res.end('ok'); return; }
  let sum = 0; for (let i = 0; i < 1600; i++) { seed = (seed * 1103515245 + 12345) & 0x7fffffff; sum += byName.get('user-' + (seed % 20000)).score; }
  res.end(JSON.stringify({ sum }));
}).listen(0, '127.0.0.1', function () { process.send(this.address().port); });`);
execFileSync('taskset', ['-p', '-c', '1', String(process.pid)]);
const s = fork(SERVER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const port = await new Promise((r) => s.once('message', r));
execFileSync('taskset', ['-a', '-p', '-c', '0', String(s.pid)]);
const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 1 });
const get = async (path) => { const r = await pool.request({ path, method: 'GET' }); await r.body.text(); };
for (let i = 0; i < 3000; i++) await get('/w');
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
for (const hogs of [0, 1, 4, 0]) {
  await get(`/hogs=${hogs}`);
  await new Promise((r) => setTimeout(r, 300));
  const lat = [];
  for (let i = 0; i < 300; i++) { await new Promise((r) => setTimeout(r, 5)); const t = performance.now(); await get('/w'); lat.push(performance.now() - t); }
  console.log(`hashes running: ${hogs}  handler round trip p50 ${med([...lat]).toFixed(3)} ms, p90 ${lat.sort((a,b)=>a-b)[270].toFixed(3)} ms`);
}
await get('/hogs=0'); await pool.close(); s.kill();
rmSync(DIR, { recursive: true, force: true });
