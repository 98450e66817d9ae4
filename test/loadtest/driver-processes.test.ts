// Windows back to back get driver processes started one window ahead (DriverProcesses in
// driver/index.ts), and the system under test gets every core back between windows (unpinSut in
// pin.ts). Real processes: the driver's child runs dist/ against the trivial server.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import os, { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { DriverProcesses, runDriverInChild } from '../../src/loadtest/driver/index.js';
import { pinPid, taskset, unpinSut } from '../../src/loadtest/pin.js';
import { trivialScenario } from '../../src/loadtest/scenario.js';
import { startTrivialServer, type TrivialServer } from '../../src/loadtest/trivial-server.js';

const servers: TrivialServer[] = [];
const chains: DriverProcesses[] = [];
afterEach(async () => {
  for (const d of chains.splice(0)) d.close();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
async function gone(pid: number, withinMs = 5000): Promise<boolean> {
  const until = performance.now() + withinMs;
  while (performance.now() < until) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

describe('driver processes started a window ahead', () => {
  it('runs each window in its own process, the one started during the window before', async () => {
    const s = await startTrivialServer();
    servers.push(s);
    const drivers = new DriverProcesses();
    chains.push(drivers);
    expect(drivers.next).toBeNull();
    const a = await runDriverInChild(trivialScenario(), { baseUrl: s.url, model: 'open', rate: 20, duration: 0.25, warmup: 0 }, { drivers });
    const waiting = drivers.next;
    expect(waiting).not.toBeNull();
    expect(waiting).not.toBe(a.pid);
    expect(alive(waiting!)).toBe(true);
    const b = await runDriverInChild(trivialScenario(), { baseUrl: s.url, model: 'open', rate: 20, duration: 0.25, warmup: 0 }, { drivers });
    expect(b.pid).toBe(waiting);
    expect(a.report.totals.requests).toBe(5);
    expect(b.report.totals.requests).toBe(5);
    expect(b.report.totals.errors.total).toBe(0);
    // The window's own process ends with its report; the next one waits.
    expect(await gone(a.pid)).toBe(true);
    expect(drivers.next).not.toBe(b.pid);
  });

  it('stops the waiting process on close', async () => {
    const s = await startTrivialServer();
    servers.push(s);
    const drivers = new DriverProcesses();
    await runDriverInChild(trivialScenario(), { baseUrl: s.url, model: 'open', rate: 20, duration: 0.25, warmup: 0 }, { drivers });
    const waiting = drivers.next!;
    drivers.close();
    expect(drivers.next).toBeNull();
    expect(await gone(waiting)).toBe(true);
  });

  it('starts a new process when the one waiting has died', async () => {
    const s = await startTrivialServer();
    servers.push(s);
    const drivers = new DriverProcesses();
    chains.push(drivers);
    await runDriverInChild(trivialScenario(), { baseUrl: s.url, model: 'open', rate: 20, duration: 0.25, warmup: 0 }, { drivers });
    const dead = drivers.next!;
    process.kill(dead, 'SIGKILL');
    expect(await gone(dead)).toBe(true);
    // Until this process has seen the exit the chain cannot know (a death in the same instant
    // as the take fails that window: "the driver exited null before reporting").
    const until = performance.now() + 3000;
    while (drivers.next !== null && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(drivers.next).toBeNull();
    const c = await runDriverInChild(trivialScenario(), { baseUrl: s.url, model: 'open', rate: 20, duration: 0.25, warmup: 0 }, { drivers });
    expect(c.pid).not.toBe(dead);
    expect(c.report.totals.requests).toBe(5);
  }, 20_000);

  it('reports the window’s phases to onPhase, in order, and only progress to onProgress', async () => {
    const s = await startTrivialServer();
    servers.push(s);
    const drivers = new DriverProcesses();
    chains.push(drivers);
    const phases: unknown[] = [];
    const progress: unknown[] = [];
    const r = await runDriverInChild(trivialScenario(), { baseUrl: s.url, model: 'open', rate: 20, duration: 1.2, warmup: 0 }, { drivers, onPhase: (p) => phases.push(p), onProgress: (p) => progress.push(p) });
    expect(r.report.totals.requests).toBe(24);
    expect(phases).toEqual(['measure', 'end']);
    expect(progress.length).toBeGreaterThan(0);
    for (const p of progress) expect(p).toMatchObject({ elapsed: expect.any(Number) });
  }, 20_000);

  it('does not keep its parent alive, and exits with it', async () => {
    // A parent that runs one window and never closes the chain must still exit by itself, and
    // its waiting driver with it.
    const script = `
      import { DriverProcesses, runDriverInChild } from '${new URL('../../dist/src/loadtest/driver/index.js', import.meta.url).href}';
      import { trivialScenario } from '${new URL('../../dist/src/loadtest/scenario.js', import.meta.url).href}';
      import { startTrivialServer } from '${new URL('../../dist/src/loadtest/trivial-server.js', import.meta.url).href}';
      const s = await startTrivialServer();
      const drivers = new DriverProcesses();
      await runDriverInChild(trivialScenario(), { baseUrl: s.url, model: 'open', rate: 20, duration: 0.25, warmup: 0 }, { drivers });
      console.log(drivers.next);
      await s.stop();`;
    // A file, not -e: the driver's fork inherits the parent's exec arguments (--input-type would break it).
    const file = join(mkdtempSync(join(tmpdir(), 'archsim-drivers-')), 'parent.mjs');
    writeFileSync(file, script);
    const p = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => {
      const t = setTimeout(() => {
        p.kill('SIGKILL');
        resolve(-1);
      }, 20_000);
      p.on('exit', (c) => {
        clearTimeout(t);
        resolve(c);
      });
    });
    expect(code).toBe(0);
    const waiting = Number(out.trim());
    expect(waiting).toBeGreaterThan(0);
    expect(await gone(waiting)).toBe(true);
  }, 30_000);
});

const canPin = taskset() !== null && os.availableParallelism() >= 2;
describe.skipIf(!canPin)('the system under test between windows (needs taskset and two cores)', () => {
  it('gets every core back after it was pinned to one', async () => {
    const p = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const allowed = () => /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'))?.[1];
      expect(pinPid(p.pid!, '0').ok).toBe(true);
      expect(allowed()).toBe('0');
      unpinSut([p.pid!]);
      expect(allowed()).toBe(`0-${os.availableParallelism() - 1}`);
    } finally {
      p.kill();
    }
  });
});
if (!canPin) console.log(`skipped the unpinning test: ${taskset() ? 'one core' : 'taskset (util-linux) not found'}`);
