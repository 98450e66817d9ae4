// The k6 script's numbers worked out by hand: k6's whole rate per time unit, the warm-up's
// iterations, the scenarios' lengths around the one-second floor, the VUs made before the start,
// the workload's defaults (open or closed, think time, warm-up), the operations chosen.
// Milliseconds each.
import { describe, expect, it } from 'vitest';
import { exactRate, k6Script, k6WarmupIterations } from '../../src/generate/k6.js';
import { GenerateError } from '../../src/generate/common.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { parseBlueprint } from '../../src/model/parse.js';
import type { Blueprint } from '../../src/model/schema.js';
import { LoadProfile } from '../../src/loadtest/profile/schema.js';

function load(workload: string): Blueprint {
  const r = parseBlueprint(
    `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: k }
system:
  domains:
    a: { operations: { get: { route: "GET /a/{id}", cpu: 1ms }, put: { route: PUT /a, cpu: 1ms, budget: { p50: 2.0004ms, p95: 3ms } }, inner: { internal: true, cpu: 1ms } } }
layouts:
  gw: { gateway: { kind: nginx, port: 8000 }, units: { app: { domains: "*", port: 9000 } } }
  direct: { units: { app: { domains: "*", port: 9000 } } }
${workload}`,
    'k.yaml',
  );
  if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return r.blueprint;
}

/** The script's `options` object and named constants. */
function read(script: string): { options: any; consts: Record<string, string> } {
  const at = script.indexOf('export const options = ');
  const end = script.indexOf('\n};\n', at);
  const options = JSON.parse(script.slice(at + 'export const options = '.length, end + 2));
  const consts = Object.fromEntries([...script.matchAll(/^const (WARMUP_ITERATIONS|THINK_TIME_S|TIMEOUT|BASE_URL) = (.*);$/gm)].map((m) => [m[1]!, m[2]!]));
  return { options, consts };
}

describe('k6 rates and lengths', () => {
  it('exactRate: the smallest whole number of seconds that makes the rate whole, up to 1000 s', () => {
    expect(exactRate(1)).toEqual({ rate: 1, timeUnit: '1s', exact: true });
    expect(exactRate(0.001)).toEqual({ rate: 1, timeUnit: '1000s', exact: true });
    expect(exactRate(0.25)).toEqual({ rate: 1, timeUnit: '4s', exact: true });
    expect(exactRate(2.5)).toEqual({ rate: 5, timeUnit: '2s', exact: true });
    // Not exact within 1000 s: per 1000 s, rounded, at least 1.
    expect(exactRate(Math.SQRT2)).toEqual({ rate: 1414, timeUnit: '1000s', exact: false });
    expect(exactRate(0.0004)).toEqual({ rate: 1, timeUnit: '1000s', exact: false });
    expect(exactRate(0.0006)).toEqual({ rate: 1, timeUnit: '1000s', exact: false });
    expect(exactRate(0.0017)).toEqual({ rate: 2, timeUnit: '1000s', exact: false });
    expect(exactRate(0.0016)).toEqual({ rate: 1, timeUnit: '625s', exact: true });
    // Within a billionth of 0 is no rate: never 0 per second.
    expect(exactRate(1e-12)).toEqual({ rate: 1, timeUnit: '1000s', exact: false });
  });

  it('the warm-up’s iterations: rate × warm-up, less half when the warm-up ends half an interval early', () => {
    expect(k6WarmupIterations(10, 2000)).toBe(20);
    expect(k6WarmupIterations(12.5, 2000)).toBe(25);
    // 1 s at 1/s: 1000 − 500 < 1000, the warm-up keeps its length.
    expect(k6WarmupIterations(1, 1000)).toBe(1);
    // 1500 ms at 1/s: 1500 − 500 ≥ 1000, cut: ceil(1.5 − 0.5) = 1.
    expect(k6WarmupIterations(1, 1500)).toBe(1);
    expect(k6WarmupIterations(1, 1499)).toBe(2);
    expect(k6WarmupIterations(3, 0)).toBe(0);
  });

  it('an open run at 4/s for 2.1 s, the first 1 s a warm-up: lengths, stops, VUs and positions', () => {
    // the workload's duration counts the warm-up in (as simulate's): 1.1 s measured
    const bp = load('workload: { rate: 4/s, duration: 2100ms, warmup: 1s, mix: { a.get: 1 } }\n');
    const script = k6Script(bp, 'gw');
    const { options, consts } = read(script);
    expect(options.scenarios).toEqual({
      // 1000 − 125 < 1000: the warm-up keeps its second and its stop is 0.
      warmup: { executor: 'constant-arrival-rate', rate: 4, timeUnit: '1s', preAllocatedVUs: 10, maxVUs: 20, gracefulStop: '0ms', duration: '1000ms', exec: 'warmup', tags: { phase: 'warmup' } },
      // 1100 − 125 < 1000: the load keeps its length too.
      load: { executor: 'constant-arrival-rate', rate: 4, timeUnit: '1s', preAllocatedVUs: 10, maxVUs: 20, gracefulStop: '6000ms', startTime: '1000ms', duration: '1100ms', exec: 'load', tags: { phase: 'measure' } },
    });
    expect(consts).toEqual({ BASE_URL: `(__ENV.BASE_URL || "http://127.0.0.1:8000").replace(/\\/+$/, '')`, WARMUP_ITERATIONS: '4', THINK_TIME_S: '0', TIMEOUT: "'5000ms'" });
    expect(script.split('\n')[0]).toBe('// k6 load test for k, layout gw: 4 requests/s for 2.1 s, the first 1 s a warm-up that is not measured.');
    expect(script).toContain('  if (exec.scenario.iterationInTest >= WARMUP_ITERATIONS) return;\n');
  });

  it('an open run cut half an interval early once that leaves a second; VUs between 10 and 1000 made first, at most 2000', () => {
    const bp = load('workload: { rate: 4/s, duration: 1125ms, mix: { a.get: 1 } }\n');
    const { options } = read(k6Script(bp, 'direct'));
    expect(Object.keys(options.scenarios)).toEqual(['load']);
    expect(options.scenarios.load.duration).toBe('1000ms');
    expect(options.scenarios.load.startTime).toBeUndefined();
    const vus = (rate: number, timeout?: number) => {
      const s = read(k6Script(bp, 'direct', { rate, ...(timeout ? { timeout } : {}) })).options.scenarios.load;
      return [s.preAllocatedVUs, s.maxVUs];
    };
    expect(vus(4)).toEqual([10, 20]);
    expect(vus(10.5)).toEqual([11, 53]);
    expect(vus(1500, 1000)).toEqual([1000, 1500]);
    expect(vus(1000, 3000)).toEqual([1000, 2000]);
    expect(vus(1, 100)).toEqual([10, 10]);
  });

  it('a closed workload: its users and mean think time; a closed warm-up’s positions estimated from the mix', () => {
    const bp = load('workload: { users: 3, thinkTime: 250ms, duration: 2500ms, warmup: 500ms, mix: { a.get: 3, a.put: 1 } }\n');
    const script = k6Script(bp, 'direct');
    const { options, consts } = read(script);
    expect(options.scenarios).toEqual({
      // k6 refuses constant-vus under 1 s: the same 3 users as one ramping-vus stage
      warmup: { executor: 'ramping-vus', startVUs: 3, stages: [{ target: 3, duration: '500ms' }], gracefulStop: '6000ms', exec: 'warmup', tags: { phase: 'warmup' } },
      load: { executor: 'constant-vus', vus: 3, gracefulStop: '6000ms', startTime: '500ms', duration: '2000ms', exec: 'load', tags: { phase: 'measure' } },
    });
    expect(consts.THINK_TIME_S).toBe('0.25');
    expect(Number(consts.WARMUP_ITERATIONS)).toBeGreaterThan(0);
    expect(script.split('\n')[0]).toBe('// k6 load test for k, layout direct: 3 users with 250 ms think time for 2.5 s, the first 0.5 s a warm-up that is not measured.');
    expect(script).not.toContain('iterationInTest >= WARMUP_ITERATIONS');
    // --rate makes it open; --users without think time has none.
    expect(read(k6Script(bp, 'direct', { rate: 2 })).options.scenarios.load.executor).toBe('constant-arrival-rate');
    const noThink = k6Script(load('workload: { users: 2, duration: 1s, mix: { a.get: 1 } }\n'), 'direct');
    expect(noThink.split('\n')[0]).toBe('// k6 load test for k, layout direct: 2 users for 1 s.');
    expect(read(noThink).consts.THINK_TIME_S).toBe('0');
  });

  it('without a workload: 10/s for 60 s over every public operation, budgets as thresholds in ms rounded to the microsecond', () => {
    const bp = load('');
    const script = k6Script(bp, 'direct');
    const { options } = read(script);
    expect(options.scenarios.load).toMatchObject({ rate: 10, timeUnit: '1s', duration: '59950ms' });
    expect(options.thresholds).toEqual({
      'http_req_duration{operation:a.put}': ['med<2', 'p(95)<3'],
      'http_req_failed{phase:measure}': ['rate<0.01'],
      'checks{phase:measure}': ['rate>0.99'],
    });
    expect(script).toContain('"id": "a.get"');
    expect(script).toContain('"id": "a.put"');
    expect(script).not.toContain('"id": "a.inner"');
    // The base URL: the unit of the first public route without a gateway.
    expect(read(script).consts.BASE_URL).toBe(`(__ENV.BASE_URL || "http://127.0.0.1:9000").replace(/\\/+$/, '')`);
    expect(read(k6Script(bp, 'direct', { baseUrl: 'http://h:1//' })).consts.BASE_URL).toBe(`(__ENV.BASE_URL || "http://h:1").replace(/\\/+$/, '')`);
  });

  it('the operations chosen: only those, each a public operation; outside the workload’s mix, equally', () => {
    const bp = load('workload: { rate: 2/s, duration: 1s, mix: { a.get: 1 } }\n');
    const script = k6Script(bp, 'direct', { operations: ['a.put'] });
    expect(script).toContain('"id": "a.put"');
    expect(script).not.toContain('"id": "a.get"');
    expect(() => k6Script(bp, 'direct', { operations: ['a.inner'] })).toThrow(new GenerateError('k6: "a.inner" is not a public operation with a route; operations: a.get, a.put'));
  });

  it('a load profile that cannot build a request: refused as a generate error, prefixed "k6: "', () => {
    const bp = load('workload: { rate: 4/s, mix: { a.get: 1 } }\n');
    const profile = LoadProfile.parse({ apiVersion: 'archsim/v1', kind: 'LoadProfile', requests: { 'a.get': {} } });
    expect(() => k6Script(bp, 'direct', { profile })).toThrow(new GenerateError('k6: load profile: requests.a.get.params.id is missing (the route is GET /a/{id})'));
  });
});
