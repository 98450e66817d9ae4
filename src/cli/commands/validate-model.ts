import type { Command } from 'commander';
import { intFlag, listFlag, rateFlag, secondsFlag } from '../flags.js';
import { err, handle, out, printJson, table, UsageError } from '../io.js';

interface Flags {
  calibrateOn: string;
  predict: string;
  rate: string;
  duration: string;
  connections: string;
  portOffset: string;
  out?: string;
  force?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('validate-model')
    .description('measure one layout of the reference services, calibrate the blueprint on it, predict other layouts, measure them, and report the prediction error')
    .argument('<file>', 'blueprint with reference services (blueprints/quantchat.yaml)')
    .option('--calibrate-on <layout>', 'the layout measured to calibrate the blueprint', 'monolith')
    .option('--predict <a,b>', 'layouts predicted from the calibration, then measured', 'microservices')
    .option('--rate <r>', 'open-model rate of the latency runs (the calibration also runs at twice it)', '40/s')
    .option('--duration <d>', 'measured seconds per run', '10s')
    .option('--connections <n>', 'connections of the maximum-throughput (closed model) runs', '16')
    .option('--port-offset <n>', 'add N to every port of the started layouts', '0')
    .option('-o, --out <file>', 'write the comparison JSON here')
    .option('--force', 'overwrite --out')
    .option('--json', 'print the comparison as JSON')
    .addHelpText('after', '\nThe prediction models this machine as the runs had it: all units, PostgreSQL and the load driver share its cores.\nErrors are (predicted − measured) / measured. Exit 0 when the loop ran; the errors are figures, not a pass/fail check.')
    .action((file: string, flags: Flags) =>
      handle(async () => {
        const rate = rateFlag('--rate', flags.rate);
        const duration = secondsFlag('--duration', flags.duration);
        const connections = intFlag('--connections', flags.connections);
        const portOffset = intFlag('--port-offset', flags.portOffset, 0, 50_000);
        const predict = listFlag(flags.predict);
        const { existsSync, writeFileSync } = await import('node:fs');
        if (flags.out && existsSync(flags.out) && !flags.force) throw new UsageError(`${flags.out} exists; use --force to overwrite`);
        const { loadBlueprint } = await import('../../io/load.js');
        const { didYouMean } = await import('../../model/diagnostics.js');
        const bp = loadBlueprint(file).blueprint;
        const names = Object.keys(bp.layouts);
        for (const l of [flags.calibrateOn, ...predict]) if (!bp.layouts[l]) throw new UsageError(`unknown layout "${l}"${didYouMean(l, names)}; layouts: ${names.join(', ')}`);
        const { validateModel } = await import('../../loadtest/validate-model.js');
        const v = await validateModel(file, { calibrateOn: flags.calibrateOn, predict, rate, duration, connections, portOffset, log: (l) => err(`archsim: ${l}`) });
        if (flags.out) writeFileSync(flags.out, `${JSON.stringify(v, null, 2)}\n`);
        if (flags.json) return printJson(v);
        const pct = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}%` : '—');
        const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '∞');
        for (const l of v.layouts) {
          out(`\n${l.layout} (${l.role}) at ${l.rate}/s — p50 and p95 in ms, predicted / measured / error`);
          out(table(['operation', 'p50 pred', 'p50 meas', 'p50 err', 'p95 pred', 'p95 meas', 'p95 err'], l.operations.map((o) => [o.id, ms(o.predicted.p50), ms(o.measured.p50), pct(o.error.p50), ms(o.predicted.p95), ms(o.measured.p95), pct(o.error.p95)])));
          out(`max throughput of the mix: predicted ${l.maxThroughput.predicted.toFixed(0)}/s, measured ${l.maxThroughput.measured.toFixed(0)}/s (${pct(l.maxThroughput.error)})`);
        }
        out(`\nmedian |error| over the predicted layouts: p50 ${pct(v.summary.p50).replace('+', '')}, p95 ${pct(v.summary.p95).replace('+', '')}, max throughput ${pct(v.summary.maxThroughput).replace('+', '')}`);
        out(`machine: ${v.machine.cores} × ${v.machine.cpu}, Node ${v.machine.node}; calibrated blueprint: ${v.overlay}`);
        for (const n of v.notes) err(`note: ${n}`);
      }),
    );
}
