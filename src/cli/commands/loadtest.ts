import type { Command } from 'commander';
import { collectList } from '../flags.js';
import { handle } from '../io.js';
import type { Opts } from '../actions/loadtest.js';

export function register(program: Command): void {
  program
    .command('loadtest')
    .description('load-test a layout of the reference services, or a running system on this machine, and write a result (latency percentiles, throughput, errors, per-process CPU and memory)')
    .argument('[file]', 'blueprint YAML file (its workload, operations and routes)')
    .option('-l, --layout <name>', 'start this layout, seed it, load it, stop it (with --target: the layout the running system is)')
    .option('--layouts <a,b>', 'measure several layouts under the same workload, side by side')
    .option('--operation <id>', 'load only this operation (repeat or comma-separate); default: the workload mix', collectList)
    .option('--rate <rate>', 'open model: constant arrival rate, e.g. 200/s (default: the workload rate)')
    .option('--users <n>', 'closed model: N connections with no think time (maximum throughput)')
    .option('--duration <d>', 'measured duration, e.g. 30s (default: the workload duration)')
    .option('--warmup <d>', 'load before measuring, driven but not recorded (default: the workload warmup, or 10s so JIT and connection pools settle)')
    .option('--replications <n>', 'measured windows back to back after the warm-up; figures get 95% intervals over them', '1')
    .option('--levels <list>', 'with --layout: measure the capacity (closed model, --users, default 16), then open-model runs at these fractions of it, e.g. 25%,50%,75%')
    .option('--runtime <runtime>', 'with --layout: process (each unit a process on this machine) or compose (the layout in containers, as `archsim up --runtime compose`; removed after)', 'process')
    .option('--healthy-within <duration>', 'with --runtime compose: how long the containers may take to be healthy (default 60s)')
    .option('--fast-db', 'embedded PostgreSQL without crash safety (fsync, synchronous_commit, full_page_writes off); default durable, as a real deployment')
    .option('--connections <n>', 'open model: bound on requests in flight')
    .option('--timeout <d>', 'per-request timeout (default 5s)')
    .option('--driver <name>', 'embedded (nothing to install), k6 (k6 v0.53+ on PATH or K6_BIN), or both (the same layout, both at the same time, each at half the load, compared per operation)', 'embedded')
    .option('--load-profile <file>', 'how to build valid requests (setup, login, bodies); default: <blueprint>.load.yaml beside the blueprint')
    .option('--think-time <d>', 'closed model (--users): how long a user waits after each answer')
    .option('--target <url>', 'load-test a system already running at this loopback URL (or "trivial": start the built-in trivial endpoint)')
    .option('--scenario <module>', 'with --target: a scenario module (exports createScenario(options) → { operations: [{ id, weight, build(ctx) }] })')
    .option('--pid <unit=pid>', 'with --target: a process of the system to measure (repeat)', collectList)
    .option('--db-pid <store=pid>', 'with --target: a database process to measure with its children (repeat)', collectList)
    .option('--k6-script <file>', 'with --driver k6 and --target: the k6 script to run')
    .option('--trivial-cpu <ms>', 'with --target trivial: CPU the endpoint spends per request')
    .option('--no-pin', 'do not pin the driver and the system to separate cores')
    .option('--port-offset <n>', 'add N to every port of the started layout (run beside another layout or `archsim up`)', '0')
    .option('-o, --out <file>', 'write the result JSON here')
    .option('--force', 'overwrite --out if it exists')
    .option('--json', 'print the result JSON on stdout')
    .addHelpText(
      'after',
      '\nOpen model (--rate): latency counts from each request\'s scheduled start, so a stalled system cannot hide its queue.\nClosed model (--users): N connections back to back, for the maximum throughput.\nProgress goes to stderr (a live view on a TTY); stdout carries only --json.\n\nExamples:\n  archsim loadtest --target trivial --rate 500/s --duration 10s\n  archsim loadtest --target trivial --users 16 --duration 5s --out max.json\n  archsim loadtest system.yaml --target http://127.0.0.1:8000 --operation auth.login --rate 100/s --pid app=4242\n  archsim loadtest system.yaml --layout monolith --rate 200/s --duration 30s --out monolith.json',
    )
    .action((file: string | undefined, opts: Opts) => handle(async () => (await import('../actions/loadtest.js')).action(file, opts)));
}
