import type { Command } from 'commander';
import { choiceFlag, durationFlag, listFlag, percentFlag, rateFlag } from '../flags.js';
import { EXIT, err, handle, out, paint, printJson, table, UsageError } from '../io.js';

const TARGET_LIST = ['compose', 'k8s', 'gateway', 'monitoring', 'k6', 'scaffold', 'all'];

interface GenerateCliOptions {
  layout?: string;
  out?: string;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
  kind?: string;
  canary?: string;
  ingress?: string;
  withDatastores?: boolean;
  baseUrl?: string;
  rate?: string;
  duration?: string;
  operations?: string;
}

export function register(program: Command): void {
  program
    .command('generate')
    .description('write the files to run a layout: compose, k8s, gateway, monitoring, k6, scaffold, or all')
    .argument('<target>', `what to generate: ${TARGET_LIST.join(', ')}`)
    .argument('<file>', 'blueprint YAML file')
    .option('-l, --layout <name>', 'the layout (required when the blueprint has more than one)')
    .option('-o, --out <dir>', 'output directory (required)')
    .option('--force', 'overwrite existing files (atomically)')
    .option('--dry-run', 'list what would be written, write nothing')
    .option('--json', 'report the files as JSON (path, bytes, sha256, status)')
    .option('--kind <kind>', 'gateway: kong, traefik or nginx (default: the layout’s gateway, else nginx)')
    .option('--canary <unit=percent>', 'gateway: send percent of a unit’s routes to it and the rest to the monolith, e.g. auth-service=10')
    .option('--ingress <kind>', 'k8s: ingress (default) or gateway-api (an HTTPRoute)')
    .option('--with-datastores', 'k8s: also emit the datastores as StatefulSets')
    .option('--base-url <url>', 'k6: where requests go (default: the gateway on 127.0.0.1)')
    .option('--rate <rate>', 'k6: total arrival rate, e.g. 200/s (default: the workload’s)')
    .option('--duration <duration>', 'k6: test duration, e.g. 60s (default: the workload’s)')
    .option('--operations <list>', 'k6: only these operations, comma-separated domain.op')
    .addHelpText(
      'after',
      '\nNever overwrites a file without --force: every conflict is listed and nothing is written (exit 2).\nExamples:\n  archsim generate compose blueprints/quantchat.yaml --layout microservices --out deploy\n  archsim generate gateway blueprints/quantchat.yaml --layout strangler-relay --kind nginx --canary relay-service=10 --out gw\n  archsim generate all blueprints/quantchat.yaml --layout microservices --out quantchat --dry-run',
    )
    .action((target: string, file: string, opts: GenerateCliOptions) => handle(() => runGenerate(target, file, opts)));
}

async function runGenerate(target: string, file: string, opts: GenerateCliOptions): Promise<number> {
  const { didYouMean } = await import('../../model/diagnostics.js');
  if (!TARGET_LIST.includes(target)) throw new UsageError(`unknown target "${target}"${didYouMean(target, TARGET_LIST)}; targets: ${TARGET_LIST.join(', ')}`);
  if (!opts.out) throw new UsageError('--out <dir> is required (where to write the files)');
  // Flags first: a bad value is reported before any file is read.
  const gopts: import('../../generate/index.js').GenerateOptions = {};
  if (opts.kind !== undefined) gopts.kind = choiceFlag('--kind', opts.kind, ['kong', 'traefik', 'nginx'] as const);
  if (opts.canary !== undefined) {
    const m = /^([A-Za-z][\w-]*)=(.+)$/.exec(opts.canary.trim());
    if (!m) throw new UsageError(`--canary ${opts.canary}: expected unit=percent, e.g. auth-service=10`);
    gopts.canary = { unit: m[1]!, percent: Number((percentFlag('--canary', m[2]!) * 100).toPrecision(12)) };
  }
  if (opts.ingress !== undefined) gopts.ingress = choiceFlag('--ingress', opts.ingress, ['ingress', 'gateway-api'] as const);
  if (opts.withDatastores) gopts.withDatastores = true;
  if (opts.baseUrl !== undefined) gopts.baseUrl = opts.baseUrl;
  if (opts.rate !== undefined) gopts.rate = rateFlag('--rate', opts.rate);
  if (opts.duration !== undefined) gopts.duration = durationFlag('--duration', opts.duration);
  if (opts.operations !== undefined) gopts.operations = listFlag(opts.operations);

  const { loadBlueprint } = await import('../../io/load.js');
  const { generate } = await import('../../generate/index.js');
  const { writeFiles } = await import('../../io/write-files.js');
  const { WriteRefused } = await import('../../io/write-set.js');
  const { blueprint, files: inputs } = loadBlueprint(file);
  const layouts = Object.keys(blueprint.layouts);
  const layout = opts.layout ?? (layouts.length === 1 ? layouts[0]! : undefined);
  if (!layout) throw new UsageError(`--layout is required; layouts: ${layouts.join(', ')}`);
  if (!blueprint.layouts[layout]) throw new UsageError(`unknown layout "${layout}"${didYouMean(layout, layouts)}; layouts: ${layouts.join(', ')}`);

  // A GenerateError (a canary naming no unit, an operation without a route) is a usage error by kind.
  const files = generate(target as import('../../generate/index.js').Target, blueprint, layout, gopts);
  const { existsSync, statSync } = await import('node:fs');
  if (existsSync(opts.out) && !statSync(opts.out).isDirectory()) throw new UsageError(`--out ${opts.out} is a file, not a directory`);
  let result;
  try {
    result = writeFiles(opts.out, files, { force: opts.force === true, dryRun: opts.dryRun === true, inputs });
  } catch (e) {
    if (e instanceof WriteRefused) throw new UsageError(`cannot write to ${opts.out}: ${e.message}`);
    // A file system refusal (permissions, a file where a directory must go) is the user's to fix.
    const code = (e as NodeJS.ErrnoException).code;
    if (code) throw new UsageError(`cannot write to ${opts.out}: ${(e as Error).message}`);
    throw e;
  }
  if (opts.json) {
    printJson({ target, blueprint: blueprint.metadata.name, layout, dir: opts.out, dryRun: result.dryRun, ok: result.conflicts.length === 0, conflicts: result.conflicts, files: result.files });
  } else {
    const rows = result.files.map((f) => [f.status, f.path, f.bytes]);
    out(table(['status', 'file', 'bytes'], rows));
    const n = (s: string) => result.files.filter((f) => f.status === s).length;
    if (result.dryRun) out(`dry run: ${n('would-create')} to create, ${n('would-overwrite')} to overwrite, ${n('unchanged')} unchanged in ${opts.out}`);
    else if (!result.conflicts.length) out(`${paint('green', '✓')} ${target} for ${blueprint.metadata.name}/${layout}: ${n('created')} created, ${n('overwritten')} overwritten, ${n('unchanged')} unchanged in ${opts.out}`);
  }
  if (result.conflicts.length) {
    for (const c of result.conflicts) err(`archsim: ${opts.out.replace(/\/$/, '')}/${c} exists with other content`);
    err(`archsim: ${result.conflicts.length} file${result.conflicts.length === 1 ? '' : 's'} would be overwritten; nothing written (use --force to overwrite)`);
    return EXIT.badInput;
  }
  return EXIT.ok;
}
