// A body of the size an operation declares reaches it: the scaffold's Fastify app answered 413
// to the 8MiB chunks the k6 script sends (Fastify's default bodyLimit is 1 MiB), and nginx's
// client_max_body_size was 16m whatever the blueprint declared. The generated app is built
// in-process against the real fastify and sent a real body with inject().
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generate } from '../../src/generate/index.js';
import { Blueprint } from '../../src/model/schema.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'archsim-body-limit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const MiB = 1024 * 1024;
const blueprint = (size: string, kind = 'nginx') =>
  Blueprint.parse(
    parse(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: big }
system:
  domains:
    uploads:
      operations:
        put-chunk: { route: "PUT /chunks/{id}", cpu: 1ms, request: ${size} }
        get: { route: "GET /chunks/{id}", cpu: 1ms }
    audit:
      operations:
        record: { cpu: 1ms, request: 200MiB }
layouts:
  split:
    gateway: { kind: ${kind}, port: 8000 }
    units:
      media: { domains: [uploads], port: 8080 }
      audit-svc: { domains: [audit], port: 8081 }
`),
  );
const file = (files: { path: string; content: string }[], path: string) => files.find((f) => f.path === path)!.content;
const bodyLine = (bp: Blueprint) => /client_max_body_size [^;]*;/.exec(file(generate('gateway', bp, 'split'), 'gateway/nginx.conf'))![0];

describe('the gateway', () => {
  it("nginx takes the largest public request, 10% over in whole MiB, never below 16m (an internal one's does not count)", () => {
    expect(bodyLine(blueprint('8MiB'))).toBe('client_max_body_size 16m;');
    expect(bodyLine(blueprint('64MiB'))).toBe('client_max_body_size 71m;');
    expect(bodyLine(blueprint('15MiB'))).toBe('client_max_body_size 17m;');
  });
  it('Kong and Traefik set no body limit of their own (none to raise)', () => {
    for (const kind of ['kong', 'traefik']) expect(generate('gateway', blueprint('64MiB', kind), 'split')[0]!.content).not.toMatch(/body|buffering/i);
  });
});

describe('the scaffold', () => {
  it('sets bodyLimit from the largest request its unit serves (8MiB: 9 MiB; 200MiB: 220 MiB); none while 1 MiB takes it', () => {
    const files = generate('scaffold', blueprint('8MiB'), 'split');
    expect(file(files, 'services/media/src/app.ts')).toContain('  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 9437184 });\n');
    expect(file(files, 'services/audit-svc/src/app.ts')).toContain(`bodyLimit: ${220 * MiB} });`);
    expect(file(generate('scaffold', blueprint('900KiB'), 'split'), 'services/media/src/app.ts')).toContain('  const app = Fastify({ logger: options.logger ?? false });\n');
  });

  it('the app accepts a body of the declared size (not 413), and refuses one past its limit', async () => {
    const dir = join(tmp, 'app');
    for (const f of generate('scaffold', blueprint('8MiB'), 'split')) {
      if (!f.path.startsWith('services/media/src/')) continue;
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
    }
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    const { buildApp } = (await import(join(dir, 'services/media/src/app.ts'))) as { buildApp: () => { inject: (o: object) => Promise<{ statusCode: number }>; close: () => Promise<void> } };
    const app = buildApp();
    try {
      // what the k6 script's placeholder sends: {"data": "..."} of the declared size
      const body = JSON.stringify({ data: 'x'.repeat(8 * MiB - 11) });
      const ok = await app.inject({ method: 'PUT', url: '/chunks/1', payload: body, headers: { 'content-type': 'application/json' } });
      expect(ok.statusCode).not.toBe(413);
      expect(ok.statusCode).toBe(501); // reached the (not yet implemented) operation
      const big = await app.inject({ method: 'PUT', url: '/chunks/1', payload: JSON.stringify({ data: 'x'.repeat(11 * MiB) }), headers: { 'content-type': 'application/json' } });
      expect(big.statusCode).toBe(413);
    } finally {
      await app.close();
    }
  }, 60_000);
});

// An event delivered by a direct call (a layout without a broker) is posted to its consumer's
// internal endpoint with the payload as the body: the consumer's limit must take it too. Through
// a broker it never reaches the consumer's HTTP server, so it does not count there.
const events = (broker: string) =>
  Blueprint.parse(
    parse(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: evented }
system:
  domains:
    scans:
      operations:
        upload: { route: "POST /scans", cpu: 1ms, request: 100KiB, emits: [scan.stored] }
    archive:
      operations:
        keep: { internal: true, route: "POST /keep", cpu: 1ms }
  events:
    scan.stored: { consumers: [archive.keep], payload: 5MiB }
layouts:
  split:
${broker}    units:
      front: { domains: [scans], port: 8080 }
      vault: { domains: [archive], port: 8081 }
`),
  );

describe('the scaffold: event payloads delivered by a direct call', () => {
  it('the consumer of a 5MiB event delivered directly takes 6 MiB; the publisher keeps the default; through a broker the consumer keeps it too', () => {
    const direct = generate('scaffold', events(''), 'split');
    expect(file(direct, 'services/vault/src/app.ts')).toContain(`  const app = Fastify({ logger: options.logger ?? false, bodyLimit: ${6 * MiB} });\n`);
    expect(file(direct, 'services/front/src/app.ts')).toContain('  const app = Fastify({ logger: options.logger ?? false });\n');
    const brokered = generate('scaffold', events('    broker: { kind: nats }\n'), 'split');
    expect(file(brokered, 'services/vault/src/app.ts')).toContain('  const app = Fastify({ logger: options.logger ?? false });\n');
  });
});
