import type { Command } from 'commander';
import { handle } from '../io.js';
import type { GenerateCliOptions } from '../actions/generate.js';

// The help's copy of the library's TARGETS (generate/index.ts), which the action checks against:
// importing the library here would load it for every `--help`. test/cli/generate-targets.test.ts keeps both equal.
export const TARGET_LIST = ['compose', 'k8s', 'gateway', 'monitoring', 'k6', 'scaffold', 'all'];

export function register(program: Command): void {
  program
    .command('generate')
    .description('write the files to run a layout: compose, k8s, gateway, monitoring, k6, scaffold, or all')
    .argument('<target>', `what to generate: ${TARGET_LIST.join(', ')}`)
    .argument('<file>', 'blueprint YAML file')
    .option('-l, --layout <name>', 'the layout (required when the blueprint has more than one)')
    .option('-o, --out <dir>', 'output directory (required)')
    .option('--force', 'overwrite existing files (atomically)')
    .option('--dry-run', 'list what would be written, write nothing')
    .option('--json', 'report the files as JSON (path, bytes, sha256, status)')
    .option('--kind <kind>', 'gateway, compose, scaffold: the gateway kong, traefik or nginx (default: the layout’s gateway, else nginx)')
    .option('--canary <unit=percent>', 'gateway, compose, k8s, scaffold: send percent of a unit’s routes to it and the rest to the monolith, e.g. auth-service=10')
    .option('--plan <file>', 'gateway: a plan from `archsim plan` (its .plan.json); with --phase and --step')
    .option('--phase <n>', 'gateway: the plan phase (its layout is taken from the plan)')
    .option('--step <percent>', 'gateway: the canary step of the phase, e.g. 10 (0 is the rollback)')
    .option('--ingress <kind>', 'k8s, scaffold: ingress (default) or gateway-api (an HTTPRoute)')
    .option('--with-datastores', 'k8s, scaffold: also emit the datastores as StatefulSets')
    .option('--base-url <url>', 'k6: where requests go (default: the gateway on 127.0.0.1); gRPC operations dial its host on the gateway’s gRPC port, or without a gateway on each unit’s own port (GRPC_ADDR, <UNIT>_GRPC_ADDR at run time override)')
    .option('--rate <rate>', 'k6: total arrival rate, e.g. 200/s (default: the workload’s)')
    .option('--duration <duration>', 'k6: the whole run, the warm-up included, e.g. 60s (default: the workload’s)')
    .option('--operations <list>', 'k6: only these operations, comma-separated domain.op')
    .option('--users <n>', 'k6: closed model, N users (constant-vus) instead of a rate')
    .option('--think-time <d>', 'k6: with --users, how long a user waits after each answer')
    .option('--warmup <d>', 'k6: the run’s first part, a scenario of its own left out of the figures (shorter than --duration)')
    .option('--timeout <d>', 'k6: per-request timeout (default 5s, or 3 × the slowest operation’s p99 with no load when that is longer, up to 10m)')
    .option('--load-profile <file>', 'k6: setup, login and request bodies (default: <blueprint>.load.yaml beside the blueprint)')
    .option('--k6-operator', 'k6: also write k6/testrun.yaml, a k6-operator TestRun with the script in a ConfigMap (needs --base-url)')
    .option('--parallelism <n>', 'k6: with --k6-operator, the number of runner pods', '1')
    .addHelpText(
      'after',
      '\nNever overwrites a file without --force: every conflict is listed and nothing is written (exit 2).\nExamples:\n  archsim generate compose system.yaml --layout microservices --out deploy\n  archsim generate gateway system.yaml --layout strangler-relay --kind nginx --canary relay-service=10 --out gw\n  archsim generate all system.yaml --layout microservices --out deploy --dry-run',
    )
    .action((target: string, file: string, opts: GenerateCliOptions) => handle(async () => (await import('../actions/generate.js')).action(target, file, opts)));
}
