// `archsim plan`: flags checked, one plan() call, the overlay checked to load before anything is written.
// (The HTML renderer is this action's one further lazy import: only --format html needs it.)
import { lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { baseReader, EXTENDS_ANYWHERE_ENV, loadBlueprint } from '../../io/load.js';
import { writeFiles } from '../../io/write-files.js';
import { parseBlueprint } from '../../model/parse.js';
import { plan, PlanError, OrderError, parseEffort } from '../../plan/index.js';
import { renderPlanMarkdown } from '../../plan/markdown.js';
import { EXIT, out, printJson, table, UsageError, err } from '../io.js';

export interface PlanFlags {
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

/**
 * A percentage as a fraction; `max` is the largest fraction that means something for the flag.
 * A bare number is a percentage, as in every percentage flag (cli/flags.ts percentFlag): it was
 * read as a fraction up to 1 and a percentage above, so `--growth 1` meant 100% a month while
 * `--growth 2` meant 2%, and `--max-error-rate 1` (100%) never rolled a canary back.
 */
function percentOption(v: string, flag: string, max = 10): number {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(%)?\s*(?:\/\s*(?:month|mo))?\s*$/.exec(v);
  if (!m) throw new UsageError(`${flag} ${v}: expected a percentage such as 15% (or 15%/month)`);
  const frac = Number(m[1]) / 100;
  if (!(frac >= 0) || frac > max) throw new UsageError(`${flag} ${v}: out of range (at most ${max * 100}%)`);
  return frac;
}

/**
 * A start date the calendar has: the pattern alone lets 2025-13-45 and 2025-02-30 through, and
 * they went into the gantt chart as written. A date is real when the UTC day built from its parts
 * reads back the same parts (Date.UTC rolls 02-30 over into March).
 */
function startOption(v: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) throw new UsageError(`--start ${v}: expected YYYY-MM-DD`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) throw new UsageError(`--start ${v}: not a calendar date (expected YYYY-MM-DD)`);
  return v;
}

/**
 * Today on the user's calendar, YYYY-MM-DD. The UTC date (toISOString) started the schedule on
 * yesterday or tomorrow wherever the local day is not UTC's (east of UTC in the morning, west
 * of it in the evening).
 */
function today(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Files an overlay may extend, by name (the loader's rule for `extends:`, src/model/parse.ts). */
const EXTENDABLE = /\.(ya?ml|json)$/i;

/** A path as the file system has it (links resolved), or as given when it does not exist yet. */
function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    const dir = path.dirname(path.resolve(p));
    return dir === path.resolve(p) ? dir : path.join(real(dir), path.basename(p));
  }
}

/**
 * Whether a command run from `cwd` loads an overlay in `outDir` that extends `blueprint`: the
 * loader follows a base inside the overlay's folder tree or the working directory's
 * (src/io/load.ts baseReader), unless extends-anywhere is on. Asked before the plan is made,
 * whether or not --out exists yet (the loader's own check needs the folder to exist).
 */
function extendsLoads(blueprint: string, outDir: string, cwd: string): boolean {
  if (process.env[EXTENDS_ANYWHERE_ENV] === '1') return true;
  const b = real(blueprint);
  const inside = (folder: string) => {
    const rel = path.relative(folder, b);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  };
  return inside(real(outDir)) || inside(real(cwd));
}

export async function action(file: string, f: PlanFlags): Promise<number> {
  // --json is machine output on stdout: the plan, or with --out what was written. With another
  // --format it was silently the one or the other; refused instead.
  if (f.json && f.format !== undefined && f.format !== 'json') throw new UsageError(`--json and --format ${f.format} contradict each other (--json is --format json); give one of them`);
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
  if (f.start !== undefined) startOption(f.start);
  const maxErrorRate = percentOption(f.maxErrorRate ?? '1%', '--max-error-rate', 1);
  const effort = parseEffort(f.effort);
  if (effort.error) throw new UsageError(effort.error);
  // The overlay --out writes names the blueprint in `extends:`, and the loader follows only a
  // .yaml, .yml or .json name there; a blueprint read from another name (bp.txt) would give an
  // overlay no command could load. Refused before any work, with the way out.
  if (f.out !== undefined && !EXTENDABLE.test(file)) {
    throw new UsageError(`--out ${f.out}: the plan's overlay extends ${path.basename(file)}, and extends: must name a .yaml, .yml or .json file; copy or rename the blueprint to such a name (or leave out --out to print the plan)`);
  }
  // An --out that is a file: refused before any work, as generate does (the writer reached it
  // as an internal error, "ENOTDIR … lstat", exit 1). A link is the writer's to refuse.
  const outStat = f.out !== undefined ? lstatSync(f.out, { throwIfNoEntry: false }) : undefined;
  if (outStat && !outStat.isDirectory() && !outStat.isSymbolicLink()) throw new UsageError(`--out ${f.out} is a file, not a directory`);
  const { blueprint, files: inputs } = loadBlueprint(file);
  const name = blueprint.metadata.name;
  const dir = f.out;
  const overlayFile = dir ? path.join(dir, `${name}.plan.yaml`) : `${name}.plan.yaml`;
  const planFile = dir ? path.join(dir, `${name}.plan.json`) : `${name}.plan.json`;
  if (dir) {
    // A file this command read may not be written, --force or not (as report and graph refuse
    // it): a blueprint that is the overlay --out writes (plan p/x.plan.yaml --out p) reached the
    // load-back check as an overlay extending itself, "internal error: … extends cycle", exit 1.
    const read = new Set(inputs.map(real));
    const report = format === 'json' ? [] : [path.join(dir, `${name}.plan.${format}`)];
    for (const o of [overlayFile, planFile, ...report]) if (read.has(real(o))) throw new UsageError(`${o} is one of this command's inputs; choose another output`);
    // The overlay names the blueprint by a path relative to --out; the commands that read it
    // follow that only inside --out's folder tree or their working directory's. From elsewhere
    // (cd a; plan ../bp/x.yaml --out ../out) it was written, exit 0, and no command loaded it.
    if (!extendsLoads(file, dir, process.cwd())) {
      throw new UsageError(
        `--out ${dir}: the overlay would extend ${path.relative(path.resolve(dir), path.resolve(file)).split(path.sep).join('/')}, outside ${dir} and the working directory, and no archsim command would load it; run archsim from a folder that holds both the blueprint and --out (or choose an --out that holds the blueprint's folder), or pass --allow-extends-anywhere to every command that reads the overlay`,
      );
    }
  }
  let result;
  try {
    result = plan(blueprint, {
      from: f.from!,
      to: f.to!,
      mode,
      canary: percents,
      maxErrorRate,
      effort: effort.model,
      start: f.start ?? today(),
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
  // The HTML renderer (marked, the charts) is loaded only for --format html: the default
  // markdown plan has no use for it, and it was a part of every plan's start.
  const rendered = format === 'json' ? JSON.stringify(p, null, 2) + '\n' : format === 'html' ? (await import('../../plan/html.js')).renderPlanHtml(p) : renderPlanMarkdown(p);
  const problems = p.phases.flatMap((ph) => ph.problems.map((x) => `${ph.layout}: ${x}`));
  if (dir) {
    const rel = path.relative(path.resolve(dir), path.resolve(file)).split(path.sep).join('/');
    const overlayText =
      `# archsim plan: ${name} from ${p.from} to ${p.to}, one layout per phase (${p.phases.length > 2 ? `${p.phases[1]!.layout} … ${p.phases.at(-1)!.layout}` : (p.phases[1]?.layout ?? 'none')}).\n# Generated; re-run archsim plan to change it. Every command reads it like the blueprint it extends.\n` +
      stringify({ extends: rel, layouts: result.overlay.layouts }, { lineWidth: 0, aliasDuplicateObjects: false });
    // The overlay must load like any blueprint, by the loader's own rules for extends: (the
    // reader other commands use, from this working directory): checked before anything is written.
    const check = parseBlueprint(overlayText, path.resolve(overlayFile), baseReader());
    if (!check.ok) throw new Error(`the plan's overlay does not validate (a bug in archsim plan): ${check.errors.map((e) => e.message).join('; ')}`);
    const files = [
      { path: `${name}.plan.yaml`, content: overlayText },
      { path: `${name}.plan.json`, content: JSON.stringify(p, null, 2) + '\n' },
      ...(format === 'json' ? [] : [{ path: `${name}.plan.${format}`, content: rendered }]),
    ];
    const w = writeFiles(dir, files, { force: f.force === true, inputs });
    // --json: what was written, as JSON on stdout (as generate --json says it), not the table.
    if (format === 'json') printJson({ blueprint: name, from: p.from, to: p.to, dir, ok: w.conflicts.length === 0, conflicts: w.conflicts.map((c) => path.join(dir, c)), files: w.files.map((x) => ({ ...x, path: path.join(dir, x.path) })) });
    if (w.conflicts.length) {
      for (const c of w.conflicts) err(`archsim: ${path.join(dir, c)} exists with other content`);
      err('archsim: nothing written (use --force to overwrite)');
      return EXIT.badInput;
    }
    if (format !== 'json') out(table(['status', 'file', 'bytes'], w.files.map((x) => [x.status, path.join(dir, x.path), x.bytes])));
  } else if (format === 'json') printJson(p);
  else out(rendered.trimEnd());
  if (problems.length) {
    for (const x of problems) err(`archsim: ${x}`);
    return EXIT.failed;
  }
  return EXIT.ok;
}
