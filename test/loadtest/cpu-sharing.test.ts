// calibrate --platform's CPU-sharing benchmark (cpu-sharing-bench.ts): the rule from the two
// processes' CPU, exactly, and one real measurement with real processes pinned to one core.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { measureCpuSharing, sharingRule } from '../../src/loadtest/cpu-sharing-bench.js';
import { ScratchProcesses } from '../../src/loadtest/scratch-processes.js';

/** Whether Linux's autogroup governs this test's processes: switched on, and no CPU cgroup of their own (it applies in the root group only). */
function autogroupApplies(): boolean | null {
  try {
    if (readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() !== '1') return false;
    const lines = readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n');
    const v1 = lines.find((l) => /^\d+:[^:]*\bcpu\b[^:]*:/.test(l));
    const path = v1 ? v1.split(':')[2] : lines.find((l) => l.startsWith('0::'))?.slice(3);
    return path === '/';
  } catch {
    return null;
  }
}

describe('how a core is shared', () => {
  it('reads the rule from the one-thread process’s share: half is per process, a third per thread, the midpoint 5/12 per thread', () => {
    expect(sharingRule(1, 1)).toEqual({ rule: 'process', share: 0.5 });
    expect(sharingRule(1, 2)).toEqual({ rule: 'thread', share: 0.333 });
    expect(sharingRule(5, 7)).toEqual({ rule: 'thread', share: 0.417 });
    expect(sharingRule(5.01, 7)).toEqual({ rule: 'process', share: 0.417 });
    expect(sharingRule(0, 0)).toBeNull();
    expect(sharingRule(NaN, 1)).toBeNull();
  });

  it('measures it with two real processes pinned to one core, and leaves none running', async () => {
    const scratch = new ScratchProcesses();
    const r = await measureCpuSharing({ seconds: 1, track: scratch });
    if (r === null) return console.warn('skipped: no taskset on this machine to pin the two processes with');
    // one of the two rules, clearly: a half or a third (a busy shared core blurs it a little)
    expect(Math.min(Math.abs(r.oneThreadShare - 0.5), Math.abs(r.oneThreadShare - 1 / 3))).toBeLessThan(0.08);
    expect(r.rule).toBe(r.oneThreadShare > 5 / 12 ? 'process' : 'thread');
    const autogroup = autogroupApplies();
    if (autogroup !== null) expect(r.rule).toBe(autogroup ? 'process' : 'thread');
    await new Promise((done) => setTimeout(done, 200));
    expect(scratch.running).toEqual([]);
  });
});
