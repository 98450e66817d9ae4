// `archsim compare`'s text (src/cli/render-sim.ts renderComparison): one spelling of the workload
// rate, the table's dollars under the table too, and no latency figure for a failure in which
// nothing succeeded. Real compare() runs of an inline blueprint (analytic, plus one 10 s DES run
// of each scenario), rendered as the command renders them.
import { describe, expect, it } from 'vitest';
import { renderComparison } from '../../src/cli/render-sim.js';
import { compare } from '../../src/simulate/compare.js';
import { Scenario } from '../../src/simulate/scenario.js';
import { bp } from '../simulate/helpers.js';

// Every instance costs $7.50 a month: mono is one unit and one database (units: $7.50,
// datastores: $7.50); split runs web and 2 replicas of cart (units: $22.50), and its
// least-connections note names the rate.
const SHOP = () =>
  bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop }
system:
  domains:
    web: { tables: [pages], operations: { home: { route: GET /, cpu: 1ms, calls: [cart.get] } } }
    cart: { tables: [carts], operations: { get: { internal: true, cpu: 0.5ms, db: { reads: 1 } } } }
layouts:
  mono:
    units: { app: { domains: "*", port: 8080, instance: box } }
    datastores: { pg: { engine: postgres, tables: "*", instance: box } }
  split:
    units:
      web-svc: { domains: [web], port: 8080, instance: box }
      cart-svc: { domains: [cart], port: 8081, instance: box, replicas: 2 }
    datastores: { pg: { engine: postgres, tables: "*", instance: box } }
workload: { rate: 80/s, mix: { web.home: 1 } }
catalog:
  box: { vcpu: 4, usdPerMonth: $7.5 }
`);

const lines = (text: string, test: (l: string) => boolean) => text.split('\n').filter(test);

describe('compare text', () => {
  it('spells the workload rate one way: "80/s" in the header, the cost table and the notes (was "80.0/s" in the first two)', () => {
    const c = compare(SHOP(), ['mono', 'split']);
    expect(c.rate).toBe(80);
    const text = renderComparison(c);
    expect(lines(text, (l) => l.startsWith('Latency per operation'))).toEqual(['Latency per operation: mean with no load (no queueing), p95 at 80/s, ms']);
    expect(lines(text, (l) => l.startsWith('per million requests at'))).toEqual([expect.stringMatching(/^per million requests at 80\/s {2}/)]);
    expect(lines(text, (l) => l.startsWith('- split at 80/s: analytic: least-connections'))).toHaveLength(1);
    expect(text).not.toContain('80.0');
    // A rate that is not whole keeps its decimal.
    expect(renderComparison(compare(SHOP(), ['mono'], { rate: 12.5 }))).toContain('p95 at 12.5/s, ms');
    // and the notes spell it the same (they rounded it: "split at 13/s")
    const frac = renderComparison(compare(SHOP(), ['mono', 'split'], { rate: 12.5 }));
    expect(lines(frac, (l) => l.startsWith('- split at 12.5/s: analytic: least-connections'))).toHaveLength(1);
    expect(frac).not.toContain('13/s');
  });

  it('the cost breakdown under the table in the table\'s dollars: "$7.50", never "$7.5"', () => {
    const text = renderComparison(compare(SHOP(), ['mono', 'split']));
    expect(lines(text, (l) => l.startsWith('cart-svc '))).toEqual([expect.stringMatching(/^cart-svc +– +2 × \$7\.50 = \$15$/)]);
    expect(lines(text, (l) => /^ {2}(mono|split): (units|datastores)/.test(l))).toEqual(['  mono: units: $7.50 (app); datastores: $7.50 (pg)', '  split: units: $22.50 (web-svc, cart-svc ×2); datastores: $7.50 (pg)']);
    expect(text).not.toMatch(/\$7\.5(?!0)/);
  });

  it('a failure in which nothing succeeded shows no latency ("none succeeded", was "0.00")', () => {
    // The database down for the whole window: every request of the mix needs it, in both layouts.
    const down = Scenario.parse({ name: 'db-down', description: 'the database is down', workload: { duration: '10s', warmup: '0s' }, failures: [{ storeOf: 'cart', at: '0s', for: '10s' }] });
    const c = compare(SHOP(), ['mono', 'split'], { scenarios: [down], seed: 1 });
    expect(c.faultIsolation.map((f) => [f.layout, f.overall])).toEqual([
      ['mono', 0],
      ['split', 0],
    ]);
    const rows = lines(renderComparison(c), (l) => l.startsWith('db-down'));
    expect(rows.map((r) => r.split(/ {2,}/))).toEqual([
      ['db-down: down: datastore pg (holds cart)', 'mono', '0.0%', 'none succeeded', 'none', 'web.home 0.0%'],
      ['db-down: down: datastore pg (holds cart)', 'split', '0.0%', 'none succeeded', 'none', 'web.home 0.0%'],
    ]);
  });

  it('a failure window in which no request was sent shows no latency ("no requests", was "0.00") and claims no survival (–, was "100%" and "all")', () => {
    // 1 ms of failure at 1/s: no request arrives in it (seed 1).
    const blip = Scenario.parse({ name: 'blip', workload: { duration: '10s', warmup: '0s' }, failures: [{ storeOf: 'cart', at: '5s', for: '1ms' }] });
    const c = compare(SHOP(), ['mono'], { rate: 1, scenarios: [blip], seed: 1 });
    expect(c.faultIsolation.map((f) => [f.layout, f.success, f.p95])).toEqual([['mono', {}, {}]]);
    const rows = lines(renderComparison(c), (l) => l.startsWith('blip'));
    expect(rows.map((r) => r.split(/ {2,}/))).toEqual([['blip: down: datastore pg (holds cart)', 'mono', '–', 'no requests', '–', '–']]);
  });
});
