// A phase that changes the broker's kind says so. telemetry (a tester's /tmp/unseen5/iot.yaml)
// goes from the monolith's PostgreSQL queue to nats and then to sqs: the overlay switched brokers
// in phases 2 and 3 and the plan said nothing (no step, no effort, nothing about the events in
// flight), while a first broker is described ("the kafka broker carries events between units")
// and counted ("broker set-up: 1 × 3"). Now the phase names the change, says the old broker's
// in-flight events are drained before it retires, and counts it as a broker set-up is counted.
import { describe, expect, it } from 'vitest';
import { bp } from '../simulate/helpers.js';
import { EFFORT_MODEL, plan } from '../../src/plan/index.js';
import { renderPlanMarkdown } from '../../src/plan/markdown.js';

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

const change = (a: string, b: string) =>
  `the broker changes from ${a} to ${b}: the ${b} broker is set up and the publishers switch to it; consumers keep reading ${a} until the events in flight there are drained (every consumer has processed them), and only then does the ${a} broker retire`;

describe('plan: a broker of another kind', () => {
  it('the phase that changes the broker says so, with the drain of the old one', () => {
    const { plan: p } = plan(bp(TELEMETRY), { from: 'mono', to: 'sqs-split', start: '2026-01-05' });
    expect(p.phases.map((ph) => (ph.layoutInput.broker as { kind: string }).kind)).toEqual(['postgres', 'postgres', 'nats', 'sqs']);
    expect(p.phases.map((ph) => ph.notes.filter((n) => /broker/.test(n)))).toEqual([[], [], [change('postgres', 'nats')], [change('nats', 'sqs')]]);
    const md = renderPlanMarkdown(p);
    expect(md).toContain(`- ${change('postgres', 'nats')}\n`);
    expect(md).toContain(`- ${change('nats', 'sqs')}\n`);
  });

  it('counts each change as a broker set-up is counted (the effort model’s broker figure)', () => {
    const { plan: p } = plan(bp(TELEMETRY), { from: 'mono', to: 'sqs-split', start: '2026-01-05' });
    expect(p.phases.map((ph) => (ph.effort?.items ?? []).filter((i) => /broker/.test(i)))).toEqual([
      [],
      [],
      ['broker change (postgres → nats), the old one drained: 1 × 3 = 3 person-days'],
      ['broker change (nats → sqs), the old one drained: 1 × 3 = 3 person-days'],
    ]);
    // --effort broker=5 moves it, as it moves a set-up.
    const five = plan(bp(TELEMETRY), { from: 'mono', to: 'sqs-split', start: '2026-01-05', effort: { ...EFFORT_MODEL, broker: 5 } }).plan;
    expect(five.phases[2]!.effort!.items).toContain('broker change (postgres → nats), the old one drained: 1 × 5 = 5 person-days');
    expect(five.phases[2]!.effort!.personDays).toBe(p.phases[2]!.effort!.personDays + 2);
  });

  it('a broker of the same kind is no change, and a first one is a set-up', () => {
    const same = TELEMETRY.replace('kind: nats', 'kind: postgres').replace('kind: sqs', 'kind: postgres');
    const { plan: p } = plan(bp(same), { from: 'mono', to: 'sqs-split', start: '2026-01-05' });
    expect(p.phases.flatMap((ph) => [...ph.notes, ...(ph.effort?.items ?? [])]).filter((n) => /broker/.test(n))).toEqual([]);
    // The monolith without a broker: the first one is a set-up, not a change.
    const first = plan(bp(TELEMETRY.replace('    broker: { kind: postgres, instance: db }\n', '')), { from: 'mono', to: 'sqs-split', start: '2026-01-05' }).plan;
    expect(first.phases.map((ph) => (ph.effort?.items ?? []).filter((i) => /broker/.test(i)))).toEqual([
      [],
      ['broker set-up: 1 × 3 = 3 person-days'],
      [],
      ['broker change (nats → sqs), the old one drained: 1 × 3 = 3 person-days'],
    ]);
    expect(first.phases[1]!.notes).toContain('the nats broker carries events between units');
    expect(first.phases[1]!.notes.filter((n) => /broker changes/.test(n))).toEqual([]);
  });
});
