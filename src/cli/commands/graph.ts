import type { Command } from 'commander';
import { handle } from '../io.js';

export function register(program: Command): void {
  program
    .command('graph')
    .description('draw a layout as a Mermaid flowchart, or one operation’s request through it as a sequence diagram (text, SVG or PNG)')
    .argument('<file>', 'blueprint YAML file')
    .option('-l, --layout <name>', 'the layout to draw (required when the blueprint has more than one)')
    .option('--operation <op>', 'draw this operation (domain.operation) as a sequence diagram')
    .option('-f, --format <format>', 'mermaid (text), svg or png; svg and png need Chromium', 'mermaid')
    .option('-o, --out <file>', 'write to this file instead of stdout (png always needs --out)')
    .option('--force', 'overwrite --out if it exists')
    .option('--json', 'print { layout, operation, format, mermaid, out } as JSON (mermaid format only, or with --out)')
    .addHelpText('after', '\nChromium: /usr/bin/chromium, or CHROMIUM_PATH / PUPPETEER_EXECUTABLE_PATH.\nExit codes: 0 drawn, 2 bad input, unknown layout/operation, an existing --out without --force, or no Chromium for svg/png.')
    .action((file: string, opts: { layout?: string; operation?: string; format: string; out?: string; force?: boolean; json?: boolean }) => handle(async () => (await import('../actions/graph.js')).action(file, opts)));
}
