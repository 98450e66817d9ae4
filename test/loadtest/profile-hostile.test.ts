// A load profile is hostile input: its setup's `save` targets and `with` names are paths the
// interpreter writes into its own objects (in archsim's process for the embedded driver), and its
// file is read like every file a user names. A hostile example per rule.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseBlueprint } from '../../src/model/parse.js';
import { findLoadProfile, parseLoadProfile } from '../../src/loadtest/profile/load.js';
import { lpEval, lpRequest, lpSave } from '../../src/loadtest/profile/runtime.js';

const head = 'apiVersion: archsim/v1\nkind: LoadProfile\nusers: 1\n';
const messages = (text: string): string[] => {
  try {
    parseLoadProfile(text, 'p.load.yaml', null);
  } catch (e) {
    if (e instanceof InputError) return e.diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`);
    throw e;
  }
  return [];
};

describe('a load profile may not name a prototype in a path it writes', () => {
  it('save targets through __proto__, constructor or prototype are refused where they are written', () => {
    const text = `${head}setup:\n  - request: { method: GET, path: / }\n    save: { "user.__proto__.isAdmin": "yes", "constructor.prototype.p": "yes", "pool.prototype[]": "x", "user.token": "$.token" }\n`;
    const m = messages(text);
    expect(m).toHaveLength(3);
    for (const x of m) expect(x).toMatch(/^6:\d+: .*a path may not name __proto__, constructor or prototype$/);
  });

  it('a `with` binding named __proto__ is refused; names that merely contain the words are not', () => {
    const text = `${head}requests:\n  a.b:\n    with: { __proto__: "user", constructorName: "user" }\n`;
    const m = messages(text);
    expect(m.some((x) => /a path may not name|__proto__/.test(x))).toBe(true);
    expect(messages(`${head}requests:\n  a.b:\n    with: { constructorName: "user", prototypes: "user" }\n`)).toEqual([]);
  });

  it('the interpreter refuses them too, whatever reached it, and no object gains a property', () => {
    const scope = { user: { name: 'u' }, users: [], vars: {}, pool: {} };
    expect(() => lpSave({ 'user.__proto__.isAdmin': 'yes' }, scope, '{}')).toThrow('save "user.__proto__.isAdmin": a path may not name __proto__');
    expect(() => lpSave({ 'constructor.prototype.polluted': 'yes' }, scope, '{}')).toThrow('a path may not name constructor');
    expect(() => lpSave({ 'pool.prototype[]': 'x' }, scope, '{}')).toThrow('a path may not name prototype');
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // reads: a prototype's members are not the scope's data
    expect(() => lpEval('user.constructor', scope)).toThrow('"user.constructor": a path may not name constructor');
    expect(() => lpEval('user.toString', scope)).toThrow('{{user.toString}}: nothing at "user.toString"');
    expect(lpEval('user.name', scope)).toBe('u');
    // a response's JSON keys: "__proto__" from JSON.parse is refused as a path step as well
    expect(() => lpSave({ 'user.x': '$.__proto__.a' }, scope, '{"__proto__": {"a": 1}}')).toThrow('a path may not name __proto__');
    // `with` in a load request
    const op = { id: 'a.b', method: 'GET', path: '/', t: { with: { ['__proto__']: 'user' } } };
    expect(() => lpRequest(op, { run: 'r', users: [{ i: 0, name: 'u' }], vars: {}, pool: {} }, { seq: 0, opSeq: 0, random: () => 0 }, null)).toThrow('a.b: with may not bind __proto__');
  });
});

describe('a load profile file is read like every file a user names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lp-hostile-'));
  const read = (file: string): string => {
    try {
      findLoadProfile({ file, bp: null });
    } catch (e) {
      if (e instanceof InputError) return e.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`).join('\n');
      throw e;
    }
    return 'read';
  };

  it('a device, a FIFO, an oversized file and a binary file: one line each, nothing read past the limit', () => {
    expect(read('/dev/zero')).toBe('/dev/zero:1:1: the load profile is a device, not a regular file');
    const fifo = join(dir, 'p.fifo');
    execFileSync('mkfifo', [fifo]);
    // With no writer this would block for ever if it were opened for a blocking read.
    expect(read(fifo)).toBe(`${fifo}:1:1: the load profile is a FIFO (named pipe), not a regular file`);
    const big = join(dir, 'big.load.yaml');
    writeFileSync(big, `${head}#${'x'.repeat(1024 * 1024)}\n`);
    expect(read(big)).toBe(`${big}:1:1: a load profile is at most 1048576 bytes`);
    const bin = join(dir, 'bin.load.yaml');
    writeFileSync(bin, Buffer.from([0x61, 0x00, 0x62]));
    expect(read(bin)).toBe(`${bin}:1:1: the load profile is not a text file (it contains NUL bytes)`);
    expect(read(join(dir, 'none.load.yaml'))).toBe(`${join(dir, 'none.load.yaml')}:1:1: cannot read the load profile: no such file`);
  });
});

describe('a route parameter the profile leaves out', () => {
  const bp = parseBlueprint(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: bills }
system:
  domains:
    bill: { tables: [b], operations: { list: { route: "GET /bills/{acct}/items/{page}", cpu: 1ms }, all: { route: GET /bills, cpu: 1ms } } }
layouts:
  l: { units: { u: { domains: "*", port: 8000 } }, datastores: { db: { engine: postgres, tables: "*" } } }
`, 'bills.yaml');

  it('is refused where the operation is described, each missing one named, not when a driver first builds the request', () => {
    if (!bp.ok) throw new Error(JSON.stringify(bp.errors));
    const text = `${head}requests:\n  bill.list: { params: { acct: "a1" } }\n  bill.all: { query: { q: "x" } }\n`;
    let got: string[] = [];
    try {
      parseLoadProfile(text, 'bills.load.yaml', bp.blueprint);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      got = e.diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`);
    }
    expect(got).toEqual(['5:16: requests.bill.list.params.page is missing (the route is GET /bills/{acct}/items/{page})']);
    // every parameter given: accepted
    expect(() => parseLoadProfile(`${head}requests:\n  bill.list: { params: { acct: "a1", page: "{{i}}" } }\n`, 'bills.load.yaml', bp.blueprint)).not.toThrow();
  });
});
