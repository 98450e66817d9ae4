// The loader's core (parse.ts) with files given in memory: extends chains and every way they
// fail (with the exact message and place), the overlay's merge rules, files that are not
// blueprints at all (their content never shown), and the repair that lets an author see the
// semantic problems beside the schema ones.
import { describe, expect, it } from 'vitest';
import { overlay, parseBlueprint, type ReadFile } from '../../src/model/parse.js';

const BASE = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: base }
system:
  domains:
    a: { tables: [t], operations: { x: { route: GET /x } } }
layouts:
  mono:
    units: { app: { domains: "*", port: 8000, replicas: 2 } }
    datastores: { db: { engine: postgres, tables: "*" } }
`;

const files = (fs: Record<string, string | { ok: true; text: string } | { ok: false; message: string }>): ReadFile => (p) => fs[p];
const errs = (text: string, read: ReadFile = () => undefined, file = '/d/top.yaml') => {
  const r = parseBlueprint(text, file, read);
  return r.ok ? [] : r.errors.map((e) => `${e.file}:${e.line}:${e.col} ${e.message}`);
};

const REPAIR = BASE.replace('archsim/v1', 'archsim/v2')
  .replace('kind: Blueprint', 'kind: Blue')
  .replace('name: base', 'name: Bad_Name, title: 5')
  .replace('x: { route: GET /x }', 'x: { route: GET /x, calls: [zz.y] }, y: { cpu: fast }')
  .replace('    units:', '    broker: { kind: mq }\n    units:');

const chain = (n: number, last: string) => files({ ...Object.fromEntries(Array.from({ length: n - 1 }, (_, i) => [`/d/f${i + 1}.yaml`, `extends: f${i + 2}.yaml\n`])), [`/d/f${n}.yaml`]: last });

describe('extends', () => {
  it('a base read as text or as { ok, text }, found relative to the file that names it or by an absolute path; files listed overlay first', () => {
    const ok = parseBlueprint('extends: ../d/base.yml\nmetadata: { name: top }\n', '/d/top.yaml', files({ '/d/base.yml': { ok: true, text: BASE } }));
    expect(ok.ok && [ok.files, ok.blueprint.metadata.name, ok.blueprint.layouts.mono!.units.app!.replicas, 'extends' in ok.blueprint]).toEqual([['/d/top.yaml', '/d/base.yml'], 'top', 2, false]);
    const abs = parseBlueprint('extends: /e/base.json\n', '/d/top.yaml', files({ '/e/base.json': BASE }));
    expect(abs.ok && abs.files).toEqual(['/d/top.yaml', '/e/base.json']);
  });

  it('each way a chain fails, said at the extends of the file that names the base', () => {
    expect(errs('extends: 5\n')).toEqual(['/d/top.yaml:1:10 extends must be a file path']);
    expect(errs("extends: ''\n")).toEqual(['/d/top.yaml:1:10 extends must be a file path']);
    expect(errs('extends: base.txt\n')).toEqual(['/d/top.yaml:1:10 extends must name a .yaml, .yml or .json file']);
    expect(errs('extends: base.YAML\n')).toEqual(['/d/top.yaml:1:10 base /d/base.YAML: cannot read it']);
    expect(errs('extends: base.yaml\n', files({ '/d/base.yaml': { ok: false, message: 'outside the folder' } }))).toEqual(['/d/top.yaml:1:10 base /d/base.yaml: outside the folder']);
    expect(errs('extends: a.yaml\n', files({ '/d/a.yaml': 'extends: b.yaml\n', '/d/b.yaml': 'extends: top.yaml\n' }))).toEqual(['/d/b.yaml:1:10 extends cycle: /d/top.yaml → /d/a.yaml → /d/b.yaml → /d/top.yaml']);
    expect(errs('extends: base.yaml\n', files({ '/d/base.yaml': 'metadata: [\n' }))[0]).toMatch(/^\/d\/base\.yaml:2:1 YAML syntax: /);
  });

  it('a chain of 16 bases is read, a 17th is refused', () => {
    const sixteen = parseBlueprint('extends: f1.yaml\n', '/d/top.yaml', chain(16, BASE));
    expect(sixteen.ok && sixteen.files.length).toBe(17);
    expect(errs('extends: f1.yaml\n', chain(17, BASE))).toEqual(['/d/f16.yaml:1:10 extends chain longer than 16 files']);
  });

  it('a base that is not a blueprint is refused whole, its content never shown', () => {
    expect(errs('extends: base.yaml\n', files({ '/d/base.yaml': '- root:x:0:0\n' }))).toEqual(['/d/base.yaml:1:1 a base named by extends: must be a blueprint (a YAML mapping); its content is not shown']);
    expect(errs('extends: base.yaml\n', files({ '/d/base.yaml': 'user: root\npassword: x\n' }))).toEqual([
      '/d/base.yaml:1:1 not an archsim blueprint (no apiVersion, kind, metadata, system or layouts at the top) — a base named by extends:; its content is not shown',
    ]);
  });

  it('overlay: mappings merge key by key, lists and scalars replace, null deletes', () => {
    expect(overlay({ a: { b: 1, c: [1, 2], d: { e: 1 } }, f: 1, k: 1 }, { a: { b: null, c: [3], d: { g: 2 } }, f: { h: 1 }, i: null, j: 2 })).toEqual({ a: { c: [3], d: { e: 1, g: 2 } }, f: { h: 1 }, k: 1, j: 2 });
    expect(overlay([1, 2], { a: 1 })).toEqual({ a: 1 });
    expect(overlay({ a: 1 }, [3])).toEqual([3]);
    expect(overlay(null, { a: 1 })).toEqual({ a: 1 });
  });
});

describe('what is not a blueprint', () => {
  it('a mapping with none of the top-level keys is refused without listing its keys; a list or a scalar is not a mapping', () => {
    expect(errs('user: root\npassword: x\n')).toEqual(['/d/top.yaml:1:1 not an archsim blueprint (no apiVersion, kind, metadata, system or layouts at the top); its content is not shown']);
    for (const key of ['apiVersion', 'kind', 'metadata', 'system', 'layouts', 'extends']) expect(errs(`${key}: 1\nuser: root\n`).join('\n'), key).not.toContain('not an archsim blueprint');
    expect(errs('- 1\n')).toEqual(['/d/top.yaml:1:1 a blueprint is a YAML mapping (apiVersion, kind, metadata, system, layouts…)']);
    expect(errs('hello\n')).toEqual(['/d/top.yaml:1:1 a blueprint is a YAML mapping (apiVersion, kind, metadata, system, layouts…)']);
  });
});

describe('repair', () => {
  it('schema problems and the semantic ones of what is left, together, in document order', () => {
    expect(errs(REPAIR)).toEqual([
      '/d/top.yaml:1:13 expected one of "archsim/v1", got "archsim/v2"',
      '/d/top.yaml:2:7 expected one of "Blueprint", got "Blue"',
      '/d/top.yaml:3:19 must be a DNS-1123 label (Kubernetes and compose names): lower-case letters, digits and -, starting with a letter, ending with a letter or digit, at most 50 characters',
      '/d/top.yaml:3:36 expected string, got number 5',
      '/d/top.yaml:6:65 call to "zz.y": unknown domain "zz" (did you mean "a.y"?)',
      '/d/top.yaml:6:84 "fast" is not a duration (e.g. 9ms, 1.5s, 200us, 2m)',
      '/d/top.yaml:9:21 expected one of "rabbitmq", "redis", "kafka", "postgres", "nats", "sqs", got "mq"',
    ]);
  });

  it('a problem under a dropped entry is not reported again (the unit without a port is gone, not its domain unplaced)', () => {
    const text = BASE.replace('app: { domains: "*", port: 8000, replicas: 2 }', 'app: { domains: "*", replicas: 2 }');
    expect(errs(text)).toEqual(['/d/top.yaml:9:19 required: expected number']);
  });
});
