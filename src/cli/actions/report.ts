// `archsim report`: every input read and checked first (all problems at once), then one
// runReport() call, the formats rendered and written.
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { loadBlueprint, readText } from '../../io/load.js';
import { readInput } from '../../io/read-input.js';
import { renderMermaidMany, findChromium } from '../../io/render-mermaid.js';
import { writeReportFiles } from '../../io/write-report.js';
import { readCalibration } from '../../loadtest/calibration-file.js';
import { LoadTestResult } from '../../loadtest/result.js';
import { QUESTION_IDS } from '../../model/checklist.js';
import { operationIndex } from '../../model/resolve.js';
import type { Blueprint } from '../../model/schema.js';
import { didYouMean, terminalText, type Diagnostic } from '../../model/diagnostics.js';
import { diagnostic, parseYamlWith } from '../../model/positioned.js';
import { renderPlanBody } from '../../plan/html.js';
import { renderPlanMarkdown } from '../../plan/markdown.js';
import type { Plan } from '../../plan/schema.js';
import { readPlanFile } from '../../rehearse/plan-file.js';
import { parseBaseline } from '../../report/baseline.js';
import { formatLimit, parseBudgets, type ParsedBudgets } from '../../report/budget.js';
import { withTrustedGantt } from '../../report/plan-gantt.js';
import { runReport, renderReport, type ReportFormat } from '../../report/run.js';
import { reportCalibration } from '../../report/calibration.js';
import type { Report, ReportCalibration } from '../../report/schema.js';
import { readAnswers } from '../answers.js';
import { choiceFlag, distinctListFlag, listFlag, rateFlag } from '../flags.js';
import { CheckFailed, err, InputError, out, printJson, UsageError, writingTo } from '../io.js';
import { chosenScenarios, scenarioArg, type LoadedScenario } from '../scenarios.js';
import { cliError } from '../sim-run.js';
import { layoutsFlag } from './compare.js';

const FORMATS = ['md', 'html', 'json'] as const satisfies readonly ReportFormat[];
type Format = ReportFormat;

export interface ReportFlags {
  layouts?: string;
  baseline?: string;
  budget?: string;
  loadtest?: string[];
  format: string;
  out?: string;
  rate?: string;
  scenario?: string[];
  faults: boolean;
  force?: boolean;
  answers?: string;
  calibration?: string;
  json?: boolean;
  plan?: string;
}

export async function action(file: string, flags: ReportFlags): Promise<number> {
  // A format named twice is refused before anything is read or written (it wrote report.md, then
  // stopped on the second with EEXIST, an empty --out left behind).
  const formats = distinctListFlag('--format', flags.format, 'format').map((f) => choiceFlag('--format', f, FORMATS));
  if (!flags.out && formats.length > 1) throw new UsageError('several formats need --out DIR');
  // Flags that mean nothing together are refused before anything is read (README, Commands).
  // Without fault runs no scenario is read at all: a misspelt file passed in silence.
  if (!flags.faults && flags.scenario?.length) throw new UsageError('--scenario and --no-faults mean nothing together: --scenario chooses the failure scenarios of the fault-isolation runs, which --no-faults skips');
  // --json is a summary of the files --out writes; without --out the report is what stdout is for,
  // and the summary took its place (an empty list of files, the report itself nowhere).
  if (flags.json && !flags.out) throw new UsageError('--json prints a summary of the files --out writes; without --out, --format json prints the report itself as JSON');
  const rate = flags.rate ? rateFlag('--rate', flags.rate) : undefined;

  const loaded = loadBlueprint(file);
  let blueprint = loaded.blueprint;
  const locate = loaded.locate;
  const inputFiles = loaded.files;
  // Which figures are which (stated on stderr, in the summary, and with a calibration in the
  // report itself: report.calibration, which the markdown and HTML show).
  let provenance = ["figures: the blueprint's own; each unit on its own instance (deployment figures)"];
  let calibration: ReportCalibration | undefined;
  if (flags.calibration) {
    const text = readText(flags.calibration);
    if (text === undefined) throw new UsageError(`cannot read ${flags.calibration}`);
    try {
      const info = readCalibration(flags.calibration, text, blueprint);
      blueprint = info.blueprint;
      calibration = reportCalibration(flags.calibration, text, info, 'host model: each unit on its own instance (the report shows deployment figures with the calibrated CPU; archsim compare --calibration shows the calibration host)');
      provenance = calibration.notes;
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const names = Object.keys(blueprint.layouts);
  const layouts = flags.layouts ? layoutsFlag(flags.layouts) : names;
  for (const l of layouts) if (!blueprint.layouts[l]) throw new UsageError(`unknown layout "${l}"${didYouMean(l, names)}; layouts: ${names.join(', ')}`);

  // Inputs that can be wrong are all read before any work, so mistakes come back at once.
  const problems: Diagnostic[] = [];
  const readOrFail = (path: string) => {
    const t = readInput(path);
    if (!t.ok) problems.push({ file: path, line: 1, col: 1, path: [], message: t.message, severity: 'error' });
    return t.ok ? t.text : undefined;
  };
  /** An optional input file, read and parsed; its problems join the others (all reported at once). */
  const readParsed = <T>(path: string | undefined, parse: (text: string, file: string) => { ok: true; value: T } | { ok: false; errors: Diagnostic[] }): T | undefined => {
    const t = path === undefined ? undefined : readOrFail(path);
    if (t === undefined) return undefined;
    const r = parse(t, path!);
    if (r.ok) return r.value;
    problems.push(...r.errors);
    return undefined;
  };
  const budgets: ParsedBudgets | undefined = readParsed(flags.budget, parseBudgets);
  const baseline: Report | undefined = readParsed(flags.baseline, (t, f) => {
    const r = parseBaseline(t, f, blueprint.metadata.name);
    return r.ok ? { ok: true, value: r.report } : r;
  });
  const scenarios: LoadedScenario[] = [];
  if (flags.faults) {
    // One at a time, so every broken scenario file is reported at once.
    const asked = flags.scenario?.length ? flags.scenario.map((a) => () => scenarioArg(blueprint, a)) : [() => chosenScenarios(blueprint, file, undefined, locate)];
    for (const get of asked) {
      try {
        scenarios.push(...get());
      } catch (e) {
        if (e instanceof InputError) problems.push(...e.diagnostics);
        else throw e;
      }
    }
  }
  let answers: Record<string, boolean> | undefined;
  if (flags.answers !== undefined) {
    try {
      answers = readAnswers(flags.answers, QUESTION_IDS);
    } catch (e) {
      if (e instanceof InputError) problems.push(...e.diagnostics);
      else throw e;
    }
  }
  const loadtests = [];
  for (const f of flags.loadtest ?? []) {
    const t = readOrFail(f);
    if (t === undefined) continue;
    const r = await readLoadtest(t, f, blueprint);
    if (r.ok) loadtests.push(...r.value);
    else problems.push(...r.errors);
  }
  let plan: Plan | undefined;
  if (flags.plan) {
    // The plan reader rehearse and generate use: schema, blueprint and units, all positioned.
    const r = readPlanFile(flags.plan, blueprint);
    if (r.ok) {
      // Its gantt is text Mermaid runs (and a markdown fence could end inside it): the report
      // shows the schedule rebuilt from the plan's fields instead (report/plan-gantt.ts).
      const trusted = withTrustedGantt(r.plan);
      plan = trusted.plan;
      if (trusted.rebuilt) err(`archsim: note: ${terminalText(flags.plan)}: its gantt is not the schedule its phases give (edited?); the report shows the schedule rebuilt from the phases`);
    }
    else if ('errors' in r) problems.push(...r.errors);
    else problems.push({ file: flags.plan, line: 1, col: 1, path: [], message: r.message, severity: 'error' });
  }
  if (problems.length) throw new InputError(problems);

  const pkg = { default: JSON.parse(readFileSync(packageJson(), 'utf8')) as { version: string } };
  let run;
  try {
    run = runReport(blueprint, {
      file,
      generator: `archsim ${pkg.default.version}`,
      layouts,
      rate,
      scenarios: scenarios.map((s) => s.scenario),
      loadtests,
      locate,
      ...(answers ? { answers } : {}),
      ...(baseline ? { baseline: { file: flags.baseline!, report: baseline } } : {}),
      ...(budgets ? { budgets: { file: flags.budget!, parsed: budgets } } : {}),
      ...(calibration ? { calibration } : {}),
    });
  } catch (e) {
    // A scenario that fits no layout: positioned in its file when it has one.
    const name = (e as { scenario?: string }).scenario;
    throw cliError(e, scenarios.find((s) => s.scenario.name === name)?.locate);
  }
  const { report } = run;
  // The calibration's name and header are the file's text: no control sequence reaches the terminal.
  for (const n of [...provenance, ...run.notes]) err(`archsim: note: ${terminalText(n)}`);
  if (flags.calibration) report.summary = `${report.summary} (${provenance[0]})`;
  if (plan) report.plan = plan;

  const rendered: { format: Format; text: string }[] = [];
  for (const f of formats) rendered.push({ format: f, text: await withPlan(f, renderReport(f, run, f === 'html' ? await diagramSvgs(run.diagrams) : undefined), plan) });

  const written: { path: string; bytes: number }[] = [];
  if (flags.out) {
    const dir = flags.out;
    // A file system refusal (a file where a folder of --out must be, permissions) is one line, exit 2.
    written.push(...writingTo(dir, () => writeReportFiles(dir, rendered.map((r) => ({ name: `report.${r.format}`, content: r.text })), flags.force === true, [...inputFiles, ...[flags.baseline, flags.budget, flags.calibration, flags.answers, flags.plan].filter((f): f is string => f !== undefined), ...(flags.loadtest ?? []), ...(flags.scenario ?? [])])));
  }
  if (flags.json) {
    printJson({ summary: report.summary, files: written, budgets: report.budgets, baselineChanges: report.baseline?.changes.length ?? null });
  } else if (flags.out) {
    for (const w of written) err(`wrote ${w.path} (${w.bytes} bytes)`);
    out(terminalText(report.summary));
  } else {
    out(rendered[0]!.text);
  }
  if (run.broken.length) {
    const broken = run.broken.length;
    // The limit in the unit and decimals the value is shown in (a ratio as %, not 0.20800000000000002).
    for (const b of run.broken) err(`archsim: budget broken: ${b.text.replace(/^BROKEN: /, '')} (limit ${formatLimit(b)})`);
    throw new CheckFailed(`${broken} budget${broken > 1 ? 's' : ''} broken`);
  }
  return 0;
}

/**
 * package.json from dist/src/cli/actions (the build) or src/cli/actions (the sources, as the
 * in-process tests run this command): the version the report names.
 */
function packageJson(): URL {
  const built = new URL('../../../../package.json', import.meta.url);
  const source = new URL('../../../package.json', import.meta.url);
  return existsSync(built) || !existsSync(source) ? built : source;
}

/** `--plan`: the plan after the report (markdown under the report's heading level, HTML before </body>; JSON carries report.plan). */
async function withPlan(format: Format, text: string, plan: Plan | undefined): Promise<string> {
  if (!plan || format === 'json') return text;
  if (format === 'md') {
    return `${text.trimEnd()}\n\n${renderPlanMarkdown(plan).replace(/^(#+) /gm, '$1# ')}`;
  }
  const body = renderPlanBody(plan);
  return text.replace('</body>', () => `${body}\n</body>`);
}

/** The diagrams as SVG for the HTML report, rendered by Chromium (the I/O edge); none without Chromium. */
async function diagramSvgs(diagrams: Record<string, string>): Promise<Record<string, string> | undefined> {
  if (!findChromium()) {
    err('archsim: note: no Chromium found (apt-get install chromium, or set CHROMIUM_PATH); the HTML report shows diagrams as Mermaid text');
    return undefined;
  }
  const names = Object.keys(diagrams);
  const svgs = (await renderMermaidMany(names.map((n) => diagrams[n]!), 'svg')) as string[];
  return Object.fromEntries(names.map((n, i) => [n, svgs[i]!]));
}

/**
 * Load-test result files (one result, or `{ results }` from `loadtest --layouts`), validated by
 * the load tester's own schema with positioned errors, summarized for the report.
 */
async function readLoadtest(text: string, file: string, bp: Blueprint) {
  const blueprint = bp.metadata.name;
  // A file with "results" holds several runs; anything else is judged as one run, so a broken
  // single result is told what a result needs.
  let several = false;
  try {
    const v = JSON.parse(text) as unknown;
    several = typeof v === 'object' && v !== null && 'results' in v;
  } catch {
    /* not JSON: the YAML parser below says where */
  }
  const r = several
    ? parseYamlWith(z.object({ schemaVersion: z.number(), results: z.array(LoadTestResult) }), text, file)
    : parseYamlWith(LoadTestResult, text, file);
  if (!r.ok) return r;
  const results = 'results' in r.data ? r.data.results : [r.data];
  // A run of another blueprint would be set beside this one's predictions by layout and
  // operation names alone. (A run against a --target system names no blueprint.)
  const foreign = results.flatMap((x, i) =>
    x.run.blueprint !== null && x.run.blueprint !== blueprint
      ? [diagnostic(r.locate, [...(several ? ['results', i] : []), 'run', 'blueprint'], `this load test ran blueprint ${JSON.stringify(x.run.blueprint.slice(0, 80))}, not "${blueprint}"; pass results of this blueprint's runs`)]
      : [],
  );
  if (foreign.length) return { ok: false as const, errors: foreign.slice(0, 1) };
  // A run of this blueprint whose layout or operations it no longer has (renamed, removed since):
  // set beside the predictions by name, they would compare with nothing, or with something else.
  const ops = operationIndex(bp);
  const stale = results.flatMap((x, i) => {
    if (x.run.blueprint === null) return [];
    const at = several ? ['results', i] : [];
    if (x.run.layout !== null && !bp.layouts[x.run.layout]) return [diagnostic(r.locate, [...at, 'run', 'layout'], `this load test ran layout ${JSON.stringify(x.run.layout.slice(0, 80))}, which ${blueprint} does not have${didYouMean(x.run.layout, Object.keys(bp.layouts))}; layouts: ${Object.keys(bp.layouts).join(', ')}`)];
    const k = x.operations.findIndex((o) => !ops.has(o.id));
    return k < 0 ? [] : [diagnostic(r.locate, [...at, 'operations', k, 'id'], `operation ${JSON.stringify(x.operations[k]!.id.slice(0, 80))} is not in ${blueprint}${didYouMean(x.operations[k]!.id, ops.keys())}: a result of another version of the blueprint?`)];
  });
  if (stale.length) return { ok: false as const, errors: stale.slice(0, 1) };
  return {
    ok: true as const,
    value: results.map((x) => ({
      file,
      layout: x.run.layout ?? '(unnamed)',
      driver: x.run.driver,
      operations: x.operations
        .filter((o) => o.latency && o.throughput !== null)
        .map((o) => ({ id: o.id, throughput: o.throughput!, p50Ms: o.latency!.p50, p95Ms: o.latency!.p95, errors: o.errors.total })),
    })),
  };
}
