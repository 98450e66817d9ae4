// `archsim generate`: flags first, then the blueprint, one generate() call and the files written (never over a user's file without --force).
import { choiceFlag, durationFlag, intFlag, listFlag, percentFlag, rateFlag } from '../flags.js';
import { EXIT, err, out, paint, printJson, table, InputError, outputError, UsageError } from '../io.js';
import { didYouMean } from '../../model/diagnostics.js';
import { loadBlueprint } from '../../io/load.js';
import { generate, k6Drivable, TARGETS, type GenerateOptions, type Target } from '../../generate/index.js';
import { gatewayPort, layoutToGenerate } from '../../generate/common.js';
import { NO_LAYOUTS } from '../sim-options.js';
import { makeParents, removeMade } from '../out-dir.js';
import { writeFiles } from '../../io/write-files.js';
import { WriteRefused } from '../../io/write-set.js';
import { findLoadProfile } from '../../loadtest/profile/load.js';
import { existsSync, statSync } from 'node:fs';
import { readPlanFile } from '../../rehearse/plan-file.js';
import { phaseLayout, protocolSwitches } from '../../plan/index.js';
import { Layout, type Blueprint } from '../../model/schema.js';
import { checkSemantics } from '../../model/semantics.js';

export interface GenerateCliOptions {
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

export async function action(target: string, file: string, opts: GenerateCliOptions): Promise<number> {
  const targets: readonly string[] = TARGETS;
  if (!targets.includes(target)) throw new UsageError(`unknown target "${target}"${didYouMean(target, targets)}; targets: ${targets.join(', ')}`);
  if (!opts.out) throw new UsageError('--out <dir> is required (where to write the files)');
  // Flags first: a bad value is reported before any file is read.
  const gopts: GenerateOptions = {};
  if (opts.kind !== undefined) gopts.kind = choiceFlag('--kind', opts.kind, ['kong', 'traefik', 'nginx'] as const);
  if (opts.canary !== undefined) {
    const m = /^([A-Za-z][\w-]*)=(.+)$/.exec(opts.canary.trim());
    if (!m) throw new UsageError(`--canary ${opts.canary}: expected unit=percent, e.g. auth-service=10`);
    gopts.canary = { unit: m[1]!, percent: Number((percentFlag('--canary', m[2]!) * 100).toPrecision(12)) };
  }
  if (opts.ingress !== undefined) gopts.ingress = choiceFlag('--ingress', opts.ingress, ['ingress', 'gateway-api'] as const);
  if (opts.withDatastores) gopts.withDatastores = true;
  if (opts.baseUrl !== undefined) gopts.baseUrl = baseUrlFlag(opts.baseUrl);
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
  // k6's flags on another target, and the closed model's think time on an open one, were
  // dropped without a word: the user believed a script or gateway they did not get.
  const k6Only = (['baseUrl', 'rate', 'duration', 'operations', 'users', 'thinkTime', 'warmup', 'timeout', 'loadProfile', 'k6Operator'] as const).find((k) => opts[k] !== undefined);
  if (k6Only && target !== 'k6' && target !== 'all') throw new UsageError(`--${kebab(k6Only)} applies to the k6 target (or all), not ${target}`);
  // The gateway's flags reach every target that writes gateway config (compose and the scaffold
  // carry the gateway's files; Kubernetes' Ingresses take the canary's split), the Kubernetes
  // flags every target that writes manifests (the scaffold carries k8s/).
  const gatewayOnly = (['kind', 'canary'] as const).find((k) => opts[k] !== undefined);
  const takesGateway = { kind: ['gateway', 'compose', 'scaffold', 'all'], canary: ['gateway', 'compose', 'k8s', 'scaffold', 'all'] } as const;
  if (gatewayOnly && !(takesGateway[gatewayOnly] as readonly string[]).includes(target)) throw new UsageError(`--${gatewayOnly} applies to the ${takesGateway[gatewayOnly].slice(0, -1).join(', ')} targets (or all), not ${target}`);
  if ((opts.ingress !== undefined || opts.withDatastores) && !['k8s', 'scaffold', 'all'].includes(target)) throw new UsageError(`--${opts.ingress !== undefined ? 'ingress' : 'with-datastores'} applies to the k8s and scaffold targets (or all), not ${target}`);
  if (opts.parallelism !== undefined && opts.parallelism !== '1' && !opts.k6Operator) throw new UsageError('--parallelism counts the k6-operator runner pods: it goes with --k6-operator');
  if (opts.k6Operator) gopts.k6Operator = { parallelism: intFlag('--parallelism', opts.parallelism ?? '1', 1, 1000) };

  const { blueprint: loaded, files: inputs } = loadBlueprint(file);
  // Think time is the closed model's (--users, or a workload of users): an open model has none.
  if (gopts.thinkTime !== undefined && gopts.users === undefined && (gopts.rate !== undefined || loaded.workload?.users === undefined || loaded.workload?.rate !== undefined)) {
    throw new UsageError('--think-time is how long a user waits in the closed model: give --users (the workload here is an open model, at a rate)');
  }
  const readFrom: string[] = [];
  const planned = opts.plan !== undefined || opts.phase !== undefined || opts.step !== undefined ? await planStep(loaded, target, opts) : undefined;
  if (planned) opts.layout = planned.layout;
  // A phase layout from the plan file joins a new blueprint object (resolved models are memoized per object).
  const blueprint = planned?.extra ? { ...loaded, layouts: { ...loaded.layouts, ...planned.extra } } : loaded;
  if (planned) gopts.canaries = planned.canaries;
  const layouts = Object.keys(blueprint.layouts);
  const layout = opts.layout ?? (layouts.length === 1 ? layouts[0]! : undefined);
  if (!layouts.length) throw new UsageError(NO_LAYOUTS);
  if (!layout) throw new UsageError(`--layout is required; layouts: ${layouts.join(', ')}`);
  if (!blueprint.layouts[layout]) throw new UsageError(`unknown layout "${layout}"${didYouMean(layout, layouts)}; layouts: ${layouts.join(', ')}`);

  // A GenerateError (a canary naming no unit, an operation without a route) is a usage error by kind.
  if (target === 'k6' || target === 'all') {
    const found = findLoadProfile({ ...(opts.loadProfile ? { file: opts.loadProfile } : {}), blueprintFile: file, bp: blueprint });
    gopts.loadProfile = found?.profile ?? null;
    if (found) readFrom.push(found.file);
    if (opts.loadProfile !== undefined) readFrom.push(opts.loadProfile);
  }
  const files = generate(target as Target, blueprint, layout, gopts);
  // The generated gateway runs as a non-root user, so a port below 1024 is moved (gatewayPort):
  // said, not silent, with the port it listens on instead.
  const gw = blueprint.layouts[layout]!.gateway;
  if (gw && gw.port < 1024 && target !== 'monitoring') {
    err(`archsim: note: the gateway's port ${gw.port} is privileged and the generated gateway runs as a non-root user: it listens on ${gatewayPort(layoutToGenerate(blueprint, layout))} instead (the published port and the k6 target too); put ${gw.port} in front of it (a load balancer or a port mapping)`);
  }
  // An alb or envoy gateway has no generator: the gateway written is nginx (gatewayKind), said.
  if (gw && (gw.kind === 'alb' || gw.kind === 'envoy') && gopts.kind === undefined && (takesGateway.kind as readonly string[]).includes(target)) {
    err(`archsim: note: layout ${layout}'s gateway is ${gw.kind}, which archsim does not write: the gateway config is nginx's (the same routes); --kind kong or traefik writes another`);
  }
  // `all` leaves k6 out of a layout with nothing to drive (generate/index.ts): said, not silent.
  if (target === 'all' && !k6Drivable(blueprint, layout)) err(`archsim: note: no k6 script: no public operation of the workload has a route in layout ${layout}`);
  // Every file this run read is an input the output may not overwrite, --force or not.
  if (opts.plan !== undefined) readFrom.push(opts.plan);
  if (existsSync(opts.out) && !statSync(opts.out).isDirectory()) throw new UsageError(`--out ${opts.out} is a file, not a directory`);
  // Missing folders above --out are made (never through a link): the plan suggests
  // `--out gateway/phase-2/step-10` for each step. Taken back if the write fails.
  const made = makeParents(opts.out, opts.dryRun === true);
  let result;
  try {
    result = writeFiles(opts.out, files, { force: opts.force === true, dryRun: opts.dryRun === true, inputs: [...inputs, ...readFrom] });
  } catch (e) {
    removeMade(made);
    if (e instanceof WriteRefused) throw new UsageError(`cannot write to ${opts.out}: ${e.message}`);
    // A file system refusal (permissions, a file where a directory must go) is the user's to
    // fix: said in words as report and graph say it (io.ts outputError).
    throw outputError(opts.out, e);
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
 * other (rehearse/plan-file.ts: bounded, positioned, its canaries' units checked against its layouts)
 * and the phase's layout against the blueprint's semantics.
 */
async function planStep(blueprint: Blueprint, target: string, opts: GenerateCliOptions) {
  if (target !== 'gateway') throw new UsageError('--plan, --phase and --step apply to the gateway target');
  if (opts.plan === undefined || opts.phase === undefined || opts.step === undefined) throw new UsageError('--plan, --phase and --step go together');
  if (opts.layout !== undefined) throw new UsageError('--layout and --plan exclude each other: the plan names the phase layout');
  const read = readPlanFile(opts.plan, blueprint);
  if (!read.ok) {
    if ('errors' in read) throw new InputError(read.errors);
    throw new UsageError(`--plan ${opts.plan}: ${read.message}`);
  }
  const plan = read.plan;
  // Decimal digits only: Number() also read "0x10" as 16, "1e1" as 10 and " " as 0 (the rollback).
  const n = /^\s*\d+\s*$/.test(String(opts.phase)) ? Number(opts.phase) : NaN;
  const last = plan.phases.length - 1;
  if (!Number.isInteger(n) || n < 1 || n > last) throw new UsageError(`--phase ${opts.phase}: expected 1 … ${last}`);
  const stepText = String(opts.step).trim().replace(/%$/, '');
  const step = /^\d+(\.\d+)?$/.test(stepText) ? Number(stepText) : NaN;
  if (!(step >= 0 && step <= 100)) throw new UsageError(`--step ${opts.step}: expected a percentage from 0 (rollback) to 100`);
  const phase = plan.phases[n]!;
  let extra: Record<string, Layout> | undefined;
  const l = phaseLayout(blueprint, phase, plan.phases[n - 1]);
  if (!l.ok) throw new UsageError(`--plan ${opts.plan}: ${l.message}`);
  if (l.own) {
    // The phase alone joins the blueprint.
    const problems = checkSemantics({ ...blueprint, layouts: { [phase.layout]: l.layout } }).filter((p) => p.severity === 'error');
    if (problems.length) throw new UsageError(`--plan ${opts.plan}: phase ${n}'s layout does not fit the blueprint (${problems[0]!.path.join('.')}: ${problems[0]!.message})`);
    extra = { [phase.layout]: l.layout };
  }
  // readPlanFile checked that every unit named here is one of the layouts' on its port.
  const canaries = phase.extractions
    .filter((e) => e.from && e.routes.length)
    .map((e) => ({ unit: e.unit, percent: step, from: e.from!, ...(e.sources && e.sources.length > 1 ? { sources: e.sources } : {}) }));
  if (!canaries.length) throw new UsageError(`phase ${n} moves no routes: it has no canary`);
  // Only the end of a canary across protocols can be written: its routes are gRPC methods on one
  // side and HTTP paths on the other, so a weight between them would send one side's requests to
  // a unit that cannot serve them (and step 0 has no HTTP routes for the old unit's clients).
  const switches = step < 100 ? protocolSwitches(blueprint, plan, n) : [];
  if (switches.length) {
    const s = switches[0]!;
    const before = plan.phases[n - 1]!.layout;
    throw new UsageError(
      `--step ${opts.step}: phase ${n}'s ${s.unit} serves ${s.now} where ${s.from} served its routes over ${s.was}: a gateway cannot split requests between two protocols by weight; while clients still call over ${s.was}, run the layout before's gateway (generate gateway --layout ${before}), and --step 100 once they call ${s.unit} over ${s.now}`,
    );
  }
  return { layout: phase.layout, canaries, extra };
}

const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * --base-url: an http(s) URL and nothing else. It is written into the k6 script (a string and a
 * `// Run:` comment): a newline in it ended the comment and put the rest in the script as code.
 */
function baseUrlFlag(v: string): string {
  let u: URL | undefined;
  try {
    u = new URL(v);
  } catch {
    u = undefined;
  }
  // eslint-disable-next-line no-control-regex
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || /[\s\u0000-\u001f\u007f"'`\\]/.test(v)) {
    throw new UsageError(`--base-url ${JSON.stringify(v)}: expected an http:// or https:// URL such as http://my-gateway:8000`);
  }
  return v;
}
