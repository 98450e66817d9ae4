// The broker's service name is one no unit, datastore or the gateway has, `<kind>-broker`
// included: a datastore named `redis-broker` beside a redis broker keeps its service, volume,
// password and Secret, and every file names the broker by the one name brokerName gives.
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { brokerName, layoutToGenerate } from '../../src/generate/common.js';
import { generate } from '../../src/generate/index.js';
import { fileOf, load, type Obj } from './own-blueprint.js';

// /tmp/unseen5/names2.yaml's layout `clash`, cut down: broker redis, datastores redis and redis-broker.
const BP = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: kiosk2 }
system:
  domains:
    orders:
      tables: [orders, order_cache]
      operations:
        place: { route: "POST /orders", cpu: 1ms, db: { writes: 1 }, emits: [order.placed] }
    kitchen:
      tables: [tickets]
      operations:
        cook: { internal: true, cpu: 1ms, db: { writes: 1 } }
  events:
    order.placed: { consumers: [kitchen.cook] }
layouts:
  clash:
    gateway: { kind: kong, port: 8000 }
    broker: { kind: redis }
    units:
      orders: { domains: [orders], port: 8001 }
      kitchen: { domains: [kitchen], port: 8002 }
    datastores:
      redis: { engine: redis, tables: [orders] }
      redis-broker: { engine: redis, tables: [order_cache] }
      tickets-db: { engine: postgres, tables: [tickets] }
  # Hostile: redis-broker is a unit, redis-broker-2 a filesystem store, redis--broker
  # and redis-broker--3 stores whose .env prefixes (REDIS_BROKER, REDIS_BROKER_3) are those of redis-broker and redis-broker-3.
  deeper:
    broker: { kind: redis }
    units:
      redis: { domains: [orders], port: 8001 }
      redis-broker: { domains: [kitchen], port: 8002 }
    datastores:
      redis-broker-2: { engine: filesystem, tables: [orders] }
      redis--broker: { engine: redis, tables: [order_cache] }
      redis-broker--3: { engine: postgres, tables: [tickets] }
  kafka:
    broker: { kind: kafka }
    units:
      kafka: { domains: [orders], port: 8001 }
      orders: { domains: [kitchen], port: 8002 }
    datastores:
      kafka-broker: { engine: postgres, tables: [orders, order_cache, tickets] }
`);

const compose = (layout: string) => parse(fileOf(generate('compose', BP, layout), 'docker-compose.yml')) as { services: Record<string, Obj>; volumes: Obj };
const envLines = (layout: string) => fileOf(generate('compose', BP, layout), '.env.example').split('\n').filter((l) => /^[A-Z]/.test(l));

describe('broker name beside a datastore named <kind>-broker', () => {
  it('the broker steps aside to redis-broker-2; the store redis-broker keeps its service, volume and password', () => {
    expect(brokerName(layoutToGenerate(BP, 'clash'))).toBe('redis-broker-2');
    const doc = compose('clash');
    expect(Object.keys(doc.services)).toEqual(['orders', 'kitchen', 'redis', 'redis-broker', 'tickets-db', 'redis-broker-2', 'gateway']);
    expect(doc.services['redis-broker']!.command).toEqual(['redis-server', '--port', '6379', '--appendonly', 'yes', '--requirepass', '${REDIS_BROKER_PASSWORD:?set REDIS_BROKER_PASSWORD in .env (see .env.example)}']);
    expect(doc.services['redis-broker']!.volumes).toEqual(['redis-broker-data:/data']);
    expect(doc.services['redis-broker-2']!.command).toEqual(['redis-server', '--port', '6379', '--requirepass', '${REDIS_BROKER_2_PASSWORD:?set REDIS_BROKER_2_PASSWORD in .env (see .env.example)}']);
    expect(doc.volumes).toEqual({ 'redis-data': {}, 'redis-broker-data': {}, 'tickets-db-data': {} });
    const env = doc.services.orders!.environment;
    expect(env.REDIS_URL).toBe('redis://:${REDIS_PASSWORD}@redis:6379/0');
    expect(env.REDIS_BROKER_URL).toBe('redis://:${REDIS_BROKER_PASSWORD}@redis-broker:6379/0');
    expect(env.BROKER_URL).toBe('redis://:${REDIS_BROKER_2_PASSWORD}@redis-broker-2:6379/0');
    expect(doc.services.orders!.depends_on).toEqual({ redis: { condition: 'service_healthy' }, 'redis-broker': { condition: 'service_healthy' }, 'redis-broker-2': { condition: 'service_healthy' } });
    expect(envLines('clash')).toEqual([
      'REDIS_PASSWORD=change-me-redis-password',
      'REDIS_BROKER_PASSWORD=change-me-redis-broker-password',
      'TICKETS_DB_USER=tickets_db',
      'TICKETS_DB_PASSWORD=change-me-tickets-db-password',
      'REDIS_BROKER_2_PASSWORD=change-me-redis-broker-2-password',
    ]);
  });

  it('Kubernetes reads the store and the broker from two Secrets', () => {
    const objs = generate('k8s', BP, 'clash')
      .filter((f) => f.path.endsWith('deployment.yaml'))
      .flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJS() as Obj));
    const orders = objs.find((o) => o.metadata.name === 'orders')!;
    const refs = Object.fromEntries(orders.spec.template.spec.containers[0].env.filter((e: Obj) => e.valueFrom).map((e: Obj) => [e.name, e.valueFrom.secretKeyRef.name]));
    expect(refs).toEqual({ REDIS_URL: 'redis-credentials', REDIS_BROKER_URL: 'redis-broker-credentials', BROKER_URL: 'redis-broker-2-credentials' });
  });

  it('hostile: a unit, a filesystem store and a store with the same .env prefix push the broker on to redis-broker-4', () => {
    expect(brokerName(layoutToGenerate(BP, 'deeper'))).toBe('redis-broker-4');
    const doc = compose('deeper');
    expect(Object.keys(doc.services)).toEqual(['redis', 'redis-broker', 'redis--broker', 'redis-broker--3', 'redis-broker-4']);
    expect(doc.volumes).toEqual({ 'redis--broker-data': {}, 'redis-broker--3-data': {}, 'redis-broker-2-data': {} });
    expect(doc.services.redis!.environment.BROKER_URL).toBe('redis://:${REDIS_BROKER_4_PASSWORD}@redis-broker-4:6379/0');
    expect(doc.services.redis!.environment.REDIS_URL).toBe('redis://:${REDIS_BROKER_PASSWORD}@redis--broker:6379/0');
    const vars = envLines('deeper').map((l) => l.split('=')[0]);
    expect(vars).toEqual(['REDIS_BROKER_PASSWORD', 'REDIS_BROKER_3_USER', 'REDIS_BROKER_3_PASSWORD', 'REDIS_BROKER_4_PASSWORD']);
  });

  it('a kafka broker beside a unit kafka and a store kafka-broker is kafka-broker-2, its volume its own', () => {
    const doc = compose('kafka');
    expect(doc.services['kafka-broker-2']!.environment.KAFKA_ADVERTISED_LISTENERS).toBe('PLAINTEXT://kafka-broker-2:9092');
    expect(doc.services['kafka-broker-2']!.volumes).toEqual(['kafka-broker-2-data:/var/lib/kafka/data']);
    expect(doc.services['kafka-broker']!.image).toBe('postgres:16-alpine');
    expect(doc.volumes).toEqual({ 'kafka-broker-data': {}, 'kafka-broker-2-data': {} });
    expect(doc.services.kafka!.environment.BROKER_URL).toBe('kafka-broker-2:9092');
  });
});
