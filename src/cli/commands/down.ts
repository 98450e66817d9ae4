import type { Command } from 'commander';
import { handle } from '../io.js';

export function register(program: Command): void {
  program
    .command('down')
    .description('stop a detached `archsim up` (units, gateway and PostgreSQL)')
    .option('--json', 'print what was stopped as JSON')
    .addHelpText('after', '\nReads .archsim/run.json in the current directory. Exit codes: 0 stopped (or nothing was running).')
    .action((opts: { json?: boolean }) => handle(async () => (await import('../actions/down.js')).action(opts)));
}
