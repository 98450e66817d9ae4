// The gateway's routes by exact values: a migration plan's canary step (`generate gateway
// --plan`: the new unit and the unit its routes came from, the ends of the split as plain
// routes), the gRPC listener's port, and where the k6 script dials gRPC. Milliseconds each.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { layoutToGenerate } from '../../src/generate/common.js';
import { gatewayGrpcPort, gatewayRoutes, grpcPathRegex, nginxLocations, traefikRule } from '../../src/generate/gateway.js';
import { generate } from '../../src/generate/index.js';
import { k6GrpcCalls } from '../../src/generate/k6.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { parseBlueprint } from '../../src/model/parse.js';
import type { Blueprint } from '../../src/model/schema.js';

function load(text: string, file: string): Blueprint {
  const r = parseBlueprint(text, file);
  if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return r.blueprint;
}
const storesText = readFileSync(new URL('../fixtures/generate/stores.yaml', import.meta.url), 'utf8');
const stores = load(storesText, 'stores.yaml');
/** The same, api running "*" (the same one domain): the monolith a --canary splits with. */
const starred = load(storesText.replace('api: { domains: [api], port: 8000', 'api: { domains: "*", port: 8000'), 'stores.yaml');

/** gRPC units behind a gateway whose next port (8001) a unit already has. */
const rpc = load(
  `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: rpc }
system:
  domains:
    front: { operations: { home: { route: GET /, cpu: 1ms } } }
    items: { operations: { get: { route: "GET /items/{id}", cpu: 1ms }, put: { route: PUT /items, cpu: 1ms }, hide: { internal: true, cpu: 1ms } } }
layouts:
  gated:
    gateway: { kind: nginx, port: 8000 }
    protocol: grpc
    units:
      web: { domains: [front], port: 8001, protocol: http }
      items: { domains: [items], port: 8002 }
  traefik:
    gateway: { kind: traefik, port: 9000 }
    protocol: grpc
    units:
      web: { domains: [front], port: 9001, protocol: http }
      items: { domains: [items], port: 9002 }
  direct:
    protocol: grpc
    units:
      web: { domains: [front], port: 8001, protocol: http }
      items: { domains: [items], port: 8002 }
  internal-only:
    gateway: { kind: nginx, port: 8000 }
    units:
      web: { domains: [front, items], port: 8001 }
  near-top:
    gateway: { kind: nginx, port: 65534 }
    protocol: grpc
    units:
      web: { domains: [front], port: 65533, protocol: http }
      items: { domains: [items], port: 2000 }
  top:
    gateway: { kind: nginx, port: 65535 }
    protocol: grpc
    units:
      web: { domains: [front], port: 65534, protocol: http }
      items: { domains: [items], port: 2000 }
`,
  'rpc.yaml',
);

describe('a migration plan’s canary step', () => {
  const step = (percent: number) => gatewayRoutes(stores, layoutToGenerate(stores, 'rabbit'), { canaries: [{ unit: 'search', percent, from: { unit: 'legacy', port: 7000 } }] });
  const backendsOf = (percent: number) => step(percent).find((g) => g.unit === 'search')!.backends;

  it('splits the new unit’s routes with the unit they came from, which may be gone from the layout', () => {
    expect(backendsOf(25)).toEqual([
      { unit: 'search', host: 'search', port: 8080, weight: 25 },
      { unit: 'legacy', host: 'legacy', port: 7000, weight: 75 },
    ]);
    // Other units keep their routes whole.
    expect(step(25).find((g) => g.unit === 'api')!.backends).toEqual([{ unit: 'api', host: 'api', port: 8000, weight: 100 }]);
  });

  it('at 0% (the rollback) everything goes to the old unit, at 100% to the new: no split either way', () => {
    expect(backendsOf(0)).toEqual([{ unit: 'legacy', host: 'legacy', port: 7000, weight: 100 }]);
    expect(backendsOf(-1)).toEqual([{ unit: 'legacy', host: 'legacy', port: 7000, weight: 100 }]);
    expect(backendsOf(100)).toEqual([{ unit: 'search', host: 'search', port: 8080, weight: 100 }]);
    expect(backendsOf(101)).toEqual([{ unit: 'search', host: 'search', port: 8080, weight: 100 }]);
    expect(backendsOf(1)).toEqual([
      { unit: 'search', host: 'search', port: 8080, weight: 1 },
      { unit: 'legacy', host: 'legacy', port: 7000, weight: 99 },
    ]);
    expect(backendsOf(99)).toEqual([
      { unit: 'search', host: 'search', port: 8080, weight: 99 },
      { unit: 'legacy', host: 'legacy', port: 7000, weight: 1 },
    ]);
  });

  it('the nginx file splits on the request id, the last share taking the rest', () => {
    const conf = generate('gateway', stores, 'rabbit', { kind: 'nginx', canaries: [{ unit: 'search', percent: 25, from: { unit: 'legacy', port: 7000 } }] })[0]!.content;
    expect(conf).toContain('    # canary: 25% to search, 75% to legacy\n    split_clients "${request_id}" $backend_search {\n        25%  search:8080;\n        *    legacy:7000;\n    }\n');
    const rollback = generate('gateway', stores, 'rabbit', { kind: 'nginx', canaries: [{ unit: 'search', percent: 0, from: { unit: 'legacy', port: 7000 } }] })[0]!.content;
    expect(rollback).not.toContain('split_clients');
    expect(rollback).toContain('        location = /feed {\n            set $backend_search legacy:7000;\n            proxy_pass http://$backend_search;\n');
  });

  it('a plan step wins over --canary for its unit', () => {
    const routes = gatewayRoutes(starred, layoutToGenerate(starred, 'rabbit'), { canary: { unit: 'search', percent: 10 }, canaries: [{ unit: 'search', percent: 60, from: { unit: 'legacy', port: 7000 } }] });
    expect(routes.find((g) => g.unit === 'search')!.backends.map((b) => [b.unit, b.weight])).toEqual([
      ['search', 60],
      ['legacy', 40],
    ]);
  });
});

describe('gRPC through the gateway', () => {
  it('nginx and Kong take gRPC on the next port above the gateway’s that no unit has', () => {
    expect(gatewayGrpcPort(layoutToGenerate(rpc, 'gated'))).toBe(8003);
    expect(gatewayGrpcPort(layoutToGenerate(rpc, 'traefik'))).toBe(9003);
    // No gRPC unit with a public route: no gRPC listener.
    expect(gatewayGrpcPort(layoutToGenerate(rpc, 'internal-only'))).toBeUndefined();
    // 65535 is a port too; past it, the nearest free one below the gateway's
    expect(gatewayGrpcPort(layoutToGenerate(rpc, 'near-top'))).toBe(65535);
    expect(gatewayGrpcPort(layoutToGenerate(rpc, 'top'))).toBe(65533);
    const conf = generate('gateway', rpc, 'gated')[0]!.content;
    expect(conf).toContain('        listen 8000;\n');
    expect(conf).toContain('        listen 8003 http2;\n');
    expect(generate('gateway', rpc, 'internal-only')[0]!.content).not.toContain('http2');
  });

  it('each method an exact regex with literal dots; prefixes claim themselves and what is under them', () => {
    expect(grpcPathRegex('/rpc.v1.Items/Get')).toBe('^/rpc\\.v1\\.Items/Get$');
    expect(traefikRule(['/'])).toBe('PathPrefix(`/`)');
    expect(traefikRule(['/a', '/b/c'])).toBe('Path(`/a`) || PathPrefix(`/a/`) || Path(`/b/c`) || PathPrefix(`/b/c/`)');
    expect(nginxLocations('/')).toEqual(['/']);
    expect(nginxLocations('/a/b')).toEqual(['= /a/b', '^~ /a/b/']);
  });

  it('k6 dials the gateway’s gRPC port (Traefik: BASE_URL’s own address, its one port), or each unit itself without a gateway', () => {
    const ops = ['items.get', 'items.put', 'front.home'];
    expect(k6GrpcCalls(rpc, layoutToGenerate(rpc, 'gated'), ops, 'nginx')).toEqual([
      { id: 'items.get', unit: 'items', method: 'rpc.v1.Items/Get', target: 'GRPC_ADDR', port: 8003 },
      { id: 'items.put', unit: 'items', method: 'rpc.v1.Items/Put', target: 'GRPC_ADDR', port: 8003 },
    ]);
    expect(k6GrpcCalls(rpc, layoutToGenerate(rpc, 'gated'), ['items.get'], 'traefik')).toEqual([{ id: 'items.get', unit: 'items', method: 'rpc.v1.Items/Get', target: 'GRPC_ADDR', port: 8000, viaBase: true }]);
    expect(k6GrpcCalls(rpc, layoutToGenerate(rpc, 'direct'), ['items.get', 'nope.x'], 'nginx')).toEqual([{ id: 'items.get', unit: 'items', method: 'rpc.v1.Items/Get', target: 'ITEMS_GRPC_ADDR', port: 8002 }]);
  });
});

describe('Kong upstream targets at a canary’s ends', () => {
  it('a target of weight 0 is left out: at 0% the monolith alone, at 100% the canary alone, at 50% both', () => {
    const targets = (percent: number) => (parseYaml(generate('gateway', starred, 'rabbit', { kind: 'kong', canary: { unit: 'search', percent } })[0]!.content) as { upstreams: { name: string; targets: unknown[] }[] }).upstreams.map((u) => [u.name, u.targets]);
    const api = { target: 'api:8000', weight: 100 };
    expect(targets(0)).toEqual([['api.upstream', [api]], ['search.upstream', [api]]]);
    expect(targets(100)).toEqual([['api.upstream', [api]], ['search.upstream', [{ target: 'search:8080', weight: 100 }]]]);
    expect(targets(50)).toEqual([['api.upstream', [api]], ['search.upstream', [{ target: 'search:8080', weight: 50 }, { target: 'api:8000', weight: 50 }]]]);
  });
});
