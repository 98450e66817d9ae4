// The scaffold's endpoints, line by line: a WebSocket route served as GET and said as WS, PUT and
// PATCH taking a body, multi-letter route parameters in the schema and the URL, a sample URL with
// its parameters filled, a call made three times said ×3, three operation names that camel-case
// alike made distinct (aB, aB2, aB3), and a unit's internal endpoints in code-unit order whatever
// order its callers appear in. Each of these is what a mutant of src/generate/scaffold.ts changed
// without any test noticing (reports/MUTATION-SURVIVORS.md, session 32).
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { parseBlueprint } from '../../src/model/parse.js';

const YAML = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: endpoints }
system:
  domains:
    billing:
      operations:
        charge: { route: "POST /charge", cpu: 1ms, calls: [stock.zeta, stock.check] }
    shop:
      operations:
        get-item: { route: "GET /items/{itemId}/parts/{p}", cpu: 1ms }
        put-item: { route: "PUT /items/{itemId}", cpu: 2ms, calls: [{ op: stock.check, count: 3 }, stock.reserve] }
        patch-item: { route: "PATCH /items/{itemId}", cpu: 1ms, emits: [item.changed, item.touched] }
        feed: { route: "WS /ws/feed", cpu: 1ms }
        a-b: { route: "GET /ab1", cpu: 1ms }
        a_b: { route: "GET /ab2", cpu: 1ms }
        a--b: { route: "GET /ab3", cpu: 1ms }
    stock:
      operations:
        check: { internal: true, cpu: 1ms }
        reserve: { internal: true, cpu: 1ms }
        zeta: { internal: true, cpu: 1ms }
  events:
    item.changed: { consumers: [stock.reserve] }
    item.touched: { consumers: [stock.reserve] }
layouts:
  split:
    units:
      web: { domains: [shop], port: 8080 }
      stock: { domains: [stock], port: 8081 }
      billing: { domains: [billing], port: 8082 }
`;

// Generated inside each test, never cached between tests: a mutation run switches a mutant on
// before the tests start and runs only the tests that covered it, so a file generated in an
// earlier test would credit that test alone with the coverage (milliseconds each time).
const file = (path: string) => {
  const r = parseBlueprint(YAML, 'endpoints.yaml');
  if (!r.ok) throw new Error(`the blueprint does not load: ${r.errors.map((e) => e.message).join('; ')}`);
  const f = generate('scaffold', r.blueprint, 'split').find((x) => x.path === path);
  if (!f) throw new Error(`not generated: ${path}`);
  return f.content;
};
const lines = (path: string) => file(path).split('\n');

describe('scaffold endpoints', () => {
  it('registers each public route with its method, URL, parameters and body, said in a comment with its work', () => {
    const routes = lines('services/web/src/routes.ts');
    const at = (comment: string) => routes.slice(routes.indexOf(comment), routes.indexOf(comment) + 2);
    expect(at('  // GET /items/{itemId}/parts/{p}: cpu ≈1 ms')).toEqual([
      '  // GET /items/{itemId}/parts/{p}: cpu ≈1 ms',
      '  app.route({ method: "GET", url: "/items/:itemId/parts/:p", schema: {"params":{"type":"object","properties":{"itemId":{"type":"string","minLength":1},"p":{"type":"string","minLength":1}},"required":["itemId","p"]}}, handler: async (req) => clients.shop.getItem({ params: req.params, body: req.body } as shopContract.GetItemInput) });',
    ]);
    // a WebSocket endpoint is a GET (the upgrade request) and says WS
    expect(at('  // WS /ws/feed: cpu ≈1 ms (a WebSocket endpoint: add @fastify/websocket and upgrade here)')).toEqual([
      '  // WS /ws/feed: cpu ≈1 ms (a WebSocket endpoint: add @fastify/websocket and upgrade here)',
      '  app.route({ method: "GET", url: "/ws/feed", schema: {}, handler: async (req) => clients.shop.feed({ params: req.params, body: req.body } as shopContract.FeedInput) });',
    ]);
    // PUT and PATCH take a JSON body; the call made three times says so, the calls comma-separated
    expect(at('  // PUT /items/{itemId}: cpu ≈2 ms; calls stock.check ×3, stock.reserve')[1]).toBe(
      '  app.route({ method: "PUT", url: "/items/:itemId", schema: {"params":{"type":"object","properties":{"itemId":{"type":"string","minLength":1}},"required":["itemId"]},"body":{"type":"object"}}, handler: async (req) => clients.shop.putItem({ params: req.params, body: req.body } as shopContract.PutItemInput) });',
    );
    expect(at('  // PATCH /items/{itemId}: cpu ≈1 ms; emits item.changed, item.touched')[1]).toContain('"required":["itemId"]},"body":{"type":"object"}}');
    expect(file('services/web/src/routes.ts')).toContain('  { operation: "shop.feed", method: "GET", url: "/ws/feed", internal: false },\n');
    // POST takes a body too
    expect(file('services/billing/src/routes.ts')).toContain('\n  // POST /charge: cpu ≈1 ms; calls stock.zeta, stock.check\n  app.route({ method: "POST", url: "/charge", schema: {"body":{"type":"object"}}, handler:');
  });

  it('names three operations that camel-case alike aB, aB2 and aB3', () => {
    const routes = file('services/web/src/routes.ts');
    expect(routes).toContain('clients.shop.aB({ params: req.params, body: req.body } as shopContract.ABInput)');
    expect(routes).toContain('clients.shop.aB2({ params: req.params, body: req.body } as shopContract.AB2Input)');
    expect(routes).toContain('clients.shop.aB3({ params: req.params, body: req.body } as shopContract.AB3Input)');
  });

  it('says each operation’s route in its contract, a WebSocket one as WS, an internal one as internal', () => {
    expect(file('services/stock/src/contracts/stock.ts')).toContain('\n/** stock.check: internal: cpu ≈1 ms */\n');
    const contract = file('services/web/src/contracts/shop.ts');
    expect(contract).toContain('\n/** shop.feed: WS /ws/feed: cpu ≈1 ms */\n');
    expect(contract).toContain('\n/** shop.patch-item: PATCH /items/{itemId}: cpu ≈1 ms; emits item.changed, item.touched */\n');
    expect(contract).toContain('\n/** shop.put-item: PUT /items/{itemId}: cpu ≈2 ms; calls stock.check ×3, stock.reserve */\n');
  });

  it('tests a body route at its sample URL, its parameters filled with 1', () => {
    expect(file('services/web/test/app.test.ts')).toContain(`const res = await app.inject({ method: "PATCH", url: "/items/1", payload: '"text"', headers: { 'content-type': 'application/json' } });`);
  });

  it('lists a unit’s internal endpoints in code-unit order, not its callers’ (billing calls zeta before check)', () => {
    const routes = file('services/stock/src/routes.ts');
    const list = routes.slice(routes.indexOf('export const ROUTES'), routes.indexOf('];'));
    expect(list.split('\n').filter((l) => l.includes('operation:'))).toEqual([
      '  { operation: "stock.check", method: "POST", url: "/internal/stock/check", internal: true },',
      '  { operation: "stock.reserve", method: "POST", url: "/internal/stock/reserve", internal: true },',
      '  { operation: "stock.zeta", method: "POST", url: "/internal/stock/zeta", internal: true },',
    ]);
  });
});
