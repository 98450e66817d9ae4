// Blueprint names that are JavaScript's own words (new, constructor, class, delete, get, set,
// then, hasOwnProperty), route parameters named __proto__ and constructor, names whose dashes
// survive camel-casing (a--b, x-), a domain named clients, and HEAD routes (alone, and beside a
// GET on the same path): the scaffold compiles with each service's own tsconfig and passes its
// own generated tests, run with archsim's installed packages (no npm install, no network).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { parseBlueprint } from '../../src/model/parse.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'archsim-scaffold-names-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const YAML = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: names }
system:
  domains:
    new:
      operations:
        new: { route: "POST /posts/{__proto__}/{constructor}", cpu: 1ms }
        constructor: { route: "GET /posts/{id}", cpu: 1ms }
        exists: { route: "HEAD /posts/{key}", cpu: 1ms }
        ping: { route: "HEAD /ping", cpu: 1ms }
        a--b: { route: "GET /ab", cpu: 1ms }
        hasOwnProperty: { internal: true, cpu: 1ms }
    clients:
      operations:
        list: { route: "GET /clients", cpu: 1ms, calls: [class.get, rpc-x.new, a--b-.then] }
    class:
      operations:
        get: { internal: true, cpu: 1ms }
        set: { internal: true, cpu: 1ms, calls: [new.hasOwnProperty] }
        delete: { route: "DELETE /d/{class}", cpu: 1ms }
    a--b-:
      operations:
        then: { internal: true, cpu: 1ms }
        x-: { internal: true, cpu: 1ms }
    rpc-x:
      operations:
        new: { internal: true, cpu: 1ms }
        constructor: { internal: true, cpu: 1ms }
layouts:
  split:
    units:
      web: { domains: [new, clients], port: 8080 }
      other: { domains: [class, a--b-], port: 8081 }
      rpc: { domains: [rpc-x], port: 50051, protocol: grpc }
`;

function load(yaml: string) {
  const r = parseBlueprint(yaml, 'names.yaml');
  if (!r.ok) throw new Error(`the blueprint does not load: ${r.errors.map((e) => e.message).join('; ')}`);
  return r.blueprint;
}

// Generated on first use inside a test, not while the file loads: Stryker switches a mutant on
// when the tests start, so files generated at collection never saw it. And again in each test:
// a mutation run runs only the tests that covered a mutant, and with one generation for the file
// only the first test would have covered anything.
let generated: ReturnType<typeof generate> | undefined;
beforeEach(() => {
  generated = undefined;
});
const files = () => (generated ??= generate('scaffold', load(YAML), 'split'));
const file = (path: string) => {
  const f = files().find((x) => x.path === path);
  if (!f) throw new Error(`not generated: ${path}`);
  return f.content;
};

function run(cmd: string, args: string[], cwd: string): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, out }));
  });
}

describe('scaffold: names from the blueprint in generated code', () => {
  it('writes a member named new quoted (a method, not a construct signature), and every identifier without dashes', () => {
    // No member can be __proto__: the loader refuses that key, so it is a route parameter below.
    const proto = parseBlueprint(YAML.replace('hasOwnProperty: { internal: true', '__proto__: { internal: true'), 'names.yaml');
    expect(proto.ok ? [] : proto.errors.map((e) => e.message)).toEqual(['the key "__proto__" is not allowed (it would change an object\'s prototype)']);
    const contract = file('services/web/src/contracts/new.ts');
    expect(contract.slice(contract.indexOf('export interface NewClient'))).toBe(
      [
        'export interface NewClient {',
        '  /** new.new */',
        '  "new"(input: NewInput): Promise<NewResult>;',
        '  /** new.constructor */',
        '  constructor(input: ConstructorInput): Promise<ConstructorResult>;',
        '  /** new.exists */',
        '  exists(input: ExistsInput): Promise<ExistsResult>;',
        '  /** new.ping */',
        '  ping(input: PingInput): Promise<PingResult>;',
        '  /** new.a--b */',
        '  aB(input: ABInput): Promise<ABResult>;',
        '  /** new.hasOwnProperty */',
        '  hasOwnProperty(input: HasOwnPropertyInput): Promise<HasOwnPropertyResult>;',
        '}',
        '',
      ].join('\n'),
    );
    expect(file('services/web/src/handlers/new.ts')).toContain('\n    async "new"(input: contract.NewInput): Promise<contract.NewResult> {\n');
    const clients = file('services/web/src/clients.ts');
    // The clients domain's stem steps aside: create<Stem> would be createClients, which clients.ts declares.
    expect(clients).toContain("\nimport { createClients2 } from './handlers/clients.js';\n");
    expect(clients.slice(clients.indexOf('export interface Clients'), clients.indexOf('export function'))).toBe(
      [
        'export interface Clients {',
        '  /** new: in-process */',
        '  "new": NewClient;',
        '  /** clients: in-process */',
        '  clients: Clients2Client;',
        '  /** a--b-: other, by HTTP */',
        '  aB: ABClient;',
        '  /** class: other, by HTTP */',
        '  class: ClassClient;',
        '  /** rpc-x: rpc, by gRPC */',
        '  rpcX: RpcXClient;',
        '}',
        '',
        '',
      ].join('\n'),
    );
  });

  it('writes a route parameter named __proto__ as a computed key, so the schema has it as a property', () => {
    expect(file('services/web/src/routes.ts')).toContain(
      '  app.route({ method: "POST", url: "/posts/:__proto__/:constructor", schema: {"params":{"type":"object","properties":{["__proto__"]:{"type":"string","minLength":1},"constructor":{"type":"string","minLength":1}},"required":["__proto__","constructor"]},"body":{"type":"object"}}, handler:',
    );
  });

  it('tests a HEAD route by its status and empty body, never parsing one, and lets the GET beside it leave HEAD alone', () => {
    const test = file('services/web/test/app.test.ts');
    const start = test.indexOf("test('every route is registered and answers 501 until implemented'");
    expect(test.slice(start, test.indexOf('\n});\n', start) + 5)).toBe(
      [
        "test('every route is registered and answers 501 until implemented', async () => {",
        '  const app = buildApp({ env: { SERVICE_TOKEN: TOKEN } });',
        '  for (const r of ROUTES) {',
        "    const url = r.url.replace(/:[^/]+/g, '1');",
        "    const withBody = r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH';",
        "    const headers = r.internal ? { 'x-service-token': TOKEN } : {};",
        "    const res = await app.inject({ method: r.method as 'GET', url, headers, ...(withBody ? { payload: {} } : {}) });",
        '    assert.equal(res.statusCode, 501, `${r.method} ${url}`);',
        '    // A reply to HEAD has no body to name the operation: that it has none is what to check.',
        "    if (r.method === 'HEAD') assert.equal(res.body, '', `${r.method} ${url}`);",
        '    else assert.equal(res.json().operation, r.operation);',
        '  }',
        '  await app.close();',
        '});',
        '',
      ].join('\n'),
    );
    const routes = file('services/web/src/routes.ts');
    // fastify adds HEAD to a GET route by itself; beside the blueprint's own HEAD /posts/{key} it must not.
    expect(routes).toContain('  app.route({ method: "GET", url: "/posts/:id", schema: {"params":{"type":"object","properties":{"id":{"type":"string","minLength":1}},"required":["id"]}}, exposeHeadRoute: false, handler:');
    expect(routes).toContain('  app.route({ method: "GET", url: "/ab", schema: {}, handler:');
  });

  it('every service compiles with its own tsconfig and passes its own tests', async () => {
    for (const f of files()) {
      const p = join(tmp, f.path);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, f.content);
    }
    // archsim's own installed packages stand in for the repository's npm install.
    symlinkSync(join(ROOT, 'node_modules'), join(tmp, 'node_modules'), 'dir');
    const services = ['web', 'other', 'rpc'];
    // What each service's `npm test` runs: tsc -p tsconfig.json, then node --test on the build.
    const builds = await Promise.all(services.map((s) => run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], join(tmp, 'services', s))));
    expect(builds).toEqual(services.map(() => ({ status: 0, out: '' })));
    const tests = await Promise.all(services.map((s) => run(process.execPath, ['--test', 'dist/test/app.test.js'], join(tmp, 'services', s))));
    for (const [i, t] of tests.entries()) expect(t.status, `${services[i]}:\n${t.out}`).toBe(0);
    // web: probes, metrics, routes, handlers, internal endpoints, HTTP client, body validation;
    // other: no body route; rpc: the gRPC suite.
    expect(tests.map((t) => [/^# pass (\d+)$/m.exec(t.out)?.[1], /^# fail (\d+)$/m.exec(t.out)?.[1]])).toEqual([
      ['7', '0'],
      ['6', '0'],
      ['6', '0'],
    ]);
  }, 300_000);
});
