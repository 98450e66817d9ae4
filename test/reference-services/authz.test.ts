// The authorization suite, as an attacker would try it, on the monolith (its entry is the unit)
// and on microservices (through the gateway and on every unit's own port): every route with
// every bad credential, every cross-user case, every internal operation without (or with a
// wrong) service token, and hostile input on every route (never a 500).
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLayout, type RunningLayout } from '../../reference-services/launcher/layout.js';
import { api, BLUEPRINT, newUser, profileReady, sql, waitFor, type Api, type User } from './helpers.js';
import { hostileBodies, hostileValues } from './hostile-values.js';

const TOKENLESS = new Set(['auth.register', 'auth.login', 'auth.refresh', 'users.verify-invitation']);
const ZERO = '00000000-0000-4000-8000-000000000000';
/** Every internal operation a domain module serves over HTTP (blueprint `internal: true` with an implementation). */
const INTERNAL_OPS = ['auth/verify-token', 'auth/create-user', 'auth/user-exists', 'users/check-contact', 'users/set-presence', 'groups/list-members', 'media/resolve'];

const enc = (s: string) => new TextEncoder().encode(s);

async function serviceToken(secret: string, unit: string, opts: { exp?: number; aud?: string; typ?: string } = {}) {
  return new SignJWT({ typ: opts.typ ?? 'service' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(unit)
    .setAudience(opts.aud ?? 'archsim-internal')
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? Math.floor(Date.now() / 1000) + 300)
    .sign(enc(secret));
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

describe.each([
  ['monolith', 18000],
  ['microservices', 18100],
])('authorization (%s)', (layout, portOffset) => {
  let L: RunningLayout;
  let call: Api;
  let alice: User, bob: User, carol: User, eve: User;
  /** Where a client can reach routes: the entry (gateway or unit) and, with a gateway, each unit's own port. */
  let entries: { name: string; call: Api; routes: RunningLayout['routes'] }[];

  beforeAll(async () => {
    L = await startLayout(BLUEPRINT, layout, { portOffset, logLevel: 'warn' });
    call = api(L.gatewayUrl);
    [alice, bob, carol, eve] = await Promise.all(['alice', 'bob', 'carol', 'eve'].map((p) => newUser(call, p)));
    await Promise.all([alice, bob, carol, eve].map((u) => profileReady(call, u)));
    // alice ⇄ bob are mutual contacts
    for (const [a, b] of [[alice, bob], [bob, alice]] as const) expect((await call('POST', '/api/v1/contacts', { token: a.token, body: { contactId: b.id } })).status).toBe(201);
    entries = [{ name: L.gateway ? 'gateway' : 'entry unit', call, routes: L.routes }];
    if (L.gateway) for (const u of L.units) entries.push({ name: `unit ${u.name}`, call: api(u.url), routes: L.routes.filter((r) => r.unit === u.name) });
  });
  afterAll(async () => {
    await L?.stop();
  });

  async function badTokens() {
    const key = enc(L.jwtSecret);
    const expired = await new SignJWT({ typ: 'access', usr: alice.username }).setProtectedHeader({ alg: 'HS256' }).setSubject(alice.id).setIssuedAt(1_600_000_000).setExpirationTime(1_600_000_900).sign(key);
    const wrongKey = await new SignJWT({ typ: 'access', usr: alice.username }).setProtectedHeader({ alg: 'HS256' }).setSubject(alice.id).setIssuedAt().setExpirationTime('5m').sign(enc('not-the-secret'));
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: alice.id, typ: 'access' })).toString('base64url')}.`;
    const service = await serviceToken(L.serviceSecret, L.units[0]!.name);
    // A token that was valid, then logged out.
    const victim = await newUser(call, 'gone');
    expect((await call('POST', '/api/v1/auth/logout', { token: victim.token })).status).toBe(204);
    return { missing: undefined, malformed: 'not.a.jwt', expired, wrongKey, refreshAsAccess: alice.refresh, algNone: none, serviceTokenAsAccess: service, loggedOut: victim.token };
  }

  it('every non-public route, at every entry, answers 401 to every bad credential', { timeout: 180_000 }, async () => {
    const t = await badTokens();
    let checked = 0;
    for (const e of entries) {
      for (const r of e.routes) {
        if (TOKENLESS.has(r.op) || r.websocket) continue;
        const path = r.path.replace(/\{[^}]+\}/g, ZERO);
        for (const [kind, tok] of Object.entries(t)) {
          const res = await e.call(r.method, path, { ...(tok ? { token: tok } : {}), ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { body: {} }) });
          expect(res.status, `${e.name}: ${r.method} ${r.path} with ${kind} token`).toBe(401);
          checked++;
        }
      }
    }
    console.log(`[authz ${layout}] ${checked} route × credential requests, all 401`);
    expect(checked).toBeGreaterThanOrEqual(25 * 8 * (L.gateway ? 2 : 1));
  });

  it('internal operations are served on no public listener', async () => {
    for (const e of entries) {
      for (const op of INTERNAL_OPS) {
        const r = await e.call('POST', `/internal/${op}`, { body: { args: [{ email: 'victim@example.test' }] } });
        expect(r.status, `${e.name} /internal/${op}`).toBe(404);
      }
    }
  });

  it('every internal operation on every internal listener refuses a missing, forged, expired, user or misaddressed token with 401', { timeout: 180_000 }, async () => {
    const other = L.units[0]!.name;
    const bad: Record<string, string | undefined> = {
      missing: undefined,
      garbage: 'x.y.z',
      wrongKey: await new SignJWT({ typ: 'service' }).setProtectedHeader({ alg: 'HS256' }).setSubject(other).setAudience('archsim-internal').setExpirationTime('5m').sign(enc('nope')),
      usersJwtSecret: await new SignJWT({ typ: 'service' }).setProtectedHeader({ alg: 'HS256' }).setSubject(other).setAudience('archsim-internal').setExpirationTime('5m').sign(enc(L.jwtSecret)),
      expired: await serviceToken(L.serviceSecret, other, { exp: Math.floor(Date.now() / 1000) - 10 }),
      wrongAudience: await serviceToken(L.serviceSecret, other, { aud: 'someone-else' }),
      notAService: await serviceToken(L.serviceSecret, other, { typ: 'access' }),
      unknownUnit: await serviceToken(L.serviceSecret, 'intruder'),
      userAccessToken: alice.token,
    };
    let n = 0;
    for (const u of L.units) {
      for (const op of INTERNAL_OPS) {
        for (const [kind, tok] of Object.entries(bad)) {
          const r = await post(`${u.internalUrl}/internal/${op}`, { args: [{ email: 'victim@example.test' }] }, tok ? { 'x-archsim-service-token': tok } : {});
          expect(r.status, `${u.name} /internal/${op} with ${kind}`).toBe(401);
          n++;
        }
      }
    }
    console.log(`[authz ${layout}] ${n} internal calls without a valid service token, all 401`);
    // Nothing was created by any of them.
    const rows = await sql(L.databaseOf('auth'), `SELECT count(*)::int AS n FROM auth.users WHERE email = 'victim@example.test'`);
    expect(rows[0]!.n).toBe(0);
  });

  it('a valid service token works for a declared call, and is refused (403) for a call its unit does not declare', async () => {
    const authUnit = L.units.find((u) => u.domains.includes('auth'))!;
    const usersUnit = L.units.find((u) => u.domains.includes('users'))!;
    const ok = await post(`${authUnit.internalUrl}/internal/auth/verify-token`, { args: [alice.token] }, { 'x-archsim-service-token': await serviceToken(L.serviceSecret, usersUnit.name) });
    expect(ok.status).toBe(200);
    expect(ok.body.result.userId).toBe(alice.id);
    if (L.units.length > 1) {
      // notifications declares no call to auth.create-user: its token cannot create accounts.
      const notif = L.units.find((u) => u.domains.includes('notifications'))!;
      const r = await post(`${authUnit.internalUrl}/internal/auth/create-user`, { args: [{ email: 'victim@example.test' }] }, { 'x-archsim-service-token': await serviceToken(L.serviceSecret, notif.name) });
      expect(r.status).toBe(403);
      // media declares no call to auth.user-exists: it cannot probe accounts either.
      const media = L.units.find((u) => u.domains.includes('media'))!;
      const probe = await post(`${authUnit.internalUrl}/internal/auth/user-exists`, { args: [alice.id] }, { 'x-archsim-service-token': await serviceToken(L.serviceSecret, media.name) });
      expect(probe.status).toBe(403);
    }
    // relay declares it (blueprint: relay.queue calls auth.user-exists); hostile arguments are no user.
    const relayUnit = L.units.find((u) => u.domains.includes('relay'))!;
    const asRelay = { 'x-archsim-service-token': await serviceToken(L.serviceSecret, relayUnit.name) };
    expect((await post(`${authUnit.internalUrl}/internal/auth/user-exists`, { args: [alice.id] }, asRelay)).body.result).toBe(true);
    for (const hostile of [ZERO, { $ne: null }, "' OR 1=1 --", ['x'], 'a\u0000b', null])
      expect((await post(`${authUnit.internalUrl}/internal/auth/user-exists`, { args: [hostile] }, asRelay)).body, JSON.stringify(hostile)).toEqual({ result: false });
  });

  it('the relay and notifications refuse envelopes for users that do not exist (404 naming the field), nothing is queued', async () => {
    const ghosts = [ZERO, 'ffffffff-ffff-4fff-bfff-ffffffffffff', randomUUID()];
    for (const ghost of ghosts) {
      const q = await call('POST', '/api/v1/relay/queue', { token: alice.token, body: { recipientId: ghost, encryptedContent: 'for nobody' } });
      expect(q.status, `relay to ${ghost}`).toBe(404);
      expect(q.body).toMatchObject({ error: 'unknown_user', fields: ['recipientId'] });
      const p = await call('POST', '/api/v1/notifications/push', { token: alice.token, body: { userId: ghost, title: 'hi' } });
      expect(p.status, `push to ${ghost}`).toBe(404);
      expect(p.body).toMatchObject({ error: 'unknown_user', fields: ['userId'] });
    }
    const queued = await sql<{ n: number }>(L.databaseOf('relay'), 'SELECT count(*)::int AS n FROM relay.relay_messages WHERE recipient_id = ANY($1::uuid[])', [ghosts]);
    expect(queued[0]!.n).toBe(0);
    const pushed = await sql<{ n: number }>(L.databaseOf('notifications'), 'SELECT count(*)::int AS n FROM notifications.email_queue WHERE recipient = ANY($1)', [ghosts]);
    expect(pushed[0]!.n).toBe(0);
    // A real recipient is still queued; a deactivated account is no recipient (nor, with its
    // still-valid token, a sender of emails to itself).
    expect((await call('POST', '/api/v1/relay/queue', { token: alice.token, body: { recipientId: bob.id, encryptedContent: 'for bob' } })).status).toBe(201);
    const gone = await newUser(call, 'deact');
    await sql(L.databaseOf('auth'), 'UPDATE auth.users SET is_active = false WHERE id = $1', [gone.id]);
    const toGone = await call('POST', '/api/v1/relay/queue', { token: alice.token, body: { recipientId: gone.id, encryptedContent: 'x' } });
    expect(toGone.status).toBe(404);
    const selfMail = await call('POST', '/api/v1/notifications/email', { token: gone.token, body: { subject: 's', body: 'b' } });
    expect(selfMail.status).toBe(404);
  });

  it('messages, groups, media, profiles and relay queues of others stay out of reach', async () => {
    const m = await call('POST', '/api/v1/messages/send', { token: alice.token, body: { recipientId: bob.id, encryptedContent: 'secret', encryptedSessionKey: 'k' } });
    expect(m.status).toBe(201);
    expect((await call('PUT', `/api/v1/messages/${m.body.id}/read`, { token: eve.token })).status).toBe(404);
    expect((await call('DELETE', `/api/v1/messages/${m.body.id}`, { token: eve.token })).status).toBe(404);
    expect((await call('GET', `/api/v1/messages/conversation/${alice.id}`, { token: eve.token })).body.messages).toEqual([]);
    const g = await call('POST', '/api/v1/groups', { token: alice.token, body: { name: 'private', memberIds: [bob.id] } });
    expect(g.status).toBe(201);
    expect((await call('GET', `/api/v1/groups/${g.body.id}`, { token: eve.token })).status).toBe(404);
    expect((await call('POST', `/api/v1/groups/${g.body.id}/messages`, { token: eve.token, body: { encryptedContent: 'x' } })).status).toBe(404);
    expect((await call('POST', `/api/v1/groups/${g.body.id}/members`, { token: bob.token, body: { userId: eve.id } })).status).toBe(403);
    expect((await call('DELETE', `/api/v1/groups/${g.body.id}`, { token: eve.token })).status).toBe(404);
    const up = await call('POST', '/api/v1/media/upload', { token: alice.token, raw: new Uint8Array([1, 2, 3]) });
    expect(up.status).toBe(201);
    expect((await call('GET', `/api/v1/media/${up.body.id}`, { token: eve.token })).status).toBe(404);
    expect((await call('DELETE', `/api/v1/media/${up.body.id}`, { token: eve.token })).status).toBe(404);
    expect((await call('PUT', `/api/v1/users/${alice.id}`, { token: eve.token, body: { bio: 'pwned' } })).status).toBe(403);
    expect((await call('GET', `/api/v1/relay/pending/${bob.id}`, { token: eve.token })).status).toBe(403);
    const q = await call('POST', '/api/v1/relay/queue', { token: alice.token, body: { recipientId: bob.id, encryptedContent: 'x' } });
    expect((await call('DELETE', `/api/v1/relay/${q.body.id}`, { token: eve.token })).status).toBe(404);
  });

  it('messaging and group adds need mutual contacts: adding someone on your own gives you nothing', async () => {
    // carol adds alice on her own (alice never added carol)
    expect((await call('POST', '/api/v1/contacts', { token: carol.token, body: { contactId: alice.id } })).status).toBe(201);
    expect((await call('POST', '/api/v1/messages/send', { token: carol.token, body: { recipientId: alice.id, encryptedContent: 'spam', encryptedSessionKey: 'k' } })).status).toBe(403);
    expect((await call('POST', '/api/v1/groups', { token: carol.token, body: { name: 'trap', memberIds: [alice.id] } })).status).toBe(403);
    const g = await call('POST', '/api/v1/groups', { token: carol.token, body: { name: 'trap2' } });
    expect(g.status).toBe(201);
    expect((await call('POST', `/api/v1/groups/${g.body.id}/members`, { token: carol.token, body: { userId: alice.id } })).status).toBe(403);
    // and the other way round: alice, who has carol as a one-way follower, cannot message her either
    expect((await call('POST', '/api/v1/messages/send', { token: alice.token, body: { recipientId: carol.id, encryptedContent: 'x', encryptedSessionKey: 'k' } })).status).toBe(403);
  });

  it('attachments: only your own can be attached; the recipient can download them, nobody else', async () => {
    const mine = await call('POST', '/api/v1/media/upload', { token: alice.token, raw: new Uint8Array([7, 7, 7]), headers: { 'x-file-name': 'mine.bin' } });
    const evesFile = await call('POST', '/api/v1/media/upload', { token: eve.token, raw: new Uint8Array([6, 6]), headers: { 'x-file-name': 'eve-private.txt' } });
    expect([mine.status, evesFile.status]).toEqual([201, 201]);
    const steal = await call('POST', '/api/v1/messages/send', { token: alice.token, body: { recipientId: bob.id, encryptedContent: 'x', encryptedSessionKey: 'k', mediaIds: [evesFile.body.id] } });
    expect(steal.status).toBe(400);
    expect(steal.body.fields).toEqual(['mediaIds']);
    expect(JSON.stringify(steal.body)).not.toContain('eve-private');
    const sent = await call('POST', '/api/v1/messages/send', { token: alice.token, body: { recipientId: bob.id, encryptedContent: 'with file', encryptedSessionKey: 'k', mediaIds: [mine.body.id] } });
    expect(sent.status).toBe(201);
    expect((await call('GET', `/api/v1/media/${mine.body.id}`, { token: bob.token })).status).toBe(200);
    expect((await call('GET', `/api/v1/media/${mine.body.id}`, { token: eve.token })).status).toBe(404);
    expect((await call('DELETE', `/api/v1/media/${mine.body.id}`, { token: bob.token })).status).toBe(404); // only the owner deletes
    const conv = await call('GET', `/api/v1/messages/conversation/${alice.id}?limit=1`, { token: bob.token });
    expect(conv.body.messages[0].attachments[0]).toMatchObject({ id: mine.body.id, fileName: 'mine.bin' });
  });

  it('uploads are served back with nosniff and a safe content type, never as HTML', async () => {
    const up = await call('POST', '/api/v1/media/upload', { token: alice.token, raw: new TextEncoder().encode('<script>alert(1)</script>'), headers: { 'content-type': 'text/html' } });
    expect(up.status).toBe(201);
    const r = await fetch(`${L.gatewayUrl}/api/v1/media/${up.body.id}`, { headers: { authorization: `Bearer ${alice.token}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/octet-stream');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-disposition')).toMatch(/^attachment;/);
  });

  it('notifications reach only your own account: no email or push relay', async () => {
    expect((await call('POST', '/api/v1/notifications/email', { token: eve.token, body: { to: `${alice.username}@example.test`, subject: 'Reset your password', body: 'click here' } })).status).toBe(403);
    expect((await call('POST', '/api/v1/notifications/push', { token: eve.token, body: { userId: alice.id, title: 'hi' } })).status).toBe(403);
    await waitFor(async () => (await call('POST', '/api/v1/notifications/email', { token: eve.token, body: { subject: 'test', body: 'to myself' } })).status === 202, 10_000, 'own address on record');
    expect((await call('POST', '/api/v1/notifications/push', { token: eve.token, body: { userId: eve.id, title: 'hi' } })).status).toBe(202);
    const rows = await sql(L.databaseOf('notifications'), `SELECT recipient FROM notifications.email_queue WHERE requested_by = $1`, [eve.id]);
    expect(rows.map((r) => r.recipient).sort()).toEqual([`${eve.username}@example.test`, eve.id].sort());
  });

  it('invitations: never for a registered address, the token never to the inviter, and redeeming never touches an existing account', async () => {
    const usersDb = L.databaseOf('users');
    // A registered address: the same answer, but no invitation and no token anywhere.
    const r = await call('POST', '/api/v1/invitations/send', { token: eve.token, body: { email: `${alice.username}@example.test` } });
    expect(r.status).toBe(202);
    expect(r.body.token).toBeUndefined();
    expect((await sql(usersDb, 'SELECT count(*)::int AS n FROM users.invitations WHERE invitee_email = $1', [`${alice.username}@example.test`]))[0]!.n).toBe(0);
    // A new address: the inviter gets no token; the invitee's email carries it.
    const fresh = `new${Date.now()}@example.test`;
    const inv = await call('POST', '/api/v1/invitations/send', { token: eve.token, body: { email: fresh } });
    expect(inv.status).toBe(202);
    expect(JSON.stringify(inv.body)).not.toMatch(/token/i);
    const [row] = await sql<{ token: string }>(usersDb, 'SELECT token FROM users.invitations WHERE invitee_email = $1', [fresh]);
    await waitFor(async () => (await sql(L.databaseOf('notifications'), `SELECT 1 FROM notifications.email_queue WHERE event = 'invitation.sent' AND recipient = $1 AND payload->>'token' = $2`, [fresh, row!.token])).length === 1, 10_000, 'invitation email');
    // The address registers on its own before redeeming: the invitation is void, the account untouched.
    const victim = await call('POST', '/api/v1/auth/register', { body: { email: fresh, username: `v${Date.now().toString(36)}`, password: 'correct horse battery' } });
    expect(victim.status).toBe(201);
    const red = await call('GET', `/api/v1/invitations/verify/${row!.token}`);
    expect(red.status).toBe(409);
    expect(JSON.stringify(red.body)).not.toContain(victim.body.id);
    const acct = await sql(L.databaseOf('auth'), 'SELECT is_verified FROM auth.users WHERE id = $1', [victim.body.id]);
    expect(acct[0]!.is_verified).toBe(false);
    expect((await sql(usersDb, 'SELECT count(*)::int AS n FROM users.contacts WHERE user_id = $1 OR contact_user_id = $1', [victim.body.id]))[0]!.n).toBe(0);
    expect((await call('GET', `/api/v1/invitations/verify/${row!.token}`)).status).toBe(410); // void now
  });

  it('logout revokes the access token at once', async () => {
    const u = await newUser(call, 'out');
    expect((await call('GET', '/api/v1/auth/me', { token: u.token })).status).toBe(200);
    expect((await call('POST', '/api/v1/auth/logout', { token: u.token })).status).toBe(204);
    for (const e of entries) if (e.routes.some((r) => r.op === 'users.list-contacts')) expect((await e.call('GET', '/api/v1/contacts', { token: u.token })).status, e.name).toBe(401);
  });

  it('hostile input on every route: never a 500; NUL bytes, out-of-range dates and wrong types are 400 naming the field', { timeout: 240_000 }, async () => {
    const statuses = new Map<number, number>();
    const mallory = await newUser(call, 'mallory'); // logout revokes the token it is called with
    for (const r of L.routes) {
      if (r.websocket) continue;
      const token = r.op === 'auth.logout' ? mallory.token : alice.token;
      for (const v of hostileValues) {
        // Every byte percent-encoded (encodeURIComponent refuses lone surrogates).
        const seg = [...Buffer.from(String(v).slice(0, 200))].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
        const path = r.path.replace(/\{[^}]+\}/g, seg);
        const res = await call(r.method, path, { token, ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { body: {} }) });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status, `${r.method} ${path}`).toBeLessThan(500);
      }
      if (r.method === 'GET' || r.method === 'DELETE') continue;
      for (const body of hostileBodies()) {
        const res = await call(r.method, r.path.replace(/\{[^}]+\}/g, ZERO), { token, body });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status, `${r.method} ${r.path} ${JSON.stringify(body).slice(0, 120)}`).toBeLessThan(500);
      }
    }
    console.log(`[authz ${layout}] hostile requests by status: ${JSON.stringify(Object.fromEntries(statuses))}`);
    const nul = await call('POST', '/api/v1/groups', { token: alice.token, body: { name: 'a\u0000b' } });
    expect(nul.status).toBe(400);
    expect(nul.body.fields).toEqual(['name']);
    const nulSend = await call('POST', '/api/v1/messages/send', { token: alice.token, body: { recipientId: bob.id, encryptedContent: 'x', encryptedSessionKey: 'k\u0000' } });
    expect([nulSend.status, nulSend.body.fields]).toEqual([400, ['encryptedSessionKey']]);
    const date = await call('GET', `/api/v1/messages/conversation/${bob.id}?before=0000-01-01T00:00:00Z`, { token: alice.token });
    expect([date.status, date.body.fields]).toEqual([400, ['before']]);
    const coerced = await call('POST', '/api/v1/auth/login', { body: { username: ['a'], password: 'whatever' } });
    expect([coerced.status, coerced.body.fields]).toEqual([400, ['username']]);
    const num = await call('POST', '/api/v1/groups', { token: alice.token, body: { name: 12345 } });
    expect([num.status, num.body.fields]).toEqual([400, ['name']]);
  });

  it('/metrics and /ready details answer only on the internal listener; the gateway /ready reflects its units', async () => {
    for (const u of L.units) {
      expect((await fetch(`${u.url}/metrics`)).status).toBe(404);
      expect(await (await fetch(`${u.url}/health`)).json()).toEqual({ status: 'ok' });
      expect((await fetch(`${u.internalUrl}/metrics`)).status).toBe(200);
    }
    if (!L.gateway) return;
    expect((await fetch(`${L.gateway.url}/ready`)).status).toBe(200);
    await L.stopUnit('relay-service');
    await waitFor(async () => (await fetch(`${L.gateway!.url}/ready`)).status === 503, 5000, 'gateway not ready with a unit down');
    await L.startUnit('relay-service');
    await waitFor(async () => (await fetch(`${L.gateway!.url}/ready`)).status === 200, 5000, 'gateway ready again');
  });
});
