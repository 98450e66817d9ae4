import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBlueprintResult } from '../../src/io/load.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { parseBlueprint } from '../../src/model/parse.js';
import { blueprintJsonSchema } from '../../src/model/json-schema.js';
import { resolveLayout } from '../../src/model/resolve.js';

const ROOT = new URL('../..', import.meta.url).pathname;

const minimal = (extra = '') => `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: mini }
system:
  domains:
    auth:
      tables: [users]
      operations:
        login: { route: POST /login, cpu: 2ms, db: { reads: 1 } }
layouts:
  mono:
    units: { app: { domains: "*", port: 8000, instance: small } }
    datastores: { db: { engine: postgres, instance: small, tables: "*" } }
catalog:
  small: { usdPerMonth: $5 }
${extra}`;

describe('bundled blueprints', () => {
  for (const name of ['quantchat', 'chatpop']) {
    it(`${name}.yaml is valid with no warnings`, () => {
      const r = loadBlueprintResult(join(ROOT, 'blueprints', `${name}.yaml`));
      if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
      expect(r.warnings.map(formatDiagnostic)).toEqual([]);
    });
  }

  it('quantchat has the seeds’ domains, layouts and the 8 service ports', () => {
    const r = loadBlueprintResult(join(ROOT, 'blueprints/quantchat.yaml'));
    if (!r.ok) throw new Error('invalid');
    const bp = r.blueprint;
    expect(Object.keys(bp.system.domains)).toEqual(['auth', 'users', 'messages', 'groups', 'media', 'relay', 'notifications', 'realtime']);
    expect(Object.keys(bp.layouts).sort()).toEqual(['microservices', 'modular-monolith', 'monolith', 'proposed-7', 'strangler-relay']);
    const ms = resolveLayout(bp, 'microservices');
    expect(ms.units.map((u) => u.port)).toEqual([8001, 8002, 8003, 8004, 8005, 8006, 8007, 8008]);
    expect(ms.datastores.filter((d) => d.engine === 'postgres')).toHaveLength(5);
    expect(bp.layouts.microservices!.gateway?.port).toBe(8000);
  });
});

describe('loader errors', () => {
  it('reports five different mistakes in one run, each positioned', () => {
    const text = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: five }
system:
  domains:
    auth:
      tables: [users]
      operations:
        login: { route: POST /login, cpu: 9 parsecs, calls: [auth.verfy-token] }
        verify-token: { internal: true, cpu: 0.2ms }
    messages:
      tables: [users]
layouts:
  mono:
    units:
      app: { domains: "*", port: 8000, instance: smal, replics: 2 }
    datastores: { db: { engine: postgres, tables: "*" } }
catalog:
  small: { usdPerMonth: $5 }
`;
    const r = parseBlueprint(text, 'five.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const lines = r.errors.map(formatDiagnostic);
    expect(lines).toEqual([
      'five.yaml:9:43: system.domains.auth.operations.login.cpu: "9 parsecs" is not a duration (e.g. 9ms, 1.5s, 200us, 2m)',
      'five.yaml:9:62: system.domains.auth.operations.login.calls[0]: call to "auth.verfy-token": unknown operation (did you mean "auth.verify-token"?)',
      'five.yaml:12:16: system.domains.messages.tables[0]: table "users" is owned by "auth" and "messages"; a table has one owning domain',
      'five.yaml:16:50: layouts.mono.units.app.instance: unknown catalog entry "smal" (did you mean "small"?)',
      'five.yaml:16:56: layouts.mono.units.app.replics: unknown key "replics" (did you mean "replicas"?)',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    const r = parseBlueprint('apiVersion: archsim/v1\nkind: [unclosed\n', 'syntax.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(formatDiagnostic(r.errors[0]!)).toMatch(/^syntax\.yaml:\d+:\d+: YAML syntax: /);
  });

  it('finds cycles of synchronous calls and unplaced domains (two units on one port are two hosts: no error)', () => {
    const text = minimal().replace(
      "login: { route: POST /login, cpu: 2ms, db: { reads: 1 } }",
      'login: { route: POST /login, calls: [auth.a] }\n        a: { calls: [auth.b] }\n        b: { calls: [auth.login] }',
    ).replace('units: { app: { domains: "*", port: 8000, instance: small } }', 'units: { app: { domains: [], port: 8000, instance: small }, app2: { domains: [], port: 8000, instance: small } }');
    const r = parseBlueprint(text, 'c.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const msgs = r.errors.map((e) => e.message);
    expect(msgs.some((m) => m.startsWith('cycle of synchronous calls: '))).toBe(true);
    expect(msgs).toContain('domain "auth" is placed in no unit');
    expect(msgs.some((m) => m.includes('port'))).toBe(false);
  });

  it('accepts a gateway on a unit\'s port: each is a host (container, pod) of its own', () => {
    const same = parseBlueprint(minimal().replace('units: { app:', 'gateway: { kind: nginx, port: 8000 }\n    units: { app:'), 'g.yaml');
    expect(same.ok).toBe(true);
    if (same.ok) expect(same.warnings).toEqual([]);
  });

  it('rejects a workload mix naming an unknown operation', () => {
    const r = parseBlueprint(minimal('workload: { rate: 10/s, mix: { auth.logn: 1 } }'), 'w.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.message).toContain('did you mean "auth.login"');
  });
});

describe('extends', () => {
  it('overlays a base blueprint and keeps positions of both files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-ext-'));
    writeFileSync(join(dir, 'base.yaml'), minimal());
    writeFileSync(join(dir, 'overlay.yaml'), 'extends: ./base.yaml\nlayouts:\n  mono:\n    units:\n      app: { replicas: 3 }\n');
    const good = loadBlueprintResult(join(dir, 'overlay.yaml'));
    expect(good.ok).toBe(true);
    if (good.ok) {
      expect(good.blueprint.layouts.mono!.units.app!.replicas).toBe(3);
      expect(good.blueprint.layouts.mono!.units.app!.port).toBe(8000);
      expect(good.files).toEqual([join(dir, 'overlay.yaml'), join(dir, 'base.yaml')]);
    }
    writeFileSync(join(dir, 'bad-overlay.yaml'), 'extends: ./base.yaml\nlayouts:\n  mono:\n    units:\n      app: { replicas: many }\n');
    const bad = loadBlueprintResult(join(dir, 'bad-overlay.yaml'));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(formatDiagnostic(bad.errors[0]!)).toMatch(/bad-overlay\.yaml:5:24: layouts\.mono\.units\.app\.replicas: expected number/);
    // An error in what the base file says is reported in the base file.
    writeFileSync(join(dir, 'base2.yaml'), minimal().replace('instance: small }', 'instance: tiny }'));
    writeFileSync(join(dir, 'o2.yaml'), 'extends: base2.yaml\nmetadata: { name: o2 }\n');
    const inBase = loadBlueprintResult(join(dir, 'o2.yaml'));
    expect(inBase.ok).toBe(false);
    if (!inBase.ok) expect(inBase.errors[0]!.file).toBe(join(dir, 'base2.yaml'));
  });

  it('reports a missing base and an extends cycle', () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-ext-'));
    writeFileSync(join(dir, 'a.yaml'), 'extends: ./b.yaml\n');
    writeFileSync(join(dir, 'b.yaml'), 'extends: ./a.yaml\n');
    const cyc = loadBlueprintResult(join(dir, 'a.yaml'));
    expect(!cyc.ok && cyc.errors[0]!.message.startsWith('extends cycle')).toBe(true);
    writeFileSync(join(dir, 'c.yaml'), 'extends: ./nope.yaml\n');
    const missing = loadBlueprintResult(join(dir, 'c.yaml'));
    expect(!missing.ok && formatDiagnostic(missing.errors[0]!)).toMatch(/c\.yaml:1:10: extends: base .*nope\.yaml: no such file/);
  });
});

describe('JSON Schema', () => {
  it('the checked-in schemas/blueprint.schema.json matches the zod schema (run `npm run schema`)', () => {
    const onDisk = JSON.parse(readFileSync(join(ROOT, 'schemas/blueprint.schema.json'), 'utf8'));
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(blueprintJsonSchema())));
  });

  it('accepts the bundled blueprints (validated by ajv, as an editor would)', async () => {
    const { Ajv2020 } = await import('ajv/dist/2020.js');
    const { parse } = await import('yaml');
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const check = ajv.compile(blueprintJsonSchema());
    for (const f of ['quantchat', 'chatpop']) {
      const doc = parse(readFileSync(join(ROOT, 'blueprints', `${f}.yaml`), 'utf8'));
      expect(check(doc), JSON.stringify(check.errors?.slice(0, 3))).toBe(true);
    }
  });
});
