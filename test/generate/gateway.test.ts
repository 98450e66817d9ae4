import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { parseBlueprint } from '../../src/model/parse.js';
import { routeTable } from '../../src/model/resolve.js';
import { pairs, quantchat } from './fixtures.js';

const NGINX = '/usr/sbin/nginx';
const hasNginx = existsSync(NGINX);
const tmp = mkdtempSync(join(tmpdir(), 'archsim-gw-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// The parts of Kong's declarative format (3.x) that archsim emits, as Kong defines them.
const KongName = z.string().regex(/^[A-Za-z0-9.\-_~]+$/);
const KongConfig = z.strictObject({
  _format_version: z.literal('3.0'),
  _transform: z.boolean(),
  services: z.array(
    z.strictObject({
      name: KongName,
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535),
      protocol: z.enum(['http', 'https', 'grpc', 'grpcs', 'tcp', 'tls', 'udp']),
      connect_timeout: z.number().int().positive(),
      read_timeout: z.number().int().positive(),
      write_timeout: z.number().int().positive(),
      retries: z.number().int().min(0),
      routes: z.array(
        z.strictObject({
          name: KongName,
          // A plain path is a prefix; one starting with "~" is a regex (Kong 3.x).
          paths: z.array(z.string().regex(/^(\/|~\^\/)/)).min(1),
          regex_priority: z.number().int().optional(),
          strip_path: z.boolean(),
          preserve_host: z.boolean(),
          protocols: z.array(z.enum(['http', 'https'])),
        }),
      ),
    }),
  ),
  upstreams: z.array(
    z.strictObject({
      name: z.string().regex(/^[a-z0-9.-]+$/),
      algorithm: z.enum(['round-robin', 'consistent-hashing', 'least-connections', 'latency']),
      healthchecks: z.object({ active: z.object({ type: z.literal('http'), http_path: z.string() }).passthrough() }),
      targets: z.array(z.strictObject({ target: z.string().regex(/^[a-z0-9.-]+:\d+$/), weight: z.number().int().min(0).max(65535) })).min(1),
    }),
  ),
});
type Kong = z.infer<typeof KongConfig>;

const Traefik = z.strictObject({
  http: z.strictObject({
    routers: z.record(
      z.string(),
      z.strictObject({
        rule: z.string().regex(/^(Path|PathPrefix)\(`\/[^`]*`\)( \|\| (Path|PathPrefix)\(`\/[^`]*`\))*$|^PathRegexp\(`\^\/[^`]*\$`\)$/),
        priority: z.number().int().positive().optional(),
        entryPoints: z.array(z.string()),
        service: z.string(),
      }),
    ),
    services: z.record(
      z.string(),
      z.union([
        z.strictObject({ loadBalancer: z.strictObject({ servers: z.array(z.strictObject({ url: z.url() })).min(1), healthCheck: z.object({ path: z.string() }).passthrough() }) }),
        z.strictObject({ weighted: z.strictObject({ services: z.array(z.strictObject({ name: z.string(), weight: z.number().int().min(0) })).min(2) }) }),
      ]),
    ),
  }),
});

const gatewayFile = (bp: typeof quantchat, layout: string, opts: object) => generate('gateway', bp, layout, opts)[0]!;

// Routes whose literal prefixes overlap across units: a leading {param} on one unit, literals
// another unit's {param} also matches. No prefix can tell them apart; exact regexes can.
const overlapping = (() => {
  const r = parseBlueprint(
    `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: overlap }
system:
  domains:
    items: { operations: { get: { route: "GET /{id}" }, sub: { route: "GET /api/v1/{id}" } } }
    parts: { operations: { a: { route: "GET /{id}/a" }, x: { route: "GET /x" }, v: { route: "GET /api/v1/parts/{p}" } } }
layouts:
  split:
    gateway: { kind: nginx, port: 8080 }
    units:
      items-svc: { domains: [items], port: 8001, instance: s }
      parts-svc: { domains: [parts], port: 8002, instance: s }
catalog: { s: { usdPerMonth: $1 } }
`,
    'overlap.yaml',
  );
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.blueprint;
})();
// Concrete paths and the unit the reference gateway's matchRoute sends them to.
const overlapCases: [string, string][] = [
  ['/42', 'items-svc'],
  ['/x', 'parts-svc'],
  ['/42/a', 'parts-svc'],
  ['/x/a', 'parts-svc'],
  ['/api/v1/7', 'items-svc'],
  ['/api/v1/parts', 'items-svc'],
  ['/api/v1/parts/9', 'parts-svc'],
];

/** The unit a concrete path reaches through a Kong config (longest matching prefix). */
function kongUnitsFor(k: Kong, path: string): string[] {
  let best: { len: number; service: string } | undefined;
  for (const s of k.services) for (const r of s.routes) for (const p of r.paths) if ((path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`) || path.startsWith(p)) && (!best || p.length > best.len)) best = { len: p.length, service: s.host };
  const up = k.upstreams.find((u) => u.name === best?.service);
  return up ? up.targets.map((t) => t.target.split(':')[0]!) : [];
}

describe('gateway', () => {
  it.each(pairs)('$name: kong config has Kong’s declarative shape and routes every public operation to its unit', ({ bp, layout }) => {
    const f = gatewayFile(bp, layout, { kind: 'kong' });
    expect(f.path).toBe('gateway/kong.yml');
    const k = KongConfig.parse(parse(f.content));
    for (const r of routeTable(bp, layout)) expect(kongUnitsFor(k, r.path.replace(/\{[^}]+\}/g, '1')), r.op).toEqual([r.unit]);
    // Every service's host is one of the upstreams.
    expect(k.services.map((s) => s.host).sort()).toEqual(k.upstreams.map((u) => u.name).sort());
  });

  it.each(pairs)('$name: traefik dynamic config has routers for every unit with routes', ({ bp, layout }) => {
    const f = gatewayFile(bp, layout, { kind: 'traefik' });
    const t = Traefik.parse(parse(f.content));
    const units = new Set(routeTable(bp, layout).map((r) => r.unit));
    expect(Object.keys(t.http.routers).sort()).toEqual([...units].sort());
    for (const router of Object.values(t.http.routers)) expect(t.http.services).toHaveProperty(router.service);
  });

  it.skipIf(!hasNginx)('nginx configs pass `nginx -t` for every layout, with and without a canary (skipped without /usr/sbin/nginx)', () => {
    const cases = pairs.map((p) => ({ ...p, opts: { kind: 'nginx' } as object }));
    cases.push({ ...pairs.find((p) => p.name === 'quantchat/strangler-relay')!, opts: { kind: 'nginx', canary: { unit: 'relay-service', percent: 10 } } });
    // No "*" unit: only a whole canary (nothing to a monolith) is written.
    cases.push({ ...pairs.find((p) => p.name === 'quantchat/microservices')!, opts: { kind: 'nginx', canary: { unit: 'message-service', percent: 100 } } });
    for (const [i, c] of cases.entries()) {
      const dir = join(tmp, `nginx-${i}`);
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'nginx.conf');
      writeFileSync(file, gatewayFile(c.bp, c.layout, c.opts).content);
      // stdout to a file: access_log /dev/stdout cannot be opened on the socketpair node gives a child.
      const log = join(dir, 'stdout.log');
      const fd = openSync(log, 'w');
      const r = spawnSync(NGINX, ['-t', '-q', '-c', file, '-p', `${dir}/`], { encoding: 'utf8', stdio: ['ignore', fd, 'pipe'] });
      closeSync(fd);
      expect(r.status, `${c.name}: ${r.stderr}`).toBe(0);
    }
  });

  it('routes overlapping prefixes of different units by exact regexes, most specific first (kong, traefik)', () => {
    for (const [path, unit] of overlapCases) expect(routeTable(overlapping, 'split').find((r) => new RegExp(r.pattern).test(path))?.unit, path).toBe(unit);
    // Kong: regex routes by regex_priority (higher first); no prefix claims any of these paths.
    const k = KongConfig.parse(parse(gatewayFile(overlapping, 'split', { kind: 'kong' }).content));
    const kongRoutes = k.services.flatMap((s) => s.routes.map((r) => ({ ...r, unit: s.name })));
    for (const [path, unit] of overlapCases) {
      const regex = kongRoutes.filter((r) => r.paths.some((p) => p.startsWith('~') && new RegExp(p.slice(1)).test(path))).sort((a, b) => b.regex_priority! - a.regex_priority!);
      const prefix = kongRoutes.filter((r) => r.paths.some((p) => !p.startsWith('~') && (path === p || path.startsWith(`${p}/`))));
      expect(prefix, path).toEqual([]);
      expect(regex[0]?.unit, path).toBe(unit);
    }
    // Traefik: highest priority among matching routers (explicit, else the rule's length).
    const t = Traefik.parse(parse(gatewayFile(overlapping, 'split', { kind: 'traefik' }).content));
    for (const [path, unit] of overlapCases) {
      const hits = Object.values(t.http.routers)
        .filter((r) => r.rule.split(' || ').some((alt) => { const m = /^(\w+)\(`(.*)`\)$/.exec(alt)!; return m[1] === 'PathRegexp' ? new RegExp(m[2]!).test(path) : m[1] === 'Path' ? path === m[2] : path.startsWith(m[2]!); }))
        .sort((a, b) => (b.priority ?? b.rule.length) - (a.priority ?? a.rule.length));
      expect(hits[0]?.service, path).toBe(unit);
    }
  });

  it.skipIf(!hasNginx)('nginx: overlapping prefixes become regex locations in specificity order and pass `nginx -t` (skipped without /usr/sbin/nginx)', () => {
    const conf = gatewayFile(overlapping, 'split', { kind: 'nginx' }).content;
    const dir = join(tmp, 'nginx-overlap');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'nginx.conf'), conf);
    const fd = openSync(join(dir, 'stdout.log'), 'w');
    const r = spawnSync(NGINX, ['-t', '-q', '-c', join(dir, 'nginx.conf'), '-p', `${dir}/`], { encoding: 'utf8', stdio: ['ignore', fd, 'pipe'] });
    closeSync(fd);
    expect(r.status, r.stderr).toBe(0);
    // nginx's own choice: "=" then the longest "^~" prefix stop the search; otherwise the first
    // regex location in file order wins.
    const locs = [...conf.matchAll(/location (=|\^~|~)? ?"?([^"{]*?)"? \{\n\s+set \$\w+ ([\w-]+):/g)].map((m) => ({ mod: m[1] ?? '', arg: m[2]!, unit: m[3]! }));
    for (const [path, unit] of overlapCases) {
      const exact = locs.find((l) => l.mod === '=' && l.arg === path);
      const pre = locs.filter((l) => l.mod === '^~' && path.startsWith(l.arg)).sort((a, b) => b.arg.length - a.arg.length)[0];
      const re = locs.find((l) => l.mod === '~' && new RegExp(l.arg).test(path));
      expect((exact ?? pre ?? re)?.unit, path).toBe(unit);
    }
  });

  it('splits a canary 10/90 between the unit and the monolith, as seed 004 phase 4 does', () => {
    const canary = { unit: 'relay-service', percent: 10 };
    const k = KongConfig.parse(parse(gatewayFile(quantchat, 'strangler-relay', { kind: 'kong', canary }).content));
    expect(k.upstreams.find((u) => u.name === 'relay-service.upstream')!.targets).toEqual([
      { target: 'relay-service:8006', weight: 10 },
      { target: 'monolith:8080', weight: 90 },
    ]);
    const t = Traefik.parse(parse(gatewayFile(quantchat, 'strangler-relay', { kind: 'traefik', canary }).content));
    expect(t.http.routers['relay-service']!.service).toBe('relay-service-canary');
    expect(t.http.services['relay-service-canary']).toEqual({ weighted: { services: [{ name: 'relay-service', weight: 10 }, { name: 'monolith', weight: 90 }] } });
    const n = gatewayFile(quantchat, 'strangler-relay', { kind: 'nginx', canary }).content;
    expect(n).toMatch(/split_clients "\$\{request_id\}" \$backend_relay_service \{\n\s+10%\s+relay-service:8006;\n\s+\*\s+monolith:8080;/);
  });

  it('in a layout without a "*" unit, a canary is refused below 100%: no unit there serves the rest of its routes', () => {
    expect(() => gatewayFile(quantchat, 'proposed-7', { kind: 'kong', canary: { unit: 'auth-service', percent: 10 } })).toThrow(
      /^--canary: the rest of auth-service's traffic would go to message-service, which does not hold its domains \(auth\)/,
    );
    // At 100% nothing goes to it.
    const k = KongConfig.parse(parse(gatewayFile(quantchat, 'proposed-7', { kind: 'kong', canary: { unit: 'auth-service', percent: 100 } }).content));
    expect(k.upstreams.find((u) => u.name === 'auth-service.upstream')!.targets.map((t) => t.target)).toEqual(['auth-service:8001']);
  });

  it('rejects a canary on an unknown unit or on the monolith itself', () => {
    expect(() => gatewayFile(quantchat, 'strangler-relay', { canary: { unit: 'nope', percent: 10 } })).toThrow(/unknown unit "nope"/);
    expect(() => gatewayFile(quantchat, 'strangler-relay', { canary: { unit: 'monolith', percent: 10 } })).toThrow(/is the layout's monolith/);
  });
});
