// Issue "Load testing": maximum sustainable messages.send throughput of the monolith and of the
// microservices layout on this machine (closed model), and p95 at 70% of it (open model).
import { spawnSync } from 'node:child_process';
import { BIN, ROOT } from './lib.mjs';

export const title = 'Reference services: messages.send capacity per layout';
export const method =
  'For each layout: `archsim loadtest blueprints/quantchat.yaml --layout L --operation messages.send --users 16 --duration 15s` (closed model, no think time: the maximum), then `--rate <70% of it> --duration 15s` (open model) for the p95. Embedded PostgreSQL; every unit, PostgreSQL and the pinned driver share this machine\'s cores.';

function loadtest(args) {
  const r = spawnSync(process.execPath, [BIN, 'loadtest', 'blueprints/quantchat.yaml', '--operation', 'messages.send', '--port-offset', '22000', '--json', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) throw new Error(`loadtest ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-500)}`);
  const v = JSON.parse(r.stdout);
  return Array.isArray(v.results) ? v.results[0] : v;
}

export async function run({ log }) {
  const rows = [];
  for (const layout of ['monolith', 'microservices']) {
    const max = loadtest(['--layout', layout, '--users', '16', '--duration', '15s']);
    const x = max.operations[0].throughput;
    log(`${layout}: max ${x.toFixed(0)}/s`);
    const rate = Math.max(1, Math.floor(x * 0.7));
    const at70 = loadtest(['--layout', layout, '--rate', `${rate}/s`, '--duration', '15s']);
    const op = at70.operations[0];
    rows.push({ name: `${layout}: maximum messages.send throughput (16 connections)`, value: `${x.toFixed(0)}/s (errors ${max.totals.errors.total})` });
    rows.push({ name: `${layout}: messages.send p50 / p95 at 70% of it (${rate}/s)`, value: `${op.latency.p50.toFixed(2)} / ${op.latency.p95.toFixed(2)} ms (errors ${op.errors.total})` });
  }
  return rows;
}
