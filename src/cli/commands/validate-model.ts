import type { Command } from 'commander';
import { intFlag, listFlag, secondsFlag } from '../flags.js';
import { err, handle, out, printJson, table, UsageError } from '../io.js';

interface Flags {
  calibrateOn: string;
  predict?: string;
  reverse?: string;
  levels: string;
  duration: string;
  warmup: string;
  replications: string;
  connections: string;
  portOffset: string;
  fastDb?: boolean;
  html?: string;
  runsOut?: string;
  fromRuns?: string;
  out?: string;
  force?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('validate-model')
    .description('measure layouts of the reference services at load levels, calibrate the blueprint on one of them, predict the others, and report predicted against measured')
    .argument('<file>', 'blueprint whose domains the bundled reference services implement')
    .option('--calibrate-on <layout>', 'the layout whose runs (and only those) calibrate the blueprint', 'monolith')
    .option('--predict <a,b>', 'layouts predicted from the calibration, then measured (default: every other layout)')
    .option('--reverse <a,b>', 'also calibrate on each of these layouts and predict --calibrate-on (same measurements)')
    .option('--levels <list>', 'load levels as fractions of each layout’s measured capacity', '25%,50%,75%')
    .option('--duration <s>', 'seconds per measured window', '5')
    .option('--warmup <s>', 'seconds of warm-up (driven, not measured) before each layout’s first window', '10')
    .option('--replications <n>', 'measured windows per level (95% intervals over them)', '2')
    .option('--connections <n>', 'connections of the capacity (closed model) runs', '16')
    .option('--port-offset <n>', 'add N to every port of the started layouts', '0')
    .option('--fast-db', 'PostgreSQL without crash safety (fsync… off): faster, describes no real deployment')
    .option('--html <file>', 'write the page of predicted against measured latency-against-load here')
    .option('--runs-out <file>', 'also write every measured run (per layout: capacity and levels) here, for --from-runs')
    .option('--from-runs <file>', 'predict from the runs an earlier --runs-out saved, without measuring again')
    .option('-o, --out <file>', 'write the comparison JSON here')
    .option('--force', 'overwrite --out and --html')
    .option('--json', 'print the comparison as JSON')
    .addHelpText('after', '\nThe prediction models this machine as the runs had it: all units, PostgreSQL and the load driver share its cores.\nErrors are (predicted − measured) / measured. Exit 0 when the loop ran; the errors are figures, not a pass/fail check.')
    .action((file: string, flags: Flags) =>
      handle(async () => {
        const duration = secondsFlag('--duration', flags.duration);
        const warmup = secondsFlag('--warmup', flags.warmup, { zero: true });
        const replications = intFlag('--replications', flags.replications);
        const connections = intFlag('--connections', flags.connections);
        const portOffset = intFlag('--port-offset', flags.portOffset, 0, 50_000);
        const { parseLevels } = await import('../../loadtest/layout-run.js');
        let levels: number[];
        try {
          levels = parseLevels(flags.levels);
        } catch (e) {
          throw new UsageError(`--levels: ${(e as Error).message}`);
        }
        const { existsSync, writeFileSync } = await import('node:fs');
        for (const f of [flags.out, flags.html, flags.runsOut]) if (f && existsSync(f) && !flags.force) throw new UsageError(`${f} exists; use --force to overwrite`);
        const { loadBlueprint } = await import('../../io/load.js');
        const { didYouMean } = await import('../../model/diagnostics.js');
        const bp = loadBlueprint(file).blueprint;
        const names = Object.keys(bp.layouts);
        const predict = flags.predict ? listFlag(flags.predict) : names.filter((n) => n !== flags.calibrateOn);
        const reverse = flags.reverse ? listFlag(flags.reverse) : [];
        for (const l of [flags.calibrateOn, ...predict, ...reverse]) if (!bp.layouts[l]) throw new UsageError(`unknown layout "${l}"${didYouMean(l, names)}; layouts: ${names.join(', ')}`);
        const { validateModel, parseSavedRuns } = await import('../../loadtest/validate-model.js');
        let fromRuns;
        if (flags.fromRuns) {
          const { readInput } = await import('../../io/read-input.js');
          const t = readInput(flags.fromRuns);
          if (!t.ok) throw new UsageError(`${flags.fromRuns}: ${t.message}`);
          try {
            fromRuns = parseSavedRuns(t.text, flags.fromRuns);
          } catch (e) {
            throw new UsageError((e as Error).message);
          }
        }
        const v = await validateModel(file, { calibrateOn: flags.calibrateOn, predict, reverse, levels, duration, warmup, replications, connections, portOffset, fastDb: !!flags.fastDb, ...(flags.runsOut ? { runsOut: flags.runsOut } : {}), ...(fromRuns ? { fromRuns } : {}), log: (l) => err(`archsim: ${l}`) });
        if (flags.out) writeFileSync(flags.out, `${JSON.stringify(v, null, 2)}\n`);
        if (flags.html) {
          const { validationHtml } = await import('../../loadtest/validate-html.js');
          writeFileSync(flags.html, validationHtml(v));
        }
        if (flags.json) return printJson(v);
        const pct = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}%` : '—');
        const abs = (x: number) => pct(x).replace('+', '');
        const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '∞');
        const iv = (x: { lo: number; hi: number } | null) => (x ? ` (${x.lo.toFixed(1)}–${x.hi.toFixed(1)})` : '');
        out(`how measured: ${v.method}`);
        for (const d of v.directions) {
          out(`\ncalibrated on ${d.calibrateOn} (inputs: ${d.inputs.length} runs of ${[...new Set(d.inputs.map((i) => i.layout))].join(', ')})`);
          const rows = d.layouts.flatMap((l) =>
            l.levels.map((x) => [`${l.layout}${l.role === 'calibrated' ? ' (cal.)' : ''}`, `${Math.round(x.fraction * 100)}% = ${x.rate.toFixed(1)}/s`, ms(x.total.predicted.p50), `${ms(x.total.measured.p50)}${iv(x.total.measured.p50Interval)}`, ms(x.total.predicted.p95), `${ms(x.total.measured.p95)}${iv(x.total.measured.p95Interval)}`, abs(x.median.p50), abs(x.median.p95)]),
          );
          out(table(['layout', 'level', 'p50 pred', 'p50 meas (95%)', 'p95 pred', 'p95 meas (95%)', 'med |err| p50', 'med |err| p95'], rows));
          out(table(['layout', 'max throughput pred', 'measured (95%)', 'error'], d.layouts.map((l) => [l.layout, `${l.maxThroughput.predicted.toFixed(0)}/s`, `${l.maxThroughput.measured.toFixed(0)}/s${iv(l.maxThroughput.measuredInterval)}`, pct(l.maxThroughput.error)])));
          out(`median |error| over the predicted layouts: p50 ${abs(d.summary.p50)}, p95 ${abs(d.summary.p95)}, max throughput ${abs(d.summary.maxThroughput)}; ${d.calibrateOn} reproduced within p50 ${abs(d.reproduced.p50)}, p95 ${abs(d.reproduced.p95)}, max throughput ${abs(d.reproduced.maxThroughput)}`);
          out(`calibrated blueprint: ${d.overlay}`);
        }
        out(`\nmachine: ${v.machine.cores} × ${v.machine.cpu}, Node ${v.machine.node}, load average ${v.machine.loadAverage.join(' → ')}`);
        if (flags.html) out(`wrote ${flags.html}`);
        for (const n of v.notes) err(`note: ${n}`);
      }),
    );
}
