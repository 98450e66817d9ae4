import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { exactRate, k6Script } from '../../src/generate/k6.js';
import { generate } from '../../src/generate/index.js';
import { routeTable } from '../../src/model/resolve.js';
import { chatpop, pairs, quantchat } from './fixtures.js';

// V8's module parser (what `node --check` runs on a .mjs file), in one child process for every
// script: a process per script took about a second each (14 s for the bundled layouts, paid by
// every mutant of k6.ts these tests cover in a mutation run). Each script's SyntaxError, or null.
const MODULE_CHECK = `import vm from 'node:vm';
let input = '';
for await (const c of process.stdin) input += c;
console.log(JSON.stringify(JSON.parse(input).map(({ name, content }) => {
  try { new vm.SourceTextModule(content, { identifier: name }); return { name, error: null }; }
  catch (e) { return { name, error: String(e) }; }
})));`;

function moduleCheck(scripts: { name: string; content: string }[]) {
  const r = spawnSync(process.execPath, ['--experimental-vm-modules', '--no-warnings', '--input-type=module', '-e', MODULE_CHECK], { input: JSON.stringify(scripts), encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, results: JSON.parse(r.stdout || '[]') as { name: string; error: string | null }[] };
}

/** Evaluate the script's init context with k6's modules stubbed, to read `options` and call the exec functions. */
function evaluate(script: string) {
  const calls: { method: string; url: string; body?: unknown; params: any }[] = [];
  const http = {
    request: (method: string, url: string, body: unknown, params: any) => (calls.push({ method, url, body, params }), { status: 200 }),
    batch: () => [],
  };
  const ws = { connect: (url: string, params: any) => (calls.push({ method: 'WS', url, params }), { status: 101 }) };
  const execution = { scenario: { iterationInTest: 0 } };
  const exported: string[] = [];
  const body = script
    .replace(/^import .*$/gm, '')
    .replace(/^export (const|function) (\w+)/gm, (_m, kw: string, name: string) => (exported.push(name), `${kw} ${name}`));
  const fn = new Function('http', 'ws', 'exec', 'check', 'sleep', '__ENV', `${body}\nreturn { options, ${exported.filter((n) => n !== 'options').join(', ')} };`);
  const mod = fn(http, ws, execution, () => true, () => undefined, {}) as { options: any } & Record<string, (d?: unknown) => void>;
  return { mod, calls, execution };
}

describe('k6', () => {
  it('every bundled layout’s script parses as a JavaScript module (V8’s module parser, as node --check)', () => {
    const scripts = pairs.map(({ bp, layout, name }) => {
      const [f] = generate('k6', bp, layout);
      expect(f!.path).toBe('k6/load-test.js');
      return { name, content: f!.content };
    });
    const r = moduleCheck(scripts);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.results).toEqual(pairs.map(({ name }) => ({ name, error: null })));
    // The check itself fails a script that is no module: a syntax error, and \`with\` (modules are strict).
    expect(moduleCheck([{ name: 'a', content: 'export const x = ;' }, { name: 'b', content: 'with (a) {}' }, { name: 'c', content: 'import http from "k6/http";\nawait 1;' }]).results).toEqual([
      { name: 'a', error: "SyntaxError: Unexpected token ';'" },
      { name: 'b', error: 'SyntaxError: Strict mode code may not include a with statement' },
      { name: 'c', error: null },
    ]);
  });

  it('an open workload is one constant-arrival-rate scenario at the exact rate, with budgets as thresholds', () => {
    const { options } = evaluate(k6Script(quantchat, 'microservices')).mod;
    expect(Object.keys(options.scenarios)).toEqual(['load']);
    expect(options.scenarios.load).toMatchObject({ executor: 'constant-arrival-rate', rate: 200, timeUnit: '1s', exec: 'load', tags: { phase: 'measure' } });
    // 60 s less half an interval: k6 then starts exactly 200 × 60 iterations.
    expect(options.scenarios.load.duration).toBe('59997.5ms');
    expect(options.thresholds['http_req_duration{operation:messages.send}']).toEqual(['p(95)<150']);
    expect(options.thresholds['http_req_duration{operation:auth.login}']).toEqual(['p(95)<150']);
    expect(options.thresholds['http_req_duration{operation:messages.conversation}']).toEqual(['p(95)<200']);
    expect(options.thresholds['http_req_failed{phase:measure}']).toEqual(['rate<0.01']);
  });

  it('rates are exact (12.5/s is 25 per 2 s), the warm-up is its own scenario, the timeout is the run’s', () => {
    expect(exactRate(12.5)).toEqual({ rate: 25, timeUnit: '2s', exact: true });
    expect(exactRate(0.1)).toEqual({ rate: 1, timeUnit: '10s', exact: true });
    expect(exactRate(100 / 3)).toEqual({ rate: 100, timeUnit: '3s', exact: true });
    const script = k6Script(quantchat, 'monolith', { rate: 12.5, duration: 5000, warmup: 2000, timeout: 1500 });
    const { options } = evaluate(script).mod;
    expect(options.scenarios.warmup).toMatchObject({ rate: 25, timeUnit: '2s', duration: '1960ms', exec: 'warmup', tags: { phase: 'warmup' } });
    expect(options.scenarios.load).toMatchObject({ rate: 25, timeUnit: '2s', duration: '4960ms', startTime: '2000ms', exec: 'load' });
    // The warm-up stops by the load's start (its 1960 ms plus 40 ms): k6 then hands its VUs, with
    // their open connections, to the load instead of fresh ones (real k6: 25 new connections in
    // the measured window with a longer stop, 0 with this); the load keeps the timeout's stop.
    expect(options.scenarios.warmup.gracefulStop).toBe('40ms');
    expect(options.scenarios.load.gracefulStop).toBe('2500ms');
    expect(evaluate(k6Script(quantchat, 'monolith', { rate: 12.5, duration: 5000, warmup: 1000 })).mod.options.scenarios.warmup).toMatchObject({ duration: '1000ms', gracefulStop: '0ms' });
    expect(script).toContain("const TIMEOUT = '1500ms';");
    expect(script).toContain('const WARMUP_ITERATIONS = 25;');
    // An extra warm-up iteration (k6 late at the closing instant) would repeat the load's first
    // position, spending a single-use item twice: the script skips it.
    expect(script).toContain('if (exec.scenario.iterationInTest >= WARMUP_ITERATIONS) return;');
  });

  it('--users is constant-vus with think time', () => {
    const script = k6Script(quantchat, 'monolith', { users: 8, thinkTime: 250, duration: 3000 });
    const { options } = evaluate(script).mod;
    expect(options.scenarios.load).toMatchObject({ executor: 'constant-vus', vus: 8, duration: '3000ms' });
    expect(script).toContain('const THINK_TIME_S = 0.25;');
  });

  it('exec functions send each operation’s route, tagged, in the weighted order; warm-up requests are not tagged operation', () => {
    const { mod, calls, execution } = evaluate(k6Script(quantchat, 'microservices', { baseUrl: 'http://127.0.0.1:9999', warmup: 2000 }));
    const table = routeTable(quantchat, 'microservices');
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) {
      execution.scenario.iterationInTest = i;
      calls.length = 0;
      mod.load!({ users: [], pool: {} });
      const c = calls[0]!;
      const r = table.find((t) => t.op === c.params.tags.operation)!;
      expect(c.method).toBe(r.method);
      expect(c.url).toMatch(new RegExp(r.pattern.replace('^', '^http://127\\.0\\.0\\.1:9999')));
      expect(c.params.tags.name).toBe(`http://127.0.0.1:9999${r.path}`);
      seen.add(r.op);
    }
    expect([...seen].sort()).toEqual(Object.keys(quantchat.workload!.mix).sort());
    calls.length = 0;
    mod.warmup!({ users: [], pool: {} });
    expect(calls[0]!.params.tags.operation).toBeUndefined();
    expect(calls[0]!.params.tags.warmup).toBeDefined();
  });

  it('without a load profile, says its requests are placeholders', () => {
    const script = k6Script(quantchat, 'monolith');
    expect(script).toMatch(/No load profile was given: requests are placeholders/);
    expect(() => k6Script(quantchat, 'monolith', { operations: ['auth.verify-token'] })).toThrow(/not a public operation/);
  });

  it('drives WebSocket operations with k6/ws', () => {
    const script = k6Script(chatpop, 'phase2');
    expect(script).toContain("import ws from 'k6/ws';");
    const { mod, calls, execution } = evaluate(script);
    for (let i = 0; i < 200 && !calls.some((c) => c.method === 'WS'); i++) {
      execution.scenario.iterationInTest = i;
      mod.load!({ users: [], pool: {} });
    }
    expect(calls.find((c) => c.method === 'WS')!.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws\/chat\/\d+\/$/);
  });
});
