// /proc readings and taskset pinning, on real processes.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { descendants, processUsage, readProc, sampleProcesses } from '../../src/loadtest/proc.js';
import { allowedCpus, pinPid, pinnedCommand, pinSut, planPinning, taskset } from '../../src/loadtest/pin.js';
import { sutPids } from '../../src/loadtest/target.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

function busy(seconds: number, extraChild = false): ChildProcess {
  // A process that burns CPU for `seconds`; optionally with a child doing the same.
  const code = `${extraChild ? `require('child_process').spawn(process.execPath, ['-e', 'const e=Date.now()+${seconds * 1000};while(Date.now()<e){}'], { stdio: 'ignore' });` : ''}const e=Date.now()+${seconds * 1000};while(Date.now()<e){}`;
  const c = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
  children.push(c);
  return c;
}

describe('/proc', () => {
  it('reads this process: CPU, parent and peak memory', () => {
    const p = readProc(process.pid)!;
    expect(p.ppid).toBe(process.ppid);
    expect(p.cpuSeconds).toBeGreaterThan(0);
    expect(p.vmHwmKiB).toBeGreaterThan(10_000);
    expect(readProc(2 ** 22 + 12345)).toBeUndefined();
  });

  it('measures a busy process and, with tree, its children', async () => {
    const c = busy(3, true);
    // Wait until the child is running.
    for (let i = 0; i < 100 && descendants(c.pid!).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const targets = [
      { unit: 'one', pid: c.pid! },
      { unit: 'tree', pid: c.pid!, tree: true },
    ];
    const before = sampleProcesses(targets);
    await new Promise((r) => setTimeout(r, 700));
    expect(descendants(c.pid!)).toHaveLength(1);
    const after = sampleProcesses(targets);
    const [one, tree] = processUsage(before, after);
    // The parent alone burns up to one core; with its child up to two (both share 2 cores with others).
    expect(one!.cpuSeconds).toBeGreaterThan(0.05);
    expect(one!.cpuSeconds).toBeLessThanOrEqual(0.85);
    expect(tree!.cpuSeconds).toBeGreaterThan(one!.cpuSeconds);
    expect(one!.cpuUtilization).toBeCloseTo(one!.cpuSeconds / ((after.at - before.at) / 1000), 1);
    expect(tree!.rssMaxMiB).toBeGreaterThan(one!.rssMaxMiB!);
  });
});

describe('pinning', () => {
  it('plans separate cores where there are two, and explains when it cannot', () => {
    expect(planPinning(1)).toEqual({ driver: null, sut: null, note: expect.stringMatching(/not pinned: 1 core/) });
    expect(planPinning(4, { disable: true }).driver).toBeNull();
    if (taskset()) {
      expect(planPinning(2)).toEqual({ driver: '1', sut: '0' });
      expect(planPinning(8)).toEqual({ driver: '7', sut: '0-6' });
      expect(pinnedCommand('1', 'wrk', ['-t1'])).toEqual(['taskset', ['-c', '1', 'wrk', '-t1']]);
    }
    expect(pinnedCommand(null, 'wrk', ['-t1'])).toEqual(['wrk', ['-t1']]);
  });

  it.skipIf(!taskset())(`pins a running process and its threads${taskset() ? '' : ' (skipped: taskset not installed)'}`, () => {
    const c = busy(2);
    expect(pinPid(c.pid!, '0').ok).toBe(true);
    expect(allowedCpus(c.pid!)).toBe('0');
    expect(pinPid(2 ** 22 + 12345, '0').ok).toBe(false);
  });

  it.skipIf(!taskset())(`pins a tree target's children that were forked before the run (PostgreSQL's backends)${taskset() ? '' : ' (skipped: taskset not installed)'}`, async () => {
    const parent = busy(5, true);
    let kids: number[] = [];
    for (let i = 0; i < 50 && !kids.length; i++) {
      await new Promise((r) => setTimeout(r, 100));
      kids = descendants(parent.pid!);
    }
    expect(kids.length).toBeGreaterThan(0);
    const pids = sutPids([{ unit: 'postgres', role: 'datastore', pid: parent.pid!, tree: true }]);
    expect(pids).toEqual(expect.arrayContaining([parent.pid!, ...kids]));
    // without tree, the process alone
    expect(sutPids([{ unit: 'u', pid: parent.pid! }])).toEqual([parent.pid!]);
    expect(pinSut(pids, { driver: '1', sut: '0' })).toEqual([]);
    for (const pid of [parent.pid!, ...kids]) expect(allowedCpus(pid)).toBe('0');
  });
});
