// The k6 script for a layout whose public operations are partly served over gRPC: those are
// called with k6/net/grpc on the system's .proto (written beside the script), the HTTP ones stay
// HTTP. Checked with the real k6 binary (k6 inspect parses it; k6 run drives a real gRPC server
// and a real HTTP server through the generated nginx gateway), skipped only without k6 or nginx.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { grpcNames, protoFile } from '../../src/generate/grpc.js';
import { k6Script } from '../../src/generate/k6.js';
import { findK6 } from '../../src/loadtest/k6.js';
import { k6ScriptForLayout, refuseGrpcOperations } from '../../src/loadtest/layout-run.js';
import { parseBlueprint } from '../../src/model/parse.js';

const NGINX = '/usr/sbin/nginx';
const hasNginx = existsSync(NGINX);
const k6 = findK6();
const tmp = mkdtempSync(join(tmpdir(), 'archsim-k6-grpc-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const loaded = parseBlueprint(readFileSync(new URL('../fixtures/generate/rpc.yaml', import.meta.url), 'utf8'), 'rpc.yaml');
if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
const bp = loaded.blueprint;
const names = grpcNames(bp);
// Public operations of the gRPC units (rpc-svc, oi-svc); front.home is on the HTTP unit web.
const GRPC_OPS = ['a-b.get-all', 'a-b.get_all', 'a_b.get', 'operation-input.list'];

/** OPERATIONS of the script, read back from its text. */
function operationsOf(script: string): { id: string; method: string; grpc?: { method: string; target: string; pattern: string; params: string[] } }[] {
  const m = /^const OPERATIONS = (\[[\s\S]*?\n\]);$/m.exec(script);
  return JSON.parse(m![1]!);
}

describe('k6 script for gRPC operations', () => {
  it('calls gRPC-served operations as methods of the .proto through the gateway, HTTP ones over HTTP', () => {
    const files = generate('k6', bp, 'split');
    expect(files.map((f) => f.path)).toEqual(['k6/load-test.js', 'k6/system.proto']);
    expect(files[1]!.content).toBe(protoFile(bp));
    const script = files[0]!.content;
    expect(script).toContain("import grpc from 'k6/net/grpc';");
    const ops = operationsOf(script);
    expect(ops.filter((o) => o.grpc).map((o) => o.id).sort()).toEqual(GRPC_OPS);
    expect(ops.find((o) => o.id === 'front.home')!.grpc).toBeUndefined();
    const getAll = ops.find((o) => o.id === 'a-b.get-all')!.grpc!;
    expect(getAll).toEqual({ method: `${names.package}.AB/GetAll`, target: 'GRPC_ADDR', pattern: '^\\/ab\\/([^/]*)$', params: ['id'] });
    // nginx takes gRPC on its own h2c listener (8001 beside 8000): the default port of GRPC_ADDR.
    expect(script).toContain('const GRPC_PORTS = {"GRPC_ADDR":[8001]};');
    expect(script).toMatch(/^\/\/ GRPC_ADDR \(default: BASE_URL's host, port 8001\)$/m);
    // Traefik takes gRPC on its one entrypoint: BASE_URL's own address, no port of its own.
    const traefik = generate('k6', bp, 'split', { kind: 'traefik' })[0]!.content;
    expect(traefik).toContain('const GRPC_PORTS = {"GRPC_ADDR":[]};');
    expect(traefik).toMatch(/^\/\/ GRPC_ADDR \(default: BASE_URL's host and port: Traefik takes gRPC on the same entrypoint\)$/m);
    expect(traefik).toContain('const BASE_ADDR = addressOf(BASE_URL);');
  });

  it('Traefik and a base URL on another port: gRPC dials that port (it dialled the layout\'s 8000), TLS for https', () => {
    const script = generate('k6', bp, 'split', { kind: 'traefik', baseUrl: 'https://gw.example:9443/api' })[0]!.content;
    expect(script).toMatch(/^\/\/ GRPC_ADDR \(default: gw\.example:9443, BASE_URL's host and port: Traefik takes gRPC on the same entrypoint\)$/m);
    expect(script).toContain('const BASE_ADDR = BASE_URL === "https://gw.example:9443/api" ? "gw.example:9443" : addressOf(BASE_URL);');
    expect(script).toContain('plaintext: GRPC_PORTS[v].length > 0 || !BASE_TLS');
    // The script's own parse of a BASE_URL given at run time, run as k6 would run it.
    const fn = (name: string) => new RegExp(`^function ${name}\\(url\\) \\{$[\\s\\S]*?^\\}$`, 'm').exec(script)![0];
    const addressOf = (url: string) => new Function('url', `${fn('hostOf')}\n${fn('addressOf')}\nconst BASE_HOST = hostOf(url);\nreturn addressOf(url);`)(url) as string;
    expect(['http://gw:9000/x', 'https://gw/x', 'http://gw', 'http://[::1]:8080/', 'http://[::1]', 'http://u:p@h:81?q=1', 'http://gw:'].map(addressOf)).toEqual([
      'gw:9000',
      'gw:443',
      'gw:80',
      '[::1]:8080',
      '[::1]:80',
      'h:81',
      'gw:80',
    ]);
    // nginx keeps its own gRPC listener: the base URL's host, the gateway's gRPC port
    expect(generate('k6', bp, 'split', { baseUrl: 'https://gw.example:9443/api' })[0]!.content).not.toContain('addressOf');
  });

  it('a route with regex characters and several parameters: the pattern captures exactly them', () => {
    const odd = structuredClone(bp);
    odd.system.domains['a_b']!.operations.get!.route = { method: 'GET', path: '/v1.0/a+b/{x}/(c)/{y}' };
    const g = operationsOf(k6Script(odd, 'split')).find((o) => o.id === 'a_b.get')!.grpc!;
    expect(g.params).toEqual(['x', 'y']);
    const re = new RegExp(g.pattern);
    expect(re.exec('/v1.0/a+b/7/(c)/hello%20there')?.slice(1)).toEqual(['7', 'hello%20there']);
    for (const other of ['/v1x0/a+b/7/(c)/8', '/v1.0/aab/7/(c)/8', '/v1.0/a+b/7/c/8', '/v1.0/a+b/7/(c)/8/9']) expect(re.test(other), other).toBe(false);
  });

  it('budgets of gRPC operations are thresholds on grpc_req_duration', () => {
    const withBudget = structuredClone(bp);
    withBudget.system.domains['a-b']!.operations['get-all']!.budget = { p95: 50 };
    withBudget.system.domains.front!.operations.home!.budget = { p95: 80 };
    const script = k6Script(withBudget, 'split');
    expect(script).toMatch(/"grpc_req_duration\{operation:a-b\.get-all\}": \[\s*"p\(95\)<50"\s*\]/);
    expect(script).toMatch(/"http_req_duration\{operation:front\.home\}": \[\s*"p\(95\)<80"\s*\]/);
    expect(script).not.toContain('http_req_duration{operation:a-b.get-all}');
  });

  it('without a gateway each gRPC unit is dialled itself (<UNIT>_GRPC_ADDR, its port)', () => {
    const direct = structuredClone(bp);
    delete direct.layouts.split!.gateway;
    direct.layouts.split!.units['oi-svc']!.port = 50052;
    const script = k6Script(direct, 'split');
    expect(script).toContain('const GRPC_PORTS = {"RPC_SVC_GRPC_ADDR":[50051],"OI_SVC_GRPC_ADDR":[50052]};');
    expect(operationsOf(script).find((o) => o.id === 'operation-input.list')!.grpc!.target).toBe('OI_SVC_GRPC_ADDR');
  });

  it('a layout with no gRPC unit writes no .proto and no gRPC client', () => {
    const files = generate('k6', bp, 'split', { operations: ['front.home'] });
    expect(files.map((f) => f.path)).toEqual(['k6/load-test.js']);
    expect(files[0]!.content).not.toMatch(/grpc/i);
  });

  it('the k6-operator ConfigMap carries the .proto beside the script', () => {
    const files = generate('k6', bp, 'split', { baseUrl: 'http://gw:8000', k6Operator: { parallelism: 2 } });
    const cm = parseAllDocuments(files.find((f) => f.path === 'k6/testrun.yaml')!.content)[0]!.toJS() as { data: Record<string, string> };
    expect(Object.keys(cm.data).sort()).toEqual(['load-test.js', 'system.proto']);
    expect(cm.data['system.proto']).toBe(protoFile(bp));
  });

  it('loadtest (whose drivers send HTTP and read HTTP figures) refuses a gRPC operation in one line', async () => {
    const plan = { mix: { 'front.home': 1, 'a_b.get': 1 }, rate: 10, users: null, thinkTime: 0, duration: 2, warmup: 0 } as never;
    await expect(k6ScriptForLayout(bp, 'split', plan, 'http://127.0.0.1:1')).rejects.toThrow(/^loadtest sends HTTP requests; a_b\.get \(gRPC, rpc-svc\) is served over gRPC: leave it out of --operation/);
    expect(() => refuseGrpcOperations(bp, 'split', ['front.home'])).not.toThrow();
  });

  it.skipIf(!k6)('k6 inspect parses the script with its .proto (skipped: no k6 on PATH and no K6_BIN)', () => {
    const dir = join(tmp, 'inspect');
    mkdirSync(dir, { recursive: true });
    for (const opts of [{}, { kind: 'traefik' as const, baseUrl: 'https://gw.example:9443' }]) {
      for (const f of generate('k6', bp, 'split', opts)) writeFileSync(join(dir, f.path.slice(3)), f.content);
      const r = spawnSync(k6!, ['inspect', 'load-test.js'], { cwd: dir, encoding: 'utf8', env: { ...process.env, K6_NO_USAGE_REPORT: 'true' } });
      expect(r.stderr).not.toMatch(/error/i);
      expect(r.status).toBe(0);
      expect(Object.keys(JSON.parse(r.stdout).scenarios)).toEqual(['load']);
    }
  });

  // The whole path for real: k6 → the generated nginx (HTTP on one listener, h2c on the other) →
  // a gRPC server on the system's .proto standing in for rpc-svc and oi-svc, an HTTP server for web.
  it.skipIf(!k6 || !hasNginx)('k6 drives the gRPC methods through the generated nginx and they answer OK (skipped without k6 or /usr/sbin/nginx)', async () => {
    const dir = join(tmp, 'run');
    mkdirSync(dir, { recursive: true });
    // Closed model (back to back): a busy machine slows it down but drops no iteration, so every
    // operation of the order is sent.
    const script = k6Script(bp, 'split', { users: 1, thinkTime: 0, duration: 2000, timeout: 5000 });
    writeFileSync(join(dir, 'load-test.js'), script);
    writeFileSync(join(dir, 'system.proto'), protoFile(bp));
    const def = protoLoader.loadSync(join(dir, 'system.proto'), { keepCase: true, defaults: true });
    const seen: { op: string; params: Record<string, string>; body: string; auth: unknown }[] = [];
    const server = new grpc.Server();
    for (const [d, s] of names.services) {
      const impl: grpc.UntypedServiceImplementation = {};
      for (const [op, m] of s.methods) {
        impl[m] = ((call, cb) => {
          seen.push({ op: `${d}.${op}`, params: { ...call.request.params }, body: call.request.body_json, auth: call.metadata.get('authorization')[0] });
          cb(null, { result_json: '{}' });
        }) as grpc.handleUnaryCall<{ params: Record<string, string>; body_json: string }, { result_json: string }>;
      }
      server.addService(def[`${names.package}.${s.service}`] as unknown as grpc.ServiceDefinition, impl);
    }
    const unitPort = await new Promise<number>((res, rej) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
    const httpSeen: string[] = [];
    const web = createHttpServer((req, res) => (httpSeen.push(`${req.method} ${req.url}`), res.end('{}')));
    const webPort = await new Promise<number>((res) => web.listen(0, '127.0.0.1', () => res((web.address() as { port: number }).port)));
    const free = () => new Promise<number>((res) => { const x = createServer().listen(0, '127.0.0.1', () => { const p = (x.address() as { port: number }).port; x.close(() => res(p)); }); });
    const [httpPort, grpcPort] = [await free(), await free()];
    const conf = generate('gateway', bp, 'split')[0]!.content
      .replace('listen 8000;', `listen 127.0.0.1:${httpPort};`)
      .replace('listen 8001 http2;', `listen 127.0.0.1:${grpcPort} http2;`)
      .replace(/(rpc-svc|oi-svc):50051/g, `127.0.0.1:${unitPort}`)
      .replace(/web:8080/g, `127.0.0.1:${webPort}`)
      .replace('pid /tmp/nginx.pid;', `pid ${dir}/nginx.pid;`)
      .replace(/\/tmp\/(\w+_temp)/g, `${dir}/$1`)
      .replace('access_log /dev/stdout;', 'access_log off;');
    writeFileSync(join(dir, 'nginx.conf'), conf);
    const nginx = spawn(NGINX, ['-c', join(dir, 'nginx.conf'), '-p', `${dir}/`, '-g', 'daemon off; master_process off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      for (let i = 0; i < 100; i++) {
        if (await fetch(`http://127.0.0.1:${httpPort}/gateway/health`).then((r) => r.ok, () => false)) break;
        await new Promise((x) => setTimeout(x, 100));
      }
      const run = spawn(k6!, ['run', '--summary-export', join(dir, 'summary.json'), '--no-color', '--quiet', '-e', `BASE_URL=http://127.0.0.1:${httpPort}`, '-e', `GRPC_ADDR=127.0.0.1:${grpcPort}`, 'load-test.js'], { cwd: dir, env: { ...process.env, K6_NO_USAGE_REPORT: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      run.stdout.on('data', (b) => (out += b));
      run.stderr.on('data', (b) => (out += b));
      const code = await new Promise<number | null>((res) => run.once('exit', res));
      expect(code, out).toBe(0);
      const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { metrics: Record<string, Record<string, number>> };
      // Every iteration's check passed and every call reached a server.
      const passes = summary.metrics.checks!.passes!;
      expect(summary.metrics.checks!.fails, out).toBe(0);
      expect(passes).toBe(summary.metrics.iterations!.count);
      expect(passes).toBeGreaterThanOrEqual(5);
      expect(seen.length + httpSeen.length).toBe(passes);
      // k6 measured the gRPC calls as gRPC (grpc_req_duration), not as HTTP requests.
      expect(summary.metrics.grpc_req_duration!['p(95)']).toBeGreaterThan(0);
      expect(summary.metrics.http_reqs!.count).toBe(httpSeen.length);
      // Each gRPC operation reached its own method, with its route parameter; the HTTP one stayed HTTP.
      expect([...new Set(seen.map((s) => s.op))].sort()).toEqual(GRPC_OPS);
      expect(seen.filter((s) => s.op === 'a-b.get-all').every((s) => /^\d+$/.test(s.params.id!) && s.body === '')).toBe(true);
      // A write's placeholder body is a JSON object in body_json.
      const post = seen.find((s) => s.op === 'a-b.get_all')!;
      expect(JSON.parse(post.body)).toMatchObject({ data: expect.any(String) });
      expect(httpSeen.length).toBeGreaterThan(0);
      expect(httpSeen.every((l) => l === 'GET /')).toBe(true);
    } finally {
      nginx.kill('SIGTERM');
      server.forceShutdown();
      web.close();
    }
  }, 120_000);
});
