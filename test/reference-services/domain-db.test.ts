// Moving a domain's database while a unit serves (a table move's cut-over): the domain's handle
// (runtime/domain-db.ts) on real PostgreSQL pools, then the unit's admin endpoint on a real
// monolith: only the control identity may hold or switch a domain; while held, the domain's
// requests wait (none fails) and the others go on; switched, the domain reads and writes the new
// database, also after the unit is restarted.
import { SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { startLayout, type RunningLayout } from '../../reference-services/launcher/layout.js';
import { unitControl } from '../../reference-services/launcher/unit-control.js';
import { openDb } from '../../reference-services/runtime/db.js';
import { domainDb } from '../../reference-services/runtime/domain-db.js';
import { ensureDatabases } from '../../reference-services/runtime/postgres.js';
import { SERVICE_AUDIENCE, SERVICE_TOKEN_HEADER } from '../../reference-services/runtime/service-auth.js';
import { api, BLUEPRINT, newUser, profileReady, scratchCluster, sql } from './helpers.js';

const cluster = scratchCluster('domain-db');
let L: RunningLayout | undefined;
afterAll(async () => {
  await L?.stop();
  await cluster.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Whether a promise has settled within `ms`. */
const settled = async (p: Promise<unknown>, ms: number) => Promise.race([p.then(() => true, () => true), sleep(ms).then(() => false)]);

describe('a domain’s database handle (real PostgreSQL)', () => {
  it('holds new work at its gate until the work under way ends, then runs it on the database it was switched to; nested work passes; a drain too slow opens the gate again; pointed with the gate closed, it runs nothing until opened, and points back', { timeout: 120_000 }, async () => {
    const pg = await cluster.start();
    await ensureDatabases(pg, ['dd_a', 'dd_b']);
    const a = openDb(pg.url('dd_a'), 4);
    const b = openDb(pg.url('dd_b'), 4);
    try {
      const d = domainDb(a);
      const where = () => d.one<{ db: string }>('SELECT current_database() AS db').then((r) => r!.db);
      expect(await where()).toBe('dd_a');
      // Work under way: the hold resolves only once it has ended; new work waits meanwhile.
      const t0 = performance.now();
      const slow = d.query('SELECT pg_sleep(0.4)');
      await sleep(50);
      const holding = d.hold(5000);
      const waiting = where();
      expect(await settled(holding, 150)).toBe(false);
      await holding;
      expect(performance.now() - t0).toBeGreaterThanOrEqual(350);
      await slow;
      expect(d.held).toBe(true);
      expect(await settled(waiting, 200)).toBe(false);
      d.switchTo(b);
      expect(d.held).toBe(false);
      expect(await waiting).toBe('dd_b');
      expect(d.current).toBe(b);
      // Work of the domain started from inside its own work under way passes the gate (it is
      // part of what the hold waits for): no deadlock.
      let inner = '';
      const tx = d.tx(async (q) => {
        await q.query('SELECT pg_sleep(0.2)');
        inner = await where();
      });
      await sleep(50);
      await d.hold(5000);
      await tx;
      expect(inner).toBe('dd_b');
      d.release();
      expect(await where()).toBe('dd_b');
      // Work that outlasts the drain: the hold gives up, names it, and the gate opens again.
      const long = d.query('SELECT pg_sleep(1)');
      await sleep(50);
      await expect(d.hold(200)).rejects.toThrow(/^1 operation still under way after 200 ms$/);
      expect(d.held).toBe(false);
      expect(await where()).toBe('dd_b');
      await long;
      expect(() => d.switchTo(a)).toThrow(/switch without a hold/);
      expect(() => d.point(a)).toThrow(/point without a hold/);
      // Pointed with the gate closed: nothing runs until the gate opens, and pointing back
      // before it opens leaves the domain where it was (a cut-over over several units undone).
      await d.hold(5000);
      d.point(a);
      expect(d.current).toBe(a);
      expect(d.held).toBe(true);
      const queued = where();
      expect(await settled(queued, 150)).toBe(false);
      d.point(b);
      d.release();
      expect(await queued).toBe('dd_b');
      // Pointed, then switched: the waiting work runs on the new database.
      await d.hold(5000);
      d.point(a);
      const queued2 = where();
      d.switchTo(a);
      expect(await queued2).toBe('dd_a');
    } finally {
      await a.end();
      await b.end();
    }
  });
});

describe('a unit’s admin endpoint: a domain moved while it serves (real monolith)', () => {
  it('lets only the control identity hold and switch a domain; held, its requests wait and succeed; switched, it uses the new database, after a restart too', { timeout: 300_000 }, async () => {
    L = await startLayout(BLUEPRINT, 'monolith', { db: 'embedded', portOffset: 3310, logLevel: 'warn', durable: false });
    const call = api(L.gatewayUrl);
    const unit = L.units[0]!;
    const u = await newUser(call, 'dd');
    await profileReady(call, u);
    const before = await call('POST', '/api/v1/groups', { token: u.token, body: { name: 'in main' } });
    expect(before.status).toBe(201);
    const target = (await L.prepareDatastore('group-db', ['groups']))!;
    expect(new URL(target).pathname).toBe('/archsim_group_db');
    expect(target).not.toBe(L.databases.main);
    // Hostile callers: no token, a unit's own token, a forged one; nothing is held.
    const post = (headers: Record<string, string>, body: unknown) => fetch(`${unit.internalUrl}/admin/domain-db`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const sign = (sub: string, secret = L!.serviceSecret) => new SignJWT({ typ: 'service' }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setAudience(SERVICE_AUDIENCE).setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode(secret));
    const hold = { action: 'prepare', domain: 'groups', url: target };
    expect((await post({}, hold)).status).toBe(401);
    expect((await post({ [SERVICE_TOKEN_HEADER]: await sign('backend') }, hold)).status).toBe(403);
    expect((await post({ [SERVICE_TOKEN_HEADER]: await sign('archsim:control', 'b'.repeat(64)) }, hold)).status).toBe(401);
    const control = unitControl(unit.internalUrl, L.serviceSecret);
    // Bad bodies from the control identity: refused, nothing held.
    const ctl = { [SERVICE_TOKEN_HEADER]: await sign('archsim:control') };
    expect((await post(ctl, { action: 'prepare', domain: 'groups' })).status).toBe(400);
    expect((await post(ctl, { action: 'prepare', domain: 'groups', url: 'file:///etc/passwd' })).status).toBe(400);
    expect((await post(ctl, { action: 'prepare', domain: 'nope', url: target })).status).toBe(404);
    expect((await post(ctl, { action: 'hold', domain: 'groups' })).status).toBe(409);
    expect((await post(ctl, { action: 'switch', domain: 'groups' })).status).toBe(409);
    expect((await call('GET', `/api/v1/groups/${before.body.id}`, { token: u.token })).status).toBe(200);

    await control.prepare('groups', target);
    await expect(control.prepare('groups', target)).rejects.toThrow(/409 groups is already prepared/);
    // Prepared, not held: a switch is refused, and the domain still serves from main.
    await expect(control.switchTo('groups')).rejects.toThrow(/409 groups is not held/);
    expect((await call('GET', `/api/v1/groups/${before.body.id}`, { token: u.token })).status).toBe(200);
    const { closedAt } = await control.hold('groups');
    await expect(control.hold('groups')).rejects.toThrow(/409 groups is already held/);
    // Held: a groups request waits; a request of another domain does not.
    const waiting = call('GET', `/api/v1/groups/${before.body.id}`, { token: u.token });
    expect((await call('GET', `/api/v1/users/${u.id}`, { token: u.token })).status).toBe(200);
    expect(await settled(waiting, 500)).toBe(false);
    const { openedAt } = await control.switchTo('groups');
    // The unit says when its gate closed and opened: the wait the request above went through.
    expect(openedAt - closedAt).toBeGreaterThanOrEqual(500);
    expect(openedAt - closedAt).toBeLessThan(30_000);
    // It ran on the new database, which holds no group yet: not found, not an error.
    expect((await waiting).status).toBe(404);
    const after = await call('POST', '/api/v1/groups', { token: u.token, body: { name: 'in group-db' } });
    expect(after.status).toBe(201);
    expect(await sql(target, 'SELECT name FROM groups.groups')).toEqual([{ name: 'in group-db' }]);
    expect(await sql(L.databaseOf('groups'), 'SELECT name FROM groups.groups ORDER BY name')).toEqual([{ name: 'in main' }]);
    // The run learns the move; a unit restarted from now on (a crash) keeps the new database.
    L.moveDomain('groups', target);
    expect(L.databaseOf('groups')).toBe(target);
    await L.stopUnit('backend');
    await L.startUnit('backend');
    expect((await call('GET', `/api/v1/groups/${after.body.id}`, { token: u.token })).status).toBe(200);
    expect((await call('GET', `/api/v1/groups/${before.body.id}`, { token: u.token })).status).toBe(404);
    // Release: the gate opens with nothing changed.
    await control.prepare('groups', L.databases.main!);
    await control.hold('groups');
    await control.release('groups');
    await expect(control.release('groups')).rejects.toThrow(/409 groups is not prepared/);
    expect((await call('GET', `/api/v1/groups/${after.body.id}`, { token: u.token })).status).toBe(200);
  });
});
