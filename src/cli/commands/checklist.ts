import type { Command } from 'commander';
import { handle, interactive, out, paint, printJson } from '../io.js';
import type { ChecklistItem, ChecklistResult } from '../../model/checklist.js';

export function register(program: Command): void {
  program
    .command('checklist')
    .description('are we ready for microservices? seed 001’s 16-question decision framework, with the answers a blueprint already knows')
    .argument('[file]', 'blueprint YAML file (derives answers and the first unit to extract)')
    .option('-l, --layout <name>', 'judge this layout (default: the layout with the most units)')
    .option('-a, --answers <file>', 'YAML mapping question ids to true/false (overrides derived answers)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nQuestion ids: monitoring, orchestration, ci-cd, gateway, team-size, devops, team-per-service, on-call,\n' +
        'bounded-contexts, independence, communication, db-migration, budget, complexity, timeline, roi.\n' +
        'Score < 8: stay with a modular monolith; 8–12: start a gradual migration; 13+: full microservices\n' +
        '(seed 001 says "12+", overlapping "8-12" at 12; archsim counts 12 as gradual).\n' +
        'On a terminal (not CI, no --json/--answers) the list is interactive: ↑/↓ or j/k, space, enter or q.',
    )
    .action((file: string | undefined, opts: { layout?: string; answers?: string; json?: boolean }) =>
      handle(async () => {
        const { checklist, QUESTION_IDS } = await import('../../model/checklist.js');
        let blueprint;
        if (file !== undefined) {
          const { loadBlueprint } = await import('../../io/load.js');
          blueprint = loadBlueprint(file).blueprint;
        }
        if (opts.layout !== undefined) {
          const { requireLayout } = await import('../options.js');
          const { UsageError } = await import('../io.js');
          if (!blueprint) throw new UsageError('--layout needs a blueprint file');
          requireLayout(blueprint, opts.layout);
        }
        let answers: Record<string, boolean> | undefined;
        if (opts.answers !== undefined) answers = await readAnswers(opts.answers, QUESTION_IDS);
        let result = checklist({ blueprint, layout: opts.layout, answers });
        if (interactive() && !opts.json && opts.answers === undefined) {
          const items = await ask(result);
          const asked: Record<string, boolean> = {};
          for (const it of items) if (it.source === 'answer') asked[it.id] = it.checked;
          result = checklist({ blueprint, layout: opts.layout, answers: asked });
        }
        if (opts.json) printJson(result);
        else out(renderChecklist(result));
      }),
    );
}

async function readAnswers(path: string, ids: readonly string[]): Promise<Record<string, boolean>> {
  const [{ readInput }, { z }, { parseYamlWith }, { InputError }] = await Promise.all([
    import('../../io/read-input.js'),
    import('zod'),
    import('../../model/positioned.js'),
    import('../io.js'),
  ]);
  const t = readInput(path);
  if (!t.ok) throw new InputError([{ file: path, line: 1, col: 1, path: [], message: t.message, severity: 'error' }]);
  const text = t.text;
  const schema = z.strictObject(Object.fromEntries(ids.map((id) => [id, z.boolean().optional()]))).nullable();
  const r = parseYamlWith(schema, text, path);
  if (!r.ok) throw new InputError(r.errors);
  const data = (r.data ?? {}) as Record<string, boolean | undefined>;
  return Object.fromEntries(Object.entries(data).filter((e): e is [string, boolean] => e[1] !== undefined));
}

async function ask(result: ChecklistResult): Promise<ChecklistItem[]> {
  const [{ render }, { createElement }, { ChecklistView }] = await Promise.all([import('ink'), import('react'), import('../views/checklist.js')]);
  let final = result.items;
  const app = render(
    createElement(ChecklistView, {
      items: result.items,
      title: result.blueprint ? `Are you ready for microservices? ${result.blueprint}` : undefined,
      onDone: (items: ChecklistItem[]) => (final = items),
    }),
    { stdout: process.stderr },
  );
  await app.waitUntilExit();
  return final;
}

export function renderChecklist(r: ChecklistResult): string {
  const lines: string[] = [];
  lines.push(paint('bold', `Readiness checklist (seed 001 decision framework)${r.blueprint ? ` for ${r.blueprint}` : ''}${r.targetLayout ? `, target layout ${r.targetLayout}` : ''}`));
  let group = '';
  for (const it of r.items) {
    if (it.group !== group) {
      group = it.group;
      lines.push('', paint('bold', group[0]!.toUpperCase() + group.slice(1)));
    }
    const how =
      it.source === 'derived' ? `  (derived: ${it.derived!.reason})` : it.source === 'answer' && it.derived && it.derived.value !== it.checked ? `  (answered; the blueprint suggests ${it.derived.value ? 'yes' : 'no'}: ${it.derived.reason})` : '';
    lines.push(`  ${it.checked ? '[x]' : '[ ]'} ${it.text}${paint('dim', how)}`);
  }
  lines.push('', `Score: ${r.score}/${r.total} → ${paint('bold', r.recommendation.text)} (${r.recommendation.range})`);
  if (r.firstExtraction) {
    const f = r.firstExtraction;
    lines.push(`First to extract: ${paint('bold', f.domain)}${f.unit ? ` (unit ${f.unit} in ${f.layout})` : ''}: ${f.why}`);
    lines.push(`Extraction order: ${f.order.join(' → ')}`);
  }
  lines.push(paint('dim', r.note));
  return lines.join('\n');
}
