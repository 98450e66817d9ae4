import { choiceFlag } from '../flags.js';
import type { Command } from 'commander';
import { handle, out, printJson, UsageError } from '../io.js';

const FORMATS = ['mermaid', 'svg', 'png'] as const;
type Format = (typeof FORMATS)[number];

export function register(program: Command): void {
  program
    .command('graph')
    .description('draw a layout as a Mermaid flowchart, or one operation’s request through it as a sequence diagram (text, SVG or PNG)')
    .argument('<file>', 'blueprint YAML file')
    .requiredOption('-l, --layout <name>', 'the layout to draw')
    .option('--operation <op>', 'draw this operation (domain.operation) as a sequence diagram')
    .option('-f, --format <format>', 'mermaid (text), svg or png; svg and png need Chromium', 'mermaid')
    .option('-o, --out <file>', 'write to this file instead of stdout (png always needs --out)')
    .option('--force', 'overwrite --out if it exists')
    .option('--json', 'print { layout, operation, format, mermaid, out } as JSON (mermaid format only, or with --out)')
    .addHelpText('after', '\nChromium: /usr/bin/chromium, or CHROMIUM_PATH / PUPPETEER_EXECUTABLE_PATH.\nExit codes: 0 drawn, 2 bad input, unknown layout/operation, an existing --out without --force, or no Chromium for svg/png.')
    .action((file: string, opts: { layout: string; operation?: string; format: string; out?: string; force?: boolean; json?: boolean }) =>
      handle(async () => {
        const format: Format = choiceFlag('--format', opts.format, FORMATS);
        if (format === 'png' && !opts.out) throw new UsageError('--format png needs --out <file> (binary output is not written to a terminal)');
        if (opts.json && format !== 'mermaid' && !opts.out) throw new UsageError('--json with svg or png needs --out <file>');
        const { writeOneFile, WriteRefused } = await import('../../io/write-set.js');
        const { loadBlueprint } = await import('../../io/load.js');
        const { toMermaid } = await import('../../model/mermaid.js');
        const { requireLayout } = await import('../options.js');
        const { operationIndex } = await import('../../model/resolve.js');
        const { didYouMean } = await import('../../model/diagnostics.js');
        const { blueprint, files: inputs } = loadBlueprint(file);
        const layout = requireLayout(blueprint, opts.layout)!;
        if (opts.operation !== undefined && !operationIndex(blueprint).has(opts.operation)) {
          const ids = [...operationIndex(blueprint).keys()];
          throw new UsageError(`unknown operation "${opts.operation}"${didYouMean(opts.operation, ids)} (write domain.operation)`);
        }
        const text = toMermaid(blueprint, layout, { operation: opts.operation });
        let rendered: string | Buffer = text;
        if (format !== 'mermaid') {
          const { renderMermaid } = await import('../../io/render-mermaid.js');
          rendered = await renderMermaid(text, format); // NoChromium is a usage error by kind
        }
        if (opts.out) {
          try {
            writeOneFile(opts.out, rendered, { force: opts.force, inputs });
          } catch (e) {
            if (e instanceof WriteRefused) throw new UsageError(e.message);
            throw e;
          }
        }
        if (opts.json) printJson({ layout, operation: opts.operation ?? null, format, mermaid: text, out: opts.out ?? null });
        else if (!opts.out) out(String(rendered));
      }),
    );
}
