// A plan's phases are written back as blueprint input (overlay.ts layoutInput) and read again by
// every command: the round trip must give the very layout it started from, for every field a
// layout can carry. A field left as the parsed number where the schema wants a unit ("0.05" for
// "0.05ms") made `plan` end in "internal error: the plan's overlay does not validate".
import { describe, expect, it } from 'vitest';
import { layoutInput } from '../../src/plan/overlay.js';
import { Layout } from '../../src/model/schema.js';

// Every field of Layout, Unit (autoscale, backgroundCpu, env, image), Datastore, Gateway, Broker
// (publishCpu, consumeCpu, localDelivery), extras, network (gRPC figures), triggers and next.
const everything = {
  description: 'all of it',
  style: 'hybrid',
  protocol: 'grpc',
  gateway: { kind: 'kong', instance: 'gw', port: 8000, replicas: 2, cpu: { dist: 'lognormal', mean: '0.3ms', cv: 1.5 } },
  broker: { kind: 'kafka', instance: 'mq', port: 9092, cpu: { dist: 'uniform', min: '0.05ms', max: '0.15ms' }, latency: '2ms', publishCpu: '0.05ms', consumeCpu: '0.08ms', localDelivery: 'in-process' },
  units: {
    api: {
      description: 'front',
      domains: ['a'],
      port: 8001,
      replicas: 3,
      instance: 'vm',
      workers: 2,
      discipline: 'ps',
      threadPool: 8,
      runtime: 'node/fastify',
      protocol: 'http',
      env: { LOG_LEVEL: 'info' },
      autoscale: { min: 1, max: 9, metric: 'requests', target: 250, targetUtilization: '65%', scaleUpDelay: '20s', coldStart: '4s' },
      backgroundCpu: 0.02,
    },
    worker: { domains: '*', port: 8002, image: 'registry.example/worker:1.2' },
  },
  datastores: {
    db: { description: 'main', engine: 'postgres', instance: 'pg', tables: '*', pool: 15, cores: 2, read: { dist: 'const', mean: '0.4ms' }, write: '1.2ms', port: 5432, backgroundCpu: 0.05 },
  },
  extras: { monitoring: { instance: 'vm', replicas: 2, description: 'grafana' } },
  network: { latency: '0.3ms', cpuPerCall: '0.12ms', cpuPerKiB: '6us', grpc: { latency: '0.2ms', cpuPerCall: '0.08ms', cpuPerKiB: '4us' } },
  triggers: [{ description: 'p95 too high', metric: 'latency.p95(a.get)', above: 150 }],
  next: 'later',
};

describe('layoutInput round trip', () => {
  it('gives back the same layout for every field a layout can carry', () => {
    const parsed = Layout.parse(everything);
    // the fixture really sets the fields the round trip must keep (a default would hide a loss)
    expect(parsed.broker!.publishCpu).toBe(0.05);
    expect(parsed.broker!.consumeCpu).toBe(0.08);
    expect(parsed.units.api!.autoscale!.targetUtilization).toBe(0.65);
    expect(Layout.parse(layoutInput(parsed))).toEqual(parsed);
  });

  it('writes durations with their unit', () => {
    const input = layoutInput(Layout.parse(everything)) as { broker: Record<string, unknown> };
    expect(input.broker).toMatchObject({ latency: '2ms', publishCpu: '0.05ms', consumeCpu: '0.08ms' });
  });

  it('leaves the optional broker figures out when the blueprint does', () => {
    const { publishCpu: _p, consumeCpu: _c, ...broker } = everything.broker;
    const input = layoutInput(Layout.parse({ ...everything, broker })) as { broker: Record<string, unknown> };
    expect(Object.keys(input.broker).sort()).toEqual(['cpu', 'instance', 'kind', 'latency', 'localDelivery', 'port']);
  });
});
