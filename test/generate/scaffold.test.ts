// Acceptance: the generated QuantChat microservices repository installs from the real npm
// registry, builds, passes its own tests, and a generated service starts, answers /health and
// shuts down cleanly on SIGTERM.
// Slow by nature (npm install from the registry, then tsc once per service): the limits are
// ceilings for a busy shared machine (at load ~50 the QuantChat one took 602 s, `npm test` of its
// eight services most of it; at 240 s it was killed); spawnSync blocks the event loop, so the child's timeout is what actually stops a run.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { grpcNames, grpcPath } from '../../src/generate/grpc.js';
import { SCAFFOLD_VERSIONS } from '../../src/generate/scaffold.js';
import { GRPC_VERSIONS } from '../../src/generate/scaffold-grpc.js';
import { parseBlueprint } from '../../src/model/parse.js';
import { routeTable } from '../../src/model/resolve.js';
import { quantchat } from './fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'archsim-scaffold-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('scaffold', () => {
  it('lays out one fastify service per unit with every route of the route table', () => {
    const files = generate('scaffold', quantchat, 'microservices');
    const paths = new Set(files.map((f) => f.path));
    for (const u of Object.keys(quantchat.layouts.microservices!.units)) {
      for (const p of ['package.json', 'tsconfig.json', 'Dockerfile', 'src/app.ts', 'src/main.ts', 'src/routes.ts', 'src/metrics.ts', 'test/app.test.ts']) expect(paths, `${u}/${p}`).toContain(`services/${u}/${p}`);
    }
    for (const p of ['package.json', 'README.md', 'docker-compose.yml', '.env.example', 'k8s/kustomization.yaml']) expect(paths).toContain(p);
    for (const r of routeTable(quantchat, 'microservices')) {
      const routes = files.find((f) => f.path === `services/${r.unit}/src/routes.ts`)!.content;
      expect(routes, r.op).toContain(`url: ${JSON.stringify(r.path.replace(/\{([^}]+)\}/g, ':$1'))}`);
    }
    const pkg = JSON.parse(files.find((f) => f.path === 'services/auth-service/package.json')!.content);
    expect(pkg.dependencies).toEqual({ fastify: SCAFFOLD_VERSIONS.fastify, 'prom-client': SCAFFOLD_VERSIONS['prom-client'] });
  });

  it('installs, builds, passes its own tests, and a service starts and answers /health (real npm registry)', async () => {
    const dir = join(tmp, 'quantchat');
    for (const f of generate('scaffold', quantchat, 'microservices')) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
    }
    const env = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
    const install = spawnSync(npm, ['install', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8', env, timeout: 600_000 });
    expect(install.status, install.stderr).toBe(0);
    const test = spawnSync(npm, ['test'], { cwd: dir, encoding: 'utf8', env, timeout: 900_000 });
    expect(test.status, `${test.stdout}\n${test.stderr}`).toBe(0);
    const passed = [...test.stdout.matchAll(/^# pass (\d+)$/gm)].map((m) => Number(m[1]));
    expect(passed).toHaveLength(8); // one test run per service
    expect(test.stdout).not.toMatch(/^# fail [1-9]/m);

    const port = await freePort();
    const child = spawn(process.execPath, ['dist/src/main.js'], { cwd: join(dir, 'services/message-service'), env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let logs = '';
    child.stdout.on('data', (d) => (logs += d));
    child.stderr.on('data', (d) => (logs += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      let health: Response | undefined;
      for (let i = 0; i < 100 && !health; i++) {
        health = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
        if (!health) await new Promise((r) => setTimeout(r, 100));
      }
      expect(health?.status, logs).toBe(200);
      expect(await health!.json()).toEqual({ status: 'ok', service: 'message-service' });
      const send = await fetch(`http://127.0.0.1:${port}/api/v1/messages/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(send.status).toBe(501);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const line = metrics.split('\n').find((l) => l.startsWith('http_request_duration_seconds_count{') && l.includes('route="/api/v1/messages/send"'));
      expect(line, metrics).toBeDefined();
      for (const label of ['method="POST"', 'status_code="501"', 'service="message-service"']) expect(line).toContain(label);
      expect(line).toMatch(/ 1$/);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, logs).toBe(0);
    expect(logs).toContain('shutting down');
    // The repository's README names what was generated.
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('| `message-service` | messages | 8003 | 3 |');
  }, 1_560_000);

  // The rpc fixture: two Node units serve gRPC, one HTTP unit calls them by gRPC. Installed from
  // the real registry, built, its own tests (real gRPC calls) pass, and one unit started as in
  // its container answers a real gRPC call from here, with the .proto it was generated with.
  it('a gRPC unit installs, passes its own tests, starts and answers real gRPC calls (real npm registry)', async () => {
    const parsed = parseBlueprint(readFileSync(new URL('../fixtures/generate/rpc.yaml', import.meta.url), 'utf8'), 'rpc.yaml');
    if (!parsed.ok) throw new Error('rpc fixture does not load');
    const bp = parsed.blueprint;
    const dir = join(tmp, 'rpc');
    const files = generate('scaffold', bp, 'split');
    for (const f of files) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
    }
    const pkg = JSON.parse(files.find((f) => f.path === 'services/rpc-svc/package.json')!.content);
    expect(pkg.dependencies).toEqual(GRPC_VERSIONS);
    const env = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
    const install = spawnSync(npm, ['install', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8', env, timeout: 600_000 });
    expect(install.status, install.stderr).toBe(0);
    const test = spawnSync(npm, ['test'], { cwd: dir, encoding: 'utf8', env, timeout: 900_000 });
    expect(test.status, `${test.stdout}\n${test.stderr}`).toBe(0);
    expect([...test.stdout.matchAll(/^# pass (\d+)$/gm)].map((m) => Number(m[1]))).toHaveLength(3);
    expect(test.stdout).not.toMatch(/^# fail [1-9]/m);

    const port = await freePort();
    const token = 'a-test-token';
    const child = spawn(process.execPath, ['dist/src/main.js'], { cwd: join(dir, 'services/rpc-svc'), env: { ...env, PORT: String(port), HOST: '127.0.0.1', SERVICE_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] });
    let logs = '';
    child.stdout.on('data', (d) => (logs += d));
    child.stderr.on('data', (d) => (logs += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const opts = { keepCase: true, longs: String, enums: String, defaults: true };
    const system = protoLoader.loadSync(join(dir, 'services/rpc-svc/proto/system.proto'), opts);
    const health = protoLoader.loadSync(join(dir, 'services/rpc-svc/proto/health.proto'), opts);
    const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const call = <I, O>(def: protoLoader.PackageDefinition, service: string, method: string, input: I, md = new grpc.Metadata()) =>
      new Promise<{ err: grpc.ServiceError | null; res?: O }>((resolve) => {
        const m = (def[service] as protoLoader.ServiceDefinition)[method]!;
        client.makeUnaryRequest(m.path, m.requestSerialize as (v: I) => Buffer, m.responseDeserialize as (b: Buffer) => O, input, md, { deadline: Date.now() + 5000 }, (err, res) => resolve({ err, res }));
      });
    try {
      // The health service the probes ask, once the server is up.
      let h: { err: grpc.ServiceError | null; res?: { status: string } } | undefined;
      for (let i = 0; i < 100 && h?.res?.status !== 'SERVING'; i++) {
        h = await call<{ service: string }, { status: string }>(health, 'grpc.health.v1.Health', 'Check', { service: '' });
        if (h.res?.status !== 'SERVING') await new Promise((r) => setTimeout(r, 100));
      }
      expect(h?.res, logs).toEqual({ status: 'SERVING' });
      // A public method: served, its handler not implemented yet, its path the one the gateway routes.
      const names = grpcNames(bp);
      expect(grpcPath(names, 'a-b', 'get-all')).toBe('/rpc_shop2.v1.AB/GetAll');
      const pub = await call(system, 'rpc_shop2.v1.AB', 'GetAll', { params: { id: '1' }, body_json: '' });
      expect(pub.err?.code).toBe(grpc.status.UNIMPLEMENTED);
      expect(pub.err?.details).toContain('a-b.get-all');
      // An internal method: refused without the token, served with it.
      const noToken = await call(system, 'rpc_shop2.v1.AB', 'Hidden', { params: {}, body_json: '{}' });
      expect(noToken.err?.code).toBe(grpc.status.UNAUTHENTICATED);
      const md = new grpc.Metadata();
      md.set('x-service-token', token);
      const withToken = await call(system, 'rpc_shop2.v1.AB', 'Hidden', { params: {}, body_json: '{}' }, md);
      expect(withToken.err?.code).toBe(grpc.status.UNIMPLEMENTED);
    } finally {
      client.close();
      child.kill('SIGTERM');
    }
    expect(await exited, logs).toBe(0);
    expect(logs).toContain('shutting down');
  }, 1_560_000);
});
