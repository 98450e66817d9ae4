// ingress-nginx writes each path of a use-regex host as `location ~* "^<path>"` (template.go
// buildLocation): a case-insensitive regex. archsim's routes are case-sensitive (matchRoute), so
// "^/about/?$" also took /ABOUT, which matchRoute sends to another unit's GET /{code}, and of
// two prefixes told apart by case (/Help/faq, /help/faq) the one sorted first took both. Every
// regex path now carries PCRE's "(?-i)" after its leading "/" (the API server refuses an
// ImplementationSpecific path that does not start with "/"; ingress-nginx adds the "^").
import { describe, expect, it } from 'vitest';
import { layoutToGenerate } from '../../src/generate/common.js';
import { generate } from '../../src/generate/index.js';
import { ingressRegexPath, k8sObjects } from '../../src/generate/k8s.js';
import { matchRoute } from '../../src/model/routes.js';
import type { Blueprint } from '../../src/model/schema.js';
import { fileOf, load, type Obj } from './own-blueprint.js';
import { hasNginx, withIngressNginx } from '../helpers/nginx.js';

// GET /{code} beside GET /about forces regex mode; /Help/faq and /help/faq differ only in case.
const cased = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: cased }
system:
  domains:
    pages:
      operations:
        about: { route: GET /about, cpu: 1ms }
        guide: { route: GET /Help/faq, cpu: 1ms }
    links:
      operations:
        resolve: { route: "GET /{code}", cpu: 1ms }
    help:
      operations:
        faq: { route: GET /help/faq, cpu: 1ms }
layouts:
  split:
    units:
      pages-svc: { domains: [pages], port: 8081 }
      links-svc: { domains: [links], port: 8080 }
      help-svc: { domains: [help], port: 8082 }
  canary:
    units:
      mono: { domains: "*", port: 8000 }
      pages-svc: { domains: [pages], port: 8081 }
`);

const ingresses = (layout: string, opts: object = {}) =>
  k8sObjects(cased, layout, opts)
    .filter((g) => g.file === 'ingress.yaml')
    .flatMap((g) => g.objects as Obj[]);

const pathsOf = (ing: Obj) => ing.spec.rules[0].http.paths.map((p: Obj) => [p.path, p.pathType, p.backend.service.name]);

/**
 * How PCRE reads `location ~* "^<path>"`: case-insensitive, unless the path starts with
 * "/(?-i)" ("/" has no case), which turns that off for the rest. JavaScript has no bare "(?-i)",
 * so the flag is taken out and decides the RegExp's own.
 */
function nginxRegex(path: string): RegExp {
  const sensitive = path.startsWith('/(?-i)');
  return new RegExp(`^${sensitive ? `/${path.slice('/(?-i)'.length)}` : path}`, sensitive ? '' : 'i');
}

/** The unit ingress-nginx sends a path to: locations by descending length, then descending path; the first match. */
function ingressNginxUnit(ings: Obj[], path: string): string | undefined {
  const locs = ings.flatMap((i) => i.spec.rules[0].http.paths.map((p: Obj) => ({ path: p.path as string, unit: p.backend.service.name as string })));
  locs.sort((a, b) => b.path.length - a.path.length || (a.path > b.path ? -1 : a.path < b.path ? 1 : 0));
  return locs.find((l) => nginxRegex(l.path).test(path))?.unit;
}

const referenceUnit = (layout: string, path: string) => matchRoute(layoutToGenerate(cased, layout).routes, 'GET', path)?.unit;

const SAMPLES = ['/about', '/about/', '/ABOUT', '/About/', '/abc', '/Help/faq', '/help/faq', '/HELP/faq'];
/** Paths under a prefix: no route of the table, but a prefix claims them (model/routes matchersByUnit). */
const UNDER = ['/help/faq/x', '/Help/faq/x', '/HELP/faq/x'];

describe('ingress-nginx regex paths are case-sensitive, as archsim routes', () => {
  const ings = ingresses('split');

  it('every regex path is "/(?-i)" and the rest of the anchored regex: the main and the regex Ingress', () => {
    expect(ings.map((i) => [i.metadata.name, i.metadata.annotations, pathsOf(i)])).toEqual([
      [
        'cased',
        { 'nginx.ingress.kubernetes.io/use-regex': 'true' },
        [
          ['/(?-i)Help/faq(?:/|$)', 'ImplementationSpecific', 'pages-svc'],
          ['/(?-i)help/faq(?:/|$)', 'ImplementationSpecific', 'help-svc'],
        ],
      ],
      [
        'cased-regex',
        { 'nginx.ingress.kubernetes.io/use-regex': 'true' },
        [
          ['/(?-i)about/?$', 'ImplementationSpecific', 'pages-svc'],
          ['/(?-i)(?!about/?$)[^/]+/?$', 'ImplementationSpecific', 'links-svc'],
        ],
      ],
    ]);
  });

  it('the /about path takes /about and /about/, not /ABOUT or /About/', () => {
    const about = ings[1]!.spec.rules[0].http.paths[0].path;
    for (const [path, taken] of [['/about', true], ['/about/', true], ['/ABOUT', false], ['/About/', false], ['/aboutx', false]] as const) expect(nginxRegex(about).test(path), path).toBe(taken);
  });

  it.each(SAMPLES)('%s reaches the unit matchRoute picks, in ingress-nginx’s order', (path) => {
    expect(ingressNginxUnit(ings, path)).toBe(referenceUnit('split', path));
  });

  it('the samples’ units, exactly: /ABOUT goes to GET /{code}, each case of /help/faq to its own unit', () => {
    expect(Object.fromEntries([...SAMPLES, ...UNDER].map((p) => [p, ingressNginxUnit(ings, p) ?? null]))).toEqual({
      '/about': 'pages-svc',
      '/about/': 'pages-svc',
      '/ABOUT': 'links-svc',
      '/About/': 'links-svc',
      '/abc': 'links-svc',
      '/Help/faq': 'pages-svc',
      '/help/faq': 'help-svc',
      '/HELP/faq': null,
      '/help/faq/x': 'help-svc',
      '/Help/faq/x': 'pages-svc',
      '/HELP/faq/x': null,
    });
  });

  it('the canary Ingress writes the same path strings as the main and regex Ingresses (ingress-nginx pairs them by path)', () => {
    const all = ingresses('canary', { canary: { unit: 'pages-svc', percent: 10 } });
    expect(all.map((i) => [i.metadata.name, pathsOf(i)])).toEqual([
      [
        'cased',
        [
          ['/(?-i)help/faq(?:/|$)', 'ImplementationSpecific', 'mono'],
          ['/(?-i)Help/faq(?:/|$)', 'ImplementationSpecific', 'mono'],
        ],
      ],
      [
        'cased-regex',
        [
          ['/(?-i)about/?$', 'ImplementationSpecific', 'mono'],
          ['/(?-i)(?!about/?$)[^/]+/?$', 'ImplementationSpecific', 'mono'],
        ],
      ],
      [
        'cased-canary-pages-svc',
        [
          ['/(?-i)Help/faq(?:/|$)', 'ImplementationSpecific', 'pages-svc'],
          ['/(?-i)about/?$', 'ImplementationSpecific', 'pages-svc'],
        ],
      ],
    ]);
  });

  it('every ImplementationSpecific path starts with "/", as the API server requires (validateHTTPIngressPath)', () => {
    for (const i of [...ings, ...ingresses('canary', { canary: { unit: 'pages-svc', percent: 10 } })]) {
      for (const p of i.spec.rules[0].http.paths) expect(p.path, `${i.metadata.name} ${p.path}`).toMatch(/^\//);
    }
  });

  it('no lookahead for a route that differs from another only in case: the paths no longer meet', () => {
    const twoCases = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: two-cases }
system:
  domains:
    upper: { operations: { get: { route: GET /About, cpu: 1ms } } }
    lower: { operations: { get: { route: GET /about, cpu: 1ms } } }
    links: { operations: { get: { route: "GET /{code}", cpu: 1ms } } }
layouts:
  l:
    units:
      upper-svc: { domains: [upper], port: 8080 }
      lower-svc: { domains: [lower], port: 8081 }
      links-svc: { domains: [links], port: 8082 }
`);
    const regex = k8sObjects(twoCases, 'l', {})
      .flatMap((g) => g.objects as Obj[])
      .find((o) => o.metadata.name === 'two-cases-regex')!;
    expect(pathsOf(regex)).toEqual([
      ['/(?-i)about/?$', 'ImplementationSpecific', 'lower-svc'],
      ['/(?-i)About/?$', 'ImplementationSpecific', 'upper-svc'],
      ['/(?-i)(?!about/?$|About/?$)[^/]+/?$', 'ImplementationSpecific', 'links-svc'],
    ]);
  });

  it('ingressRegexPath: "^/" goes, "(?-i)" follows the "/"; the root "/" has no letter and stays "/"', () => {
    expect(ingressRegexPath('^/api/items(?:/|$)')).toBe('/(?-i)api/items(?:/|$)');
    expect(ingressRegexPath('^/(?!about/?$)[^/]+/?$')).toBe('/(?-i)(?!about/?$)[^/]+/?$');
    expect(ingressRegexPath('^/')).toBe('/');
    expect(() => ingressRegexPath('/about')).toThrow('internal: an Ingress regex must start with "^/": /about');
  });

  it('the file says why "(?-i)" is there', () => {
    const text = fileOf(generate('k8s', cased, 'split'), 'k8s/ingress.yaml');
    expect(text).toContain(
      [
        '# Once one Ingress of a host says use-regex, ingress-nginx reads every path of the host as a',
        '# case-insensitive regex "^<path>" (location ~*) and tries them longest first: so a prefix is',
        '# written /(?-i)prefix(?:/|$), a gRPC method /(?-i)pkg\\.Svc/Method$, and each route regex',
        '# excludes (?!…) the more specific routes of other units that it would otherwise take, so that',
        '# the order does not matter. (?-i) turns the case-insensitivity off for the rest of the path:',
        '# archsim routes by exact case, so /ABOUT must not reach the unit of /about. Each path starts',
        '# with "/" (the API server refuses any other); ingress-nginx adds the "^".',
        '',
      ].join('\n'),
    );
  });

  it.skipIf(!hasNginx)('nginx itself (PCRE), given the locations as ingress-nginx writes them, routes every sample so', async () => {
    const locations = ings.flatMap((i) => i.spec.rules[0].http.paths.map((p: Obj) => ({ path: p.path as string, unit: p.backend.service.name as string })));
    await withIngressNginx(locations, async (ask) => {
      for (const path of SAMPLES) expect(await ask(path), path).toBe(referenceUnit('split', path) ?? 'none');
    });
  });
});
