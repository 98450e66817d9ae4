import type { Command } from 'commander';
import { handle } from '../io.js';

export function register(program: Command): void {
  program
    .command('inspect')
    .description('show what a blueprint holds: domains, operations, events, layouts, units, datastores and monthly cost')
    .argument('<file>', 'blueprint YAML file')
    .option('-l, --layout <name>', 'show only this layout')
    .option('--json', 'print as JSON')
    .action((file: string, opts: { layout?: string; json?: boolean }) => handle(async () => (await import('../actions/inspect.js')).action(file, opts)));
}
