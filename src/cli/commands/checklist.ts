import type { Command } from 'commander';
import { handle } from '../io.js';

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
    .action((file: string | undefined, opts: { layout?: string; answers?: string; json?: boolean }) => handle(async () => (await import('../actions/checklist.js')).action(file, opts)));
}
