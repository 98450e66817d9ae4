// `archsim checklist`: the readiness checklist, derived from a blueprint and answered (interactively on a terminal).
import { interactive, out, paint, printJson, UsageError } from '../io.js';
import { checklist, QUESTION_IDS, type ChecklistItem, type ChecklistResult } from '../../model/checklist.js';
import { loadBlueprint } from '../../io/load.js';
import { requireLayout } from '../options.js';
import { readAnswers } from '../answers.js';
import { terminalView } from './inspect.js';

export async function action(file: string | undefined, opts: { layout?: string; answers?: string; json?: boolean }): Promise<number | void> {
  let blueprint;
  if (file !== undefined) {
    blueprint = loadBlueprint(file).blueprint;
  }
  if (opts.layout !== undefined) {
    if (!blueprint) throw new UsageError('--layout needs a blueprint file');
    requireLayout(blueprint, opts.layout);
  }
  let answers: Record<string, boolean> | undefined;
  if (opts.answers !== undefined) answers = readAnswers(opts.answers, QUESTION_IDS);
  let result = checklist({ blueprint, layout: opts.layout, answers });
  if (interactive() && !opts.json && opts.answers === undefined) {
    const items = await ask(result);
    const asked: Record<string, boolean> = {};
    for (const it of items) if (it.source === 'answer') asked[it.id] = it.checked;
    result = checklist({ blueprint, layout: opts.layout, answers: asked });
  }
  if (opts.json) printJson(result);
  else out(renderChecklist(result));
}

async function ask(result: ChecklistResult): Promise<ChecklistItem[]> {
  // Kept lazy: ink and react (with yoga's WebAssembly) load only when a person answers on a
  // terminal, so a scripted, --json or --answers run never pays for them.
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

export function renderChecklist(result: ChecklistResult): string {
  // Names, event lists and reasons quote the blueprint: shown escaped, never as terminal control.
  const r = terminalView(result);
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
