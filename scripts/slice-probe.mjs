#!/usr/bin/env node
// What a short burst of CPU pays when it wakes on a core another process keeps busy: the time
// slices of Linux's scheduler against the simulator's ideal processor sharing. A server pinned to
// one core answers each 1-byte TCP message after spinning `workMs` of CPU; a client pinned to the
// other core sends one every `paceMs` and times the round trips. First alone, then beside one
// and two CPU-bound processes (each in a session of its own, as the reference services' units
// and PostgreSQL's backends are) on the server's core. Ideal sharing per process predicts a
// burst beside k of them takes (k + 1) × workMs; a waking task that runs at once, workMs; one
// that waits out a slice, a slice more.
//   node scripts/slice-probe.mjs [seconds=6] [workMs=0.3] [paceMs=5]
// Prints per phase the round trip's p50 / p90 / p99 and their excess over running alone (ms).
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';

const [S, W, P] = process.argv.slice(2);
const seconds = Number(S ?? 6);
const workMs = Number(W ?? 0.3);
const paceMs = Number(P ?? 5);
if (![seconds, workMs, paceMs].every((x) => Number.isFinite(x) && x > 0) || seconds > 600) {
  console.error('usage: node scripts/slice-probe.mjs [seconds ≤ 600] [workMs] [paceMs] (positive numbers)');
  process.exit(2);
}
if (os.availableParallelism() < 2 || spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status !== 0) {
  console.error('slice-probe: needs two cores and taskset');
  process.exit(2);
}

const server = `
const net = require('node:net');
const spin = (ms) => { const end = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < end); };
const s = net.createServer((c) => { c.setNoDelay(true); c.on('data', (b) => { for (let i = 0; i < b.length; i++) { spin(${workMs}); c.write('x'); } }); });
s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;
const client = (port) => `
const net = require('node:net');
const c = net.connect(${port}, '127.0.0.1', () => {
  c.setNoDelay(true);
  const rtts = []; let sent = 0n; const end = Date.now() + ${seconds * 1000};
  const next = () => { if (Date.now() >= end) { c.end(); console.log(JSON.stringify(rtts)); return; } sent = process.hrtime.bigint(); c.write('p'); };
  c.on('data', () => { rtts.push(Number(process.hrtime.bigint() - sent) / 1e6); setTimeout(next, ${paceMs}); });
  setTimeout(next, 500);
});`;
const hog = (threads) =>
  `const spin = 'const end = Date.now() + ${(seconds + 3) * 1000}; while (Date.now() < end) {}';` +
  (threads > 1 ? `const { Worker } = require('node:worker_threads'); for (let i = 1; i < ${threads}; i++) new Worker(spin, { eval: true });` : '') +
  'eval(spin);';

const pinned = (core, code, pipe = false) => spawn('taskset', ['-c', String(core), process.execPath, '-e', code], { detached: true, stdio: ['ignore', pipe ? 'pipe' : 'ignore', 'inherit'] });
const firstLine = (p) => new Promise((ok) => p.stdout.once('data', (b) => ok(String(b).trim())));
const all = (p) => new Promise((ok) => { let s = ''; p.stdout.on('data', (b) => (s += b)); p.on('exit', () => ok(s)); });
const q = (xs, f) => xs[Math.min(xs.length - 1, Math.floor(f * xs.length))];

const phases = [
  { name: 'alone', hogs: [] },
  { name: 'beside one CPU-bound process', hogs: [1] },
  { name: 'beside two CPU-bound processes', hogs: [1, 1] },
  { name: 'beside one process of two CPU-bound threads', hogs: [2] },
];
const started = [];
try {
  const srv = pinned(0, server, true);
  started.push(srv);
  const port = await firstLine(srv);
  let base = null;
  console.log(`a ${workMs} ms burst on core 0 every ${paceMs} ms, ${seconds} s a phase; load average ${os.loadavg()[0].toFixed(2)}`);
  for (const ph of phases) {
    const hogs = ph.hogs.map((t) => pinned(0, hog(t)));
    started.push(...hogs);
    const cl = pinned(1, client(port), true);
    started.push(cl);
    const rtts = JSON.parse(await all(cl)).sort((a, b) => a - b);
    for (const h of hogs) h.kill('SIGKILL');
    const r = { p50: q(rtts, 0.5), p90: q(rtts, 0.9), p99: q(rtts, 0.99) };
    base ??= r;
    const k = ph.hogs.length;
    const fmt = (x) => x.toFixed(3);
    console.log(`${ph.name.padEnd(44)} n ${String(rtts.length).padStart(5)}  p50 ${fmt(r.p50)}  p90 ${fmt(r.p90)}  p99 ${fmt(r.p99)}  excess p50/p90/p99 ${fmt(r.p50 - base.p50)} / ${fmt(r.p90 - base.p90)} / ${fmt(r.p99 - base.p99)}  (ideal sharing per process: +${fmt(k * workMs)})`);
  }
} finally {
  for (const p of started) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
}
