// `archsim validate`: blueprints and load profiles checked, every problem at once.
import { loadBlueprintResult } from '../../io/load.js';
import { validateLoadProfileFile } from '../../loadtest/profile/load.js';
import { out, paint, printDiagnostics, printJson } from '../io.js';
import { plural } from '../../words.js';
import type { LoadResult } from '../../model/parse.js';
import { formatPath, type Diagnostic } from '../../model/diagnostics.js';
import { diagnostic, type Locator } from '../../model/positioned.js';
import type { LoadedScenario } from '../scenarios.js';
import type { ScenarioProblem } from '../../simulate/scenario.js';

/**
 * A blueprint checked, with the failure scenarios it lists read (a missing or broken one is an
 * error) and resolved against it: one that can run on none of its layouts would stop `compare`
 * and `report`, so it is an error here, at the blueprint's entry.
 */
async function checkBlueprint(file: string): Promise<LoadResult> {
  const r = loadBlueprintResult(file);
  if (!r.ok || !r.blueprint.scenarios?.length) return r;
  // Only a blueprint that lists scenarios loads the scenario reader (validate starts light).
  const { blueprintScenarios } = await import('../scenarios.js');
  const { scenarios, problems } = blueprintScenarios(r.blueprint, file, r.locate);
  const { scenarioMisfit } = await import('../../simulate/scenario.js');
  for (const s of scenarios) problems.push(...misfitDiagnostics(r.blueprint.scenarios[s.listed!.index]!, s, scenarioMisfit(r.blueprint, s.scenario), r.locate));
  return problems.length ? { ok: false, errors: problems, warnings: r.warnings } : r;
}

/**
 * A listed scenario's problems on the blueprint, one line each at its `scenarios:` entry, the
 * scenario's own problem in the message (with where it is in a file of the user's: a bundled
 * one is not theirs to edit).
 */
function misfitDiagnostics(entry: string, s: LoadedScenario, problems: ScenarioProblem[], locate: Locator): Diagnostic[] {
  const what = s.listed?.bundled ? `bundled scenario ${JSON.stringify(entry.slice(0, 200))}` : `scenario file ${JSON.stringify(entry.slice(0, 200))}`;
  return problems.map((p) => {
    const at = !s.listed?.bundled && s.locate ? s.locate(p.path) : undefined;
    const where = at ? `${at.file}:${at.line}:${at.col}: ` : '';
    return diagnostic(locate, ['scenarios', s.listed!.index], `${what} cannot run on this blueprint: ${where}${formatPath(p.path)}: ${p.message}`);
  });
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
