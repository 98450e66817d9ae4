// `report --plan`: the plan file's gantt is hostile text. Appended to the gantt, a fence line
// ended the mermaid block (or, inside it, `click … href "javascript:…"` and `%%{init}%%` reached
// Mermaid): the report shows the schedule rebuilt from the plan's fields instead (sweep, item 1).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { loadBlueprint } from '../../src/io/load.js';
import { plan } from '../../src/plan/plan.js';
import type { Plan } from '../../src/plan/schema.js';
import { ganttStart, planGantt, withTrustedGantt } from '../../src/report/plan-gantt.js';
import { report } from './in-process-cli.js';

const BAKERY = join(import.meta.dirname, 'sweep', 'bakery.yaml');
const HOSTILE = "\n```\n\n<img src=x onerror=alert('gantt')>\n\n[click](javascript:alert(1))\n\n```mermaid\nclick p1t0 href \"javascript:alert(2)\"\n%%{init: {'securityLevel': 'loose'}}%%\n";

function bakeryPlan(): Plan {
  const { blueprint } = loadBlueprint(BAKERY);
  return plan(blueprint, { from: 'monolith', to: 'micro', start: '2027-01-04' }).plan;
}

/** Every line of a gantt the report may show: the planner's fixed statements and plain tasks. */
const GANTT_LINE = /^(gantt|    title [\p{L}\p{N} ._-]*|    dateFormat YYYY-MM-DD|    axisFormat %d %b|    excludes weekends|    section [\p{L}\p{N} ._-]+|    [\p{L}\p{N} ._-]+ :(milestone, )?p\d+(t\d|m), (after p\d+(t\d|m)|\d{4}-\d{2}-\d{2}), [0-9.e+]+d)$/u;

describe('report --plan: the gantt comes from the plan, not from the file’s text', () => {
  it('an honest plan file’s gantt is rebuilt byte for byte', () => {
    const p = bakeryPlan();
    expect(planGantt(p)).toBe(p.gantt);
    expect(withTrustedGantt(p).rebuilt).toBe(false);
  });

  it('text appended to the gantt reaches neither the markdown, the HTML nor the JSON (hostile)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-plan-gantt-'));
    const p = bakeryPlan();
    const honest = p.gantt;
    writeFileSync(join(dir, 'plan.json'), JSON.stringify({ ...p, gantt: p.gantt + HOSTILE }));
    const r = await report([BAKERY, '--no-faults', '--plan', join(dir, 'plan.json'), '--format', 'md,html,json', '--out', join(dir, 'out')]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('plan.json: its gantt is not the schedule its phases give (edited?); the report shows the schedule rebuilt from the phases');

    const md = readFileSync(join(dir, 'out', 'report.md'), 'utf8');
    for (const bad of ['onerror', 'javascript:', '%%{init', 'click p1t0']) expect(md).not.toContain(bad);
    const tokens = marked.lexer(md, { gfm: true });
    // Raw HTML only where the report writes its own (the collapsed details section).
    expect(tokens.filter((t) => t.type === 'html' && !/^<\/?details>/.test((t as { text: string }).text.trim()))).toEqual([]);
    const schedule = tokens.filter((t) => t.type === 'code' && (t as { text: string }).text.startsWith('gantt'));
    expect(schedule).toHaveLength(1);
    expect((schedule[0] as { text: string }).text).toBe(honest.trimEnd());

    const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
    for (const bad of ['onerror', 'javascript:', '%%{init', 'click p1t0', '<img']) expect(html).not.toContain(bad);

    const json = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')) as { plan: Plan };
    expect(json.plan.gantt).toBe(honest);
  });

  it('names from the file that Mermaid or markdown could read as syntax are cut to plain words (hostile)', () => {
    const p = bakeryPlan();
    const evil: Plan = {
      ...p,
      from: 'mono```\n%%{init: {}}%%',
      to: 'x"; click p1t0 href "javascript:alert(1)',
      canaryPercents: [10, 50, 100],
      phases: p.phases.map((ph, i) => (i === 1 ? { ...ph, layout: 'click', extractions: [] } : i === 2 ? { ...ph, layout: '`<b>`\r\nsection x:y#z;' } : ph)),
      gantt: 'gantt\n```\n',
    };
    const g = planGantt(evil);
    for (const line of g.trimEnd().split('\n')) expect(line).toMatch(GANTT_LINE);
    expect(g).not.toMatch(/`|%%|javascript:|"/);
    expect(g).not.toMatch(/^\s*click/m);
    // No real date in the file's text: the planner's default start.
    expect(ganttStart(evil.gantt)).toBe('2026-01-05');
    expect(ganttStart('gantt\n a :p1t0, 2027-02-30, 1d\n b :p1t1, 2027-03-01, 1d')).toBe('2027-03-01');
    // Runs of cut characters become one space each: the names read as words.
    expect(g.split('\n')[1]).toBe('    title bakery mono init to x click p1t0 href javascript alert 1');
    expect(g).toContain('\n    section b section x y z oven-svc\n');
  });

  it('takes the first real date of the file’s gantt as the start: a day or month that rolls over is not one', () => {
    const first = (...dates: string[]) => ganttStart(`gantt\n${dates.map((d, i) => `    t${i} :p1t${i}, ${d}, 1d`).join('\n')}`);
    expect(first('2027-13-05', '2027-04-01')).toBe('2027-04-01');
    expect(first('2027-00-10', '2027-04-01')).toBe('2027-04-01');
    expect(first('2027-02-29', '2028-02-29')).toBe('2028-02-29');
    expect(first('2027-04-31', '2027-12-31')).toBe('2027-12-31');
    expect(first('0000-01-01')).toBe('0000-01-01');
    // Digits run on either side: not a date.
    expect(first('12027-01-01')).toBe('2026-01-05');
    expect(ganttStart('2027-01-011')).toBe('2026-01-05');
  });
});
