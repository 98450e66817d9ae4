// Pinning touches only the system under test, and only for the run. A unit that failed to spawn
// had pid 0, and the process tree under 0 is every process on the machine: init itself ended up
// pinned to core 0, so every later process (shells, CI's next tests, the next session) saw one
// core. And `loadtest --target URL --pid app=N` left the user's own system on one core for good.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { affinityOf, pinSut, taskset, unpinnable } from '../../src/loadtest/pin.js';
import { sutPids } from '../../src/loadtest/target.js';
import { descendants } from '../../src/loadtest/proc.js';
import { startTrivialServer } from '../../src/loadtest/trivial-server.js';
import { archsim } from '../helpers/cli.js';

const allowed = (pid: number) => /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];

describe('what pinning never touches', () => {
  it('init, archsim itself and the processes it runs under', () => {
    const never = unpinnable();
    for (const pid of [0, 1, process.pid, process.ppid]) expect(never.has(pid), String(pid)).toBe(true);
  });

  it('the tree under pid 0 or 1 is not the system under test (it is every process)', () => {
    expect(descendants(0)).toEqual([]);
    expect(descendants(1)).toEqual([]);
    expect(descendants(process.ppid)).toContain(process.pid); // a real tree is still walked
    expect(sutPids([{ unit: 'u', role: 'unit', pid: 0, tree: true }])).toEqual([]);
    expect(sutPids([{ unit: 'u', role: 'unit', pid: 1, tree: true }])).toEqual([]);
    expect(sutPids([{ unit: 'me', role: 'unit', pid: process.pid, tree: true }])).toEqual([]);
  });

  it('pinSut leaves init and archsim where they are and says why', () => {
    const init = allowed(1);
    const own = allowed(process.pid);
    const r = pinSut([1, process.pid], { driver: '1', sut: '0' });
    expect(r.notes).toEqual([`not pinned: pid 1 is the machine’s init`, `not pinned: pid ${process.pid} is archsim itself or a process it runs under`]);
    expect(allowed(1)).toBe(init);
    expect(allowed(process.pid)).toBe(own);
  });
});

const canPin = taskset() !== null && os.availableParallelism() >= 2;
if (!canPin) console.log(`skipped the pin-and-restore tests: ${taskset() ? 'one core' : 'taskset (util-linux) not found'}`);

describe.skipIf(!canPin)('pin, then give the cores back (needs taskset and two cores)', () => {
  it('restore puts each moved process back on the cores it had', () => {
    const p = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const before = affinityOf(p.pid!);
      const r = pinSut([p.pid!], { driver: '1', sut: '0' });
      expect(r.notes).toEqual([]);
      expect(affinityOf(p.pid!)).toBe('0');
      r.restore();
      expect(affinityOf(p.pid!)).toBe(before);
    } finally {
      p.kill();
    }
  });

  it('loadtest --target --pid: the user’s process is pinned for the run and back on its cores after', async () => {
    const srv = await startTrivialServer();
    try {
      const before = affinityOf(srv.pid);
      expect(before).not.toBe('0');
      const r = archsim(['loadtest', '--target', srv.url, '--pid', `app=${srv.pid}`, '--rate', '50/s', '--duration', '1s', '--warmup', '0s', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).run.pinning.sut).toBe('0');
      expect(affinityOf(srv.pid)).toBe(before);
    } finally {
      await srv.stop();
    }
  }, 60_000);
});

describe('loadtest --pid / --db-pid name the system under test, nothing else', () => {
  it('refuses init, archsim’s own line and a process that does not exist: one line, exit 2', () => {
    const url = 'http://127.0.0.1:9';
    for (const [args, line] of [
      [['--pid', 'app=1'], "--pid app=1: pid 1 is the machine's init, not a process of the system under test"],
      [['--db-pid', 'pg=0'], "--db-pid pg=0: pid 0 is the machine's init, not a process of the system under test"],
      [['--pid', `me=${process.pid}`], `--pid me=${process.pid}: pid ${process.pid} is archsim or a process it runs under (its shell), not the system under test`],
      [['--pid', 'gone=4194305'], '--pid gone=4194305: no process 4194305 on this machine'],
    ] as const) {
      const r = archsim(['loadtest', '--target', url, ...args, '--rate', '10/s', '--duration', '1s']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([`archsim: ${line}`]);
    }
  });
});
