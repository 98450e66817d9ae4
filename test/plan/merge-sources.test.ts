// A target that merges units: the new unit takes routes from several units. The plan named one
// of them as the source of every route ("Routes move from gamma-svc: GET /gamma, GET /delta",
// though delta-svc served /delta) and its canary shifted them all against that one. It now lists
// each unit's routes, shifts each unit's routes against that unit (the gateway's side:
// test/plan/merge-gateway.test.ts), and rehearse, which takes one old unit per extraction,
// refuses such a plan, dry run included (exit 2).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';
import { renderPlanMarkdown } from '../../src/plan/markdown.js';
import { plan, PlanSchema } from '../../src/plan/index.js';
import { rehearsalSteps, StepsError } from '../../src/rehearse/steps.js';
import { quantchat } from '../generate/fixtures.js';

/** Four services merged into two: edge takes gamma-svc's and delta-svc's routes. */
const CONSOLIDATE = readFileSync(new URL('../fixtures/plan/consolidate.yaml', import.meta.url), 'utf8');

describe('plan: a target that merges units', () => {
  const r = parseBlueprint(CONSOLIDATE, join(tmpdir(), 'consolidate.yaml'));
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  const bp = r.blueprint;
  const { plan: p } = plan(bp, { from: 'micro', to: 'merged', start: '2026-01-05' });
  const edge = p.phases.flatMap((ph) => ph.extractions).find((e) => e.unit === 'edge')!;
  const phase = p.phases.find((ph) => ph.extractions.includes(edge))!;

  it('lists each unit a merged unit takes routes from, with its own routes', () => {
    expect(edge.sources).toEqual([
      { unit: 'gamma-svc', port: 8003, routes: ['GET /gamma'] },
      { unit: 'delta-svc', port: 8004, routes: ['GET /delta'] },
    ]);
    expect(PlanSchema.safeParse(JSON.parse(JSON.stringify(p))).success).toBe(true);
    const md = renderPlanMarkdown(p);
    expect(md).toContain('- Routes move from gamma-svc (port 8003): `GET /gamma`; from delta-svc (port 8004): `GET /delta`\n');
    expect(phase.notes).toContain(
      "edge takes routes from 2 units (gamma-svc: GET /gamma; delta-svc: GET /delta): the canary steps and generate gateway --plan shift each unit's routes against that unit; rehearse shifts an extraction against one old unit and refuses this phase (declare a layout between them in the next: chain, where edge takes one unit's domains, to rehearse it)",
    );
  });

  it('a unit that takes routes from one unit has no sources, and no such note', () => {
    const qc = plan(quantchat, { from: 'monolith', to: 'microservices', start: '2026-01-05' }).plan;
    const extractions = qc.phases.flatMap((ph) => ph.extractions);
    expect(extractions).toHaveLength(8);
    for (const e of extractions) expect(e.sources, e.unit).toBeUndefined();
    expect(qc.phases.flatMap((ph) => ph.notes).filter((n) => /takes routes from \d+ units/.test(n))).toEqual([]);
  });

  it('the rehearsal refuses it: it shifts an extraction against one old unit', () => {
    expect(() => rehearsalSteps(p, bp, { stepMs: 1000 })).toThrow(StepsError);
    expect(() => rehearsalSteps(p, bp, { stepMs: 1000 })).toThrow(
      `phase ${phase.index}: edge takes routes from gamma-svc and delta-svc; a rehearsal shifts an extraction's routes against one old unit (declare a layout between them in the blueprint's next: chain, where edge takes one unit's domains)`,
    );
  });
});
