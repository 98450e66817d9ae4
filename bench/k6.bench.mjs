// Issue 16's acceptance: every QuantChat layout loaded at 50/s for 15 s by real k6 (the script
// `generate k6` writes, its setup() seeding and logging in) and by the embedded driver, in the
// same run (`loadtest --driver both`: both at the same time on one started layout): errors,
// operations present, the largest per-operation throughput and p50 differences (k6's p50 against
// the embedded driver's from the send), k6's checks and thresholds.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { BIN, ROOT, median } from './lib.mjs';

export const title = 'k6 and the embedded driver on every QuantChat layout (50/s, 15 s)';
export const method =
  'For each layout, one `archsim loadtest blueprints/quantchat.yaml --layout L --driver both --rate 50/s --duration 15s` (k6 v0.53 and the embedded driver side by side, at the same time, on one started layout, each at 50/s, so the system serves 100/s; the embedded driver starts when k6\'s setup() is over and opens its measured window when k6\'s opens; each seeds its own data through the load profile; both pinned to the driver core). Δ throughput is the largest |k6 − embedded| / embedded over the operations. Δ p50 compares like with like: k6\'s p50 (timed from the send) with the embedded driver\'s service-time p50 (also from the send), the median and the largest over the operations; the embedded driver\'s p50 from the schedule is shown for reference. Goals: 0 errors, every operation, throughput within 2%, p50 within 25%, 0 failed checks.';

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
    const { results } = JSON.parse(r.stdout);
    const [k6, emb] = [results.find((x) => x.run.driver === 'k6'), results.find((x) => x.run.driver === 'embedded')];
    const dThr = [];
    const dP50 = [];
    const dP50Sched = [];
    for (const o of emb.operations) {
      const k = k6.operations.find((x) => x.id === o.id);
      if (!k) continue;
      dThr.push(Math.abs(k.throughput - o.throughput) / o.throughput);
      // Like with like: both from the send.
      if (o.serviceTime && k.latency) dP50.push(Math.abs(k.latency.p50 - o.serviceTime.p50) / o.serviceTime.p50);
      if (o.latency && k.latency) dP50Sched.push(Math.abs(k.latency.p50 - o.latency.p50) / o.latency.p50);
    }
    const side = emb.run.notes.find((n) => n.startsWith('side by side:')) ?? '';
    const opened = /measured window (\d+\.\d+) s (after|before) k6's/.exec(side);
    const checks = /k6 checks: (\d+) passed, (\d+) failed; thresholds evaluated: (\d+) \((\d+) crossed\)/.exec(k6.run.notes.join('\n'));
    const pct = (x) => `${(x * 100).toFixed(1)}%`;
    const maxThr = Math.max(...dThr);
    rows.push(
      { name: `${layout}: errors k6 / embedded`, value: `${k6.totals.errors.total} / ${emb.totals.errors.total}`, goal: '0 / 0', pass: k6.totals.errors.total === 0 && emb.totals.errors.total === 0 },
      { name: `${layout}: operations present k6 / embedded (of the mix)`, value: `${k6.operations.filter((o) => o.requests > 0).length} / ${emb.operations.filter((o) => o.requests > 0).length} (of ${mixCount})`, goal: 'all', pass: k6.operations.filter((o) => o.requests > 0).length === mixCount && emb.operations.filter((o) => o.requests > 0).length === mixCount },
      { name: `${layout}: requests k6 / embedded`, value: `${k6.totals.requests} / ${emb.totals.requests}` },
      { name: `${layout}: largest Δ throughput per operation`, value: pct(maxThr), goal: '≤ 2%', pass: maxThr <= 0.02 },
      { name: `${layout}: Δ p50 per operation (k6 vs embedded, both from the send), median (largest)`, value: dP50.length ? `${pct(median(dP50))} (${pct(Math.max(...dP50))})` : 'n/a (no service time)', goal: '≤ 25%', pass: dP50.length > 0 && Math.max(...dP50) <= 0.25 },
      { name: `${layout}: Δ p50 per operation (k6 from the send vs embedded from the schedule), median (largest)`, value: `${pct(median(dP50Sched))} (${pct(Math.max(...dP50Sched))})` },
      { name: `${layout}: measured windows opened apart`, value: opened ? `${opened[1]} s (embedded ${opened[2]})` : 'not side by side', pass: !!opened },
      { name: `${layout}: p50 all operations k6 / embedded (from the schedule)`, value: `${k6.totals.latency.p50.toFixed(1)} / ${emb.totals.latency.p50.toFixed(1)} ms` },
      { name: `${layout}: k6 checks passed / failed, thresholds evaluated (crossed)`, value: checks ? `${checks[1]} / ${checks[2]}, ${checks[3]} (${checks[4]})` : 'n/a', goal: '0 failed', pass: !!checks && checks[2] === '0' },
    );
    log(`${layout}: errors ${k6.totals.errors.total}/${emb.totals.errors.total}, Δthr ${pct(maxThr)}, Δp50 (send/send) median ${dP50.length ? pct(median(dP50)) : 'n/a'}`);
  }
  rows.push({ name: 'load average (1 min) at the end', value: os.loadavg()[0].toFixed(1) });
  return rows;
}
