// /proc readings and taskset pinning, on real processes.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { backendDatabase, descendants, maintenanceProcess, processUsage, readProc, sampleProcesses, type ProcSample } from '../../src/loadtest/proc.js';
import { scratchCluster } from '../reference-services/helpers.js';
import pg from 'pg';
import { affinityOf, allowedCpus, pinPid, pinnedCommand, pinSut, planPinning, taskset } from '../../src/loadtest/pin.js';
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

  const twoCores = !!taskset() && os.availableParallelism() >= 2;
  it.skipIf(!twoCores)(`re-pins a process only where a thread is elsewhere${twoCores ? '' : ' (skipped: needs taskset and two cores)'}`, () => {
    // A Node process: several threads (V8's workers, libuv's), all pinned by one `taskset -a`.
    const c = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    children.push(c);
    const threads = () => readdirSync(`/proc/${c.pid}/task`).map((t) => /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync(`/proc/${c.pid}/task/${t}/status`, 'utf8'))?.[1]);
    // Node starts its threads after exec: wait for them.
    for (const until = Date.now() + 5000; threads().length < 2 && Date.now() < until; ) spawnSync('sleep', ['0.05']);
    expect(threads().length).toBeGreaterThan(1);
    expect(pinPid(c.pid!, '0').ok).toBe(true);
    expect(affinityOf(c.pid!)).toBe('0');
    expect(new Set(threads())).toEqual(new Set(['0']));
    // Already there: nothing changes, and it says ok.
    expect(pinPid(c.pid!, '0').ok).toBe(true);
    expect(affinityOf(c.pid!)).toBe('0');
    // One thread moved elsewhere (its main thread, without -a): the threads differ, so the
    // process is pinned again, every thread of it.
    expect(spawnSync('taskset', ['-p', '-c', '1', String(c.pid)]).status).toBe(0);
    expect(affinityOf(c.pid!)).toBeNull();
    expect(pinPid(c.pid!, '0').ok).toBe(true);
    expect(new Set(threads())).toEqual(new Set(['0']));
    // Another core list than the one it has: pinned there.
    expect(pinPid(c.pid!, '0-1').ok).toBe(true);
    expect(affinityOf(c.pid!)).toBe('0-1');
    expect(affinityOf(2 ** 22 + 12345)).toBeNull();
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
    const before = new Map(pids.map((pid) => [pid, allowedCpus(pid)]));
    const pinned = pinSut(pids, { driver: '1', sut: '0' });
    expect(pinned.notes).toEqual([]);
    for (const pid of [parent.pid!, ...kids]) expect(allowedCpus(pid)).toBe('0');
    // and each gets its own cores back
    pinned.restore();
    for (const pid of [parent.pid!, ...kids]) expect(allowedCpus(pid)).toBe(before.get(pid));
  });
});

describe('PostgreSQL maintenance, kept apart', () => {
  it('tells maintenance processes from client backends by their title (hostile: a role named like one)', () => {
    for (const t of ['postgres: checkpointer ', 'postgres: background writer ', 'postgres: autovacuum launcher ', 'postgres: autovacuum worker ', 'postgres: autovacuum worker archsim_main']) expect(maintenanceProcess(t)).toBe(true);
    for (const t of ['postgres: walwriter ', 'postgres: archsim archsim_main 127.0.0.1(41234) idle', 'postgres: autovacuum worker 127.0.0.1(41234) idle', 'postgres: checkpointer checkpointer [local] SELECT', 'postgres: logical replication launcher ', '/usr/lib/postgresql/bin/postgres -D /tmp/x', 'node unit-main.js', '']) expect(maintenanceProcess(t)).toBe(false);
  });

  it('counts a tree\'s maintenance processes and its exited children as maintenance, within its CPU', () => {
    const stat = (pid: number, cpu: number, child: number, maintenance?: boolean) => ({ pid, ppid: 1, cpuSeconds: cpu, childCpuSeconds: child, vmHwmKiB: 1024, vmRssKiB: 1024, ...(maintenance ? { maintenance } : {}) });
    const targets = [{ unit: 'postgres', role: 'datastore' as const, pid: 10, tree: true }];
    const before: ProcSample = { at: 0, targets, stats: [new Map([[10, stat(10, 1, 2)], [11, stat(11, 5, 0)], [12, stat(12, 3, 0, true)]])] };
    // 2 s later: the root +0.1, a backend +0.5, the checkpointer +0.25, an exited autovacuum worker's 0.4 in the root's children
    const after: ProcSample = { at: 2000, targets, stats: [new Map([[10, stat(10, 1.1, 2.4)], [11, stat(11, 5.5, 0)], [12, stat(12, 3.25, 0, true)]])] };
    const [u] = processUsage(before, after);
    expect(u!.cpuSeconds).toBe(1.25);
    expect(u!.maintenanceCpuSeconds).toBe(0.65);
    expect(u!.cpuUtilization).toBe(0.625);
    // A tree without any maintenance process reports none (absent, not 0).
    const plain: ProcSample = { at: 2000, targets, stats: [new Map([[10, stat(10, 1.1, 2)], [11, stat(11, 5.5, 0)]])] };
    expect(processUsage({ ...before, stats: [new Map([[10, stat(10, 1, 2)], [11, stat(11, 5, 0)]])] }, plain)[0]!.maintenanceCpuSeconds).toBeUndefined();
  });

  it('reads a client backend\'s database from its title, and nothing from any other process (hostile titles)', () => {
    expect(backendDatabase('postgres: postgres archsim_events 127.0.0.1(41234) idle')).toBe('archsim_events');
    expect(backendDatabase('postgres: archsim archsim_main [local] SELECT')).toBe('archsim_main');
    expect(backendDatabase('postgres: u my-db ::1(5) idle in transaction')).toBe('my-db');
    expect(backendDatabase('postgres: postgres archsim_events 127.0.0.1(41234)')).toBe('archsim_events');
    for (const t of ['postgres: checkpointer ', 'postgres: autovacuum worker archsim_main', 'postgres: walwriter ', 'postgres: logical replication launcher ', '/usr/lib/postgresql/bin/postgres -D /tmp/x', 'node unit-main.js archsim_main 127.0.0.1(1) idle', 'postgres: a b c(d) idle', ''])
      expect(backendDatabase(t)).toBeUndefined();
  });

  it('sums a tree\'s client backends by database, within its CPU; none for a tree without backends', () => {
    const stat = (pid: number, cpu: number, database?: string) => ({ pid, ppid: 1, cpuSeconds: cpu, childCpuSeconds: 0, vmHwmKiB: 1024, vmRssKiB: 1024, ...(database ? { database } : {}) });
    const targets = [{ unit: 'postgres', role: 'datastore' as const, pid: 10, tree: true }];
    const before: ProcSample = { at: 0, targets, stats: [new Map([[10, stat(10, 1)], [11, stat(11, 5, 'archsim_events')], [12, stat(12, 3, 'archsim_main')], [13, stat(13, 2, 'archsim_events')]])] };
    // 1 s later: events +0.3 and +0.2, main +0.25, a new events backend with 0.125 in all, the root +0.1
    const after: ProcSample = { at: 1000, targets, stats: [new Map([[10, stat(10, 1.1)], [11, stat(11, 5.3, 'archsim_events')], [12, stat(12, 3.25, 'archsim_main')], [13, stat(13, 2.2, 'archsim_events')], [14, stat(14, 0.125, 'archsim_events')]])] };
    const [u] = processUsage(before, after);
    expect(u!.cpuSeconds).toBe(0.975);
    expect(u!.databaseCpuSeconds).toEqual({ archsim_events: 0.625, archsim_main: 0.25 });
    const noBackends: ProcSample = { at: 1000, targets, stats: [new Map([[10, stat(10, 1.5)]])] };
    expect(processUsage({ ...before, stats: [new Map([[10, stat(10, 1)]])] }, noBackends)[0]!.databaseCpuSeconds).toBeUndefined();
  });

  const cluster = scratchCluster('proc-maintenance');
  afterEach(async () => cluster.cleanup());
  it('a real cluster\'s checkpoint shows in its maintenance CPU, and a query does not', async () => {
    const h = await cluster.start();
    const c = new pg.Client({ connectionString: h.url('postgres') });
    await c.connect();
    try {
      const targets = [{ unit: 'postgres', role: 'datastore' as const, pid: h.pid!, tree: true }];
      // Work of a client backend only: no maintenance.
      let before = sampleProcesses(targets);
      await c.query('SELECT count(*) FROM generate_series(1, 3000000)');
      let u = processUsage(before, sampleProcesses(targets))[0]!;
      expect(u.cpuSeconds).toBeGreaterThan(0.05);
      // The query's CPU is its backend's, read by the database it serves.
      expect(u.databaseCpuSeconds?.postgres ?? 0).toBeGreaterThan(u.cpuSeconds / 2);
      expect(u.databaseCpuSeconds!.postgres!).toBeLessThanOrEqual(u.cpuSeconds);
      expect(u.maintenanceCpuSeconds).toBeDefined();
      expect(u.maintenanceCpuSeconds!).toBeLessThan(u.cpuSeconds / 4);
      // Dirty many pages in shared buffers (an INSERT … SELECT, not CREATE TABLE AS, whose
      // bulk-write ring writes its own pages), then a checkpoint: the checkpointer writes them.
      await c.query('CREATE TABLE t (id int, v text)');
      await c.query('INSERT INTO t SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 100000) g');
      before = sampleProcesses(targets);
      await c.query('CHECKPOINT');
      u = processUsage(before, sampleProcesses(targets))[0]!;
      expect(u.maintenanceCpuSeconds!).toBeGreaterThan(0);
      expect(u.maintenanceCpuSeconds!).toBeLessThanOrEqual(u.cpuSeconds);
    } finally {
      await c.end();
    }
  }, 120_000);
});
