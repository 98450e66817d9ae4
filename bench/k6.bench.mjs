// Issue 16's acceptance: every QuantChat layout loaded at 50/s for 15 s by real k6 (the script
// `generate k6` writes, its setup() seeding and logging in) and by the embedded driver, in the
// same run (`loadtest --driver both`: both at the same time on one started layout, sharing the
// load, 25/s each, schedules interleaved): errors, operations present, the per-operation
// comparison archsim prints (`comparisons` in --json: throughput, p50 where both measured enough
// requests), k6's checks and thresholds.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { BIN, ROOT } from './lib.mjs';

export const title = 'k6 and the embedded driver on every QuantChat layout (50/s, 15 s)';
export const method =
  "For each layout, one `archsim loadtest blueprints/quantchat.yaml --layout L --driver both --rate 50/s --duration 15s` (k6 v0.53 and the embedded driver at the same time on one started layout, SHARING the load: each at 25/s, so the system serves the 50/s asked for; the embedded driver's schedule is interleaved with k6's, half an interval after it, measuring the same positions of the mix's order as k6 but rotated by half a cycle, alternately one way and the other (in step, each of its requests followed k6's request of the same operation, which biased per-operation p50s); the embedded driver starts when k6's setup() is over and opens its measured window half an interval after k6's; each seeds its own data through the load profile; both pinned to the driver core). Per operation, from archsim's own comparison (`comparisons` in --json): Δ throughput = |k6 − embedded| / embedded from the counts over each measured duration (within 2%, or one request: a count's resolution); Δ p50 = k6's p50 (timed from the send) against the embedded driver's (from the schedule), the acceptance's figure, and against its service time (from the send, like for like), judged within/outside only for operations where each driver measured at least 30 requests (at 25/s for 15 s the 30% and 25% operations); for those with 10 to 29 the interval of the ratio k6 p50 / embedded p50 is listed (each median's standard error √(π/2)·σ/√n in log terms, σ from the wider of the two drivers' p50-to-p90 spreads as a lognormal's; 95% for all the operations given one together, Bonferroni), and an operation whose whole interval lies beyond 25% 'differs' (a failure: a difference the samples prove), otherwise 'not enough samples' (the samples cannot tell). The whole mix's p50 (every measured request, 375 a driver) is compared at 25% too. Goals: 0 errors, every operation, throughput within 2%, p50 within 25% where compared and for the whole mix, no operation that differs, 0 failed checks.";

export async function run({ log }) {
  const shared = join(ROOT, '..', 'shared', 'tools', 'k6');
  const env = { ...process.env, NO_COLOR: '1' };
  if (existsSync(join(shared, 'k6'))) env.PATH = `${shared}:${env.PATH}`;
  const bp = readFileSync(join(ROOT, 'blueprints/quantchat.yaml'), 'utf8');
  const mixCount = (bp.split('\nworkload:')[1].split('\n  mix:\n')[1].match(/^ {4}[\w.-]+:/gm) ?? []).length;
  const layouts = [...bp.split('\nlayouts:\n')[1].split('\nworkload:')[0].matchAll(/^ {2}([\w-]+):\s*$/gm)].map((m) => m[1]);
  const rows = [{ name: 'load average (1 min) at the start', value: os.loadavg()[0].toFixed(1) }];
  let offset = 23000;
  for (const layout of layouts) {
    log(`${layout}…`);
    const r = spawnSync(process.execPath, [BIN, 'loadtest', 'blueprints/quantchat.yaml', '--layout', layout, '--driver', 'both', '--rate', '50/s', '--duration', '15s', '--port-offset', String(offset), '--json'], { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    offset += 100;
    if (r.status !== 0 && r.status !== 1) {
      rows.push({ name: `${layout}`, value: `failed: ${(r.stderr.trim().split('\n').filter((l) => l.startsWith('archsim:')).pop() ?? `exit ${r.status}`).slice(0, 200)}`, pass: false });
      continue;
    }
    const { results, comparisons } = JSON.parse(r.stdout);
    const [k6, emb] = [results.find((x) => x.run.driver === 'k6'), results.find((x) => x.run.driver === 'embedded')];
    const c = comparisons[0];
    const side = emb.run.notes.find((n) => n.startsWith('side by side:')) ?? '';
    const opened = /measured window (\d+\.\d+) s (after|before) k6's \(intended: (\d+\.\d+) s after/.exec(side);
    const checks = /k6 checks: (\d+) passed, (\d+) failed; thresholds evaluated: (\d+) \((\d+) crossed\)/.exec(k6.run.notes.join('\n'));
    const pct = (x) => (x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(1)}%`);
    const present = (x) => x.operations.filter((o) => o.requests > 0).length;
    const compared = c.operations.filter((o) => o.p50Verdict === 'within' || o.p50Verdict === 'outside');
    const few = c.operations.filter((o) => o.p50Verdict === 'not enough samples' || o.p50Verdict === 'differs');
    const ratio = (i) => (i ? `${i.lo.toFixed(2)}–${i.hi.toFixed(2)}` : 'n/a');
    rows.push(
      { name: `${layout}: errors k6 / embedded`, value: `${k6.totals.errors.total} / ${emb.totals.errors.total}`, goal: '0 / 0', pass: k6.totals.errors.total === 0 && emb.totals.errors.total === 0 },
      { name: `${layout}: operations present k6 / embedded (of the mix)`, value: `${present(k6)} / ${present(emb)} (of ${mixCount})`, goal: 'all', pass: present(k6) === mixCount && present(emb) === mixCount },
      { name: `${layout}: requests k6 / embedded (each at 25/s)`, value: `${k6.totals.requests} / ${emb.totals.requests}` },
      { name: `${layout}: largest Δ throughput per operation`, value: pct(c.largest.throughput), goal: '≤ 2% (or 1 request)', pass: c.operations.every((o) => o.throughputVerdict === 'within') },
      { name: `${layout}: p50 compared (≥ ${c.minSamples} requests in each driver)`, value: `${compared.length} of ${c.operations.length}: ${compared.map((o) => `${o.id} ${pct(o.deltaP50)}`).join(', ')}` },
      { name: `${layout}: largest Δ p50 where compared (k6 from the send vs embedded from the schedule)`, value: pct(c.largest.p50), goal: '≤ 25%', pass: compared.length > 0 && compared.every((o) => o.p50Verdict === 'within') },
      { name: `${layout}: largest Δ p50 where compared (both from the send)`, value: pct(c.largest.p50Send) },
      { name: `${layout}: p50 of the whole mix k6 (from the send) / embedded (from the schedule), Δ`, value: `${c.mix.p50.k6?.toFixed(2)} / ${c.mix.p50.embedded?.toFixed(2)} ms, ${pct(c.mix.deltaP50)}`, goal: '≤ 25%', pass: c.mix.verdict === 'within' },
      { name: `${layout}: fewer than ${c.minSamples} requests: (n) Δ p50 [interval of k6/embedded, from 10 requests]`, value: few.map((o) => `${o.id} (${Math.min(o.requests.k6, o.requests.embedded)}) ${pct(o.deltaP50)} [${ratio(o.ratioInterval)}]${o.p50Verdict === 'differs' ? ' DIFFERS' : ''}`).join(', ') || 'none' },
      { name: `${layout}: operations with few samples whose interval lies wholly beyond 25%`, value: `${few.filter((o) => o.p50Verdict === 'differs').length} of ${few.length}`, goal: '0', pass: few.every((o) => o.p50Verdict !== 'differs') },
      { name: `${layout}: measured windows opened apart (intended: half an interval)`, value: opened ? `${opened[1]} s (embedded ${opened[2]}; intended ${opened[3]} s after)` : 'not side by side', pass: !!opened },
      { name: `${layout}: k6 checks passed / failed, thresholds evaluated (crossed)`, value: checks ? `${checks[1]} / ${checks[2]}, ${checks[3]} (${checks[4]})` : 'n/a', goal: '0 failed', pass: !!checks && checks[2] === '0' },
    );
    log(`${layout}: errors ${k6.totals.errors.total}/${emb.totals.errors.total}, Δthr ${pct(c.largest.throughput)}, Δp50 where compared (${compared.length}) ${pct(c.largest.p50)}`);
  }
  rows.push({ name: 'load average (1 min) at the end', value: os.loadavg()[0].toFixed(1) });
  return rows;
}
