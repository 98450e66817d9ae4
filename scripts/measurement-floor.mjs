#!/usr/bin/env node
// What a measurement reproduces of itself: the same layout measured by several validate-model
// runs (their --runs-out files), each run's levels read as a "prediction" of another's with the
// bench's statistic (per level, the median over operations of |a − b| / b, on p50 and p95; the
// capacity |a − b| / b). Levels are matched by position: each run's are fractions of its own
// capacity, so their rates differ as a prediction's run and a measurement's would.
//
//   node scripts/measurement-floor.mjs LAYOUT runs-1.json runs-2.json [runs-3.json …]
import { readFileSync } from 'node:fs';

const [layout, ...files] = process.argv.slice(2);
if (!layout || files.length < 2) {
  console.error('usage: node scripts/measurement-floor.mjs LAYOUT runs-1.json runs-2.json [more runs files]');
  process.exit(2);
}
const runs = files.map((f) => {
  const saved = JSON.parse(readFileSync(f, 'utf8'));
  const m = saved.layouts?.[layout];
  if (!m) {
    console.error(`${f}: no measurement of layout "${layout}" (it has ${Object.keys(saved.layouts ?? {}).join(', ') || 'none'})`);
    process.exit(2);
  }
  return m;
});
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const pct = (x) => `${(x * 100).toFixed(0)}%`;
for (let i = 0; i < runs.length; i++)
  for (let j = 0; j < runs.length; j++) {
    if (i === j) continue;
    const [a, b] = [runs[i], runs[j]];
    const levels = a.levels.slice(0, b.levels.length).map((la, k) => {
      const lb = b.levels[k];
      const e50 = [];
      const e95 = [];
      for (const o of la.operations) {
        const p = lb.operations.find((x) => x.id === o.id);
        if (!o.latency || !p?.latency) continue;
        e50.push(Math.abs(o.latency.p50 - p.latency.p50) / p.latency.p50);
        e95.push(Math.abs(o.latency.p95 - p.latency.p95) / p.latency.p95);
      }
      return { rates: `${la.run.rate}/${lb.run.rate}/s`, p50: median(e50), p95: median(e95) };
    });
    const ca = a.capacity.totals.throughput;
    const cb = b.capacity.totals.throughput;
    console.log(
      `${files[i]} against ${files[j]}: ${levels.map((l) => `${l.rates} p50 ${pct(l.p50)} p95 ${pct(l.p95)}`).join('; ')}; worst level p50 ${pct(Math.max(...levels.map((l) => l.p50)))} p95 ${pct(Math.max(...levels.map((l) => l.p95)))}; capacity ${ca.toFixed(0)} vs ${cb.toFixed(0)}/s: ${pct(Math.abs(ca - cb) / cb)}`,
    );
  }
