import type { Command } from 'commander';
import { choiceFlag, durationFlag, intFlag, listFlag, percentFlag, rateFlag } from '../flags.js';
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
  plan?: string;
  phase?: string;
  step?: string;
  users?: string;
  thinkTime?: string;
  warmup?: string;
  timeout?: string;
  loadProfile?: string;
  k6Operator?: boolean;
  parallelism?: string;
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
    .option('--plan <file>', 'gateway: a plan from `archsim plan` (its .plan.json); with --phase and --step')
    .option('--phase <n>', 'gateway: the plan phase (its layout is taken from the plan)')
    .option('--step <percent>', 'gateway: the canary step of the phase, e.g. 10 (0 is the rollback)')
    .option('--ingress <kind>', 'k8s: ingress (default) or gateway-api (an HTTPRoute)')
    .option('--with-datastores', 'k8s: also emit the datastores as StatefulSets')
    .option('--base-url <url>', 'k6: where requests go (default: the gateway on 127.0.0.1)')
    .option('--rate <rate>', 'k6: total arrival rate, e.g. 200/s (default: the workload’s)')
    .option('--duration <duration>', 'k6: test duration, e.g. 60s (default: the workload’s)')
    .option('--operations <list>', 'k6: only these operations, comma-separated domain.op')
    .option('--users <n>', 'k6: closed model, N users (constant-vus) instead of a rate')
    .option('--think-time <d>', 'k6: with --users, how long a user waits after each answer')
    .option('--warmup <d>', 'k6: load before measuring, in a scenario of its own left out of the figures')
    .option('--timeout <d>', 'k6: per-request timeout (default 5s)')
    .option('--load-profile <file>', 'k6: setup, login and request bodies (default: <blueprint>.load.yaml beside the blueprint)')
    .option('--k6-operator', 'k6: also write k6/testrun.yaml, a k6-operator TestRun with the script in a ConfigMap (needs --base-url)')
    .option('--parallelism <n>', 'k6: with --k6-operator, the number of runner pods', '1')
    .addHelpText(
      'after',
      '\nNever overwrites a file without --force: every conflict is listed and nothing is written (exit 2).\nExamples:\n  archsim generate compose system.yaml --layout microservices --out deploy\n  archsim generate gateway system.yaml --layout strangler-relay --kind nginx --canary relay-service=10 --out gw\n  archsim generate all system.yaml --layout microservices --out deploy --dry-run',
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
  if (opts.users !== undefined) {
    if (gopts.rate !== undefined) throw new UsageError('--rate (open model) and --users (closed model) exclude each other');
    gopts.users = intFlag('--users', opts.users);
  }
  if (opts.thinkTime !== undefined) gopts.thinkTime = durationFlag('--think-time', opts.thinkTime, { zero: true });
  if (opts.warmup !== undefined) gopts.warmup = durationFlag('--warmup', opts.warmup, { zero: true });
  if (opts.timeout !== undefined) gopts.timeout = durationFlag('--timeout', opts.timeout);
  if (opts.k6Operator) gopts.k6Operator = { parallelism: intFlag('--parallelism', opts.parallelism ?? '1', 1, 1000) };

  const { loadBlueprint } = await import('../../io/load.js');
  const { generate } = await import('../../generate/index.js');
  const { writeFiles } = await import('../../io/write-files.js');
  const { WriteRefused } = await import('../../io/write-set.js');
  const { blueprint: loaded, files: inputs } = loadBlueprint(file);
  const planned = opts.plan !== undefined || opts.phase !== undefined || opts.step !== undefined ? await planStep(loaded, target, opts) : undefined;
  if (planned) opts.layout = planned.layout;
  // A phase layout from the plan file joins a new blueprint object (resolved models are memoized per object).
  const blueprint = planned?.extra ? { ...loaded, layouts: { ...loaded.layouts, ...planned.extra } } : loaded;
  if (planned) gopts.canaries = planned.canaries;
  const layouts = Object.keys(blueprint.layouts);
  const layout = opts.layout ?? (layouts.length === 1 ? layouts[0]! : undefined);
  if (!layout) throw new UsageError(`--layout is required; layouts: ${layouts.join(', ')}`);
  if (!blueprint.layouts[layout]) throw new UsageError(`unknown layout "${layout}"${didYouMean(layout, layouts)}; layouts: ${layouts.join(', ')}`);

  // A GenerateError (a canary naming no unit, an operation without a route) is a usage error by kind.
  if (target === 'k6' || target === 'all') {
    const { findLoadProfile } = await import('../../loadtest/profile/load.js');
    gopts.loadProfile = findLoadProfile({ ...(opts.loadProfile ? { file: opts.loadProfile } : {}), blueprintFile: file, bp: blueprint })?.profile ?? null;
  }
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

/**
 * `--plan P --phase N --step S`: the phase's layout (added from the plan when the blueprint is
 * not the plan's overlay) and its canary weights at step S. The plan file is input like any
 * other: checked against the plan schema and the blueprint's semantics.
 */
async function planStep(blueprint: import('../../model/schema.js').Blueprint, target: string, opts: GenerateCliOptions) {
  if (target !== 'gateway') throw new UsageError('--plan, --phase and --step apply to the gateway target');
  if (opts.plan === undefined || opts.phase === undefined || opts.step === undefined) throw new UsageError('--plan, --phase and --step go together');
  if (opts.layout !== undefined) throw new UsageError('--layout and --plan exclude each other: the plan names the phase layout');
  const { readFileSync, statSync } = await import('node:fs');
  const { PlanSchema } = await import('../../plan/index.js');
  const { Layout } = await import('../../model/schema.js');
  const { checkSemantics } = await import('../../model/semantics.js');
  let raw: unknown;
  try {
    if (statSync(opts.plan).size > 64 * 1024 * 1024) throw new UsageError(`--plan ${opts.plan}: larger than 64 MiB`);
    raw = JSON.parse(readFileSync(opts.plan, 'utf8'));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--plan ${opts.plan}: cannot read a plan (${(e as Error).message})`);
  }
  const parsed = PlanSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`--plan ${opts.plan}: not an archsim plan (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
  const plan = parsed.data;
  if (plan.blueprint !== blueprint.metadata.name) throw new UsageError(`--plan ${opts.plan} is a plan of "${plan.blueprint}", not of "${blueprint.metadata.name}"`);
  const n = Number(opts.phase);
  const last = plan.phases.length - 1;
  if (!Number.isInteger(n) || n < 1 || n > last) throw new UsageError(`--phase ${opts.phase}: expected 1 … ${last}`);
  const step = Number(String(opts.step).replace(/%$/, ''));
  if (!(step >= 0 && step <= 100)) throw new UsageError(`--step ${opts.step}: expected a percentage from 0 (rollback) to 100`);
  const phase = plan.phases[n]!;
  let extra: Record<string, import('../../model/schema.js').Layout> | undefined;
  if (!Object.hasOwn(blueprint.layouts, phase.layout)) {
    // The phase alone joins the blueprint: its `next:` names a layout of the overlay, not needed here.
    const l = Layout.safeParse({ ...phase.layoutInput, next: undefined });
    if (!l.success) throw new UsageError(`--plan ${opts.plan}: phase ${n}'s layout is not valid (${l.error.issues[0]?.message})`);
    const problems = checkSemantics({ ...blueprint, layouts: { [phase.layout]: l.data } }).filter((p) => p.severity === 'error');
    if (problems.length) throw new UsageError(`--plan ${opts.plan}: phase ${n}'s layout does not fit the blueprint (${problems[0]!.path.join('.')}: ${problems[0]!.message})`);
    extra = { [phase.layout]: l.data };
  }
  const canaries = phase.extractions
    .filter((e) => e.from && e.routes.length)
    .map((e) => ({ unit: e.unit, percent: step, from: e.from! }));
  if (!canaries.length) throw new UsageError(`phase ${n} moves no routes: it has no canary`);
  return { layout: phase.layout, canaries, extra };
}
