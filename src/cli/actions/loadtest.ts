// `archsim loadtest`: flags first, then one loadTest() call; the result on stdout (--json) or a file, progress and summary on stderr.
import { choiceFlag, durationFlag, intFlag, listFlag, millisFlag, rateFlag, secondsFlag } from '../flags.js';
import { err, paint, printJson, table, UsageError, CheckFailed } from '../io.js';
import type { LoadTestResult } from '../../loadtest/result.js';
import { parseLevels } from '../../loadtest/layout-run.js';
import { compareAll, P50_TOLERANCE } from '../../loadtest/driver-comparison.js';
import { existsSync, readFileSync } from 'node:fs';
import { checkOneFile, writeOneFile } from '../../io/write-set.js';
import { loadBlueprint } from '../../io/load.js';
import { requireLayout } from '../options.js';
import { loadTest } from '../../loadtest/load-test.js';
import { findLoadProfile } from '../../loadtest/profile/load.js';
import { progressLine } from '../views/progress-line.js';
import { type Progress } from '../../loadtest/driver/run.js';
import { unpinnable } from '../../loadtest/pin.js';
import { rateFigure } from '../../words.js';

export type Opts = {
  portOffset?: string;
  layout?: string;
  layouts?: string;
  operation?: string[];
  rate?: string;
  duration?: string;
  warmup?: string;
  users?: string;
  connections?: string;
  timeout?: string;
  driver: string;
  target?: string;
  scenario?: string;
  pid?: string[];
  dbPid?: string[];
  k6Script?: string;
  loadProfile?: string;
  thinkTime?: string;
  trivialCpu?: string;
  pin: boolean;
  replications?: string;
  levels?: string;
  fastDb?: boolean;
  runtime?: string;
  healthyWithin?: string;
  out?: string;
  force?: boolean;
  json?: boolean;
};

export async function action(file: string | undefined, o: Opts): Promise<number> {
  // Flags first: a bad value is reported before any file is read or anything starts.
  const driverFlag = choiceFlag('--driver', o.driver, ['embedded', 'k6', 'both'] as const);
  const drivers: ('embedded' | 'k6')[] = driverFlag === 'both' ? ['k6', 'embedded'] : [driverFlag];
  const driver = drivers[0]!;
  const thinkTime = o.thinkTime === undefined ? undefined : secondsFlag('--think-time', o.thinkTime, { zero: true });
  const layouts = o.layouts ? listFlag(o.layouts) : o.layout ? [o.layout] : [];
  // With --target, --layout only names the layout the running system is (for the result and calibrate).
  if (o.target && layouts.length > 1) throw new UsageError('--layouts starts each layout in turn; with --target name at most one --layout');
  if (layouts.length && !file) throw new UsageError('--layout needs a blueprint file');
  const rate = o.rate === undefined ? undefined : rateFlag('--rate', o.rate);
  const users = o.users === undefined ? undefined : intFlag('--users', o.users);
  if (rate !== undefined && users !== undefined && !o.levels) throw new UsageError('--rate (open model) and --users (closed model) exclude each other');
  const duration = o.duration === undefined ? undefined : secondsFlag('--duration', o.duration);
  const warmup = o.warmup === undefined ? undefined : secondsFlag('--warmup', o.warmup, { zero: true });
  const timeoutMs = (o.timeout === undefined ? 5 : secondsFlag('--timeout', o.timeout)) * 1000;
  const connections = o.connections === undefined ? undefined : intFlag('--connections', o.connections);
  const portOffset = intFlag('--port-offset', o.portOffset ?? '0', 0, 50_000);
  const trivialCpuMs = o.trivialCpu === undefined ? undefined : millisFlag('--trivial-cpu', o.trivialCpu);
  const replications = o.replications === undefined ? 1 : intFlag('--replications', o.replications);
  let levels: number[] | undefined;
  if (o.levels !== undefined) {
    try {
      levels = parseLevels(o.levels);
    } catch (e) {
      throw new UsageError(`--levels: ${(e as Error).message}`);
    }
    if (o.target || o.driver === 'k6') throw new UsageError('--levels starts a layout with the embedded driver: use it with --layout, not --target or --driver k6');
    if (rate !== undefined) throw new UsageError('--levels sets the rates itself (fractions of the measured capacity); leave out --rate');
  }
  const runtime = choiceFlag('--runtime', o.runtime ?? 'process', ['process', 'compose'] as const);
  if (runtime === 'compose' && !layouts.length) throw new UsageError('--runtime compose starts the --layout in containers: name one (with a blueprint file)');
  if (runtime !== 'compose' && o.healthyWithin !== undefined) throw new UsageError('--healthy-within goes with --runtime compose');
  const healthyWithinMs = o.healthyWithin === undefined ? undefined : durationFlag('--healthy-within', o.healthyWithin);
  if (replications > 1 && (o.target || o.driver === 'k6' || o.driver === 'both')) throw new UsageError('--replications measures windows of a started layout with the embedded driver: use it with --layout and --driver embedded');

  // Flags that only mean something beside another were dropped without a word (a --k6-script
  // with --layout ran archsim's own script; a --port-offset with --target moved nothing): refused
  // here, before anything starts.
  if (!o.target) {
    const targetOnly = ([['--scenario', o.scenario], ['--pid', o.pid], ['--db-pid', o.dbPid], ['--k6-script', o.k6Script], ['--trivial-cpu', o.trivialCpu]] as const).find(([, v]) => v !== undefined);
    if (targetOnly) throw new UsageError(`${targetOnly[0]} goes with --target (a system already running); a started --layout is measured by archsim itself`);
  } else {
    if (o.trivialCpu !== undefined && o.target !== 'trivial') throw new UsageError('--trivial-cpu sets the work of the built-in endpoint: it goes with --target trivial');
    if (o.fastDb) throw new UsageError('--fast-db starts PostgreSQL for a --layout; a --target runs its own database');
    if (portOffset !== 0) throw new UsageError('--port-offset moves the ports of a started --layout; a --target already listens where it does');
  }
  const processes = [...parsePids(o.pid ?? [], 'unit'), ...parsePids(o.dbPid ?? [], 'datastore')];
  if (connections !== undefined && users !== undefined && !levels) throw new UsageError('--connections bounds the open model\'s requests in flight; with --users the connections are the users');
  // Refused now, not after the run: an existing file without --force, a link, an input.
  const inputs = [file, o.k6Script, o.loadProfile, o.scenario].filter((f): f is string => f !== undefined);
  if (o.out) checkOneFile(o.out, { force: !!o.force, inputs });
  let k6Script: string | undefined;
  if (o.k6Script) {
    try {
      k6Script = readFileSync(o.k6Script, 'utf8');
    } catch {
      throw new UsageError(`cannot read ${o.k6Script}`);
    }
  }
  let bp = null;
  if (file) {
    bp = loadBlueprint(file).blueprint;
    for (const l of layouts) requireLayout(bp, l);
  }
  // Think time belongs to the closed model's users (--users, or a workload of users).
  if (thinkTime !== undefined && users === undefined && (rate !== undefined || bp?.workload?.users === undefined)) throw new UsageError('--think-time is how long a user waits in the closed model: it goes with --users');
  const progress = await progressSink(!!o.json);
  let results: LoadTestResult[];
  try {
    results = await loadTest({
      blueprint: bp,
      ...(file ? { blueprintFile: file } : {}),
      ...(o.target ? { target: o.target, targetLayout: layouts[0] ?? null } : { layouts }),
      driver,
      drivers,
      ...(o.loadProfile ? { profile: findLoadProfile({ file: o.loadProfile, bp })?.profile ?? null } : {}),
      ...(thinkTime !== undefined ? { thinkTime } : {}),
      operations: o.operation,
      rate,
      users,
      duration,
      warmup,
      ...(o.scenario ? { scenarioModule: o.scenario } : {}),
      processes,
      ...(k6Script !== undefined ? { k6Script } : {}),
      trivialCpuMs,
      timeoutMs,
      replications,
      ...(levels ? { levels } : {}),
      fastDb: !!o.fastDb,
      ...(runtime === 'compose' ? { runtime } : {}),
      ...(healthyWithinMs !== undefined ? { healthyWithinMs } : {}),
      connections,
      pin: o.pin,
      portOffset,
      onSystem: progress.label,
      onProgress: progress.update,
      onLine: (l) => err(l),
    });
  } finally {
    progress.done();
  }

  // Both drivers: the per-operation comparison beside the results (parseResults reads `results` only).
  const output = results.length === 1 ? results[0]! : { schemaVersion: 1, results, ...(drivers.length > 1 ? { comparisons: compareAll(results) } : {}) };
  if (o.out) writeOneFile(o.out, `${JSON.stringify(output, null, 2)}\n`, { force: !!o.force, inputs });
  if (o.json) printJson(output);
  else err(renderResults(results));
  if (!o.json && drivers.length > 1) err(renderDriverComparison(results));
  if (o.out && !o.json) err(`wrote ${o.out}`);
  if (results.some((r) => r.thresholdsCrossed)) throw new CheckFailed('k6 thresholds crossed (k6 exit code 99)');
  return 0;
}

type Sink = { update: (p: Progress) => void; label: (l: string) => void; done: () => void };

/**
 * Progress on stderr (stdout carries only the result): a live ink view on a TTY, otherwise one
 * line a second — a JSON line (`{"event":"progress","system":…}`) with --json, so a program
 * reading both streams never meets free text, else a plain line for a person.
 */
async function progressSink(json: boolean): Promise<Sink> {
  let label = 'load';
  // ink needs a terminal that reports its width; a pty without a size gets the plain lines.
  if (process.stderr.isTTY && !process.env.CI && (process.stderr.columns ?? 0) >= 40) {
    // Kept lazy: ink and react (with yoga's WebAssembly) load only when a live view is drawn.
    const { inkProgress } = await import('../views/loadtest-progress.js');
    let view: Awaited<ReturnType<typeof inkProgress>> | null = null;
    let pending: Promise<void> | null = null;
    return {
      update: (p) => {
        if (!view && !pending) pending = inkProgress(label).then((v) => void (view = v));
        view?.update(p);
      },
      label: (l) => {
        view?.done();
        view = null;
        pending = null;
        label = l;
      },
      done: () => view?.done(),
    };
  }
  const line = json ? (p: Progress) => JSON.stringify({ event: 'progress', system: label, ...p }) : (p: Progress) => progressLine(label, p);
  return { update: (p) => err(line(p)), label: (l) => (label = l), done: () => undefined };
}

function parsePids(list: string[], role: 'unit' | 'datastore') {
  return list.map((s) => {
    const m = /^([^=]+)=(\d+)$/.exec(s);
    const flag = `--${role === 'unit' ? 'pid' : 'db-pid'}`;
    if (!m) throw new UsageError(`${flag} wants NAME=PID, not "${s}"`);
    const pid = Number(m[2]);
    // Init's and archsim's own line are never the system under test: pinning them (and the tree
    // under them) would move every process on the machine to one core for good.
    if (pid <= 1) throw new UsageError(`${flag} ${s}: pid ${pid} is the machine's init, not a process of the system under test`);
    if (unpinnable().has(pid)) throw new UsageError(`${flag} ${s}: pid ${pid} is archsim or a process it runs under (its shell), not the system under test`);
    if (!existsSync(`/proc/${pid}`)) throw new UsageError(`${flag} ${s}: no process ${pid} on this machine`);
    return { unit: m[1]!, role, pid, tree: role === 'datastore' };
  });
}

export function renderResults(results: LoadTestResult[]): string {
  const parts: string[] = [];
  for (const r of results) {
    const head = `${r.run.layout ?? r.run.target} — ${r.run.driver} driver, ${r.run.model} model${r.run.rate ? ` at ${rateFigure(r.run.rate)}` : ''}${r.run.level ? ` (${Math.round(r.run.level.fraction * 100)}% of capacity ${r.run.level.capacity.toFixed(0)}/s)` : ''}${r.run.model === 'closed' ? `, ${r.run.connections} connections` : ''}, ${r.run.duration} s measured after ${r.run.warmup} s warm-up, latency timed from ${r.run.driver === 'embedded' && r.run.model === 'open' ? 'each request’s scheduled start' : 'when each request was sent'}`;
    parts.push(paint('bold', head, process.stderr));
    parts.push(`how: ${r.run.method || `${r.run.driver} driver; warm-up ${r.run.warmup} s not measured; one window`}`);
    parts.push(r.run.database ? `database: ${r.run.database.engine}, ${r.run.database.durable ? 'durable' : 'NOT durable'} (${Object.entries(r.run.database.settings).map(([k, v]) => `${k}=${v}`).join(', ')})` : 'database: settings not known (not started by archsim)');
    const row = (id: string, o: { requests: number | null; throughput: number | null; errors: { total: number }; latency: { p50: number; p95: number; p99: number; max: number } | null }) => [
      id,
      o.requests ?? '-',
      o.throughput === null ? '-' : `${o.throughput.toFixed(1)}/s`,
      o.latency ? o.latency.p50.toFixed(2) : '-',
      o.latency ? o.latency.p95.toFixed(2) : '-',
      o.latency ? o.latency.p99.toFixed(2) : '-',
      o.latency ? o.latency.max.toFixed(2) : '-',
      o.errors.total,
    ];
    parts.push(table(['operation', 'requests', 'throughput', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors'], [...r.operations.map((o) => row(o.id, o)), ...(r.operations.length > 1 ? [row('total', r.totals)] : [])]));
    const ivs = Object.entries(r.intervals);
    if (ivs.length && r.windows.length > 1) {
      const iv = (x: { lo: number; hi: number } | null, d = 2) => (x ? `${x.lo.toFixed(d)}–${x.hi.toFixed(d)}` : '-');
      parts.push(`95% intervals over ${r.windows.length} windows:`);
      parts.push(table(['operation', 'p50 ms', 'p95 ms', 'throughput /s'], ivs.map(([id, v]) => [id, iv(v.p50), iv(v.p95), iv(v.throughput, 1)])));
      const units = r.windows[0]!.processes.map((p) => p.unit);
      parts.push(table(['CPU s per window', ...units], r.windows.map((w) => [`window ${w.index + 1}`, ...units.map((u) => (w.processes.find((p) => p.unit === u)?.cpuSeconds ?? 0).toFixed(2))])));
    }
    const errs = Object.entries(r.totals.errors.byKind).map(([k, n]) => `${k} ${n}`);
    if (errs.length) parts.push(`errors: ${errs.join(', ')}`);
    if (r.totals.dropped) parts.push(paint('yellow', `dropped: ${r.totals.dropped} requests never started (the system fell behind the schedule)`, process.stderr));
    if (r.processes.length) parts.push(table(['process', 'pid', 'cpu s', 'cpu util', 'rss max MiB'], r.processes.map((p) => [`${p.unit} (${p.role})`, p.pid, p.cpuSeconds.toFixed(2), `${(p.cpuUtilization * 100).toFixed(0)}%`, p.rssMaxMiB ?? '-'])));
    for (const u of r.profile) {
      parts.push(`per-operation CPU in ${u.unit} (instrumented: loop self time × main-thread CPU ${u.mainThreadCpuSeconds.toFixed(2)} s; off the main thread ${u.offMainCpuSeconds.toFixed(2)} s):`);
      parts.push(table(['operation', 'calls', 'CPU ms/call', 'pool tasks/call', 'pool ms/task'], u.operations.map((x) => [x.operation, x.spans, x.spans ? ((x.cpuSeconds * 1000) / x.spans).toFixed(3) : '-', x.spans ? (x.poolTasks / x.spans).toFixed(2) : '-', x.poolTasks ? ((x.poolSeconds * 1000) / x.poolTasks).toFixed(2) : '-'])));
    }
    if (r.driver) parts.push(`driver: pid ${r.driver.pid ?? '-'}, ${r.driver.cpuSeconds.toFixed(2)} s CPU (${(r.driver.cpuUtilization * 100).toFixed(0)}% of a core)${r.driver.lag ? `, started requests ${r.driver.lag.p50} ms (p50) / ${r.driver.lag.p99} ms (p99) after schedule` : ''}${r.run.pinning?.driver ? `, pinned to core ${r.run.pinning.driver}, system on ${r.run.pinning.sut}` : ''}`);
    for (const n of r.run.notes) parts.push(paint('dim', `note: ${n}`, process.stderr));
    parts.push('');
  }
  if (results.length > 1) parts.push(renderComparison(results));
  return parts.join('\n').trimEnd();
}

/** Several layouts under the same workload: one row per operation, the layouts side by side. */
export function renderComparison(results: LoadTestResult[]): string {
  const names = results.map((r, i) => r.run.layout ?? `run ${i + 1}`);
  const ids = [...new Set(results.flatMap((r) => r.operations.map((o) => o.id)))];
  const head = ['operation', ...names.flatMap((n) => [`${n} p50`, `${n} p95`, `${n} req/s`, `${n} errors`])];
  const cell = (r: LoadTestResult, id: string) => {
    const o = id === 'total' ? { ...r.totals, id } : r.operations.find((x) => x.id === id);
    if (!o) return ['-', '-', '-', '-'];
    return [o.latency ? o.latency.p50.toFixed(2) : '-', o.latency ? o.latency.p95.toFixed(2) : '-', o.throughput === null ? '-' : o.throughput.toFixed(1), String(o.errors.total)];
  };
  const rows = [...ids, 'total'].map((id) => [id, ...results.flatMap((r) => cell(r, id))]);
  return [paint('bold', 'Side by side (latency in ms)', process.stderr), table(head, rows)].join('\n');
}



/**
 * The two drivers on one layout: per operation, throughput and p50 of each and their difference.
 * The embedded driver times from each request's scheduled start and (service time) from the send;
 * k6 from the send: Δ p50 compares k6 with the embedded driver's from-send p50, like with like.
 */
export function renderDriverComparison(results: LoadTestResult[]): string {
  const parts: string[] = [];
  const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
  const ms = (x: number | null) => (x === null ? '-' : x.toFixed(2));
  for (const c of compareAll(results)) {
    const ratio = (i: { lo: number; hi: number } | null) => (i === null ? '-' : `${i.lo.toFixed(2)}–${i.hi.toFixed(2)}`);
    const verdict = (v: string) => (v === 'not enough samples' ? `not enough samples (< ${c.minSamples})` : v === 'differs' ? `differs (few samples, but beyond ${P50_TOLERANCE * 100}%)` : v);
    const rows = c.operations.map((o) => [o.id, `${o.requests.embedded ?? '-'}/${o.requests.k6 ?? '-'}`, pct(o.throughput.delta), ms(o.p50.embeddedFromSchedule), ms(o.p50.embeddedFromSend), ms(o.p50.k6), pct(o.deltaP50), pct(o.deltaP50Send), ratio(o.ratioInterval), verdict(o.p50Verdict), `${o.errors.embedded}/${o.errors.k6}`]);
    const how = c.how && !/not side by side/.test(c.how) ? 'driven side by side, at the same time, sharing the load' : 'driven one after the other';
    parts.push(paint('bold', `${c.layout}: embedded vs k6, ${how} (${c.timing}; Δ p50 = k6 vs the embedded driver from the schedule, and from the send)`, process.stderr));
    parts.push(table(['operation', 'requests e/k6', 'Δ req/s', 'emb p50 sched', 'emb p50 send', 'k6 p50 send', 'Δ p50', 'Δ p50 send', 'k6/emb p50 interval', `p50 within ${P50_TOLERANCE * 100}%`, 'errors e/k6'], rows));
    parts.push(`compared on p50: ${c.compared} of ${c.operations.length} operations (each driver measured at least ${c.minSamples} requests of them; with ${c.intervals.minSamples} to ${c.minSamples - 1}, "differs" when the interval of the ratio k6/emb p50 lies wholly beyond ${P50_TOLERANCE * 100}%: 95% for the ${c.intervals.operations} operations with an interval together, z = ${c.intervals.z.toFixed(2)}); largest Δ throughput ${pct(c.largest.throughput)}, largest Δ p50 ${pct(c.largest.p50)} (from the send: ${pct(c.largest.p50Send)})`);
    parts.push(`the whole mix (${c.mix.requests.embedded}/${c.mix.requests.k6} requests): p50 embedded ${ms(c.mix.p50.embedded)} ms (from the schedule), k6 ${ms(c.mix.p50.k6)} ms (from the send), Δ ${pct(c.mix.deltaP50)}: ${c.mix.verdict}`);
    if (c.embeddedLag) parts.push(`the embedded driver started its requests late by ${c.embeddedLag.p50} ms (p50), ${c.embeddedLag.p99} ms (p99)${c.embeddedLag.p99 > 10 ? ': it was short of CPU, which is in its p50s (from the schedule, and in reading answers)' : ''}`);
    if (c.how) parts.push(paint('dim', `note: ${c.how}`, process.stderr));
  }
  return parts.join('\n');
}
