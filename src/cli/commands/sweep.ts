import { intFlag } from '../flags.js';
import type { Command } from 'commander';
import { handle, out, printJson } from '../io.js';
import type { SimFlags } from '../sim-options.js';

interface SweepFlags extends SimFlags {
  rates?: string;
  workers?: string;
}

export function register(program: Command): void {
  program
    .command('sweep')
    .description('latency against load for one layout: the curve, its knee and the saturation point (DES points run in parallel on worker threads)')
    .argument('<file>', 'blueprint YAML file')
    .option('-l, --layout <name>', 'the layout')
    .requiredOption('--rates <range>', 'rates: 50..2000 (20 points), 50..2000:50 (step), 50..2000x40 (points) or 100,200,400')
    .option('--method <m>', 'des (default: the points run in parallel, about a second per point of 30 s simulated time on one core) or analytic (instant, but it overstates latency near saturation where a request visits a station several times; see the note it prints)', 'des')
    .option('--duration <duration>', 'DES: simulated time per point', '30s')
    .option('--warmup <duration>', 'DES: warm-up per point', '3s')
    .option('--seed <n>', 'DES: random seed', '1')
    .option('--host-cores <n>', 'run everything on one host of N cores')
    .option('--workers <n>', 'DES: worker threads (default: all cores)')
    .option('--json', 'print the SweepResult as JSON')
    .addHelpText('after', '\nExample:\n  archsim sweep blueprints/quantchat.yaml --layout monolith --rates 50..700x14\nExit codes: 0 done, 2 bad input.')
    .action((file: string, opts: SweepFlags) =>
      handle(async () => {
        const os = await import('node:os');
        const { prepare, cliError } = await import('../sim-run.js');
        const { parseRates, sweepAnalytic, sweepCurve } = await import('../../simulate/sweep.js');
        const workers = opts.workers ? intFlag('--workers', opts.workers) : undefined;
        const { blueprint, layout, options } = await prepare(file, { ...opts, rate: undefined });
        let rates: number[];
        try {
          rates = parseRates(opts.rates!);
        } catch (e) {
          throw cliError(e);
        }
        let result;
        try {
          if (options.method === 'des') {
            const { runPool } = await import('../sim-pool.js');
            const { progress } = await import('../progress.js');
            const size = workers ?? os.availableParallelism();
            const p = await progress(`sweeping ${layout} (${rates.length} points)`);
            let results;
            try {
              results = await runPool(blueprint, rates.map((rate) => ({ layout, options: { ...options, rate } })), size, (done, f) => p.update(f.reduce((a, b) => a + b, 0) / rates.length, `${done}/${rates.length}`));
            } finally {
              p.done();
            }
            result = sweepCurve(blueprint, layout, 'des', rates.map((rate, i) => ({ rate, result: results[i]! })), options);
          } else result = sweepAnalytic(blueprint, layout, rates, options);
        } catch (e) {
          throw cliError(e);
        }
        if (opts.json) printJson(result);
        else {
          const { renderSweep } = await import('../render-sim.js');
          out(renderSweep(result));
        }
      }),
    );
}
