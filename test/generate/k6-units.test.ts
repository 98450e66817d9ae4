// A layout without a gateway: each unit publishes its own public routes on its own port, so the
// k6 script sends each request to the unit whose route it matches (BASE_URL_<UNIT> sets that
// unit's address). It sent every request to the first unit, which answers 404 for the others'.
// Checked with the real k6 binary against two real HTTP servers; skipped only without k6.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { runK6Script } from './k6-run.js';
import { k6Script } from '../../src/generate/k6.js';
import { findK6 } from '../../src/loadtest/k6.js';
import { parseBlueprint } from '../../src/model/parse.js';

const k6 = findK6();
const tmp = mkdtempSync(join(tmpdir(), 'archsim-k6-units-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const parsed = parseBlueprint(
  `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: two }
system:
  domains:
    orders:
      operations:
        get: { route: "GET /api/orders/{id}", cpu: 1ms }
        create: { route: POST /api/orders, cpu: 1ms }
    users:
      operations:
        get: { route: "GET /api/users/{id}", cpu: 1ms }
layouts:
  split:
    units:
      orders-svc: { domains: [orders], port: 8101 }
      users-svc: { domains: [users], port: 8102 }
  same:
    units:
      orders-svc: { domains: [orders], port: 8101 }
      users-svc: { domains: [users], port: 8101 }
  rep:
    units:
      orders-svc: { domains: [orders], port: 8101, replicas: 2 }
      users-svc: { domains: [users], port: 8102 }
  gw:
    gateway: { kind: nginx, port: 8080 }
    units:
      orders-svc: { domains: [orders], port: 8101 }
      users-svc: { domains: [users], port: 8102 }
workload: { rate: 30/s, duration: 2s, mix: { orders.get: 1, orders.create: 1, users.get: 1 } }
`,
  'two.yaml',
);
if (!parsed.ok) throw new Error('fixture does not load');
const bp = parsed.blueprint;
const script = (layout: string) => generate('k6', bp, layout)[0]!.content;

describe('k6 script of a layout without a gateway', () => {
  it("names each unit's address and routes each request by its route; with a gateway, one BASE_URL as before", () => {
    const s = script('split');
    expect(s).toContain('// Run: k6 run -e BASE_URL_ORDERS_SVC=http://127.0.0.1:8101 -e BASE_URL_USERS_SVC=http://127.0.0.1:8102 load-test.js');
    expect(s).toContain(
      `const UNIT_URLS = {"orders-svc": (__ENV.BASE_URL_ORDERS_SVC ? [__ENV.BASE_URL_ORDERS_SVC] : ["http://127.0.0.1:8101"]).map((x) => x.replace(/\\/+$/, '')), "users-svc": (__ENV.BASE_URL_USERS_SVC ? [__ENV.BASE_URL_USERS_SVC] : ["http://127.0.0.1:8102"]).map((x) => x.replace(/\\/+$/, ''))};`,
    );
    expect(s).toContain('const res = http.request(op.method, baseOf(op.method, r.path) + r.path,');
    const g = script('gw');
    expect(g).not.toContain('baseOf');
    expect(g).toContain('const res = http.request(op.method, BASE_URL + r.path,');
  });

  it("the script's own routing, run: each request to the unit whose method and route it matches, a query string ignored, BASE_URL otherwise", () => {
    const s = script('split');
    const from = s.indexOf('const UNIT_URLS');
    const to = s.indexOf('\n}\n', s.indexOf('function baseOf')) + 2;
    expect(from).toBeGreaterThan(0);
    // the generated k6 code, run as k6 would run it
    const baseOf = new Function('__ENV', 'BASE_URL', `${s.slice(from, to)}\nreturn baseOf;`)({ BASE_URL_USERS_SVC: 'http://users:9/' }, 'http://base') as (m: string, p: string) => string;
    expect(baseOf('GET', '/api/orders/7')).toBe('http://127.0.0.1:8101');
    expect(baseOf('POST', '/api/orders')).toBe('http://127.0.0.1:8101');
    expect(baseOf('GET', '/api/users/3?fields=a#top')).toBe('http://users:9');
    expect(baseOf('DELETE', '/api/orders/7')).toBe('http://base');
    expect(baseOf('GET', '/api/other')).toBe('http://base');
    // a base URL given by the caller (loadtest's target) is the one address: no per-unit routing
    const given = k6Script(bp, 'split', { baseUrl: 'http://target:1' });
    expect(given).not.toContain('baseOf');
    expect(given).toContain('const BASE_URL = (__ENV.BASE_URL || "http://target:1")');
  });

  it('two units on one port: compose publishes the second on the next free host port (it was not published at all), and the script sends to it', () => {
    const compose = generate('compose', bp, 'same').find((f) => f.path === 'docker-compose.yml')!.content;
    expect(compose).toMatch(/orders-svc:[\s\S]*?ports:\n\s+- "127\.0\.0\.1:8101:8101"\n/);
    expect(compose).toMatch(/users-svc:[\s\S]*?ports:\n\s+- "127\.0\.0\.1:8102:8101"\n/);
    expect(script('same')).toContain('// Run: k6 run -e BASE_URL_ORDERS_SVC=http://127.0.0.1:8101 -e BASE_URL_USERS_SVC=http://127.0.0.1:8102 load-test.js');
  });

  it("a replicated unit: compose publishes a host port per replica, and the script takes them in turn (it sent to one port nothing listened on)", () => {
    const compose = generate('compose', bp, 'rep').find((f) => f.path === 'docker-compose.yml')!.content;
    expect(compose).toMatch(/orders-svc:[\s\S]*?ports:\n\s+- "127\.0\.0\.1:8101-8102:8101"\n/);
    // 8102 is taken by orders-svc's second replica: users-svc moves to the next free port
    expect(compose).toMatch(/users-svc:[\s\S]*?ports:\n\s+- "127\.0\.0\.1:8103:8102"\n/);
    const s = script('rep');
    expect(s).toContain('// Run: k6 run -e BASE_URL_USERS_SVC=http://127.0.0.1:8103 load-test.js (no gateway: each unit\'s routes go to its own address; orders-svc at 127.0.0.1:8101-8102, one port per replica, taken in turn)');
    const from = s.indexOf('const UNIT_URLS');
    const to = s.indexOf('\n}\n', s.indexOf('function baseOf')) + 2;
    const make = (env: Record<string, string>) => new Function('__ENV', 'BASE_URL', `${s.slice(from, to)}\nreturn baseOf;`)(env, 'http://base') as (m: string, p: string) => string;
    const baseOf = make({});
    expect(['/api/orders/1', '/api/orders/2', '/api/orders/3'].map((p) => baseOf('GET', p))).toEqual(['http://127.0.0.1:8101', 'http://127.0.0.1:8102', 'http://127.0.0.1:8101']);
    expect(baseOf('GET', '/api/users/1')).toBe('http://127.0.0.1:8103');
    // BASE_URL_<UNIT> set: that one address for every request of the unit
    const set = make({ BASE_URL_ORDERS_SVC: 'http://lb:80/' });
    expect([set('GET', '/api/orders/1'), set('POST', '/api/orders')]).toEqual(['http://lb:80', 'http://lb:80']);
  });

  it.skipIf(!k6)('k6 run sends each operation to its own unit and none elsewhere (skipped: no k6 on PATH and no K6_BIN)', async () => {
    const seen: Record<string, string[]> = { orders: [], users: [] };
    const serve = (name: string) =>
      new Promise<Server>((resolve) => {
        const s = createServer((req, res) => {
          seen[name]!.push(`${req.method} ${req.url}`);
          const mine = req.url!.startsWith(`/api/${name}`);
          res.writeHead(mine ? 200 : 404).end();
        });
        s.listen(0, '127.0.0.1', () => resolve(s));
      });
    const [orders, users] = [await serve('orders'), await serve('users')];
    try {
      const port = (s: Server) => (s.address() as AddressInfo).port;
      const { code, out } = await runK6Script(k6!, tmp, script('split'), { BASE_URL_ORDERS_SVC: `http://127.0.0.1:${port(orders)}`, BASE_URL_USERS_SVC: `http://127.0.0.1:${port(users)}` });
      expect(code, out).toBe(0);
    } finally {
      orders.close();
      users.close();
    }
    // 30/s for 2 s: 60 requests, a third to users; every one at its own unit.
    expect(seen.orders!.length + seen.users!.length).toBe(60);
    expect(seen.users!.length).toBe(20);
    expect(seen.orders!.every((l) => /^(GET|POST) \/api\/orders/.test(l))).toBe(true);
    expect(seen.users!.every((l) => /^GET \/api\/users\//.test(l))).toBe(true);
  }, 120_000);
});
