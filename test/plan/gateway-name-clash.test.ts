// A plan whose phases put a gateway in front (to shift routes by weight) of a layout that has a
// unit or datastore named "gateway": the gateway runs as the service "gateway", so the overlay
// failed its own validation and `archsim plan` stopped on an internal error (exit 1). Now a
// PlanError (exit 2, one line) names it and says to rename it.
import { describe, expect, it } from 'vitest';
import { bp } from '../simulate/helpers.js';
import { plan } from '../../src/plan/index.js';
import { PlanError } from '../../src/plan/plan.js';

const shop = (store: string, unit: string) =>
  bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop }
system:
  domains:
    orders: { tables: [orders], operations: { place: { route: POST /orders, cpu: 2ms, db: { writes: 1 } } } }
    stock: { tables: [stock], operations: { list: { route: GET /stock, cpu: 1ms, db: { reads: 1 } } } }
    pay: { tables: [payments], operations: { charge: { route: POST /pay, cpu: 1ms, db: { writes: 1 } } } }
layouts:
  one:
    units:
      ${unit}: { domains: "*", port: 8080 }
    datastores:
      ${store}: { engine: postgres, tables: "*" }
  two:
    units:
      ${unit}: { domains: [orders], port: 8080 }
      stock-svc: { domains: [stock], port: 8081 }
      pay-svc: { domains: [pay], port: 8082 }
    datastores:
      ${store}: { engine: postgres, tables: "*" }
workload: { rate: 10/s, duration: 10s, mix: { orders.place: 1, stock.list: 1, pay.charge: 1 } }
`);

describe('plan and a unit or datastore named "gateway"', () => {
  it.each([
    ['datastore', shop('gateway', 'app')],
    ['unit', shop('db', 'gateway')],
  ])('a %s named "gateway" is refused in one line, saying to rename it', (kind, blueprint) => {
    let err: unknown;
    try {
      plan(blueprint, { from: 'one', to: 'two' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PlanError);
    expect((err as Error).message).toBe(`${kind} "gateway" (in one and the phases after it): this plan's phases put a gateway in front (to shift pay-svc by weight), and a gateway runs as the service "gateway"; rename the ${kind} in the blueprint`);
  });

  it('other names plan as before (an nginx goes in front)', () => {
    const p = plan(shop('db', 'app'), { from: 'one', to: 'two' }).plan;
    expect(p.phases.length).toBeGreaterThan(1);
  });
});
