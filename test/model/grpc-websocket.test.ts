// A public WebSocket route on a unit serving gRPC is refused: the gateway and k6 would make it a
// unary gRPC method (/<pkg>.<Service>/<Method>), which no WebSocket client can call.
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, InputError, errorKind } from '../../src/errors.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { parseBlueprint } from '../../src/model/parse.js';

/** Drivers stream over a WebSocket; the layout (or the unit) says how units serve. */
const blueprint = (layout: string) => `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: ride }
system:
  domains:
    drivers:
      tables: [drivers]
      operations:
        connect: { route: WS /drivers/stream, cpu: 1ms, calls: [geo.upsert] }
        location: { route: POST /drivers/location, cpu: 1ms }
    geo:
      tables: [positions]
      operations:
        upsert: { internal: true, cpu: 1ms, db: { writes: 1 } }
layouts:
${layout}
catalog: {}
`;

const STORES = `    datastores:
      db: { engine: postgres, tables: "*" }`;

const errors = (text: string) => {
  const r = parseBlueprint(text, 'ride.yaml');
  return r.ok ? [] : r.errors.map(formatDiagnostic);
};

const WHY = "is a WebSocket, which the gateway would route as a unary gRPC method: serve drivers from an HTTP unit (protocol: http) or drop protocol: grpc";

describe('a WS route on a gRPC unit', () => {
  it("inherited from the layout's protocol: one error at the layout's protocol (file:line:col)", () => {
    const text = blueprint(`  mesh:
    protocol: grpc
    units:
      driver-gw: { domains: [drivers], port: 8002 }
      geo-svc: { domains: [geo], port: 50051 }
${STORES}`);
    expect(errors(text)).toEqual([`ride.yaml:17:15: layouts.mesh.protocol: unit "driver-gw" serves gRPC (the layout's protocol), but drivers.connect's route "WS /drivers/stream" ${WHY}`]);
  });

  it("the unit's own protocol: grpc: the error is at that key", () => {
    const text = blueprint(`  mesh:
    units:
      driver-gw: { domains: [drivers], port: 8002, protocol: grpc }
      geo-svc: { domains: [geo], port: 50051 }
${STORES}`);
    expect(errors(text)).toEqual([`ride.yaml:18:62: layouts.mesh.units.driver-gw.protocol: unit "driver-gw" serves gRPC, but drivers.connect's route "WS /drivers/stream" ${WHY}`]);
  });

  it('each layout that does it is named; loading throws an input error (exit 2)', () => {
    const text = blueprint(`  mono:
    protocol: grpc
    units:
      all: { domains: "*", port: 8000 }
${STORES}
  mesh:
    units:
      driver-gw: { domains: [drivers], port: 8002, protocol: grpc }
      geo-svc: { domains: [geo], port: 50051 }
${STORES}`);
    expect(errors(text)).toEqual([
      `ride.yaml:17:15: layouts.mono.protocol: unit "all" serves gRPC (the layout's protocol), but drivers.connect's route "WS /drivers/stream" ${WHY}`,
      `ride.yaml:24:62: layouts.mesh.units.driver-gw.protocol: unit "driver-gw" serves gRPC, but drivers.connect's route "WS /drivers/stream" ${WHY}`,
    ]);
    const r = parseBlueprint(text, 'ride.yaml');
    const e = new InputError(r.ok ? [] : r.errors);
    expect(EXIT_CODES[errorKind(e)]).toBe(2);
    expect(e.message.split('\n')).toHaveLength(2);
  });

  it('no error: the WS unit serves HTTP in a gRPC layout, or only internal callers use gRPC', () => {
    expect(
      errors(
        blueprint(`  mesh:
    protocol: grpc
    units:
      driver-gw: { domains: [drivers], port: 8002, protocol: http }
      geo-svc: { domains: [geo], port: 50051 }
${STORES}`),
      ),
    ).toEqual([]);
    expect(
      errors(
        blueprint(`  mesh:
    units:
      driver-gw: { domains: [drivers], port: 8002 }
      geo-svc: { domains: [geo], port: 50051, protocol: grpc }
${STORES}`),
      ),
    ).toEqual([]);
  });
});
