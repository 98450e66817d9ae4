import type { Command } from 'commander';
import { choiceFlag, listFlag, rateFlag } from '../flags.js';
import { CheckFailed, err, handle, InputError, out, printJson, UsageError } from '../io.js';
import { AUTO_SCENARIO_HELP, SCENARIO_DEFAULT_HELP } from '../scenario-help.js';
import type { ReportFormat } from '../../report/run.js';

interface ReportFlags {
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

// The format names only (report/run.js itself loads when the command runs: --help stays light).
const FORMATS = ['md', 'html', 'json'] as const satisfies readonly ReportFormat[];
type Format = ReportFormat;

export function register(program: Command): void {
  program
    .command('report')
    .description('write a comparison report of layouts (markdown for pull requests, self-contained HTML, JSON), with budgets and baseline diffs')
    .argument('<file>', 'blueprint YAML file')
    .option('--layouts <a,b,…>', 'layouts to compare (default: every layout of the blueprint)')
    .option('--format <fmt>', 'md, html, json, or a comma list (e.g. md,json)', 'md')
    .option('--out <dir>', 'write report.<ext> files into this folder (default: print one format on stdout)')
    .option('--baseline <report.json>', 'an earlier JSON report: list every figure that changed and why')
    .option('--budget <budget.yaml>', 'limits to enforce; a broken budget exits 1')
    .option('--loadtest <result.json...>', 'load-test results to show beside the predictions')
    .option('--rate <r>', "the workload's rate (default: the blueprint's workload)")
    .option('--scenario <file|auto...>', `failure scenarios for fault isolation (${SCENARIO_DEFAULT_HELP})`)
    .option('--no-faults', 'skip the fault-isolation runs')
    .option('-a, --answers <file>', 'readiness checklist answers (as for `archsim checklist --answers`): the report scores the same answers')
    .option('--plan <plan.json>', 'include a migration plan from `archsim plan --out` (its .plan.json)')
    .option('--force', 'overwrite existing report files in --out')
    .option('--calibration <file>', 'a calibration (archsim calibrate / validate-model overlay): report with its measured figures; the report says which are calibrated and for which host')
    .option('--json', 'print a summary (files written, budgets) as JSON on stdout')
    .addHelpText(
      'after',
      `
Budget file (YAML):
  layout: microservices            # optional: which layout(s) the budgets apply to
  budgets:
    - p95(messages.send) < 150ms
    - cost.monthly < 200 USD
    - throughput(auth.login) > 1000/s
    - lint.errors == 0
    - change.cost.monthly < 20%     # needs --baseline
Figures: cost.monthly, cost.perMillion, throughput[(op)], mean|p50|p95|p99(op), hops(op),
utilization(station), replicas(unit), lint.errors, lint.warnings.

${AUTO_SCENARIO_HELP}

Exit codes: 0 report written and every budget met, 1 a budget is broken, 2 bad input.`,
    )
    .action((file: string, flags: ReportFlags) => handle(() => runReport(file, flags)));
}

async function runReport(file: string, flags: ReportFlags): Promise<number> {
  const formats = listFlag(flags.format).map((f) => choiceFlag('--format', f, FORMATS));
  if (!flags.out && formats.length > 1) throw new UsageError('several formats need --out DIR');
  const rate = flags.rate ? rateFlag('--rate', flags.rate) : undefined;

  const [{ loadBlueprint, readText }, { didYouMean }, { runReport, renderReport }, { parseBudgets }, { parseBaseline }] = await Promise.all([
    import('../../io/load.js'),
    import('../../model/diagnostics.js'),
    import('../../report/run.js'),
    import('../../report/budget.js'),
    import('../../report/baseline.js'),
  ]);
  const loaded = loadBlueprint(file);
  let blueprint = loaded.blueprint;
  const locate = loaded.locate;
  const inputFiles = loaded.files;
  // Which figures are which (stated in the summary and on stderr).
  let provenance = ["figures: the blueprint's own; each unit on its own instance (deployment figures)"];
  if (flags.calibration) {
    const text = readText(flags.calibration);
    if (text === undefined) throw new UsageError(`cannot read ${flags.calibration}`);
    const { readCalibration } = await import('../../loadtest/calibration-file.js');
    try {
      const info = readCalibration(flags.calibration, text, blueprint);
      blueprint = info.blueprint;
      provenance = [...info.lines, 'host model: each unit on its own instance (the report shows deployment figures with the calibrated CPU; `archsim compare --calibration` shows the calibration host)'];
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const names = Object.keys(blueprint.layouts);
  const layouts = flags.layouts ? listFlag(flags.layouts) : names;
  for (const l of layouts) if (!blueprint.layouts[l]) throw new UsageError(`unknown layout "${l}"${didYouMean(l, names)}; layouts: ${names.join(', ')}`);

  // Inputs that can be wrong are all read before any work, so mistakes come back at once.
  const problems: import('../../model/diagnostics.js').Diagnostic[] = [];
  const { readInput } = await import('../../io/read-input.js');
  const readOrFail = (path: string) => {
    const t = readInput(path);
    if (!t.ok) problems.push({ file: path, line: 1, col: 1, path: [], message: t.message, severity: 'error' });
    return t.ok ? t.text : undefined;
  };
  let budgets: import('../../report/budget.js').ParsedBudgets | undefined;
  if (flags.budget) {
    const t = readOrFail(flags.budget);
    if (t !== undefined) {
      const r = parseBudgets(t, flags.budget);
      if (r.ok) budgets = r.value;
      else problems.push(...r.errors);
    }
  }
  let baseline: import('../../report/schema.js').Report | undefined;
  if (flags.baseline) {
    const t = readOrFail(flags.baseline);
    if (t !== undefined) {
      const r = parseBaseline(t, flags.baseline, blueprint.metadata.name);
      if (r.ok) baseline = r.report;
      else problems.push(...r.errors);
    }
  }
  const { chosenScenarios, scenarioArg } = await import('../scenarios.js');
  const scenarios: import('../scenarios.js').LoadedScenario[] = [];
  if (flags.faults) {
    // One at a time, so every broken scenario file is reported at once.
    const asked = flags.scenario?.length ? flags.scenario.map((a) => () => scenarioArg(blueprint, a)) : [() => chosenScenarios(blueprint, file, undefined)];
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
      const [{ readAnswers }, { QUESTION_IDS }] = await Promise.all([import('../answers.js'), import('../../model/checklist.js')]);
      answers = await readAnswers(flags.answers, QUESTION_IDS);
    } catch (e) {
      if (e instanceof InputError) problems.push(...e.diagnostics);
      else throw e;
    }
  }
  const loadtests = [];
  for (const f of flags.loadtest ?? []) {
    const t = readOrFail(f);
    if (t === undefined) continue;
    const r = await readLoadtest(t, f, blueprint.metadata.name);
    if (r.ok) loadtests.push(...r.value);
    else problems.push(...r.errors);
  }
  let plan: import('../../plan/schema.js').Plan | undefined;
  if (flags.plan) {
    const t = readOrFail(flags.plan);
    if (t !== undefined) {
      const [{ parseYamlWith }, { Plan }] = await Promise.all([import('../../model/positioned.js'), import('../../plan/schema.js')]);
      const r = parseYamlWith(Plan, t, flags.plan);
      if (r.ok) plan = r.data;
      else problems.push(...r.errors);
    }
    if (plan && plan.blueprint !== blueprint.metadata.name) throw new UsageError(`--plan ${flags.plan} is a plan of "${plan.blueprint}", not of "${blueprint.metadata.name}"`);
  }
  if (problems.length) throw new InputError(problems);

  const { readFileSync } = await import('node:fs');
  const pkg = { default: JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string } };
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
    });
  } catch (e) {
    // A scenario that fits no layout: positioned in its file when it has one.
    const { cliError } = await import('../sim-run.js');
    const name = (e as { scenario?: string }).scenario;
    throw cliError(e, scenarios.find((s) => s.scenario.name === name)?.locate);
  }
  const { report } = run;
  for (const n of [...provenance, ...run.notes]) err(`archsim: note: ${n}`);
  if (flags.calibration) report.summary = `${report.summary} (${provenance[0]})`;
  if (plan) report.plan = plan;

  const rendered: { format: Format; text: string }[] = [];
  for (const f of formats) rendered.push({ format: f, text: await withPlan(f, renderReport(f, run, f === 'html' ? await diagramSvgs(run.diagrams) : undefined), plan) });

  const written: { path: string; bytes: number }[] = [];
  if (flags.out) {
    const { writeReportFiles } = await import('../../io/write-report.js');
    written.push(...writeReportFiles(flags.out, rendered.map((r) => ({ name: `report.${r.format}`, content: r.text })), flags.force === true, [...inputFiles, ...(flags.baseline ? [flags.baseline] : []), ...(flags.budget ? [flags.budget] : []), ...(flags.loadtest ?? [])]));
  }
  if (flags.json) {
    printJson({ summary: report.summary, files: written, budgets: report.budgets, baselineChanges: report.baseline?.changes.length ?? null });
  } else if (flags.out) {
    for (const w of written) err(`wrote ${w.path} (${w.bytes} bytes)`);
    out(report.summary);
  } else {
    out(rendered[0]!.text);
  }
  if (run.broken.length) {
    const broken = run.broken.length;
    for (const b of run.broken) err(`archsim: budget broken: ${b.text.replace(/^BROKEN: /, '')} (limit ${b.comparator} ${b.limit}${b.unit === 'ms' || b.unit === '%' ? b.unit : b.unit === '/s' ? '/s' : b.unit === 'USD' ? ' USD' : ''})`);
    throw new CheckFailed(`${broken} budget${broken > 1 ? 's' : ''} broken`);
  }
  return 0;
}

/** `--plan`: the plan after the report (markdown under the report's heading level, HTML before </body>; JSON carries report.plan). */
async function withPlan(format: Format, text: string, plan: import('../../plan/schema.js').Plan | undefined): Promise<string> {
  if (!plan || format === 'json') return text;
  if (format === 'md') {
    const { renderPlanMarkdown } = await import('../../plan/markdown.js');
    return `${text.trimEnd()}\n\n${renderPlanMarkdown(plan).replace(/^(#+) /gm, '$1# ')}`;
  }
  const { renderPlanBody } = await import('../../plan/html.js');
  const body = renderPlanBody(plan);
  return text.replace('</body>', () => `${body}\n</body>`);
}

/** The diagrams as SVG for the HTML report, rendered by Chromium (the I/O edge); none without Chromium. */
async function diagramSvgs(diagrams: Record<string, string>): Promise<Record<string, string> | undefined> {
  const { renderMermaidMany, findChromium } = await import('../../io/render-mermaid.js');
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
async function readLoadtest(text: string, file: string, blueprint: string) {
  const [{ z }, { parseYamlWith, diagnostic }, { LoadTestResult }] = await Promise.all([import('zod'), import('../../model/positioned.js'), import('../../loadtest/result.js')]);
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
