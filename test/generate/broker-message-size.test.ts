// A broker's message-size limit is raised from the blueprint's event sizes, as HTTP body limits
// are from request sizes: where the layout's largest event through the broker, plus 10% for
// framing, is over the kind's default, compose sets the limit to that in whole MiB (at most the
// kind's ceiling) in the image's own convention, and the Kubernetes kustomization names the same
// settings and values for the cluster's broker. Small events change nothing.
import { describe, expect, it } from 'vitest';
import { composeDocument, composeFiles } from '../../src/generate/compose.js';
import { k8sFiles } from '../../src/generate/k8s.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { parseBlueprint } from '../../src/model/parse.js';
import type { Blueprint } from '../../src/model/schema.js';
import { composeErrors } from './compose-schema.js';

type Obj = Record<string, any>;

function load(text: string): Blueprint {
  const r = parseBlueprint(text, 'bp.yaml');
  if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return r.blueprint;
}

/** The tester's blueprint (/work/unseen9a/bigevent.yaml): a 1,500 KiB event on a Kafka broker, layout split. */
const text = (kind: string, payload: string | undefined, event: string) => `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: bigevent }
system:
  domains:
    orders:
      tables: [orders]
      operations:
        place: { route: POST /orders, cpu: 1ms, db: { writes: 1 }, emits: [${JSON.stringify(event)}] }
    mail:
      tables: [mail]
      operations:
        send: { internal: true, cpu: 1ms }
  events:
    ${JSON.stringify(event)}: { consumers: [mail.send]${payload ? `, payload: ${payload}` : ''} }
layouts:
  mono:
    units:
      app: { domains: "*", port: 8080, instance: vm }
    datastores:
      db: { engine: postgres, instance: vm, tables: "*" }
  split:
    broker: { kind: ${kind}${kind === 'kafka' ? ', port: 9092' : ''} }
    units:
      order-svc: { domains: [orders], port: 8080, instance: vm }
      mail-svc: { domains: [mail], port: 8081, instance: vm }
    datastores:
      db: { engine: postgres, instance: vm, tables: "*" }
workload: { rate: 20/s, duration: 20s, mix: { orders.place: 1 } }
catalog:
  vm: { vcpu: 1, usdPerMonth: $10 }
`;
const BIGEVENT = text('kafka', '1500KiB', 'order.placed');

const bp = (kind: string, payload?: string, event = 'order.placed') => load(text(kind, payload, event));

const doc = (b: Blueprint) => composeDocument(b, 'split') as { services: Record<string, Obj>; volumes: Record<string, Obj> };
const broker = (b: Blueprint, name = b.layouts.split!.broker!.kind) => doc(b).services[name]!;
const kustomization = (b: Blueprint) => k8sFiles(b, 'split').find((f) => f.path === 'k8s/kustomization.yaml')!.content;

describe('kafka: message.max.bytes and replica.fetch.max.bytes from the largest event', () => {
  it('bigevent.yaml (1,500 KiB; 1,689,600 bytes framed, over 1,048,588): both 2 MiB, in the image’s KAFKA_* convention', () => {
    const b = load(BIGEVENT);
    expect(broker(b).environment).toEqual({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://kafka:9092',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_LOG_DIRS: '/var/lib/kafka/data',
      KAFKA_MESSAGE_MAX_BYTES: '2097152',
      KAFKA_REPLICA_FETCH_MAX_BYTES: '2097152',
    });
    expect(composeErrors(doc(b))).toEqual([]);
    // The monolith has no broker: nothing to raise.
    expect(Object.keys((composeDocument(b, 'mono') as { services: Obj }).services)).toEqual(['app', 'db']);
  });

  it('the Kubernetes kustomization names the same settings and values for the cluster’s broker', () => {
    expect(kustomization(load(BIGEVENT))).toContain(
      [
        '',
        "# The broker (kafka, the cluster's, reached as kafka) must take messages of 2097152 bytes: event order.placed is 1536000 bytes, plus 10% for framing.",
        '# Set message.max.bytes=2097152, replica.fetch.max.bytes=2097152 on it (the values generate compose sets).',
      ].join('\n'),
    );
  });

  it('edge: 953,262 bytes frame to 1,048,589, one past the default: raised; 953,261 (1,048,588) is not', () => {
    expect(broker(bp('kafka', '953262B')).environment.KAFKA_MESSAGE_MAX_BYTES).toBe('2097152');
    expect(broker(bp('kafka', '953261B')).environment.KAFKA_MESSAGE_MAX_BYTES).toBeUndefined();
  });

  it('past 100 MiB the produce request is over socket.request.max.bytes: raised with them', () => {
    const env = broker(bp('kafka', '100MiB')).environment;
    expect([env.KAFKA_MESSAGE_MAX_BYTES, env.KAFKA_REPLICA_FETCH_MAX_BYTES, env.KAFKA_SOCKET_REQUEST_MAX_BYTES]).toEqual(['115343360', '115343360', '115343360']);
    expect(broker(bp('kafka', '90MiB')).environment.KAFKA_SOCKET_REQUEST_MAX_BYTES).toBeUndefined();
  });
});

describe('the other kinds', () => {
  it('nats: max_payload in a mounted config file (no flag sets it), at most 64 MiB', () => {
    const b = bp('nats', '1500KiB');
    expect(broker(b).command).toEqual(['-c', '/etc/nats/archsim.conf', '-js', '-sd', '/data', '-p', '4222', '-m', '8222']);
    expect(broker(b).volumes).toEqual(['nats-data:/data', './broker/nats-server.conf:/etc/nats/archsim.conf:ro']);
    expect(doc(b).volumes['nats-data']).toEqual({});
    expect(composeErrors(doc(b))).toEqual([]);
    const conf = composeFiles(b, 'split').find((f) => f.path === 'broker/nats-server.conf')!.content;
    expect(conf.split('\n').filter((l) => !l.startsWith('#'))).toEqual(['max_payload: 2097152', '']);
    expect(conf).toContain('# Sized for the largest event through the broker: order.placed, 1500KiB, plus 10% for framing.\n');
    expect(kustomization(b)).toContain('# Set max_payload=2097152 on it (the values generate compose sets).');
    // Past 64 MiB: as far as it goes (lint reports the event).
    expect(composeFiles(bp('nats', '100MiB'), 'split').find((f) => f.path === 'broker/nats-server.conf')!.content).toContain('\nmax_payload: 67108864\n');
  });

  it('rabbitmq: max_message_size past its 128 MiB default, through the server’s erl arguments', () => {
    expect(broker(bp('rabbitmq', '200MiB')).environment.RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS).toBe('-rabbit max_message_size 230686720');
    expect(broker(bp('rabbitmq', '1GiB')).environment.RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS).toBe('-rabbit max_message_size 536870912');
    expect(broker(bp('rabbitmq')).environment.RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS).toBeUndefined();
    expect(composeErrors(doc(bp('rabbitmq', '200MiB')))).toEqual([]);
  });

  it('redis: proto-max-bulk-len past 512 MiB, client-query-buffer-limit past 1 GiB', () => {
    expect(broker(bp('redis', '600MiB')).command.slice(5)).toEqual(['--proto-max-bulk-len', '692060160']);
    expect(broker(bp('redis', '1GiB')).command.slice(5)).toEqual(['--proto-max-bulk-len', '1181745152', '--client-query-buffer-limit', '1181745152']);
    expect(broker(bp('redis')).command).toHaveLength(5);
  });

  it('sqs: past ElasticMQ 1.6.11’s strict 262,144 bytes its limits are relaxed by a mounted config; no named volume', () => {
    const b = bp('sqs', '300KiB');
    expect(broker(b).volumes).toEqual(['./broker/elasticmq.conf:/opt/elasticmq.conf:ro']);
    expect(doc(b).volumes).toEqual({ 'db-data': {} });
    expect(composeErrors(doc(b))).toEqual([]);
    const conf = composeFiles(b, 'split').find((f) => f.path === 'broker/elasticmq.conf')!.content;
    expect(conf.split('\n').filter((l) => !l.startsWith('#'))).toEqual(['include classpath("application.conf")', 'rest-sqs.sqs-limits = relaxed', '']);
    // 232,710 bytes frame to 255,981: strict limits take it.
    expect(broker(bp('sqs', '232710B')).volumes).toBeUndefined();
    expect(composeFiles(bp('sqs', '232710B'), 'split').map((f) => f.path)).toEqual(['docker-compose.yml', '.env.example']);
    // AWS SQS takes 1 MiB by default now: nothing for the cluster's broker to raise.
    expect(kustomization(b)).not.toContain('The broker');
  });

  it('postgres: nothing to set (a field holds 1 GiB whatever the settings; lint reports past it)', () => {
    expect(broker(bp('postgres', '1GiB')).environment).toEqual(broker(bp('postgres')).environment);
  });
});

describe('small events change nothing', () => {
  it.each(['kafka', 'nats', 'rabbitmq', 'redis', 'postgres', 'sqs'])('%s with the default 512 B event: the same service, files and kustomization', (kind) => {
    const small = bp(kind);
    const named = bp(kind, '512B');
    expect(broker(small)).toEqual(broker(named));
    expect(composeFiles(small, 'split').map((f) => f.path)).toEqual(['docker-compose.yml', '.env.example']);
    expect(kustomization(small)).not.toContain('The broker');
    expect(JSON.stringify(broker(small))).not.toMatch(/MAX_BYTES|max_message_size|proto-max-bulk-len|archsim\.conf|elasticmq\.conf/);
  });
});

describe('an event name in a config file’s comment', () => {
  it('is flattened to one line: a line break cannot end the comment', () => {
    const b = bp('nats', '1500KiB', 'big\nmax_payload: 1');
    const conf = composeFiles(b, 'split').find((f) => f.path === 'broker/nats-server.conf')!.content;
    expect(conf.split('\n').filter((l) => !l.startsWith('#'))).toEqual(['max_payload: 2097152', '']);
    expect(conf).toContain('# Sized for the largest event through the broker: big max_payload: 1, 1500KiB, plus 10% for framing.\n');
    expect(kustomization(b)).toContain('event big max_payload: 1 is 1536000 bytes');
  });
});
