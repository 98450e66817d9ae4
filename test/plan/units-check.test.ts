// A plan file's units are checked against its layouts before anything uses them (generate
// gateway --plan, rehearse and report --plan read it with one reader). A hand-edited
// or hostile plan named units that do not exist (the rehearsal's dry run printed them, escape
// sequences included, and exit 0) and old sides whose name and port went into the gateway's
// config as written ("monolith;\n}\nserver { listen 9;" on port 99999 reached nginx.conf).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plan, planUnitProblems, type Plan } from '../../src/plan/index.js';
import { archsim } from '../helpers/cli.js';
import { quantchat } from '../generate/fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'archsim-plan-units-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const fresh = () => plan(quantchat, { from: 'monolith', to: 'microservices', start: '2026-01-05' }).plan;
/** The first phase that moves routes, and its first extraction that does. */
function moving(p: Plan) {
  const i = p.phases.findIndex((ph, n) => n > 0 && ph.extractions.some((e) => e.from && e.routes.length));
  const j = p.phases[i]!.extractions.findIndex((e) => e.from && e.routes.length);
  return { i, j, e: p.phases[i]!.extractions[j]! };
}

describe('planUnitProblems', () => {
  it('a plan as archsim wrote it has none', () => {
    expect(planUnitProblems(fresh(), quantchat)).toEqual([]);
  });

  it('names the path of each unit that is not one of its phase’s (an old side: of the phase before too, on its port), never the value', () => {
    const p = fresh();
    const { i, j, e } = moving(p);
    const from = { ...e.from! };
    e.unit = 'relay\u001b[31m';
    e.from = { unit: from.unit, port: from.port + 1 };
    expect(planUnitProblems(p, quantchat)).toEqual([
      { path: ['phases', i, 'extractions', j, 'unit'], message: `not a unit of phase ${i}'s layout` },
      { path: ['phases', i, 'extractions', j, 'from'], message: `not a unit of phase ${i - 1} or ${i} on its port` },
    ]);
    // Its own port again: only the unit is left.
    e.from = from;
    expect(planUnitProblems(p, quantchat).map((x) => x.path.at(-1))).toEqual(['unit']);
  });

  it('checks every source of a merged unit, and a phase layout the plan carries that does not parse', () => {
    const p = fresh();
    const { i, j, e } = moving(p);
    e.sources = [
      { unit: e.from!.unit, port: e.from!.port, routes: [] },
      { unit: 'ghost', port: 1, routes: [] },
    ];
    p.phases[i + 1]!.layoutInput = { units: 'none' };
    const problems = planUnitProblems(p, quantchat);
    expect(problems[0]).toEqual({ path: ['phases', i, 'extractions', j, 'sources', 1], message: `not a unit of phase ${i - 1} or ${i} on its port` });
    expect(problems[1]!.path).toEqual(['phases', i + 1, 'layoutInput']);
    expect(problems[1]!.message).toMatch(new RegExp(`^phase ${i + 1}'s layout is not valid \\(`));
  });
});

describe('the commands that read a plan refuse one whose units do not fit (exit 2, positioned, nothing quoted)', { timeout: 120_000 }, () => {
  const p = fresh();
  const { i, j, e } = moving(p);
  e.unit = 'relay\u001b]0;owned\u0007';
  const file = join(tmp, 'hostile.plan.json');
  writeFileSync(file, JSON.stringify(p, null, 2));
  const line = JSON.stringify(p, null, 2).split('\n').findIndex((l) => l.includes('\\u001b]0;owned')) + 1;
  const want = new RegExp(`^${file.replace(/[.]/g, '\\.')}:${line}:\\d+: phases\\[${i}\\]\\.extractions\\[${j}\\]\\.unit: not a unit of phase ${i}'s layout\\n$`);

  it('rehearse --dry-run', () => {
    const r = archsim(['rehearse', 'blueprints/quantchat.yaml', '--plan', file, '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(want);
  });

  it('generate gateway --plan', () => {
    const r = archsim(['generate', 'gateway', 'blueprints/quantchat.yaml', '--plan', file, '--phase', String(i), '--step', '10', '--out', join(tmp, 'gw')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(want);
  });

  it('report --plan', () => {
    const r = archsim(['report', 'blueprints/quantchat.yaml', '--no-faults', '--plan', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(want);
  });

  it('rehearse --dry-run shows a plan’s other text with its control characters escaped', () => {
    const q = fresh();
    const m = moving(q);
    m.e.domains = ['relay\u001b[31m'];
    const f = join(tmp, 'domains.plan.json');
    writeFileSync(f, JSON.stringify(q));
    const r = archsim(['rehearse', 'blueprints/quantchat.yaml', '--plan', f, '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('(relay\\x1b[31m)');
    expect(r.stdout).not.toContain('\u001b');
  });
});
