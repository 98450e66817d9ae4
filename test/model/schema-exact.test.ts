// The schema's own transforms, value by value: a distribution's normal form (each kind's cv, a
// uniform's mean and cv, what each kind needs), a route's method and path (trimmed, each path
// rule, the 512-character bound), and a quantity's message from its unit parser.
import { describe, expect, it } from 'vitest';
import { Distribution, Duration, Percent, Route, ROUTE_PATH } from '../../src/model/schema.js';

const issues = (r: { success: boolean; error?: { issues: { message: string; path: PropertyKey[] }[] } }) => (r.success ? [] : r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`));

describe('Distribution', () => {
  it('a plain duration is an exponential of that mean; each kind’s cv', () => {
    expect(Distribution.parse('9ms')).toEqual({ dist: 'exp', mean: 9, cv: 1 });
    expect(Distribution.parse({ dist: 'const', mean: '2ms', cv: 3 })).toEqual({ dist: 'const', mean: 2, cv: 0 });
    expect(Distribution.parse({ dist: 'exp', mean: '2ms', cv: 3 })).toEqual({ dist: 'exp', mean: 2, cv: 1 });
    expect(Distribution.parse({ dist: 'lognormal', mean: '2ms' })).toEqual({ dist: 'lognormal', mean: 2, cv: 1 });
    expect(Distribution.parse({ dist: 'gamma', mean: '2ms', cv: 0.5 })).toEqual({ dist: 'gamma', mean: 2, cv: 0.5 });
    expect(Distribution.parse({ dist: 'lognormal', mean: '2ms', cv: 0 })).toEqual({ dist: 'lognormal', mean: 2, cv: 0 });
  });

  it('a uniform: mean halfway, cv = (max − min) / √12 / mean; min = max allowed; 0 to 0 has cv 0', () => {
    expect(Distribution.parse({ dist: 'uniform', min: '1ms', max: '3ms' })).toEqual({ dist: 'uniform', mean: 2, cv: 2 / Math.sqrt(12) / 2, min: 1, max: 3 });
    expect(Distribution.parse({ dist: 'uniform', min: '2ms', max: '2ms' })).toEqual({ dist: 'uniform', mean: 2, cv: 0, min: 2, max: 2 });
    expect(Distribution.parse({ dist: 'uniform', min: '0ms', max: '0ms' })).toEqual({ dist: 'uniform', mean: 0, cv: 0, min: 0, max: 0 });
  });

  it('says what a kind needs', () => {
    const needs = 'a uniform distribution needs min and max, with min ≤ max';
    expect(issues(Distribution.safeParse({ dist: 'uniform', min: '3ms', max: '1ms' }))).toEqual([`: ${needs}`]);
    expect(issues(Distribution.safeParse({ dist: 'uniform', min: '3ms' }))).toEqual([`: ${needs}`]);
    expect(issues(Distribution.safeParse({ dist: 'uniform', max: '3ms' }))).toEqual([`: ${needs}`]);
    expect(issues(Distribution.safeParse({ dist: 'gamma', cv: 1 }))).toEqual([': a gamma distribution needs a mean']);
    expect(issues(Distribution.safeParse({ dist: 'const' }))).toEqual([': a const distribution needs a mean']);
  });
});

describe('Route', () => {
  it('method and path, the text trimmed', () => {
    expect(Route.parse('  POST   /api/v1/x/{id}/ ')).toEqual({ method: 'POST', path: '/api/v1/x/{id}/' });
    expect(Route.parse('WS /ws')).toEqual({ method: 'WS', path: '/ws' });
    expect(Route.parse('GET /')).toEqual({ method: 'GET', path: '/' });
  });

  it('refuses what is not METHOD /path, and paths a gateway or a regex could read as syntax', () => {
    const notRoute = ': not a route: expected METHOD /path (e.g. "POST /api/v1/auth/login" or "WS /ws"; methods GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, WS)';
    const notPath = ': not a route path: a path is / or /-separated segments of letters, digits, -, _, ~ and . (not starting with .), or {param} with param an identifier (at most 512 characters)';
    expect(issues(Route.safeParse('FETCH /x'))).toEqual([notRoute]);
    expect(issues(Route.safeParse('get /x'))).toEqual([notRoute]);
    expect(issues(Route.safeParse('GET /x y'))).toEqual([notRoute]);
    expect(issues(Route.safeParse('GET'))).toEqual([notRoute]);
    for (const p of ['x', '/.x', '/a//b', '/{1id}', '/a{id}', '/a$', '/a?b', '/a/../b', '//']) expect(issues(Route.safeParse(`GET ${p}`)), p).toEqual([notPath]);
    const long = `/${'a'.repeat(511)}`;
    expect(Route.parse(`GET ${long}`)).toEqual({ method: 'GET', path: long });
    expect(issues(Route.safeParse(`GET ${long}b`))).toEqual([notPath]);
    expect(ROUTE_PATH.test('/a.b/~c_d-e/{p_1}')).toBe(true);
  });
});

describe('quantities', () => {
  it('pass the unit parser’s value, or its message', () => {
    expect(Duration.parse('1.5s')).toBe(1500);
    expect(issues(Duration.safeParse(5))).toEqual([': a duration needs a unit, e.g. "5ms"']);
    expect(Percent.parse('70%')).toBeCloseTo(0.7, 12);
    expect(issues(Percent.safeParse('170%'))).toEqual([': "170%" is over 100%']);
    expect(issues(Duration.safeParse(true))).toHaveLength(1);
  });
});
