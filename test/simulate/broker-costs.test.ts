// A broker's per-message client CPU (publishCpu at the publishing unit, consumeCpu at the
// consuming one) and its own CPU per delivery: exact utilization-law figures, both methods.
import { describe, expect, it } from 'vitest';
import { Blueprint } from '../../src/model/schema.js';
import { simulate } from '../../src/simulate/simulate.js';

function brokered(broker: Record<string, unknown>, consumers: string[] = ['b.take']) {
  return Blueprint.parse({
    apiVersion: 'archsim/v1',
    kind: 'Blueprint',
    metadata: { name: 'brokered' },
    system: {
      domains: {
        a: { tables: [], operations: { op: { route: 'POST /a', cpu: { dist: 'const', mean: '1ms' }, emits: ['a.done'] }, log: { internal: true, cpu: { dist: 'const', mean: '0.3ms' } } } },
        b: { tables: [], operations: { take: { internal: true, cpu: { dist: 'const', mean: '0.5ms' } } } },
      },
      events: { 'a.done': { consumers, payload: '0B' } },
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

  // a.done has two consumers: b.take in the other unit, a.log in the publishing unit itself.
  // a.done has two consumers: b.take in the other unit, a.log in the publishing unit itself.
  const withLocalConsumer = (localDelivery?: string) => brokered({ cpu: { dist: 'const', mean: '0.4ms' }, publishCpu: '0.2ms', consumeCpu: '0.7ms', ...(localDelivery ? { localDelivery } : {}) }, ['b.take', 'a.log']);

  it('localDelivery defaults to broker: a consumer in the publishing unit gets its events through the broker too', () => {
    expect(withLocalConsumer().layouts.two!.broker!.localDelivery).toBe('broker');
    const d = demands(withLocalConsumer(), 'analytic');
    // ua: op 1 + publish 0.2 + a.log 0.3 + its consume 0.7; the broker: two deliveries
    expect(d.ua).toBeCloseTo(2.2, 6);
    expect(d.ub).toBeCloseTo(1.2, 6);
    expect(d.broker).toBeCloseTo(0.8, 6);
  });

  it('localDelivery in-process: the local consumer runs in its unit without the broker; the remote one still pays it', () => {
    const d = demands(withLocalConsumer('in-process'), 'analytic');
    // ua: op 1 + publish 0.2 (b.take is remote) + a.log 0.3, no consume cost; one delivery
    expect(d.ua).toBeCloseTo(1.5, 6);
    expect(d.ub).toBeCloseTo(1.2, 6);
    expect(d.broker).toBeCloseTo(0.4, 6);
    const des = demands(withLocalConsumer('in-process'), 'des');
    expect(des.ua).toBeGreaterThan(1.5 * 0.98);
    expect(des.ua).toBeLessThan(1.5 * 1.02);
    expect(des.broker).toBeGreaterThan(0.4 * 0.98);
    expect(des.broker).toBeLessThan(0.4 * 1.02);
  });

  it('localDelivery in-process with only local consumers: no publish cost and no broker work', () => {
    const d = demands(brokered({ cpu: { dist: 'const', mean: '0.4ms' }, publishCpu: '0.2ms', consumeCpu: '0.7ms', localDelivery: 'in-process' }, ['a.log']), 'analytic');
    expect(d.ua).toBeCloseTo(1.3, 6);
    expect(d.broker).toBeCloseTo(0, 9);
  });

  it('refuses an unknown localDelivery', () => {
    expect(() => withLocalConsumer('sometimes')).toThrow(/localDelivery/);
  });
});
