// Public routes on paths the scaffold (/health, /ready, /metrics, /internal/…) or the gateway
// (nginx /gateway/health, Traefik /ping…) answer itself are refused with one line naming the
// operation and route, by every target that would write a broken or shadowed file.
import { describe, expect, it } from 'vitest';
import { generate, GenerateError } from '../../src/generate/index.js';
import { isScaffoldPath } from '../../src/generate/common.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { parseBlueprint } from '../../src/model/parse.js';
import type { Blueprint } from '../../src/model/schema.js';

function load(text: string): Blueprint {
  const r = parseBlueprint(text, 'bp.yaml');
  if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return r.blueprint;
}

const probes = (route: string, unitExtra = '', name = 'probes') =>
  load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: ${name} }
system:
  domains:
    ops:
      operations:
        check: { route: "${route}", cpu: 0.1ms }
        place: { internal: true, cpu: 0.1ms }
    front:
      operations:
        go: { route: "POST /go", cpu: 0.1ms, calls: [ops.place] }
layouts:
  two:
    gateway: { kind: nginx, port: 8000 }
    units:
      ops-svc: { domains: [ops], port: 8001${unitExtra} }
      front-svc: { domains: [front], port: 8002 }
workload:
  rate: 10/s
  mix: { front.go: 1 }
`);

const refusal = (method: string, path: string) =>
  `layout two: ops.check (unit ops-svc) has the public route ${method} ${path}, a path archsim's scaffold serves itself (/health, /ready, /metrics, /internal/…: its probes, metrics and the calls between units); give the operation another path`;

describe("the scaffold's own paths", () => {
  it('isScaffoldPath: the three probes/metrics paths exactly, and everything under /internal', () => {
    for (const p of ['/health', '/ready', '/metrics', '/metrics/', '/internal', '/internal/ops/place', '/internal/{x}']) expect(isScaffoldPath(p), p).toBe(true);
    for (const p of ['/healthz', '/health/deep', '/metrics/x', '/internals', '/x/internal/y', '/Health', '/']) expect(isScaffoldPath(p), p).toBe(false);
  });

  it.each([
    ['GET', '/health'],
    ['GET', '/ready'],
    ['GET', '/metrics'],
    ['POST', '/internal/ops/place'],
  ])('%s %s on a scaffolded HTTP unit: every target that writes the unit refuses, one line', (method, path) => {
    const bp = probes(`${method} ${path}`);
    for (const t of ['all', 'scaffold', 'compose', 'k8s', 'gateway'] as const) {
      expect(() => generate(t, bp, 'two', {}), t).toThrow(new GenerateError(refusal(method, path)));
    }
    // The k6 script only sends requests: it is still written.
    expect(generate('k6', bp, 'two', {}).length).toBe(1);
  });

  it('a unit with its own image (not archsim\'s scaffold) may serve /health itself', () => {
    const bp = probes('GET /health', ', image: "me/ops:1"');
    expect(generate('compose', bp, 'two', {}).length).toBeGreaterThan(0);
    expect(generate('scaffold', bp, 'two', {}).some((f) => f.path.startsWith('services/ops-svc/'))).toBe(false);
  });

  it('names the first and counts the others', () => {
    const bp = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: many }
system:
  domains:
    ops:
      operations:
        a: { route: "GET /metrics", cpu: 0.1ms }
        b: { route: "GET /ready", cpu: 0.1ms }
        c: { route: "GET /health", cpu: 0.1ms }
layouts:
  one:
    units:
      ops-svc: { domains: [ops], port: 8001 }
workload:
  rate: 10/s
  mix: { ops.a: 1 }
`);
    expect(() => generate('scaffold', bp, 'one', {})).toThrow(/^layout one: ops\.a \(unit ops-svc\) has the public route GET \/metrics \(and 2 more such routes\), a path/);
  });
});

describe("the gateway's own paths", () => {
  it('nginx: a route on /gateway/health (or under it) is refused, not written as a duplicate location', () => {
    for (const path of ['/gateway/health', '/gateway/health/{x}']) {
      const bp = probes(`GET ${path}`);
      const msg = `layout two: ops.check (unit ops-svc) has the public route GET ${path}, but the nginx gateway answers /gateway/health itself (its health check); give the operation another path, or use --kind kong`;
      for (const t of ['gateway', 'compose', 'all'] as const) expect(() => generate(t, bp, 'two', {}), `${path} ${t}`).toThrow(new GenerateError(msg));
      // Kong answers its status elsewhere: the route is routed as any other.
      const kong = generate('gateway', bp, 'two', { kind: 'kong' })[0]!.content;
      expect(kong).toContain(`- ${path.replace(/\/\{x\}$/, '')}`);
    }
    // Another path under /gateway is the unit's.
    expect(generate('gateway', probes('GET /gateway/healthz'), 'two', {})[0]!.content).toContain('location = /gateway/healthz {');
  });

  it('traefik: a route starting with /ping is refused (Traefik’s ping router takes it); gRPC method paths too', () => {
    const msg = (p: string) => `layout two: ops.check (unit ops-svc) has the public route GET ${p}, but the Traefik gateway answers every path starting with /ping itself (its ping, the health check); give the operation another path, or use --kind kong`;
    for (const p of ['/ping', '/pings/{id}']) expect(() => generate('gateway', probes(`GET ${p}`), 'two', { kind: 'traefik' })).toThrow(new GenerateError(msg(p)));
    expect(generate('gateway', probes('GET /pong'), 'two', { kind: 'traefik' }).length).toBe(1);
    // nginx has no /ping of its own.
    expect(generate('gateway', probes('GET /ping'), 'two', { kind: 'nginx' }).length).toBe(1);
    const grpc = probes('GET /x', ', protocol: grpc', 'pingpong');
    expect(() => generate('gateway', grpc, 'two', { kind: 'traefik' })).toThrow(/^layout two: unit ops-svc has the gRPC method \/pingpong\.v1\.Ops\/Check, but the Traefik gateway answers every path starting with \/ping itself/);
    expect(generate('gateway', grpc, 'two', { kind: 'nginx' }).length).toBe(1);
  });
});
