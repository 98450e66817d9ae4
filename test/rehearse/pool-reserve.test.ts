// The rehearsal's single-use pools kept ahead of its load: the pure sizing (pool-reserve.ts), and
// topUpPools growing a pool for real over HTTP, a set number of requests in flight.
import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { POOL_AHEAD_S, POOL_LOW_S, POOL_TOP_UP_IN_FLIGHT, poolsLow, poolWant } from '../../src/rehearse/pool-reserve.js';
import { countedOps, topUpPools } from '../../src/loadtest/scenarios/profile.js';

describe('poolWant and poolsLow (pure)', () => {
  it('sizes each operation at its next request number plus the seconds ahead at the rate, never below what was sized', () => {
    expect([POOL_AHEAD_S, POOL_LOW_S, POOL_TOP_UP_IN_FLIGHT]).toEqual([60, 40, 1]);
    // 40/s for 60 s: 2,400 requests, 3/4 of them a, 1/4 b.
    expect(poolWant({ a: 3, b: 1 }, { a: 100 }, 40, 60)).toEqual({ a: 1900, b: 600 });
    expect(poolWant({ a: 3, b: 1 }, { a: 100 }, 40, 60, { a: 2000, b: 10, c: 5 })).toEqual({ a: 2000, b: 600, c: 5 });
    // A fraction of a request is one more.
    expect(poolWant({ a: 1, b: 2 }, {}, 1, 1)).toEqual({ a: 1, b: 1 });
  });

  it('calls a pooled operation low below the seconds ahead at its share of the rate, exactly', () => {
    const mix = { a: 3, b: 1 };
    // a: 30/s × 40 s = 1,200 ahead needed; b: 10/s × 40 s = 400.
    expect(poolsLow(['a', 'b'], mix, { a: 1300, b: 500 }, { a: 100, b: 100 }, 40, 40)).toEqual([]);
    expect(poolsLow(['a', 'b'], mix, { a: 1300, b: 500 }, { a: 101, b: 100 }, 40, 40)).toEqual(['a']);
    expect(poolsLow(['a', 'b'], mix, { a: 1300, b: 500 }, { a: 101, b: 101 }, 40, 40)).toEqual(['a', 'b']);
    // Only the pooled operations, only those in the mix, and nothing with an empty mix.
    expect(poolsLow(['b'], mix, { a: 0, b: 500 }, { a: 900 }, 40, 40)).toEqual([]);
    expect(poolsLow(['z'], mix, {}, {}, 40, 40)).toEqual([]);
    expect(poolsLow(['a'], {}, {}, {}, 40, 40)).toEqual([]);
    // Nothing sized yet: low from the first request.
    expect(poolsLow(['a'], mix, {}, {}, 40, 40)).toEqual(['a']);
  });
});

describe('topUpPools over real HTTP', () => {
  const login = {
    name: 'tokens',
    for: { count: { expected: 'auth.refresh', max: 60 } },
    request: { method: 'POST', path: '/login', json: { username: '{{user.name}}' } },
    save: { 'pool.tok[]': '$.token' },
  };
  const profile = { setup: [{ name: 'users', request: { method: 'POST', path: '/signup' } }, login, { for: { count: 3 }, request: { method: 'POST', path: '/x' } }] };

  it('names the pooled operations', () => {
    expect(countedOps(profile)).toEqual(['auth.refresh']);
    expect(countedOps({ setup: [login, { ...login, for: { count: { expected: 'relay.ack' } } }, login] })).toEqual(['auth.refresh', 'relay.ack']);
    expect(countedOps({})).toEqual([]);
  });

  it('appends the items between what was sized and what is wanted (×1.3 + 10, capped), in flight as asked', async () => {
    let inFlight = 0;
    let most = 0;
    let n = 0;
    // Answers are held until `hold` requests are in flight at once (or 500 ms passed, for a last
    // short batch), so the most in flight is exactly what the client allows, on a busy machine too.
    let hold = 2;
    let pending: (() => void)[] = [];
    let timer: NodeJS.Timeout | undefined;
    const release = () => {
      clearTimeout(timer);
      timer = undefined;
      const now = pending;
      pending = [];
      for (const f of now) f();
    };
    const server = createServer((req, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        pending.push(() => {
          inFlight--;
          const who = JSON.parse(body).username;
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `${who}-${n++}` }));
        });
        if (pending.length >= hold) release();
        else timer ??= setTimeout(release, 500);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const pool = { tok: ['seeded'] as string[] };
      const data = { run: 'r', vars: {}, users: [{ name: 'u0' }, { name: 'u1' }], pool };
      // Sized for 10 (23 items), wanted 20 (36): 13 more, two at a time.
      const added = await topUpPools(profile, data, { 'auth.refresh': 10 }, { 'auth.refresh': 20 }, base, { inFlight: 2 });
      expect(added).toEqual([{ step: 'tokens', added: 13 }]);
      expect(pool.tok).toHaveLength(14);
      expect(pool.tok[0]).toBe('seeded');
      // Iterations 23…35: user = users[i mod 2], so u1 first.
      expect(pool.tok.slice(1, 3).map((t) => t.split('-')[0])).toEqual(['u1', 'u0']);
      expect(most).toBe(2);
      // The default eight in flight; the cap (60) bounds what is wanted beyond it.
      most = 0;
      hold = 8;
      const capped = await topUpPools(profile, data, { 'auth.refresh': 20 }, { 'auth.refresh': 1000 }, base);
      expect(capped).toEqual([{ step: 'tokens', added: 60 - 36 }]);
      expect(most).toBe(8);
      // Nothing more wanted: no request.
      const before = n;
      expect(await topUpPools(profile, data, { 'auth.refresh': 20 }, { 'auth.refresh': 20 }, base)).toEqual([]);
      expect(n).toBe(before);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
