import { choiceFlag, intFlag } from '../flags.js';
import type { Command } from 'commander';
import { CheckFailed, handle, out, paint, printJson, UsageError } from '../io.js';

const LEVELS = ['info', 'warning', 'error'] as const;
type Level = (typeof LEVELS)[number];

export function register(program: Command): void {
  program
    .command('lint')
    .description('find coupling problems in a blueprint’s layouts: sync cycles, shared datastores, chatty requests, distributed writes, hubs, and the extraction order')
    .argument('<file>', 'blueprint YAML file')
    .option('-l, --layout <name>', 'lint only this layout (default: every layout)')
    .option('--fail-on <severity>', 'exit 1 when a finding of this severity or worse exists: info, warning or error', 'error')
    .option('--chatty <n>', 'a request with more than n cross-unit synchronous calls is chatty', '3')
    .option('--json', 'print findings as JSON')
    .addHelpText('after', '\nExit codes: 0 no finding reaches --fail-on, 1 one does, 2 bad input.')
    .action((file: string, opts: { layout?: string; failOn: string; chatty: string; json?: boolean }) =>
      handle(async () => {
        const failOn = LEVELS.indexOf(choiceFlag('--fail-on', opts.failOn, LEVELS));
        const chatty = intFlag('--chatty', opts.chatty, 0);
        const { loadBlueprint } = await import('../../io/load.js');
        const { lint } = await import('../../model/lint.js');
        const { requireLayout } = await import('../options.js');
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
      }),
    );
}
