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

/**
 * The runs a calibration header lists (loadtest/calibrate.ts overlayYaml writes "# Runs:" and
 * then one "#   source: started, driver, model…" line per run): the start time is the only
 * place a calibration says when it was measured. None for a header without the block (a
 * hand-written overlay).
 */
export function calibrationRuns(text: string): string[] {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.trimEnd() === '# Runs:');
  if (at < 0) return [];
  const runs: string[] = [];
  for (const l of lines.slice(at + 1)) {
    const m = /^# {3}([\s\S]*)$/.exec(l); // a stray \r stays in the text (escaped where shown)
    if (!m) break;
    runs.push(m[1]!.trimEnd());
  }
  return runs;
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
  // What else the overlay sets (calibrate --platform-costs writes the network's and the broker's
  // CPU, a fit the units' background CPU): named, so "the blueprint's own" is never claimed of it.
  const other = changedPaths(stripOperationTimes(original), stripOperationTimes(blueprint));
  const lines = [
    `calibrated (${file}${layout ? `, measured on layout ${layout}` : ''}${machine ? `, host ${machine.description}` : ', host unknown'}): CPU/wait/query times of ${calibrated.length} operation${calibrated.length === 1 ? '' : 's'}: ${calibrated.join(', ') || 'none'}`,
    ...(other.length ? [`also from the calibration: ${other.join(', ')}`] : []),
    `the blueprint's own: ${own.length ? `operations ${own.join(', ')}; ` : ''}${other.length ? 'everything else (payloads, instances, replicas, costs…)' : 'network, payloads, instances, replicas and costs'}`,
  ];
  return { blueprint, layout, machine, calibrated, lines };
}

/** The blueprint without what readCalibration counts per operation (cpu, wait, db) and without what names the file. */
function stripOperationTimes(bp: Blueprint): unknown {
  const copy = structuredClone(bp) as Blueprint & { extends?: string };
  delete copy.extends;
  delete (copy as { $schema?: string }).$schema;
  copy.metadata = { ...copy.metadata, title: undefined, description: undefined } as Blueprint['metadata'];
  for (const d of Object.values(copy.system.domains)) {
    for (const op of Object.values(d.operations)) {
      const o = op as Record<string, unknown>;
      delete o.cpu;
      delete o.wait;
      delete o.db;
    }
  }
  return copy;
}

/** The paths (at most three levels deep, dotted) where a and b differ. */
export function changedPaths(a: unknown, b: unknown, at = '', depth = 0): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (depth >= 3 || !isObj(a) || !isObj(b)) return [at || '(the whole blueprint)'];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((k) => changedPaths(a[k], b[k], at ? `${at}.${k}` : k, depth + 1));
}
