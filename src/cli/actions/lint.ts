// `archsim lint`: coupling findings, positioned in the blueprint, and the --fail-on verdict.
import { choiceFlag, intFlag } from '../flags.js';
import { LIMITS } from '../../model/limits.js';
import { CheckFailed, out, paint, printJson } from '../io.js';
import { loadBlueprint } from '../../io/load.js';
import { lint } from '../../model/lint.js';
import { requireLayout } from '../options.js';

const LEVELS = ['info', 'warning', 'error'] as const;
type Level = (typeof LEVELS)[number];

export async function action(file: string, opts: { layout?: string; failOn: string; chatty: string; json?: boolean }): Promise<number | void> {
  const failOn = LEVELS.indexOf(choiceFlag('--fail-on', opts.failOn, LEVELS));
  // a call tree holds at most LIMITS.callSteps calls: a higher threshold can never be reached
  const chatty = intFlag('--chatty', opts.chatty, 0, LIMITS.callSteps);
  const { blueprint, locate } = loadBlueprint(file);
  const findings = lint(blueprint, requireLayout(blueprint, opts.layout), { chattyThreshold: chatty });
  const located = findings.map((f) => ({ ...f, location: locate(f.path, true) }));
  const failing = findings.filter((f) => LEVELS.indexOf(f.severity) >= failOn);
  const count = (s: Level) => findings.filter((f) => f.severity === s).length;
  if (opts.json) {
    printJson({ file, layout: opts.layout ?? null, failOn: opts.failOn, passed: failing.length === 0, counts: { error: count('error'), warning: count('warning'), info: count('info') }, findings: located });
  } else {
    const colour = { error: 'red', warning: 'yellow', info: 'cyan' } as const;
    for (const f of located) {
      const where = `${f.location.file}:${f.location.line}:${f.location.col}`;
      out(`${where}: ${paint(colour[f.severity], f.severity)} ${paint('bold', f.rule)}${f.layout ? ` [${f.layout}]` : ''}: ${f.message}`);
      out(paint('dim', `  why: ${f.why}`));
    }
    const n = (k: Level, word: string) => `${count(k)} ${word}${count(k) === 1 || k === 'info' ? '' : 's'}`;
    out(`${n('error', 'error')}, ${n('warning', 'warning')}, ${n('info', 'info')}`);
  }
  if (failing.length) throw new CheckFailed(`${failing.length} finding${failing.length === 1 ? '' : 's'} at or above ${opts.failOn}`);
}
