import type { Command } from 'commander';
import { handle } from '../io.js';
import type { RehearseFlags } from '../actions/rehearse.js';

export function register(program: Command): void {
  program
    .command('rehearse')
    .description("run a migration plan live on the reference services: start the plan's from layout behind a gateway, keep an open-model load running, and per extraction start the new unit, shift the gateway's weights along the canary steps (rolling back on a trigger), then retire the old route")
    .argument('<blueprint>', 'the blueprint the plan was made from (or its plan overlay)')
    .requiredOption('--plan <plan.json>', 'a plan from `archsim plan --out` (its .plan.json)')
    .option('--rate <rate>', 'open-model load: a share of capacity (50%: of the from layout’s, measured first, then of each phase’s own on this host, lowered when the layout in place is over budget), or a fixed rate (40/s)', '50%')
    .option('--step-duration <d>', 'how long each canary step is watched; its first second\'s latencies are left out (the new route warming up)', '6s')
    .option('--drain <d>', 'how long the old route drains after its last request (from the 100% step), before its copy of moved tables is dropped', '2s')
    .option('--warmup <d>', 'load before the first step', '5s')
    .option('--phases <n,…>', 'rehearse only these phases (by index)')
    .option('--port-offset <n>', 'add n to every blueprint port', '0')
    .option('--dry-run', 'print the steps the rehearsal would take, start nothing')
    .option('--json', 'print the report (or the steps, with --dry-run) as JSON')
    .addHelpText(
      'after',
      '\nEach canary step is one window: the step\'s routes are watched every second against the phase\'s rollback\ntriggers (p95 budgets, error rate); a breach sends every request back to the old unit at once and ends the\nrehearsal. At the end, what the services committed is read back: every acknowledged request of an operation\nthat emits an event must have its event recorded (outbox) and delivered (published, queue rows done).\nEvery unit, the extracted ones too, is supervised: a crash is restarted (backoff) and reported in its step.\nA canary\'s p95 budget is judged on the new unit\'s own latencies (the gateway names the unit that answered),\nfrom 20 of them on (a step is watched up to 3 times longer to get them), beside the old unit\'s in the same\nseconds: both over budget is the host\'s doing, reported, not rolled back.\nData moves between two PostgreSQL databases run their five steps: before an extraction\'s first canary step\nthe dual write (logical replication from the old copy to the new) and the backfill at its snapshot; at the\nretire the verify (counts, checksums, the domain\'s writes held; a difference rolls the extraction back) and\nthe cut-over of every unit serving the domain; after the drain the drop of the old copy (--json:\ndataMoves[].steps says what each step did, when, with how many rows).\nA share as the rate is fitted to each phase: the share of its capacity on this host (the model, scaled by\nthe from layout\'s measurement), lowered before its first canary step while the layout in place is over\nits p95 budgets; each phase\'s rate and why is printed (--json: phaseRates).\n  archsim plan system.yaml --from monolith --to microservices --out plan\n  archsim rehearse system.yaml --plan plan/system.plan.json --rate 50% --step-duration 6s\nExit codes: 0 every step held and no message was lost, 1 a step was rolled back, a request failed, a message\nwas lost or undelivered, a unit kept crashing or a table move\'s step failed, 2 bad input or usage.',
    )
    .action((bp: string, flags: RehearseFlags) => handle(async () => (await import('../actions/rehearse.js')).action(bp, flags)));
}
