// `archsim validate`: blueprints and load profiles checked, every problem at once.
import { loadBlueprintResult } from '../../io/load.js';
import { validateLoadProfileFile } from '../../loadtest/profile/load.js';
import { out, paint, printDiagnostics, printJson } from '../io.js';
import { plural } from '../../words.js';
import type { LoadResult } from '../../model/parse.js';

/** A blueprint checked, with the failure scenarios it lists read (a missing or broken one is an error). */
async function checkBlueprint(file: string): Promise<LoadResult> {
  const r = loadBlueprintResult(file);
  if (!r.ok || !r.blueprint.scenarios?.length) return r;
  // Only a blueprint that lists scenarios loads the scenario reader (validate starts light).
  const { blueprintScenarios } = await import('../scenarios.js');
  const { problems } = blueprintScenarios(r.blueprint, file, r.locate);
  return problems.length ? { ok: false, errors: problems, warnings: r.warnings } : r;
}

export async function action(files: string[], opts: { json?: boolean }): Promise<number> {
  const results = [];
  for (const file of files) results.push({ file, r: file.endsWith('.load.yaml') ? validateLoadProfileFile(file) : await checkBlueprint(file) });
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
        out(`${paint('green', '✓')} ${file}: ${r.blueprint.metadata.name}, ${plural(Object.keys(r.blueprint.system.domains).length, 'domain')}, ${plural(Object.keys(r.blueprint.layouts).length, 'layout')}`);
      } else {
        printDiagnostics([...r.errors, ...r.warnings]);
        out(`${paint('red', '✗')} ${file}: ${r.errors.length} error${r.errors.length === 1 ? '' : 's'}`);
      }
    }
  }
  return bad ? 2 : 0;
}
