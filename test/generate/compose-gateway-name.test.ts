// A layout without a gateway may have a unit or a datastore named "gateway": compose writes no
// gateway config for it (the gateway file comes with the layout's gateway, never with a service
// of that name), and `all` neither.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generate } from '../../src/generate/index.js';
import type { Blueprint } from '../../src/model/schema.js';
import { load } from './own-blueprint.js';


const BP = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: gw-named }
system:
  domains:
    a: { tables: [t1], operations: { get: { route: GET /a, cpu: 1ms, db: { reads: 1 } } } }
    b: { tables: [t2], operations: { put: { route: PUT /b, cpu: 1ms, db: { writes: 1 } } } }
layouts:
  unit-named:
    units:
      gateway: { domains: "*", port: 8080 }
    datastores:
      db1: { engine: postgres, tables: "*" }
  store-named:
    units:
      app: { domains: "*", port: 8080 }
    datastores:
      gateway: { engine: postgres, tables: "*" }
  real:
    gateway: { kind: traefik, port: 8000 }
    units:
      app: { domains: "*", port: 8080 }
    datastores:
      db1: { engine: postgres, tables: "*" }
workload:
  rate: 1/s
  mix: { a.get: 1 }
`);

describe('no gateway config without the layout’s gateway', () => {
  it.each(['unit-named', 'store-named'])('%s: compose and all write no gateway/ file; the service named gateway is that unit or datastore', (layout) => {
    for (const t of ['compose', 'all'] as const) {
      const files = generate(t, BP, layout, {});
      expect(files.filter((f) => f.path.startsWith('gateway/')).map((f) => f.path), t).toEqual([]);
      const compose = parse(files.find((f) => f.path === 'docker-compose.yml')!.content);
      expect(compose.services.gateway.image ?? compose.services.gateway.build).not.toMatch(/nginx|kong|traefik/);
    }
  });

  it('with the layout’s gateway, its config comes with compose', () => {
    expect(generate('compose', BP, 'real', {}).map((f) => f.path)).toContain('gateway/traefik.yml');
  });
});
