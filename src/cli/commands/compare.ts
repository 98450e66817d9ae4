import type { Command } from 'commander';
import { intFlag, listFlag, rateFlag } from '../flags.js';
import { handle, out, printJson, UsageError } from '../io.js';
import { SEED_SCENARIOS } from '../seed-scenarios.js';

interface CompareFlags {
  layouts?: string;
  rate?: string;
  scenario?: string[];
  faults?: boolean;
  seed?: string;
  json?: boolean;
}


export function register(program: Command): void {
  program
    .command('compare')
    .description('layouts side by side on the same work: latency per operation, max sustainable throughput, fault isolation and monthly cost, each difference with its cause')
    .argument('<file>', 'blueprint YAML file')
    .option('--layouts <a,b,...>', 'layouts to compare (default: all); differences are explained between the first two')
    .option('--rate <rate>', 'the load for p95 and queueing (default: the blueprint workload)')
    .option('--scenario <file...>', `failure scenarios for the fault-isolation table (default: the bundled ${SEED_SCENARIOS.join(', ')})`)
    .option('--no-faults', 'skip the fault-isolation runs')
    .option('--seed <n>', 'random seed of the scenario runs', '1')
    .option('--json', 'print the ComparisonResult as JSON')
    .addHelpText('after', '\nExample:\n  archsim compare blueprints/quantchat.yaml --layouts monolith,microservices\nExit codes: 0 done, 2 bad input.')
    .action((file: string, opts: CompareFlags) =>
      handle(async () => {
        const rate = opts.rate !== undefined ? rateFlag('--rate', opts.rate) : undefined;
        const seed = intFlag('--seed', opts.seed ?? '1', 0);
        const { loadBlueprint } = await import('../../io/load.js');
        const { checkLayout, loadScenario } = await import('../sim-options.js');
        const { scenarioPath, cliError } = await import('../sim-run.js');
        const { compare } = await import('../../simulate/compare.js');
        const { blueprint } = loadBlueprint(file);
        const layouts = opts.layouts ? listFlag(opts.layouts) : Object.keys(blueprint.layouts);
        if (!layouts.length) throw new UsageError('--layouts: name at least one layout');
        layouts.forEach((l) => checkLayout(blueprint, l));
        const scenarios = opts.faults === false ? [] : (opts.scenario ?? SEED_SCENARIOS).map((s) => loadScenario(scenarioPath(s)));
        const o = {
          ...(rate !== undefined ? { rate } : {}),
          seed,
          scenarios: scenarios.map((s) => s.scenario),
          // The bundled seed scenarios name QuantChat's domains; another blueprint skips what does not fit.
          skipUnfitScenarios: opts.scenario === undefined,
        };
        let result;
        try {
          result = compare(blueprint, layouts, o);
        } catch (e) {
          throw cliError(e, scenarios[0]?.locate);
        }
        if (opts.json) printJson(result);
        else {
          const { renderComparison } = await import('../render-sim.js');
          out(renderComparison(result));
        }
      }),
    );
}
