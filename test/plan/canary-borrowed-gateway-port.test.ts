// A phase that borrows the gateway of the layout before keeps its port. telemetry (a tester's
// /tmp/unseen5/iot.yaml) ends in sqs-split, which declares no gateway: the plan says phase 3's
// canary "runs on the nginx gateway of the layout before (port 8080)", yet
// `generate gateway --plan … --phase 3` wrote a new nginx on port 8000 (the generator's default for
// a layout without a gateway) while phases 1 and 2 listened on 8080: the canary's clients lost
// their gateway. phaseLayout(), which generate gateway --plan reads the phase's layout through,
// now gives the phase its canary's gateway: the one of the layout before, on its port.
import { describe, expect, it } from 'vitest';
import { bp } from '../simulate/helpers.js';
import { phaseLayout, plan, type Plan } from '../../src/plan/index.js';
import { Layout, type Blueprint } from '../../src/model/schema.js';
import { withLayouts } from '../../src/plan/phases.js';
import { generate } from '../../src/generate/index.js';

const TELEMETRY = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: telemetry }
system:
  domains:
    devices:
      tables: [devices, device_keys]
      operations:
        register: { route: "POST /devices", cpu: 1ms, db: { writes: 2 } }
        get: { route: "GET /devices/{id}", cpu: 0.2ms, db: { reads: 1 } }
        auth-device: { internal: true, cpu: 0.3ms, db: { reads: 1 } }
    ingest:
      tables: [readings]
      operations:
        push: { route: "POST /devices/{id}/readings", cpu: 0.5ms, db: { writes: 1 }, calls: [devices.auth-device], emits: [reading.stored] }
        latest: { route: "GET /devices/{id}/readings/latest", cpu: 0.3ms, db: { reads: 1 } }
    alerts:
      tables: [alert_rules, alert_state]
      operations:
        evaluate: { internal: true, cpu: 1ms, db: { reads: 1, writes: 1 } }
        list: { route: "GET /alerts", cpu: 0.3ms, db: { reads: 1 } }
    rollup:
      tables: [hourly]
      operations:
        aggregate: { internal: true, cpu: 2ms, db: { reads: 1, writes: 1 } }
        hourly: { route: "GET /stats/hourly", cpu: 1ms, db: { reads: 1 } }
  events:
    reading.stored: { consumers: [alerts.evaluate, rollup.aggregate] }
layouts:
  mono:
    style: monolith
    broker: { kind: postgres, instance: db }
    units:
      core: { domains: "*", port: 3000, instance: app }
    datastores:
      pg: { engine: postgres, instance: db, tables: "*" }
    next: nats-split
  nats-split:
    style: microservices
    gateway: { kind: nginx, instance: gw, port: 8080 }
    broker: { kind: nats, instance: mq }
    units:
      core: { domains: [devices, ingest], port: 3000, instance: app, replicas: 2 }
      database: { domains: [alerts], port: 3001, instance: app }
      redis: { domains: [rollup], port: 3002, instance: app }
    datastores:
      pg: { engine: postgres, instance: db, tables: [devices, device_keys, readings] }
      alerts-pg: { engine: postgres, instance: db, tables: [alert_rules, alert_state] }
      rollup-store: { engine: redis, instance: db, tables: [hourly] }
    next: sqs-split
  sqs-split:
    style: microservices
    broker: { kind: sqs, instance: mq }
    units:
      devices-svc: { domains: [devices], port: 3000, instance: app, replicas: 3 }
      ingest-svc: { domains: [ingest], port: 3000, instance: app, replicas: 2 }
      alerts-svc: { domains: [alerts], port: 3001, instance: app }
      rollup-svc: { domains: [rollup], port: 3001, instance: app, replicas: 2 }
    datastores:
      devices-db: { engine: postgres, instance: db, tables: [devices, device_keys] }
      readings-db: { engine: postgres, instance: db, tables: [readings] }
      alerts-db: { engine: mysql, instance: db, tables: [alert_rules, alert_state] }
      rollup-db: { engine: redis, instance: db, tables: [hourly] }
workload:
  rate: 100/s
  mix: { ingest.push: 80, ingest.latest: 10, devices.get: 5, alerts.list: 5 }
catalog:
  app: { kind: compute, vcpu: 1, usdPerMonth: $10 }
  gw: { kind: gateway, vcpu: 1, usdPerMonth: $6 }
  mq: { kind: broker, vcpu: 1, usdPerMonth: $10 }
  db: { kind: database, vcpu: 1, usdPerMonth: $20 }
`;

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
    const blueprint = bp(TELEMETRY);
    const { plan: p } = plan(blueprint, { from: 'mono', to: 'sqs-split', start: '2026-01-05' });
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
    const blueprint = bp(TELEMETRY);
    const { plan: p } = plan(blueprint, { from: 'mono', to: 'sqs-split', start: '2026-01-05' });
    expect(phaseLayout(blueprint, p.phases[3]!, p.phases[2]!)).toMatchObject({ ok: true, own: true, layout: { gateway: { kind: 'nginx', port: 8080 } } });
    expect(listens(gatewayAt(blueprint, p, 3, 10, true))).toEqual([8080]);
  });

  it('a port a unit of the phase listens on is not borrowed, and the plan says so', () => {
    const text = TELEMETRY.replace('alerts-svc: { domains: [alerts], port: 3001', 'alerts-svc: { domains: [alerts], port: 8080');
    const blueprint = bp(text);
    const { plan: p } = plan(blueprint, { from: 'mono', to: 'sqs-split', start: '2026-01-05' });
    expect(p.phases[3]!.notes.find((n) => n.startsWith('sqs-split declares no gateway'))).toContain(
      "this phase's canary runs on the nginx gateway of the layout before (port 8080, which alerts-svc takes in this layout: generate gateway --plan writes the canary's gateway on a free port instead), which retires once the last step holds",
    );
    const o = overlay(blueprint, p);
    const l = phaseLayout(o, p.phases[3]!);
    expect(l.ok && !l.own && l.layout === o.layouts['phase-3'] && l.layout.gateway === undefined).toBe(true);
    expect(listens(gatewayAt(overlay(blueprint, p), p, 3, 10, false))).not.toContain(8080);
  });
});
