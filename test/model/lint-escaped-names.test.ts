// lint messages quote free text from the blueprint (event names, catalog keys): each is escaped as
// terminal text, so a line break, ESC or bidi control in a name cannot split or repaint a finding.
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/model/lint.js';
import { parseBlueprint } from '../../src/model/parse.js';

function bp(text: string) {
  const r = parseBlueprint(text, 'l.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.col} ${e.message}`).join('\n'));
  return r.blueprint;
}

const SHOP = (event: string, instance: string) => `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop }
system:
  domains:
    orders:
      tables: [orders]
      operations:
        create: { route: POST /orders, cpu: 1ms, db: { writes: 1 }, emits: [${JSON.stringify(event)}] }
    billing:
      tables: [invoices]
      operations:
        bill: { cpu: 1ms, db: { writes: 1 } }
  events:
    ${JSON.stringify(event)}: { consumers: [billing.bill] }
layouts:
  split:
    units:
      orders-svc: { domains: [orders], port: 8001, workers: 4, instance: ${JSON.stringify(instance)} }
      billing-svc: { domains: [billing], port: 8002 }
    datastores:
      orders-db: { engine: postgres, tables: [orders] }
      billing-db: { engine: postgres, tables: [invoices] }
workload: { rate: 20/s, duration: 10s, mix: { orders.create: 1 } }
catalog:
  ${JSON.stringify(instance)}: { vcpu: 1, usdPerMonth: $5 }
`;

const message = (text: string, rule: string) => lint(bp(text), 'split').find((f) => f.rule === rule)?.message;

describe('lint escapes the names users wrote', () => {
  it('dual-write: an event name with a line break, ESC and a bidi override stays on one line, escaped', () => {
    expect(message(SHOP('order"created */ ${x}\n<b>x</b>\u001b[31m\u202e', 'small'), 'dual-write')).toBe(
      'orders.create writes to orders-db and publishes to other units: order"created */ ${x}\\n<b>x</b>\\x1b[31m\\u202e → billing.bill',
    );
  });

  it('workers-over-vcpu: a catalog key with a line break and a carriage return is escaped', () => {
    expect(message(SHOP('order.created', 'big\nbox\r'), 'workers-over-vcpu')).toBe('orders-svc runs 4 workers on big\\nbox\\r (1 vCPU): it is simulated with 1 server');
  });

  it('a plain event name and catalog key are shown as written', () => {
    expect(message(SHOP('order.created', 'small'), 'dual-write')).toBe('orders.create writes to orders-db and publishes to other units: order.created → billing.bill');
    expect(message(SHOP('order.created', 'small'), 'workers-over-vcpu')).toBe('orders-svc runs 4 workers on small (1 vCPU): it is simulated with 1 server');
  });
});
