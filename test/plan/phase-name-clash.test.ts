// The plan's phases are layouts of an overlay that `extends:` the blueprint, and extends merges
// mappings key by key. A blueprint with layouts of its own named phase-1 … (awkward.yaml: phase-0
// to phase-3) had the plan's phase-1 merged into its phase-1 (the units of both, a domain in two
// units): `plan --out` ended in "internal error: the plan's overlay does not validate", exit 1.
// The phases take names no blueprint layout has (phasePrefix), and every output uses them.
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';
import { plan } from '../../src/plan/plan.js';
import { phasePrefix } from '../../src/plan/phases.js';
import { renderPlanMarkdown } from '../../src/plan/markdown.js';

const BP = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: clash }
system:
  domains:
    a:
      tables: [ta]
      operations: { get: { route: GET /a, cpu: 1ms, db: { reads: 1 } } }
    b:
      tables: [tb]
      operations: { get: { route: GET /b, cpu: 1ms, db: { reads: 1 } } }
    c:
      tables: [tc]
      operations: { get: { route: GET /c, cpu: 1ms, db: { reads: 1 } } }
layouts:
  phase-0:
    units: { mono: { domains: "*", port: 8080 } }
    datastores: { db: { engine: postgres, tables: "*" } }
    next: phase-1
  phase-1:
    gateway: { kind: nginx, port: 80 }
    units:
      svc-a: { domains: [a], port: 8001 }
      svc-b: { domains: [b], port: 8002 }
      rest: { domains: [c], port: 8003 }
    datastores: { db: { engine: postgres, tables: "*" } }
    next: phase-2
  phase-2:
    gateway: { kind: nginx, port: 80 }
    units:
      svc-ab: { domains: [a, b], port: 8001 }
      rest: { domains: [c], port: 8003 }
    datastores: { db: { engine: postgres, tables: "*" } }
workload: { rate: 10/s, duration: 10s, mix: { a.get: 1, b.get: 1, c.get: 1 } }
`;

function load(text: string, file = '/bp/clash.yaml') {
  const r = parseBlueprint(text, file, (p) => (p === '/bp/clash.yaml' ? BP : undefined));
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.blueprint;
}

describe('phase layouts named apart from the blueprint’s', () => {
  const bp = load(BP);
  const out = plan(bp, { from: 'phase-0', to: 'phase-1', start: '2026-01-05', overlayFile: 'out/clash.plan.yaml', planFile: 'out/clash.plan.json' });

  it('names the phases plan-phase-N when the blueprint has phase-N layouts, in the plan and the overlay', () => {
    expect(out.plan.phases.map((p) => p.layout)).toEqual(['phase-0', 'plan-phase-1', 'plan-phase-2']);
    expect(out.plan.phases.map((p) => p.declared)).toEqual(['phase-0', undefined, 'phase-1']);
    expect(Object.keys(out.overlay.layouts)).toEqual(['plan-phase-1', 'plan-phase-2']);
    expect(out.overlay.layouts['plan-phase-1']!.next).toBe('plan-phase-2');
    expect(out.overlay.layouts['plan-phase-2']!.next).toBeUndefined();
    expect(out.plan.phases[1]!.canary!.steps.map((s) => s.command)).toEqual(
      [10, 50, 100].map((p) => `archsim generate gateway out/clash.plan.yaml --plan out/clash.plan.json --phase 1 --step ${p} --out gateway/plan-phase-1/step-${p}`),
    );
  });

  it('writes an overlay that loads, the blueprint’s own layouts untouched', () => {
    const text = stringify({ extends: '../bp/clash.yaml', layouts: out.overlay.layouts }, { lineWidth: 0 });
    const r = parseBlueprint(text, '/out/clash.plan.yaml', (p) => (p === '/bp/clash.yaml' ? BP : undefined));
    expect(r.ok ? [] : r.errors.map((e) => e.message)).toEqual([]);
    if (!r.ok) return;
    expect(Object.keys(r.blueprint.layouts)).toEqual(['phase-0', 'phase-1', 'phase-2', 'plan-phase-1', 'plan-phase-2']);
    expect(r.blueprint.layouts['phase-1']).toEqual(bp.layouts['phase-1']);
    expect(Object.keys(r.blueprint.layouts['plan-phase-2']!.units)).toEqual(['svc-a', 'svc-b', 'rest']);
  });

  it('the markdown names the phases so', () => {
    const md = renderPlanMarkdown(out.plan);
    expect(md).toContain('plan-phase-1');
    expect(md).toContain('plan-phase-2');
    expect(md).not.toMatch(/(?<!plan-)phase-2/);
  });

  it('keeps phase-N when no blueprint layout has such a name, and goes on past plan-phase-N', () => {
    const names = (...ls: string[]) => ({ layouts: Object.fromEntries(ls.map((l) => [l, {}])) }) as unknown as Parameters<typeof phasePrefix>[0];
    expect(phasePrefix(names('monolith', 'microservices'))).toBe('phase-');
    expect(phasePrefix(names('phase-0', 'phase-x', 'phase-01', 'target'))).toBe('phase-');
    expect(phasePrefix(names('phase-0', 'phase-7'))).toBe('plan-phase-');
    expect(phasePrefix(names('phase-1', 'plan-phase-3'))).toBe('plan2-phase-');
    expect(phasePrefix(names('phase-1', 'plan-phase-3', 'plan2-phase-1'))).toBe('plan3-phase-');
  });
});
