// Issue "Migration planner": time of `archsim plan` for QuantChat (monolith → microservices, nine
// phases, every phase simulated and its triggers solved), in-process and as a whole process; and
// a full live rehearsal of that plan (`archsim rehearse`, every extraction, 50% of capacity).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { BIN, fmtMs, median, ROOT, timeCommand } from './lib.mjs';

export const title = 'Migration plan';
export const method =
  'In-process: `plan()` from dist/ on blueprints/quantchat.yaml, monolith → microservices with --growth 15%/month (loading excluded), median of 15 runs after 3 warm-ups. Whole process: `archsim plan blueprints/quantchat.yaml --from monolith --to microservices --growth 15%/month --out DIR --force` (load, plan, overlay check, three files written), median of 7 runs after a warm-up, beside `archsim validate` on the same blueprint (process start and loading) in the same run. Rehearsal: `archsim rehearse blueprints/quantchat.yaml --plan DIR/quantchat.plan.json --rate 50% --json` (default 6 s steps whose first second is left out of the percentiles, a p95 budget judged on the new unit’s own latencies beside the old unit’s in the same seconds, a step watched up to 3× longer for 20 of them while their pace can reach 20 by then; embedded durable PostgreSQL, the monolith behind a gateway, seeded once for the capacity run, capacity measured first, the single-use pools topped up for the load’s first 65 s then kept 60 s ahead in the background (one request in flight), each phase at 50% of its own capacity on this host (the shared-host model scaled by the measured monolith, and lowered before its first canary step to 50% of what the CPU of every process of the rehearsal per request at the previous phase’s 100% step gives on this host’s cores, then while the layout in place, judged over the previous phase’s 100% step and the load since its retire, or a fresh window waited on for its answers, is over its p95 budgets), then all eight extractions at 10/50/100%, each next unit booted during the previous cut-over and drain with its pools opened (the drain counted from the old unit’s last request), each extraction’s dual write and backfill run while its unit boots, each moved table’s five steps run: dual write by logical replication and backfill before the first canary step, verify and cut-over at the retire, the old copy dropped after the drain), one run, wall time of the whole process. The machine is shared: the 1-minute load average is recorded before and after.';

export async function run({ log }) {
  const loadBefore = os.loadavg()[0];
  const { loadBlueprint } = await import(`${ROOT}dist/src/io/load.js`);
  const { plan } = await import(`${ROOT}dist/src/plan/index.js`);
  const { blueprint } = loadBlueprint(`${ROOT}blueprints/quantchat.yaml`);
  const opts = { from: 'monolith', to: 'microservices', growth: 0.15, start: '2026-01-05' };
  for (let i = 0; i < 3; i++) plan(blueprint, opts);
  const times = [];
  for (let i = 0; i < 15; i++) {
    const t0 = process.hrtime.bigint();
    plan(blueprint, opts);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const inProcess = median(times);
  log(`plan() ${fmtMs(inProcess)}`);
  const dir = mkdtempSync(join(os.tmpdir(), 'archsim-bench-plan-'));
  const cli = timeCommand(process.execPath, [BIN, 'plan', 'blueprints/quantchat.yaml', '--from', 'monolith', '--to', 'microservices', '--growth', '15%/month', '--start', '2026-01-05', '--out', dir, '--force'], { runs: 7 });
  log(`archsim plan ${fmtMs(cli.median)}`);
  log('archsim rehearse (full QuantChat plan)…');
  const t0 = process.hrtime.bigint();
  const rh = spawnSync(process.execPath, [BIN, 'rehearse', 'blueprints/quantchat.yaml', '--plan', join(dir, 'quantchat.plan.json'), '--rate', '50%', '--json'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
  const rehearseMs = Number(process.hrtime.bigint() - t0) / 1e6;
  rmSync(dir, { recursive: true, force: true });
  let rep;
  try {
    rep = JSON.parse(rh.stdout);
  } catch {
    throw new Error(`archsim rehearse exited ${rh.status}: ${rh.stderr.slice(-2000)}`);
  }
  const lost = rep.messages.reduce((n, m) => n + m.lost, 0);
  const undelivered = rep.messages.reduce((n, m) => n + m.undelivered, 0);
  const canary = rep.steps.filter((x) => x.kind === 'weights');
  const worstP95 = Math.max(...canary.map((x) => x.all.p95 ?? 0));
  log(`archsim rehearse ${(rehearseMs / 1000).toFixed(1)} s, exit ${rh.status}`);
  // The same run's cost of starting archsim and loading the blueprint: on a shared machine the
  // ratio to it says more than the absolute figure.
  const base = timeCommand(process.execPath, [BIN, 'validate', 'blueprints/quantchat.yaml'], { runs: 7 });
  log(`archsim validate ${fmtMs(base.median)}`);
  const loadAfter = os.loadavg()[0];
  return [
    { name: '`plan()` QuantChat monolith → microservices (in-process)', value: fmtMs(inProcess), goal: '< 1 s', pass: inProcess < 1000 },
    { name: '`archsim plan blueprints/quantchat.yaml --from monolith --to microservices --out DIR` (whole process)', value: fmtMs(cli.median), goal: '< 1 s', pass: cli.median < 1000 },
    { name: '`archsim validate blueprints/quantchat.yaml` (start + load, same run, for the ratio)', value: `${fmtMs(base.median)} (plan = ${(cli.median / base.median).toFixed(2)} × validate)` },
    { name: '`archsim rehearse` full QuantChat plan (8 extractions × 10/50/100%, default 6 s per step, 50% of capacity)', value: `${(rehearseMs / 1000).toFixed(1)} s, exit ${rh.status}`, goal: '< 5 min', pass: rehearseMs < 300_000 },
    { name: 'rehearsal: rate, requests, failed, rolled back', value: `${rep.rateRps}/s (capacity ${rep.capacityRps}/s), ${rep.totals.requests} requests, ${rep.totals.errors} failed${rep.totals.errors ? ` (${JSON.stringify(rep.totals.errorKinds)})` : ''}, ${rep.rolledBack ? `ROLLED BACK at ${rep.steps.filter((x) => x.rolledBack).map((x) => `phase ${x.phase} ${x.unit} ${x.percent}%: ${x.breaches.map((b) => `${b.description} (${b.value}${b.oldP95 !== undefined ? `; old unit ${b.oldP95 ?? '–'} in the same seconds` : ''})`).join('; ')}`).join(', ')}` : 'no rollback'}`, goal: '0 failed', pass: rep.totals.errors === 0 && !rep.rolledBack },
    { name: 'rehearsal: messages acknowledged / recorded / lost / undelivered', value: rep.messages.map((m) => `${m.event} ${m.acknowledged}/${m.recorded}/${m.lost}/${m.undelivered}`).join('; '), goal: '0 lost', pass: lost === 0 && undelivered === 0 },
    {
      name: 'rehearsal: rate per phase, planned → ran (lowerings before the first canary step)',
      value: (rep.phaseRates ?? []).map((r) => `phase ${r.phase} ${r.rateRps} → ${r.ranAtRps === undefined ? "not reached" : `${r.ranAtRps}/s`}${r.lowered?.length ? ` (${r.lowered.length}: ${r.lowered.map((l) => l.why.replace(/^the layout in place over budget at [0-9.]+\/s before the change: /, '')).join('; ')})` : ''}${r.warning ? ' WARNING' : ''}`).join('; ') || 'none',
    },
    { name: 'rehearsal: canary steps whose p95 budgets went unjudged because the old route was over budget too (the host)', value: `${canary.filter((x) => x.rewatchedAtRps === undefined && x.notJudged?.some((n) => n.cause === 'old-route-over')).length} of ${canary.length} (phases ${[...new Set(canary.filter((x) => x.rewatchedAtRps === undefined && x.notJudged?.some((n) => n.cause === 'old-route-over')).map((x) => x.phase))].join(', ') || 'none'})`, goal: '0', pass: !canary.some((x) => x.rewatchedAtRps === undefined && x.notJudged?.some((n) => n.cause === 'old-route-over')) },
    { name: 'rehearsal: worst whole-mix p95 in a canary window', value: `${worstP95.toFixed(1)} ms` },
    { name: 'rehearsal: failed requests by operation and status', value: Object.entries(rep.totals.failures ?? {}).map(([k, n]) => `${k} ×${n}`).join(', ') || 'none' },
    {
      name: 'rehearsal: data moves, per table: rows backfilled → verified at the cut-over, the steps run (dual write, backfill, verify, cut over, drop the old copy) and how long the cut-over held the domain\'s writes, or why not (dataMoves[].steps)',
      value: (rep.dataMoves ?? []).map((m) => {
        const st = (n) => (m.steps ?? []).find((x) => x.step === n);
        const ran = (m.steps ?? []).filter((x) => x.ran);
        const bad = ran.filter((x) => x.ok === false).map((x) => `${x.step} FAILED`);
        return `${m.table} ${m.backfill ? `${m.backfill.rows} → ${st('verify')?.rows ?? '–'} rows, ${ran.length}/5 steps${st('cut over')?.ran ? `, held ${st('cut over').ms} ms` : ''}${bad.length ? ` (${bad.join(', ')})` : ''}${ran.length < 5 ? ` (rest not done: ${m.notPerformed ?? m.error ?? ''})` : ''}` : m.error ? `FAILED (${m.error})` : `not done (${m.notPerformed})`}`;
      }).join('; ') || 'none',
      goal: 'every PostgreSQL move reached: five steps, each ok',
      pass: (rep.dataMoves ?? []).every((m) => !m.error && (m.steps ?? []).every((x) => x.ok !== false)) && (rep.dataMoves ?? []).some((m) => (m.steps ?? []).filter((x) => x.ran).length === 5),
    },
    { name: 'rehearsal: canary p95 budgets not judged (why)', value: canary.flatMap((x) => (x.notJudged ?? []).map((n) => `phase ${x.phase} ${x.percent}%: ${n.why}`)).join('; ') || 'none' },
    { name: 'rehearsal: p95 of each 50% step (and any judged-out or breached one) by answering unit, new / old, ms', value: canary.filter((x) => x.byUnit && Object.keys(x.byUnit).length > 1 && (x.percent === 50 || x.notJudged?.length || x.breaches.length)).map((x) => `phase ${x.phase} ${x.percent}%: ${x.unit} ${x.byUnit[x.unit]?.p95 ?? '–'} / ${Object.entries(x.byUnit).filter(([u]) => u !== x.unit).map(([u, f]) => `${u} ${f.p95 ?? '–'}`).join(', ')}`).join('; ') || 'none' },
    { name: 'rehearsal: steps watched longer for the new unit\'s latencies', value: `${canary.filter((x) => x.extendedMs).length} steps, ${(canary.reduce((n, x) => n + (x.extendedMs ?? 0), 0) / 1000).toFixed(1)} s in all` },
    { name: 'rehearsal: unit crashes restarted / given up', value: `${(rep.supervision ?? []).filter((e) => e.kind === 'restarted').length} / ${(rep.failedUnits ?? []).length}`, goal: '0 given up', pass: !(rep.failedUnits ?? []).length },
    { name: 'load average (1 min), before / after', value: `${loadBefore.toFixed(2)} / ${loadAfter.toFixed(2)} on ${os.cpus().length} cores` },
  ];
}
