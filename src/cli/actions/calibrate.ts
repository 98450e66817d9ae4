// `archsim calibrate`: measured results into a blueprint overlay, or this machine's platform costs.
import { out, err, paint, printJson, table, UsageError } from '../io.js';
import { existsSync } from 'node:fs';
import { writeOneFile, WriteRefused } from '../../io/write-set.js';
import { readInput } from '../../io/read-input.js';
import { measurePlatform } from '../../loadtest/platform.js';
import { readPlatformFile } from '../platform-file.js';
import { dirname, relative, resolve } from 'node:path';
import { loadBlueprint } from '../../io/load.js';
import { parseResults } from '../../loadtest/result.js';
import { calibrate, overlayYaml } from '../../loadtest/calibrate.js';

export async function action(files: string[], opts: { blueprint?: string; layout?: string; out?: string; force?: boolean; json?: boolean; platform?: boolean; platformCosts?: string }): Promise<number | void> {
  // Outputs are staged and moved in (never through a symlink, never onto an input).
  const write = (path: string, text: string, inputs: string[]) => {
    try {
      writeOneFile(path, text, { force: opts.force, inputs });
    } catch (e) {
      if (e instanceof WriteRefused) throw new UsageError(e.message);
      throw e;
    }
  };
  if (opts.platform) {
    if (files.length || opts.blueprint) throw new UsageError('--platform measures the machine, not results: give no result files or --blueprint');
    if (opts.out && existsSync(opts.out) && !opts.force) throw new UsageError(`${opts.out} exists; pass --force to overwrite it`);
    const p = await measurePlatform({ log: (l) => err(`archsim: ${l}`) });
    const text = `${JSON.stringify(p, null, 2)}\n`;
    if (opts.out) write(opts.out, text, []);
    if (opts.json || !opts.out) out(text.trimEnd());
    err(`HTTP call CPU: client ${p.http.clientPerCallMs} ms + ${p.http.clientPerKiBMs} ms/KiB, server ${p.http.serverPerCallMs} ms + ${p.http.serverPerKiBMs} ms/KiB (load average ${p.loadAverage})${opts.out ? `; wrote ${opts.out}` : ''}`);
    return;
  }
  if (!opts.blueprint) throw new UsageError('--blueprint FILE is required (the blueprint the runs measured)');
  if (!files.length) throw new UsageError('give the result files to calibrate from (archsim loadtest --out)');
  let platform;
  if (opts.platformCosts) platform = readPlatformFile(opts.platformCosts, '--platform-costs');
  const blueprintFile = opts.blueprint;
  if (opts.out && existsSync(opts.out) && !opts.force) throw new UsageError(`${opts.out} exists; pass --force to overwrite it`);
  const perFile = files.map((f) => {
    const t = readInput(f);
    if (!t.ok) throw new UsageError(`${f}: ${t.message}`);
    try {
      return parseResults(t.text, f);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  });
  const results = perFile.flat();
  const { blueprint, files: inputs } = loadBlueprint(blueprintFile);
  let cal;
  try {
    cal = calibrate(blueprint, results, { layout: opts.layout, ...(platform ? { platform } : {}) });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const base = opts.out ? dirname(resolve(opts.out)) : process.cwd();
  const sources = files.flatMap((f, i) => {
    const n = perFile[i]!.length;
    return n === 1 ? [f] : Array.from({ length: n }, (_, i) => `${f} results[${i}]`);
  });
  const yaml = overlayYaml(blueprint, cal, { extendsPath: relative(base, resolve(blueprintFile)) || blueprintFile, sources, ...(platform ? { platform } : {}) });
  if (opts.out) write(opts.out, yaml, [...inputs, ...files, ...(opts.platformCosts ? [opts.platformCosts] : [])]);
  if (opts.json) printJson({ ...cal, overlay: opts.out ?? null });
  else if (!opts.out) out(yaml);
  if (!opts.json) {
    for (const w of cal.warnings) err(paint('yellow', `warning: ${w}`, process.stderr));
    err(
      table(
        ['operation', 'unit', 'cpu ms', 'was', 'db read ms', 'db write ms'],
        cal.operations.map((o) => [o.id, o.unit, o.cpuMs ?? '-', o.wasCpuMs, o.db?.readMs ?? '-', o.db?.writeMs ?? '-']),
      ),
    );
    if (opts.out) err(`wrote ${opts.out} (extends ${relative(base, resolve(blueprintFile))})`);
  }
}
