#!/usr/bin/env node
// Old against new DES speed on a shared machine: both builds imported into one process and run
// alternately (simulate(quantchat, microservices, rate 200, N requests), seeds 1–3 in turn), so
// both see the same load; prints requests per CPU-second and the new/old ratio per pair (compare
// the ratio, not the rates).
//   node scripts/compare-des.mjs /work/main/dist dist [N=300000] [pairs=16]
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [A, B, Ns, Rs] = process.argv.slice(2);
if (!A || !B) {
  console.error('usage: node scripts/compare-des.mjs <distOld> <distNew> [requests] [pairs]');
  process.exit(2);
}
const N = Number(Ns ?? 300_000);
const R = Number(Rs ?? 16);
const bpPath = new URL('../blueprints/quantchat.yaml', import.meta.url).pathname;
const load = async (dist) => {
  const at = (f) => pathToFileURL(path.resolve(dist, 'src', f)).href;
  const { simulate } = await import(at('simulate/simulate.js'));
  const { blueprint } = (await import(at('io/load.js'))).loadBlueprint(bpPath);
  return (n, seed) => simulate(blueprint, 'microservices', { rate: 200, requests: n, seed });
};
const a = await load(A);
const b = await load(B);
// JIT warm-up of both
for (const seed of [1, 2]) {
  a(100_000, seed);
  b(100_000, seed);
}
/** CPU seconds per request of one run */
const cpu = (f, seed) => {
  const c0 = process.cpuUsage();
  const r = f(N, seed);
  const u = process.cpuUsage(c0);
  return (u.user + u.system) / 1e6 / r.stats.requests;
};
const ra = [];
const rb = [];
const ratio = [];
for (let i = 0; i < R; i++) {
  const seed = 1 + (i % 3);
  let x;
  let y;
  // alternate which goes first
  if (i % 2) {
    x = cpu(a, seed);
    y = cpu(b, seed);
  } else {
    y = cpu(b, seed);
    x = cpu(a, seed);
  }
  ra.push(1 / x);
  rb.push(1 / y);
  ratio.push(x / y);
}
const med = (v) => [...v].sort((p, q) => p - q)[v.length >> 1];
const best = (v) => Math.max(...v);
console.log(`old: median ${Math.round(med(ra))}, best ${Math.round(best(ra))} requests per CPU-second`);
console.log(`new: median ${Math.round(med(rb))}, best ${Math.round(best(rb))} requests per CPU-second`);
console.log(`new/old: median ×${med(ratio).toFixed(3)}, best runs ×${(best(rb) / best(ra)).toFixed(3)}; pairs ${ratio.map((r) => r.toFixed(2)).join(' ')}`);
