import type { Command } from 'commander';
import { handle } from '../io.js';
import type { CompareFlags } from '../actions/compare.js';
import { AUTO_SCENARIO_HELP, HOP_COST_HELP, SCENARIO_DEFAULT_HELP } from '../scenario-help.js';

export function register(program: Command): void {
  program
    .command('compare')
    .description('layouts side by side on the same work: latency per operation, max sustainable throughput, fault isolation and monthly cost, each difference with its cause')
    .argument('<file>', 'blueprint YAML file')
    .option('--layouts <a,b,...>', 'layouts to compare (default: all); differences are explained between the first two')
    .option('--rate <rate>', 'the load for p95 and queueing (default: the blueprint workload)')
    .option('--scenario <file|auto...>', `failure scenarios for the fault-isolation table (${SCENARIO_DEFAULT_HELP})`)
    .option('--no-faults', 'skip the fault-isolation runs')
    .option('--seed <n>', 'random seed of the scenario runs', '1')
    .option('--calibration <file>', 'a calibration (archsim calibrate / validate-model overlay): its measured figures, and every layout on the host it was measured on (this machine) instead of each unit on its own instance')
    .option('--json', 'print the ComparisonResult as JSON')
    .addHelpText('after', `${AUTO_SCENARIO_HELP}\n${HOP_COST_HELP}\n\nExamples:\n  archsim compare system.yaml --layouts monolith,microservices\n  archsim compare system.yaml --scenario auto:orders-down auto:spike-orders.place\nExit codes: 0 done, 2 bad input.`)
    .action((file: string, opts: CompareFlags) => handle(async () => (await import('../actions/compare.js')).action(file, opts)));
}
