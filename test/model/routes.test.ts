import { describe, expect, it } from 'vitest';
import { loadBlueprint } from '../../src/io/load.js';
import { matchersByUnit, matchRoute, pathPattern, prefixesByUnit, prefixOverlaps, routeSpecificity, type RouteEntry } from '../../src/model/routes.js';
import { routeTable } from '../../src/model/resolve.js';
import { parseBlueprint } from '../../src/model/parse.js';

const bp = loadBlueprint(new URL('../../blueprints/quantchat.yaml', import.meta.url).pathname).blueprint;

describe('route table', () => {
  it('routes every public operation of quantchat to its unit in the microservices layout', () => {
    const t = routeTable(bp, 'microservices');
    expect(matchRoute(t, 'POST', '/api/v1/auth/login')?.unit).toBe('auth-service');
    expect(matchRoute(t, 'GET', '/api/v1/users/search')?.op).toBe('users.search');
    expect(matchRoute(t, 'GET', '/api/v1/users/42')?.op).toBe('users.get');
    expect(matchRoute(t, 'GET', '/api/v1/messages/conversation/7?page=2')?.unit).toBe('message-service');
    expect(matchRoute(t, 'GET', '/ws')?.unit).toBe('websocket-service');
    expect(matchRoute(t, 'GET', '/api/v1/nothing')).toBeUndefined();
    expect(t.filter((r) => r.unit === 'notification-service').map((r) => r.op)).toEqual(['notifications.email', 'notifications.push']);
  });

  it('gives prefix gateways non-overlapping prefixes per unit', () => {
    const p = prefixesByUnit(routeTable(bp, 'microservices'));
    expect(p.get('auth-service')).toEqual(['/api/v1/auth']);
    expect(p.get('user-service')).toEqual(['/api/v1/contacts', '/api/v1/invitations', '/api/v1/users']);
    expect(p.get('relay-service')).toEqual(['/api/v1/relay']);
    const all = [...p.values()].flat();
    expect(new Set(all).size).toBe(all.length);
  });

  it('sends everything to the monolith in the monolith layout', () => {
    const t = routeTable(bp, 'monolith');
    expect(new Set(t.map((r) => r.unit))).toEqual(new Set(['backend']));
    expect(t.every((r) => r.port === 8000)).toBe(true);
  });

  it('gives exact regexes, ranked like matchRoute, where prefixes of different units overlap', () => {
    const e = (path: string, unit: string): RouteEntry => ({ op: `${unit}.${path}`, domain: unit, method: 'GET', path, unit, port: 1, pattern: pathPattern(path), prefix: path.split('{')[0]!, websocket: false });
    const m = matchersByUnit([e('/{id}', 'a'), e('/{id}/a', 'b'), e('/x', 'b'), e('/orders/{id}', 'c'), e('/api/v1/orders/{id}', 'c')]);
    // "/" for either would capture the other's paths; "/x" would capture "/x", which a's /{id} matches.
    expect(m.get('a')).toEqual({ prefixes: [], regexes: [{ pattern: '^/[^/]+/?$', path: '/{id}', priority: 1 }] });
    expect(m.get('b')!.prefixes).toEqual([]);
    expect(m.get('b')!.regexes.map((x) => [x.path, x.priority])).toEqual([['/{id}/a', 3], ['/x', 2]]);
    // "/orders" would capture "/orders" (a's /{id}) and "/orders/a" (b's /{id}/a): a regex. No
    // other route has three segments: "/api/v1/orders" is safe.
    expect(m.get('c')).toEqual({ prefixes: ['/api/v1/orders'], regexes: [{ pattern: '^/orders/[^/]+/?$', path: '/orders/{id}', priority: 4 }] });
  });
});

describe('route matching details', () => {
  const e = (path: string, unit: string, o: { method?: string; websocket?: boolean } = {}): RouteEntry => ({ op: `${unit}.${path}`, domain: unit, method: o.method ?? 'GET', path, unit, port: 1, pattern: pathPattern(path), prefix: path.split('{')[0]!, websocket: o.websocket ?? false });

  it('specificity: segments × 10, −5 per parameter, then the literal length in thousandths', () => {
    expect(routeSpecificity('/a/b')).toBeCloseTo(30 + 4 / 1000, 12);
    expect(routeSpecificity('/a/{id}')).toBeCloseTo(30 - 5 + (7 - 4) / 1000, 12);
    expect(routeSpecificity('/a')).toBeCloseTo(20 + 2 / 1000, 12);
  });

  it('patterns escape what a path may hold literally', () => {
    expect(pathPattern('/a.b/{id}')).toBe('^/a\\.b/[^/]+/?$');
    expect(new RegExp(pathPattern('/a.b')).test('/axb')).toBe(false);
  });

  it('the method must match, except that a WebSocket route answers the GET of its upgrade', () => {
    const post = [e('/x', 'u', { method: 'POST' })];
    expect(matchRoute(post, 'GET', '/x')).toBeUndefined();
    expect(matchRoute(post, 'POST', '/x')?.unit).toBe('u');
    const ws = [e('/ws', 'w', { method: 'WS', websocket: true })];
    expect(matchRoute(ws, 'GET', '/ws')?.unit).toBe('w');
    expect(matchRoute(ws, 'POST', '/ws')).toBeUndefined();
  });

  it('a prefix overlaps a route when every segment is equal or faces a parameter', () => {
    expect(prefixOverlaps(['a'], ['a', 'b'])).toBe(true);
    expect(prefixOverlaps(['a'], ['{id}'])).toBe(true);
    expect(prefixOverlaps(['a'], ['b'])).toBe(false);
    expect(prefixOverlaps(['a', 'b'], ['a'])).toBe(false);
  });

  it('prefixes: each once, sorted, a shorter one absorbing the paths under it but not its look-alikes', () => {
    const m = matchersByUnit([e('/b', 'u'), e('/a/x', 'u'), e('/a', 'u'), e('/ab', 'u'), e('/c/d/e', 'u'), e('/c/d/e/{id}', 'u'), e('/z', 'v')]);
    expect(m.get('u')).toEqual({ prefixes: ['/a', '/ab', '/b', '/c/d/e'], regexes: [] });
    expect(m.get('v')).toEqual({ prefixes: ['/z'], regexes: [] });
  });

  it('one regex per pattern: two methods on one path need no second matcher', () => {
    // b's /x keeps a from "/" (and from "/x": a's /{id} matches "/x" too), so both of a's routes need
    // a regex; GET comes before POST in the table order, so the one kept has GET's priority.
    const m = matchersByUnit([e('/{id}', 'a', { method: 'POST' }), e('/{id}', 'a'), e('/x', 'b')]);
    expect(m.get('a')).toEqual({ prefixes: [], regexes: [{ pattern: '^/[^/]+/?$', path: '/{id}', priority: 2 }] });
    expect(m.get('b')).toEqual({ prefixes: [], regexes: [{ pattern: '^/x/?$', path: '/x', priority: 3 }] });
  });

  it('a unit that owns "/" keeps "/" alone: it absorbs every other prefix of that unit', () => {
    const m = matchersByUnit([e('/', 'u'), e('/users/{id}', 'u'), e('/a/b/c/d', 'u')]);
    expect(m.get('u')).toEqual({ prefixes: ['/'], regexes: [] });
  });

  it('prefixesByUnit leaves out a unit reached only by regexes', () => {
    const table = [e('/{id}', 'a'), e('/{id}/a', 'b'), e('/x', 'b'), e('/orders/{id}', 'c'), e('/api/v1/orders/{id}', 'c')];
    const p = prefixesByUnit(table);
    expect([...p.keys()]).toEqual(['c']);
    expect(p.get('c')).toEqual(['/api/v1/orders']);
  });
});

describe('a route parameter named twice', () => {
  // Names of letters, digits and _ (a digit not first), compared exactly: {Id} and {id} are two.
  const parse = (route: string) =>
    parseBlueprint(
      `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: dup }
system:
  domains:
    a:
      operations:
        op: { route: "${route}", cpu: 1ms }
layouts:
  l: { units: { u: { domains: "*", port: 8000 } } }
`,
      'dup.yaml',
    );
  const errors = (route: string) => {
    const r = parse(route);
    return r.ok ? [] : r.errors.map((e) => `${e.line}:${e.col}: ${e.message}`);
  };

  it('is refused where it is written, naming the parameter', () => {
    expect(errors('GET /a/{id}/{id}')).toEqual(['8:22: the route names the parameter {id} twice: give each parameter its own name']);
    expect(errors('GET /a/{x}/{user_id2}/b/{user_id2}')).toEqual(['8:22: the route names the parameter {user_id2} twice: give each parameter its own name']);
    expect(errors('GET /a/{_a}/{_a}')).toEqual(['8:22: the route names the parameter {_a} twice: give each parameter its own name']);
  });

  it('distinct names, however alike, are fine', () => {
    for (const route of ['GET /a/{id}/{other}', 'GET /a/{Id}/{id}', 'GET /a/{id1}/{id2}', 'GET /a/{ab}/{a}', 'GET /a/{id}']) expect(errors(route), route).toEqual([]);
  });
});
