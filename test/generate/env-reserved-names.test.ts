// A callee's address variable never takes a name archsim uses for the caller's own stores, broker
// or settings: units named `database`, `redis`, `broker` (and a user env key) keep their own
// DATABASE_URL, REDIS_URL, BROKER_URL, and compose, Kubernetes and the scaffold agree on the name.
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { calleeVariables, layoutToGenerate, unitEnv } from '../../src/generate/common.js';
import { generate } from '../../src/generate/index.js';
import type { Blueprint } from '../../src/model/schema.js';
import { load } from './own-blueprint.js';


const CLASH = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: envclash }
system:
  domains:
    api:
      tables: [orders, carts]
      operations:
        place: { route: "POST /orders", cpu: 1ms, db: { writes: 1 }, calls: [ledger.post, cache.get, queue.put, store.put, extra.go], emits: [placed] }
    ledger: { tables: [entries], operations: { post: { internal: true, cpu: 0.5ms, db: { writes: 1 } } } }
    cache: { operations: { get: { internal: true, cpu: 0.1ms } } }
    queue: { operations: { put: { internal: true, cpu: 0.1ms }, take: { internal: true, cpu: 0.1ms } } }
    store: { operations: { put: { internal: true, cpu: 0.1ms } } }
    extra: { operations: { go: { internal: true, cpu: 0.1ms } } }
  events:
    placed: { consumers: [queue.take] }
layouts:
  clash:
    gateway: { kind: nginx, port: 8000 }
    broker: { kind: rabbitmq }
    units:
      api: { domains: [api], port: 8001, env: { EXTRA_URL: "http://mine:1" } }
      database: { domains: [ledger], port: 8002 }
      redis: { domains: [cache], port: 8003 }
      broker: { domains: [queue], port: 8004 }
      s3: { domains: [store], port: 8005 }
      extra: { domains: [extra], port: 8006 }
    datastores:
      pg: { engine: postgres, tables: [orders, entries] }
      kv: { engine: redis, tables: [carts] }
workload:
  rate: 10/s
  mix: { api.place: 1 }
`);

describe('callee variables beside reserved ones', () => {
  const r = layoutToGenerate(CLASH, 'clash');
  const w = r.wiring.find((x) => x.unit.name === 'api')!;

  it('unitEnv: each name once; the store/broker/env variables keep their values, colliding callees get <UNIT>_SERVICE_URL', () => {
    const env = unitEnv(CLASH, r, w);
    const names = env.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    const byName = new Map(env.map((e) => [e.name, e]));
    expect(byName.get('DATABASE_URL')!.secret!.secretName).toBe('pg-credentials');
    expect(byName.get('REDIS_URL')!.secret!.secretName).toBe('kv-credentials');
    expect(byName.get('BROKER_URL')!.secret!.secretName).toBe('rabbitmq-credentials');
    expect(byName.get('EXTRA_URL')!.value).toBe('http://mine:1');
    expect(byName.get('DATABASE_SERVICE_URL')!.value).toBe('http://database:8002');
    expect(byName.get('REDIS_SERVICE_URL')!.value).toBe('http://redis:8003');
    expect(byName.get('BROKER_SERVICE_URL')!.value).toBe('http://broker:8004');
    expect(byName.get('EXTRA_SERVICE_URL')!.value).toBe('http://extra:8006');
    // No collision: the usual name.
    expect(byName.get('S3_URL')!.value).toBe('http://s3:8005');
    const vars = calleeVariables(CLASH, r, w);
    expect(vars.get('database', 'http')).toBe('DATABASE_SERVICE_URL');
    expect(vars.get('database', 'grpc')).toBe('DATABASE_GRPC_ADDR');
    expect(vars.get('s3', 'http')).toBe('S3_URL');
  });

  it('compose and the k8s ConfigMap/Deployment carry the same names; the scaffold reads them', () => {
    const files = generate('all', CLASH, 'clash', {});
    const file = (p: string) => files.find((f) => f.path === p)!.content;
    const compose = parse(file('docker-compose.yml'));
    const envOf = compose.services.api.environment;
    expect(envOf.DATABASE_URL).toMatch(/^postgres:\/\//);
    expect(envOf.REDIS_URL).toMatch(/^redis:\/\//);
    expect(envOf.BROKER_URL).toMatch(/^amqp:\/\//);
    expect(envOf.DATABASE_SERVICE_URL).toBe('http://database:8002');
    expect(envOf.BROKER_SERVICE_URL).toBe('http://broker:8004');
    const cm = parse(file('k8s/api/configmap.yaml'));
    expect(cm.data.DATABASE_SERVICE_URL).toBe('http://database:8002');
    expect(cm.data.DATABASE_URL).toBeUndefined();
    const dep = parseAllDocuments(file('k8s/api/deployment.yaml'))[0]!.toJSON();
    const envNames = dep.spec.template.spec.containers[0].env.map((e: { name: string }) => e.name);
    expect(envNames).toContain('DATABASE_URL');
    expect(envNames).not.toContain('DATABASE_SERVICE_URL');
    const clients = file('services/api/src/clients.ts');
    expect(clients).toContain('httpClient<LedgerClient>(env.DATABASE_SERVICE_URL ?? "http://database:8002"');
    expect(clients).toContain('httpClient<CacheClient>(env.REDIS_SERVICE_URL ?? "http://redis:8003"');
    expect(clients).toContain('httpClient<QueueClient>(env.BROKER_SERVICE_URL ?? "http://broker:8004"');
    expect(clients).toContain('httpClient<StoreClient>(env.S3_URL ?? "http://s3:8005"');
    expect(clients).toContain('httpClient<ExtraClient>(env.EXTRA_SERVICE_URL ?? "http://extra:8006"');
    expect(clients).not.toMatch(/env\.(DATABASE|REDIS|BROKER)_URL/);
  });
});

// A unit's further datastores by their own names (<STORE>_URL): one named `database`, `redis` or
// `s3` took the first store's DATABASE_URL, REDIS_URL or S3_ACCESS_KEY, and compose kept the last.
const STORES = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: stores }
system:
  domains:
    api: { tables: [a, b, c, d, e, f, g], operations: { go: { route: GET /go, cpu: 1ms } } }
layouts:
  one:
    units: { api: { domains: "*", port: 8001 } }
    datastores:
      main: { engine: postgres, tables: [a] }
      database: { engine: postgres, tables: [b] }
      kv: { engine: redis, tables: [c] }
      redis: { engine: redis, tables: [d] }
      files: { engine: minio, tables: [e] }
      s3: { engine: minio, tables: [f] }
      database-store: { engine: mysql, tables: [g] }
`);

describe('further datastores beside the first ones', () => {
  const r = layoutToGenerate(STORES, 'one');
  const w = r.wiring[0]!;

  it('step aside to <STORE>_STORE_URL where their own name is taken; every name once', () => {
    const env = unitEnv(STORES, r, w);
    const names = env.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    const by = new Map(env.map((e) => [e.name, e.secret ? `${e.secret.secretName}/${e.secret.key} ${e.secret.compose}` : e.value]));
    expect(by.get('DATABASE_URL')).toBe('main-credentials/url postgres://${MAIN_USER}:${MAIN_PASSWORD}@main:5432/main');
    expect(by.get('REDIS_URL')).toBe('kv-credentials/url redis://:${KV_PASSWORD}@kv:6379/0');
    expect(by.get('S3_ACCESS_KEY')).toBe('files-credentials/access-key ${FILES_ACCESS_KEY}');
    expect(by.get('DATABASE_STORE_URL')).toBe('database-credentials/url postgres://${DATABASE_USER}:${DATABASE_PASSWORD}@database:5432/database');
    expect(by.get('REDIS_STORE_URL')).toBe('redis-credentials/url redis://:${REDIS_PASSWORD}@redis:6379/0');
    expect(by.get('S3_STORE_URL')).toBe('http://s3:9000');
    expect(by.get('S3_STORE_ACCESS_KEY')).toBe('s3-credentials/access-key ${S3_ACCESS_KEY}');
    expect(by.get('S3_STORE_SECRET_KEY')).toBe('s3-credentials/secret-key ${S3_SECRET_KEY}');
    // "database-store" would be DATABASE_STORE_URL, which "database" took: the next free name
    expect(by.get('DATABASE_STORE_STORE_URL')).toMatch(/^database-store-credentials\/url mysql:\/\//);
  });

  it('compose carries each store once, by those names', () => {
    const compose = parse(generate('compose', STORES, 'one', {}).find((f) => f.path === 'docker-compose.yml')!.content);
    const e = compose.services.api.environment;
    expect(e.DATABASE_URL).toContain('@main:5432/main');
    expect(e.DATABASE_STORE_URL).toContain('@database:5432/database');
    expect(e.REDIS_URL).toContain('@kv:6379');
    expect(e.REDIS_STORE_URL).toContain('@redis:6379');
    expect(e.S3_ACCESS_KEY).toBe('${FILES_ACCESS_KEY}');
    expect(e.S3_STORE_ACCESS_KEY).toBe('${S3_ACCESS_KEY}');
  });
});

describe("a unit's env: sets a variable archsim would set", () => {
  const b = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: mine }
system:
  domains:
    api: { tables: [a], operations: { go: { route: GET /go, cpu: 1ms } } }
layouts:
  one:
    units: { api: { domains: "*", port: 8001, env: { DATABASE_URL: "postgres://managed.example/db", NODE_ENV: staging } } }
    datastores: { main: { engine: postgres, tables: [a] } }
`);

  it("the user's value is the one written, once (a managed database, a staging NODE_ENV)", () => {
    const r = layoutToGenerate(b, 'one');
    const env = unitEnv(b, r, r.wiring[0]!);
    expect(env.filter((e) => e.name === 'DATABASE_URL')).toEqual([{ name: 'DATABASE_URL', value: 'postgres://managed.example/db' }]);
    expect(env.filter((e) => e.name === 'NODE_ENV')).toEqual([{ name: 'NODE_ENV', value: 'staging' }]);
    const compose = parse(generate('compose', b, 'one', {}).find((f) => f.path === 'docker-compose.yml')!.content);
    expect(compose.services.api.environment.DATABASE_URL).toBe('postgres://managed.example/db');
  });
});
