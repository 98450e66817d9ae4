// The markdown report: fit for a pull-request comment (GitHub-flavoured: tables, a mermaid
// block the code host renders, a collapsed details section). Pure: report data in, text out.
import { formatFigure } from './figures.js';
import { formatLimit, NEW_SINCE_BASELINE, NO_REQUEST, notApplicable } from './budget.js';
import type { BudgetResult, LayoutReport, Report, ReportCalibration } from './schema.js';
import { plural } from '../words.js';
import { shareWords } from '../simulate/overload.js';
import { code, fenced, mdText } from '../plan/markdown.js';

export interface MarkdownOptions {
  /** Mermaid flowchart text per layout name. */
  diagrams?: Record<string, string>;
}

// Every name, title, path and message here comes from a blueprint, a load-test result or a
// baseline file: hostile text. Each goes through mdText (one line; backslash before every
// character that could start markup, table pipes included) where it is interpolated, so what
// the report adds itself (bold, code spans, the details block) stays markup and nothing else does.
const t = mdText;

/** A table row of cells that are markdown already (escaped where interpolated, see t). */
function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function tableMd(head: string[], rows: string[][], align?: ('l' | 'r')[]): string {
  const sep = head.map((_, i) => ((align?.[i] ?? 'l') === 'r' ? '---:' : '---'));
  return [row(head), `| ${sep.join(' | ')} |`, ...rows.map(row)].join('\n');
}

// A null latency is unbounded (past saturation) and a null throughput unlimited (schema.ts):
// formatFigure says so in words, never "Infinity ms" or "NaN".
const ms = (v: number | null) => formatFigure(v ?? Infinity, 'ms');
const usd = (v: number) => formatFigure(v, 'USD');
const rps = (v: number | null) => formatFigure(v ?? Infinity, '/s');
const pct = (v: number) => `${Math.round(v * 1000) / 10}%`;

/**
 * A limit on a utilization or a success rate written without % is a fraction (0.5 is 50%): the
 * budget's cell says what it was read as, " (read as < 50%)", so no one takes 0.5 for 0.5%.
 * The report's own text (a comparator and a number), no name in it: nothing to escape.
 */
function readAs(b: BudgetResult): string {
  return b.unit === 'ratio' && !/%\s*$/.test(b.budget) ? ` (read as ${formatLimit(b)})` : '';
}

/**
 * A budget's value as its line says it, without the line's head ("ok: <budget> in <layout>: value "):
 * "12.2 ms", "+∞% (0% → 14.6%)", "— (no request of … in the failure window …)". The head is cut
 * after the budget's own text, which may hold ": value " itself; a line that does not apply
 * has no "value" word, and its whole line stood in the cell.
 */
function valueCell(b: BudgetResult): string {
  const head = ` in ${b.layout}: `;
  const from = b.text.indexOf(b.budget);
  const at = b.text.indexOf(head, from < 0 ? 0 : from + b.budget.length);
  return (at < 0 ? b.text : b.text.slice(at + head.length)).replace(/^(value|change) /, '');
}

/**
 * The summary line, in markdown. `text` is applied to each name in it: the markdown report passes
 * mdText; the default leaves names as they are for the plain-text summary (report/run.ts strips
 * the bold and prints it), where a backslash before each `_` would only be noise.
 */
export function summaryLine(r: Report, text: (s: string) => string = (s) => s): string {
  const ls = r.layouts;
  if (!ls.length) return 'No layouts.';
  const parts: string[] = [];
  if (ls.length >= 2) {
    const [a, b] = summaryPair(r);
    const meanOf = (l: LayoutReport) => weightedMean(l, r.workload.mix);
    const dLat = meanOf(b) - meanOf(a);
    const ta = a.saturation.throughputRps;
    const tb = b.saturation.throughputRps;
    const ratio = ta !== null && tb !== null && ta > 0 ? tb / ta : NaN;
    // Past saturation a mean is unbounded: no difference of means to state, say which is.
    const unbounded = [a, b].filter((l) => !Number.isFinite(meanOf(l))).map((l) => `**${text(l.name)}**`);
    const latency = unbounded.length
      ? `mean latency unbounded in ${unbounded.join(' and ')} (past saturation)`
      : Math.abs(dLat) < 0.005
        ? 'the same mean latency'
        : dLat > 0
          ? `${ms(dLat)} slower per request on average`
          : `${ms(-dLat)} faster per request on average`;
    parts.push(
      `**${text(b.name)}** vs **${text(a.name)}** at ${rps(r.workload.rateRps)}: ${latency}, ` +
        `${Number.isFinite(ratio) ? `${Math.round(ratio * 100) / 100}×` : '—'} the sustainable throughput (${rps(b.saturation.throughputRps)} vs ${rps(a.saturation.throughputRps)}), ` +
        `${usd(b.cost.monthlyUsd)} vs ${usd(a.cost.monthlyUsd)} per month.`,
    );
  } else {
    const l = ls[0]!;
    parts.push(`**${text(l.name)}**: saturates at ${rps(l.saturation.throughputRps)} (bottleneck ${text(l.saturation.bottleneck)}), ${usd(l.cost.monthlyUsd)} per month.`);
  }
  if (r.budgets) {
    // Budgets that do not apply (a change.* budget on a figure new since the baseline, a budget on
    // every layout whose figure this one lacks) are neither met nor broken.
    const na = r.budgets.results.filter(notApplicable).length;
    const broken = r.budgets.results.filter((x) => !x.pass && !notApplicable(x)).length;
    const judged = r.budgets.results.length - na;
    const why = [...new Set(r.budgets.results.filter(notApplicable).map((x) => (x.notApplicable === NEW_SINCE_BASELINE ? 'new since the baseline' : x.notApplicable!.startsWith(`${NO_REQUEST} `) ? 'no request in the failure window' : 'a figure the layout does not have')))];
    const naText = na ? `${na} not applicable (${why.join('; ')}).` : '';
    if (!judged) parts.push(`➖ ${naText}`);
    else parts.push(`${broken ? `❌ ${broken} of ${judged} budgets broken.` : `✅ all ${judged} budgets met.`}${na ? ` ${naText}` : ''}`);
  }
  if (r.baseline) parts.push(`${r.baseline.changes.length} figure${r.baseline.changes.length === 1 ? '' : 's'} changed since the baseline.`);
  return parts.join(' ');
}

/**
 * The two layouts the summary line compares: the first (where a team is, by convention) and the
 * most split one (most units; on a tie the later, further along a migration). A report of
 * several layouts is read as "where we are" against "where the plan goes", not last vs first.
 */
export function summaryPair(r: Report): [LayoutReport, LayoutReport] {
  const ls = r.layouts;
  const a = ls[0]!;
  const units = (l: LayoutReport) => l.structure.units.length;
  let b = ls[1]!;
  for (const l of ls.slice(1)) if (units(l) >= units(b)) b = l;
  return [a, b];
}

/** Mean latency of the workload mix (weights as in the blueprint's workload). */
export function weightedMean(l: LayoutReport, mix: Record<string, number>): number {
  let sum = 0;
  let w = 0;
  for (const o of l.operations) {
    const wt = mix[o.id] ?? 0;
    if (!wt) continue;
    // null: unbounded (past saturation), so the mix's mean is too.
    sum += wt * (o.meanMs ?? Infinity);
    w += wt;
  }
  return w ? sum / w : 0;
}

export function renderMarkdown(r: Report, opts: MarkdownOptions = {}): string {
  const out: string[] = [];
  const names = r.layouts.map((l) => t(l.name));
  out.push(`## archsim: ${t(r.blueprint.title)}`, '', summaryLine(r, t), '');
  // Right under the summary: a reader of the comment must know which figures were measured
  // (and where, and when) before reading any of them.
  if (r.calibration) out.push(...calibrationMd(r.calibration), '');

  // The side-by-side table a reader of seed 001 wants.
  const mixOps = Object.keys(r.workload.mix);
  const head = ['', ...names];
  const rows: string[][] = [];
  for (const id of mixOps) {
    rows.push([
      `${t(id)} p50 / p95`,
      ...r.layouts.map((l) => {
        const o = l.operations.find((x) => x.id === id);
        return o ? `${ms(o.p50Ms)} / ${ms(o.p95Ms)}` : '—';
      }),
    ]);
  }
  rows.push(['max throughput (workload mix)', ...r.layouts.map((l) => `${rps(l.saturation.throughputRps)} (${t(l.saturation.bottleneck)})`)]);
  for (const id of keyOperations(r)) {
    rows.push([`max throughput, ${t(id)} alone`, ...r.layouts.map((l) => {
      const o = l.operations.find((x) => x.id === id);
      return o ? rps(o.maxThroughputRps) : '—';
    })]);
  }
  for (const sc of faultScenarios(r)) {
    rows.push([`fault: ${t(sc)}`, ...r.layouts.map((l) => isolationCell(l, sc))]);
  }
  // Bold marks the one cell that answers "which is cheapest" (none when they all cost the same).
  const cheapest = Math.min(...r.layouts.map((l) => l.cost.monthlyUsd));
  const differ = r.layouts.some((l) => l.cost.monthlyUsd !== cheapest);
  rows.push(['monthly cost', ...r.layouts.map((l) => (differ && l.cost.monthlyUsd === cheapest ? `**${usd(l.cost.monthlyUsd)}**` : usd(l.cost.monthlyUsd)))]);
  rows.push(['cost per million requests', ...r.layouts.map((l) => usd(l.cost.perMillionRequestsUsd))]);
  rows.push(['lint', ...r.layouts.map((l) => `${plural(l.lint.errors, 'error')}, ${plural(l.lint.warnings, 'warning')}`)]);
  // The method is archsim's own sentence (its code spans are markup); the layout names in it are
  // blueprint names, which the schema keeps to letters, digits, - and _.
  out.push(`Workload: ${rps(r.workload.rateRps)} of the blueprint's mix. ${r.method}`, '', tableMd(head, rows, ['l', ...names.map(() => 'r' as const)]), '');
  // A layout past saturation has unbounded latencies: the reader of the comment must see why,
  // not only the notes on the terminal that ran the report.
  for (const l of r.layouts) {
    const s = l.saturation.saturated;
    if (s) out.push(`⚠️ **${t(l.name)}** is past saturation at ${rps(r.workload.rateRps)}: ${t(s.station)} at ρ=${s.utilization.toFixed(2)} (${t(s.by)}); ${s.eventsOnly ? 'only event work visits it: its backlog of events grows without bound, request latencies stay bounded' : s.shed !== undefined ? `its excess is shed (${shareWords(s.shed)} of requests failed fast), so latencies stay bounded` : 'its latencies are unbounded'}.`, '');
  }

  if (r.budgets) {
    out.push('### Budgets', '');
    out.push(
      tableMd(
        ['', 'budget', 'layout', 'value'],
        r.budgets.results.map((b) => [b.pass ? '✅' : notApplicable(b) ? '➖' : '❌', `${code(b.budget)}${readAs(b)}`, t(b.layout), t(valueCell(b))]),
      ),
      '',
    );
  }

  if (r.baseline) {
    out.push(`### Changes since the baseline`, '');
    if (!r.baseline.changes.length) out.push('No figure changed.', '');
    else {
      out.push(tableMd(['layout', 'change', 'cause'], r.baseline.changes.map((c) => [t(c.layout), t(c.text), c.causes.map(t).join('; ') || '—'])), '');
    }
  }

  const findings = r.layouts.flatMap((l) => l.lint.findings.filter((f) => f.severity !== 'info').map((f) => [t(l.name), t(f.severity), t(f.rule), t(f.message)]));
  out.push('### Lint', '');
  out.push(findings.length ? tableMd(['layout', 'severity', 'rule', 'finding'], findings) : 'No findings.', '');

  if (r.checklist) {
    const c = r.checklist;
    out.push(
      '### Readiness checklist',
      '',
      `Score **${c.score}/${c.of}**: ${t(c.recommendation)}.${c.firstToExtract ? ` First to extract: **${t(c.firstToExtract)}**.` : ''}${c.answered.length ? ` Answered: ${c.answered.map(t).join('; ')}.` : ''}${c.derived.length ? ` Derived from the blueprint: ${c.derived.map(t).join('; ')}.` : ''}${c.answered.length ? '' : ' Questions the blueprint cannot answer count as no: pass `--answers` (as for `archsim checklist`) to score them.'}`,
      '',
    );
  }

  if (r.loadtests.length) {
    out.push('### Measured (load tests)', '');
    const lt = r.loadtests.flatMap((run) => run.operations.map((o) => [t(run.layout), t(run.driver), t(o.id), rps(o.throughput), ms(o.p50Ms), ms(o.p95Ms), String(o.errors)]));
    out.push(tableMd(['layout', 'driver', 'operation', 'throughput', 'p50', 'p95', 'errors'], lt, ['l', 'l', 'l', 'r', 'r', 'r', 'r']), '');
  }

  for (const l of r.layouts) {
    const d = opts.diagrams?.[l.name];
    if (!d) continue;
    out.push(`### Layout ${t(l.name)}`, '', fenced('mermaid', d.trimEnd()), '');
  }

  out.push('<details>', '<summary>Details: cost items, utilization, latency per operation</summary>', '');
  for (const l of r.layouts) {
    out.push(`#### ${t(l.name)}`, '');
    out.push(
      tableMd(
        ['cost item', 'count', 'each', 'per month'],
        [...l.cost.items.map((i) => [t(i.component), String(i.count), usd(i.usdEach), usd(i.usdPerMonth)]), ['**total**', '', '', `**${usd(l.cost.monthlyUsd)}**`]],
        ['l', 'r', 'r', 'r'],
      ),
      '',
    );
    out.push(tableMd(['station', 'utilization'], l.stations.map((s) => [t(s.id), pct(s.utilization)]), ['l', 'r']), '');
    out.push(
      tableMd(
        ['operation', 'mean', 'p50', 'p95', 'p99', 'hops', 'max alone'],
        l.operations.map((o) => [t(o.id), ms(o.meanMs), ms(o.p50Ms), ms(o.p95Ms), ms(o.p99Ms), String(o.hops), rps(o.maxThroughputRps)]),
        ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
      ),
      '',
    );
  }
  out.push('</details>', '', `<sub>${t(r.generator)} · blueprint ${t(r.blueprint.file)}</sub>`, '');
  return out.join('\n');
}

/**
 * Which figures a calibration sets, measured on which layout and host, and which are the
 * blueprint's own: the notes `archsim report` prints on stderr (readCalibration's words, the
 * ones `compare --calibration` prints), then when, from the runs the file's header lists. Every
 * line is the file's text or name inside archsim's words: escaped whole (t), and each starts
 * with archsim's own words, so none can begin a list, heading or quote of its own.
 */
function calibrationMd(c: ReportCalibration): string[] {
  const when = c.runs.length ? `measured: ${c.runs.map(t).join('; ')}` : "measured: when is not known (the file's header lists no runs)";
  return ["**Calibrated figures**: measured figures replace some of the blueprint's own, as follows.", '', ...c.notes.map((n) => `- ${t(n)}`), `- ${when}`];
}

/** The busiest operation of the mix and the one that saturates first alone in the first layout. */
function keyOperations(r: Report): string[] {
  const mix = r.workload.mix;
  const ids = Object.keys(mix);
  const first = r.layouts[0];
  if (!ids.length || !first) return [];
  // Missing, or null (nothing limits it): never the heaviest.
  const alone = (id: string) => first.operations.find((o) => o.id === id)?.maxThroughputRps ?? Infinity;
  const busiest = [...ids].sort((x, y) => mix[y]! - mix[x]! || x.localeCompare(y))[0]!;
  const heaviest = [...ids].sort((x, y) => alone(x) - alone(y) || x.localeCompare(y))[0]!;
  return heaviest === busiest ? [busiest] : [busiest, heaviest];
}

function faultScenarios(r: Report): string[] {
  const seen: string[] = [];
  for (const l of r.layouts) for (const f of l.faultIsolation) if (!seen.includes(f.scenario)) seen.push(f.scenario);
  return seen;
}

function isolationCell(l: LayoutReport, scenario: string): string {
  const f = l.faultIsolation.find((x) => x.scenario === scenario);
  if (!f) return '—';
  const ok = f.operations.filter((o) => o.successRate >= 0.99).length;
  return `${ok}/${f.operations.length} operations keep working`;
}
