// A phase that borrows the gateway of the layout before keeps its port. telemetry (a tester's
// /tmp/unseen5/iot.yaml) ends in sqs-split, which declares no gateway: the plan says phase 3's
// canary "runs on the nginx gateway of the layout before (port 8080)", yet
// `generate gateway --plan … --phase 3` wrote a new nginx on port 8000 (the generator's default for
// a layout without a gateway) while phases 1 and 2 listened on 8080: the canary's clients lost
// their gateway. phaseLayout(), which generate gateway --plan reads the phase's layout through,
// now gives the phase its canary's gateway: the one of the layout before, on its port.
import { describe, expect, it } from 'vitest';
import { phaseLayout, type Plan } from '../../src/plan/index.js';
import { Layout, type Blueprint } from '../../src/model/schema.js';
import { withLayouts } from '../../src/plan/phases.js';
import { generate } from '../../src/generate/index.js';
import { TELEMETRY, telemetryPlan } from './telemetry.js';

/** The overlay as every command loads it: the blueprint and the plan's phase layouts, linked by next:. */
const overlay = (blueprint: Blueprint, p: Plan) => withLayouts(blueprint, Object.fromEntries(p.phases.slice(1).map((ph) => [ph.layout, Layout.parse(ph.layoutInput)])));

/** What `generate gateway BLUEPRINT --plan P --phase N --step S` writes (src/cli/actions/generate.ts planStep, in process). */
function gatewayAt(blueprint: Blueprint, p: Plan, n: number, step: number, passBefore: boolean): string {
  const phase = p.phases[n]!;
  const l = phaseLayout(blueprint, phase, passBefore ? p.phases[n - 1] : undefined);
  if (!l.ok) throw new Error(l.message);
  const all = l.own ? withLayouts(blueprint, { [phase.layout]: l.layout }) : blueprint;
  const canaries = phase.extractions.filter((e) => e.from && e.routes.length).map((e) => ({ unit: e.unit, percent: step, from: e.from! }));
  const files = generate('gateway', all, phase.layout, { canaries });
  return files.map((f) => f.content).join('\n');
}

const listens = (conf: string) => [...conf.matchAll(/^\s*listen (\d+)/gm)].map((m) => Number(m[1]));

describe('plan: the canary of a phase without a gateway', () => {
  it('runs on the gateway of the layout before, on its port (the overlay, as the plan writes it)', () => {
    const { blueprint, p } = telemetryPlan();
    expect(p.phases.map((ph) => (ph.layoutInput.gateway as { port: number } | undefined)?.port)).toEqual([undefined, 8080, 8080, undefined]);
    expect(p.phases[3]!.notes.find((n) => n.startsWith('sqs-split declares no gateway'))).toContain("this phase's canary runs on the nginx gateway of the layout before (port 8080), which retires once the last step holds");
    const o = overlay(blueprint, p);
    expect([1, 2, 3].map((n) => listens(gatewayAt(o, p, n, 10, false)))).toEqual([[8080], [8080], [8080]]);
    // The phase's layout with that gateway added, its own otherwise; the overlay's layout is kept.
    const l = phaseLayout(o, p.phases[3]!);
    expect(l).toMatchObject({ ok: true, own: true, layout: { gateway: { kind: 'nginx', port: 8080 } } });
    expect(o.layouts['phase-3']!.gateway).toBeUndefined();
    // A phase with a gateway of its own, or with no canary, is as it stands.
    expect(phaseLayout(o, p.phases[2]!)).toMatchObject({ own: false, layout: { gateway: { port: 8080 } } });
    const still = phaseLayout(o, { ...p.phases[3]!, canary: undefined });
    expect(still.ok && !still.own && still.layout === o.layouts['phase-3']).toBe(true);
  });

  it('with the plan’s phase before given, from the blueprint alone too', () => {
    const { blueprint, p } = telemetryPlan();
    expect(phaseLayout(blueprint, p.phases[3]!, p.phases[2]!)).toMatchObject({ ok: true, own: true, layout: { gateway: { kind: 'nginx', port: 8080 } } });
    expect(listens(gatewayAt(blueprint, p, 3, 10, true))).toEqual([8080]);
  });

  it('a port a unit of the phase listens on is not borrowed, and the plan says so', () => {
    const text = TELEMETRY.replace('alerts-svc: { domains: [alerts], port: 3001', 'alerts-svc: { domains: [alerts], port: 8080');
    const { blueprint, p } = telemetryPlan(text);
    expect(p.phases[3]!.notes.find((n) => n.startsWith('sqs-split declares no gateway'))).toContain(
      "this phase's canary runs on the nginx gateway of the layout before (port 8080, which alerts-svc takes in this layout: generate gateway --plan writes the canary's gateway on a free port instead), which retires once the last step holds",
    );
    const o = overlay(blueprint, p);
    const l = phaseLayout(o, p.phases[3]!);
    expect(l.ok && !l.own && l.layout === o.layouts['phase-3'] && l.layout.gateway === undefined).toBe(true);
    expect(listens(gatewayAt(overlay(blueprint, p), p, 3, 10, false))).not.toContain(8080);
  });
});
