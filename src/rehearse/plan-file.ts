// Reading a plan file (`archsim plan --out` writes <name>.plan.json) as hostile input: the one
// bounded reader (regular files only, size cap, UTF-8), JSON parsed as YAML so every problem
// comes back as file:line:col, checked against the plan's zod schema, refused when it is a plan
// of another blueprint, and when its canaries name units its layouts do not have (plan/
// units-check.ts: those names reach gateway configs and the terminal). Read by `rehearse`,
// `generate gateway --plan` and `report --plan`.
import type { Diagnostic } from '../model/diagnostics.js';
import { diagnostic, parseYamlWith } from '../model/positioned.js';
import type { Blueprint } from '../model/schema.js';
import { planUnitProblems } from '../plan/units-check.js';
import { Plan } from '../plan/schema.js';
import { readInput } from '../io/read-input.js';

export type PlanFileResult = { ok: true; plan: Plan } | { ok: false; errors: Diagnostic[] } | { ok: false; message: string };

export function readPlanFile(file: string, bp: Blueprint): PlanFileResult {
  const blueprint = bp.metadata.name;
  const read = readInput(file);
  if (!read.ok) return { ok: false, message: read.message };
  const r = parseYamlWith(Plan, read.text, file);
  if (!r.ok) return { ok: false, errors: r.errors };
  if (r.data.blueprint !== blueprint) {
    const shown = JSON.stringify(r.data.blueprint.slice(0, 80));
    return { ok: false, errors: [diagnostic(r.locate, ['blueprint'], `this is a plan of blueprint ${shown}, not of "${blueprint}"`)] };
  }
  const problems = planUnitProblems(r.data, bp);
  if (problems.length) return { ok: false, errors: problems.map((p) => diagnostic(r.locate, p.path, p.message)) };
  return { ok: true, plan: r.data };
}
