#!/usr/bin/env node
// Old against new analytic solve time on a shared machine: both builds imported into one process
// and timed in alternating blocks of 10 solves, so both see the same load (compare the ratio, not
// the milliseconds). With --des, three DES runs of 10^6 requests first (the simulate bench's
// context: a grown heap, the solver's functions cold).
//   node scripts/compare-analytic.mjs /work/main/dist dist [--des] [--rounds 40]
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const [A, B] = args.filter((a) => !a.startsWith('--') && !/^\d+$/.test(a));
if (!A || !B) {
  console.error('usage: node scripts/compare-analytic.mjs <distA> <distB> [--des] [--rounds N]');
  process.exit(2);
}
const rounds = Number(args[args.indexOf('--rounds') + 1]) || 40;
const bpPath = new URL('../blueprints/quantchat.yaml', import.meta.url).pathname;
const load = async (dist) => {
  const at = (f) => pathToFileURL(path.resolve(dist, 'src', f)).href;
  const { analyze } = await import(at('simulate/analytic.js'));
  const { simulate } = await import(at('simulate/simulate.js'));
  const { blueprint } = (await import(at('io/load.js'))).loadBlueprint(bpPath);
  return { analyze: () => analyze(blueprint, 'microservices'), simulate: (o) => simulate(blueprint, 'microservices', o) };
};
const a = await load(A);
const b = await load(B);
if (args.includes('--des')) {
  b.simulate({ rate: 200, requests: 100_000 });
  for (let i = 0; i < 3; i++) b.simulate({ rate: 200, requests: 1_000_000, seed: 1 + i });
}
for (let i = 0; i < 100; i++) {
  a.analyze();
  b.analyze();
}
const ta = [];
const tb = [];
for (let r = 0; r < rounds; r++) {
  for (const [x, t] of r % 2 ? [[a, ta], [b, tb]] : [[b, tb], [a, ta]]) {
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      x.analyze();
      t.push(performance.now() - t0);
    }
  }
}
const q = (t, p) => [...t].sort((x, y) => x - y)[Math.floor(p * (t.length - 1))];
const line = (t) => `median ${q(t, 0.5).toFixed(3)} ms, p10 ${q(t, 0.1).toFixed(3)} ms`;
console.log(`A ${A}: ${line(ta)}\nB ${B}: ${line(tb)}\nB/A: median ×${(q(tb, 0.5) / q(ta, 0.5)).toFixed(2)}, p10 ×${(q(tb, 0.1) / q(ta, 0.1)).toFixed(2)}`);
