// `report --plan`: the plan file's `gantt` is free text someone else wrote, and Mermaid reads it as
// a program (a `click … href "javascript:…"` line, a `%%{init}%%` directive), so the report never
// shows it. The schedule is rebuilt here from the plan's structured fields, the way `archsim plan`
// writes it (src/plan/plan.ts, gantt()), with every name cut down to characters Mermaid cannot read
// as syntax. Only the start date is taken from the file's text, and only when it is a real date.
import type { Plan } from '../plan/schema.js';

/** The date `archsim plan` starts a schedule on when it is given none (src/plan/plan.ts). */
const DEFAULT_START = '2026-01-05';

/**
 * Gantt text: letters, digits, space, `.`, `_`, `-` only. This is stricter than the planner's own
 * rule (no `:`, `#`, `;`, `%`, line breaks), since here a name comes from a file, not a
 * blueprint: no backtick, quote, bracket or brace can reach Mermaid or the markdown fence.
 */
function safe(s: string): string {
  return s.replace(/[^\p{L}\p{N} ._-]/gu, ' ').replace(/\s+/g, ' ').trim();
}

/** Words Mermaid's gantt reads as a statement at the start of a line: a task named so is not a task. */
const KEYWORDS = /^(click|call|href|title|section|dateformat|axisformat|tickinterval|excludes|includes|todaymarker|weekday|weekend|inclusiveenddates|topaxis|acctitle|accdescr|displaymode)\b/i;
const taskName = (s: string) => {
  const t = safe(s) || 'task';
  return KEYWORDS.test(t) ? `task ${t}` : t;
};

/** The first real YYYY-MM-DD date in the file's gantt (its first task's start), else the planner's default. */
export function ganttStart(gantt: string): string {
  for (const m of gantt.matchAll(/(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])/g)) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const t = new Date(Date.UTC(y, mo - 1, d));
    if (t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d) return m[0];
  }
  return DEFAULT_START;
}

/** A day count as the planner writes it (a number is digits, `.` and an exponent only: no syntax). */
const days = (n: number) => (Number.isFinite(n) && n > 0 ? String(n) : '0');

/** The plan's schedule as Mermaid gantt text, from its phases, efforts and canary steps alone. */
export function planGantt(p: Plan): string {
  const start = ganttStart(p.gantt);
  const L = ['gantt', `    title ${safe(`${p.blueprint} ${p.from} to ${p.to}`)}`, '    dateFormat YYYY-MM-DD', '    axisFormat %d %b', '    excludes weekends'];
  let prevId: string | undefined;
  for (const ph of p.phases) {
    if (!ph.effort) continue;
    // Task ids are made here from the phase's index (an integer by the schema), never read.
    const index = Math.trunc(ph.index);
    const units = ph.extractions.map((e) => e.unit).join(' ') || 'layout change';
    L.push(`    section ${safe(`${ph.layout} ${units}`) || 'phase'}`);
    const tasks: [string, number][] = [
      [`build ${units}`, ph.effort.buildDays],
      ['move data', ph.effort.dataDays],
      [`canary ${p.canaryPercents.join(' ')}`, ph.effort.canaryDays],
    ];
    let any = false;
    tasks.forEach(([name, n], k) => {
      if (!n) return;
      const id = `p${index}t${k}`;
      L.push(`    ${taskName(name)} :${id}, ${prevId ? `after ${prevId}` : start}, ${days(n)}d`);
      prevId = id;
      any = true;
    });
    if (!any) {
      const id = `p${index}m`;
      L.push(`    ${taskName(`${ph.layout} in place`)} :milestone, ${id}, ${prevId ? `after ${prevId}` : start}, 0d`);
      prevId = id;
    }
  }
  return L.join('\n') + '\n';
}

/**
 * The plan as the report shows it: its gantt replaced by the one its fields give. `rebuilt` is
 * true when the file's text was not that (edited by hand, or hostile), so the CLI can say so.
 */
export function withTrustedGantt(p: Plan): { plan: Plan; rebuilt: boolean } {
  const gantt = planGantt(p);
  return { plan: { ...p, gantt }, rebuilt: gantt.trimEnd() !== p.gantt.trimEnd() };
}
