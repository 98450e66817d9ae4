// The scaffold's clients apply each call's policy as archsim's simulator does (src/simulate/des/
// calls.ts): the timeout of each attempt, retries after backoff × 2^attempt (no jitter), a circuit
// breaker per callee operation (failure fraction over a window, open for openFor, then calls go
// through again) and an optional call that answers undefined instead of throwing. The first part
// reads the generated policy constants; the second runs the generated remote.ts (transpiled) with
// real HTTP against a node:http server that delays or fails.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { fileOf, load } from './own-blueprint.js';

const BLUEPRINT = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: food }
system:
  domains:
    orders:
      operations:
        place:
          route: "POST /orders"
          cpu: 1ms
          calls:
            - { op: restaurants.check-menu, timeout: 150ms, retries: 2, backoff: 25ms,
                circuitBreaker: { failureThreshold: 40%, window: 20s, minCalls: 10, openFor: 10s } }
            - { op: pricing.quote, timeout: 80ms, retries: 1, backoff: 10ms }
            - restaurants.hours
            - { op: promotions.apply, timeout: 50ms, optional: true }
        cancel:
          route: "POST /orders/{id}/cancel"
          cpu: 1ms
          calls: [{ op: pricing.quote, retries: 3 }]
    restaurants:
      operations:
        check-menu: { internal: true, cpu: 1ms }
        hours: { internal: true, cpu: 1ms }
    pricing:
      operations:
        quote: { internal: true, cpu: 1ms }
    promotions:
      operations:
        apply: { internal: true, cpu: 1ms }
layouts:
  split:
    units:
      orders: { domains: [orders], port: 8080 }
      others: { domains: [restaurants, pricing, promotions], port: 8081 }
`;

const files = () => generate('scaffold', load(BLUEPRINT), 'split');

describe('call policies in the generated clients', () => {
  it('clients.ts declares each called operation’s policy and passes it to its client', () => {
    const clients = fileOf(files(), 'services/orders/src/clients.ts');
    expect(clients).toContain("import { httpClient, type Policies } from './remote.js';");
    expect(clients).toContain(
      [
        'export const POLICIES_Pricing: Policies<PricingClient> = {',
        '  // orders.place → pricing.quote; also called by orders.cancel with another policy, which this one overrides',
        '  quote: { timeoutMs: 80, retries: 1, backoffMs: 10, optional: false },',
        '};',
        'export const POLICIES_Promotions: Policies<PromotionsClient> = {',
        '  // orders.place → promotions.apply',
        '  apply: { timeoutMs: 50, retries: 0, backoffMs: 50, optional: true },',
        '};',
        'export const POLICIES_Restaurants: Policies<RestaurantsClient> = {',
        '  // orders.place → restaurants.check-menu',
        '  checkMenu: { timeoutMs: 150, retries: 2, backoffMs: 25, optional: false, breaker: { failureThreshold: 0.4, windowMs: 20000, minCalls: 10, openForMs: 10000 } },',
        '};',
      ].join('\n'),
    );
    expect(clients).toContain(
      '  clients.restaurants = httpClient<RestaurantsClient>(env.OTHERS_URL ?? "http://others:8081", "restaurants", [["checkMenu", "check-menu"], ["hours", "hours"]], token, 10_000, POLICIES_Restaurants);',
    );
    expect(clients).toContain('  clients.promotions = httpClient<PromotionsClient>(env.OTHERS_URL ?? "http://others:8081", "promotions", [["apply", "apply"]], token, 10_000, POLICIES_Promotions);');
    // restaurants.hours declares no policy: no entry (one attempt, the default 10 s timeout).
    expect(clients).not.toContain('hours: {');
    // The callee unit calls nobody: no policies.
    expect(fileOf(files(), 'services/others/src/clients.ts')).not.toContain('Policies');
  });
});

// --- the generated remote.ts, run -------------------------------------------------------------

interface CallPolicy {
  timeoutMs?: number;
  retries: number;
  backoffMs: number;
  optional: boolean;
  breaker?: { failureThreshold: number; windowMs: number; minCalls: number; openForMs: number };
}
type Client = { go(input: object): Promise<unknown> };
type Remote = {
  httpClient(base: string, domain: string, ops: readonly (readonly [string, string])[], token: string, timeoutMs?: number, policies?: Record<string, CallPolicy>): Client;
};

const tmp = mkdtempSync(join(tmpdir(), 'archsim-call-policies-'));
let remote: Remote;
let server: Server;
let base = '';
/** What the server does with the next requests, and when each arrived. */
let behave: { delayMs: number; status: number } = { delayMs: 0, status: 200 };
let arrivals: number[] = [];

beforeAll(async () => {
  // The generated sources the client needs, transpiled to ES modules side by side.
  const src = files().filter((f) => f.path.startsWith('services/orders/src/') && /\/(remote|errors|service-auth)\.ts$/.test(f.path));
  expect(src).toHaveLength(3);
  writeFileSync(join(tmp, 'package.json'), '{"type":"module"}');
  for (const f of src) {
    const js = ts.transpileModule(f.content, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(tmp, f.path.split('/').pop()!.replace(/\.ts$/, '.js')), js);
  }
  remote = (await import(/* @vite-ignore */ pathToFileURL(join(tmp, 'remote.js')).href)) as Remote;
  server = createServer((req, res) => {
    arrivals.push(performance.now());
    req.resume();
    const { delayMs, status } = behave;
    const t = setTimeout(() => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: status < 400 }));
    }, delayMs);
    res.on('close', () => clearTimeout(t));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  // The first fetch loads its HTTP stack (tens of ms, synchronously): not a call to time.
  await fetch(base).then((r) => r.text());
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
  rmSync(tmp, { recursive: true, force: true });
});

const client = (policy: CallPolicy) => remote.httpClient(base, 'd', [['go', 'go']], 'token', 10_000, { go: policy });
/** Runs a call; resolves to how long it took and its outcome. */
async function timed(call: () => Promise<unknown>): Promise<{ ms: number; value?: unknown; error?: Error & { statusCode?: number } }> {
  const t0 = performance.now();
  try {
    const value = await call();
    return { ms: performance.now() - t0, value };
  } catch (e) {
    return { ms: performance.now() - t0, error: e as Error };
  }
}
const serve = (delayMs: number, status: number) => {
  behave = { delayMs, status };
  arrivals = [];
};

describe('the generated clients apply the policy', () => {
  it('a timeout of 150 ms gives up at 150 ms (not the 10 s default), as a 503', async () => {
    serve(2000, 200);
    const r = await timed(() => client({ timeoutMs: 150, retries: 0, backoffMs: 50, optional: false }).go({}));
    expect(r.error?.statusCode).toBe(503);
    expect(r.error?.message).toBe('d.go unavailable: timed out after 150 ms');
    expect(r.ms).toBeGreaterThanOrEqual(145);
    // the upper bound is loose (a loaded CI machine): below the server's 2 s and the 10 s default
    expect(r.ms).toBeLessThan(1500);
    expect(arrivals).toHaveLength(1);
  });

  it('retries: 2 makes exactly 3 attempts, 40 ms then 80 ms apart (backoff × 2^attempt, no jitter)', async () => {
    serve(0, 500);
    const r = await timed(() => client({ retries: 2, backoffMs: 40, optional: false }).go({}));
    expect(r.error?.statusCode).toBe(502);
    expect(arrivals).toHaveLength(3);
    const gaps = [arrivals[1]! - arrivals[0]!, arrivals[2]! - arrivals[1]!];
    expect(gaps[0]).toBeGreaterThanOrEqual(39);
    // upper bounds loose for a loaded machine; the lower ones are the backoff
    expect(gaps[0]).toBeLessThan(40 + 1000);
    expect(gaps[1]).toBeGreaterThanOrEqual(79);
    expect(gaps[1]).toBeLessThan(80 + 1000);
  });

  it('a timed-out attempt is retried too: 2 attempts of 100 ms and a 30 ms backoff', async () => {
    serve(2000, 200);
    const r = await timed(() => client({ timeoutMs: 100, retries: 1, backoffMs: 30, optional: false }).go({}));
    expect(r.error?.statusCode).toBe(503);
    expect(arrivals).toHaveLength(2);
    expect(r.ms).toBeGreaterThanOrEqual(228);
    expect(r.ms).toBeLessThan(1500); // below one attempt of the server's 2 s
  });

  it('the request’s own 4xx passes through at once: no retry', async () => {
    serve(0, 404);
    const r = await timed(() => client({ retries: 3, backoffMs: 40, optional: true }).go({}));
    expect(r.error?.statusCode).toBe(404);
    expect(arrivals).toHaveLength(1);
  });

  it('the breaker opens once minCalls ran and the failure fraction is reached, rejects fast, and lets calls through after openFor', async () => {
    serve(0, 500);
    const c = client({ retries: 0, backoffMs: 50, optional: false, breaker: { failureThreshold: 0.5, windowMs: 10_000, minCalls: 3, openForMs: 300 } });
    for (let i = 0; i < 3; i++) expect((await timed(() => c.go({}))).error?.statusCode).toBe(502);
    expect(arrivals).toHaveLength(3);
    const open = await timed(() => c.go({}));
    expect(open.error?.statusCode).toBe(503);
    expect(open.error?.message).toBe('d.go unavailable: circuit breaker open');
    expect(open.ms).toBeLessThan(250); // no request sent (arrivals below): no round trip, no wait
    expect(arrivals).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 320));
    serve(0, 200);
    expect((await timed(() => c.go({}))).value).toEqual({ ok: true });
    expect(arrivals).toHaveLength(1);
  });

  it('under the threshold the breaker stays closed: 1 failure in 3 calls with failureThreshold 50%', async () => {
    const c = client({ retries: 0, backoffMs: 50, optional: false, breaker: { failureThreshold: 0.5, windowMs: 10_000, minCalls: 3, openForMs: 5000 } });
    serve(0, 500);
    await timed(() => c.go({}));
    serve(0, 200);
    await timed(() => c.go({}));
    await timed(() => c.go({}));
    expect((await timed(() => c.go({}))).value).toEqual({ ok: true });
    expect(arrivals).toHaveLength(3);
  });

  it('an optional call that fails answers undefined and logs, instead of throwing', async () => {
    serve(0, 500);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const r = await timed(() => client({ retries: 1, backoffMs: 10, optional: true }).go({}));
      expect(r.error).toBeUndefined();
      expect(r.value).toBeUndefined();
      expect(arrivals).toHaveLength(2);
      expect(warn.mock.calls).toEqual([['d.go failed, an optional call: going on without it (d.go failed (500))']]);
    } finally {
      warn.mockRestore();
    }
  });

  it('a method without a policy makes one attempt', async () => {
    serve(0, 500);
    const c = remote.httpClient(base, 'd', [['go', 'go']], 'token');
    expect((await timed(() => c.go({}))).error?.statusCode).toBe(502);
    expect(arrivals).toHaveLength(1);
  });
});
