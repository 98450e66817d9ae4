// The compose project of `up --runtime compose` (reference-services/launcher/compose-file.ts), in-process: a valid
// compose file, published on 127.0.0.1 only, secrets only as references, each unit told where
// the others and PostgreSQL are, and the blueprint's path checked before it reaches a mount.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { resolveLayout } from '../../../src/model/resolve.js';
import { PG_CPU_SHARES, referenceCompose, SECRET_VARS, UNIT_UID } from '../../../reference-services/launcher/compose-file.js';
import { quantchat } from '../../generate/fixtures.js';

const schema = JSON.parse(readFileSync(new URL('../../../schemas/compose-spec.json', import.meta.url), 'utf8'));
delete schema.$schema;
const ajv = new Ajv({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validate = ajv.compile(schema);

const base = { image: 'archsim/reference-services:0123456789abcdef', postgresImage: 'postgres:16', blueprintDir: '/home/me/blueprints', blueprintFile: 'quantchat.yaml', portOffset: 100, mediaMaxBytes: 1 << 20, label: { key: 'org.archsim.run', value: 'archsim-x-abcdef' } };
type Svc = Record<string, any>;
const build = (layout: string, o: Partial<typeof base> & { gatewayPort?: number } = {}) => {
  const f = referenceCompose(resolveLayout(quantchat, layout), { ...base, ...o });
  return { f, doc: parse(f.yaml) as { services: Record<string, Svc>; volumes: Record<string, unknown> } };
};
/** An environment value as the container gets it: compose's `$$` is a literal `$`. */
const envJson = (v: string) => JSON.parse(v.replace(/\$\$/g, '$'));

describe('referenceCompose', () => {
  it.each(['monolith', 'strangler-relay', 'microservices', 'proposed-7'])('%s validates against the compose-spec JSON schema', (layout) => {
    const { doc } = build(layout);
    validate(doc);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('microservices: a container per unit, the gateway, one PostgreSQL; only the gateway published, on 127.0.0.1', () => {
    const { f, doc } = build('microservices');
    const units = Object.keys(quantchat.layouts.microservices!.units);
    expect(Object.keys(doc.services).sort()).toEqual([...units, 'archsim-gateway', 'archsim-postgres'].sort());
    expect(f.published).toEqual([{ what: 'gateway', port: 8100 }]);
    expect(f.entryPort).toBe(8100);
    for (const [name, s] of Object.entries(doc.services)) {
      expect(s.ports ?? [], name).toEqual(name === 'archsim-gateway' ? ['127.0.0.1:8100:8000'] : []);
      expect(s.labels, name).toEqual({ 'org.archsim.run': 'archsim-x-abcdef' });
      expect(s.healthcheck.test.length, name).toBeGreaterThan(1);
      if (name === 'archsim-postgres') continue;
      // No root, no capabilities, a read-only root file system.
      expect([s.user, s.read_only, s.cap_drop, s.security_opt], name).toEqual([`${UNIT_UID}:${UNIT_UID}`, true, ['ALL'], ['no-new-privileges:true']]);
    }
    const gw = envJson(doc.services['archsim-gateway']!.environment.ARCHSIM_GATEWAY);
    expect(gw.host).toBe('0.0.0.0');
    expect(gw.unitHosts['message-service']).toBe('message-service');
    expect(gw.routes.find((r: { op: string }) => r.op === 'messages.send')).toMatchObject({ unit: 'message-service', port: 8003 });
    const msg = envJson(doc.services['message-service']!.environment.ARCHSIM_UNIT);
    expect(msg).toMatchObject({ unit: 'message-service', host: '0.0.0.0', port: 8003, internalPort: 9100, blueprint: '/blueprint/quantchat.yaml' });
    expect(msg.internalOrigins['auth-service']).toBe('http://auth-service:9100');
    expect(msg.databases['message-db']).toBe('postgres://archsim:${ARCHSIM_PG_PASSWORD}@archsim-postgres:5432/archsim_message_db');
    expect(msg.eventsDatabase).toBe('postgres://archsim:${ARCHSIM_PG_PASSWORD}@archsim-postgres:5432/archsim_events');
    // No ordering: every container is created at once; each unit waits for PostgreSQL itself,
    // opens its pools in full before it is ready and keeps them (UNIT_DB).
    for (const s of Object.values(doc.services)) expect(s.depends_on).toBeUndefined();
    // PostgreSQL, which every unit waits for, outweighs a unit for CPU; the units keep Docker's default.
    for (const [name, s] of Object.entries(doc.services)) expect(s.cpu_shares, name).toBe(name === 'archsim-postgres' ? PG_CPU_SHARES : undefined);
    expect(msg.db).toEqual({ connectTimeoutMs: 30_000, keep: true, waitForMs: 240_000 });
    // One database per datastore (the events database is the server's own POSTGRES_DB).
    expect(f.initSql.trim().split('\n')).toHaveLength(Object.keys(quantchat.layouts.microservices!.datastores).length);
    expect(f.initSql).toContain('CREATE DATABASE "archsim_redis";');
  });

  it('monolith: no gateway unless asked; the unit published on 127.0.0.1 with the offset', () => {
    const { f, doc } = build('monolith');
    expect(doc.services.backend!.ports).toEqual(['127.0.0.1:8100:8000']);
    expect(f.services.gateway).toBeUndefined();
    const withGw = build('monolith', { gatewayPort: 18080 });
    expect(withGw.f.entryPort).toBe(18080);
    expect(withGw.doc.services['archsim-gateway']!.ports).toEqual(['127.0.0.1:18080:18080']);
    expect(withGw.doc.services.backend!.ports).toBeUndefined();
  });

  it('writes no secret: every credential is a ${VAR} of the project\'s .env', () => {
    const { f } = build('microservices');
    const refs = [...f.yaml.matchAll(/(?<!\$)\$\{([A-Z_]+)\}/g)].map((m) => m[1]);
    expect(new Set(refs)).toEqual(new Set(SECRET_VARS));
    expect(f.yaml).not.toMatch(/password["']?\s*[:=]\s*["']?[a-z0-9]{8}/i);
  });

  it('refuses a blueprint path a mount or an interpolation would misread (hostile: "$", ":")', () => {
    for (const bad of [{ blueprintDir: '/tmp/a:/etc' }, { blueprintFile: '${ARCHSIM_JWT_SECRET}.yaml' }, { blueprintDir: '/tmp/x\ny' }]) {
      expect(() => build('monolith', bad)).toThrow(/compose cannot mount/);
    }
  });

  it('keeps a unit named like an infrastructure service apart from it', () => {
    const bp = structuredClone(quantchat);
    const units = bp.layouts.monolith!.units;
    units['archsim-postgres'] = units.backend!;
    delete units.backend;
    const { doc } = build('monolith', {} as never);
    expect(doc.services.backend).toBeDefined();
    const f = referenceCompose(resolveLayout(bp, 'monolith'), base);
    expect(f.services.postgres).toBe('archsim-postgres-2');
    expect(envJson((parse(f.yaml) as { services: Record<string, Svc> }).services['archsim-postgres']!.environment.ARCHSIM_UNIT).databases.main).toContain('@archsim-postgres-2:5432/');
  });
});
