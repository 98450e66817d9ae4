// Without a gateway, the k6 script dials a gRPC unit where compose publishes it: its host ports
// (common.unitHostPortRanges), one per replica taken in turn, as UNIT_URLS does for HTTP. It
// dialled the unit's container port on BASE_URL's host: driver-svc (container port 50051,
// published on 127.0.0.1:50054 because pricing-engine's three replicas take 50051-50053) was
// sent to pricing-engine's first replica, and its other replicas were never called. The Run line
// named BASE_URL_DRIVER_SVC, which the gRPC call never reads.
import { describe, expect, it } from 'vitest';
import { composeDocument } from '../../src/generate/compose.js';
import { k6Script } from '../../src/generate/k6.js';
import { parseBlueprint } from '../../src/model/parse.js';
import type { Blueprint } from '../../src/model/schema.js';

function load(text: string): Blueprint {
  const r = parseBlueprint(text, 'inline.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.blueprint;
}

const mesh = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: ridemesh }
system:
  domains:
    rider:
      operations:
        request-ride: { route: POST /rides, cpu: 2ms, calls: [{ op: pricing.quote, protocol: grpc }] }
        ride-status: { route: "GET /rides/{rideId}", cpu: 0.2ms }
    pricing:
      operations:
        quote: { internal: true, cpu: 1ms }
        surge-map: { route: "GET /pricing/surge", cpu: 0.5ms }
    driver:
      operations:
        update-position: { route: "PUT /drivers/{driverId}/position", cpu: 0.2ms }
layouts:
  mesh:
    protocol: grpc
    units:
      rider-api: { domains: [rider], port: 8080, protocol: http, replicas: 2 }
      pricing-engine: { domains: [pricing], port: 50051, image: "registry.example.com/pricing/engine:2.1", replicas: 3 }
      driver-svc: { domains: [driver], port: 50051, runtime: go }
  mesh-gw:
    protocol: grpc
    gateway: { kind: nginx, port: 8443 }
    units:
      rider-api: { domains: [rider], port: 8080, protocol: http, replicas: 2 }
      pricing-engine: { domains: [pricing], port: 50051, image: "registry.example.com/pricing/engine:2.1", replicas: 3 }
      driver-svc: { domains: [driver], port: 50051, runtime: go }
workload:
  rate: 80/s
  duration: 20s
  mix: { rider.request-ride: 30, rider.ride-status: 30, pricing.surge-map: 20, driver.update-position: 20 }
`);

const lineOf = (script: string, start: string) => script.split('\n').find((l) => l.startsWith(start));

/**
 * The script's gRPC part run in-process with a stand-in k6/net/grpc client that records where it
 * connects and what it invokes: returns sendGrpc and the dials/calls seen.
 */
function runGrpcPart(script: string, env: Record<string, string>) {
  const dials: string[] = [];
  const calls: { addr: string; method: string }[] = [];
  class Client {
    addr = '';
    load() {}
    connect(addr: string) {
      this.addr = addr;
      dials.push(addr);
    }
    invoke(method: string) {
      calls.push({ addr: this.addr, method });
      return { status: 0 };
    }
  }
  const body = script
    .split('\n')
    .filter((l) => !l.startsWith('import '))
    .join('\n')
    .replace(/^export default function/m, 'function __default')
    .replace(/^export (const|function)/gm, '$1');
  const run = new Function('__ENV', 'grpc', 'http', 'ws', 'exec', 'check', 'sleep', `${body}\nreturn { sendGrpc, OPERATIONS };`) as (...a: unknown[]) => {
    sendGrpc: (op: unknown, r: unknown, tags: unknown) => void;
    OPERATIONS: { id: string; grpc?: unknown }[];
  };
  const k6 = run(env, { Client, StatusOK: 0 }, {}, {}, {}, () => true, () => {});
  const send = (id: string, n: number) => {
    const op = k6.OPERATIONS.find((o) => o.id === id)!;
    for (let i = 0; i < n; i++) k6.sendGrpc(op, { path: '/x', headers: {} }, {});
  };
  return { send, dials, calls };
}

describe('k6 without a gateway: gRPC units dialled at the host ports compose publishes', () => {
  const script = k6Script(mesh, 'mesh');

  it('GRPC_PORTS: each unit’s host ports, one per replica (pricing-engine 50051-50053, driver-svc moved to 50054)', () => {
    expect(lineOf(script, 'const GRPC_PORTS = ')).toBe('const GRPC_PORTS = {"PRICING_ENGINE_GRPC_ADDR":[50051,50052,50053],"DRIVER_SVC_GRPC_ADDR":[50054]};');
    expect(script).toContain("// PRICING_ENGINE_GRPC_ADDR (default: BASE_URL's host, ports 50051-50053, one per replica, taken in turn)\n");
    expect(script).toContain("// DRIVER_SVC_GRPC_ADDR (default: BASE_URL's host, port 50054)\n");
  });

  it('the ports are the ones compose publishes (and that the HTTP side uses for its units)', () => {
    const services = (composeDocument(mesh, 'mesh') as { services: Record<string, { ports?: string[] }> }).services;
    expect(services['pricing-engine']!.ports).toEqual(['127.0.0.1:50051-50053:50051']);
    expect(services['driver-svc']!.ports).toEqual(['127.0.0.1:50054:50051']);
    expect(lineOf(script, 'const UNIT_URLS = ')).toContain('"driver-svc": (__ENV.BASE_URL_DRIVER_SVC ? [__ENV.BASE_URL_DRIVER_SVC] : ["http://127.0.0.1:50054"])');
  });

  it('the Run line names the variable the gRPC call reads', () => {
    expect(lineOf(script, '// Run:')).toBe(
      "// Run: k6 run -e DRIVER_SVC_GRPC_ADDR=127.0.0.1:50054 load-test.js (no gateway: each unit's routes go to its own address; pricing-engine at 127.0.0.1:50051-50053, rider-api at 127.0.0.1:8080-8081, one port per replica, taken in turn)",
    );
  });

  it('the script sends driver-svc’s calls to 50054 and pricing-engine’s to its three replicas in turn', () => {
    const k6 = runGrpcPart(script, {});
    k6.send('driver.update-position', 2);
    k6.send('pricing.surge-map', 4);
    expect(k6.calls).toEqual([
      { addr: '127.0.0.1:50054', method: 'ridemesh.v1.Driver/UpdatePosition' },
      { addr: '127.0.0.1:50054', method: 'ridemesh.v1.Driver/UpdatePosition' },
      { addr: '127.0.0.1:50051', method: 'ridemesh.v1.Pricing/SurgeMap' },
      { addr: '127.0.0.1:50052', method: 'ridemesh.v1.Pricing/SurgeMap' },
      { addr: '127.0.0.1:50053', method: 'ridemesh.v1.Pricing/SurgeMap' },
      { addr: '127.0.0.1:50051', method: 'ridemesh.v1.Pricing/SurgeMap' },
    ]);
    // One connection per address (and VU), made at its first call.
    expect(k6.dials).toEqual(['127.0.0.1:50054', '127.0.0.1:50051', '127.0.0.1:50052', '127.0.0.1:50053']);
  });

  it('a unit’s variable replaces its addresses: every call to that one address', () => {
    const k6 = runGrpcPart(script, { PRICING_ENGINE_GRPC_ADDR: 'pricing:9000', BASE_URL: 'http://10.0.0.7:8080' });
    k6.send('pricing.surge-map', 3);
    k6.send('driver.update-position', 1);
    expect(k6.calls.map((c) => c.addr)).toEqual(['pricing:9000', 'pricing:9000', 'pricing:9000', '10.0.0.7:50054']);
  });

  it('through a gateway: one address, the gateway’s gRPC listener, as before', () => {
    const gw = k6Script(mesh, 'mesh-gw');
    expect(lineOf(gw, 'const GRPC_PORTS = ')).toBe('const GRPC_PORTS = {"GRPC_ADDR":[8444]};');
    expect(lineOf(gw, '// Run:')).toBe('// Run: k6 run -e BASE_URL=http://127.0.0.1:8443 load-test.js');
    const k6 = runGrpcPart(gw, {});
    k6.send('driver.update-position', 1);
    k6.send('pricing.surge-map', 2);
    expect(k6.calls.map((c) => c.addr)).toEqual(['127.0.0.1:8444', '127.0.0.1:8444', '127.0.0.1:8444']);
  });
});
