// A target that merges units: the new unit takes routes from several units. The plan named one
// of them as the source of every route ("Routes move from gamma-svc: GET /gamma, GET /delta",
// though delta-svc served /delta) and its canary shifted them all against that one. It now lists
// each unit's routes, says the canary cannot shift them (generate gateway --plan and rehearse take
// one old unit per extraction), and rehearse refuses such a plan, dry run included (exit 2).
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';
import { renderPlanMarkdown } from '../../src/plan/markdown.js';
import { plan, PlanSchema } from '../../src/plan/index.js';
import { rehearsalSteps, StepsError } from '../../src/rehearse/steps.js';
import { quantchat } from '../generate/fixtures.js';

const YAML = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: consolidate }
system:
  domains:
    alpha: { tables: [a1], operations: { get: { route: GET /alpha, cpu: 1ms, db: { reads: 1 }, calls: [beta.lookup] } } }
    beta:
      tables: [b1]
      operations:
        lookup: { internal: true, cpu: 0.5ms, db: { reads: 1 } }
        put: { route: POST /beta, cpu: 1ms, db: { writes: 1 } }
    gamma: { tables: [g1], operations: { list: { route: GET /gamma, cpu: 1ms, db: { reads: 3 } } } }
    delta: { tables: [d1], operations: { ping: { route: GET /delta, cpu: 0.2ms } } }
layouts:
  micro:
    gateway: { kind: kong, port: 8000 }
    units:
      alpha-svc: { domains: [alpha], port: 8001, instance: small }
      beta-svc: { domains: [beta], port: 8002, instance: small }
      gamma-svc: { domains: [gamma], port: 8003, instance: small }
      delta-svc: { domains: [delta], port: 8004, instance: small }
    datastores:
      alpha-db: { engine: postgres, tables: [a1] }
      beta-db: { engine: postgres, tables: [b1] }
      gamma-db: { engine: postgres, tables: [g1] }
      delta-db: { engine: postgres, tables: [d1] }
  merged:
    gateway: { kind: kong, port: 8000 }
    units:
      core: { domains: [alpha, beta], port: 8010, instance: big }
      edge: { domains: [gamma, delta], port: 8011, instance: big }
    datastores:
      core-db: { engine: postgres, tables: [a1, b1] }
      edge-db: { engine: postgres, tables: [g1, d1] }
workload: { rate: 50/s, mix: { alpha.get: 3, beta.put: 1, gamma.list: 1, delta.ping: 1 } }
catalog:
  small: { vcpu: 1, usdPerMonth: $10 }
  big: { vcpu: 2, usdPerMonth: $20 }
`;

describe('plan: a target that merges units', () => {
  const r = parseBlueprint(YAML, join(tmpdir(), 'consolidate.yaml'));
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
      "edge takes routes from 2 units (gamma-svc: GET /gamma; delta-svc: GET /delta): the canary steps, generate gateway --plan and rehearse shift all of them against gamma-svc alone, whose share of delta-svc's routes it cannot serve; shift those by hand, or declare a layout between them in the next: chain, where edge takes one unit's domains",
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
