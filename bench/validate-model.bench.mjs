// Issue "Load testing": prediction error of validate-model (monolith-calibrated, predicting
// microservices) and the measured maximum throughput of both layouts on this machine.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from './lib.mjs';

export const title = 'Prediction error: validate-model (calibrated on monolith, predicting microservices)';
export const method =
  'One run of `archsim validate-model blueprints/quantchat.yaml --rate 40/s --duration 10s --connections 16` on this machine (embedded PostgreSQL, every unit its own process, embedded driver pinned to its own core). Errors are |predicted − measured| / measured; the summary figures are medians over the operations of the predicted layout. Maximum throughput is of the workload mix without the two single-use operations, closed model, 16 connections.';

export async function run({ log }) {
  const out = join(mkdtempSync(join(tmpdir(), 'archsim-bench-vm-')), 'vm.json');
  const r = spawnSync(process.execPath, [BIN, 'validate-model', 'blueprints/quantchat.yaml', '--rate', '40/s', '--duration', '10s', '--connections', '16', '--port-offset', '21000', '-o', out], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) throw new Error(`validate-model exited ${r.status}: ${r.stderr}`);
  const v = JSON.parse(readFileSync(out, 'utf8'));
  const pct = (x) => `${(Math.abs(x) * 100).toFixed(0)}%`;
  log(`p50 ${pct(v.summary.p50)}, p95 ${pct(v.summary.p95)}, max ${pct(v.summary.maxThroughput)}`);
  const rows = [
    { name: 'median |error| of p50 per operation, microservices', value: pct(v.summary.p50), goal: '≤ 15%', pass: v.summary.p50 <= 0.15 },
    { name: 'median |error| of p95 per operation, microservices', value: pct(v.summary.p95), goal: '≤ 15%', pass: v.summary.p95 <= 0.15 },
    { name: '|error| of maximum throughput, microservices', value: pct(v.summary.maxThroughput), goal: '≤ 10%', pass: v.summary.maxThroughput <= 0.1 },
  ];
  for (const l of v.layouts) {
    rows.push({ name: `maximum throughput of the mix, ${l.layout}, measured (predicted)`, value: `${l.maxThroughput.measured.toFixed(0)}/s (${l.maxThroughput.predicted.toFixed(0)}/s)` });
    const send = l.operations.find((o) => o.id === 'messages.send');
    if (send) rows.push({ name: `messages.send p50 / p95 at 40/s, ${l.layout}, measured (predicted)`, value: `${send.measured.p50.toFixed(2)} / ${send.measured.p95.toFixed(2)} ms (${send.predicted.p50.toFixed(2)} / ${send.predicted.p95.toFixed(2)} ms)` });
  }
  return rows;
}
