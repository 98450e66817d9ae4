// Issue "Load testing": the embedded driver's maximum throughput against a trivial endpoint, as a
// ratio to wrk's on the same endpoint in the same run (goal ≥ 0.5).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { median } from './lib.mjs';

export const title = 'Load driver: embedded driver vs wrk on a trivial endpoint';
export const method =
  'The trivial endpoint (node:http, 200 "ok") runs in its own process pinned with taskset to the system core(s); wrk (Debian, 1 thread) and the embedded driver (closed model, in its own process) are pinned to the other core. Both use 16 keep-alive connections for 3 s, back to back in each of 5 rounds; the ratio is the median of the per-round ratios (the machine is shared, so only paired figures compare). The server\'s CPU (from /proc) shows whether the server or the driver is the limit.';

const SECONDS = 3;
const CONNECTIONS = 16;
const ROUNDS = 5;

function wrkBin() {
  for (const p of ['/usr/bin/wrk', '/usr/local/bin/wrk']) if (existsSync(p)) return p;
  return null;
}

export async function run({ log }) {
  const { startTrivialServer } = await import('../dist/src/loadtest/trivial-server.js');
  const { runDriverInChild } = await import('../dist/src/loadtest/driver/index.js');
  const { planPinning, pinnedCommand } = await import('../dist/src/loadtest/pin.js');
  const { trivialScenario } = await import('../dist/src/loadtest/scenario.js');
  const { sampleProcesses, processUsage } = await import('../dist/src/loadtest/proc.js');
  const wrk = wrkBin();
  const plan = planPinning();
  log(`pinning: driver ${plan.driver ?? '-'}, server ${plan.sut ?? '-'}${plan.note ? ` (${plan.note})` : ''}`);
  const server = await startTrivialServer({}, plan.sut ? ['taskset', '-c', plan.sut] : []);
  const target = [{ unit: 'trivial', role: 'sut', pid: server.pid }];
  const measure = async (fn) => {
    const before = sampleProcesses(target);
    const value = await fn();
    const after = sampleProcesses(target);
    return { ...value, serverCpu: processUsage(before, after)[0].cpuUtilization };
  };
  const ours = [];
  const theirs = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const e = await measure(async () => {
        const r = await runDriverInChild(trivialScenario(), { baseUrl: server.url, model: 'closed', connections: CONNECTIONS, duration: SECONDS, warmup: 0.5 }, { plan });
        return { rps: r.report.totals.throughput, driverCpu: r.report.driver.cpuUtilization, usPerReq: (r.report.driver.cpuSeconds / Math.max(1, r.report.totals.requests)) * 1e6, p99: r.report.totals.latency?.p99 ?? null, errors: r.report.totals.errors.total };
      });
      ours.push(e);
      log(`round ${round + 1}: embedded ${e.rps.toFixed(0)} req/s (driver CPU ${(e.driverCpu * 100).toFixed(0)}%, server CPU ${(e.serverCpu * 100).toFixed(0)}%, errors ${e.errors})`);
      if (wrk) {
        const w = await measure(async () => {
          const [cmd, args] = pinnedCommand(plan.driver, wrk, ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, `${server.url}/`]);
          const r = spawnSync(cmd, args, { encoding: 'utf8' });
          const m = /Requests\/sec:\s*([0-9.]+)/.exec(r.stdout ?? '');
          if (!m) throw new Error(`wrk said: ${r.stdout}${r.stderr}`);
          return { rps: Number(m[1]) };
        });
        theirs.push(w);
        log(`round ${round + 1}: wrk ${w.rps.toFixed(0)} req/s (server CPU ${(w.serverCpu * 100).toFixed(0)}%)`);
      }
    }
  } finally {
    await server.stop();
  }
  const eRps = median(ours.map((x) => x.rps));
  const { loadavg } = await import('node:os');
  const rows = [
    { name: 'machine load average (1 min) at the end, for context', value: loadavg()[0].toFixed(1) },
    { name: `embedded driver, closed model, ${CONNECTIONS} connections`, value: `${eRps.toFixed(0)} req/s` },
    { name: 'embedded driver: its own CPU (share of a core)', value: `${(median(ours.map((x) => x.driverCpu)) * 100).toFixed(0)}%` },
    { name: 'embedded driver: CPU per request (steadier than throughput on a busy machine)', value: `${median(ours.map((x) => x.usPerReq)).toFixed(1)} µs` },
    { name: 'server CPU while the embedded driver loads it', value: `${(median(ours.map((x) => x.serverCpu)) * 100).toFixed(0)}%` },
  ];
  if (wrk) {
    const wRps = median(theirs.map((x) => x.rps));
    const ratio = median(ours.map((x, i) => x.rps / theirs[i].rps));
    rows.push(
      { name: `wrk -t1 -c${CONNECTIONS}, same endpoint`, value: `${wRps.toFixed(0)} req/s` },
      { name: 'server CPU while wrk loads it', value: `${(median(theirs.map((x) => x.serverCpu)) * 100).toFixed(0)}%` },
      { name: 'embedded / wrk throughput (median of per-round ratios)', value: `${ratio.toFixed(2)} (rounds: ${ours.map((x, i) => (x.rps / theirs[i].rps).toFixed(2)).join(', ')})`, goal: '≥ 0.5', pass: ratio >= 0.5 },
    );
  } else rows.push({ name: 'embedded / wrk throughput', value: 'wrk not installed (apt-get install -y wrk)', goal: '≥ 0.5' });
  return rows;
}
