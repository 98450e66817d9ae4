// A unit with `workers: N` runs N event-loop processes per replica, as the simulator serves it and
// as its HPA's CPU target (N cores' worth of the request) assumes: the scaffold forks WORKERS
// processes with node:cluster (compose and Kubernetes set WORKERS to N), a unit with one worker
// stays one process without cluster, and every scaffolded image sets UV_THREADPOOL_SIZE from
// threadPool. The generated services are built with archsim's installed packages and run for real:
// two workers answer on one port, /metrics sums them, a dead worker is replaced, SIGTERM stops all.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generate } from '../../src/generate/index.js';
import { call, freePort, logLines as lines, startService, waitFor as until } from '../helpers/generated-service.js';
import { fileOf, load, type Obj } from './own-blueprint.js';

const ROOT = new URL('../../', import.meta.url).pathname;

const bp = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: pool }
system:
  domains:
    work: { operations: { run: { route: POST /run, cpu: 10ms } } }
    solo: { operations: { get: { route: GET /solo, cpu: 1ms } } }
    rpc: { operations: { call: { route: GET /rpc, cpu: 1ms } } }
    own: { operations: { mine: { route: GET /own, cpu: 1ms } } }
catalog:
  c-4x8: { kind: compute, vcpu: 4, memoryMiB: 8192, usdPerMonth: $48 }
layouts:
  one:
    gateway: { kind: nginx, port: 8000 }
    units:
      work-api: { domains: [work], port: 8001, instance: c-4x8, workers: 3, threadPool: 8, autoscale: { min: 1, max: 6, metric: cpu, targetUtilization: 70% } }
      solo-api: { domains: [solo], port: 8002 }
      rpc-api: { domains: [rpc], port: 50051, protocol: grpc, workers: 2 }
      own-api: { domains: [own], port: 8003, workers: 2, env: { WORKERS: "5" } }
workload:
  rate: 100/s
  mix: { work.run: 1 }
`);

const files = generate('scaffold', bp, 'one');
const file = (path: string) => fileOf(files, path);

describe('scaffold: workers', () => {
  it('a unit with workers: 3 forks WORKERS processes (default 3) with node:cluster', () => {
    const main = file('services/work-api/src/main.ts');
    expect(main).toContain("import cluster from 'node:cluster';");
    expect(main).toContain('const workers = workerCount(process.env.WORKERS);\nif (workers > 1 && cluster.isPrimary) runPrimary(workers);\nelse await serve();');
    const c = file('services/work-api/src/cluster.ts');
    expect(c).toContain('export const DEFAULT_WORKERS = 3;');
    expect(c).toContain("if (value === undefined || value.trim() === '') return DEFAULT_WORKERS;");
    expect(c).toContain('for (let i = 0; i < count; i++) fork();');
    expect(c).toContain("const THREAD_POOL = '8';");
    // /metrics is the replica's: the primary sums the workers' registries.
    expect(c).toContain('new AggregatorRegistry()');
    expect(file('services/work-api/src/metrics.ts')).toContain('exposition: exposition(registry),');
    // compose and Kubernetes set the count; the HPA's target assumes the 3 cores it gives.
    const compose = parse(file('docker-compose.yml')) as Obj;
    expect(compose.services['work-api'].environment.WORKERS).toBe('3');
    expect((parse(file('k8s/work-api/configmap.yaml')) as Obj).data.WORKERS).toBe('3');
    expect((parse(file('k8s/work-api/hpa.yaml')) as Obj).spec.metrics[0].resource.target.averageUtilization).toBe(105);
    expect(file('services/work-api/Dockerfile')).toContain('\nENV UV_THREADPOOL_SIZE=8\nCMD ["node", "dist/src/main.js"]\n');
    expect(file('README.md')).toContain('`work-api` (3), `rpc-api` (2), `own-api` (2) run that many event-loop processes per replica');
  });

  it('a unit with one worker is one process: no cluster, no WORKERS', () => {
    const main = file('services/solo-api/src/main.ts');
    expect(main).not.toContain('cluster');
    expect(main).toContain('await app.listen({ port, host });');
    expect(files.map((f) => f.path)).not.toContain('services/solo-api/src/cluster.ts');
    expect(file('services/solo-api/src/metrics.ts')).toContain('exposition: () => registry.metrics(),');
    expect(file('services/solo-api/src/metrics.ts')).not.toContain('cluster');
    expect((parse(file('docker-compose.yml')) as Obj).services['solo-api'].environment).not.toHaveProperty('WORKERS');
    expect((parse(file('k8s/solo-api/configmap.yaml')) as Obj).data).not.toHaveProperty('WORKERS');
    // threadPool's default is still the image's, explicitly.
    expect(file('services/solo-api/Dockerfile')).toContain('\nENV UV_THREADPOOL_SIZE=4\n');
  });

  it("a gRPC unit with workers: 2 forks too; a unit's own WORKERS in env: is kept, once", () => {
    expect(file('services/rpc-api/src/main.ts')).toContain("import cluster from 'node:cluster';");
    expect(file('services/rpc-api/src/cluster.ts')).toContain('export const DEFAULT_WORKERS = 2;');
    expect(file('services/rpc-api/src/cluster.ts')).not.toContain('prom-client');
    expect((parse(file('docker-compose.yml')) as Obj).services['rpc-api'].environment.WORKERS).toBe('2');
    expect((parse(file('docker-compose.yml')) as Obj).services['own-api'].environment.WORKERS).toBe('5');
    const deployment = parse(file('k8s/own-api/deployment.yaml')) as Obj;
    expect(deployment.spec.template.spec.containers[0].env ?? []).toEqual([]);
    expect((parse(file('k8s/own-api/configmap.yaml')) as Obj).data.WORKERS).toBe('5');
    expect(file('k8s/own-api/configmap.yaml').match(/WORKERS/g)).toHaveLength(1);
  });
});

// ---- the generated services, built and run -------------------------------------------------

const tmp = mkdtempSync(join(tmpdir(), 'archsim-scaffold-workers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const start = (unit: string, env: Record<string, string>) => startService(join(tmp, 'services', unit), env);

describe('scaffold: workers, run for real', () => {
  it('builds the services with the installed packages; their own tests pass', () => {
    for (const f of files) {
      mkdirSync(dirname(join(tmp, f.path)), { recursive: true });
      writeFileSync(join(tmp, f.path), f.content);
    }
    symlinkSync(join(ROOT, 'node_modules'), join(tmp, 'node_modules'), 'dir');
    for (const unit of ['work-api', 'rpc-api']) {
      const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(tmp, 'services', unit, 'tsconfig.json')], { encoding: 'utf8' });
      expect(r.stdout + r.stderr, unit).toBe('');
      expect(r.status).toBe(0);
      // Its own tests (one process, no cluster) still pass.
      const t = spawnSync(process.execPath, ['--test', 'dist/test/app.test.js'], { cwd: join(tmp, 'services', unit), encoding: 'utf8', timeout: 60_000 });
      expect(t.status, `${t.stdout}\n${t.stderr}`).toBe(0);
      expect(t.stdout).toMatch(/^# fail 0$/m);
    }
  }, 180_000);

  it('two HTTP workers answer on one port, /metrics sums them, a dead one is replaced, SIGTERM stops all', async () => {
    const port = await freePort();
    const { child, logs, exited } = start('work-api', { PORT: String(port), WORKERS: '2' });
    const pids = () => new Set(lines(logs()).filter((l) => l.msg === 'incoming request').map((l) => l.pid as number));
    try {
      // Requests on fresh connections until both workers have answered one.
      let runs = 0;
      await until(
        'two workers answering',
        async () => {
          const r = await call(port, 'POST', '/run');
          if (r.status === 501) runs++;
          return pids().size >= 2 ? true : undefined;
        },
        logs,
      );
      expect(pids().size, logs()).toBe(2);
      expect(pids()).not.toContain(child.pid);
      // The primary forked exactly WORKERS=2.
      expect(lines(logs()).filter((l) => l.msg === 'started')).toEqual([expect.objectContaining({ pid: child.pid, workers: 2 })]);
      // Whichever worker answers /metrics, it counts every worker's requests.
      for (let i = 0; i < 4; i++) {
        const metrics = await call(port, 'GET', '/metrics');
        expect(metrics.status, metrics.body).toBe(200);
        const line = metrics.body.split('\n').find((l) => l.startsWith('http_request_duration_seconds_count{') && l.includes('route="/run"'));
        expect(line, metrics.body).toMatch(new RegExp(` ${runs}$`));
      }
      // A worker killed outright is replaced: two answer again, one of them new.
      const [victim] = [...pids()];
      process.kill(victim!, 'SIGKILL');
      await until('the dead worker replaced', () => (lines(logs()).some((l) => l.msg === 'worker exited; replacing it' && l.worker === victim) ? true : undefined), logs);
      const before = new Set(pids());
      await until(
        'a new worker answering',
        async () => {
          await call(port, 'GET', '/health');
          return [...pids()].some((p) => !before.has(p)) ? true : undefined;
        },
        logs,
      );
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, logs()).toBe(0);
    // Both live workers drained (the primary forwarded the signal).
    expect(lines(logs()).filter((l) => l.msg === 'shutting down' && l.pid !== child.pid)).toHaveLength(2);
  }, 60_000);

  it('two gRPC workers listen on one port and answer the health check', async () => {
    const port = await freePort();
    const { child, logs, exited } = start('rpc-api', { PORT: String(port), WORKERS: '2' });
    try {
      const listening = await until('two workers listening', () => {
        const l = lines(logs()).filter((x) => x.msg === 'listening');
        return l.length >= 2 ? l : undefined;
      }, logs);
      expect(new Set(listening.map((l) => l.pid)).size).toBe(2);
      const check = spawnSync(process.execPath, ['dist/src/health-check.js'], { cwd: join(tmp, 'services/rpc-api'), env: { ...process.env, PORT: String(port) }, encoding: 'utf8' });
      expect(check.status, check.stderr + logs()).toBe(0);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, logs()).toBe(0);
  }, 60_000);
});
