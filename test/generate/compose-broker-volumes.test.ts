// A broker's named volume is mounted where the broker writes: Kafka's log.dirs (KAFKA_LOG_DIRS;
// the apache/kafka image's default is under /tmp) and NATS JetStream's store directory (-sd; its
// default is under /tmp) point at the mount; RabbitMQ and PostgreSQL write their images' default
// data directories, which is where theirs are mounted; Redis (a broker without persistence here)
// and ElasticMQ keep no volume.
import { describe, expect, it } from 'vitest';
import { composeDocument } from '../../src/generate/compose.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { parseBlueprint } from '../../src/model/parse.js';
import type { Blueprint } from '../../src/model/schema.js';

type Obj = Record<string, any>;

function load(text: string): Blueprint {
  const r = parseBlueprint(text, 'bp.yaml');
  if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return r.blueprint;
}

const layout = (kind: string, port?: number) => `
  ${kind}${port ?? ''}:
    broker: { kind: ${kind}${port ? `, port: ${port}` : ''} }
    units:
      pub: { domains: [pub], port: 8001 }
      sub: { domains: [sub], port: 8002 }`;
const BP = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: bus }
system:
  domains:
    pub: { operations: { send: { route: POST /send, cpu: 1ms, emits: [sent] } } }
    sub: { operations: { take: { internal: true, cpu: 1ms } } }
  events:
    sent: { consumers: [sub.take] }
layouts:${['rabbitmq', 'redis', 'postgres', 'kafka', 'nats', 'sqs'].map((k) => layout(k)).join('')}${layout('kafka', 9093)}${layout('nats', 8222)}
`);

const broker = (name: string, svc = name.replace(/\d+$/, '')) => (composeDocument(BP, name) as { services: Record<string, Obj> }).services[svc]!;

describe('broker volumes are where the broker writes', () => {
  it('kafka: KAFKA_LOG_DIRS is the volume mount', () => {
    const k = broker('kafka');
    expect(k.volumes).toEqual(['kafka-data:/var/lib/kafka/data']);
    expect(k.environment.KAFKA_LOG_DIRS).toBe('/var/lib/kafka/data');
    // Edge: on the controller's usual port the controller moves, the data does not.
    const k2 = broker('kafka9093');
    expect(k2.environment.KAFKA_LISTENERS).toBe('PLAINTEXT://:9093,CONTROLLER://:9094');
    expect(k2.environment.KAFKA_LOG_DIRS).toBe('/var/lib/kafka/data');
    expect(k2.volumes).toEqual(['kafka-data:/var/lib/kafka/data']);
  });

  it('nats: JetStream stores under the volume mount (-sd)', () => {
    expect(broker('nats').command).toEqual(['-js', '-sd', '/data', '-p', '4222', '-m', '8222']);
    expect(broker('nats').volumes).toEqual(['nats-data:/data']);
    // Edge: the client port on the monitoring port's usual number.
    expect(broker('nats8222').command).toEqual(['-js', '-sd', '/data', '-p', '8222', '-m', '8223']);
  });

  it('rabbitmq and postgres: mounted on their images’ data directories; redis and sqs keep none', () => {
    expect(broker('rabbitmq').volumes).toEqual(['rabbitmq-data:/var/lib/rabbitmq']);
    expect(broker('rabbitmq').environment.RABBITMQ_MNESIA_BASE).toBeUndefined();
    expect(broker('postgres').volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
    expect(broker('postgres').environment.PGDATA).toBeUndefined();
    expect(broker('redis').volumes).toBeUndefined();
    expect(broker('sqs').volumes).toBeUndefined();
  });

  it('property: every broker kind with a volume names its mount in its configuration or writes the image default there', () => {
    const imageDefault: Record<string, string> = { rabbitmq: '/var/lib/rabbitmq', postgres: '/var/lib/postgresql/data' };
    for (const kind of ['rabbitmq', 'redis', 'postgres', 'kafka', 'nats', 'sqs']) {
      const b = broker(kind);
      for (const v of (b.volumes ?? []) as string[]) {
        const mount = v.slice(v.indexOf(':') + 1);
        const configured = JSON.stringify([b.command ?? [], Object.values(b.environment ?? {})]).includes(`"${mount}"`);
        expect(configured || imageDefault[kind] === mount, `${kind}: ${mount}`).toBe(true);
      }
    }
  });
});
