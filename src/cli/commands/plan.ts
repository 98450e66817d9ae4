import type { Command } from 'commander';
import { EXIT, handle, out, printJson, table, UsageError, err } from '../io.js';

interface PlanFlags {
  from?: string;
  to?: string;
  order?: string;
  phases?: string;
  team?: string;
  growth?: string;
  canary?: string;
  maxErrorRate?: string;
  effort?: string;
  start?: string;
  format?: string;
  out?: string;
  force?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('plan')
    .description('plan a migration from one layout to another: extraction order from coupling, phases as layouts (written as an overlay), data moves, figures, effort, canaries, rollback and triggers')
    .argument('<file>', 'blueprint YAML file')
    .requiredOption('--from <layout>', 'the layout today')
    .requiredOption('--to <layout>', 'the layout to reach')
    .option('--order <units>', 'pin the extraction order (comma-separated units of the target); its risks are listed')
    .option('--phases <mode>', 'auto (declared next: chain; ungated steps building several units split per unit), unit (one unit per phase) or declared (one phase per declared layout)', 'auto')
    .option('--team <n>', 'developers on the migration (default: metadata.team.developers, else 3)')
    .option('--growth <rate>', 'load growth per month, e.g. 15%/month: the month each trigger fires')
    .option('--canary <percents>', 'canary steps, ascending, ending at 100', '10,50,100')
    .option('--max-error-rate <pct>', 'roll a canary back above this error rate', '1%')
    .option('--effort <k=v,…>', 'adjust the effort model, e.g. perUnit=8,focus=0.5 (see the README)')
    .option('--start <date>', 'first day of the schedule, YYYY-MM-DD (default: today)')
    .option('--format <f>', 'md, html or json', 'md')
    .option('-o, --out <dir>', 'write the overlay (<name>.plan.yaml), the plan (<name>.plan.json) and the report there')
    .option('--force', 'overwrite files in --out')
    .option('--json', 'same as --format json')
    .addHelpText(
      'after',
      '\nThe overlay `extends:` the blueprint and holds the layouts phase-1 … phase-N, so every command works on a phase:\n  archsim plan blueprints/quantchat.yaml --from monolith --to microservices --growth 15%/month --out plan\n  archsim simulate plan/quantchat.plan.yaml --layout phase-2 --method analytic\n  archsim generate gateway plan/quantchat.plan.yaml --plan plan/quantchat.plan.json --phase 2 --step 10 --out gw\nExit codes: 0 done, 1 a derived phase does not validate, 2 bad input or usage.',
    )
    .action((file: string, flags: PlanFlags) => handle(() => runPlan(file, flags)));
}

function percentOption(v: string, flag: string): number {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(%)?\s*(?:\/\s*(?:month|mo))?\s*$/.exec(v);
  if (!m) throw new UsageError(`${flag} ${v}: expected a percentage such as 15% (or 15%/month)`);
  const n = Number(m[1]);
  const frac = m[2] || n > 1 ? n / 100 : n;
  if (!(frac >= 0) || frac > 10) throw new UsageError(`${flag} ${v}: out of range`);
  return frac;
}

async function runPlan(file: string, f: PlanFlags): Promise<number> {
  const format = f.json ? 'json' : (f.format ?? 'md');
  if (!['md', 'html', 'json'].includes(format)) throw new UsageError(`--format ${format}: expected md, html or json`);
  const mode = f.phases ?? 'auto';
  if (mode !== 'auto' && mode !== 'unit' && mode !== 'declared') throw new UsageError(`--phases ${mode}: expected auto, unit or declared`);
  const canary = (f.canary ?? '10,50,100').split(',').map((s) => s.trim());
  const percents = canary.map((s) => {
    const n = Number(s.replace(/%$/, ''));
    if (!(n > 0 && n <= 100)) throw new UsageError(`--canary ${f.canary}: each step is a percentage in (0, 100]`);
    return n;
  });
  if (percents.some((p, i) => i > 0 && p <= percents[i - 1]!) || percents.at(-1) !== 100) throw new UsageError(`--canary ${f.canary}: steps must rise and end at 100`);
  let team: number | undefined;
  if (f.team !== undefined) {
    team = Number(f.team);
    if (!Number.isInteger(team) || team < 1) throw new UsageError(`--team ${f.team}: expected a whole number of developers ≥ 1`);
  }
  if (f.start !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(f.start)) throw new UsageError(`--start ${f.start}: expected YYYY-MM-DD`);
  const [{ loadBlueprint, readText }, { plan, PlanError, OrderError, parseEffort }, { renderPlanMarkdown }, path] = await Promise.all([
    import('../../io/load.js'),
    import('../../plan/index.js'),
    import('../../plan/markdown.js'),
    import('node:path'),
  ]);
  const effort = parseEffort(f.effort);
  if (effort.error) throw new UsageError(effort.error);
  const { blueprint } = loadBlueprint(file);
  const name = blueprint.metadata.name;
  const dir = f.out;
  const overlayFile = dir ? path.join(dir, `${name}.plan.yaml`) : `${name}.plan.yaml`;
  const planFile = dir ? path.join(dir, `${name}.plan.json`) : `${name}.plan.json`;
  let result;
  try {
    result = plan(blueprint, {
      from: f.from!,
      to: f.to!,
      mode,
      canary: percents,
      maxErrorRate: percentOption(f.maxErrorRate ?? '1%', '--max-error-rate'),
      effort: effort.model,
      start: f.start ?? new Date().toISOString().slice(0, 10),
      overlayFile,
      planFile,
      ...(f.order ? { order: f.order.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
      ...(team !== undefined ? { team } : {}),
      ...(f.growth !== undefined ? { growth: percentOption(f.growth, '--growth') } : {}),
    });
  } catch (e) {
    if (e instanceof PlanError || e instanceof OrderError) throw new UsageError(e.message);
    throw e;
  }
  const p = result.plan;
  const rendered = format === 'json' ? JSON.stringify(p, null, 2) + '\n' : format === 'html' ? (await import('../../plan/html.js')).renderPlanHtml(p) : renderPlanMarkdown(p);
  const problems = p.phases.flatMap((ph) => ph.problems.map((x) => `${ph.layout}: ${x}`));
  if (dir) {
    const { stringify } = await import('yaml');
    const { parseBlueprint } = await import('../../model/parse.js');
    const { writeFiles } = await import('../../io/write-files.js');
    const rel = path.relative(path.resolve(dir), path.resolve(file)).split(path.sep).join('/');
    const overlayText =
      `# archsim plan: ${name} from ${p.from} to ${p.to}, one layout per phase (phase-1 … phase-${p.phases.length - 1}).\n# Generated; re-run archsim plan to change it. Every command reads it like the blueprint it extends.\n` +
      stringify({ extends: rel, layouts: result.overlay.layouts }, { lineWidth: 0, aliasDuplicateObjects: false });
    // The overlay must load like any blueprint: check it before anything is written.
    const check = parseBlueprint(overlayText, path.resolve(overlayFile), readText);
    if (!check.ok) throw new Error(`the plan's overlay does not validate (a bug in archsim plan): ${check.errors.map((e) => e.message).join('; ')}`);
    const files = [
      { path: `${name}.plan.yaml`, content: overlayText },
      { path: `${name}.plan.json`, content: JSON.stringify(p, null, 2) + '\n' },
      ...(format === 'json' ? [] : [{ path: `${name}.plan.${format}`, content: rendered }]),
    ];
    const w = writeFiles(dir, files, { force: f.force === true });
    if (w.conflicts.length) {
      for (const c of w.conflicts) err(`archsim: ${path.join(dir, c)} exists with other content`);
      err('archsim: nothing written (use --force to overwrite)');
      return EXIT.badInput;
    }
    out(table(['status', 'file', 'bytes'], w.files.map((x) => [x.status, path.join(dir, x.path), x.bytes])));
  } else if (format === 'json') printJson(p);
  else out(rendered.trimEnd());
  if (problems.length) {
    for (const x of problems) err(`archsim: ${x}`);
    return EXIT.failed;
  }
  return EXIT.ok;
}
