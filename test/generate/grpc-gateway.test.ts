// gRPC routes: a unit that serves gRPC has its public operations routed as gRPC by every gateway
// archsim generates (nginx, Kong, Traefik) and by the Kubernetes Ingress and Gateway API routes,
// each checked by the format's real validator where one exists (nginx -t, compose-spec,
// kubernetes-models). The blueprint is hostile to name mangling: domain and operation names
// that collide once made identifiers, and a domain named like the shared proto message.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import type { GatewayKind } from '../../src/generate/common.js';
import { grpcNames, grpcPath, protoFile } from '../../src/generate/grpc.js';
import { parseBlueprint } from '../../src/model/parse.js';
import { composeErrors } from './compose-schema.js';

const NGINX = '/usr/sbin/nginx';
const hasNginx = existsSync(NGINX);
const tmp = mkdtempSync(join(tmpdir(), 'archsim-grpc-gw-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));


const loaded = parseBlueprint(readFileSync(new URL('../fixtures/generate/rpc.yaml', import.meta.url), 'utf8'), 'rpc.yaml');
if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
const bp = loaded.blueprint;
// rpc-svc running "*" (the same two domains): the monolith an oi-svc canary splits with.
const starredLoaded = parseBlueprint(readFileSync(new URL('../fixtures/generate/rpc.yaml', import.meta.url), 'utf8').replace('rpc-svc: { domains: [a-b, a_b]', 'rpc-svc: { domains: "*"'), 'rpc.yaml');
if (!starredLoaded.ok) throw new Error(starredLoaded.errors.map((e) => e.message).join('\n'));
const starred = starredLoaded.blueprint;
const names = grpcNames(bp);
const P = (d: string, op: string) => grpcPath(names, d, op);
const RPC = [P('a-b', 'get-all'), P('a-b', 'get_all'), P('a_b', 'get')].sort();
const OI = [P('operation-input', 'list')];
const gw = (kind: GatewayKind, opts: object = {}) => generate('gateway', 'canary' in opts ? starred : bp, 'split', { kind, ...opts })[0]!.content;

describe('gRPC names', () => {
  it('are distinct, valid protobuf identifiers even where names collide once mangled', () => {
    expect(names.package).toBe('rpc_shop2.v1');
    expect(names.services.get('a-b')!.service).toBe('AB');
    expect(names.services.get('a_b')!.service).toBe('AB2');
    // A domain named like the shared message never takes its name.
    expect(names.services.get('operation-input')!.service).toBe('OperationInput2');
    expect([...names.services.get('a-b')!.methods.values()]).toEqual(['GetAll', 'GetAll2', 'Hidden']);
    for (const p of [...RPC, ...OI]) expect(p).toMatch(/^\/[a-z][a-z0-9_]*\.v1\.[A-Za-z][A-Za-z0-9]*\/[A-Za-z][A-Za-z0-9]*$/);
    expect(new Set([...RPC, ...OI]).size).toBe(4);
    const proto = protoFile(bp);
    expect(proto).toContain('package rpc_shop2.v1;');
    expect(proto).toContain('service OperationInput2 {');
    expect(proto).toContain('message OperationInput {');
  });
});

describe('gateway gRPC routes', () => {
  it('nginx: an h2c listener takes each public method exactly by grpc_pass; HTTP routes stay HTTP; passes nginx -t', () => {
    const conf = gw('nginx');
    expect(conf).toContain('listen 8000;');
    expect(conf).toContain('listen 8001 http2;');
    const grpcServer = conf.slice(conf.indexOf('listen 8001 http2;'));
    for (const p of RPC) expect(grpcServer).toContain(`location = ${p} {\n            set $backend_rpc_svc rpc-svc:50051;\n            grpc_pass grpc://$backend_rpc_svc;`);
    expect(grpcServer).toContain(`location = ${OI[0]} {\n            set $backend_oi_svc oi-svc:50051;\n            grpc_pass grpc://$backend_oi_svc;`);
    // The internal operation is never routed; the gRPC units' HTTP paths are not routed over HTTP.
    expect(conf).not.toContain(P('a-b', 'hidden'));
    const httpServer = conf.slice(0, conf.indexOf('listen 8001 http2;'));
    expect(httpServer).not.toMatch(/\/ab|\/oi|grpc_pass/);
    expect(httpServer).toContain('location / {\n            set $backend_web web:8080;\n            proxy_pass http://$backend_web;');
    if (!hasNginx) return;
    for (const [i, c] of [conf, gw('nginx', { canary: { unit: 'oi-svc', percent: 20 } })].entries()) {
      const dir = join(tmp, `nginx-${i}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'nginx.conf'), c);
      const fd = openSync(join(dir, 'stdout.log'), 'w');
      const r = spawnSync(NGINX, ['-t', '-q', '-c', join(dir, 'nginx.conf'), '-p', `${dir}/`], { encoding: 'utf8', stdio: ['ignore', fd, 'pipe'] });
      closeSync(fd);
      expect(r.status, r.stderr).toBe(0);
    }
  });

  it('nginx canary: a gRPC unit’s split goes through split_clients to grpc_pass', () => {
    // rpc-svc runs "*": the canary's rest goes there.
    const conf = gw('nginx', { canary: { unit: 'oi-svc', percent: 20 } });
    expect(conf).toMatch(/split_clients "\$\{request_id\}" \$backend_oi_svc \{\n\s+20%\s+oi-svc:50051;\n\s+\*\s+rpc-svc:50051;/);
    expect(conf).toContain(`location = ${OI[0]} {\n            grpc_pass grpc://$backend_oi_svc;`);
  });

  it('Kong: a grpc service with exact method regexes on grpc/grpcs routes, TCP-checked upstream', () => {
    const k = parse(gw('kong')) as { services: any[]; upstreams: any[] };
    const svc = k.services.find((s) => s.name === 'rpc-svc');
    expect(svc.protocol).toBe('grpc');
    expect(svc.routes).toHaveLength(1);
    expect(svc.routes[0].protocols).toEqual(['grpc', 'grpcs']);
    const res = svc.routes[0].paths.map((p: string) => new RegExp(p.slice(1)));
    for (const p of RPC) expect(res.filter((re: RegExp) => re.test(p)), p).toHaveLength(1);
    // Exact: neither a longer method nor another package's same-named method matches.
    for (const p of RPC) expect(res.some((re: RegExp) => re.test(`${p}X`) || re.test(p.replace('.v1.', 'xv1.')))).toBe(false);
    expect(k.upstreams.find((u) => u.name === 'rpc-svc.upstream').healthchecks.active.type).toBe('tcp');
    const web = k.services.find((s) => s.name === 'web');
    expect(web.protocol).toBe('http');
    expect(web.routes[0].protocols).toEqual(['http', 'https']);
  });

  it('Traefik: Path rules per method to an h2c server checked by the gRPC health protocol', () => {
    const t = parse(gw('traefik')) as { http: { routers: Record<string, any>; services: Record<string, any> } };
    expect(t.http.routers['rpc-svc'].rule).toBe(RPC.map((p) => `Path(\`${p}\`)`).join(' || '));
    expect(t.http.services['rpc-svc'].loadBalancer).toEqual({ servers: [{ url: 'h2c://rpc-svc:50051' }], healthCheck: { mode: 'grpc', interval: '10s', timeout: '3s' } });
    expect(t.http.services.web.loadBalancer.servers[0].url).toBe('http://web:8080');
  });

  it('compose publishes the gateway’s gRPC listener (nginx, Kong) and validates against compose-spec', () => {
    for (const kind of ['nginx', 'kong', 'traefik']) {
      const doc = parse(generate('compose', bp, 'split', { kind: kind as 'nginx' }).find((f) => f.path === 'docker-compose.yml')!.content);
      expect(composeErrors(doc)).toEqual([]);
      expect(doc.services.gateway.ports).toEqual(kind === 'traefik' ? ['127.0.0.1:8000:8000'] : ['127.0.0.1:8000:8000', '127.0.0.1:8001:8001']);
      if (kind === 'kong') expect(doc.services.gateway.environment.KONG_PROXY_LISTEN).toBe('0.0.0.0:8000, 0.0.0.0:8001 http2');
    }
  });

  it('Kubernetes: the gRPC methods in an Ingress of their own with backend-protocol GRPC, exact paths; valid models', () => {
    const text = generate('k8s', bp, 'split').find((f) => f.path === 'k8s/ingress.yaml')!.content;
    const objs = parseAllDocuments(text).map((d) => d.toJS() as any);
    for (const o of objs) expect(() => new Ingress(o).validate()).not.toThrow();
    const main = objs.find((o) => o.metadata.name === 'rpc-shop2');
    const grpc = objs.find((o) => o.metadata.name === 'rpc-shop2-grpc');
    // A method path holds ".", which ingress-nginx (strict-validate-path-type) refuses in an Exact
    // path: each method is an exact regex, and with use-regex on the host every path is a regex.
    const exact = (p: string) => `/(?-i)${p.slice(1).replace(/\./g, '\\.')}$`;
    expect(main.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/use-regex': 'true' });
    expect(main.spec.rules[0].http.paths.map((p: any) => [p.path, p.pathType])).toEqual([['/', 'ImplementationSpecific']]);
    expect(grpc.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/backend-protocol': 'GRPC', 'nginx.ingress.kubernetes.io/use-regex': 'true' });
    expect(grpc.spec.rules[0].http.paths.map((p: any) => [p.path, p.pathType, p.backend.service.name, p.backend.service.port.number])).toEqual([
      ...RPC.map((p) => [exact(p), 'ImplementationSpecific', 'rpc-svc', 50051]),
      [exact(OI[0]!), 'ImplementationSpecific', 'oi-svc', 50051],
    ]);
    // The gRPC units' Services say h2c to whatever balances them.
    const svc = parseAllDocuments(generate('k8s', bp, 'split').find((f) => f.path === 'k8s/rpc-svc/service.yaml')!.content)[0]!.toJS() as any;
    expect(svc.spec.ports[0]).toMatchObject({ name: 'grpc', appProtocol: 'kubernetes.io/h2c' });
  });

  it('Gateway API: a GRPCRoute matching each method exactly beside the HTTPRoute', () => {
    const text = generate('k8s', bp, 'split', { ingress: 'gateway-api' }).find((f) => f.path === 'k8s/httproute.yaml')!.content;
    const objs = parseAllDocuments(text).map((d) => d.toJS() as any);
    expect(objs.map((o) => o.kind)).toEqual(['HTTPRoute', 'GRPCRoute']);
    const g = objs[1];
    expect(g.apiVersion).toBe('gateway.networking.k8s.io/v1');
    const rpc = g.spec.rules.find((r: any) => r.backendRefs[0].name === 'rpc-svc');
    expect(rpc.matches).toEqual(RPC.map((p) => ({ method: { type: 'Exact', service: p.slice(1, p.lastIndexOf('/')), method: p.slice(p.lastIndexOf('/') + 1) } })));
    expect(rpc.backendRefs).toEqual([{ name: 'rpc-svc', port: 50051, weight: 100 }]);
    expect(objs[0].spec.rules.flatMap((r: any) => r.backendRefs.map((b: any) => b.name))).toEqual(['web']);
  });

  // A real gRPC call through the generated nginx: a gRPC server stands in for the units (at
  // 127.0.0.1 instead of their compose names), a gRPC client calls the gateway's h2c listener.
  it.skipIf(!hasNginx)('nginx really carries a gRPC call to the unit, and refuses an internal method (skipped without /usr/sbin/nginx)', async () => {
    const dir = join(tmp, 'nginx-live');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'system.proto'), protoFile(bp));
    const def = protoLoader.loadSync(join(dir, 'system.proto'), { keepCase: true, defaults: true });
    const seen: string[] = [];
    const server = new grpc.Server();
    for (const [d, s] of names.services) {
      const impl: grpc.UntypedServiceImplementation = {};
      for (const [op, m] of s.methods) {
        impl[m] = ((call, cb) => {
          seen.push(`${d}.${op}`);
          cb(null, { result_json: JSON.stringify({ op: `${d}.${op}`, params: call.request.params }) });
        }) as grpc.handleUnaryCall<{ params: Record<string, string> }, { result_json: string }>;
      }
      server.addService(def[`${names.package}.${s.service}`] as unknown as grpc.ServiceDefinition, impl);
    }
    const unitPort = await new Promise<number>((res, rej) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
    const free = () => new Promise<number>((res) => { const x = createServer().listen(0, '127.0.0.1', () => { const p = (x.address() as { port: number }).port; x.close(() => res(p)); }); });
    const [httpPort, grpcPort] = [await free(), await free()];
    const conf = gw('nginx')
      .replace('listen 8000;', `listen 127.0.0.1:${httpPort};`)
      .replace('listen 8001 http2;', `listen 127.0.0.1:${grpcPort} http2;`)
      .replace(/(rpc-svc|oi-svc):50051/g, `127.0.0.1:${unitPort}`)
      .replace('pid /tmp/nginx.pid;', `pid ${dir}/nginx.pid;`)
      .replace(/\/tmp\/(\w+_temp)/g, `${dir}/$1`)
      .replace('access_log /dev/stdout;', 'access_log off;');
    writeFileSync(join(dir, 'nginx.conf'), conf);
    const nginx = spawn(NGINX, ['-c', join(dir, 'nginx.conf'), '-p', `${dir}/`, '-g', 'daemon off; master_process off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let logs = '';
    nginx.stderr.on('data', (d) => (logs += d));
    const client = new grpc.Client(`127.0.0.1:${grpcPort}`, grpc.credentials.createInsecure());
    const call = (path: string) =>
      new Promise<{ err: grpc.ServiceError | null; res?: { result_json: string } }>((resolve) => {
        const [service, method] = [path.slice(1, path.lastIndexOf('/')), path.slice(path.lastIndexOf('/') + 1)];
        const m = (def[service] as protoLoader.ServiceDefinition)[method]!;
        client.makeUnaryRequest(m.path, m.requestSerialize as (v: object) => Buffer, m.responseDeserialize as (b: Buffer) => { result_json: string }, { params: { id: '7' }, body_json: '' }, new grpc.Metadata(), { deadline: Date.now() + 5000 }, (err, res) => resolve({ err, res: res ?? undefined }));
      });
    try {
      let r: Awaited<ReturnType<typeof call>> | undefined;
      for (let i = 0; i < 50 && !r?.res; i++) {
        r = await call(P('a-b', 'get-all'));
        if (!r.res) await new Promise((x) => setTimeout(x, 100));
      }
      expect(r?.err ?? null, logs).toBeNull();
      expect(JSON.parse(r!.res!.result_json)).toEqual({ op: 'a-b.get-all', params: { id: '7' } });
      expect(JSON.parse((await call(OI[0]!)).res!.result_json).op).toBe('operation-input.list');
      // An internal method is not routed: the gateway answers UNIMPLEMENTED, the unit never sees it.
      const hidden = await call(P('a-b', 'hidden'));
      expect(hidden.err?.code).toBe(grpc.status.UNIMPLEMENTED);
      expect(seen).toEqual(['a-b.get-all', 'operation-input.list']);
      // HTTP/1.1 still works on the gateway's own port.
      const health = await fetch(`http://127.0.0.1:${httpPort}/gateway/health`);
      expect(health.status).toBe(200);
    } finally {
      client.close();
      nginx.kill('SIGTERM');
      server.forceShutdown();
    }
  }, 60_000);
});
