// `node scripts/core-contention.mjs [path]` (Linux, 2+ cores, taskset; build first): the CPU per call
// of P = 1, 2, 4, 8 fastify servers (the platform benchmark's) pinned to one core, each always with
// one call in flight from this process on another core, 2 s per point, three rounds, medians.
// `path`: /work?n=800 (a handler with a 4 MB working set, the default) or /echo. Measured
// 2026-12-02 (reports/BENCHMARKS.md, session 10): with the working set ×1.30 / ×2.05 / ×2.85 at
// 2 / 4 / 8 servers against one.
import { fork, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
const file = new URL('../dist/src/loadtest/platform-child.js', import.meta.url).pathname;
const ss = (pid) => Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
const path = process.argv[2] ?? '/work?n=800';
execFileSync('taskset', ['-p', '-c', '1', String(process.pid)]);
const start = async () => { const c = fork(file, ['server'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }); const port = await new Promise((r) => c.once('message', (m) => r(m.port))); execFileSync('taskset', ['-a', '-p', '-c', '0', String(c.pid)]); return { c, port, pool: new Pool(`http://127.0.0.1:${port}`, { connections: 1 }) }; };
const servers = [];
for (let i = 0; i < 8; i++) servers.push(await start());
const body = JSON.stringify({ data: 'x'.repeat(53) });
const one = async (s) => { const r = await s.pool.request({ path, method: 'POST', headers: { 'content-type': 'application/json' }, body }); await r.body.text(); };
const phase = async (P, ms) => { const act = servers.slice(0, P); const c0 = act.map((s) => ss(s.c.pid)); let calls = 0; const end = performance.now() + ms; await Promise.all(act.map(async (s) => { while (performance.now() < end) { await one(s); calls++; } })); const cpu = act.reduce((a, s, i) => a + ss(s.c.pid) - c0[i], 0); return { P, calls, perCall: cpu / calls, thr: calls / (ms / 1000) }; };
for (const s of servers) for (let i = 0; i < 3000; i++) await one(s); // warm
const res = {};
for (let rep = 0; rep < 3; rep++) for (const P of [1, 2, 4, 8]) { const r = await phase(P, 2000); (res[P] ??= []).push(r.perCall); console.log(rep, P, r.calls, r.perCall.toFixed(4), r.thr.toFixed(0)); }
for (const P of [1,2,4,8]) { const v = res[P].sort((a,b)=>a-b); console.log('P', P, 'median ms/call', v[1].toFixed(4), 'ratio', (v[1]/res[1][1]).toFixed(3)); }
for (const s of servers) { await s.pool.close(); s.c.kill(); }
