// A team of 0 developers: awkward.yaml's `team: { developers: 0 }` went through, and plan printed
// "team of 0 … about 142 working days (87.5 person-days)", the effort worked out for a team of 1
// in silence. The loader refuses it at its line (validate says so too), and plan() refuses a team
// that is no whole number of developers ≥ 1 from any caller.
import { describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';
import { plan, PlanError } from '../../src/plan/plan.js';

const bp = (team: string) => `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: t, team: ${team} }
system:
  domains:
    a:
      tables: [ta]
      operations: { get: { route: GET /a, cpu: 1ms } }
    b:
      tables: [tb]
      operations: { get: { route: GET /b, cpu: 1ms } }
layouts:
  mono:
    units: { app: { domains: "*", port: 8080 } }
    datastores: { db: { engine: postgres, tables: "*" } }
  split:
    units: { sa: { domains: [a], port: 8001 }, sb: { domains: [b], port: 8002 } }
    datastores: { da: { engine: postgres, tables: [ta] }, db: { engine: postgres, tables: [tb] } }
workload: { rate: 10/s, duration: 10s, mix: { a.get: 1, b.get: 1 } }
`;

describe('a team of 0 developers', () => {
  it('is refused by the loader at its place, with the way out', () => {
    const r = parseBlueprint(bp('{ developers: 0 }'), 't.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => `${e.file}:${e.line}:${e.col}: ${e.path.join('.')}: ${e.message}`)).toEqual([
      't.yaml:3:42: metadata.team.developers: a team has at least 1 developer (leave developers out when the size is not known)',
    ]);
  });

  it('1 developer and no developers key both load; plan assumes 3 without one', () => {
    const one = parseBlueprint(bp('{ developers: 1 }'), 't.yaml');
    expect(one.ok).toBe(true);
    const none = parseBlueprint(bp('{ devops: true }'), 't.yaml');
    expect(none.ok).toBe(true);
    if (!none.ok) return;
    expect(plan(none.blueprint, { from: 'mono', to: 'split' }).plan.team).toBe(3);
  });

  it('is refused by plan() from a caller that passes it', () => {
    const r = parseBlueprint(bp('{ developers: 4 }'), 't.yaml');
    if (!r.ok) throw new Error('fixture');
    for (const team of [0, 1.5, -2]) {
      expect(() => plan(r.blueprint, { from: 'mono', to: 'split', team })).toThrow(new PlanError(`a team of ${team} developers: the team is a whole number of developers, at least 1`));
    }
    expect(plan(r.blueprint, { from: 'mono', to: 'split' }).plan.team).toBe(4);
  });
});
