import type { Command } from 'commander';
import { handle, out, paint, printDiagnostics, printJson } from '../io.js';

export function register(program: Command): void {
  program
    .command('validate')
    .description('check blueprint files (and load profiles, *.load.yaml): syntax, schema and cross-references, every problem at once')
    .argument('<files...>', 'blueprint YAML files, or load profiles (NAME.load.yaml, checked against NAME.yaml beside it)')
    .option('--json', 'print the verdict as JSON')
    .addHelpText('after', '\nExit codes: 0 all valid, 2 any file has errors (each printed as file:line:col: message).')
    .action((files: string[], opts: { json?: boolean }) =>
      handle(async () => {
        const { loadBlueprintResult } = await import('../../io/load.js');
        const { validateLoadProfileFile } = await import('../../loadtest/profile/load.js');
        const results = files.map((file) => ({ file, r: file.endsWith('.load.yaml') ? validateLoadProfileFile(file) : loadBlueprintResult(file) }));
        const bad = results.filter((x) => !x.r.ok).length;
        if (opts.json) {
          printJson({
            valid: bad === 0,
            files: results.map(({ file, r }) => ({
              file,
              valid: r.ok,
              errors: r.ok ? [] : r.errors,
              warnings: r.warnings,
              ...(r.ok ? { name: r.blueprint.metadata.name, layouts: Object.keys(r.blueprint.layouts) } : {}),
            })),
          });
        } else {
          for (const { file, r } of results) {
            if (r.ok) {
              printDiagnostics(r.warnings);
              out(`${paint('green', '✓')} ${file}: ${r.blueprint.metadata.name}, ${Object.keys(r.blueprint.system.domains).length} domains, ${Object.keys(r.blueprint.layouts).length} layouts`);
            } else {
              printDiagnostics([...r.errors, ...r.warnings]);
              out(`${paint('red', '✗')} ${file}: ${r.errors.length} error${r.errors.length === 1 ? '' : 's'}`);
            }
          }
        }
        return bad ? 2 : 0;
      }),
    );
}
