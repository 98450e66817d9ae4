import type { Command } from 'commander';
import { handle } from '../io.js';

export function register(program: Command): void {
  program
    .command('validate')
    .description('check blueprint files (and load profiles, *.load.yaml): syntax, schema and cross-references, every problem at once')
    .argument('<files...>', 'blueprint YAML files, or load profiles (NAME.load.yaml, checked against NAME.yaml beside it)')
    .option('--json', 'print the verdict as JSON')
    .addHelpText('after', '\nExit codes: 0 all valid, 2 any file has errors (each printed as file:line:col: message).')
    .action((files: string[], opts: { json?: boolean }) => handle(async () => (await import('../actions/validate.js')).action(files, opts)));
}
