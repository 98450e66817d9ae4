import type { Command } from 'commander';
import { handle } from '../io.js';

export function register(program: Command): void {
  program
    .command('status')
    .description('show what `archsim up` runs here: each unit, its pid, whether it is up and how often it was restarted')
    .option('--json', 'print the status as JSON')
    .addHelpText(
      'after',
      '\nReads .archsim/run.json in the current directory (the supervisor keeps it current) and checks each pid.\nExit codes: 0 everything up (or nothing running), 1 the supervisor or a unit is down.',
    )
    .action((opts: { json?: boolean }) => handle(async () => (await import('../actions/status.js')).action(opts)));
}
