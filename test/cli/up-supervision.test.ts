// `archsim up` supervises: a unit or the gateway killed with SIGKILL is restarted (log line,
// run.json and `archsim status` say so), and SIGTERM sent to the launcher and its supervisor at once (as a
// process manager stopping a process tree does) still stops everything: units and PostgreSQL
// gone, ports free, run.json removed. Secrets: run.json is 0600, the PostgreSQL password random.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { archsim, ROOT } from '../helpers/cli.js';
import { portFree, until } from '../helpers/process.js';

const BP = `${ROOT}blueprints/quantchat.yaml`;
const cwd = mkdtempSync(join(tmpdir(), 'archsim-upsup-'));
const OFFSET = 18300;
const GATEWAY = 8090 + OFFSET;

afterAll(() => {
  archsim(['down'], { cwd });
  rmSync(cwd, { recursive: true, force: true });
});

const gone = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};
const state = () => JSON.parse(readFileSync(join(cwd, '.archsim', 'run.json'), 'utf8'));

describe('archsim up supervision and signals', () => {
  it('restarts a killed unit and a killed gateway, keeps run.json and status true, and stops cleanly when the launcher and supervisor get SIGTERM together', { timeout: 240_000 }, async () => {
    const p = spawn(process.execPath, [`${ROOT}bin/archsim`, 'up', BP, '--layout', 'monolith', '--port-offset', String(OFFSET), '--gateway-port', String(GATEWAY)], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((res) => p.on('exit', (c) => res(c)));
    await until(() => stdout.includes('Ctrl-C') || p.exitCode !== null, 120_000, 'up');
    expect(stdout, stderr).toContain('monolith is up');

    const s0 = state();
    expect(statSync(join(cwd, '.archsim', 'run.json')).mode & 0o777).toBe(0o600);
    expect(Object.values(s0.databases as Record<string, string>).every((u) => !u.includes(':archsim@'))).toBe(true); // random password
    const unit0 = s0.units[0].pid as number;

    // kill -9 the unit: the supervisor restarts it and says so; run.json holds the new pid.
    process.kill(unit0, 'SIGKILL');
    // run.json and the supervisor's line come from different writes: wait for both (on a loaded
    // CI machine the line came after run.json said up).
    await until(() => existsSync(join(cwd, '.archsim', 'run.json')) && state().units[0].pid !== unit0 && state().units[0].state === 'up' && /unit backend restarted/.test(stderr), 120_000, 'restart recorded');
    expect(stderr).toMatch(/unit backend \(pid \d+\) died \(SIGKILL\); restarting/);
    expect(stderr).toMatch(/unit backend restarted \(pid \d+, restart 1\)/);
    const st = archsim(['status', '--json'], { cwd });
    expect(st.code, st.stderr).toBe(0);
    const status = JSON.parse(st.stdout);
    expect(status.units[0]).toMatchObject({ name: 'backend', state: 'up', restarts: 1 });
    expect(JSON.stringify(status)).not.toMatch(/postgres:\/\/[^:]+:[^*@]+@/); // no password printed
    expect((await fetch(`http://127.0.0.1:${8000 + OFFSET}/ready`)).status).toBe(200);

    // kill -9 the gateway: restarted the same way, with its own line, run.json and status row.
    const gw0 = state().gateway.pid as number;
    expect(gw0).toBeGreaterThan(0);
    process.kill(gw0, 'SIGKILL');
    await until(() => existsSync(join(cwd, '.archsim', 'run.json')) && state().gateway.pid !== gw0 && state().gateway.state === 'up' && /the gateway restarted/.test(stderr), 120_000, 'gateway restart recorded');
    expect(stderr).toMatch(new RegExp(`the gateway \\(pid ${gw0}\\) died \\(SIGKILL\\); restarting in \\d+ ms`));
    expect(stderr).toMatch(/the gateway restarted \(pid \d+, restart 1\)/);
    const gst = JSON.parse(archsim(['status', '--json'], { cwd }).stdout);
    expect(gst.gateway).toMatchObject({ pid: state().gateway.pid, state: 'up', restarts: 1 });
    expect(gst.healthy).toBe(true);
    expect((await fetch(`http://127.0.0.1:${GATEWAY}/ready`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${GATEWAY}/api/v1/auth/me`)).status).toBe(401); // proxied to the unit again

    // SIGTERM to the launcher and to the supervisor at the same moment.
    const s1 = state();
    process.kill(p.pid!, 'SIGTERM');
    process.kill(s1.supervisorPid, 'SIGTERM');
    // A second Ctrl-C while it stops: acknowledged, changes nothing.
    await new Promise((r) => setTimeout(r, 300));
    if (p.exitCode === null) {
      p.kill('SIGINT');
      await until(() => stderr.includes('already stopping') || p.exitCode !== null, 10_000, 'already stopping');
      if (p.exitCode === null) expect(stderr).toContain('already stopping');
    }
    expect(await exited).toBe(0);
    expect(stdout).toContain('✓ stopped');
    for (const pid of [...s1.units.map((u: { pid: number }) => u.pid), s1.gateway.pid, s1.postgres.pid, s1.supervisorPid]) await until(() => gone(pid), 10_000, `pid ${pid} gone`);
    expect(await portFree(8000 + OFFSET)).toBe(true);
    expect(await portFree(GATEWAY)).toBe(true);
    expect(await portFree(s1.postgres.port)).toBe(true);
    expect(existsSync(join(cwd, '.archsim', 'run.json'))).toBe(false);
    expect(archsim(['status'], { cwd }).stdout).toContain('nothing running');
  });
});
