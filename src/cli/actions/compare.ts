// `archsim compare`: layouts side by side, with a calibration's figures and host when one is given.
import { intFlag, listFlag, rateFlag, SEED_MAX } from '../flags.js';
import { out, printJson, UsageError } from '../io.js';
import { loadBlueprint, readText } from '../../io/load.js';
import { checkLayout } from '../sim-options.js';
import { cliError } from '../sim-run.js';
import { chosenScenarios } from '../scenarios.js';
import { compare } from '../../simulate/compare.js';
import { readCalibration } from '../../loadtest/calibration-file.js';
import { renderComparison } from '../render-sim.js';
import { faultRuns } from '../provenance.js';
import { terminalText } from '../../model/diagnostics.js';

export interface CompareFlags {
  layouts?: string;
  rate?: string;
  scenario?: string[];
  faults?: boolean;
  seed?: string;
  calibration?: string;
  json?: boolean;
}

export async function action(file: string, opts: CompareFlags): Promise<number | void> {
  const rate = opts.rate !== undefined ? rateFlag('--rate', opts.rate) : undefined;
  const seed = intFlag('--seed', opts.seed ?? '1', 0, SEED_MAX);
  const loaded = loadBlueprint(file);
  let { blueprint } = loaded;
  // Which figures are which: plain compare uses the blueprint's own figures, each unit on
  // its own instance (a deployment); a calibration brings measured figures for its host.
  let provenance = ["figures: the blueprint's own; each unit on its own instance (deployment figures, not this machine)"];
  let host: { cores: number } | undefined;
  if (opts.calibration) {
    const text = readText(opts.calibration);
    if (text === undefined) throw new UsageError(`cannot read ${opts.calibration}`);
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
  const layouts = opts.layouts ? layoutsFlag(opts.layouts) : Object.keys(blueprint.layouts);
  layouts.forEach((l) => checkLayout(blueprint, l));
  const scenarios = opts.faults === false ? [] : chosenScenarios(blueprint, file, opts.scenario, loaded.locate);
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
  // The calibration's name and header are the file's text: the JSON carries them as they are,
  // the terminal gets no control sequence from them.
  result.notes.unshift(...(opts.json ? provenance : provenance.map(terminalText)));
  // How the fault runs were run (their seed was nowhere in the JSON), null with --no-faults.
  const shown = { ...result, faultRuns: scenarios.length ? faultRuns(blueprint, scenarios.map((s) => s.scenario), seed, rate) : null };
  if (opts.json) printJson(shown);
  else out(renderComparison(shown));
}

/**
 * `--layouts a,b` for report and compare: a layout named twice would be set beside itself
 * ("monolith vs monolith", every difference zero): refused, as is an empty list.
 */
export function layoutsFlag(v: string): string[] {
  const layouts = listFlag(v);
  if (!layouts.length) throw new UsageError('--layouts: name at least one layout');
  const twice = layouts.find((l, i) => layouts.indexOf(l) !== i);
  if (twice !== undefined) throw new UsageError(`--layouts names ${terminalText(JSON.stringify(twice))} twice; name each layout once`);
  return layouts;
}
