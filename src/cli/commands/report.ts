import type { Command } from 'commander';
import { handle } from '../io.js';
import type { ReportFlags } from '../actions/report.js';
import { AUTO_SCENARIO_HELP, SCENARIO_DEFAULT_HELP } from '../scenario-help.js';

export function register(program: Command): void {
  program
    .command('report')
    .description('write a comparison report of layouts (markdown for pull requests, self-contained HTML, JSON), with budgets and baseline diffs')
    .argument('<file>', 'blueprint YAML file')
    .option('--layouts <a,b,…>', 'layouts to compare (default: every layout of the blueprint)')
    .option('--format <fmt>', 'md, html, json, or a comma list (e.g. md,json)', 'md')
    .option('-o, --out <dir>', 'write report.<ext> files into this folder (default: print one format on stdout)')
    .option('--baseline <report.json>', 'an earlier JSON report: list every figure that changed and why')
    .option('--budget <budget.yaml>', 'limits to enforce; a broken budget exits 1')
    .option('--loadtest <result.json...>', 'load-test results to show beside the predictions')
    .option('--rate <r>', "the workload's rate (default: the blueprint's workload)")
    .option('--scenario <file|auto...>', `failure scenarios for fault isolation (${SCENARIO_DEFAULT_HELP})`)
    .option('--no-faults', 'skip the fault-isolation runs (not with --scenario)')
    .option('-a, --answers <file>', 'readiness checklist answers (as for `archsim checklist --answers`): the report scores the same answers')
    .option('--plan <plan.json>', 'include a migration plan from `archsim plan --out` (its .plan.json)')
    .option('--force', 'overwrite existing report files in --out')
    .option('--calibration <file>', 'a calibration (archsim calibrate / validate-model overlay): report with its measured figures; the report says which are calibrated and for which host')
    .option('--json', 'with --out: print a summary (files written, budgets) as JSON on stdout (the report itself as JSON: --format json)')
    .addHelpText(
      'after',
      `
Budget file (YAML):
  layout: microservices            # optional: which layout(s) the budgets apply to
  budgets:
    - p95(messages.send) < 150ms
    - cost.monthly < 200 USD
    - throughput(auth.login) > 1000/s
    - lint.errors == 0
    - change.cost.monthly < 20%     # needs --baseline
Figures: cost.monthly, cost.perMillion, throughput[(op)], mean|p50|p95|p99(op), hops(op),
utilization(station), replicas(unit), success(scenario:op), lint.errors, lint.warnings.

${AUTO_SCENARIO_HELP}

Exit codes: 0 report written and every budget met, 1 a budget is broken, 2 bad input.`,
    )
    .action((file: string, flags: ReportFlags) => handle(async () => (await import('../actions/report.js')).action(file, flags)));
}
