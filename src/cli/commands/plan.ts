import type { Command } from 'commander';
import { handle } from '../io.js';
import type { PlanFlags } from '../actions/plan.js';

export function register(program: Command): void {
  program
    .command('plan')
    .description('plan a migration from one layout to another: extraction order from coupling, phases as layouts (written as an overlay), data moves, figures, effort, canaries, rollback and triggers')
    .argument('<file>', 'blueprint YAML file')
    .requiredOption('--from <layout>', 'the layout today')
    .requiredOption('--to <layout>', 'the layout to reach')
    .option('--order <units>', 'pin the extraction order (comma-separated units of the target); its risks are listed')
    .option('--phases <mode>', 'auto (declared next: chain; ungated steps building several units split per unit), unit (one unit per phase) or declared (one phase per declared layout)', 'auto')
    .option('--team <n>', 'developers on the migration (default: metadata.team.developers, else 3)')
    .option('--growth <rate>', 'load growth per month, e.g. 15%/month (a bare number is a percentage: 15): the month each trigger fires')
    .option('--canary <percents>', 'canary steps, ascending, ending at 100', '10,50,100')
    .option('--max-error-rate <pct>', 'roll a canary back above this error rate (a bare number is a percentage: 1 is 1%)', '1%')
    .option('--effort <k=v,…>', 'adjust the effort model, e.g. perUnit=8,focus=0.5 (see the README)')
    .option('--start <date>', 'first day of the schedule, YYYY-MM-DD (default: today)')
    .option('--format <f>', 'md, html or json (default md)')
    .option('-o, --out <dir>', 'write the overlay (<name>.plan.yaml), the plan (<name>.plan.json) and the report there')
    .option('--force', 'overwrite files in --out')
    .option('--json', 'same as --format json: the plan on stdout, or with --out the files written, as JSON')
    .addHelpText(
      'after',
      '\nThe overlay `extends:` the blueprint and holds the layouts phase-1 … phase-N (plan-phase-1 … when the blueprint has layouts named phase-<n> already), so every command works on a phase:\n  archsim plan system.yaml --from monolith --to microservices --growth 15%/month --out plan\n  archsim simulate plan/system.plan.yaml --layout phase-2 --method analytic\n  archsim generate gateway plan/system.plan.yaml --plan plan/system.plan.json --phase 2 --step 10 --out gw\nExit codes: 0 done, 1 a derived phase does not validate, 2 bad input or usage.',
    )
    .action((file: string, flags: PlanFlags) => handle(async () => (await import('../actions/plan.js')).action(file, flags)));
}
