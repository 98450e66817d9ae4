// The generated scaffold's compose file as a user runs it: `archsim generate scaffold` (the built
// CLI), `npm install` on the host (the real npm registry, as scaffold.test.ts), then compose builds
// every TypeScript service's image from the repository root and starts the layout: PostgreSQL,
// the two units and the nginx gateway. Every container is healthy (the units' /health), the
// gateway answers 200 on its health route and every route of the blueprint with the stub's 501
// (naming the operation), an unknown path with 404; down leaves no container, network or volume.
//
// The image builds fetch nothing: the base images are the local ones (scripts/build-local-images.sh
// tags node:20-slim and nginxinc/nginx-unprivileged:1.27-alpine as the generated files name them;
// this engine reaches no registry) and the Dockerfiles copy the node_modules npm installed.
// Skips, saying why, when no Docker engine answers, no compose command is installed, or the base
// images are not on the engine (.ci/run builds them). The blueprint is the shop fixture's gated
// layout with the gateway on a free port; published on 127.0.0.1 only, as the generator writes.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { composeCommand, docker, engine, run } from '../../reference-services/launcher/docker.js';
import { projectContainers } from '../../reference-services/launcher/compose.js';
import { freePort } from '../../reference-services/runtime/postgres.js';
import { parseBlueprint } from '../../src/model/parse.js';
import { resolveLayout } from '../../src/model/resolve.js';
import { archsim, ROOT } from '../helpers/cli.js';

const BASE_IMAGES = ['node:20-slim', 'postgres:16-alpine', 'nginxinc/nginx-unprivileged:1.27-alpine'];
const BUILT = ['archsim/shop-web:latest', 'archsim/shop-rest:latest'];

async function noCompose(): Promise<string | undefined> {
  const e = await engine();
  if (!e.ok) return e.why;
  if (!(await composeCommand())) return 'neither `docker compose` nor `docker-compose` is installed';
  for (const image of BASE_IMAGES) {
    if ((await docker(['image', 'inspect', '--format', '{{.Id}}', image], { allowFail: true })).code !== 0) return `image ${image} is not on this Docker engine (scripts/build-local-images.sh builds it from Debian's packages)`;
  }
  return undefined;
}

const skip = await noCompose();
if (skip) console.warn(`scaffold compose test skipped: ${skip}`);

describe.skipIf(skip !== undefined)('generated scaffold: docker compose up --build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'archsim-scaffold-compose-'));
  const project = `archsim-scaffold-${randomBytes(3).toString('hex')}`;
  /** Untagged images before the builds: the classic builder leaves each build stage as one, removed after. */
  let untaggedBefore = new Set<string>();
  const untagged = async () => new Set((await docker(['image', 'ls', '-q', '--no-trunc', '--filter', 'dangling=true'], { allowFail: true })).stdout.split('\n').filter(Boolean));
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await docker(['image', 'rm', ...BUILT], { allowFail: true });
    const stages = [...(await untagged())].filter((id) => !untaggedBefore.has(id));
    if (stages.length) await docker(['image', 'rm', ...stages], { allowFail: true });
  });

  it('builds offline from the installed packages, comes up healthy, the gateway answers every route; down leaves nothing', { timeout: 1_800_000 }, async () => {
    const port = await freePort();
    const text = readFileSync(`${ROOT}test/fixtures/generate/shop.yaml`, 'utf8').replace('gateway: { kind: nginx, port: 8000 }', `gateway: { kind: nginx, port: ${port} }`);
    expect(text).toContain(`port: ${port} }`);
    const bpFile = join(dir, 'shop.yaml');
    writeFileSync(bpFile, text);
    const out = join(dir, 'repo');
    const gen = archsim(['generate', 'scaffold', bpFile, '--layout', 'gated', '--out', out]);
    expect(gen.code, gen.stderr).toBe(0);

    // .env: every value a fresh secret (URL-safe), as the README asks.
    const env = readFileSync(join(out, '.env.example'), 'utf8').replace(/^([A-Z0-9_]+)=.*$/gm, (_l, k: string) => `${k}=${randomBytes(12).toString('hex')}`);
    writeFileSync(join(out, '.env'), env, { mode: 0o600 });
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: out, encoding: 'utf8', timeout: 600_000, env: { ...process.env, npm_config_update_notifier: 'false' } });
    expect(install.status, install.stderr).toBe(0);

    untaggedBefore = await untagged();
    const [bin, ...pre] = (await composeCommand())!;
    const compose = (args: string[], timeoutMs: number) =>
      // The classic builder (docker-compose 1.29 uses it anyway), COMPOSE_HTTP_TIMEOUT as compose.ts gives it.
      run(bin!, [...pre, '-p', project, ...args], { cwd: out, timeoutMs, allowFail: true, env: { DOCKER_BUILDKIT: '0', COMPOSE_HTTP_TIMEOUT: '600' } });
    let down: Awaited<ReturnType<typeof compose>> | undefined;
    try {
      const up = await compose(['up', '-d', '--build'], 1_200_000);
      expect(up.code, up.stderr.split('\n').slice(-15).join('\n')).toBe(0);

      // Every container healthy (a busy shared machine: up to 600 s).
      const want = ['db', 'web', 'rest', 'gateway'];
      const end = Date.now() + 600_000;
      let cs = await projectContainers(project);
      while (!want.every((w) => cs.some((c) => c.service === w && c.health === 'healthy')) && Date.now() < end) {
        expect(cs.filter((c) => c.state === 'exited' || c.state === 'dead').map((c) => c.service)).toEqual([]);
        await new Promise((r) => setTimeout(r, 2000));
        cs = await projectContainers(project);
      }
      expect(cs.map((c) => [c.service, c.state, c.health]).sort()).toEqual(want.map((w) => [w, 'running', 'healthy']).sort());
      expect(cs.flatMap((c) => c.ports)).toEqual([`127.0.0.1:${port}`]);

      // The images hold the compiled service and its runtime packages, not the build's TypeScript.
      const ls = await docker(['run', '--rm', '--entrypoint', 'ls', 'archsim/shop-web:latest', '/app/node_modules', '/app/services/web/dist/src']);
      expect(ls.stdout).toMatch(/^fastify$/m);
      expect(ls.stdout).toMatch(/^main\.js$/m);
      expect(ls.stdout).not.toMatch(/^typescript$/m);

      // Through the gateway: its health, every route of the blueprint (the stubs' 501), nothing else.
      const base = `http://127.0.0.1:${port}`;
      const health = await fetch(`${base}/gateway/health`);
      expect(health.status).toBe(200);
      const parsed = parseBlueprint(text, 'shop.yaml');
      if (!parsed.ok) throw new Error('the shop fixture does not load');
      const routes = resolveLayout(parsed.blueprint, 'gated').routes;
      expect(routes.length).toBe(3);
      for (const r of routes) {
        const path = r.path.replace(/\{[^}]+\}/g, '1');
        const body = ['POST', 'PUT', 'PATCH'].includes(r.method);
        const res = await fetch(`${base}${path}`, { method: r.method, ...(body ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}) });
        expect([r.method, path, res.status]).toEqual([r.method, path, 501]);
        expect(await res.json()).toMatchObject({ error: 'Not Implemented', operation: r.op });
      }
      expect((await fetch(`${base}/no/such/route`)).status).toBe(404);
    } finally {
      down = await compose(['down', '--volumes', '--remove-orphans', '--timeout', '15'], 300_000);
    }
    expect(down.code, down.stderr).toBe(0);
    const label = `label=com.docker.compose.project=${project}`;
    const left = await Promise.all([docker(['ps', '-aq', '--filter', label]), docker(['network', 'ls', '-q', '--filter', label]), docker(['volume', 'ls', '-q', '--filter', label])]);
    expect(left.flatMap((r) => r.stdout.split('\n').filter(Boolean))).toEqual([]);
  });
});
