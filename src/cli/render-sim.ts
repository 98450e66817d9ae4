// Text views of simulation results (the --json output is the result itself).
import type { ComparisonResult, SimulationResult, SweepResult } from '../simulate/types.js';
import { paint, table } from './io.js';
import { DEFAULT_POOL_WEIGHT } from '../simulate/pool-weight.js';
import { plural, rateRound, rateText, secondsWords } from '../words.js';
import { desRun, desRunText, type DesRun, type FaultRuns } from './provenance.js';

export const fms = (x: number): string => (!Number.isFinite(x) ? '-' : x < 10 ? x.toFixed(2) : x < 1000 ? x.toFixed(1) : x.toFixed(0));
const pct = (x: number) => (!Number.isFinite(x) ? '∞' : `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`);
// below 1/s three significant digits: a tenth of a request a second read 0.0/s, a saturation of 0.0667/s read 0.1/s
// (words.ts rateRound: the one rule the reports and compare's notes share; a table keeps "80.0")
const rate = (x: number) => (!Number.isFinite(x) ? '∞' : x >= 1 || x === 0 ? rateRound(x).toFixed(x >= 100 ? 0 : 1) : String(rateRound(x)));
// A figure with no finite value (the cost per request when no request was served) reads "n/a",
// never "$Infinity" or "$NaN"; the --json output carries it as null.
const usd = (x: number) => (!Number.isFinite(x) ? 'n/a' : `$${Number.isInteger(x) ? x : x.toFixed(2)}`);
const h = (s: string) => paint('bold', s);

export function renderSimulation(r: SimulationResult): string {
  const w = r.workload;
  const load = w.kind === 'open' ? `${rate(w.rate ?? 0)}/s${w.profile ? ` (${w.profile.kind} profile)` : ''}${w.arrivals === 'paced' ? ', paced arrivals (evenly spaced)' : ''}` : `${w.users} users, think ${fms(w.thinkTime?.mean ?? 0)} ms`;
  const parts: string[] = [];
  const how = r.method === 'des' ? `DES, seed ${r.seed}${r.replications > 1 ? `, ${r.replications} replications (±95% CI)` : ''}` : 'analytic M/M/c network';
  // A DES run says its warm-up (left out of the figures) and, when it was counted in requests, how many.
  const length = r.method === 'des' ? ` (${w.requests !== undefined ? `${w.requests} requests, ` : ''}warm-up ${fms(w.warmup / 1000)} s)` : '';
  parts.push(h(`${r.blueprint} · ${r.layout} · ${load} for ${fms(w.duration / 1000)} s${length} · ${how}`) + (r.scenario ? ` · scenario ${r.scenario}` : '') + (r.host ? ` · ${hostOf(r.host.cores)}${r.host.sharing === 'process' ? `, shared per process${r.host.slice ? ` in ${r.host.slice} ms slices` : ''}` : r.host.poolWeight !== undefined ? `, thread pools at weight ${r.host.poolWeight}` : ''}` : ''));
  parts.push('');
  const ci = r.operations.some((o) => o.ci95);
  parts.push(
    table(
      ['operation', 'count', 'req/s', 'mean ms', ...(ci ? ['±'] : []), 'p50', 'p90', 'p95', 'p99', 'max', 'errors'],
      r.operations.map((o) => {
        // A DES run in which no request of the operation finished has no latency to show (not 0 ms).
        const none = r.method === 'des' && o.count === 0;
        const lat = (x: number) => (none ? '–' : fms(x));
        return [
          o.id,
          o.count,
          rate(o.throughput),
          lat(o.latency.mean),
          ...(ci ? [o.ci95 && !none ? fms(o.ci95.mean.halfWidth) : ''] : []),
          lat(o.latency.p50),
          lat(o.latency.p90),
          lat(o.latency.p95),
          lat(o.latency.p99),
          lat(o.latency.max),
          o.errors ? `${o.errors} (${pct(o.errorRate)})` : '0',
        ];
      }),
    ),
  );
  parts.push('', h('Stations'));
  parts.push(
    table(
      // "servers", not "cores": a datastore's connection pools can bound it below its cores, and an
      // object store with no cores is bounded by its pools alone ("cores 520" read as a claim).
      ['station', 'kind', 'replicas', 'servers', 'utilization', 'mean queue', 'ms/request', 'visits/s'],
      r.stations.map((s) => [s.id, s.kind, s.kind === 'network' ? '' : Number.isInteger(s.replicas) ? s.replicas : s.replicas.toFixed(2) + (s.maxReplicas ? ` (max ${s.maxReplicas})` : ''), s.kind === 'network' ? '' : s.cores, s.kind === 'network' ? '' : pct(s.utilization), fms(s.meanQueue), fms(s.demandPerRequest), rate(s.visitRate)]),
    ),
  );
  parts.push('');
  parts.push(`bottleneck: ${r.bottleneck.station} at ${pct(r.bottleneck.utilization)} · saturation: ${rate(r.saturationThroughput)} req/s of this mix · ${little(r.littleCheck, r.saturated !== undefined)}`);
  // (a bare queueing model has no instances: nothing to itemise, no empty brackets)
  const items = r.cost.monthly.items.filter((i) => i.usdPerMonth > 0).map((i) => `${i.component}${i.count > 1 ? ` ×${i.count}` : ''} ${usd(i.usdPerMonth)}`);
  parts.push(`cost: ${usd(r.cost.monthly.usdPerMonth)}/month${items.length ? ` (${items.join(', ')})` : ''} · ${usd(r.cost.perMillionRequests)} per million requests at this load`);
  const scaled = autoscaledCost(r);
  if (scaled) parts.push(scaled);
  if (r.cost.atTarget) {
    const t = r.cost.atTarget;
    parts.push(`at ${rate(t.rate)}/s and ${pct(t.targetUtilization)} utilization: ${usd(t.monthly.usdPerMonth)}/month with ${Object.entries(t.replicas).map(([u, n]) => `${u} ×${n}`).join(', ')}${t.limits.length ? `; replicas cannot fix ${t.limits.map((l) => `${l.station} (ρ=${l.utilization.toFixed(2)})`).join(', ')}` : ''}`);
  }
  if (r.faults?.length) {
    parts.push('', h('Fault isolation (success rate of requests sent during each failure)'));
    parts.push(renderFaults(r.faults));
  }
  if (r.stats) parts.push(paint('dim', `${r.stats.requests} requests, ${r.stats.events} events simulated`));
  for (const w2 of r.warnings) parts.push(paint('yellow', `note: ${w2}`));
  return parts.join('\n');
}

/** Little's law check, or why there is none (an overloaded system has no steady state). */
function little(l: SimulationResult['littleCheck'], saturated: boolean): string {
  const lw = (l.arrivalRate * l.meanResponse) / 1000;
  // A saturated DES run has finite figures for its window, but no steady state to check them by
  // (the line grows with the run: "229% apart" said nothing about the engine).
  if (saturated || !Number.isFinite(l.meanInSystem) || !Number.isFinite(lw)) return 'Little: not defined (overloaded: no steady state)';
  if (!(l.meanInSystem > 0)) return 'Little: not checked (no request in the system)';
  return `Little: L=${fms(l.meanInSystem)} vs λW=${fms(lw)} (${pct(l.relError)} apart)`;
}

export function renderFaults(rows: NonNullable<SimulationResult['faults']>): string {
  return table(
    ['failure', 'layout', 'overall', 'median p95 ms', 'still working', 'failing (success rate)'],
    rows.map((f) => {
      const ok = Object.entries(f.success).filter(([, v]) => v >= 0.99).map(([k]) => k);
      const bad = Object.entries(f.success).filter(([, v]) => v < 0.99).map(([k, v]) => `${k} ${pct(v)}`);
      const p95s = Object.values(f.p95).sort((x, y) => x - y);
      const all = Object.keys(f.success).length;
      // With no request sent in the window, or none that succeeded, there is no latency to show:
      // the p95 of requests that all failed is how fast they failed, and read as "0.00" ms.
      // (An operation none of whose requests finished has a 0% and no p95: "none succeeded", not "no requests".)
      const med = !Object.keys(f.success).length ? 'no requests' : Object.values(f.success).every((v) => v === 0) ? 'none succeeded' : fms(p95s[Math.floor(p95s.length / 2)]!);
      // No request sent during the failure (it fell outside the run): nothing survived or failed.
      if (all === 0) return [f.failure, f.layout, '–', med, '–', '–'];
      return [f.failure, f.layout, pct(f.overall), med, ok.length === all ? 'all' : ok.length ? `${ok.length} of ${all} ops` : 'none', bad.length > 6 ? `${bad.length} ops, e.g. ${bad.slice(0, 3).join(', ')}` : bad.join(', ') || '–'];
    }),
  );
}

/** A signed difference in ms; one that rounds to zero is "0", never "-0.00". */
function delta(x: number): string {
  const shown = fms(Math.abs(x));
  if (Number(shown) === 0) return '0';
  return `${x > 0 ? '+' : '−'}${shown}`;
}

/**
 * compare's text. `faultRuns` (the command's, beside the result): how the fault-isolation runs
 * were run, said in the header with how the figures at the rate were obtained.
 */
export function renderComparison(c: ComparisonResult & { faultRuns?: FaultRuns | null }): string {
  const L = c.layouts;
  const parts: string[] = [];
  // The workload rate as the notes spell it (simulate/compare.ts: "80/s"; rate() wrote "80.0/s"
  // for any rate under 100): one rate, one spelling, in the header, the cost table and the notes.
  const atRate = rateText(c.rate);
  parts.push(h(`${c.blueprint}: ${L.join(' vs ')} on the same work`));
  parts.push(compareFigures(c, atRate, c.faultIsolation.length ? c.faultRuns : undefined));
  // Under a load profile the p95 column is the profile's (its mean rate in the header), from a DES where its peak passes saturation.
  const profile = c.atRate.some((r) => r.workload.kind === 'open' && r.workload.profile);
  const simulated = profile && c.atRate.some((r) => r.method === 'des' && r.workload.profile);
  parts.push('', h(`Latency per operation: mean with no load (no queueing), p95 ${simulated ? `under the load profile (mean ${atRate})` : profile ? `at ${atRate} (the load profile's mean rate)` : `at ${atRate}`}, ms`));
  parts.push(
    table(
      ['operation', ...L.map((l) => `${l} mean`), ...(L.length > 1 ? [`Δ ${L[1]} − ${L[0]}`] : []), ...L.map((l) => `${l} p95`), 'why'],
      c.operations.map((o) => [o.id, ...L.map((l) => fms(o.mean[l]!)), ...(L.length > 1 ? [delta(o.delta)] : []), ...L.map((l) => fms(o.p95[l]!)), o.causes.join('; ') || '–']),
    ),
  );
  parts.push('', h('Max sustainable throughput (where the first station reaches ρ=1), req/s'));
  const ops = c.keyOperations;
  parts.push(table(['layout', 'workload mix', ...ops.map((o) => `${o} only`), 'bottleneck'], c.saturation.map((s) => [s.layout, rate(s.mix), ...ops.map((o) => rate(s.byOperation[o]!)), s.bottleneck])));
  for (const s of c.saturation) for (const why of s.causes) parts.push(`  ${s.layout}: ${why}`);
  if (c.faultIsolation.length) {
    parts.push('', h('Fault isolation (DES; success rate of requests sent during each failure)'));
    parts.push(renderFaults(c.faultIsolation));
  }
  parts.push('', h('Monthly cost'));
  const comps = [...new Set(c.cost.flatMap((x) => x.monthly.items.map((i) => i.component)))];
  parts.push(
    table(
      ['component', ...L],
      [
        ...comps.map((comp) => [comp, ...c.cost.map((x) => {
          const i = x.monthly.items.find((y) => y.component === comp);
          return i ? `${i.count > 1 ? `${i.count} × ${usd(i.usdEach)} = ` : ''}${usd(i.usdPerMonth)}` : '–';
        })]),
        ['total', ...c.cost.map((x) => usd(x.monthly.usdPerMonth))],
        [`per million requests at ${atRate}`, ...c.cost.map((x) => usd(x.perMillionRequests))],
      ],
    ),
  );
  for (const x of c.cost) parts.push(`  ${x.layout}: ${costBreakdown(x.monthly.items).join('; ')}`);
  if (c.notes.length) {
    parts.push('', h('Notes'));
    for (const n of c.notes) parts.push(`- ${n}`);
  }
  return parts.join('\n');
}

/**
 * How compare's figures were obtained, one line: the means with no load are analytic; the p95 at
 * the rate analytic or, per layout, from a seeded DES (its seed, run length, warm-up and
 * replications); the fault isolation from a seeded DES of each scenario.
 */
function compareFigures(c: ComparisonResult, atRate: string, faults: FaultRuns | null | undefined): string {
  const analytic = c.atRate.filter((r) => r.method === 'analytic').map((r) => r.layout);
  const des = c.atRate.filter((r) => r.method === 'des');
  const line = !des.length
    ? `method: analytic (means with no load, p95 at ${atRate})`
    : `method: means with no load analytic; p95 at ${atRate} ${[...(analytic.length ? [`analytic in ${analytic.join(', ')}`] : []), ...des.map((r) => `by DES in ${r.layout} (${desRunText(desRun(r))})`)].join(', ')}`;
  if (!faults) return line;
  const runs = faults.scenarios.filter((s) => Number.isFinite(s.duration) && Number.isFinite(s.warmup));
  const same = runs.every((s) => s.duration === runs[0]!.duration && s.warmup === runs[0]!.warmup);
  const each = !runs.length
    ? `seed ${faults.seed}`
    : same
      ? desRunText({ seed: faults.seed, replications: 1, duration: runs[0]!.duration, warmup: runs[0]!.warmup })
      : `seed ${faults.seed}, one run per scenario and layout: ${runs.map((s) => `${s.name} ${secondsWords(s.duration)} (${secondsWords(s.warmup)} warm-up)`).join(', ')}`;
  return `${line}; fault isolation by DES (${each})`;
}

/**
 * The cost per kind of component ("units: $7.50 (api ×2)"), in the table's own dollars (usd):
 * the result's cost causes round to the cent but drop a trailing zero ("$7.5"), so the text under
 * the table is built from the same items with the same formatter.
 */
function costBreakdown(items: ComparisonResult['cost'][number]['monthly']['items']): string[] {
  const byKind = new Map<string, { usd: number; names: string[] }>();
  for (const i of items) {
    const k = byKind.get(i.kind) ?? { usd: 0, names: [] };
    k.usd += i.usdPerMonth;
    k.names.push(`${i.component}${i.count > 1 ? ` ×${i.count}` : ''}`);
    byKind.set(i.kind, k);
  }
  return [...byKind.entries()].map(([kind, k]) => `${kind}s: ${usd(Math.round(k.usd * 100) / 100)} (${k.names.join(', ')})`);
}

/**
 * A sweep: the curve, then its notes. `run`: how the DES points were run (seed, run length,
 * warm-up), said in the header.
 */
export function renderSweep(s: SweepResult, run?: DesRun): string {
  const parts: string[] = [];
  parts.push(h(`${s.layout}: latency against load (${s.method})`) + (run ? ` · ${desRunText(run, 'point')}` : '') + (s.host ? ` · ${hostOf(s.host.cores)}, ${s.host.sharing === 'process' ? `shared per process${s.host.slice ? ` in ${s.host.slice} ms slices` : ''}` : `thread pools at weight ${s.host.poolWeight ?? DEFAULT_POOL_WEIGHT}`}` : ''));
  parts.push(
    table(
      ['rate/s', 'throughput/s', 'mean ms', 'worst p95 ms', 'errors', 'bottleneck ρ', 'mean (log scale)'],
      s.points.map((p) => [rate(p.rate), rate(p.throughput), sweepMs(p.meanLatency), sweepMs(p.p95), pct(p.errorRate), pct(p.bottleneckUtilization), p.saturated ? `${bar(p.meanLatency, s.points)} saturated` : bar(p.meanLatency, s.points)]),
    ),
  );
  parts.push('', `knee (mean latency twice its no-load value): ${s.knee === null ? (s.notes?.some((n) => n.startsWith('the knee lies')) ? 'not placed (see the note)' : 'not reached') : `${rate(s.knee)}/s`} · saturation: ${rate(s.saturationThroughput)}/s`);
  for (const n of sweepNotes(s)) parts.push(paint('yellow', `note: ${n}`));
  return parts.join('\n');
}

/** Every note a sweep prints: its result's, then where it turns unstable (its --json carries the same). */
export function sweepNotes(s: SweepResult): string[] {
  const notes = [...(s.notes ?? [])];
  const over = s.points.filter((p) => p.saturated);
  if (over.length) notes.push(`unstable from ${rate(over[0]!.rate)}/s: ${over[0]!.saturated!.station} is saturated (ρ=${over[0]!.saturated!.utilization.toFixed(2)}); latencies there are unbounded${s.method === 'des' ? ' (the DES figures at those rates grow with the run length)' : ''}`);
  return notes;
}

/** A sweep point's latency: NaN is a point where no request finished (not measured), as simulate shows one. */
const sweepMs = (x: number): string => (Number.isNaN(x) ? '–' : fms(x));

function bar(x: number, pts: { meanLatency: number }[]): string {
  // Nothing measured: no bar (not a full one, which reads "unbounded").
  if (Number.isNaN(x)) return '';
  const finite = pts.map((p) => p.meanLatency).filter(Number.isFinite);
  const max = Math.max(...finite, 1e-9);
  const min = Math.max(Math.min(...finite), 1e-9);
  if (!Number.isFinite(x)) return `${'▓'.repeat(30)} unbounded`;
  // The axis spans at least ×2: means that differ in the last digit (0.0500 and 0.0501 ms) drew
  // as 1 and 30 blocks, a flat curve shown as a cliff.
  const f = Math.log(x / min) / Math.max(Math.log(max / min), Math.LN2);
  return '▇'.repeat(Math.max(1, Math.round(1 + f * 29)));
}

/**
 * The cost line bills each unit's configured replicas; a DES run's autoscaler may have held a
 * unit at other counts. Said beside it, at the run's mean count of each such unit (its instance's
 * price per replica), so "×4" is not read as what this load costs.
 */
export function autoscaledCost(r: SimulationResult): string | undefined {
  const moved = r.stations.flatMap((s) => {
    const item = s.maxReplicas === undefined ? undefined : r.cost.monthly.items.find((i) => i.component === s.id && i.count > 0);
    return item && Math.abs(s.replicas - item.count) >= 0.05 ? [{ id: s.id, mean: s.replicas, max: s.maxReplicas!, billed: item.count, perReplica: item.usdPerMonth / item.count }] : [];
  });
  if (!moved.length) return undefined;
  const total = r.cost.monthly.usdPerMonth + moved.reduce((d, m) => d + m.perReplica * (m.mean - m.billed), 0);
  return `autoscaled in this run: ${moved.map((m) => `${m.id} ${m.mean.toFixed(2)} replicas on average (max ${m.max}; billed above at ×${m.billed})`).join(', ')}: ${usd(total)}/month at those averages`;
}

/** "host of 1 core", "host of 2 cores": the header's host. */
function hostOf(cores: number): string {
  return `host of ${plural(cores, 'core')}`;
}
