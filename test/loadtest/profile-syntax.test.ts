// A load profile's setup methods and template syntax are checked where they are written: an
// unknown method (FETCH) and a "{{" the interpreter would leave as written ("{{unclosed", sent to
// the server as those characters) are positioned errors, exit 2, like every input error.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, InputError, errorKind } from '../../src/errors.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { Route } from '../../src/model/schema.js';
import { parseLoadProfile, validateLoadProfileFile } from '../../src/loadtest/profile/load.js';
import { lpRender } from '../../src/loadtest/profile/runtime.js';
import { SETUP_METHODS } from '../../src/loadtest/profile/schema.js';
import { templateProblem } from '../../src/loadtest/profile/template-syntax.js';

const head = 'apiVersion: archsim/v1\nkind: LoadProfile\nusers: 2\n';
const errors = (text: string): string[] => {
  try {
    parseLoadProfile(text, 'p.load.yaml', null);
  } catch (e) {
    if (e instanceof InputError) return e.diagnostics.map(formatDiagnostic);
    throw e;
  }
  return [];
};

const SYNTAX = 'a placeholder is {{expr}}, closed by }} with no brace inside; expr is a dotted path (user.token, vars.x) or pick(path), next(path), fill(n)';
const METHOD = 'an HTTP method in capitals: GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS (a setup request is plain HTTP, never WS)';

describe('archsim validate on a load profile with FETCH and "{{unclosed"', () => {
  it('reports both, each at its value, in the blueprint loader’s result (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lp-syntax-'));
    writeFileSync(
      join(dir, 'bank.yaml'),
      `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: bank }
system:
  domains:
    payments:
      tables: [payments]
      operations:
        transfer: { route: "POST /transfers/{id}", cpu: 1ms, db: { writes: 1 } }
layouts:
  mono:
    units: { app: { domains: "*", port: 8000 } }
    datastores: { db: { engine: postgres, tables: "*" } }
`,
    );
    const file = join(dir, 'bank.load.yaml');
    // /work/unseen7/broken/bad.load.yaml, as reported
    writeFileSync(
      file,
      `apiVersion: archsim/v1
kind: LoadProfile
users: 2
setup:
  - name: x
    request: { method: FETCH, path: /nope }
requests:
  payments.transfer: { params: { id: "{{unclosed" } }
`,
    );
    const r = validateLoadProfileFile(file);
    expect(r.ok).toBe(false);
    const ds = r.ok ? [] : r.errors;
    expect(ds.map(formatDiagnostic)).toEqual([
      `${file}:6:24: setup[0].request.method: ${METHOD}`,
      `${file}:8:38: requests["payments.transfer"].params.id: the {{ at character 1 is never closed: ${SYNTAX}`,
    ]);
    expect(EXIT_CODES[errorKind(new InputError(ds))]).toBe(2);
  });
});

describe('setup methods', () => {
  it('are the blueprint route methods but WS, each accepted', () => {
    for (const m of SETUP_METHODS) {
      expect(Route.safeParse(`${m} /x`).success).toBe(true);
      expect(errors(`${head}setup:\n  - request: { method: ${m}, path: /x }\n`)).toEqual([]);
    }
    expect(Route.safeParse('WS /x').success).toBe(true);
    expect([...SETUP_METHODS]).toEqual(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
  });

  it('anything else, WS and lower case included, is refused at the method', () => {
    for (const m of ['FETCH', 'WS', 'get', 'CONNECT']) {
      expect(errors(`${head}setup:\n  - request: { method: ${m}, path: /x }\n`)).toEqual([`p.load.yaml:5:24: setup[0].request.method: ${METHOD}`]);
    }
  });
});

describe('template syntax', () => {
  it('a "{{" never closed, an empty placeholder, a brace inside one, an unknown function', () => {
    expect(templateProblem('{{unclosed')).toBe(`the {{ at character 1 is never closed: ${SYNTAX}`);
    expect(templateProblem('id-{{user.id}}-{{x')).toBe(`the {{ at character 16 is never closed: ${SYNTAX}`);
    expect(templateProblem('a{{}}')).toBe(`the placeholder at character 2 is empty: ${SYNTAX}`);
    expect(templateProblem('a{{  }}')).toBe(`the placeholder at character 2 is empty: ${SYNTAX}`);
    expect(templateProblem('{{user.{x}}}')).toBe(`the {{ at character 1 opens no placeholder (a brace inside it): ${SYNTAX}`);
    expect(templateProblem('{{rand(users)}}')).toBe('the placeholder at character 1 calls a function the interpreter does not have (there are pick, next and fill)');
  });

  it('what the interpreter expands passes, and so does text with no "{{"', () => {
    for (const s of ['{{user.token}}', 'Bearer {{user.token}}', '{{ pick(users).name }}', '{{next(pool.ids)}}', '{{fill(64)}}', '{{{vars.x}}}', '{"a":{"b":1}}', '}} alone', '{ {x} }', '']) {
      expect(templateProblem(s)).toBeUndefined();
    }
  });

  it('agrees with the interpreter: a string is refused exactly when rendering it leaves a "{{"', () => {
    const scope = { user: { id: 7 }, vars: { x: 'v' }, random: () => 0, opSeq: 0 };
    for (const s of ['{{user.id}}', 'a{{user.id}}b{{vars.x}}', '{{{user.id}}}', '{{{{user.id}}}}', '{{user.id}', '{{user.id}}{{', '{{}}', 'x{{vars.x}}}}', '{{vars.x}}{{{']) {
      const left = String(lpRender(s, scope)).includes('{{');
      expect([s, templateProblem(s) !== undefined]).toEqual([s, left]);
    }
  });

  it('every templated place is checked, positioned at its value; JSON paths in save and vars are not templates', () => {
    const text = `${head}vars: { literal: "{{kept as data" }
token: "{{user.token"
setup:
  - request:
      method: POST
      path: /users/{{user.name
      headers: { x-a: "{{" }
      json: { name: "{{user.name}}", tags: [ok, "{{}}"] }
    save: { user.token: "$.token{{", user.name: { a: "$.a", b: "{{x" } }
requests:
  a.b:
    query: { q: "{{q" }
    body: "{{b"
    token: "{{c"
    headers: { h: "{{d" }
`;
    expect(errors(text).map((l) => l.replace(/: (the|a) .*$/, ''))).toEqual([
      'p.load.yaml:5:8: token',
      'p.load.yaml:9:13: setup[0].request.path',
      'p.load.yaml:10:23: setup[0].request.headers.x-a',
      'p.load.yaml:11:49: setup[0].request.json.tags[1]',
      'p.load.yaml:12:64: setup[0].save["user.name"].b',
      'p.load.yaml:15:17: requests["a.b"].query.q',
      'p.load.yaml:16:11: requests["a.b"].body',
      'p.load.yaml:17:12: requests["a.b"].token',
      'p.load.yaml:18:19: requests["a.b"].headers.h',
    ]);
  });
});
