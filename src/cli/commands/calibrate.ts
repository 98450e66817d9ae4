import type { Command } from 'commander';
import { handle, out, err, paint, printJson, table, UsageError } from '../io.js';

export function register(program: Command): void {
  program
    .command('calibrate')
    .description('derive per-operation CPU and database demands from measured load-test results and write a blueprint overlay')
    .argument('<results...>', 'result JSON files written by `archsim loadtest --out` (several rates make a regression)')
    .requiredOption('-b, --blueprint <file>', 'the blueprint the runs measured')
    .option('-l, --layout <name>', 'the layout the runs measured (default: the one named in the results)')
    .option('-o, --out <file>', 'write the overlay here (default: print it on stdout)')
    .option('--force', 'overwrite --out if it exists')
    .option('--json', 'print the calibration as JSON')
    .addHelpText(
      'after',
      '\nThe overlay `extends:` the blueprint and sets system.domains.<d>.operations.<op>.cpu (and db.read/db.write\nwhere the database process was measured), with a comment naming the machine and the runs.\n\nExample:\n  archsim loadtest blueprints/quantchat.yaml --layout monolith --rate 100 --out r100.json\n  archsim loadtest blueprints/quantchat.yaml --layout monolith --rate 300 --out r300.json\n  archsim calibrate r100.json r300.json --blueprint blueprints/quantchat.yaml --out calibrated.yaml',
    )
    .action((files: string[], opts: { blueprint: string; layout?: string; out?: string; force?: boolean; json?: boolean }) =>
      handle(async () => {
        const { existsSync } = await import('node:fs');
        const { writeOneFile, WriteRefused } = await import('../../io/write-set.js');
        const { readInput } = await import('../../io/read-input.js');
        const { dirname, relative, resolve } = await import('node:path');
        const { loadBlueprint } = await import('../../io/load.js');
        const { parseResults } = await import('../../loadtest/result.js');
        const { calibrate, overlayYaml } = await import('../../loadtest/calibrate.js');
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
        const { blueprint, files: inputs } = loadBlueprint(opts.blueprint);
        let cal;
        try {
          cal = calibrate(blueprint, results, { layout: opts.layout });
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
        const base = opts.out ? dirname(resolve(opts.out)) : process.cwd();
        const sources = files.flatMap((f, i) => {
          const n = perFile[i]!.length;
          return n === 1 ? [f] : Array.from({ length: n }, (_, i) => `${f} results[${i}]`);
        });
        const yaml = overlayYaml(blueprint, cal, { extendsPath: relative(base, resolve(opts.blueprint)) || opts.blueprint, sources });
        if (opts.out) {
          try {
            writeOneFile(opts.out, yaml, { force: opts.force, inputs: [...inputs, ...files] });
          } catch (e) {
            if (e instanceof WriteRefused) throw new UsageError(e.message);
            throw e;
          }
        }
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
          if (opts.out) err(`wrote ${opts.out} (extends ${relative(base, resolve(opts.blueprint))})`);
        }
      }),
    );
}
