// Generation at the edges of a valid blueprint: a privileged gateway port whose usual fallbacks
// the units all hold (it came out as "undefined" in every file), a route naming one parameter
// twice (the scaffold then neither type-checked nor started), and `generate all` for a layout of
// event consumers alone (k6 has nothing to drive: left out, not the whole run refused).
import { describe, expect, it } from 'vitest';
import { gatewayPort, layoutToGenerate } from '../../src/generate/common.js';
import { generate, GenerateError, k6Drivable } from '../../src/generate/index.js';
import { parseBlueprint } from '../../src/model/parse.js';
import type { Blueprint } from '../../src/model/schema.js';

const parsed = (text: string): Blueprint => {
  const r = parseBlueprint(text, 'edge.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.blueprint;
};

const PORTS = parsed(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: ports }
system:
  domains:
    a: { tables: [t], operations: { x: { route: GET /x, cpu: 1ms } } }
    b: { operations: { y: { route: GET /y, cpu: 1ms } } }
    c: { operations: { z: { route: GET /z, cpu: 1ms } } }
    d: { operations: { w: { route: GET /w, cpu: 1ms } } }
    e: { operations: { v: { route: GET /v, cpu: 1ms } } }
layouts:
  taken:
    gateway: { kind: traefik, port: 80 }
    units:
      u1: { domains: [a], port: 8000 }
      u2: { domains: [b], port: 8080 }
      u3: { domains: [c], port: 8888 }
      u4: { domains: [d], port: 18000 }
      u5: { domains: [e], port: 18001 }
    datastores: { db: { engine: postgres, tables: "*" } }
`);

describe('the gateway port', () => {
  it('past the usual fallbacks: the next free port above 18000, the same in every generated file', () => {
    expect(gatewayPort(layoutToGenerate(PORTS, 'taken'))).toBe(18002);
    const files = generate('all', PORTS, 'taken', {});
    for (const f of files) expect(f.content, f.path).not.toMatch(/:undefined|listen undefined|= undefined;/);
    const compose = files.find((f) => f.path === 'docker-compose.yml')!.content;
    expect(compose).toContain('--entrypoints.web.address=:18002');
    expect(compose).toContain('"127.0.0.1:18002:18002"');
  });
});

describe('a route parameter named twice', () => {
  it('is refused where it is written', () => {
    const r = parseBlueprint(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: dup }
system:
  domains:
    a:
      operations:
        twice: { route: "GET /a/{id}/{id}", cpu: 1ms }
        fine: { route: "GET /b/{id}/{other}", cpu: 1ms }
layouts:
  l: { units: { u: { domains: "*", port: 8000 } } }
`, 'dup.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => `${e.line}:${e.col}: ${e.message}`)).toEqual(['8:25: the route names the parameter {id} twice: give each parameter its own name']);
  });
});

const EVENTS = parsed(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: events }
system:
  domains:
    ingest:
      tables: [docs]
      operations:
        consume: { internal: true, cpu: 1ms, db: { writes: 1 }, emits: [doc.stored] }
        update: { internal: true, cpu: 1ms }
  events:
    doc.stored: { consumers: [ingest.update] }
layouts:
  workers:
    broker: { kind: rabbitmq }
    units:
      worker: { domains: "*", port: 8000 }
    datastores: { db: { engine: postgres, tables: "*" } }
workload: { rate: 10/s, mix: { ingest.consume: 1 } }
`);

describe('generate all for a layout with no route', () => {
  it('leaves k6 out (k6Drivable false) and writes the rest; k6 alone says there is none', () => {
    expect(k6Drivable(EVENTS, 'workers')).toBe(false);
    const files = generate('all', EVENTS, 'workers', {});
    expect(files.some((f) => f.path.startsWith('k6/'))).toBe(false);
    expect(files.some((f) => f.path === 'docker-compose.yml')).toBe(true);
    expect(files.some((f) => f.path.startsWith('services/worker/'))).toBe(true);
    expect(() => generate('k6', EVENTS, 'workers', {})).toThrow(GenerateError);
    expect(() => generate('k6', EVENTS, 'workers', { operations: ['ingest.update'] })).toThrow('k6: "ingest.update" is not a public operation with a route; layout workers has none');
    expect(k6Drivable(PORTS, 'taken')).toBe(true);
  });
});

describe('routes of one path on two units, told apart by method', () => {
  const SPLIT = parsed(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: split }
system:
  domains:
    reads: { operations: { list: { route: GET /orders, cpu: 1ms }, one: { route: "GET /orders/{id}", cpu: 1ms } } }
    writes: { operations: { create: { route: POST /orders, cpu: 1ms }, update: { route: "PUT /orders/{key}", cpu: 1ms } } }
layouts:
  gw:
    gateway: { kind: kong, port: 8000 }
    units:
      r: { domains: [reads], port: 8001 }
      w: { domains: [writes], port: 8002 }
  one:
    gateway: { kind: kong, port: 8000 }
    units:
      all: { domains: "*", port: 8001 }
  direct:
    units:
      r: { domains: [reads], port: 8001 }
      w: { domains: [writes], port: 8002 }
`);

  it('are refused by every target that routes by path (the gateway, k8s, compose with a gateway), both routes named', () => {
    const msg = 'layout gw: GET /orders (unit r) and POST /orders (unit w) differ only in method (and 1 more such pair); the generated gateway and Ingress route by path, so one unit would take both: serve them from one unit, or give them different paths';
    for (const t of ['gateway', 'k8s', 'compose', 'all'] as const) expect(() => generate(t, SPLIT, 'gw', {}), t).toThrow(msg);
  });

  it('one such pair is named alone; three say "2 more such pairs"', () => {
    const pairs = (n: number) =>
      parsed(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: pairs }
system:
  domains:
    reads: { operations: { ${Array.from({ length: n }, (_, i) => `g${i}: { route: GET /p${i}, cpu: 1ms }`).join(', ')} } }
    writes: { operations: { ${Array.from({ length: n }, (_, i) => `w${i}: { route: POST /p${i}, cpu: 1ms }`).join(', ')} } }
layouts:
  gw:
    gateway: { kind: kong, port: 8000 }
    units:
      r: { domains: [reads], port: 8001 }
      w: { domains: [writes], port: 8002 }
`);
    const tail = '; the generated gateway and Ingress route by path, so one unit would take both: serve them from one unit, or give them different paths';
    expect(() => generate('gateway', pairs(1), 'gw', {})).toThrow(`layout gw: GET /p0 (unit r) and POST /p0 (unit w) differ only in method${tail}`);
    expect(() => generate('gateway', pairs(3), 'gw', {})).toThrow(`layout gw: GET /p0 (unit r) and POST /p0 (unit w) differ only in method (and 2 more such pairs)${tail}`);
  });

  it('are fine on one unit, and where no gateway routes them (each unit on its own port)', () => {
    expect(generate('gateway', SPLIT, 'one', {}).length).toBeGreaterThan(0);
    expect(generate('compose', SPLIT, 'direct', {}).length).toBeGreaterThan(0);
  });
});

describe("a container's helper listeners and the ports the blueprint gives it", () => {
  const AUX = parsed(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: auxports }
system:
  domains:
    a:
      tables: [blobs]
      operations:
        put: { route: "PUT /blobs/{key}", cpu: 1ms, db: { writes: 1 }, emits: [blob.put] }
    b:
      operations:
        on-put: { internal: true, cpu: 1ms }
  events:
    blob.put: { consumers: [b.on-put] }
layouts:
  l:
    gateway: { kind: kong, port: 8100 }
    broker: { kind: nats, port: 8222 }
    units:
      api: { domains: [a], port: 8080 }
      worker: { domains: [b], port: 8081 }
    datastores:
      blobstore: { engine: minio, tables: [blobs], port: 9001 }
  kafka:
    broker: { kind: kafka, port: 9093 }
    units:
      api: { domains: [a], port: 8080 }
      worker: { domains: [b], port: 8081 }
    datastores:
      blobstore: { engine: minio, tables: [blobs] }
  admin:
    gateway: { kind: kong, port: 8001 }
    units:
      api: { domains: [a], port: 8080 }
      worker: { domains: [b], port: 8081 }
    datastores:
      blobstore: { engine: minio, tables: [blobs] }
workload: { rate: 1/s, mix: { a.put: 1 } }
`);
  const compose = (layout: string) => generate('compose', AUX, layout, {}).find((f) => f.path === 'docker-compose.yml')!.content;

  it('move off a port the blueprint gave the same container (Kong status, NATS monitoring, MinIO console, Kafka controller, Kong admin)', () => {
    const l = compose('l');
    expect(l).toContain('KONG_PROXY_LISTEN: "0.0.0.0:8100"');
    expect(l).toContain('KONG_STATUS_LISTEN: "0.0.0.0:8101"');
    expect(l).toContain('KONG_ADMIN_LISTEN: "127.0.0.1:8001"');
    expect(l).toMatch(/- -p\n\s+- "8222"\n\s+- -m\n\s+- "8223"/);
    expect(l).toMatch(/- --address\n\s+- ":9001"\n\s+- --console-address\n\s+- ":9002"/);
    const k = compose('kafka');
    expect(k).toContain('KAFKA_LISTENERS: PLAINTEXT://:9093,CONTROLLER://:9094');
    expect(k).toContain('KAFKA_CONTROLLER_QUORUM_VOTERS: 1@localhost:9094');
    const a = compose('admin');
    expect(a).toContain('KONG_PROXY_LISTEN: "0.0.0.0:8001"');
    expect(a).toContain('KONG_ADMIN_LISTEN: "127.0.0.1:8002"');
  });

  it('keep their usual ports otherwise', () => {
    const k = compose('kafka');
    expect(k).toMatch(/--console-address\n\s+- ":9001"/);
    const bundled = generate('compose', AUX, 'admin', {}).find((f) => f.path === 'docker-compose.yml')!.content;
    expect(bundled).toContain('KONG_STATUS_LISTEN: "0.0.0.0:8100"');
  });
});
