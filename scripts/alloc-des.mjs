#!/usr/bin/env node
// Bytes a DES run allocates per request: simulate(quantchat, microservices, rate 200, N requests)
// after a JIT warm-up, the heap's growth between collections summed over the run (v8.GCProfiler:
// used heap before each GC minus after the previous one, plus the growth after the last), so
// short-lived objects that a scavenge frees count too. Allocation is what the steady state should
// not do (boxed doubles where V8 does not inline a call); peak memory is the bench's other figure.
//   node scripts/alloc-des.mjs dist [N=1000000] [runs=3]
import path from 'node:path';
import v8 from 'node:v8';
import { pathToFileURL } from 'node:url';

const [D, Ns, Rs] = process.argv.slice(2);
if (!D) {
  console.error('usage: node scripts/alloc-des.mjs <dist> [requests] [runs]');
  process.exit(2);
}
const N = Number(Ns ?? 1_000_000);
const R = Number(Rs ?? 3);
const at = (f) => pathToFileURL(path.resolve(D, 'src', f)).href;
const { simulate } = await import(at('simulate/simulate.js'));
const { blueprint } = (await import(at('io/load.js'))).loadBlueprint(new URL('../blueprints/quantchat.yaml', import.meta.url).pathname);
for (const seed of [1, 2]) simulate(blueprint, 'microservices', { rate: 200, requests: 100_000, seed });
for (let i = 0; i < R; i++) {
  const p = new v8.GCProfiler();
  const u0 = v8.getHeapStatistics().used_heap_size;
  p.start();
  const r = simulate(blueprint, 'microservices', { rate: 200, requests: N, seed: 1 + i });
  const u1 = v8.getHeapStatistics().used_heap_size;
  const gcs = p.stop().statistics;
  let bytes = 0;
  let prev = u0;
  for (const g of gcs) {
    bytes += g.beforeGC.heapStatistics.usedHeapSize - prev;
    prev = g.afterGC.heapStatistics.usedHeapSize;
  }
  bytes += u1 - prev;
  console.log(`seed ${1 + i}: ${r.stats.requests} requests, ${gcs.length} GCs, ${(bytes / r.stats.requests).toFixed(1)} bytes/request`);
}
