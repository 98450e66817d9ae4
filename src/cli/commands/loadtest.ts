import type { Command } from 'commander';
import { choiceFlag, collectList, intFlag, listFlag, millisFlag, rateFlag, secondsFlag } from '../flags.js';
import { handle, err, paint, printJson, table, UsageError, CheckFailed } from '../io.js';
import type { LoadTestResult } from '../../loadtest/result.js';

type Opts = {
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
  trivialCpu?: string;
  pin: boolean;
  out?: string;
  force?: boolean;
  json?: boolean;
};


export function register(program: Command): void {
  program
    .command('loadtest')
    .description('load-test a layout of the reference services, or a running system on this machine, and write a result (latency percentiles, throughput, errors, per-process CPU and memory)')
    .argument('[file]', 'blueprint YAML file (its workload, operations and routes)')
    .option('-l, --layout <name>', 'start this layout, seed it, load it, stop it (with --target: the layout the running system is)')
    .option('--layouts <a,b>', 'measure several layouts under the same workload, side by side')
    .option('--operation <id>', 'load only this operation (repeat or comma-separate); default: the workload mix', collectList)
    .option('--rate <rate>', 'open model: constant arrival rate, e.g. 200/s (default: the workload rate)')
    .option('--users <n>', 'closed model: N connections with no think time (maximum throughput)')
    .option('--duration <d>', 'measured duration, e.g. 30s (default: the workload duration)')
    .option('--warmup <d>', 'load before measuring, not recorded (default: the workload warmup)')
    .option('--connections <n>', 'open model: bound on requests in flight')
    .option('--timeout <d>', 'per-request timeout (default 5s)')
    .option('--driver <name>', 'embedded (in-process, nothing to install) or k6', 'embedded')
    .option('--target <url>', 'load-test a system already running at this loopback URL (or "trivial": start the built-in trivial endpoint)')
    .option('--scenario <module>', 'with --target: a scenario module (exports createScenario(options) → { operations: [{ id, weight, build(ctx) }] })')
    .option('--pid <unit=pid>', 'with --target: a process of the system to measure (repeat)', collectList)
    .option('--db-pid <store=pid>', 'with --target: a database process to measure with its children (repeat)', collectList)
    .option('--k6-script <file>', 'with --driver k6 and --target: the k6 script to run')
    .option('--trivial-cpu <ms>', 'with --target trivial: CPU the endpoint spends per request')
    .option('--no-pin', 'do not pin the driver and the system to separate cores')
    .option('--port-offset <n>', 'add N to every port of the started layout (run beside another layout or `archsim up`)', '0')
    .option('-o, --out <file>', 'write the result JSON here')
    .option('--force', 'overwrite --out if it exists')
    .option('--json', 'print the result JSON on stdout')
    .addHelpText(
      'after',
      '\nOpen model (--rate): latency counts from each request\'s scheduled start, so a stalled system cannot hide its queue.\nClosed model (--users): N connections back to back, for the maximum throughput.\nProgress goes to stderr (a live view on a TTY); stdout carries only --json.\n\nExamples:\n  archsim loadtest --target trivial --rate 500/s --duration 10s\n  archsim loadtest --target trivial --users 16 --duration 5s --out max.json\n  archsim loadtest blueprints/quantchat.yaml --target http://127.0.0.1:8000 --operation auth.login --rate 100/s --pid app=4242\n  archsim loadtest blueprints/quantchat.yaml --layout monolith --rate 200/s --duration 30s --out monolith.json',
    )
    .action((file: string | undefined, opts: Opts) => handle(() => loadtestAction(file, opts)));
}

async function loadtestAction(file: string | undefined, o: Opts): Promise<number> {
  // Flags first: a bad value is reported before any file is read or anything starts.
  const driver = choiceFlag('--driver', o.driver, ['embedded', 'k6'] as const);
  const layouts = o.layouts ? listFlag(o.layouts) : o.layout ? [o.layout] : [];
  // With --target, --layout only names the layout the running system is (for the result and calibrate).
  if (o.target && layouts.length > 1) throw new UsageError('--layouts starts each layout in turn; with --target name at most one --layout');
  const rate = o.rate === undefined ? undefined : rateFlag('--rate', o.rate);
  const users = o.users === undefined ? undefined : intFlag('--users', o.users);
  if (rate !== undefined && users !== undefined) throw new UsageError('--rate (open model) and --users (closed model) exclude each other');
  const duration = o.duration === undefined ? undefined : secondsFlag('--duration', o.duration);
  const warmup = o.warmup === undefined ? undefined : secondsFlag('--warmup', o.warmup, { zero: true });
  const timeoutMs = (o.timeout === undefined ? 5 : secondsFlag('--timeout', o.timeout)) * 1000;
  const connections = o.connections === undefined ? undefined : intFlag('--connections', o.connections);
  const portOffset = intFlag('--port-offset', o.portOffset ?? '0', 0, 50_000);
  const trivialCpuMs = o.trivialCpu === undefined ? undefined : millisFlag('--trivial-cpu', o.trivialCpu);
  const processes = [...parsePids(o.pid ?? [], 'unit'), ...parsePids(o.dbPid ?? [], 'datastore')];

  const { existsSync, readFileSync, writeFileSync } = await import('node:fs');
  if (o.out && existsSync(o.out) && !o.force) throw new UsageError(`${o.out} exists; pass --force to overwrite it`);
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
    const { loadBlueprint } = await import('../../io/load.js');
    bp = loadBlueprint(file).blueprint;
    const { requireLayout } = await import('../options.js');
    for (const l of layouts) requireLayout(bp, l);
  }
  const { loadTest } = await import('../../loadtest/load-test.js');
  const progress = await progressSink();
  let results: LoadTestResult[];
  try {
    results = await loadTest({
      blueprint: bp,
      ...(file ? { blueprintFile: file } : {}),
      ...(o.target ? { target: o.target, targetLayout: layouts[0] ?? null } : { layouts }),
      driver,
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

  const output = results.length === 1 ? results[0]! : { schemaVersion: 1, results };
  if (o.out) writeFileSync(o.out, `${JSON.stringify(output, null, 2)}\n`);
  if (o.json) printJson(output);
  else err(renderResults(results));
  if (o.out && !o.json) err(`wrote ${o.out}`);
  if (results.some((r) => r.thresholdsCrossed)) throw new CheckFailed('k6 thresholds crossed (k6 exit code 99)');
  return 0;
}

type Sink = { update: (p: import('../../loadtest/driver/run.js').Progress) => void; label: (l: string) => void; done: () => void };

/** Progress on stderr, with or without --json (stdout carries only the JSON): a live ink view on a TTY, one line a second otherwise. */
async function progressSink(): Promise<Sink> {
  let label = 'load';
  // ink needs a terminal that reports its width; a pty without a size gets the plain lines.
  if (process.stderr.isTTY && !process.env.CI && (process.stderr.columns ?? 0) >= 40) {
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
  const { progressLine } = await import('../views/progress-line.js');
  return { update: (p) => err(progressLine(label, p)), label: (l) => (label = l), done: () => undefined };
}

function parsePids(list: string[], role: 'unit' | 'datastore') {
  return list.map((s) => {
    const m = /^([^=]+)=(\d+)$/.exec(s);
    if (!m) throw new UsageError(`--${role === 'unit' ? 'pid' : 'db-pid'} wants NAME=PID, not "${s}"`);
    return { unit: m[1]!, role, pid: Number(m[2]), tree: role === 'datastore' };
  });
}

export function renderResults(results: LoadTestResult[]): string {
  const parts: string[] = [];
  for (const r of results) {
    const head = `${r.run.layout ?? r.run.target} — ${r.run.driver} driver, ${r.run.model} model${r.run.rate ? ` at ${r.run.rate}/s` : ''}${r.run.model === 'closed' ? `, ${r.run.connections} connections` : ''}, ${r.run.duration} s`;
    parts.push(paint('bold', head, process.stderr));
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
    const errs = Object.entries(r.totals.errors.byKind).map(([k, n]) => `${k} ${n}`);
    if (errs.length) parts.push(`errors: ${errs.join(', ')}`);
    if (r.totals.dropped) parts.push(paint('yellow', `dropped: ${r.totals.dropped} requests never started (the system fell behind the schedule)`, process.stderr));
    if (r.processes.length) parts.push(table(['process', 'pid', 'cpu s', 'cpu util', 'rss max MiB'], r.processes.map((p) => [`${p.unit} (${p.role})`, p.pid, p.cpuSeconds.toFixed(2), `${(p.cpuUtilization * 100).toFixed(0)}%`, p.rssMaxMiB ?? '-'])));
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


