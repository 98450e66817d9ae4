// `report --plan`: the plan file's `gantt` is free text someone else wrote, and Mermaid reads it as
// a program (a `click … href "javascript:…"` line, a `%%{init}%%` directive), so the report never
// shows it. The schedule is rebuilt here from the plan's structured fields, the way `archsim plan`
// writes it (src/plan/plan.ts, gantt()), with every name cut down to characters Mermaid cannot read
// as syntax. Only the start date is taken from the file's text, and only when it is a real date.
import { DEFAULT_GANTT_START, gantt } from '../plan/plan.js';
import type { Plan } from '../plan/schema.js';

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
    // A day past the month's end (or month 13) rolls over into another date: not a real one.
    // (setUTCFullYear, not Date.UTC: that one reads years 0–99 as 1900–1999)
    const t = new Date(0);
    t.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    if (t.toISOString().slice(0, 10) === m[0]) return m[0];
  }
  return DEFAULT_GANTT_START;
}

/** The plan's schedule as Mermaid gantt text, from its phases, efforts and canary steps alone (the planner's own gantt, with these stricter names). */
export function planGantt(p: Plan): string {
  return gantt(p, ganttStart(p.gantt), { text: safe, task: taskName });
}

/**
 * The plan as the report shows it: its gantt replaced by the one its fields give. `rebuilt` is
 * true when the file's text was not that (edited by hand, or hostile), so the CLI can say so.
 */
export function withTrustedGantt(p: Plan): { plan: Plan; rebuilt: boolean } {
  const gantt = planGantt(p);
  return { plan: { ...p, gantt }, rebuilt: gantt.trimEnd() !== p.gantt.trimEnd() };
}
