import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { pairs, quantchat } from './fixtures.js';
import { composeErrors } from './compose-schema.js';


type Service = Record<string, any>;

function composeOf(bp: (typeof pairs)[number]['bp'], layout: string, opts = {}) {
  const files = generate('compose', bp, layout, opts);
  const text = files.find((f) => f.path === 'docker-compose.yml')!.content;
  return { files, text, doc: parse(text) as { name: string; services: Record<string, Service>; volumes: Record<string, unknown> } };
}

describe('compose', () => {
  it.each(pairs)('$name validates against the compose-spec JSON schema', ({ bp, layout }) => {
    const { doc } = composeOf(bp, layout);
    expect(composeErrors(doc)).toEqual([]);
  });

  // Every URL a unit is given reaches a service of the file on the port that service listens
  // on, in the scheme its engine speaks: no HTTP to a database port, no URL to a volume.
  it.each(pairs)('$name: every *_URL and S3_ENDPOINT names a service of the file, its port and its protocol', ({ bp, layout }) => {
    const { doc } = composeOf(bp, layout);
    const scheme: Record<string, string> = { postgres: 'postgres:', mysql: 'mysql:', mongodb: 'mongodb:', redis: 'redis:', minio: 'http:', s3: 'http:' };
    const stores = new Map(Object.entries(bp.layouts[layout]!.datastores ?? {}).map(([n, d]) => [n, d.engine as string]));
    for (const [name, svc] of Object.entries(doc.services)) {
      for (const [k, raw] of Object.entries((svc.environment ?? {}) as Record<string, string>)) {
        if (!/_URL$|^S3_ENDPOINT$/.test(k) || !/^[a-z]+:\/\//.test(raw)) continue;
        // Credentials are ${VAR} references: any value parses.
        const u = new URL(raw.replace(/\$\{[^}]+\}/g, 'x'));
        const target = doc.services[u.hostname];
        expect(target, `${name}.${k} = ${raw}: no service ${u.hostname}`).toBeDefined();
        const engine = stores.get(u.hostname);
        expect(engine, `${name}.${k} = ${raw} points at a filesystem store`).not.toBe('filesystem');
        if (engine) expect(u.protocol, `${name}.${k} = ${raw}`).toBe(scheme[engine]);
        // The port the target listens on: what it exposes, or its engine's port in its environment/command.
        const listens = JSON.stringify([target!.expose ?? [], target!.environment ?? {}, target!.command ?? [], target!.healthcheck ?? {}]);
        expect(listens, `${name}.${k} = ${raw}: ${u.hostname} does not listen on ${u.port}`).toContain(u.port);
      }
    }
  });

  it('gives a filesystem store a directory, never a URL (the monolith\'s uploads)', () => {
    const env = composeOf(quantchat, 'monolith').doc.services.backend!.environment as Record<string, string>;
    expect(env.UPLOADS_DIR).toBe('/data/uploads');
    expect(env.UPLOADS_URL).toBeUndefined();
    expect(Object.values(env).join(' ')).not.toMatch(/uploads:\d/);
  });

  it('runs the QuantChat microservices layout as seed 004 lays it out', () => {
    const { doc, files } = composeOf(quantchat, 'microservices');
    const s = doc.services;
    const units = ['auth-service', 'user-service', 'message-service', 'group-service', 'media-service', 'relay-service', 'notification-service', 'websocket-service'];
    for (const u of units) {
      expect(s[u]!.build).toEqual({ context: '.', dockerfile: `services/${u}/Dockerfile` });
      expect(s[u]!.image).toBe(`archsim/quantchat-${u}:latest`);
      expect(s[u]!.healthcheck.test.join(' ')).toContain('/health');
      for (const dep of Object.values(s[u]!.depends_on as Record<string, { condition: string }>)) expect(dep.condition).toBe('service_healthy');
    }
    // Five PostgreSQL databases, Redis, MinIO, RabbitMQ, each with a health check and a named volume.
    for (const db of ['auth-db', 'user-db', 'message-db', 'group-db', 'media-db']) {
      expect(s[db]!.image).toMatch(/^postgres:/);
      expect(s[db]!.healthcheck.test.join(' ')).toContain('pg_isready');
      expect(doc.volumes).toHaveProperty(`${db}-data`);
    }
    expect(s.redis!.image).toMatch(/^redis:/);
    expect(s.minio!.image).toMatch(/^minio\/minio:/);
    expect(s.rabbitmq!.image).toMatch(/^rabbitmq:/);
    expect(s['message-service']!.environment.DATABASE_URL).toBe('postgres://${MESSAGE_DB_USER}:${MESSAGE_DB_PASSWORD}@message-db:5432/message_db');
    expect(s['message-service']!.environment.USER_SERVICE_URL).toBe('http://user-service:8002');
    expect(s['message-service']!.depends_on).toHaveProperty('rabbitmq');
    // The gateway is Kong in DB-less mode with the generated kong.yml, the only published port.
    expect(s.gateway!.image).toMatch(/^kong:/);
    expect(s.gateway!.environment.KONG_DATABASE).toBe('off');
    expect(s.gateway!.volumes).toEqual(['./gateway/kong.yml:/kong/kong.yml:ro']);
    expect(s.gateway!.ports).toEqual(['127.0.0.1:8000:8000']);
    expect(files.map((f) => f.path)).toEqual(['.env.example', 'docker-compose.yml', 'gateway/kong.yml']);
    const published = Object.entries(s).filter(([, v]) => v.ports).map(([k]) => k);
    expect(published).toEqual(['gateway']);
  });

  it('publishes the monolith directly when there is no gateway', () => {
    const { doc } = composeOf(quantchat, 'monolith');
    expect(doc.services.gateway).toBeUndefined();
    expect(doc.services.backend!.ports).toEqual(['127.0.0.1:8000:8000']);
    // The filesystem store is a named volume mounted into the unit, not a service.
    expect(doc.services.uploads).toBeUndefined();
    expect(doc.services.backend!.volumes).toEqual(['uploads-data:/data/uploads']);
  });

  it('uses the chosen gateway kind and mounts its file', () => {
    for (const kind of ['traefik', 'nginx'] as const) {
      const { doc, files } = composeOf(quantchat, 'microservices', { kind });
      // each kind's gateway service is valid compose too (its command and health check are in the goldens)
      expect(composeErrors(doc)).toEqual([]);
      const file = kind === 'traefik' ? 'gateway/traefik.yml' : 'gateway/nginx.conf';
      expect(files.map((f) => f.path)).toContain(file);
      expect(doc.services.gateway!.volumes[0]).toMatch(new RegExp(`^\\./${file.replace('.', '\\.')}:`));
    }
  });

  it('lists every credential the compose file references in .env.example, and no literal secret', () => {
    for (const { bp, layout } of pairs) {
      const { files, text } = composeOf(bp, layout);
      const env = files.find((f) => f.path === '.env.example')!.content;
      const defined = new Set([...env.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]));
      const referenced = new Set([...text.matchAll(/\$\{([A-Z0-9_]+)(?::[?-][^}]*)?\}/g)].map((m) => m[1]));
      expect([...referenced].filter((v) => !defined.has(v!))).toEqual([]);
      expect([...defined].filter((v) => !referenced.has(v!))).toEqual([]);
      // Every password/secret-looking key holds an interpolation, never a literal.
      for (const m of text.matchAll(/^\s*([A-Z_]*(?:PASSWORD|PASS|SECRET|SECRET_KEY|ROOT_USER)[A-Z_]*): (.*)$/gm)) expect(m[2]).toMatch(/^"?\$\{[A-Z0-9_]+(:\?[^}]*)?\}"?$/);
    }
  });
});
