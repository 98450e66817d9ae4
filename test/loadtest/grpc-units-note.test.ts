// loadtest --layout and validate-model start the reference services, which speak HTTP only: a
// layout that puts a unit on gRPC is run over HTTP, and the result's notes say so.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { grpcUnitsNote } from '../../src/loadtest/layout-run.js';
import { parseBlueprint } from '../../src/model/parse.js';

const text = readFileSync(new URL('../../blueprints/quantchat.yaml', import.meta.url), 'utf8');
const withGrpc = (units: string[]) => {
  // the units of the microservices layout only (other layouts name some of them too)
  const at = text.indexOf('\n  microservices:\n');
  let t = text.slice(at);
  for (const u of units) t = t.replace(new RegExp(`(\\n      ${u}: \\{ domains: \\[[a-z]+\\], port: \\d+,)`), '$1 protocol: grpc,');
  t = text.slice(0, at) + t;
  const r = parseBlueprint(t, 'quantchat.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.blueprint;
};

describe('grpcUnitsNote', () => {
  it('says nothing of a layout whose units all serve HTTP', () => {
    expect(grpcUnitsNote(withGrpc([]), 'microservices')).toBeUndefined();
  });
  it('names the one unit on gRPC', () => {
    expect(grpcUnitsNote(withGrpc(['relay-service']), 'microservices')).toBe(
      "layout microservices: relay-service serves gRPC in the blueprint; the reference services speak HTTP only, so this run calls it over HTTP (a prediction of the layout charges gRPC's hop costs)",
    );
  });
  it('names every unit on gRPC, in the layout’s order', () => {
    expect(grpcUnitsNote(withGrpc(['user-service', 'relay-service']), 'microservices')).toBe(
      "layout microservices: user-service, relay-service serve gRPC in the blueprint; the reference services speak HTTP only, so this run calls them over HTTP (a prediction of the layout charges gRPC's hop costs)",
    );
  });
  it('reads the layout asked for, not another one', () => {
    expect(grpcUnitsNote(withGrpc(['relay-service']), 'monolith')).toBeUndefined();
  });
});
