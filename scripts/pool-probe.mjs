#!/usr/bin/env node
// How reliably a reference service finds libuv's pool threads at start (OpProfiler.findPoolThreads)
// on a busy host: N probes in this process while 2 spinning processes per core keep the cores
// busy; prints how many pool threads each probe found and which sets. Reads the built profiler
// (npm run build first).
//
//   node scripts/pool-probe.mjs [probes, default 30]
import { spawn } from 'node:child_process';
import { pbkdf2 } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';

const probes = process.argv[2] === undefined ? 30 : Number(process.argv[2]);
if (!Number.isInteger(probes) || probes < 1 || probes > 1000) {
  console.error('usage: node scripts/pool-probe.mjs [probes: an integer from 1 to 1000]');
  process.exit(2);
}
const built = new URL('../dist/reference-services/runtime/op-cpu.js', import.meta.url);
if (!existsSync(built)) {
  console.error('dist/reference-services/runtime/op-cpu.js is missing: run npm run build first');
  process.exit(2);
}
const { OpProfiler } = await import(built.href);
// the pool exists before the profiler looks, as Node's module loader leaves it in a service
await new Promise((res) => pbkdf2('x', 'y', 10, 16, 'sha256', res));
const spinners = Array.from({ length: 2 * cpus().length }, () => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
try {
  const found = new Map();
  const sets = new Map();
  for (let i = 0; i < probes; i++) {
    const p = new OpProfiler();
    await p.findPoolThreads();
    found.set(p.poolThreads.size, (found.get(p.poolThreads.size) ?? 0) + 1);
    const key = [...p.poolThreads].sort((a, b) => a - b).join(',');
    sets.set(key, (sets.get(key) ?? 0) + 1);
  }
  const size = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  console.log(`${probes} probes beside ${spinners.length} spinning processes, a pool of ${size}:`);
  for (const [n, k] of [...found].sort((a, b) => a[0] - b[0])) console.log(`  found ${n} thread${n === 1 ? '' : 's'}: ${k} time${k === 1 ? '' : 's'}`);
  console.log(`  distinct sets: ${sets.size} (${[...sets].map(([s, k]) => `[${s}] ×${k}`).join(', ')})`);
} finally {
  for (const s of spinners) s.kill('SIGKILL');
}
