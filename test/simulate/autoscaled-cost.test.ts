// The cost line bills a unit's configured replicas; a DES run whose autoscaler held the unit at
// fewer said "×4 $120" beside a station table showing 2.09 replicas, and nothing else.
import { describe, expect, it } from 'vitest';
import { autoscaledCost, renderSimulation } from '../../src/cli/render-sim.js';
import { simulate } from '../../src/simulate/simulate.js';
import { bp } from './helpers.js';

/** workers: 4 replicas of $30 at 2 ms a request, scaled on CPU to 60% between 1 and 4. */
const scaled = (autoscale: boolean) =>
  bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: scaled }
system:
  domains:
    a:
      operations:
        op: { route: GET /op, cpu: 2ms }
layouts:
  one:
    units:
      web: { domains: [a], port: 8000, replicas: 4, instance: box${autoscale ? ', autoscale: { min: 1, max: 4, metric: cpu, targetUtilization: 60%, scaleUpDelay: 5s, coldStart: 1s }' : ''} }
catalog:
  box: { vcpu: 1, usdPerMonth: $30 }
workload: { rate: 100/s, duration: 300s, mix: { a.op: 1 } }
`);

describe('the cost of an autoscaled unit at the replicas the run held', () => {
  it('scaled in from 4 at 20% of one replica: the mean count, its max, and the month at that mean', () => {
    const r = simulate(scaled(true), 'one', { seed: 3 });
    const web = r.stations.find((s) => s.id === 'web')!;
    expect(web.replicas).toBeGreaterThan(1);
    expect(web.replicas).toBeLessThan(2);
    const line = `autoscaled in this run: web ${web.replicas.toFixed(2)} replicas on average (max ${web.maxReplicas}; billed above at ×4): $${Number.isInteger(30 * web.replicas) ? 30 * web.replicas : (30 * web.replicas).toFixed(2)}/month at those averages`;
    expect(autoscaledCost(r)).toBe(line);
    const text = renderSimulation(r).split('\n');
    expect(text[text.findIndex((l) => l.startsWith('cost: $120/month (web ×4 $120)')) + 1]).toBe(line);
  });

  it('no autoscaler, or the analytic method (no run to scale): no line', () => {
    expect(autoscaledCost(simulate(scaled(false), 'one', { seed: 3 }))).toBeUndefined();
    expect(autoscaledCost(simulate(scaled(true), 'one', { method: 'analytic' }))).toBeUndefined();
  });
});
