import type { Command } from 'commander';
import { intFlag, listFlag, rateFlag } from '../flags.js';
import { handle, out, printJson, UsageError } from '../io.js';
import { AUTO_SCENARIO_HELP, SCENARIO_DEFAULT_HELP } from '../scenario-help.js';

interface CompareFlags {
  layouts?: string;
  rate?: string;
  scenario?: string[];
  faults?: boolean;
  seed?: string;
  calibration?: string;
  json?: boolean;
}


export function register(program: Command): void {
  program
    .command('compare')
    .description('layouts side by side on the same work: latency per operation, max sustainable throughput, fault isolation and monthly cost, each difference with its cause')
    .argument('<file>', 'blueprint YAML file')
    .option('--layouts <a,b,...>', 'layouts to compare (default: all); differences are explained between the first two')
    .option('--rate <rate>', 'the load for p95 and queueing (default: the blueprint workload)')
    .option('--scenario <file|auto...>', `failure scenarios for the fault-isolation table (${SCENARIO_DEFAULT_HELP})`)
    .option('--no-faults', 'skip the fault-isolation runs')
    .option('--seed <n>', 'random seed of the scenario runs', '1')
    .option('--calibration <file>', 'a calibration (archsim calibrate / validate-model overlay): its measured figures, and every layout on the host it was measured on (this machine) instead of each unit on its own instance')
    .option('--json', 'print the ComparisonResult as JSON')
    .addHelpText('after', `${AUTO_SCENARIO_HELP}\n\nExamples:\n  archsim compare system.yaml --layouts monolith,microservices\n  archsim compare system.yaml --scenario auto:orders-down auto:spike-orders.place\nExit codes: 0 done, 2 bad input.`)
    .action((file: string, opts: CompareFlags) =>
      handle(async () => {
        const rate = opts.rate !== undefined ? rateFlag('--rate', opts.rate) : undefined;
        const seed = intFlag('--seed', opts.seed ?? '1', 0);
        const { loadBlueprint } = await import('../../io/load.js');
        const { checkLayout } = await import('../sim-options.js');
        const { cliError } = await import('../sim-run.js');
        const { chosenScenarios } = await import('../scenarios.js');
        const { compare } = await import('../../simulate/compare.js');
        let { blueprint } = loadBlueprint(file);
        // Which figures are which: plain compare uses the blueprint's own figures, each unit on
        // its own instance (a deployment); a calibration brings measured figures for its host.
        let provenance = ["figures: the blueprint's own; each unit on its own instance (deployment figures, not this machine)"];
        let host: { cores: number } | undefined;
        if (opts.calibration) {
          const { readText } = await import('../../io/load.js');
          const text = readText(opts.calibration);
          if (text === undefined) throw new UsageError(`cannot read ${opts.calibration}`);
          const { readCalibration } = await import('../../loadtest/calibration-file.js');
          let info;
          try {
            info = readCalibration(opts.calibration, text, blueprint);
          } catch (e) {
            throw new UsageError((e as Error).message);
          }
          blueprint = info.blueprint;
          if (info.machine) host = { cores: info.machine.cores };
          provenance = [...info.lines, host ? `host model: every unit, PostgreSQL and the driver of a layout share the calibration host's ${host.cores} cores (figures for that machine)` : 'host model: none (the calibration names no machine): each unit on its own instance'];
        }
        const layouts = opts.layouts ? listFlag(opts.layouts) : Object.keys(blueprint.layouts);
        if (!layouts.length) throw new UsageError('--layouts: name at least one layout');
        layouts.forEach((l) => checkLayout(blueprint, l));
        const scenarios = opts.faults === false ? [] : chosenScenarios(blueprint, file, opts.scenario);
        const o = {
          ...(rate !== undefined ? { rate } : {}),
          seed,
          scenarios: scenarios.map((s) => s.scenario),
          ...(host ? { host } : {}),
        };
        let result;
        try {
          result = compare(blueprint, layouts, o);
        } catch (e) {
          // A scenario that fits no layout: positioned in its file when it has one.
          const name = (e as { scenario?: string }).scenario;
          throw cliError(e, scenarios.find((s) => s.scenario.name === name)?.locate);
        }
        result.notes.unshift(...provenance);
        if (opts.json) printJson(result);
        else {
          const { renderComparison } = await import('../render-sim.js');
          out(renderComparison(result));
        }
      }),
    );
}
