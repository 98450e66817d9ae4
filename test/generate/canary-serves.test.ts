// --canary sends the rest of a unit's traffic to the layout's monolith: refused (one line) where
// that unit does not serve the canary unit's routes, by domain (no "*" unit: domains are placed
// once, so the unit with the most domains never holds the canary's) or by protocol (gRPC to HTTP).
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generate, GenerateError } from '../../src/generate/index.js';
import type { Blueprint } from '../../src/model/schema.js';
import { load } from './own-blueprint.js';


const BP = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: pix }
system:
  domains:
    sessions: { operations: { open: { route: "POST /sessions", cpu: 0.1ms } } }
    albums: { operations: { list: { route: "GET /albums", cpu: 0.1ms } } }
    counters: { operations: { bump: { route: "POST /views", cpu: 0.1ms } } }
layouts:
  split:
    gateway: { kind: kong, port: 8000 }
    units:
      sessions-svc: { domains: [sessions], port: 8001 }
      albums-svc: { domains: [albums, counters], port: 8002 }
  strangler:
    gateway: { kind: kong, port: 8000 }
    units:
      sessions-svc: { domains: [sessions], port: 8001 }
      mono: { domains: "*", port: 8002 }
  grpc-off:
    gateway: { kind: kong, port: 8000 }
    units:
      sessions-svc: { domains: [sessions], port: 50051, protocol: grpc }
      mono: { domains: "*", port: 8002 }
workload:
  rate: 1/s
  mix: { albums.list: 1 }
`);

describe('a canary splits only with a unit that serves its routes', () => {
  it('no "*" unit: albums-svc (most domains) does not hold sessions: refused by every target that writes the split', () => {
    const msg = `--canary: the rest of sessions-svc's traffic would go to albums-svc, which does not hold its domains (sessions): layout split has no "*" unit (the monolith whose code still serves them) to split with; use a plan step (generate gateway --plan) or 100%`;
    for (const kind of ['kong', 'traefik', 'nginx'] as const) expect(() => generate('gateway', BP, 'split', { kind, canary: { unit: 'sessions-svc', percent: 10 } }), kind).toThrow(new GenerateError(msg));
    expect(() => generate('k8s', BP, 'split', { canary: { unit: 'sessions-svc', percent: 10 } })).toThrow(new GenerateError(msg));
    expect(() => generate('gateway', BP, 'split', { canary: { unit: 'sessions-svc', percent: 0 } })).toThrow(new GenerateError(msg));
    // 100%: nothing goes to albums-svc.
    const kong = parse(generate('gateway', BP, 'split', { kind: 'kong', canary: { unit: 'sessions-svc', percent: 100 } })[0]!.content);
    expect(kong.upstreams.find((u: { name: string }) => u.name === 'sessions-svc.upstream').targets).toEqual([{ target: 'sessions-svc:8001', weight: 100 }]);
  });

  it('a "*" unit of the same protocol: the split is written', () => {
    const kong = parse(generate('gateway', BP, 'strangler', { kind: 'kong', canary: { unit: 'sessions-svc', percent: 10 } })[0]!.content);
    expect(kong.upstreams.find((u: { name: string }) => u.name === 'sessions-svc.upstream').targets).toEqual([
      { target: 'sessions-svc:8001', weight: 10 },
      { target: 'mono:8002', weight: 90 },
    ]);
  });

  it('a gRPC canary beside an HTTP "*" unit: refused, the protocols named', () => {
    const msg = '--canary: sessions-svc serves gRPC but the monolith mono serves HTTP: the rest of its traffic would reach a server of the other protocol; use 100%';
    for (const kind of ['kong', 'traefik', 'nginx'] as const) expect(() => generate('gateway', BP, 'grpc-off', { kind, canary: { unit: 'sessions-svc', percent: 50 } }), kind).toThrow(new GenerateError(msg));
    expect(generate('gateway', BP, 'grpc-off', { kind: 'kong', canary: { unit: 'sessions-svc', percent: 100 } }).length).toBe(1);
  });
});
