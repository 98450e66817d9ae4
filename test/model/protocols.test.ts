// The model's protocols, call counts, in-process stores and ports (issue 17): what the loader
// accepts and refuses (each refusal positioned), what resolve.ts makes of them, and what lint,
// graph and generate say about them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { lint } from '../../src/model/lint.js';
import { toMermaid } from '../../src/model/mermaid.js';
import { parseBlueprint } from '../../src/model/parse.js';
import { callProtocol, resolveBlueprint, resolveLayout } from '../../src/model/resolve.js';
import { LIMITS } from '../../src/model/limits.js';
import { generate } from '../../src/generate/index.js';
import { loadBlueprint } from '../../src/io/load.js';
import { PortInUseError, startLayout } from '../../reference-services/launcher/layout.js';

/** A shop whose front fans out to a catalog and a cart; `patch` edits the text. */
const SHOP = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop }
system:
  domains:
    front:
      operations:
        home: { route: GET /, cpu: 1ms, calls: [{ op: catalog.list, count: 3 }, cart.get] }
    catalog:
      tables: [products]
      operations:
        list: { internal: true, cpu: 1ms, db: { reads: 1 } }
    cart:
      tables: [carts]
      operations:
        get: { internal: true, cpu: 1ms, db: { reads: 1 } }
layouts:
  mono:
    units: { app: { domains: "*", port: 8080 } }
    datastores:
      db: { engine: postgres, tables: [carts] }
      products-mem: { engine: memory, tables: [products] }
  split:
    protocol: grpc
    units:
      web: { domains: [front], port: 8080, protocol: http }
      catalog-svc: { domains: [catalog], port: 50051 }
      cart-svc: { domains: [cart], port: 50051 }
    datastores:
      products-mem: { engine: memory, tables: [products] }
      carts: { engine: redis, tables: [carts] }
`;

function load(text: string) {
  const r = parseBlueprint(text, 'shop.yaml');
  if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return r.blueprint;
}

function errors(text: string): string[] {
  const r = parseBlueprint(text, 'shop.yaml');
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.errors.map(formatDiagnostic);
}

/** The 1-based line and column of the n-th occurrence of `needle` in `text`. */
function at(text: string, needle: string): string {
  const i = text.indexOf(needle);
  const before = text.slice(0, i).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

describe('loading', () => {
  it('accepts protocols, counts, a memory store and two units on one port', () => {
    const bp = load(SHOP);
    expect(bp.system.domains.front!.operations.home!.calls.map((c) => c.count)).toEqual([3, 1]);
    expect(bp.layouts.split!.protocol).toBe('grpc');
    expect(bp.layouts.mono!.protocol).toBe('http');
    expect(bp.layouts.split!.network.grpc).toEqual({});
  });

  it('refuses protocol: ftp on a call, at its position', () => {
    const text = SHOP.replace('cart.get]', '{ op: cart.get, protocol: ftp }]');
    const e = errors(text);
    expect(e).toHaveLength(1);
    expect(e[0]).toMatch(new RegExp(`^shop\\.yaml:${at(text, 'ftp')}: system\\.domains\\.front\\.operations\\.home\\.calls\\[1\\]\\.protocol: .*"http".*"grpc"`));
  });

  it('refuses protocol: ftp on a layout and a unit', () => {
    const text = SHOP.replace('protocol: grpc\n', 'protocol: ftp\n').replace('protocol: http }', 'protocol: HTTP }');
    const e = errors(text).join('\n');
    expect(e).toContain(`shop.yaml:${at(text, 'ftp')}: layouts.split.protocol`);
    expect(e).toContain(`shop.yaml:${at(text, 'HTTP')}: layouts.split.units.web.protocol`);
  });

  it('refuses count: 0, count: 2.5 and count: 10^9, each at its position', () => {
    for (const [bad, says] of [
      ['0', /too small|>=1|at least 1/i],
      ['2.5', /integer|int/i],
      ['1000000000', new RegExp(`at most ${LIMITS.callCount} calls`)],
    ] as const) {
      const text = SHOP.replace('count: 3', `count: ${bad}`);
      const e = errors(text);
      expect(e, bad).toHaveLength(1);
      expect(e[0]).toMatch(new RegExp(`^shop\\.yaml:${at(text, `count: ${bad}`).replace(/:(\d+)$/, (_, c) => `:${Number(c) + 7}`)}: system\\.domains\\.front\\.operations\\.home\\.calls\\[0\\]\\.count: `));
      expect(e[0]).toMatch(says);
    }
  });

  it('refuses counts that multiply past the call budget, at the calls of the request that makes them', () => {
    // 1000 × 1000 calls in one request: cut at LIMITS.callSteps and refused, quickly.
    const text = SHOP.replace('list: { internal: true, cpu: 1ms, db: { reads: 1 } }', 'list: { internal: true, cpu: 1ms, db: { reads: 1 }, calls: [{ op: cart.get, count: 1000 }] }').replace('count: 3', 'count: 1000');
    const t0 = performance.now();
    const e = errors(text);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(e).toHaveLength(1);
    expect(e[0]).toMatch(/^shop\.yaml:\d+:\d+: system\.domains\.front\.operations\.home\.calls: one request of front\.home makes more than 10000 calls/);
    // Just under the budget is fine: 100 × 99 + 100 = 10 000 calls.
    const fits = SHOP.replace('list: { internal: true, cpu: 1ms, db: { reads: 1 } }', 'list: { internal: true, cpu: 1ms, db: { reads: 1 }, calls: [{ op: cart.get, count: 99 }] }').replace('count: 3', 'count: 100').replace(', cart.get]', ']');
    const bp = load(fits);
    expect(resolveBlueprint(bp).callTree('front.home').steps).toHaveLength(LIMITS.callSteps);
  });

  it('refuses a memory store with a port, an instance, or tables of two units', () => {
    const withPort = SHOP.replace('products-mem: { engine: memory, tables: [products] }', 'products-mem: { engine: memory, tables: [products], port: 6379 }');
    expect(errors(withPort)).toEqual([`shop.yaml:${at(withPort, '6379')}: layouts.mono.datastores.products-mem.port: datastore "products-mem" is engine memory, state in its unit's process: it has no port (remove port, or pick a server engine)`]);
    const withInstance = `${SHOP.replace('products-mem: { engine: memory, tables: [products] }', 'products-mem: { engine: memory, tables: [products], instance: small }')}catalog:\n  small: { usdPerMonth: $5 }\n`;
    expect(errors(withInstance)[0]).toMatch(/layouts\.mono\.datastores\.products-mem\.instance: .*no instance of its own/);
    const twoUnits = SHOP.replace('      products-mem: { engine: memory, tables: [products] }\n      carts: { engine: redis, tables: [carts] }', '      products-mem: { engine: memory, tables: [products, carts] }');
    expect(errors(twoUnits)).toEqual([
      `shop.yaml:${at(twoUnits, '[products, carts]')}: layouts.split.datastores.products-mem.tables: datastore "products-mem" is engine memory, state in one unit's process, but holds tables of units "catalog-svc" (products) and "cart-svc" (carts): give each unit its own memory store, or use a server engine`,
    ]);
  });

  it('accepts the gateway, units and datastores on one port: separate hosts', () => {
    const text = SHOP.replace('    units: { app: { domains: "*", port: 8080 } }', '    gateway: { kind: nginx, port: 8080 }\n    units: { app: { domains: "*", port: 8080 } }').replace('db: { engine: postgres, tables: [carts] }', 'db: { engine: postgres, tables: [carts], port: 8080 }');
    expect(() => load(text)).not.toThrow();
  });
});

describe('resolve', () => {
  const bp = load(SHOP);

  it('applies count in the call tree: one node per call, numbered', () => {
    const t = resolveBlueprint(bp).callTree('front.home');
    expect(t.steps.map((s) => `${s.callee.id}#${s.nth}`)).toEqual(['catalog.list#0', 'catalog.list#1', 'catalog.list#2', 'cart.get#0']);
    expect(t.runs.get('catalog.list')).toBe(3);
    expect(t.tooLarge).toBe(false);
  });

  it('gives each unit the protocol it serves and each call its own, else its callee’s, else the layout’s', () => {
    const r = resolveLayout(bp, 'split');
    expect(r.units.map((u) => `${u.name}:${u.protocol}`)).toEqual(['web:http', 'catalog-svc:grpc', 'cart-svc:grpc']);
    const cartSvc = r.units.find((u) => u.name === 'cart-svc');
    expect(callProtocol(r, { protocol: 'http' }, cartSvc)).toBe('http');
    expect(callProtocol(r, {}, cartSvc)).toBe('grpc');
    expect(callProtocol(r, {}, undefined)).toBe('grpc');
    const web = r.wiring.find((w) => w.unit.name === 'web')!;
    expect(web.callProtocols).toEqual({ 'cart-svc': ['grpc'], 'catalog-svc': ['grpc'] });
    expect(r.wiring.find((w) => w.unit.name === 'catalog-svc')!.serves).toEqual(['grpc']);
    expect(web.serves).toEqual(['http']);
  });

  it('a unit serves every protocol it is called by', () => {
    const b = load(SHOP.replace('cart.get]', '{ op: cart.get, protocol: http }]'));
    expect(resolveLayout(b, 'split').wiring.find((w) => w.unit.name === 'cart-svc')!.serves).toEqual(['grpc', 'http']);
  });

  it('gRPC hop costs: network.grpc where given, else the HTTP figures', () => {
    expect(resolveLayout(bp, 'split').hop).toEqual({ http: { latency: 0.25, cpuPerCall: 0.1, cpuPerKiB: 0.005 }, grpc: { latency: 0.25, cpuPerCall: 0.1, cpuPerKiB: 0.005 } });
    const own = load(SHOP.replace('    protocol: grpc\n', '    protocol: grpc\n    network: { cpuPerCall: 0.2ms, grpc: { cpuPerCall: 0.04ms } }\n'));
    expect(resolveLayout(own, 'split').hop).toEqual({ http: { latency: 0.25, cpuPerCall: 0.2, cpuPerKiB: 0.005 }, grpc: { latency: 0.25, cpuPerCall: 0.04, cpuPerKiB: 0.005 } });
  });

  it('a memory store: small query times, and no unit connects to it', () => {
    const r = resolveLayout(bp, 'mono');
    const list = r.operations.get('catalog.list')!;
    expect(list.store?.name).toBe('products-mem');
    expect(list.read).toEqual(bp.system.defaults.memory.read);
    expect(list.read.mean).toBeCloseTo(0.005, 12);
    expect(list.write.mean).toBeCloseTo(0.01, 12);
    expect(r.operations.get('cart.get')!.read.mean).toBeCloseTo(0.5, 12);
    expect(r.wiring[0]!.stores.map((s) => s.name)).toEqual(['db']);
  });
});

describe('lint, graph and generate', () => {
  const bp = load(SHOP);

  it('lint hints at network.grpc where gRPC calls cost the HTTP figures, and not once they are set', () => {
    const f = lint(bp, 'split').filter((x) => x.rule === 'grpc-hop-cost');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toBe('2 gRPC calls between units (front.home → catalog.list, front.home → cart.get) cost the HTTP figures: network.cpuPerCall 0.1 ms and cpuPerKiB 0.005 ms per side');
    expect(f[0]!.why).toContain('network.grpc.cpuPerCall');
    expect(lint(bp, 'mono').filter((x) => x.rule === 'grpc-hop-cost')).toEqual([]);
    const set = load(SHOP.replace('    protocol: grpc\n', '    protocol: grpc\n    network: { grpc: { cpuPerCall: 0.04ms, cpuPerKiB: 2us } }\n'));
    expect(lint(set, 'split').filter((x) => x.rule === 'grpc-hop-cost')).toEqual([]);
  });

  it('lint counts a call’s count among a request’s calls across units, and warns of memory state in replicas', () => {
    const chatty = lint(bp, 'split', { chattyThreshold: 3 }).find((x) => x.rule === 'chatty-operation');
    expect(chatty?.message).toBe('front.home makes 4 synchronous calls across units per request (more than 3): front.home → catalog.list ×3, front.home → cart.get');
    expect(lint(bp, 'split').filter((x) => x.rule === 'memory-state-replicas')).toEqual([]);
    const replicated = load(SHOP.replace('catalog-svc: { domains: [catalog], port: 50051 }', 'catalog-svc: { domains: [catalog], port: 50051, replicas: 3 }'));
    const m = lint(replicated, 'split').filter((x) => x.rule === 'memory-state-replicas');
    expect(m.map((x) => x.message)).toEqual(['"products-mem" (engine memory) lives in each replica of catalog-svc (3 replicas): each holds its own copy']);
  });

  it('graph labels a counted call ×N and draws it once, in a loop', () => {
    const flow = toMermaid(bp, 'split');
    expect(flow).toContain('u_web -->|"1 call ×3"| u_catalog_svc');
    expect(flow).toContain('u_web -->|"1 call"| u_cart_svc');
    const seq = toMermaid(bp, 'split', { operation: 'front.home' });
    expect(seq).toContain('  loop 3 times\n  u_web->>+u_catalog_svc: catalog.list (gRPC)\n');
    expect(seq.match(/->>\+u_catalog_svc/g)).toHaveLength(1);
  });

  it('generate emits no service, variable or secret for a memory store', () => {
    for (const layout of ['mono', 'split']) {
      const files = generate('all', bp, layout, { withDatastores: true });
      const text = files.map((f) => f.content).join('\n');
      expect(text, layout).not.toMatch(/products-mem|PRODUCTS_MEM/);
    }
  });
});

describe('ports on one host', () => {
  it('`up` refuses a layout whose units share a port before it starts anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-ports-'));
    try {
      writeFileSync(join(dir, 'shop.yaml'), SHOP);
      const started = startLayout(join(dir, 'shop.yaml'), 'split', { portOffset: 0 });
      await expect(started).rejects.toThrow(PortInUseError);
      await expect(startLayout(join(dir, 'shop.yaml'), 'split')).rejects.toThrow('unit catalog-svc and unit cart-svc both listen on port 50051');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('`up` refuses an offset that moves a port past 65535, naming it and the largest offset that fits (an internal error before)', async () => {
    const bp = join(process.cwd(), 'blueprints', 'quantchat.yaml');
    const highest = Math.max(...resolveLayout(loadBlueprint(bp).blueprint, 'microservices').units.map((u) => u.port));
    const offset = 65_536 - highest;
    const started = startLayout(bp, 'microservices', { portOffset: offset });
    await expect(started).rejects.toThrow(PortInUseError);
    await expect(startLayout(bp, 'microservices', { portOffset: offset })).rejects.toThrow(new RegExp(`^--port-offset ${offset} moves .*to 65536, past 65535: use an offset of at most ${offset - 1}$`));
  });
});
