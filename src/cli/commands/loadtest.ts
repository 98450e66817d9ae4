import type { Command } from 'commander';
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

const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

export function register(program: Command): void {
  program
    .command('loadtest')
    .description('load-test a layout of the reference services, or a running system on this machine, and write a result (latency percentiles, throughput, errors, per-process CPU and memory)')
    .argument('[file]', 'blueprint YAML file (its workload, operations and routes)')
    .option('-l, --layout <name>', 'start this layout, seed it, load it, stop it (with --target: the layout the running system is)')
    .option('--layouts <a,b>', 'measure several layouts under the same workload, side by side')
    .option('--operation <id>', 'load only this operation (repeat or comma-separate); default: the workload mix', collect)
    .option('--rate <rate>', 'open model: constant arrival rate, e.g. 200/s (default: the workload rate)')
    .option('--users <n>', 'closed model: N connections with no think time (maximum throughput)')
    .option('--duration <d>', 'measured duration, e.g. 30s (default: the workload duration)')
    .option('--warmup <d>', 'load before measuring, not recorded (default: the workload warmup)')
    .option('--connections <n>', 'open model: bound on requests in flight')
    .option('--timeout <d>', 'per-request timeout (default 5s)')
    .option('--driver <name>', 'embedded (in-process, nothing to install) or k6', 'embedded')
    .option('--target <url>', 'load-test a system already running at this loopback URL (or "trivial": start the built-in trivial endpoint)')
    .option('--scenario <module>', 'with --target: a scenario module (exports createScenario(options) → { operations: [{ id, weight, build(ctx) }] })')
    .option('--pid <unit=pid>', 'with --target: a process of the system to measure (repeat)', collect)
    .option('--db-pid <store=pid>', 'with --target: a database process to measure with its children (repeat)', collect)
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
  const { existsSync, readFileSync, writeFileSync } = await import('node:fs');
  const { pathToFileURL } = await import('node:url');
  const { resolve } = await import('node:path');
  const { parseRate, parseDuration } = await import('../../model/units.js');
  const { planLoad } = await import('../../loadtest/plan.js');

  if (o.out && existsSync(o.out) && !o.force) throw new UsageError(`${o.out} exists; pass --force to overwrite it`);
  if (o.driver !== 'embedded' && o.driver !== 'k6') throw new UsageError(`--driver must be embedded or k6, not "${o.driver}"`);
  const layouts = o.layouts ? collect(o.layouts) : o.layout ? [o.layout] : [];
  if (!o.target && layouts.length === 0) throw new UsageError('say what to load: --layout NAME (with a blueprint file) or --target URL');
  // With --target, --layout only names the layout the running system is (for the result and calibrate).
  if (o.target && layouts.length > 1) throw new UsageError('--layouts starts each layout in turn; with --target name at most one --layout');
  if (layouts.length && !file) throw new UsageError('--layout needs a blueprint file');

  const seconds = (v: string | undefined, name: string) => {
    if (v === undefined) return undefined;
    const p = parseDuration(/^[0-9.]+$/.test(v) ? `${v}s` : v);
    if (!p.ok || !(p.value > 0)) throw new UsageError(`--${name}: ${p.ok ? 'must be positive' : p.message}`);
    return p.value / 1000;
  };
  const count = (v: string | undefined, name: string) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive whole number, not "${v}"`);
    return n;
  };
  let rate: number | undefined;
  if (o.rate !== undefined) {
    const p = parseRate(/^[0-9.]+$/.test(o.rate) ? `${o.rate}/s` : o.rate);
    if (!p.ok || !(p.value > 0)) throw new UsageError(`--rate: ${p.ok ? 'must be positive' : p.message}`);
    rate = p.value;
  }
  const users = count(o.users, 'users');
  if (rate !== undefined && users !== undefined) throw new UsageError('--rate (open model) and --users (closed model) exclude each other');
  const timeoutMs = (seconds(o.timeout, 'timeout') ?? 5) * 1000;

  let bp = null;
  if (file) {
    const { loadBlueprint } = await import('../../io/load.js');
    bp = loadBlueprint(file).blueprint;
    for (const l of layouts) {
      if (!bp.layouts[l]) {
        const { didYouMean } = await import('../../model/diagnostics.js');
        throw new UsageError(`unknown layout "${l}"${didYouMean(l, Object.keys(bp.layouts))}; layouts: ${Object.keys(bp.layouts).join(', ')}`);
      }
    }
  }
  let plan;
  try {
    plan = planLoad(bp, {
      operations: o.operation,
      rate,
      users,
      duration: seconds(o.duration, 'duration') ?? (bp ? undefined : 10),
      warmup: seconds(o.warmup, 'warmup'),
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }

  const progress = await progressSink(!!o.json);
  const results: LoadTestResult[] = [];
  try {
    if (o.target) {
      results.push(await runTarget(o.target, o, plan, bp, layouts[0] ?? null, timeoutMs, progress, { readFileSync, pathToFileURL, resolve }));
    } else {
      const { measureLayout, startLayoutUnderTest, k6ScriptForLayout, NotWiredYet } = await import('../../loadtest/layout-run.js');
      const usage = (e: unknown) => (e instanceof NotWiredYet ? new UsageError(e.message) : e);
      for (const layout of layouts) {
        progress.label(layout);
        const portOffset = portOffsetOf(o.portOffset);
        if (o.driver !== 'k6') {
          const run = measureLayout(bp!, file!, layout, plan, { portOffset, timeoutMs, connections: count(o.connections, 'connections'), pin: o.pin, onProgress: progress.update });
          results.push(await run.catch((e: unknown) => Promise.reject(usage(e))));
          continue;
        }
        const [{ findK6 }, { loadTestTargetK6 }] = await Promise.all([import('../../loadtest/k6.js'), import('../../loadtest/target.js')]);
        if (!findK6()) throw new UsageError('--driver k6: no k6 on PATH and no K6_BIN; use --driver embedded (the default)');
        const sut = await startLayoutUnderTest(bp!, file!, layout, plan, { portOffset }).catch((e: unknown) => Promise.reject(usage(e)));
        try {
          const script = await k6ScriptForLayout(bp!, layout, plan, sut.baseUrl);
          results.push(await loadTestTargetK6({ target: sut.baseUrl, script, operations: Object.keys(plan.mix), processes: sut.processes, pin: o.pin, rate: plan.rate, blueprint: bp!.metadata.name, layout, onLine: (l) => err(l) }));
        } finally {
          await sut.stop();
        }
      }
    }
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

/** Progress on stderr: a live ink view on a TTY, one line a second otherwise, nothing with --json on a pipe. */
async function progressSink(json: boolean): Promise<Sink> {
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
  void json;
  return { update: (p) => err(progressLine(label, p)), label: (l) => (label = l), done: () => undefined };
}

async function runTarget(
  target: string,
  o: Opts,
  plan: import('../../loadtest/plan.js').LoadPlan,
  bp: import('../../model/schema.js').Blueprint | null,
  layout: string | null,
  timeoutMs: number,
  progress: Sink,
  fs: { readFileSync: typeof import('node:fs').readFileSync; pathToFileURL: typeof import('node:url').pathToFileURL; resolve: typeof import('node:path').resolve },
): Promise<LoadTestResult> {
  const { assertLoopback, trivialScenario, LoopbackError } = await import('../../loadtest/scenario.js');
  const { loadTestTarget } = await import('../../loadtest/target.js');
  const { runnableFile } = await import('../../loadtest/runnable.js');
  const processes: import('../../loadtest/proc.js').ProcTarget[] = [...parsePids(o.pid ?? [], 'unit'), ...parsePids(o.dbPid ?? [], 'datastore')];
  let stop: (() => Promise<void>) | null = null;
  const notes: string[] = [];
  try {
    if (target === 'trivial') {
      const { startTrivialServer } = await import('../../loadtest/trivial-server.js');
      const cpuMs = o.trivialCpu === undefined ? undefined : Number(o.trivialCpu);
      if (cpuMs !== undefined && !(cpuMs >= 0)) throw new UsageError('--trivial-cpu must be a number of milliseconds');
      const s = await startTrivialServer({ cpuMs });
      stop = s.stop;
      target = s.url;
      processes.push({ unit: 'trivial', role: 'sut', pid: s.pid });
      notes.push(`target: the built-in trivial endpoint${cpuMs ? ` spinning ${cpuMs} ms per request` : ''}`);
    }
    try {
      assertLoopback(target);
    } catch (e) {
      if (e instanceof LoopbackError) throw new UsageError(e.message);
      throw e;
    }
    // The scenario: a module, else the blueprint's routes for the mix, else GET /.
    let scenario;
    if (o.scenario) scenario = { module: fs.pathToFileURL(fs.resolve(o.scenario)).href };
    else if (bp && Object.keys(plan.mix).length) {
      const { operationIndex } = await import('../../model/resolve.js');
      const idx = operationIndex(bp);
      scenario = {
        module: fs.pathToFileURL(runnableFile(import.meta.url, '../../loadtest/scenarios/routes.js')).href,
        options: { operations: Object.entries(plan.mix).map(([id, weight]) => ({ id, weight, method: idx.get(id)!.op.route!.method, path: idx.get(id)!.op.route!.path })) },
      };
      notes.push('requests built from the blueprint routes ({param} = small integers, empty JSON bodies, no authentication)');
    } else scenario = trivialScenario();

    if (o.driver === 'k6') {
      const { findK6 } = await import('../../loadtest/k6.js');
      const { loadTestTargetK6 } = await import('../../loadtest/target.js');
      if (!findK6()) throw new UsageError('--driver k6: no k6 on PATH and no K6_BIN; use --driver embedded (the default)');
      if (!o.k6Script) throw new UsageError('--driver k6 with --target needs --k6-script FILE (archsim generate k6 writes one)');
      let script: string;
      try {
        script = fs.readFileSync(o.k6Script, 'utf8');
      } catch {
        throw new UsageError(`cannot read ${o.k6Script}`);
      }
      return await loadTestTargetK6({ target, script, operations: Object.keys(plan.mix), processes, pin: o.pin, rate: plan.rate, blueprint: bp?.metadata.name ?? null, layout, notes, onLine: (l) => err(l) });
    }
    return await loadTestTarget({
      target,
      scenario,
      processes,
      model: plan.model,
      rate: plan.rate ?? undefined,
      connections: plan.users ?? (o.connections ? Number(o.connections) : undefined),
      duration: plan.duration,
      warmup: plan.warmup,
      timeoutMs,
      pin: o.pin,
      blueprint: bp?.metadata.name ?? null,
      layout,
      notes,
      onProgress: progress.update,
    });
  } finally {
    await stop?.();
  }
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

function portOffsetOf(v: string | undefined): number {
  const n = Number(v ?? 0);
  if (!Number.isInteger(n) || n < 0 || n > 50_000) throw new UsageError(`--port-offset "${v}" is not a whole number from 0 to 50000`);
  return n;
}
