// `archsim simulate`: one simulation (in a worker with a progress bar on a terminal).
import { out, printJson } from '../io.js';
import type { SimFlags } from '../sim-options.js';
import { prepare, runSimulation } from '../sim-run.js';
import { renderSimulation } from '../render-sim.js';

export async function action(file: string, opts: SimFlags): Promise<number | void> {
  const { blueprint, layout, options, locate } = await prepare(file, opts);
  const result = await runSimulation(blueprint, layout, options, locate, !opts.json);
  if (opts.json) printJson(result);
  else out(renderSimulation(result));
}
