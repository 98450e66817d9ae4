// Triggers and the plan's own figures: one value, one rule.
// - "now" of a latency trigger is the figures' p95 (the analytic simulator's percentile, as
//   `simulate --method analytic`): a one-gamma fit put it at 70.8 ms beside figures of 71.0 ms.
// - a CPU trigger does not fire at a rate past the layout's saturation (760/s on a layout that
//   saturates at 408/s): "not before saturation", as the queue and latency triggers say.
// - "above" is strict for every metric, on unrounded values: a rate trigger at exactly today's
//   value said "already reached" while a latency one at today's value did not.
import { describe, expect, it } from 'vitest';
import { bp } from '../simulate/helpers.js';
import { plan } from '../../src/plan/index.js';
import { renderPlanMarkdown } from '../../src/plan/markdown.js';
import { buildPhases, withLayouts } from '../../src/plan/phases.js';
import { analyze } from '../../src/simulate/analytic.js';
import { BAKERY, TRIG } from './sweep-fixtures.js';

const start = '2026-01-05';
const r3 = (x: number) => Math.round(x * 1000) / 1000;

describe('plan triggers', () => {
  const blueprint = bp(BAKERY);
  const { plan: p } = plan(blueprint, { from: 'monolith', to: 'micro', growth: 0.15, start });

  it("a latency trigger's now is the phase's p95, the simulator's (analytic) figure", () => {
    const all = withLayouts(blueprint, Object.fromEntries(buildPhases(blueprint, 'monolith', 'micro').phases.map((d) => [d.name, d.layout])));
    for (const ph of p.phases) {
      const t = ph.triggers.find((x) => x.metric === 'latency.p95(orders.place)')!;
      const sim = analyze(all, ph.layout).operations.find((o) => o.id === 'orders.place')!.latency.p95;
      expect(t.now, ph.layout).toBe(r3(ph.figures!.p95Ms['orders.place']!));
      expect(t.now, ph.layout).toBe(r3(sim));
    }
    expect(p.phases[0]!.triggers.find((x) => x.metric === 'latency.p95(orders.place)')!.now).toBe(70.97);
    // The rollback line of phase 3 gives the same figure (to two places).
    expect(p.phases[3]!.canary!.rollback.find((r) => r.metric === 'latency.p95(orders.place)')!.predicted).toBe(71.3);
    expect(p.phases[3]!.triggers.find((x) => x.metric === 'latency.p95(orders.place)')!.now).toBe(71.296);
  });

  it('a CPU trigger past saturation fires "not before saturation"', () => {
    const ph = p.phases[0]!;
    expect(ph.figures!.saturationRps).toBeCloseTo(408.16, 1);
    const cpu = ph.triggers.find((x) => x.metric === 'utilization(app)')!;
    expect(cpu).toMatchObject({ now: 0.092, fireRps: null, month: null });
    expect(renderPlanMarkdown(p)).toContain('| CPU of app above 70% sustained (derived) | `utilization(app)` > 0.7 | 0.092 | not before saturation |');
    // Below saturation it still fires where the rate makes it: the database at 90%.
    const t = plan(bp(TRIG), { from: 'monolith', to: 'micro', growth: 0.1, start }).plan.phases[0]!.triggers;
    expect(t.find((x) => x.metric === 'utilization(main)')).toMatchObject({ now: 0.245, fireRps: 367.347, month: 14 });
  });

  it('"above" is strict for every metric: today\'s value equal to the threshold has not fired', () => {
    const t = plan(bp(TRIG), { from: 'monolith', to: 'micro', growth: 0.1, start }).plan.phases[0]!.triggers;
    const row = (d: string) => t.find((x) => x.description === d)!;
    expect(row('place rate at exactly now')).toMatchObject({ now: 30, fireRps: 100, month: 1 });
    expect(row('place rate just below now')).toMatchObject({ now: 30, fireRps: 99.967, month: 0 });
    expect(row('util at exactly now')).toMatchObject({ now: 0.092, fireRps: 100, month: 1 });
    expect(row('p95 get')).toMatchObject({ now: 3.664, fireRps: 100.003, month: 1 });
    expect(row('queue of app')).toMatchObject({ fireRps: null, month: null });
    expect(row('queue of db')).toMatchObject({ now: 0.096, fireRps: 342.503, month: 13 });
  });
});
