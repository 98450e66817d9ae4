// The Gateway API caps a route at 16 rules (HTTPRoute and GRPCRoute spec.rules maxItems) of 8
// matches each (matches maxItems up to v1.1; v1.2 allows 64 but at most 128 across a route).
// One HTTPRoute of every rule was refused by the API server past that: the rules are now spread
// over "<name>", "<name>-2", … with the same parentRefs, and the rules whose order decides
// (RegularExpression paths, which no spec ranks across routes) all stay in the first one, in order.
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { GenerateError, layoutToGenerate } from '../../src/generate/common.js';
import { gatewayRoutes, type GatewayRoute } from '../../src/generate/gateway.js';
import { generate } from '../../src/generate/index.js';
import { httpRouteRules, k8sObjects, ROUTE_RULES_MAX, RULE_MATCHES_MAX, splitRouteRules } from '../../src/generate/k8s.js';
import { matchRoute } from '../../src/model/routes.js';
import type { Blueprint } from '../../src/model/schema.js';
import { fileOf, load, type Obj } from './own-blueprint.js';

// 47 routes: 16 units of two literal routes (prefixes), one of ten (ten prefixes: 8 + 2 matches),
// literal /about and /faq beside GET /{code} (Exact matches), and {param} routes of two units
// that alternate in matchRoute's order (three RegularExpression rules).
const SMALL = Array.from({ length: 16 }, (_, i) => `u${String(i + 1).padStart(2, '0')}`);
const many = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: many }
system:
  domains:
${SMALL.map((u) => `    ${u}: { operations: { a: { route: GET /${u}/a, cpu: 1ms }, b: { route: POST /${u}/b, cpu: 1ms } } }`).join('\n')}
    big: { operations: { ${Array.from({ length: 10 }, (_, j) => `r${j}: { route: GET /big/r${j}, cpu: 1ms }`).join(', ')} } }
    links: { operations: { resolve: { route: "GET /{code}", cpu: 1ms }, deep: { route: "GET /{code}/y/{z}/{w}", cpu: 1ms } } }
    alt: { operations: { get: { route: "GET /{x}/y/{z}", cpu: 1ms } } }
    pages: { operations: { about: { route: GET /about, cpu: 1ms }, faq: { route: GET /faq, cpu: 1ms } } }
layouts:
  l:
    units:
${[...SMALL, 'big', 'links', 'alt', 'pages'].map((u, i) => `      ${u}-svc: { domains: [${u}], port: ${8000 + i} }`).join('\n')}
`);

const httpRoutes = (bp: Blueprint, layout: string) =>
  k8sObjects(bp, layout, { ingress: 'gateway-api' })
    .filter((g) => g.file === 'httproute.yaml')
    .flatMap((g) => g.objects as Obj[]);

const summary = (route: Obj) => route.spec.rules.map((rule: Obj) => [rule.backendRefs.map((b: Obj) => b.name).join('+'), rule.matches.map((m: Obj) => `${m.path.type} ${m.path.value}`)]);

/** The unit a spec-following implementation sends a path to, across every HTTPRoute of the listener. */
function gatewayApiUnit(routes: Obj[], path: string): string | undefined {
  const hits: { rank: number; len: number; route: number; order: number; unit: string }[] = [];
  routes.forEach((route, r) =>
    route.spec.rules.forEach((rule: Obj, order: number) => {
      for (const { path: m } of rule.matches) {
        const unit = rule.backendRefs[0].name;
        if (m.type === 'Exact' && path === m.value) hits.push({ rank: 0, len: m.value.length, route: r, order, unit });
        if (m.type === 'PathPrefix' && (path === m.value || path.startsWith(`${m.value}/`))) hits.push({ rank: 1, len: m.value.length, route: r, order, unit });
        if (m.type === 'RegularExpression' && new RegExp(m.value).test(path)) hits.push({ rank: 2, len: 0, route: r, order, unit });
      }
    }),
  );
  hits.sort((a, b) => a.rank - b.rank || b.len - a.len || a.route - b.route || a.order - b.order);
  return hits[0]?.unit;
}

describe('HTTPRoute: more rules than one route holds', () => {
  const routes = httpRoutes(many, 'l');

  it('two HTTPRoutes, "many" and "many-2", the same parentRefs; the first holds every RegularExpression rule, last, in matchRoute’s order', () => {
    const u = (n: number) => [`u${String(n).padStart(2, '0')}-svc`, [`PathPrefix /u${String(n).padStart(2, '0')}/a`, `PathPrefix /u${String(n).padStart(2, '0')}/b`]];
    expect(routes.map((r) => [r.kind, r.metadata.name, r.spec.parentRefs])).toEqual([
      ['HTTPRoute', 'many', [{ name: 'gateway' }]],
      ['HTTPRoute', 'many-2', [{ name: 'gateway' }]],
    ]);
    expect(summary(routes[0]!)).toEqual([
      ...Array.from({ length: 13 }, (_, i) => u(i + 1)),
      ['links-svc', ['RegularExpression ^/[^/]+/y/[^/]+/[^/]+/?$']],
      ['alt-svc', ['RegularExpression ^/[^/]+/y/[^/]+/?$']],
      ['links-svc', ['RegularExpression ^/[^/]+/?$']],
    ]);
    expect(summary(routes[1]!)).toEqual([
      u(14),
      u(15),
      u(16),
      ['big-svc', ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'].map((r) => `PathPrefix /big/${r}`)],
      ['big-svc', ['PathPrefix /big/r8', 'PathPrefix /big/r9']],
      ['pages-svc', ['Exact /about', 'Exact /about/', 'Exact /faq', 'Exact /faq/']],
    ]);
  });

  it(`every HTTPRoute: 1 to ${ROUTE_RULES_MAX} rules of 1 to ${RULE_MATCHES_MAX} matches; names unique DNS labels`, () => {
    expect([ROUTE_RULES_MAX, RULE_MATCHES_MAX]).toEqual([16, 8]);
    for (const r of routes) {
      expect(r.spec.rules.length, r.metadata.name).toBeGreaterThanOrEqual(1);
      expect(r.spec.rules.length, r.metadata.name).toBeLessThanOrEqual(16);
      for (const rule of r.spec.rules) {
        expect(rule.matches.length).toBeGreaterThanOrEqual(1);
        expect(rule.matches.length).toBeLessThanOrEqual(8);
      }
      expect(r.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(r.metadata.name.length).toBeLessThanOrEqual(63);
    }
    expect(new Set(routes.map((r) => r.metadata.name)).size).toBe(routes.length);
  });

  it('every match of the unsplit rules is there exactly once, to the same backends', () => {
    const r = layoutToGenerate(many, 'l');
    const key = (m: Obj, backends: Obj[]) => JSON.stringify([m, backends]);
    const want = httpRouteRules(gatewayRoutes(many, r, {})).flatMap((rule) => rule.matches.map((m) => key(m, rule.group.backends.map((b) => ({ name: b.unit, port: b.port, weight: b.weight })))));
    const got = routes.flatMap((route) => route.spec.rules.flatMap((rule: Obj) => rule.matches.map((m: Obj) => key(m, rule.backendRefs))));
    expect(got.length).toBe(want.length);
    expect([...got].sort()).toEqual([...want].sort());
    // 32 + 10 prefixes, 4 Exact matches of /about and /faq, 3 regexes.
    expect(got.length).toBe(49);
  });

  it('each route reaches the unit matchRoute picks, across both HTTPRoutes; so do the paths below a prefix', () => {
    const table = layoutToGenerate(many, 'l').routes;
    expect(table.length).toBe(47);
    for (const t of table) {
      const path = t.path.replace(/\{[^}]+\}/g, 'q1');
      expect(gatewayApiUnit(routes, path), path).toBe(matchRoute(table, t.method, path)!.unit);
    }
    const more = { '/about/': 'pages-svc', '/q1/y/q2/q3': 'links-svc', '/q1/y/q2': 'alt-svc', '/q1': 'links-svc', '/u01/a/x': 'u01-svc', '/u16/b/x': 'u16-svc', '/big/r9/x': 'big-svc' };
    expect(Object.fromEntries(Object.keys(more).map((p) => [p, gatewayApiUnit(routes, p)]))).toEqual(more);
  });

  it('the file has both, with a note on the first saying why', () => {
    const text = fileOf(generate('k8s', many, 'l', { ingress: 'gateway-api' }), 'k8s/httproute.yaml');
    expect(parseAllDocuments(text).map((d) => (d.toJS() as Obj).metadata.name)).toEqual(['many', 'many-2']);
    expect(text).toContain(
      [
        '# The Gateway API allows at most 16 rules of 8 matches in one HTTPRoute: the rules are in many, many-2.',
        '# Exact and PathPrefix matches rank by type and length whichever route holds them; the rules whose',
        '# order decides (RegularExpression paths, tried in rule order) are all in this one, in that order.',
        '',
      ].join('\n'),
    );
  });

  it('a layout whose rules fit keeps its one HTTPRoute, unchanged, without the note', () => {
    const few = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: few }
system:
  domains:
    a: { operations: { get: { route: GET /a/x, cpu: 1ms } } }
    b: { operations: { get: { route: "GET /{id}", cpu: 1ms } } }
layouts:
  l:
    units:
      a-svc: { domains: [a], port: 8080 }
      b-svc: { domains: [b], port: 8081 }
`);
    const [only, ...rest] = httpRoutes(few, 'l');
    expect(rest).toEqual([]);
    expect([only!.metadata.name, summary(only!)]).toEqual(['few', [['a-svc', ['PathPrefix /a/x']], ['b-svc', ['RegularExpression ^/[^/]+/?$']]]]);
    const text = fileOf(generate('k8s', few, 'l', { ingress: 'gateway-api' }), 'k8s/httproute.yaml');
    expect(text).not.toContain('The Gateway API allows');
  });
});

describe('rules whose order decides stay together, or are refused', () => {
  const group = (name: string) => ({ name, unit: name, prefixes: [], regexes: [], grpc: [], backends: [{ unit: name, host: name, port: 80, weight: 100 }] }) as GatewayRoute;
  const exact = (value: string) => ({ path: { type: 'Exact', value } });

  it('an Exact match two groups share stays in the first route with the regexes, in its order', () => {
    const [a, b] = [group('a'), group('b')];
    const free = Array.from({ length: 16 }, (_, i) => ({ matches: [exact(`/f${i}`)], group: a }));
    const rules = [{ matches: [exact('/same')], group: a }, ...free, { matches: [exact('/same')], group: b }];
    const parts = splitRouteRules(rules, 'l', 'HTTPRoute');
    expect(parts.map((p) => p.map((r) => `${r.group.name} ${r.matches.map((m) => (m.path as Obj).value).join(' ')}`))).toEqual([
      [...Array.from({ length: 14 }, (_, i) => `a /f${i}`), 'a /same', 'b /same'],
      ['a /f14', 'a /f15'],
    ]);
  });

  it('a rule of more than 8 matches becomes rules of 8 and the rest, in order, to the same group', () => {
    const a = group('a');
    const parts = splitRouteRules([{ matches: Array.from({ length: 17 }, (_, i) => exact(`/m${i}`)), group: a }], 'l', 'HTTPRoute');
    expect(parts.map((p) => p.map((r) => r.matches.length))).toEqual([[8, 8, 1]]);
    expect(parts[0]!.flatMap((r) => r.matches.map((m) => (m.path as Obj).value))).toEqual(Array.from({ length: 17 }, (_, i) => `/m${i}`));
  });

  it('17 RegularExpression rules cannot keep their order in one HTTPRoute: refused, one line, exit 2', () => {
    // Two units alternating by depth: a /{p1}, b /{p1}/{p2}, a /{p1}/{p2}/{p3}, … 17 deep.
    const depth = (n: number) => Array.from({ length: n }, (_, i) => `{p${i + 1}}`).join('/');
    const ops = (odd: boolean) =>
      Array.from({ length: 17 }, (_, i) => i + 1)
        .filter((n) => n % 2 === (odd ? 1 : 0))
        .map((n) => `d${n}: { route: "GET /${depth(n)}", cpu: 1ms }`)
        .join(', ');
    const deep = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: deep }
system:
  domains:
    a: { operations: { ${ops(true)} } }
    b: { operations: { ${ops(false)} } }
layouts:
  l:
    units:
      a-svc: { domains: [a], port: 8080 }
      b-svc: { domains: [b], port: 8081 }
`);
    let err: unknown;
    try {
      httpRoutes(deep, 'l');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GenerateError);
    expect((err as GenerateError).kind).toBe('usage');
    expect((err as Error).message).toBe(
      "layout l: the HTTPRoute needs 17 rules whose order decides which unit a path reaches (RegularExpression paths: routes that start with a {param}, or that another unit's {param} route also takes), and one HTTPRoute holds at most 16; generate with --ingress ingress, or serve those routes from fewer units",
    );
    // The Ingress has no such limit.
    expect(() => k8sObjects(deep, 'l', {})).not.toThrow();
  });
});

describe('GRPCRoute: the same limits', () => {
  const rpc = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: rpc }
system:
  domains:
    a: { operations: { ${Array.from({ length: 10 }, (_, i) => `op${i}: { route: GET /a/op${i}, cpu: 1ms }`).join(', ')} } }
layouts:
  l:
    gateway: { kind: nginx, port: 8000 }
    protocol: grpc
    units:
      svc: { domains: [a], port: 50051 }
`);

  it('a unit of 10 methods: one GRPCRoute, its rule in runs of 8 and 2 matches, to the same backend', () => {
    const objs = k8sObjects(rpc, 'l', { ingress: 'gateway-api' }).flatMap((g) => g.objects as Obj[]).filter((o) => /Route$/.test(o.kind));
    expect(objs.map((o) => [o.kind, o.metadata.name])).toEqual([['GRPCRoute', 'rpc-grpc']]);
    const rules = objs[0]!.spec.rules;
    expect(rules.map((r: Obj) => [r.matches.length, r.backendRefs])).toEqual([
      [8, [{ name: 'svc', port: 50051, weight: 100 }]],
      [2, [{ name: 'svc', port: 50051, weight: 100 }]],
    ]);
    expect(new Set(rules.flatMap((r: Obj) => r.matches.map((m: Obj) => `${m.method.service}/${m.method.method}`))).size).toBe(10);
  });
});
