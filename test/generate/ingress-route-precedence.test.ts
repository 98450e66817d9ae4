// The more specific route wins in the Kubernetes routing too. ingress-nginx does not keep an
// Ingress's order: it sorts a host's locations by descending path (controller.go), then stably by
// descending path length, and nginx takes the first regex location that matches; once one
// Ingress of the host has use-regex, every path of the host is a case-insensitive regex "^<path>"
// (docs/user-guide/ingress-path-matching.md; an Exact or Prefix path too, with no end anchor),
// which archsim's paths make case-sensitive with PCRE's "(?-i)" after their leading "/".
// With `^/[^/]+/?$` (GET /{code}, links, 10 characters) tried before `^/faq/?$` (GET /faq, pages, 8)
// by that order, /faq reached links. The Gateway API ranks Exact above PathPrefix above anything else;
// between RegularExpression matches the rule order decides, where an implementation follows the
// spec. Each sample request must reach the unit the reference gateway's matchRoute picks.
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { layoutToGenerate } from '../../src/generate/common.js';
import { generate } from '../../src/generate/index.js';
import { k8sObjects } from '../../src/generate/k8s.js';
import { parseBlueprint } from '../../src/model/parse.js';
import { matchRoute } from '../../src/model/routes.js';
import type { Blueprint } from '../../src/model/schema.js';
import { hasNginx, withIngressNginx } from '../helpers/nginx.js';

type Obj = Record<string, any>;

function load(text: string): Blueprint {
  const r = parseBlueprint(text, 'inline.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.blueprint;
}

// The tester's shortlinks: GET /{code} beside literal /about and /robots.txt, /{code}/preview,
// paths with "." and "~", and a gRPC unit (its method paths hold ".").
const shortlinks = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shortlinks }
system:
  domains:
    links:
      operations:
        resolve: { route: "GET /{code}", cpu: 1ms }
        create: { route: POST /api/links, cpu: 1ms }
        preview: { route: "GET /{code}/preview", cpu: 1ms }
    pages:
      operations:
        about: { route: GET /about, cpu: 1ms }
        terms: { route: GET /legal/terms.v2.html, cpu: 1ms }
        robots: { route: GET /robots.txt, cpu: 1ms }
        faq: { route: GET /faq, cpu: 1ms }
        me: { route: GET /api/~me, cpu: 1ms }
    stats:
      operations:
        by-code: { route: "GET /api/stats/{code}/by-day/{day}", cpu: 1ms }
    admin:
      operations:
        purge: { route: "DELETE /admin/links/{code}", cpu: 1ms }
layouts:
  gw:
    gateway: { kind: nginx, port: 8000 }
    units:
      links-svc: { domains: [links], port: 8080 }
      pages-svc: { domains: [pages], port: 8081 }
      stats-svc: { domains: [stats], port: 8082 }
      admin-svc: { domains: [admin], port: 50051, protocol: grpc }
`);

// A prefix beside a shorter regex of another unit: "/verylongsegment/x" (a) is a safe prefix, but
// as ingress-nginx's "^/verylongsegment/x" it also took /verylongsegment/xy, which is b's /{a}/xy.
const longPrefix = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: longprefix }
system:
  domains:
    a: { operations: { get: { route: GET /verylongsegment/x, cpu: 1ms } } }
    b: { operations: { get: { route: "GET /{a}/xy", cpu: 1ms } } }
layouts:
  l:
    units:
      a-svc: { domains: [a], port: 8080 }
      b-svc: { domains: [b], port: 8081 }
`);

const routing = (bp: Blueprint, layout: string, opts: object = {}) =>
  k8sObjects(bp, layout, opts)
    .flatMap((g) => g.objects as Obj[])
    .filter((o) => /Route|Ingress/.test(o.kind));

const backend = (name: string, port: number) => ({ service: { name, port: { number: port } } });

/** The location blocks ingress-nginx writes for a host's (non-canary) Ingresses, in its order. */
function ingressNginxLocations(ingresses: Obj[]): { path: string; regex: RegExp; unit: string }[] {
  const enforce = ingresses.some((i) => i.metadata.annotations?.['nginx.ingress.kubernetes.io/use-regex'] === 'true');
  const locs: { path: string; type: string; unit: string }[] = [];
  for (const i of ingresses) {
    for (const p of i.spec.rules[0].http.paths) {
      const unit = p.backend.service.name;
      // location.go: a Prefix path "/p" is "/p/" and an Exact "/p" (not under use-regex).
      if (p.pathType === 'Prefix' && !enforce && p.path !== '/') locs.push({ path: `${p.path.replace(/\/$/, '')}/`, type: 'Prefix', unit }, { path: p.path, type: 'Exact', unit });
      else locs.push({ path: p.path, type: p.pathType, unit });
    }
  }
  locs.sort((a, b) => (a.path > b.path ? -1 : a.path < b.path ? 1 : 0));
  locs.sort((a, b) => b.path.length - a.path.length);
  return locs.map((l) => {
    const esc = l.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // template.go buildLocation: `~* "^<path>"` under use-regex; else "= <path>" or a prefix.
    const regex = enforce ? nginxRegex(l.path) : l.type === 'Exact' ? new RegExp(`^${esc}$`) : new RegExp(`^${esc}`);
    return { path: l.path, regex, unit: l.unit };
  });
}

/**
 * PCRE's reading of `location ~* "^<path>"`: case-insensitive, unless the path's "(?-i)" (after
 * its leading "/", which has no case) turns that off for the rest. JavaScript has no bare "(?-i)".
 */
function nginxRegex(path: string): RegExp {
  const sensitive = path.startsWith('/(?-i)');
  return new RegExp(`^${sensitive ? `/${path.slice('/(?-i)'.length)}` : path}`, sensitive ? '' : 'i');
}

/** The unit ingress-nginx sends a path to: all regexes here, so the first match in its order. */
function ingressNginxUnit(ingresses: Obj[], path: string): string | undefined {
  return ingressNginxLocations(ingresses).find((l) => l.regex.test(path))?.unit;
}

/** The unit a spec-following Gateway API implementation sends a path to (one HTTPRoute). */
function gatewayApiUnit(route: Obj, path: string): string | undefined {
  const hits: { rank: number; len: number; order: number; unit: string }[] = [];
  route.spec.rules.forEach((rule: Obj, order: number) => {
    for (const m of rule.matches) {
      const { type, value } = m.path;
      const unit = rule.backendRefs[0].name;
      if (type === 'Exact' && path === value) hits.push({ rank: 0, len: value.length, order, unit });
      if (type === 'PathPrefix' && (path === value || path.startsWith(value === '/' ? '/' : `${value}/`))) hits.push({ rank: 1, len: value.length, order, unit });
      if (type === 'RegularExpression' && new RegExp(value).test(path)) hits.push({ rank: 2, len: 0, order, unit });
    }
  });
  hits.sort((a, b) => a.rank - b.rank || b.len - a.len || a.order - b.order);
  return hits[0]?.unit;
}

const SAMPLES = ['/faq', '/faq/', '/about', '/about/', '/robots.txt', '/abc', '/abc/', '/abc/preview', '/about/preview', '/robots.txt/preview', '/api/links', '/api/links/', '/legal/terms.v2.html', '/api/~me', '/api/stats/x/by-day/y', '/api/linksfoo'];

/** The unit the reference gateway's matchRoute sends a GET (or any method) of this path to. */
function referenceUnit(bp: Blueprint, layout: string, path: string): string | undefined {
  const table = layoutToGenerate(bp, layout).routes.filter((t) => t.unit !== 'admin-svc');
  return (['GET', 'POST', 'PUT', 'DELETE'].map((m) => matchRoute(table, m, path)).find(Boolean) ?? undefined)?.unit;
}

describe('ingress-nginx: the more specific route wins whatever order ingress-nginx tries the paths in', () => {
  const objs = routing(shortlinks, 'gw');
  const http = objs.filter((o) => !o.metadata.annotations?.['nginx.ingress.kubernetes.io/backend-protocol']);

  it('the regex Ingress: each route regex excludes the more specific routes of other units that it also matches', () => {
    const regex = objs.find((o) => o.metadata.name === 'shortlinks-regex')!;
    expect(regex.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/use-regex': 'true' });
    expect(regex.spec.rules[0].http.paths).toEqual([
      { path: '/(?-i)[^/]+/preview/?$', pathType: 'ImplementationSpecific', backend: backend('links-svc', 8080) },
      { path: '/(?-i)robots\\.txt/?$', pathType: 'ImplementationSpecific', backend: backend('pages-svc', 8081) },
      { path: '/(?-i)about/?$', pathType: 'ImplementationSpecific', backend: backend('pages-svc', 8081) },
      { path: '/(?-i)faq/?$', pathType: 'ImplementationSpecific', backend: backend('pages-svc', 8081) },
      { path: '/(?-i)(?!robots\\.txt/?$|about/?$|faq/?$)[^/]+/?$', pathType: 'ImplementationSpecific', backend: backend('links-svc', 8080) },
    ]);
  });

  it('with use-regex on the host, every prefix is an anchored regex of exactly what it claims', () => {
    const main = objs.find((o) => o.metadata.name === 'shortlinks')!;
    expect(main.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/use-regex': 'true' });
    expect(main.spec.rules[0].http.paths).toEqual([
      { path: '/(?-i)api/links(?:/|$)', pathType: 'ImplementationSpecific', backend: backend('links-svc', 8080) },
      { path: '/(?-i)api/~me(?:/|$)', pathType: 'ImplementationSpecific', backend: backend('pages-svc', 8081) },
      { path: '/(?-i)legal/terms\\.v2\\.html(?:/|$)', pathType: 'ImplementationSpecific', backend: backend('pages-svc', 8081) },
      { path: '/(?-i)api/stats(?:/|$)', pathType: 'ImplementationSpecific', backend: backend('stats-svc', 8082) },
    ]);
  });

  it.each(SAMPLES)('%s reaches the unit matchRoute picks, in ingress-nginx’s order (longest first; ~* made case-sensitive by (?-i))', (path) => {
    const want = referenceUnit(shortlinks, 'gw', path);
    expect(ingressNginxUnit(http, path)).toBe(want);
  });

  it('the regexes of different units never match one path, so their order does not matter', () => {
    const locs = ingressNginxLocations(http);
    for (const path of SAMPLES) expect(new Set(locs.filter((l) => l.regex.test(path)).map((l) => l.unit)).size, path).toBeLessThanOrEqual(1);
  });

  it('a safe prefix no longer takes a longer segment of another unit’s shorter regex (/verylongsegment/xy is b’s /{a}/xy)', () => {
    const ing = routing(longPrefix, 'l');
    expect(ing.flatMap((o) => o.spec.rules[0].http.paths.map((p: Obj) => p.path))).toEqual(['/(?-i)verylongsegment/x(?:/|$)', '/(?-i)[^/]+/xy/?$']);
    for (const path of ['/verylongsegment/xy', '/verylongsegment/x', '/verylongsegment/x/', '/other/xy']) expect(ingressNginxUnit(ing, path), path).toBe(referenceUnit(longPrefix, 'l', path));
  });

  it.skipIf(!hasNginx)('nginx itself, given the locations as ingress-nginx writes them, routes every sample so', async () => {
    await withIngressNginx(ingressNginxLocations(http), async (ask) => {
      for (const path of SAMPLES) expect(await ask(path), path).toBe(referenceUnit(shortlinks, 'gw', path) ?? 'none');
    });
  });
});

describe('ingress-nginx strict-validate-path-type: Exact and Prefix paths only of A-Za-z0-9/_-', () => {
  const PLAIN = /^\/[A-Za-z0-9/_-]*$/;

  it('gRPC methods ("." in every one) are exact regexes, ImplementationSpecific; the Ingresses are valid', () => {
    const grpc = routing(shortlinks, 'gw').find((o) => o.metadata.name === 'shortlinks-grpc')!;
    expect(grpc.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/backend-protocol': 'GRPC', 'nginx.ingress.kubernetes.io/use-regex': 'true' });
    expect(grpc.spec.rules[0].http.paths).toEqual([{ path: '/(?-i)shortlinks\\.v1\\.Admin/Purge$', pathType: 'ImplementationSpecific', backend: backend('admin-svc', 50051) }]);
    expect(nginxRegex(grpc.spec.rules[0].http.paths[0].path).test('/shortlinks.v1.Admin/PurgeAll')).toBe(false);
    for (const o of routing(shortlinks, 'gw')) expect(() => new Ingress(o as never).validate()).not.toThrow();
  });

  it('no Exact or Prefix path of any generated Ingress holds another character; the file says why', () => {
    for (const bp of [shortlinks, longPrefix]) {
      for (const o of routing(bp, Object.keys(bp.layouts)[0]!)) {
        for (const p of o.spec.rules[0].http.paths) if (p.pathType !== 'ImplementationSpecific') expect(p.path).toMatch(PLAIN);
      }
    }
    const text = generate('k8s', shortlinks, 'gw').find((f) => f.path === 'k8s/ingress.yaml')!.content;
    expect(text).toContain(
      '# ingress-nginx: every path in this file is an ImplementationSpecific regex, under use-regex.\n# Exact and Prefix paths may hold only A-Za-z0-9/_- (strict-validate-path-type, on by default since 1.12): /api/~me, /legal/terms.v2.html, /shortlinks.v1.Admin/Purge cannot be one.\n',
    );
  });

  it('a "." path alone makes an exact regex of it, and of the host’s other prefixes; "~" too', () => {
    const dotted = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: dotted }
system:
  domains:
    pages: { operations: { terms: { route: GET /legal/terms.v2.html, cpu: 1ms }, me: { route: GET /api/~me, cpu: 1ms } } }
    api: { operations: { list: { route: GET /api/items, cpu: 1ms } } }
layouts:
  l:
    units:
      pages-svc: { domains: [pages], port: 8080 }
      api-svc: { domains: [api], port: 8081 }
`);
    const [main, ...rest] = routing(dotted, 'l');
    expect(rest).toEqual([]);
    expect(main!.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/use-regex': 'true' });
    expect(main!.spec.rules[0].http.paths).toEqual([
      { path: '/(?-i)api/~me(?:/|$)', pathType: 'ImplementationSpecific', backend: backend('pages-svc', 8080) },
      { path: '/(?-i)legal/terms\\.v2\\.html(?:/|$)', pathType: 'ImplementationSpecific', backend: backend('pages-svc', 8080) },
      { path: '/(?-i)api/items(?:/|$)', pathType: 'ImplementationSpecific', backend: backend('api-svc', 8081) },
    ]);
    const re = nginxRegex(main!.spec.rules[0].http.paths[1].path);
    for (const [p, ok] of [['/legal/terms.v2.html', true], ['/legal/terms.v2.html/x', true], ['/legal/termsXv2.html', false], ['/legal/terms.v2.htmlx', false]] as const) expect(re.test(p), p).toBe(ok);
    for (const path of ['/legal/terms.v2.html', '/api/~me', '/api/items', '/api/itemsx']) expect(ingressNginxUnit([main!], path), path).toBe(referenceUnit(dotted, 'l', path));
  });

  it('plain prefixes and no regex: Prefix paths as before, no use-regex', () => {
    const plain = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: plain }
system:
  domains:
    a: { operations: { get: { route: GET /api/a_b, cpu: 1ms } } }
    b: { operations: { get: { route: "GET /api/b-c/{id}", cpu: 1ms } } }
layouts:
  l:
    units:
      a-svc: { domains: [a], port: 8080 }
      b-svc: { domains: [b], port: 8081 }
`);
    const objs = routing(plain, 'l');
    expect(objs.map((o) => [o.metadata.name, o.metadata.annotations, o.spec.rules[0].http.paths])).toEqual([
      [
        'plain',
        undefined,
        [
          { path: '/api/a_b', pathType: 'Prefix', backend: backend('a-svc', 8080) },
          { path: '/api/b-c', pathType: 'Prefix', backend: backend('b-svc', 8081) },
        ],
      ],
    ]);
    expect(generate('k8s', plain, 'l').find((f) => f.path === 'k8s/ingress.yaml')!.content).not.toContain('ImplementationSpecific');
  });
});

describe('Gateway API: Exact matches for literal routes, regex rules most specific first', () => {
  const route = routing(shortlinks, 'gw', { ingress: 'gateway-api' }).find((o) => o.kind === 'HTTPRoute')!;

  it('the rules: prefixes and literal routes as Exact, then the {param} regexes in matchRoute’s order', () => {
    const refs = (name: string, port: number) => [{ name, port, weight: 100 }];
    expect(route.spec.rules).toEqual([
      { matches: [{ path: { type: 'PathPrefix', value: '/api/links' } }], backendRefs: refs('links-svc', 8080) },
      {
        matches: [
          { path: { type: 'PathPrefix', value: '/api/~me' } },
          { path: { type: 'PathPrefix', value: '/legal/terms.v2.html' } },
          { path: { type: 'Exact', value: '/robots.txt' } },
          { path: { type: 'Exact', value: '/robots.txt/' } },
          { path: { type: 'Exact', value: '/about' } },
          { path: { type: 'Exact', value: '/about/' } },
          { path: { type: 'Exact', value: '/faq' } },
          { path: { type: 'Exact', value: '/faq/' } },
        ],
        backendRefs: refs('pages-svc', 8081),
      },
      { matches: [{ path: { type: 'PathPrefix', value: '/api/stats' } }], backendRefs: refs('stats-svc', 8082) },
      {
        matches: [
          { path: { type: 'RegularExpression', value: '^/[^/]+/preview/?$' } },
          { path: { type: 'RegularExpression', value: '^/[^/]+/?$' } },
        ],
        backendRefs: refs('links-svc', 8080),
      },
    ]);
  });

  it.each(SAMPLES)('%s reaches the unit matchRoute picks (Exact, then the longest PathPrefix, then the first regex rule)', (path) => {
    expect(gatewayApiUnit(route, path)).toBe(referenceUnit(shortlinks, 'gw', path));
  });

  it('regexes of different units keep matchRoute’s order, one rule each where they alternate', () => {
    const alt = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: alt }
system:
  domains:
    a: { operations: { one: { route: "GET /{x}/y/{z}", cpu: 1ms }, two: { route: "GET /{x}", cpu: 1ms } } }
    b: { operations: { get: { route: "GET /{x}/{y}/{z}", cpu: 1ms } } }
layouts:
  l:
    units:
      a-svc: { domains: [a], port: 8080 }
      b-svc: { domains: [b], port: 8081 }
`);
    const r = routing(alt, 'l', { ingress: 'gateway-api' })[0]!;
    expect(r.spec.rules.map((x: Obj) => [x.backendRefs[0].name, x.matches.map((m: Obj) => m.path.value)])).toEqual([
      ['a-svc', ['^/[^/]+/y/[^/]+/?$']],
      ['b-svc', ['^/[^/]+/[^/]+/[^/]+/?$']],
      ['a-svc', ['^/[^/]+/?$']],
    ]);
    for (const path of ['/q/y/w', '/q/r/w', '/q']) expect(gatewayApiUnit(r, path), path).toBe(referenceUnit(alt, 'l', path));
    // And for ingress-nginx, b's regex excludes a's more specific one.
    const ing = routing(alt, 'l').find((o) => o.metadata.name === 'alt-regex')!;
    expect(ing.spec.rules[0].http.paths.map((p: Obj) => p.path)).toEqual(['/(?-i)[^/]+/y/[^/]+/?$', '/(?-i)(?![^/]+/y/[^/]+/?$)[^/]+/[^/]+/[^/]+/?$', '/(?-i)[^/]+/?$']);
    for (const path of ['/q/y/w', '/q/r/w', '/q']) expect(ingressNginxUnit([ing], path), path).toBe(referenceUnit(alt, 'l', path));
  });
});
