// The per-operation CPU profile: event-loop self time per operation (nested calls charged to the
// callee), pool tasks per operation, thread CPU from /proc. Real async_hooks, real scrypt.
import { pbkdf2, scrypt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OpProfiler, POOL_TYPES, UNATTRIBUTED } from '../../reference-services/runtime/op-cpu.js';
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
});

