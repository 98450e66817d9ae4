import type { Command } from 'commander';
import { handle, out, printJson } from '../io.js';
import type { SimFlags } from '../sim-options.js';

export function register(program: Command): void {
  program
    .command('simulate')
    .description('predict per-operation latency (p50–max), throughput, errors, station utilization, the bottleneck and cost of a layout under a workload')
    .argument('<file>', 'blueprint YAML file')
    .option('-l, --layout <name>', 'the layout to simulate')
    .option('--rate <rate>', 'open workload: arrivals per second (default: the blueprint workload)')
    .option('--users <n>', 'closed workload: concurrent users')
    .option('--think-time <duration>', 'closed workload: mean think time (exponential)', undefined)
    .option('--duration <duration>', 'simulated time, e.g. 60s')
    .option('--warmup <duration>', 'simulated time left out of the statistics')
    .option('--seed <n>', 'random seed (same seed, same result)', '1')
    .option('--method <m>', 'des (discrete-event simulation) or analytic (M/M/c network)', 'des')
    .option('--replications <k>', 'independent runs for 95% confidence intervals', '1')
    .option('--scenario <file>', 'a failure/load scenario YAML file (or the name of a bundled one, e.g. database-failure)')
    .option('--host-cores <n>', 'run everything on one host of N cores (processor sharing): predicts a run on this machine')
    .option('--balance <lb>', 'load balancing across replicas: least-connections (default), round-robin or random')
    .option('--requests <n>', 'stop after this many requests (sets the duration from the rate)')
    .option('--target-rate <rate>', 'also price the fleet needed to hold this rate at 70% utilization')
    .option('--json', 'print the SimulationResult as JSON')
    .addHelpText('after', '\nExamples:\n  archsim simulate blueprints/quantchat.yaml --layout microservices --rate 400\n  archsim simulate blueprints/quantchat.yaml -l monolith --scenario database-failure\n  archsim simulate blueprints/quantchat.yaml -l monolith --method analytic --json\nExit codes: 0 done, 2 bad input (positioned for scenario files).')
    .action((file: string, opts: SimFlags) =>
      handle(async () => {
        const { prepare, runSimulation } = await import('../sim-run.js');
        const { blueprint, layout, options, locate } = await prepare(file, opts);
        const result = await runSimulation(blueprint, layout, options, locate, !opts.json);
        if (opts.json) printJson(result);
        else {
          const { renderSimulation } = await import('../render-sim.js');
          out(renderSimulation(result));
        }
      }),
    );
}
