// Every bundled blueprint × layout × target generates, twice to the same bytes; one layout per
// target is compared with checked-in golden files (UPDATE_GOLDEN=1 rewrites them).
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate, TARGETS, type GenerateOptions } from '../../src/generate/index.js';
import { pairs, quantchat } from './fixtures.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { parseBlueprint } from '../../src/model/parse.js';

const GOLDEN = new URL('./golden/', import.meta.url).pathname;
const GOLDEN_LAYOUT = 'strangler-relay';
const update = process.env.UPDATE_GOLDEN === '1';

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** The files equal the checked-in golden/<name>/ byte for byte (UPDATE_GOLDEN=1 rewrites it first). */
function matchesGolden(name: string, files: { path: string; content: string }[]): void {
  const dir = join(GOLDEN, name);
  if (update) {
    rmSync(dir, { recursive: true, force: true });
    for (const f of files) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
    }
  }
  expect(listFiles(dir)).toEqual(files.map((f) => f.path).sort());
  for (const f of files) expect(f.content, `${name}/${f.path} (run with UPDATE_GOLDEN=1 after an intended change)`).toBe(readFileSync(join(dir, f.path), 'utf8'));
}

describe('generation matrix', () => {
  const cases = pairs.flatMap((p) => TARGETS.map((target) => ({ ...p, target, label: `${p.name} ${target}` })));
  it.each(cases)('$label generates, deterministically', ({ bp, layout, target }) => {
    const a = generate(target, bp, layout);
    const b = generate(target, bp, layout);
    expect(a.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
    for (const f of a) {
      expect(f.path).not.toMatch(/^\/|\.\.|\\/);
      expect(f.content.endsWith('\n'), f.path).toBe(true);
    }
    expect(new Set(a.map((f) => f.path)).size).toBe(a.length);
  });

  it('all = scaffold + gateway + monitoring + k6, each path once', () => {
    const all = generate('all', quantchat, 'microservices').map((f) => f.path);
    for (const t of ['scaffold', 'gateway', 'monitoring', 'k6'] as const) for (const f of generate(t, quantchat, 'microservices')) expect(all).toContain(f.path);
  });
});

describe.each(TARGETS.filter((t) => t !== 'all'))('golden files: %s of quantchat/' + GOLDEN_LAYOUT, (target) => {
  it('matches the checked-in bytes', () => {
    matchesGolden(target, generate(target, quantchat, GOLDEN_LAYOUT));
  });
});

// The TypeScript scaffold in full (contracts, handlers, clients in-process, over HTTP and to a
// gRPC image) and the deploy files of units it does not write: the shop's split layout.
describe('golden files: scaffold of the shop fixture, layout split', () => {
  it('matches the checked-in bytes', () => {
    const text = readFileSync(new URL('../fixtures/generate/shop.yaml', import.meta.url), 'utf8');
    const parsed = parseBlueprint(text, 'shop.yaml');
    if (!parsed.ok) throw new Error(parsed.errors.map(formatDiagnostic).join('\n'));
    matchesGolden('scaffold-shop-split', generate('scaffold', parsed.blueprint, 'split'));
  });
});

// Every datastore engine, broker kind, autoscale metric and runtime the generators treat apart
// (test/fixtures/generate/stores.yaml), in the files the matrix above never writes: compose per
// broker kind (with the monitoring services beside a gateway), Kubernetes with the datastores'
// StatefulSets and with Gateway API routes, each gateway kind with a canary split.
describe('golden files: the stores fixture', () => {
  const text = readFileSync(new URL('../fixtures/generate/stores.yaml', import.meta.url), 'utf8');
  const parsed = parseBlueprint(text, 'stores.yaml');
  if (!parsed.ok) throw new Error(parsed.errors.map(formatDiagnostic).join('\n'));
  const stores = parsed.blueprint;
  const canary = { unit: 'search', percent: 30 };
  // A canary splits with the layout's "*" unit (the monolith whose code still serves the split-off
  // routes): api takes "*", which resolves to the same domain, so the files are those of rabbit.
  const starredText = text.replace('api: { domains: [api], port: 8000', 'api: { domains: "*", port: 8000');
  const starredParsed = parseBlueprint(starredText, 'stores.yaml');
  if (!starredParsed.ok) throw new Error(starredParsed.errors.map(formatDiagnostic).join('\n'));
  const starred = starredParsed.blueprint;
  it.each([
    ['compose', 'rabbit', { monitoring: true }],
    ['compose', 'redis-bus', {}],
    ['compose', 'pg-bus', {}],
    ['compose', 'kafka-bus', {}],
    ['compose', 'nats-bus', {}],
    ['compose', 'sqs-bus', {}],
    // the gateway service of each other kind: its image, user, command and health check
    ['compose', 'rabbit', { kind: 'traefik' }],
    ['compose', 'rabbit', { kind: 'nginx' }],
    ['k8s', 'rabbit', { withDatastores: true }],
    ['k8s', 'rabbit', { ingress: 'gateway-api', canary }],
    ['k8s', 'redis-bus', { canary: { unit: 'redis', percent: 100 } }],
    ['gateway', 'rabbit', { canary }],
    ['gateway', 'rabbit', { kind: 'traefik', canary }],
    ['gateway', 'rabbit', { kind: 'nginx', canary }],
    ['monitoring', 'rabbit', {}],
    ['scaffold', 'rabbit', { withDatastores: true }],
    ['k6', 'rabbit', { users: 3, thinkTime: 1500, warmup: 2000, duration: 10000, timeout: 800 }],
    ['k6', 'sqs-bus', { rate: 7, warmup: 3000, duration: 4000, baseUrl: 'http://example.test:8080/', k6Operator: { parallelism: 2 } }],
  ] as const)('%s of layout %s with %j matches the checked-in bytes', (target, layout, opts) => {
    const name = `stores-${target}-${layout}${Object.keys(opts).length ? `-${Object.keys(opts).sort().join('-')}` : ''}${'kind' in opts ? `-${opts.kind}` : ''}`;
    matchesGolden(name, generate(target, 'canary' in opts && opts.canary.percent < 100 ? starred : stores, layout, opts as GenerateOptions));
  });

  // The gRPC scaffold: servers, health checks and clients of units that serve gRPC, names that
  // collide once made protobuf identifiers (test/fixtures/generate/rpc.yaml).
  const rpcParsed = parseBlueprint(readFileSync(new URL('../fixtures/generate/rpc.yaml', import.meta.url), 'utf8'), 'rpc.yaml');
  if (!rpcParsed.ok) throw new Error(rpcParsed.errors.map(formatDiagnostic).join('\n'));
  const rpc = rpcParsed.blueprint;
  // rpc-svc as the "*" unit (the same two domains): the monolith an oi-svc canary splits with.
  const rpcStarredParsed = parseBlueprint(readFileSync(new URL('../fixtures/generate/rpc.yaml', import.meta.url), 'utf8').replace('rpc-svc: { domains: [a-b, a_b]', 'rpc-svc: { domains: "*"'), 'rpc.yaml');
  if (!rpcStarredParsed.ok) throw new Error(rpcStarredParsed.errors.map(formatDiagnostic).join('\n'));
  const rpcStarred = rpcStarredParsed.blueprint;
  it('scaffold of the rpc fixture, layout split, matches the checked-in bytes', () => {
    matchesGolden('scaffold-rpc-split', generate('scaffold', rpc, 'split'));
  });
  // Its gateways (gRPC services and routes, a gRPC canary), Gateway API routes and the k6 script's gRPC calls.
  it.each([
    ['gateway', { kind: 'kong', canary: { unit: 'oi-svc', percent: 20 } }],
    ['gateway', { kind: 'traefik', canary: { unit: 'oi-svc', percent: 20 } }],
    ['k8s', { ingress: 'gateway-api', canary: { unit: 'oi-svc', percent: 20 } }],
    ['compose', { kind: 'kong' }],
    // Traefik takes gRPC on its one web entrypoint: no port of its own for it
    ['compose', { kind: 'traefik' }],
    ['k6', { k6Operator: { parallelism: 3 }, baseUrl: 'http://rpc-gw:8000' }],
  ] as const)('%s of the rpc fixture with %j matches the checked-in bytes', (target, opts) => {
    const name = `rpc-${target}-${Object.entries(opts).map(([k, v]) => (k === 'kind' || k === 'ingress' ? v : k)).join('-')}`;
    matchesGolden(name, generate(target, 'canary' in opts ? rpcStarred : rpc, 'split', opts as GenerateOptions));
  });
});
