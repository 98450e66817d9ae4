// `archsim up` / `archsim down` as a user runs them: the built CLI, a real layout, real ports.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { archsim, ROOT } from '../helpers/cli.js';

const BP = `${ROOT}blueprints/quantchat.yaml`;
const cwd = mkdtempSync(join(tmpdir(), 'archsim-up-'));

afterAll(() => {
  archsim(['down'], { cwd });
  rmSync(cwd, { recursive: true, force: true });
});

describe('archsim up / down', () => {
  it('rejects an unknown layout and a bad --db with exit 2 and one line', () => {
    const r = archsim(['up', BP, '--layout', 'nope'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown layout "nope".*monolith/);
    const d = archsim(['up', BP, '--layout', 'monolith', '--db', 'oracle'], { cwd });
    expect(d.code).toBe(2);
    expect(d.stderr.trim().split('\n')).toHaveLength(1);
    // --db-image: an image reference only (it reaches the Docker engine), and only with --db container
    const img = archsim(['up', BP, '--layout', 'monolith', '--db', 'container', '--db-image', 'postgres:16 ; rm -rf /'], { cwd });
    expect(img.code).toBe(2);
    expect(img.stderr.trim()).toBe('archsim: --db-image: "postgres:16 ; rm -rf /" is not an image reference (e.g. postgres:16)');
    const alone = archsim(['up', BP, '--layout', 'monolith', '--db-image', 'postgres:16'], { cwd });
    expect(alone.code).toBe(2);
    expect(alone.stderr.trim()).toBe('archsim: --db-image goes with --db container or --runtime compose');
  });

  it('reports a port in use with exit 2', async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(17500 + 8000, '127.0.0.1', () => r()));
    try {
      const r = spawnSync(process.execPath, [`${ROOT}bin/archsim`, 'up', BP, '--layout', 'monolith', '--port-offset', '17500'], { cwd, encoding: 'utf8', timeout: 60_000 });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('port in use: 25500 (unit backend)');
    } finally {
      holder.close();
    }
  });

  it('starts strangler-relay detached behind its gateway, serves through it, and down stops everything', async () => {
    const up = archsim(['up', BP, '--layout', 'strangler-relay', '--port-offset', '17500', '--detach', '--json'], { cwd });
    expect(up.code, up.stderr).toBe(0);
    const state = JSON.parse(up.stdout);
    expect(state.gatewayUrl).toBe('http://127.0.0.1:25500');
    expect(state.units.map((u: { name: string }) => u.name)).toEqual(['monolith', 'relay-service']);
    expect(existsSync(join(cwd, '.archsim', 'run.json'))).toBe(true);
    const reg = await fetch(`${state.gatewayUrl}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'cli@example.test', username: 'cliuser', password: 'password123' }),
    });
    expect(reg.status).toBe(201);
    // relay routes go to the relay unit: its metrics (on its internal listener) count the request
    const p = await fetch(`${state.gatewayUrl}/api/v1/relay/pending/00000000-0000-4000-8000-000000000000`);
    expect(p.status).toBe(401);
    const relay = state.units.find((u: { name: string }) => u.name === 'relay-service');
    expect((await fetch(`${relay.url}/metrics`)).status).toBe(404); // not on the public port
    expect(await (await fetch(`${relay.internalUrl}/metrics`)).text()).toMatch(/http_requests_total\{[^}]*route="\/api\/v1\/relay\/pending\/:userId"[^}]*status="401"/);
    const again = archsim(['up', BP, '--layout', 'monolith', '--port-offset', '17600'], { cwd });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already up');

    const down = archsim(['down', '--json'], { cwd });
    expect(down.code).toBe(0);
    expect(JSON.parse(down.stdout)).toMatchObject({ stopped: true, layout: 'strangler-relay', clean: true });
    expect(existsSync(join(cwd, '.archsim', 'run.json'))).toBe(false);
    for (const u of state.units) expect(() => process.kill(u.pid, 0)).toThrow();
    await expect(fetch(`${state.gatewayUrl}/health`)).rejects.toThrow();
    expect(archsim(['down'], { cwd }).stdout).toContain('nothing running');
  });

  it('runs in the foreground and Ctrl-C (SIGINT) stops the units and PostgreSQL cleanly', async () => {
    const p = spawn(process.execPath, [`${ROOT}bin/archsim`, 'up', BP, '--layout', 'monolith', '--port-offset', '17600'], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    p.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((res) => p.on('exit', (c) => res(c)));
    const end = Date.now() + 60_000;
    while (!stdout.includes('Ctrl-C') && Date.now() < end && p.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    expect(stdout).toContain('monolith is up');
    const state = JSON.parse(readFileSync(join(cwd, '.archsim', 'run.json'), 'utf8'));
    expect((await fetch('http://127.0.0.1:25600/ready')).status).toBe(200);
    p.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout).toContain('✓ stopped');
    for (const pid of [...state.units.map((u: { pid: number }) => u.pid), state.postgres.pid]) expect(() => process.kill(pid, 0)).toThrow();
    expect(existsSync(join(cwd, '.archsim', 'run.json'))).toBe(false);
  });
});
