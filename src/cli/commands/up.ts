import type { Command } from 'commander';
import { handle } from '../io.js';
import type { UpOpts } from '../actions/up.js';

export function register(program: Command): void {
  program
    .command('up')
    .description('run a layout of a blueprint for real: PostgreSQL, the reference services (one process per unit) and the gateway')
    .argument('<blueprint>', 'blueprint YAML whose domains the bundled reference services implement')
    .requiredOption('-l, --layout <name>', 'layout to run (monolith, modular-monolith, microservices, strangler-relay)')
    .option('--runtime <runtime>', 'process (each unit a supervised process on this machine) or compose (each unit a container: docker compose or docker-compose, every port on 127.0.0.1)', 'process')
    .option('--healthy-within <duration>', 'with --runtime compose: how long the containers may take to be healthy, from their creation (default 60s; a busy machine may need more)')
    .option('--db <mode>', 'embedded (a local cluster), url (DATABASE_URL, or DATABASE_URL_<DATASTORE> each) or container (testcontainers + Docker)', 'embedded')
    .option('--db-image <image>', 'with --db container or --runtime compose: an image honouring the official postgres image\'s POSTGRES_* variables (default postgres:16; scripts/build-local-images.sh builds one from Debian\'s packages)')
    .option('--port-offset <n>', 'add n to every blueprint port', '0')
    .option('--gateway-port <port>', 'run a gateway on this port for a layout whose blueprint has none (the monolith)')
    .option('--data-dir <dir>', 'keep the embedded cluster here (reused by the next up); default a temp dir removed on stop')
    .option('--fast-db', 'embedded PostgreSQL without crash safety (fsync, synchronous_commit, full_page_writes off): faster writes no real deployment has; default durable')
    .option('--log-dir <dir>', 'unit logs (JSON lines) go here; default .archsim/logs/<layout>')
    .option('-d, --detach', 'start in the background and return; stop with `archsim down`')
    .option('--json', 'print the endpoints as JSON')
    .addHelpText(
      'after',
      '\nPrints the gateway and unit endpoints once every unit answers /ready, then runs until Ctrl-C or SIGTERM,\nwhich stops everything (units drain in-flight requests). Exit codes: 0 stopped cleanly, 2 bad input or a port in use, 1 a unit failed.',
    )
    .action((bp: string, opts: UpOpts) => handle(async () => (await import('../actions/up.js')).action(bp, opts)));
}
