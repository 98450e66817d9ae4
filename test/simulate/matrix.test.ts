// The acceptance matrix: analytic against DES on every bundled blueprint × layout, a generated
// fan-out blueprint and a replicas blueprint per balancing policy, at 30%, 60% and 80% of
// saturation. Either |analytic − DES| ≤ 5% of the DES on the mix's mean latency and ≤ 10% on the
// p95 of each operation carrying ≥ 10% of the mix, or the analytic result names the specific
// approximation in force (its warnings, not the general note every result carries) — and then the
// error stays within the bound that warning states, so a worse model still fails here.
//
// The DES: 5 replications of MATRIX_REQUESTS / 5 requests each (default 240,000 in all: at 60,000
// the 80% rows carried DES half-widths up to ±16% against bounds of 5–7%, so a verdict there hung
// on the seed); each row prints the DES's 95% half-widths so the reader sees how much of a gap is
// the DES's own noise. `npm run bench -- matrix` runs it with 3,000,000 requests
// per point (reports/BENCHMARKS.md: how narrow the intervals get there).
import { describe, expect, it } from 'vitest';
import { loadBlueprint } from '../../src/io/load.js';
import type { Blueprint } from '../../src/model/schema.js';
import { analyze, AUTOSCALE_MARK } from '../../src/simulate/analytic.js';
import { compile } from '../../src/simulate/compile.js';
import { simulate } from '../../src/simulate/simulate.js';
import type { Balance, SimulationResult } from '../../src/simulate/types.js';
import { fanout, queue } from './builder.js';

interface Case {
  name: string;
  bp: Blueprint;
  layout: string;
  balance?: Balance;
}

const REQUESTS = Number(process.env.MATRIX_REQUESTS ?? 240_000);
const BUNDLED = ['quantchat', 'chatpop', 'hotel-reservation'];

const cases: Case[] = [];
for (const f of BUNDLED) {
  const { blueprint } = loadBlueprint(`blueprints/${f}.yaml`);
  for (const layout of Object.keys(blueprint.layouts)) cases.push({ name: `${f}/${layout}`, bp: blueprint, layout });
}
cases.push({ name: 'fan-out ×4', bp: fanout({ callees: 4, front: 1, callee: 0.5 }), layout: 'one' });
for (const balance of ['least-connections', 'round-robin', 'random'] as const) cases.push({ name: `4 replicas, ${balance}`, bp: queue({ replicas: 4 }), layout: 'one', balance });

/**
 * The approximations the analytic method names when it knows it is off, each with the bound its
 * warning states (up to 80% of saturation): the mean and the p95, as a fraction of the DES.
 */
const NAMED = [
  { re: /visited several times by one request.*mean latency within 7% \(within 5% up to 60%\), p95 within 25%/, mean: 0.07, p95: 0.25 },
  { re: /threshold-jockeying chain.*within 3% on the mean and 10% on p95 with exponential service.*up to 7% above it on the mean and 20% on p95/, mean: 0.07, p95: 0.2 },
  { re: /lower bound on join-the-shortest-queue.*up to 14% above it on the mean.*20% on p95/, mean: 0.14, p95: 0.2 },
  { re: /Allen–Cunneen GI\/G\/c with Erlang arrivals/, mean: 0.1, p95: 0.2 },
];

const mixMean = (r: SimulationResult) => {
  const w = r.operations.reduce((s, o) => s + o.throughput, 0);
  return r.operations.reduce((s, o) => s + o.latency.mean * o.throughput, 0) / w;
};
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

describe('analytic against DES', () => {
  for (const k of cases) {
    it(`${k.name} at 30/60/80% of saturation`, () => {
      const sat = analyze(k.bp, k.layout, { rate: 1, ...(k.balance ? { balance: k.balance } : {}) }).saturationThroughput;
      const rows: string[] = [];
      // the rows are printed even when a point fails (npm run bench -- matrix records them all)
      try {
        for (const f of [0.3, 0.6, 0.8]) {
          const rate = f * sat;
          const o = { rate, ...(k.balance ? { balance: k.balance } : {}) };
          const a = analyze(k.bp, k.layout, o);
          const duration = Math.max(20_000, (REQUESTS / 5 / rate) * 1000);
          // Like with like: the analytic method solves a fixed fleet (an autoscaled unit at its
          // starting replicas, which its result says: AUTOSCALE_MARK), so the DES runs that fleet
          // too. Left to scale, a long DES adds replicas above the target (chatpop at 80%: mean
          // −18%, p95 −50% against the fixed fleet) — a different system, not an approximation.
          const fixed = compile(k.bp, k.layout);
          const compiled = { ...fixed, stations: fixed.stations.map(({ autoscale: _, ...s }) => s) };
          if (fixed.stations.some((s) => s.autoscale)) expect(a.warnings.some((w) => w.includes(AUTOSCALE_MARK))).toBe(true);
          const d = simulate(k.bp, k.layout, { ...o, compiled, duration, warmup: 5000, seed: 11, replications: 5 });
          const named = NAMED.filter((n) => a.warnings.some((w) => n.re.test(w)));
          const bound = { mean: Math.max(0.05, ...named.map((n) => n.mean)), p95: Math.max(0.1, ...named.map((n) => n.p95)) };
          const dm = mixMean(d);
          const gMean = Math.abs(mixMean(a) - dm) / dm;
          // the DES's own 95% half-width on the mix mean (each operation's, weighted by throughput)
          const hMean = d.operations.reduce((s, op) => s + op.throughput * op.ci95!.mean.halfWidth, 0) / d.operations.reduce((s, op) => s + op.throughput, 0) / dm;
          const total = a.operations.reduce((s, x) => s + x.throughput, 0);
          let gP95 = 0;
          let hP95 = 0;
          for (const op of d.operations) {
            const ao = a.operations.find((x) => x.id === op.id)!;
            if (ao.throughput / total < 0.1 || op.count < 1000) continue;
            const g = Math.abs(ao.latency.p95 - op.latency.p95) / op.latency.p95;
            if (g >= gP95) {
              gP95 = g;
              hP95 = op.ci95!.p95.halfWidth / op.latency.p95;
            }
          }
          rows.push(`${Math.round(f * 100)}%: mean ${pct(gMean)} (DES ±${pct(hMean)}), p95 ${pct(gP95)} (±${pct(hP95)})${named.length ? ' (approximation named)' : ''}`);
          expect(gMean, `${k.name} ${rows.at(-1)}`).toBeLessThanOrEqual(bound.mean);
          expect(gP95, `${k.name} ${rows.at(-1)}`).toBeLessThanOrEqual(bound.p95);
        }
      } finally {
        console.log(`${k.name}: ${rows.join(' · ')}`);
      }
    }, 240_000);
  }
});
