// The per-operation CPU profile: event-loop self time per operation (nested calls charged to the
// callee), pool tasks per operation, thread CPU from /proc. Real async_hooks, real scrypt.
import { spawn } from 'node:child_process';
import { pbkdf2, scrypt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OpProfiler, POOL_TYPES, UNATTRIBUTED, poolThreadsFrom } from '../../reference-services/runtime/op-cpu.js';
import { requestContext } from '../../reference-services/runtime/request-context.js';

// The work's own clock: advanced only by spin(), so the host's load (preemption) cannot blur the
// attribution being tested; the async hooks, contexts and callbacks are real.
let clock = 0;
const now = () => clock;
const spin = (ms: number) => {
  clock += ms;
};
const tick = () => new Promise((r) => setTimeout(r, 1));

describe('OpProfiler', () => {
  it('charges each callback to its operation, nested internal calls to the callee (self time)', async () => {
    const p = new OpProfiler(now).start();
    const serve = (op: string, fn: () => Promise<void>) => {
      p.span(op);
      return requestContext.run({ requestId: op, op }, fn);
    };
    await Promise.all([
      serve('a.one', async () => {
        await tick();
        spin(30);
        await Promise.resolve();
        spin(15);
      }),
      serve('b.two', async () => {
        await tick();
        spin(20);
        // an in-process internal call: its callbacks are the callee's
        await serve('c.internal', async () => {
          await tick();
          spin(40);
        });
        spin(10);
      }),
    ]);
    await tick();
    const s = p.snapshot().ops;
    expect(s['a.one']!.spans).toBe(1);
    expect(s['c.internal']!.spans).toBe(1);
    // Self time: the callee's 40 ms is c.internal's, not b.two's as well.
    expect(s['a.one']!.loopMs).toBe(45);
    expect(s['b.two']!.loopMs).toBe(30);
    expect(s['c.internal']!.loopMs).toBe(40);
    expect(s[UNATTRIBUTED]?.loopMs ?? 0).toBe(0);
  });

  it('charges the synchronous rest of a callback to the operation it switches to (routing, in-process calls)', async () => {
    const p = new OpProfiler(now).start();
    await new Promise<void>((res) =>
      setTimeout(() => {
        spin(3); // HTTP parsing before routing: nobody's yet
        p.within('x.route', () => {
          spin(7);
          p.within('y.callee', () => spin(11));
          spin(1);
        });
        spin(2);
        res();
      }, 1),
    );
    await tick();
    const s = p.snapshot().ops;
    expect(s['x.route']!.loopMs).toBe(8);
    expect(s['y.callee']!.loopMs).toBe(11);
    expect(s[UNATTRIBUTED]!.loopMs).toBe(5);
  });

  it('counts pool work (scrypt) per operation and reads the pool threads’ CPU apart from the main thread', async () => {
    const p = new OpProfiler().start();
    const before = p.snapshot().threads;
    await requestContext.run({ requestId: 'x', op: 'auth.login' }, async () => {
      p.span('auth.login');
      for (let i = 0; i < 4; i++) await new Promise<void>((res, rej) => scrypt('pw', 'salt', 32, { N: 1 << 14 }, (e) => (e ? rej(e) : res())));
    });
    const s = p.snapshot();
    expect(s.ops['auth.login']!.poolTasks).toBe(4);
    expect(s.ops['auth.login']!.poolMs).toBeGreaterThan(4);
    // scrypt ran off the main thread (libuv's pool): the other threads' CPU grew by more than the main thread's
    const off = s.threads.bootThreadsSeconds + s.threads.laterThreadsSeconds - before.bootThreadsSeconds - before.laterThreadsSeconds;
    expect(off).toBeGreaterThan(0.02);
    expect(off).toBeGreaterThan(s.threads.mainSeconds - before.mainSeconds);
  });

  it('counts a token signed and verified with WebCrypto (a JWT’s HS256) as pool tasks of its operation', async () => {
    const p = new OpProfiler().start();
    const key = await crypto.subtle.importKey('raw', new Uint8Array(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    await requestContext.run({ requestId: 'r', op: 'auth.refresh' }, async () => {
      p.span('auth.refresh');
      const sig = await crypto.subtle.sign('HMAC', key, new Uint8Array(16));
      expect(await crypto.subtle.verify('HMAC', key, sig, new Uint8Array(16))).toBe(true);
      await crypto.subtle.sign('HMAC', key, new Uint8Array(16));
    });
    expect(p.snapshot().ops['auth.refresh']!.poolTasks).toBe(3);
  });

  it('knows every async crypto job of this Node as a pool type (a new one would go uncounted)', () => {
    const providers = Object.keys((process as unknown as { binding(n: string): { Providers: Record<string, number> } }).binding('async_wrap').Providers);
    const crypto = providers.filter((k) => /REQUEST$/.test(k) && !['HTTPCLIENTREQUEST', 'HTTPINCOMINGMESSAGE', 'SHUTDOWNWRAP', 'WRITEWRAP'].includes(k) && !/^(FS|GETADDRINFO|GETNAMEINFO|QUERY|PIPECONNECT|TCPCONNECT|SEND|UDPSEND|STATWATCHER)/.test(k));
    expect(crypto.length).toBeGreaterThan(5);
    for (const k of crypto) expect(POOL_TYPES.has(k), k).toBe(true);
    expect(POOL_TYPES.has('FSREQPROMISE')).toBe(true);
  });

  it('tells the pool’s threads apart when the pool was already running at start (as Node’s module loader leaves it)', async () => {
    // the pool exists before the profiler looks: born-later alone would count none of its CPU as the pool's
    await new Promise<void>((res) => pbkdf2('x', 'y', 10, 16, 'sha256', () => res()));
    const p = new OpProfiler().start();
    await p.findPoolThreads();
    const size = Number(process.env.UV_THREADPOOL_SIZE) || 4;
    expect(p.poolThreads.size).toBeGreaterThan(0);
    expect(p.poolThreads.size).toBeLessThanOrEqual(size);
    expect(p.poolThreads.has(process.pid)).toBe(false);
    const before = p.snapshot().threads;
    for (let i = 0; i < 4; i++) await new Promise<void>((res, rej) => scrypt('pw', 'salt', 32, { N: 1 << 14 }, (e) => (e ? rej(e) : res())));
    const after = p.snapshot().threads;
    const pool = after.laterThreadsSeconds - before.laterThreadsSeconds;
    const v8 = after.bootThreadsSeconds - before.bootThreadsSeconds;
    expect(pool).toBeGreaterThan(0.02);
    expect(pool).toBeGreaterThan(v8);
  });

  it('finds the same pool threads every time on a host kept busy (two spinning processes per core)', async () => {
    await new Promise<void>((res) => pbkdf2('x', 'y', 10, 16, 'sha256', () => res()));
    const { cpus } = await import('node:os');
    const spinners = Array.from({ length: 2 * cpus().length }, () => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
    try {
      const size = Number(process.env.UV_THREADPOOL_SIZE) || 4;
      const found: number[][] = [];
      for (let i = 0; i < 3; i++) {
        const p = new OpProfiler().start();
        await p.findPoolThreads();
        found.push([...p.poolThreads].sort());
      }
      for (const f of found) expect(f).toEqual(found[0]);
      expect(found[0]).toHaveLength(size);
    } finally {
      for (const s of spinners) s.kill('SIGKILL');
    }
  });
});

describe('poolThreadsFrom (which threads ran the probe hashes)', () => {
  const ms = 1e6;
  it('takes the threads that ran hashes, at most the pool\'s size', () => {
    // a round of 8 hashes of 2.5 ms on a pool of 4: two each
    const round = new Map([
      [1, 5 * ms],
      [2, 5 * ms],
      [3, 5 * ms],
      [4, 5 * ms],
      [5, 0],
    ]);
    const r = poolThreadsFrom([round, round], 4, 8);
    expect(r.threads.sort()).toEqual([1, 2, 3, 4]);
    expect(r.settled).toBe(true);
  });

  it('a pool thread that got no hash in the first round is found in the next, not a V8 worker busy compiling', () => {
    // round 1: thread 4 woke late and ran nothing, V8 worker 9 compiled for 1.5 ms
    const r1 = new Map([
      [1, 7.5 * ms],
      [2, 5 * ms],
      [3, 7.5 * ms],
      [4, 0],
      [9, 1.5 * ms],
    ]);
    const one = poolThreadsFrom([r1], 4, 8);
    expect(one.settled).toBe(false);
    const r2 = new Map([
      [1, 5 * ms],
      [2, 5 * ms],
      [3, 5 * ms],
      [4, 5 * ms],
      [9, 0.2 * ms],
    ]);
    const two = poolThreadsFrom([r1, r2], 4, 8);
    expect(two.threads.sort()).toEqual([1, 2, 3, 4]);
    expect(two.settled).toBe(true);
  });

  it('a V8 worker\'s one burst does not settle in place of a pool thread woken late: the fourth must average ¾ of a hash a round', () => {
    // round 1: pool thread 4 woke late (nothing), V8 worker 9 compiled for about a hash's worth
    const r1 = new Map([[1, 7.5 * ms], [2, 7.5 * ms], [3, 5 * ms], [4, 0], [9, 3 * ms]]);
    // round 2: 4 caught the end of one hash, 9 nearly quiet
    const r2 = new Map([[1, 7.5 * ms], [2, 7.5 * ms], [3, 5 * ms], [4, 1.25 * ms], [9, 0.25 * ms]]);
    const two = poolThreadsFrom([r1, r2], 4, 8);
    // 9 scores 1.14 hashes, 4 under half of one: the old rule (the fourth ≥ 1 hash and twice the
    // fifth) settled here, on 9; a pool thread averages 2 a round, so 1.14 in two rounds is not one
    expect(two.threads).toContain(9);
    expect(two.settled).toBe(false);
    const r3 = new Map([[1, 5 * ms], [2, 5 * ms], [3, 5 * ms], [4, 5 * ms], [9, 0]]);
    const r4 = new Map([[1, 5 * ms], [2, 5 * ms], [3, 5 * ms], [4, 5 * ms], [9, 0]]);
    const four = poolThreadsFrom([r1, r2, r3, r4], 4, 8);
    expect(four.threads.sort()).toEqual([1, 2, 3, 4]);
    expect(four.settled).toBe(true);
  });

  it('is not settled while a fifth thread is close to the fourth, and never names more than the pool', () => {
    const r = new Map([
      [1, 6 * ms],
      [2, 6 * ms],
      [3, 6 * ms],
      [4, 2.5 * ms],
      [9, 2 * ms],
    ]);
    const got = poolThreadsFrom([r], 4, 8);
    expect(got.settled).toBe(false);
    expect(got.threads).toHaveLength(4);
    expect(got.threads).not.toContain(9);
  });

  it('names nothing from rounds where no thread grew, and ignores threads whose clock went back', () => {
    expect(poolThreadsFrom([new Map([[1, 0]])], 4, 8)).toEqual({ threads: [], settled: false });
    const r = poolThreadsFrom([new Map([[1, 5 * ms], [2, -3 * ms]])], 1, 2);
    expect(r.threads).toEqual([1]);
  });
});
