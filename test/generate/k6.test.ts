import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { k6Script } from '../../src/generate/k6.js';
import { generate } from '../../src/generate/index.js';
import { routeTable } from '../../src/model/resolve.js';
import { chatpop, pairs, quantchat } from './fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'archsim-k6-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function nodeCheck(script: string, name: string) {
  const file = join(tmp, `${name.replace(/\W+/g, '_')}.mjs`);
  writeFileSync(file, script);
  return spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
}

/** Evaluate the script's init context with k6's modules stubbed, to read `options` and the exec functions. */
function evaluate(script: string) {
  const calls: { method: string; url: string; body?: string; params: any }[] = [];
  const http = {
    get: (url: string, params: any) => calls.push({ method: 'GET', url, params }),
    post: (url: string, body: string, params: any) => calls.push({ method: 'POST', url, body, params }),
    put: (url: string, body: string, params: any) => calls.push({ method: 'PUT', url, body, params }),
    patch: (url: string, body: string, params: any) => calls.push({ method: 'PATCH', url, body, params }),
    del: (url: string, _b: unknown, params: any) => calls.push({ method: 'DELETE', url, params }),
    request: (method: string, url: string, _b: unknown, params: any) => calls.push({ method, url, params }),
  };
  const ws = { connect: (url: string, params: any) => (calls.push({ method: 'WS', url, params }), { status: 101 }) };
  const exported: string[] = [];
  const body = script
    .replace(/^import .*$/gm, '')
    .replace(/^export (const|function) (\w+)/gm, (_m, kw: string, name: string) => (exported.push(name), `${kw} ${name}`));
  const fn = new Function('http', 'ws', 'check', '__ENV', '__ITER', `${body}\nreturn { options, ${exported.filter((n) => n !== 'options').join(', ')} };`);
  const mod = fn(http, ws, () => true, {}, 0) as { options: any } & Record<string, () => void>;
  return { mod, calls };
}

describe('k6', () => {
  it.each(pairs)('$name: the script parses as a JavaScript module (node --check)', ({ bp, layout, name }) => {
    const [f] = generate('k6', bp, layout);
    expect(f!.path).toBe('k6/load-test.js');
    const r = nodeCheck(f!.content, name);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('has one constant-arrival-rate scenario per operation of the mix at its share of the rate', () => {
    const script = k6Script(quantchat, 'microservices');
    const { options } = evaluate(script).mod;
    const mix = quantchat.workload!.mix;
    const total = Object.values(mix).reduce((s, x) => s + x, 0);
    expect(Object.keys(options.scenarios)).toHaveLength(Object.keys(mix).length);
    for (const [op, w] of Object.entries(mix)) {
      const s = Object.values(options.scenarios as Record<string, any>).find((x) => x.tags.operation === op)!;
      expect(s.executor).toBe('constant-arrival-rate');
      expect(s.timeUnit).toBe('1s');
      expect(s.rate).toBe(Math.round((200 * w) / total));
      expect(s.duration).toBe('60s');
    }
    expect(options.thresholds['http_req_duration{operation:messages.send}']).toEqual(['p(95)<150']);
    expect(options.thresholds['http_req_duration{operation:auth.login}']).toEqual(['p(95)<150']);
    expect(options.thresholds['http_req_duration{operation:messages.conversation}']).toEqual(['p(95)<200']);
  });

  it('exec functions request each operation’s route with a body of its request size', () => {
    const { mod, calls } = evaluate(k6Script(quantchat, 'microservices', { baseUrl: 'http://127.0.0.1:9999' }));
    const table = routeTable(quantchat, 'microservices');
    for (const [name, s] of Object.entries(mod.options.scenarios as Record<string, any>)) {
      calls.length = 0;
      mod[s.exec]!();
      const r = table.find((t) => t.op === s.tags.operation)!;
      expect(calls[0]!.method, name).toBe(r.method);
      expect(calls[0]!.url).toMatch(new RegExp(r.pattern.replace('^', '^http://127\\.0\\.0\\.1:9999')));
      expect(calls[0]!.params.tags.operation).toBe(r.op);
    }
    calls.length = 0;
    mod.media_upload!();
    expect(calls[0]!.body!.length).toBe(512 * 1024);
  });

  it('honours rate, duration and operations overrides, and uses a per-minute or per-hour rate for slow operations', () => {
    const { options } = evaluate(k6Script(quantchat, 'monolith', { rate: 1, duration: 5000, operations: ['auth.login', 'messages.send'] })).mod;
    expect(Object.values(options.scenarios as Record<string, any>).map((s) => [s.tags.operation, s.rate, s.timeUnit, s.duration])).toEqual([
      ['messages.send', 55, '1m', '5s'],
      ['auth.login', 327, '1h', '5s'],
    ]);
    expect(() => k6Script(quantchat, 'monolith', { operations: ['auth.verify-token'] })).toThrow(/not a public operation/);
  });

  it('drives WebSocket operations with k6/ws', () => {
    const script = k6Script(chatpop, 'phase2');
    expect(script).toContain("import ws from 'k6/ws';");
    const { mod, calls } = evaluate(script);
    mod.websocket_connect!();
    expect(calls[0]!.method).toBe('WS');
    expect(calls[0]!.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws\/chat\/1\/$/);
  });
});
