import type { Command } from 'commander';
import { handle } from '../io.js';
import { HOP_COST_HELP } from '../scenario-help.js';

export function register(program: Command): void {
  program
    .command('lint')
    .description('find coupling problems in a blueprint’s layouts: sync cycles, shared datastores, chatty requests, distributed writes, hubs, and the extraction order')
    .argument('<file>', 'blueprint YAML file')
    .option('-l, --layout <name>', 'lint only this layout (default: every layout)')
    .option('--fail-on <severity>', 'exit 1 when a finding of this severity or worse exists: info, warning or error', 'error')
    .option('--chatty <n>', 'a request with more than n cross-unit synchronous calls is chatty', '3')
    .option('--json', 'print findings as JSON')
    .addHelpText('after', `${HOP_COST_HELP}\n\nExit codes: 0 no finding reaches --fail-on, 1 one does, 2 bad input.`)
    .action((file: string, opts: { layout?: string; failOn: string; chatty: string; json?: boolean }) => handle(async () => (await import('../actions/lint.js')).action(file, opts)));
}
