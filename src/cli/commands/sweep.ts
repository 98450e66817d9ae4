import type { Command } from 'commander';
import { handle } from '../io.js';
import { DEFAULT_POOL_WEIGHT } from '../../simulate/pool-weight.js';
import type { SweepFlags } from '../actions/sweep.js';

export function register(program: Command): void {
  program
    .command('sweep')
    .description('latency against load for one layout: the curve, its knee and the saturation point (DES points run in parallel on worker threads)')
    .argument('<file>', 'blueprint YAML file')
    .option('-l, --layout <name>', 'the layout')
    .requiredOption('--rates <range>', 'rates per second: 50..2000 (20 points), 50..2000:50 (step), 50..2000x40 (points) or 100,200,400; each may carry a unit (6k/min..12k/min)')
    .option('--method <m>', 'des (default: the points run in parallel, about a second per point of 30 s simulated time on one core) or analytic (instant, but it overstates latency near saturation where a request visits a station several times; see the note it prints)', 'des')
    .option('--duration <duration>', 'DES: simulated time per point', '30s')
    .option('--warmup <duration>', 'DES: warm-up per point (default 3s, or a tenth of a --duration of 3s or less)')
    .option('--seed <n>', 'DES: random seed', '1')
    .option('--host-cores <n>', 'run everything on one host of N cores')
    .option('--pool-weight <w>', `with --host-cores: the thread pools' work (password hashing, compression) against the rest of the host, 0 (the rest first) to 1 (an even share); default ${DEFAULT_POOL_WEIGHT}`)
    .option('--cpu-sharing <how>', 'with --host-cores: thread (default: every thread alike, the pools at --pool-weight) or process (equally between processes, then between each one’s threads, as Linux’s autogroup does; a database connection is a process): DES only')
    .option('--cpu-slice <duration>', 'with --host-cores: hand the cores out per process in time slices of this length (e.g. 3ms), as Linux’s scheduler does, rather than sharing them continuously: a waking process preempts one that has run well ahead, others take turns (implies --cpu-sharing process; DES only)')
    .option('--workers <n>', 'DES: worker threads (default: all cores)')
    .option('--json', 'print the SweepResult as JSON')
    .addHelpText('after', '\nExample:\n  archsim sweep system.yaml --layout monolith --rates 50..700x14\nExit codes: 0 done, 2 bad input.')
    .action((file: string, opts: SweepFlags) => handle(async () => (await import('../actions/sweep.js')).action(file, opts)));
}
