// `archsim graph`: a layout or an operation as Mermaid text, or rendered to SVG/PNG by Chromium.
import { choiceFlag } from '../flags.js';
import { out, outputError, printJson, UsageError } from '../io.js';
import { writeOneFile, WriteRefused } from '../../io/write-set.js';
import { loadBlueprint } from '../../io/load.js';
import { toMermaid } from '../../model/mermaid.js';
import { checkLayout } from '../sim-options.js';
import { operationIndex } from '../../model/resolve.js';
import { didYouMean } from '../../model/diagnostics.js';
import { renderMermaid } from '../../io/render-mermaid.js';

const FORMATS = ['mermaid', 'svg', 'png'] as const;
type Format = (typeof FORMATS)[number];

export async function action(file: string, opts: { layout?: string; operation?: string; format: string; out?: string; force?: boolean; json?: boolean }): Promise<number | void> {
  const format: Format = choiceFlag('--format', opts.format, FORMATS);
  if (format === 'png' && !opts.out) throw new UsageError('--format png needs --out <file> (binary output is not written to a terminal)');
  if (opts.json && format !== 'mermaid' && !opts.out) throw new UsageError('--json with svg or png needs --out <file>');
  const { blueprint, files: inputs } = loadBlueprint(file);
  const layout = checkLayout(blueprint, opts.layout);
  if (opts.operation !== undefined && !operationIndex(blueprint).has(opts.operation)) {
    const ids = [...operationIndex(blueprint).keys()];
    throw new UsageError(`unknown operation "${opts.operation}"${didYouMean(opts.operation, ids)} (write domain.operation)`);
  }
  const text = toMermaid(blueprint, layout, { operation: opts.operation });
  let rendered: string | Buffer = text;
  if (format !== 'mermaid') {
    rendered = await renderMermaid(text, format); // NoChromium is a usage error by kind
  }
  if (opts.out) {
    try {
      writeOneFile(opts.out, rendered, { force: opts.force, inputs });
    } catch (e) {
      if (e instanceof WriteRefused) throw new UsageError(e.message);
      // A file system refusal (a file where a folder of the path must be, permissions): one line, exit 2.
      throw outputError(opts.out, e);
    }
  }
  if (opts.json) printJson({ layout, operation: opts.operation ?? null, format, mermaid: text, out: opts.out ?? null });
  else if (!opts.out) out(String(rendered));
}
