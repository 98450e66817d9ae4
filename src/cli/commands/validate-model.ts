import { DEFAULT_POOL_WEIGHT } from '../../simulate/pool-weight.js';
import type { Command } from 'commander';
import { handle } from '../io.js';
import type { Flags } from '../actions/validate-model.js';

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
    .option('--min-requests <n>', 'a level’s window lasts long enough for this many requests at its rate (up to 60 s), so low levels’ percentiles rest on enough samples; 0: --duration only', '300')
    .option('--connections <n>', 'connections of the capacity (closed model) runs', '16')
    .option('--port-offset <n>', 'add N to every port of the started layouts', '0')
    .option('--speed-correction <c>', 'none (default): every layout predicted for the machine as the calibration layout’s runs found it; probe: each predicted layout for the machine as the speed probe taken before and after it found it (its CPU cost ratio to the calibration layout’s, shown per layout): it tracks the drift between single-process layouts, not yet multi-process ones')
    .option('--idle-model <m>', 'how work that finds its process or core idle is charged: cold (the platform’s cold-visit table, per process by its own pace; the default when the platform measurement has one) or slowdown (one host-wide idle slowdown fitted on the calibration’s runs)')
    .option('--pool-weight <w>', `how the host shares its cores between the services' thread-pool work (password hashes) and the rest, in the calibration and every prediction: 0 (the rest first) to 1 (an even share); default ${DEFAULT_POOL_WEIGHT}, measured on Linux (src/simulate/pool-weight.ts)`)
    .option('--cpu-sharing <how>', `how the host's cores are shared in the calibration and every prediction: thread (every thread alike, the pools at --pool-weight) or process (equally between processes, then between a process's threads: Linux's autogroup); default: as the platform measurement found this machine (calibrate --platform), thread where it says nothing`)
    .option('--cpu-slice <duration>', `with per-process sharing: hand the host's cores out in time slices of this length (e.g. 3ms), as Linux's scheduler does, in the calibration and every prediction, rather than sharing them continuously (a waking process preempts one that has run well ahead of it, others take turns)`)
    .option('--fast-db', 'PostgreSQL without crash safety (fsync… off): faster, describes no real deployment')
    .option('--html <file>', 'write the page of predicted against measured latency-against-load here')
    .option('--runs-out <file>', 'also write every measured run (per layout: capacity and levels) here, for --from-runs')
    .option('--from-runs <file>', 'predict from the runs an earlier --runs-out saved, without measuring again')
    .option('--platform-costs <file>', 'this machine’s platform measurement (archsim calibrate --platform -o FILE), used instead of measuring it first (about 2 minutes); with --from-runs, in place of the saved one')
    .option('--calibrated-dir <dir>', 'write the calibrated blueprints (one per direction, <name>.calibrated-on-<layout>.yaml) here, creating it if needed (default: a new temporary directory; the output names it)')
    .option('-o, --out <file>', 'write the comparison JSON here')
    .option('--force', 'overwrite --out, --html, --runs-out and the calibrated blueprints')
    .option('--json', 'print the comparison as JSON')
    .addHelpText('after', '\nThe prediction models this machine as the runs had it: all units, PostgreSQL and the load driver share its cores.\nErrors are (predicted − measured) / measured. Exit 0 when the loop ran; the errors are figures, not a pass/fail check.')
    .action((file: string, flags: Flags) => handle(async () => (await import('../actions/validate-model.js')).action(file, flags)));
}
