// Before a layout's measured windows: wait for the seeding's work to die down, then read each
// process's CPU with no load. Real processes: one busy for a while then idle, one never idle.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { settleAndReadIdle } from '../../src/loadtest/layout-run.js';

const started: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const p of started.splice(0)) p.kill('SIGKILL');
});
async function busyFor(ms: number) {
  const p = spawn(process.execPath, ['-e', `const end = Date.now() + ${ms}; console.log('go'); while (Date.now() < end) {} setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'ignore'] });
  started.push(p);
  await once(p.stdout!, 'data');
  return p;
}

describe('settleAndReadIdle', () => {
  it('waits while a process is still busy, then reads it idle', async () => {
    const p = await busyFor(1500);
    const t0 = performance.now();
    const { idle, notes } = await settleAndReadIdle([{ unit: 'worker', role: 'unit', pid: p.pid! }], { idleSeconds: 0.5 });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(1500);
    expect(notes).toEqual([]);
    expect(idle).toHaveLength(1);
    expect(idle[0]).toMatchObject({ unit: 'worker', role: 'unit' });
    expect(idle[0]!.cpuUtilization).toBeLessThan(0.05);
  });

  it('gives up at its limit and says so; the reading then shows the work', async () => {
    const p = await busyFor(60_000);
    const { idle, notes } = await settleAndReadIdle([{ unit: 'spinner', role: 'unit', pid: p.pid! }], { limitMs: 1500, idleSeconds: 1 });
    expect(notes.join(' ')).toMatch(/still busy 2 s after the seeding/);
    // A spinning process on a shared machine gets at least some of a core: above what a settled
    // process may use (SETTLED_CORES_PER_PROCESS, 0.05), though a loaded CI machine gave it only
    // 0.079 of a core over half a second.
    expect(idle[0]!.cpuUtilization).toBeGreaterThan(0.05);
  });
});
