// .env.example never defines a variable twice: the credentials of every store, the broker, the
// service token and Grafana's admin password each have their own name, so one value never serves
// two meanings (a postgres store named `grafana-admin` once shared GRAFANA_ADMIN_PASSWORD with
// Grafana). Checked exactly for the hostile names and as a property over several name sets and
// the bundled blueprints: every ${VAR} compose reads is defined once, and each server (store,
// broker, Grafana) reads credentials no other server reads.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { storeEnvPrefixes, layoutToGenerate } from '../../src/generate/common.js';
import { composeDocument, envExample, grafanaPasswordVariable } from '../../src/generate/compose.js';
import type { Blueprint } from '../../src/model/schema.js';
import { pairs } from './fixtures.js';
import { load, type Obj } from './own-blueprint.js';

const BP = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: envdup }
system:
  domains:
    api:
      tables: [t1, t2, t3, t4, t5, t6]
      operations:
        go: { route: "POST /go", cpu: 1ms, db: { writes: 1 }, calls: [back.do], emits: [went] }
    back:
      tables: [t7]
      operations:
        do: { internal: true, cpu: 1ms, db: { writes: 1 } }
        hear: { internal: true, cpu: 1ms }
  events:
    went: { consumers: [back.hear] }
layouts:
  grafana:
    broker: { kind: rabbitmq }
    units:
      api: { domains: [api], port: 8001 }
      back: { domains: [back], port: 8002 }
    datastores:
      grafana-admin: { engine: postgres, tables: [t1, t2, t3, t4, t5, t6] }
      grafana--admin: { engine: redis, tables: [t7] }
  mangled:
    broker: { kind: rabbitmq }
    units:
      api: { domains: [api], port: 8001 }
      back: { domains: [back], port: 8002 }
    datastores:
      a-b: { engine: postgres, tables: [t1] }
      a--b: { engine: postgres, tables: [t2] }
      a-b-store: { engine: minio, tables: [t3] }
      service-token: { engine: redis, tables: [t4] }
      rabbitmq: { engine: mongodb, tables: [t5] }
      rabbitmq--broker: { engine: mysql, tables: [t6] }
      s3: { engine: s3, tables: [t7] }
  objects:
    units:
      api: { domains: [api], port: 8001 }
      back: { domains: [back], port: 8002 }
    datastores:
      o-b: { engine: minio, tables: [t1, t2, t3] }
      o--b: { engine: minio, tables: [t4, t5, t6] }
      back-db: { engine: postgres, tables: [t7] }
`);

function envVars(text: string): string[] {
  return text.split('\n').filter((l) => /^[A-Za-z_]/.test(l)).map((l) => l.slice(0, l.indexOf('=')));
}

/** The ${VAR} references of a compose service (any depth). */
function refs(svc: unknown): Set<string> {
  return new Set([...JSON.stringify(svc).matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]!));
}

function checkUnique(bp: Blueprint, layout: string): void {
  const vars = envVars(envExample(bp, layout, { monitoring: true }));
  const dups = vars.filter((v, i) => vars.indexOf(v) !== i);
  expect(dups, `${bp.metadata.name}/${layout}: defined twice in .env.example`).toEqual([]);
  const doc = composeDocument(bp, layout, { monitoring: true }) as { services: Record<string, Obj> };
  const units = new Set(layoutToGenerate(bp, layout).units.map((u) => u.name));
  const owner = new Map<string, string>();
  for (const [name, svc] of Object.entries(doc.services)) {
    for (const v of refs(svc)) {
      expect(vars, `${bp.metadata.name}/${layout}: ${name} reads \${${v}}, not in .env.example`).toContain(v);
      if (units.has(name)) continue;
      // A server's credential is its own: no other server reads it.
      expect(owner.get(v) ?? name, `${bp.metadata.name}/${layout}: \${${v}} read by ${owner.get(v)} and ${name}`).toBe(name);
      owner.set(v, name);
    }
  }
}

describe('.env.example defines each variable once', () => {
  it('a store named grafana-admin keeps GRAFANA_ADMIN_PASSWORD; Grafana steps aside to GRAFANA_ADMIN_PASSWORD_2', () => {
    expect(envExample(BP, 'grafana', { monitoring: true }).split('\n').slice(5)).toEqual([
      '# postgres user of grafana-admin',
      'GRAFANA_ADMIN_USER=grafana_admin',
      '# postgres password of grafana-admin',
      'GRAFANA_ADMIN_PASSWORD=change-me-grafana-admin-password',
      '# redis password of grafana--admin',
      'GRAFANA_ADMIN_STORE_PASSWORD=change-me-grafana--admin-password',
      '# shared token units send on calls to each other (internal endpoints refuse calls without it)',
      'SERVICE_TOKEN=change-me-service-token',
      '# rabbitmq user',
      'RABBITMQ_USER=envdup',
      '# rabbitmq password',
      'RABBITMQ_PASSWORD=change-me-rabbitmq-password',
      '# Grafana admin password (user admin)',
      'GRAFANA_ADMIN_PASSWORD_2=change-me-grafana-password',
      '',
    ]);
    const doc = composeDocument(BP, 'grafana', { monitoring: true }) as { services: Record<string, Obj> };
    expect(doc.services.grafana!.environment.GF_SECURITY_ADMIN_PASSWORD).toBe('${GRAFANA_ADMIN_PASSWORD_2:?set GRAFANA_ADMIN_PASSWORD_2 in .env (see .env.example)}');
    expect(doc.services['grafana-admin']!.environment.POSTGRES_PASSWORD).toBe('${GRAFANA_ADMIN_PASSWORD:?set GRAFANA_ADMIN_PASSWORD in .env (see .env.example)}');
    expect(doc.services['grafana--admin']!.environment.REDISCLI_AUTH).toBe('${GRAFANA_ADMIN_STORE_PASSWORD:?set GRAFANA_ADMIN_STORE_PASSWORD in .env (see .env.example)}');
    expect(doc.services.api!.environment.DATABASE_URL).toBe('postgres://${GRAFANA_ADMIN_USER}:${GRAFANA_ADMIN_PASSWORD}@grafana-admin:5432/grafana_admin');
    expect(doc.services.back!.environment.REDIS_URL).toBe('redis://:${GRAFANA_ADMIN_STORE_PASSWORD}@grafana--admin:6379/0');
    // Without monitoring the store's variables are the same, and Grafana's is not there.
    expect(envVars(envExample(BP, 'grafana'))).toEqual(['GRAFANA_ADMIN_USER', 'GRAFANA_ADMIN_PASSWORD', 'GRAFANA_ADMIN_STORE_PASSWORD', 'SERVICE_TOKEN', 'RABBITMQ_USER', 'RABBITMQ_PASSWORD']);
  });

  it('hostile: stores whose names mangle to one .env prefix (a-b, a--b) step aside; the broker too', () => {
    const r = layoutToGenerate(BP, 'mangled');
    expect([...storeEnvPrefixes(r)]).toEqual([
      ['a-b', 'A_B'],
      ['a--b', 'A_B_STORE'],
      ['a-b-store', 'A_B_STORE_STORE'],
      ['service-token', 'SERVICE_TOKEN'],
      ['rabbitmq', 'RABBITMQ'],
      ['rabbitmq--broker', 'RABBITMQ_BROKER'],
      ['s3', 'S3'],
    ]);
    expect(grafanaPasswordVariable(BP, r)).toBe('GRAFANA_ADMIN_PASSWORD');
    expect(envVars(envExample(BP, 'mangled', { monitoring: true }))).toEqual([
      'A_B_USER', 'A_B_PASSWORD',
      'A_B_STORE_USER', 'A_B_STORE_PASSWORD',
      'A_B_STORE_STORE_ACCESS_KEY', 'A_B_STORE_STORE_SECRET_KEY',
      'SERVICE_TOKEN_PASSWORD',
      'RABBITMQ_USER', 'RABBITMQ_PASSWORD',
      'RABBITMQ_BROKER_USER', 'RABBITMQ_BROKER_PASSWORD',
      'S3_ACCESS_KEY', 'S3_SECRET_KEY',
      'SERVICE_TOKEN',
      'RABBITMQ_BROKER_2_USER', 'RABBITMQ_BROKER_2_PASSWORD',
      'GRAFANA_ADMIN_PASSWORD',
    ]);
    const doc = composeDocument(BP, 'mangled', { monitoring: true }) as { services: Record<string, Obj> };
    expect(doc.services['a--b']!.environment.POSTGRES_USER).toBe('${A_B_STORE_USER:?set A_B_STORE_USER in .env (see .env.example)}');
    expect(doc.services['a-b-store']!.environment.MINIO_ROOT_USER).toBe('${A_B_STORE_STORE_ACCESS_KEY:?set A_B_STORE_STORE_ACCESS_KEY in .env (see .env.example)}');
    expect(doc.services['rabbitmq-broker-2']!.environment.RABBITMQ_DEFAULT_USER).toBe('${RABBITMQ_BROKER_2_USER:?set RABBITMQ_BROKER_2_USER in .env (see .env.example)}');
    const api = doc.services.api!.environment;
    expect(api.DATABASE_URL).toBe('postgres://${A_B_USER}:${A_B_PASSWORD}@a-b:5432/a_b');
    expect(api.A_B_URL).toBe('postgres://${A_B_STORE_USER}:${A_B_STORE_PASSWORD}@a--b:5432/a_b');
    expect(api.S3_ACCESS_KEY).toBe('${A_B_STORE_STORE_ACCESS_KEY}');
    expect(api.REDIS_URL).toBe('redis://:${SERVICE_TOKEN_PASSWORD}@service-token:6379/0');
    expect(api.RABBITMQ_BROKER_URL).toBe('mysql://${RABBITMQ_BROKER_USER}:${RABBITMQ_BROKER_PASSWORD}@rabbitmq--broker:3306/rabbitmq_broker');
    expect(api.BROKER_URL).toBe('amqp://${RABBITMQ_BROKER_2_USER}:${RABBITMQ_BROKER_2_PASSWORD}@rabbitmq-broker-2:5672/');
  });

  it('a further object store reads its stepped-aside keys under its own unit-side names', () => {
    const doc = composeDocument(BP, 'objects') as { services: Record<string, Obj> };
    const api = doc.services.api!.environment;
    expect([api.S3_ENDPOINT, api.S3_ACCESS_KEY, api.S3_SECRET_KEY]).toEqual(['http://o-b:9000', '${O_B_ACCESS_KEY}', '${O_B_SECRET_KEY}']);
    expect([api.O_B_URL, api.O_B_ACCESS_KEY, api.O_B_SECRET_KEY]).toEqual(['http://o--b:9000', '${O_B_STORE_ACCESS_KEY}', '${O_B_STORE_SECRET_KEY}']);
    expect(doc.services['o--b']!.environment.MINIO_ROOT_PASSWORD).toBe('${O_B_STORE_SECRET_KEY:?set O_B_STORE_SECRET_KEY in .env (see .env.example)}');
  });

  it.each(['grafana', 'mangled', 'objects'])('property: layout %s defines each variable once and each server reads its own', (layout) => {
    checkUnique(BP, layout);
  });

  it('property: every bundled blueprint and layout, with monitoring', () => {
    for (const p of pairs) checkUnique(p.bp, p.layout);
  });
});
