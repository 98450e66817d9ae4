// The plan as markdown: order, phases (layout, data steps, figures, canary, triggers), effort
// and the gantt. Text from the blueprint goes into table cells and code spans, so it is escaped
// for markdown here (the HTML renderer escapes for HTML on its own). Pure.
import { plural, rateFigure, rateWords } from '../words.js';
import { terminalText } from '../model/diagnostics.js';
import type { Plan, PlanPhase } from './schema.js';

/**
 * Markdown-safe inline text: no table breaks, no emphasis, no HTML, no links or images, no line
 * breaks. `&` is escaped too, so an entity such as `&lt;` or `&#106;` shows as typed rather than
 * as the character it names. Two characters are left alone where markdown cannot read them, so
 * ordinary names and sentences read in the markdown as they are: `_` between two letters or
 * digits (GFM never opens or closes emphasis inside a word: `photo_analyses`), and `>` between
 * spaces after the start (a comparison, `Team size > 5`: with `<` escaped, `>` can only begin a
 * block quote, at the start).
 */

/**
 * How the phases were cut, in the header's words. Auto mode follows a `next:` chain only when one
 * leads through layouts between --from and --to; with none (the chain is just the two), every
 * unit built is a phase of its own, and the header must not claim a declared chain.
 */
function howCut(p: Plan): string {
  if (p.mode === 'unit') return 'one unit per phase';
  if (p.mode === 'declared') return 'one phase per declared layout';
  if (p.chain.length > 2) return `declared \`next:\` chain ${p.chain.map(mdText).join(' → ')}, steps that build several ungated units split per unit`;
  // A direct `next:` step gated by its source's triggers is one phase building its units together
  // (the header said there was no `next:` and "one unit per phase" over a phase of four).
  const built = p.phases.slice(1);
  if (built.length === 1 && built[0]!.extractions.length > 1) return `declared \`next:\` step ${mdText(p.from)} → ${mdText(p.to)}, gated by ${mdText(p.from)}'s triggers: its units move together`;
  return `no \`next:\` layouts between ${mdText(p.from)} and ${mdText(p.to)}: one unit per phase`;
}

export function mdText(s: string): string {
  const word = (c: string | undefined) => c !== undefined && /[A-Za-z0-9]/.test(c);
  const space = (c: string | undefined) => c !== undefined && /\s/.test(c);
  const plain = (c: string, at: number) =>
    c === '_' ? word(s[at - 1]) && word(s[at + 1]) : c === '>' ? space(s[at - 1]) && space(s[at + 1]) && s.slice(0, at).trim() !== '' : false;
  // Control characters (ESC sequences, OSC 52 clipboard writes, \r, bidi overrides) have no place
  // in Markdown and act on a terminal that shows it (`report` prints to stdout): shown as \x1b etc.
  return terminalText(s.replace(/[\\`*_{}[\]<>|#!~&]/g, (c, at: number) => (plain(c, at) ? c : `\\${c}`)).replace(/[\r\n]+/g, ' '));
}

/**
 * A fenced code block the text cannot close: the fence is one backtick longer than the longest
 * backtick run inside (at least three), since a run as long as the fence would end the block and
 * let the rest be read as markdown.
 */
export function fenced(info: string, text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text}\n${fence}`;
}

/** A code span (GFM: a table's pipe still needs its backslash inside one); plain text when it cannot be one. */
export function code(s: string): string {
  return /[`\r\n]/.test(s) ? mdText(s) : `\`${s.replace(/\|/g, '\\|')}\``;
}

const usd = (x: number) => `$${Math.round(x * 100) / 100}`;
/** null (or Infinity): no finite latency, the layout is over capacity at the rate. */
const ms = (x: number | null) => (x !== null && Number.isFinite(x) ? `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms` : '∞');
const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/** A trigger's value today, to four significant figures (473.386 ms → 473.4; the JSON keeps it exact). */
const shownNow = (x: number) => String(Number(x.toPrecision(4)));

export function fireText(t: PlanPhase['triggers'][number], growth: boolean): string {
  if (t.note && t.fireRps === undefined) return mdText(t.note);
  if (t.fireRps === null) return 'not before saturation';
  if (t.fireRps === undefined) return '—';
  // Over its threshold with no load at all (triggers.ts fireRate's rate 0): no rate to reach.
  if (t.fireRps === 0) return growth ? 'at any rate: already reached' : 'at any rate (over it with no load)';
  // as every rate in words: whole from 100/s ("at 26666.667/s" was the JSON's exact value)
  const parts = [`at ${rateWords(t.fireRps)}`];
  if (t.fireConnections !== undefined) parts.push(`${t.fireConnections} connections`);
  if (growth) parts.push(t.month === 0 ? 'already reached' : t.month === null || t.month === undefined ? '—' : `month ${t.month}`);
  return parts.join(', ');
}

/** The workload the figures are at: an open rate, or a closed workload's users (it has no rate). */
function workloadText(f: PlanPhase['figures']): string {
  if (!f) return '—';
  if (f.users !== undefined) return `${f.users} users, each thinking ${f.thinkTimeMs ?? 0} ms between requests (closed)`;
  return rateFigure(f.rateRps);
}

export function renderPlanMarkdown(p: Plan): string {
  const L: string[] = [];
  L.push(`# Migration plan: ${mdText(p.blueprint)}, ${mdText(p.from)} → ${mdText(p.to)}`, '');
  L.push(
    `${p.phases.length - 1} phase${p.phases.length === 2 ? '' : 's'} (${howCut(p)}), team of ${p.team}, canary ${p.canaryPercents.join('% → ')}%, about ${plural(p.totals.calendarDays, 'working day')} (${plural(p.totals.personDays, 'person-day')}).`,
    '',
  );
  L.push('## Extraction order', '');
  if (p.pinnedOrder) L.push(`Pinned with --order: ${p.pinnedOrder.map(mdText).join(', ')}.`, '');
  L.push('| # | unit | why |', '|---:|---|---|');
  p.order.forEach((o, i) => L.push(`| ${i + 1} | ${mdText(o.unit)} | ${mdText(o.why)} |`));
  L.push('');
  if (p.risks.length) {
    L.push('Risks of this order:', '');
    for (const r of p.risks) L.push(`- ${mdText(r)}`);
    L.push('');
  }
  for (const n of p.notes) L.push(`- ${mdText(n)}`);
  if (p.notes.length) L.push('');

  L.push('## Figures per phase', '', `Workload: the blueprint's, ${workloadText(p.phases[0]?.figures)}. ${mdText(p.howObtained)}`, '');
  if (p.figuresHost) L.push(`**Hosts:** ${mdText(p.figuresHost)}`, '');
  L.push('| phase | layout | units | cost/month | mean latency | saturates at | bottleneck | fault isolation | person-days |', '|---|---|---:|---:|---:|---:|---|---:|---:|');
  for (const ph of p.phases) {
    const f = ph.figures;
    L.push(
      `| ${ph.index} | ${mdText(ph.layout)}${ph.declared && ph.declared !== ph.layout ? ` (${mdText(ph.declared)})` : ''} | ${ph.units.length} | ${f ? usd(f.monthlyUsd) : '—'} | ${f ? ms(f.meanMs) : '—'} | ${f ? `${Math.round(f.saturationRps)}/s` : '—'} | ${f ? `${mdText(f.bottleneck.station)} (ρ=${f.bottleneck.utilization.toFixed(2)})` : '—'} | ${f ? pct(f.faultIsolation) : '—'} | ${ph.effort?.personDays ?? '—'} |`,
    );
  }
  L.push('');

  // The gantt is read back from a plan file, so it may hold a fence of its own: see fenced().
  L.push('## Schedule', '', fenced('mermaid', p.gantt.trimEnd()), '');

  for (const ph of p.phases) {
    L.push(`## Phase ${ph.index}: ${mdText(ph.layout)}${ph.declared && ph.declared !== ph.layout ? ` = ${mdText(ph.declared)}` : ''}`, '');
    L.push(`Units: ${ph.units.map(mdText).join(', ')}.`, '');
    for (const e of ph.extractions) {
      L.push(`### Extract ${mdText(e.unit)} (${e.domains.map(mdText).join(', ')})`, '');
      L.push(`- Why here: ${mdText(e.why)}`);
      if (e.sources) L.push(`- Routes move from ${e.sources.map((x) => `${mdText(x.unit)} (port ${x.port}): ${x.routes.map(code).join(', ')}`).join('; from ')}`);
      else if (e.from) L.push(`- Routes move from ${mdText(e.from.unit)} (port ${e.from.port}): ${e.routes.map(code).join(', ') || 'none (internal and event consumers only)'}`);
      for (const d of e.data) {
        L.push(`- Table ${mdText(d.table)}: ${mdText(d.from.store)} (${mdText(d.from.engine)}) → ${mdText(d.to.store)} (${mdText(d.to.engine)})`);
        d.steps.forEach((s, i) => L.push(`  ${i + 1}. ${mdText(s)}`));
      }
      L.push('');
    }
    for (const n of ph.notes) L.push(`- ${mdText(n)}`);
    if (ph.problems.length) for (const pr of ph.problems) L.push(`- **invalid**: ${mdText(pr)}`);
    if (ph.sharedDatastores.length) {
      L.push('', 'Shared datastores (lint):', '');
      for (const s of ph.sharedDatastores) L.push(`- ${mdText(s)}`);
    }
    L.push('');
    if (ph.canary) {
      L.push('Canary:', '', '| step | weights (per moved route: new unit, old unit) | gateway config |', '|---:|---|---|');
      for (const s of ph.canary.steps) {
        L.push(`| ${s.percent}% | ${weightsByRoute(s.weights).map((ws) => ws.map((w) => `${mdText(w.to)} ${w.weight}%`).join(', ')).join('; ')} | ${code(s.command)} |`);
      }
      L.push('', 'Roll back (to weight 0) when:', '');
      for (const r of ph.canary.rollback) L.push(`- ${mdText(r.description)}${r.predicted !== undefined ? ` (predicted ${ms(r.predicted)} at 100%)` : ''}`);
      if (ph.canary.rollbackCommand) L.push(`- rollback config: ${code(ph.canary.rollbackCommand)}`);
      L.push('');
    }
    if (ph.effort) {
      L.push(`Effort: ${ph.effort.personDays} person-days; ${ph.effort.buildDays} days building, ${ph.effort.dataDays} moving data, ${ph.effort.canaryDays} on canaries (days ${ph.effort.startDay}–${ph.effort.endDay}).`, '');
      for (const i of ph.effort.items) L.push(`- ${mdText(i)}`);
      L.push('');
    }
    if (ph.triggers.length) {
      L.push(ph.index < p.phases.length - 1 ? 'Move to the next phase when:' : 'Outgrows the target when:', '', `| trigger | metric | now | fires |`, '|---|---|---:|---|');
      for (const t of ph.triggers) {
        L.push(`| ${mdText(t.description)} (${t.source}) | ${t.metric ? `${code(t.metric)} > ${t.above}` : '—'} | ${t.now === null ? '∞' : t.now === undefined ? '—' : shownNow(t.now)} | ${fireText(t, p.growthPerMonth !== undefined)} |`);
      }
      L.push('');
    }
  }
  return L.join('\n').replace(/\n{3,}/g, '\n\n');
}

/**
 * A canary step's weights, one group per route in the plan's order. A phase that moves several
 * units off one old unit lists that unit once per route ("orders 10%, monolith 90%; users 10%,
 * monolith 90%"): joined flat, it read as the old unit named twice with weights past 100%.
 */
export function weightsByRoute<W extends { route: string }>(weights: W[]): W[][] {
  const groups = new Map<string, W[]>();
  for (const w of weights) {
    const g = groups.get(w.route);
    if (g) g.push(w);
    else groups.set(w.route, [w]);
  }
  return [...groups.values()];
}
