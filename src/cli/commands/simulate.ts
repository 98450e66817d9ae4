import type { Command } from 'commander';
import { handle } from '../io.js';
import type { SimFlags } from '../sim-options.js';
import { AUTO_SCENARIO_HELP, HOP_COST_HELP } from '../scenario-help.js';
import { DEFAULT_POOL_WEIGHT } from '../../simulate/pool-weight.js';

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
    .option('--scenario <file|auto:name>', 'a failure/load scenario: a YAML file, the name of a bundled one (database-failure), or an automatic one (auto:<name>)')
    .option('--host-cores <n>', 'run everything on one host of N cores (processor sharing): predicts a run on this machine')
    .option('--pool-weight <w>', `with --host-cores: the thread pools' work (password hashing, compression) against the rest of the host, 0 (the rest first) to 1 (an even share); default ${DEFAULT_POOL_WEIGHT}, measured on Linux`)
    .option('--cpu-sharing <how>', 'with --host-cores: thread (default: every thread alike, the pools at --pool-weight) or process (equally between processes, then between each one’s threads, as Linux’s autogroup does; a database connection is a process): DES only')
    .option('--cpu-slice <duration>', 'with --host-cores: hand the cores out per process in time slices of this length (e.g. 3ms), as Linux’s scheduler does, rather than sharing them continuously: a waking process preempts one that has run well ahead, others take turns (implies --cpu-sharing process; DES only)')
    .option('--balance <lb>', 'load balancing across replicas: least-connections (default), round-robin or random')
    .option('--arrivals <a>', 'open workload: poisson (independent clients; default: the blueprint workload’s, else poisson) or paced (evenly spaced, the mix in a fixed interleaved order, as archsim loadtest and k6 at a constant rate send them)')
    .option('--requests <n>', 'stop after this many requests (sets the duration to the time the rate, or the load profile, takes to bring them)')
    .option('--target-rate <rate>', 'also price the fleet needed to hold this rate at 70% utilization')
    .option('--json', 'print the SimulationResult as JSON')
    .addHelpText('after', `${AUTO_SCENARIO_HELP}\n${HOP_COST_HELP}\n\nExamples:\n  archsim simulate system.yaml --layout microservices --rate 400\n  archsim simulate system.yaml -l monolith --scenario database-failure\n  archsim simulate system.yaml -l microservices --scenario auto:orders-down\n  archsim simulate system.yaml -l monolith --method analytic --json\nExit codes: 0 done, 2 bad input (positioned for scenario files).`)
    .action((file: string, opts: SimFlags) => handle(async () => (await import('../actions/simulate.js')).action(file, opts)));
}
