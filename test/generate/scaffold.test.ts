// Acceptance: the generated QuantChat microservices repository installs from the real npm
// registry, builds, passes its own tests, and a generated service starts, answers /health and
// shuts down cleanly on SIGTERM.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { SCAFFOLD_VERSIONS } from '../../src/generate/scaffold.js';
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
    const install = spawnSync(npm, ['install', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8', env, timeout: 240_000 });
    expect(install.status, install.stderr).toBe(0);
    const test = spawnSync(npm, ['test'], { cwd: dir, encoding: 'utf8', env, timeout: 240_000 });
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
  }, 300_000);
});
