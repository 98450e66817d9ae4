// A broker's per-message client CPU (publishCpu at the publishing unit, consumeCpu at the
// consuming one) and its own CPU per delivery: exact utilization-law figures, both methods.
import { describe, expect, it } from 'vitest';
import { Blueprint } from '../../src/model/schema.js';
import { simulate } from '../../src/simulate/simulate.js';

function brokered(broker: Record<string, unknown>) {
  return Blueprint.parse({
    apiVersion: 'archsim/v1',
    kind: 'Blueprint',
    metadata: { name: 'brokered' },
    system: {
      domains: {
        a: { tables: [], operations: { op: { route: 'POST /a', cpu: { dist: 'const', mean: '1ms' }, emits: ['a.done'] } } },
        b: { tables: [], operations: { take: { internal: true, cpu: { dist: 'const', mean: '0.5ms' } } } },
      },
      events: { 'a.done': { consumers: ['b.take'], payload: '0B' } },
      defaults: { payload: { request: '0B', response: '0B', event: '0B' } },
    },
    layouts: { two: { units: { ua: { domains: ['a'], port: 8000 }, ub: { domains: ['b'], port: 8001 } }, broker: { kind: 'postgres', ...broker }, network: { latency: '0ms', cpuPerCall: '0.1ms', cpuPerKiB: '0ms' } } },
    catalog: {},
  });
}

/** CPU per request at each station (utilization law: U / λ), ms. */
function demands(bp: ReturnType<typeof brokered>, method: 'analytic' | 'des') {
  const r = simulate(bp, 'two', { method, rate: 100, duration: 200_000, warmup: 0, seed: 3 });
  return Object.fromEntries(r.stations.map((s) => [s.id, (s.utilization * s.replicas * s.cores * 1000) / 100]));
}

describe('broker client costs', () => {
  it('charge publishCpu per event at the publisher, consumeCpu per delivery at the consumer, and the broker its cpu', () => {
    const d = demands(brokered({ cpu: { dist: 'const', mean: '0.4ms' }, publishCpu: '0.2ms', consumeCpu: '0.7ms' }), 'analytic');
    expect(d.ua).toBeCloseTo(1.2, 6);
    expect(d.ub).toBeCloseTo(1.2, 6);
    expect(d.broker).toBeCloseTo(0.4, 6);
  });

  it('without them, each side pays an HTTP call’s cpuPerCall as before', () => {
    const d = demands(brokered({ cpu: { dist: 'const', mean: '0.4ms' } }), 'analytic');
    expect(d.ua).toBeCloseTo(1.1, 6);
    expect(d.ub).toBeCloseTo(0.6, 6);
  });

  it('the DES charges the same work', () => {
    const d = demands(brokered({ cpu: { dist: 'const', mean: '0.4ms' }, publishCpu: '0.2ms', consumeCpu: '0.7ms' }), 'des');
    expect(d.ua).toBeGreaterThan(1.2 * 0.98);
    expect(d.ua).toBeLessThan(1.2 * 1.02);
    expect(d.ub).toBeGreaterThan(1.2 * 0.98);
    expect(d.ub).toBeLessThan(1.2 * 1.02);
  });
});
