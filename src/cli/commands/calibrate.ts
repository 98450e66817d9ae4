import type { Command } from 'commander';
import { handle } from '../io.js';

export function register(program: Command): void {
  program
    .command('calibrate')
    .description('derive per-operation CPU and database demands from measured load-test results and write a blueprint overlay')
    .argument('[results...]', 'result JSON files written by `archsim loadtest --out` (several rates make a regression)')
    .option('-b, --blueprint <file>', 'the blueprint the runs measured')
    .option('--platform', "measure this machine's platform costs (HTTP call CPU client and server side, per KiB) into --out, once per machine, no blueprint needed")
    .option('--platform-costs <file>', 'apply a platform calibration (from --platform): the overlay sets every layout’s network CPU from it')
    .option('-l, --layout <name>', 'the layout the runs measured (default: the one named in the results)')
    .option('-o, --out <file>', 'write the overlay here (default: print it on stdout)')
    .option('--force', 'overwrite --out if it exists')
    .option('--json', 'print the calibration as JSON')
    .addHelpText(
      'after',
      '\nThe overlay `extends:` the blueprint and sets system.domains.<d>.operations.<op>.cpu (and db.read/db.write\nwhere the database process was measured), with a comment naming the machine and the runs.\n\nExample:\n  archsim loadtest system.yaml --layout monolith --rate 100 --out r100.json\n  archsim loadtest system.yaml --layout monolith --rate 300 --out r300.json\n  archsim calibrate r100.json r300.json --blueprint system.yaml --out calibrated.yaml',
    )
    .action((files: string[], opts: { blueprint?: string; layout?: string; out?: string; force?: boolean; json?: boolean; platform?: boolean; platformCosts?: string }) => handle(async () => (await import('../actions/calibrate.js')).action(files, opts)));
}
