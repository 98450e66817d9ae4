// A calibration file (the overlay `archsim calibrate` and validate-model write): a blueprint that
// `extends:` the original and sets measured CPU and query times, with a header naming the layout
// and the machine it was measured on. Reading one says which figures are calibrated, for which
// host, and which remain the blueprint's own. Pure apart from the loader.
import { loadBlueprint } from '../io/load.js';
import { operationIndex } from '../model/resolve.js';
import type { Blueprint } from '../model/schema.js';

export type CalibrationInfo = {
  blueprint: Blueprint;
  /** the layout the runs measured */
  layout: string | null;
  machine: { cores: number; description: string } | null;
  /** operation ids whose CPU, wait or query times the file sets */
  calibrated: string[];
  /** one line each, for the command's output */
  lines: string[];
};

/** The header lines `overlayYaml` writes: "# Calibrated … of layout X." and "# Machine: N cores, …". */
export function parseCalibrationHeader(text: string): { layout: string | null; machine: { cores: number; description: string } | null } {
  const layout = /^# Calibrated .* of layout ([^\s.]+)\.?$/m.exec(text)?.[1] ?? null;
  const m = /^# Machine: (\d+) cores?, (.*)$/m.exec(text);
  return { layout, machine: m ? { cores: Number(m[1]), description: `${m[1]} cores, ${m[2]!.replace(/\.$/, '')}` } : null };
}

export function readCalibration(file: string, text: string, original: Blueprint): CalibrationInfo {
  const { blueprint } = loadBlueprint(file);
  if (blueprint.metadata.name !== original.metadata.name) throw new Error(`${file} calibrates blueprint "${blueprint.metadata.name}", not "${original.metadata.name}"`);
  const { layout, machine } = parseCalibrationHeader(text);
  const a = operationIndex(original);
  const b = operationIndex(blueprint);
  const calibrated = [...b.keys()].filter((id) => {
    const x = a.get(id)?.op;
    const y = b.get(id)!.op;
    return !x || JSON.stringify([x.cpu, x.wait, x.db]) !== JSON.stringify([y.cpu, y.wait, y.db]);
  });
  const own = [...a.keys()].filter((id) => !calibrated.includes(id));
  const lines = [
    `calibrated (${file}${layout ? `, measured on layout ${layout}` : ''}${machine ? `, host ${machine.description}` : ', host unknown'}): CPU/wait/query times of ${calibrated.length} operation${calibrated.length === 1 ? '' : 's'}: ${calibrated.join(', ') || 'none'}`,
    `the blueprint's own: ${own.length ? `operations ${own.join(', ')}; ` : ''}network, payloads, instances, replicas and costs`,
  ];
  return { blueprint, layout, machine, calibrated, lines };
}
