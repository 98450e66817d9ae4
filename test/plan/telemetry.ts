// telemetry (a tester's /tmp/unseen5/iot.yaml), shared by the plan tests that walk it: a monolith on
// a PostgreSQL queue, then nats-split (nginx gateway on 8080, nats), then sqs-split (no gateway, sqs).
import { bp } from '../simulate/helpers.js';
import { plan, type Plan, type PlanOptions } from '../../src/plan/index.js';
import type { Blueprint } from '../../src/model/schema.js';

export const TELEMETRY = `apiVersion: archsim/v1
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

/** The blueprint (TELEMETRY, or a variant of its text) and its plan from mono to sqs-split, from a fixed
 *  start so the gantt's dates are the same on every run; `options` adds to or overrides those. */
export function telemetryPlan(text = TELEMETRY, options: Partial<PlanOptions> = {}): { blueprint: Blueprint; p: Plan } {
  const blueprint = bp(text);
  return { blueprint, p: plan(blueprint, { from: 'mono', to: 'sqs-split', start: '2026-01-05', ...options }).plan };
}
