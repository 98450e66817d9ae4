// One end-to-end suite, run unchanged against the monolith and the microservices layouts:
// real PostgreSQL (embedded), every unit its own process, real HTTP and WebSocket.
import { randomBytes, createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startLayout, type RunningLayout } from '../../reference-services/launcher/layout.js';
import { parseProfileMetrics } from '../../src/loadtest/op-profile.js';
import { api, BLUEPRINT, newUser, profileReady, sql, waitFor, type Api, type User } from './helpers.js';

describe.each([
  ['monolith', 17000],
  ['microservices', 17100],
])('QuantChat end to end (%s)', (layout, portOffset) => {
  let L: RunningLayout;
  let call: Api;
  let alice: User;
  let bob: User;

  // Logs kept for the last test, which greps them for secrets.
  const logDir = join(tmpdir(), `archsim-e2e-logs-${layout}-${process.pid}`);
  // The units' PostgreSQL connections once the layout is ready (every pool opened in full and
  // kept, as a deployment's): the suite's traffic must neither open nor close one.
  const backends = async () => (await sql<{ pid: number }>(L.databases.events!, `SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() ORDER BY pid`)).map((r) => r.pid);
  let atReady: number[] = [];
  beforeAll(async () => {
    // Profiled as a load test runs them (per-operation CPU counters on /metrics).
    L = await startLayout(BLUEPRINT, layout, { portOffset, logLevel: 'info', logDir, env: { ...process.env, ARCHSIM_PROFILE_OPS: '1' } });
    call = api(L.gatewayUrl);
    // the event listeners connect just after a unit reports ready
    await new Promise((r) => setTimeout(r, 1000));
    atReady = await backends();
  });
  afterAll(async () => {
    await L?.stop();
    rmSync(logDir, { recursive: true, force: true });
  });

  it('registers and logs in two users; me, refresh and logout work', async () => {
    alice = await newUser(call, 'alice');
    bob = await newUser(call, 'bob');
    const me = await call('GET', '/api/v1/auth/me', { token: alice.token });
    expect(me.status).toBe(200);
    expect(me.body.username).toBe(alice.username);
    const dup = await call('POST', '/api/v1/auth/register', { body: { email: `${alice.username}@example.test`, username: alice.username, password: 'whatever123' } });
    expect(dup.status).toBe(409);
    const bad = await call('POST', '/api/v1/auth/login', { body: { username: alice.username, password: 'wrong password' } });
    expect(bad.status).toBe(401);
    // refresh rotates: the old refresh token is then revoked
    const r1 = await call('POST', '/api/v1/auth/refresh', { body: { refreshToken: alice.refresh } });
    expect(r1.status).toBe(200);
    expect((await call('POST', '/api/v1/auth/refresh', { body: { refreshToken: alice.refresh } })).status).toBe(401);
    const out = await call('POST', '/api/v1/auth/logout', { token: r1.body.accessToken, body: { refreshToken: r1.body.refreshToken } });
    expect(out.status).toBe(204);
    expect((await call('POST', '/api/v1/auth/refresh', { body: { refreshToken: r1.body.refreshToken } })).status).toBe(401);
    await profileReady(call, alice);
    await profileReady(call, bob);
  });

  it('searches users, updates a profile, adds a contact', async () => {
    const s = await call('GET', `/api/v1/users/search?q=${alice.username.slice(0, 8)}`, { token: bob.token });
    expect(s.status).toBe(200);
    expect(s.body.users.map((u: { id: string }) => u.id)).toContain(alice.id);
    const up = await call('PUT', `/api/v1/users/${alice.id}`, { token: alice.token, body: { fullName: 'Alice A.' } });
    expect(up.status).toBe(200);
    expect((await call('GET', `/api/v1/users/${alice.id}`, { token: bob.token })).body.fullName).toBe('Alice A.');
    // not a contact yet: sending is refused
    const refused = await call('POST', '/api/v1/messages/send', { token: alice.token, body: { recipientId: bob.id, encryptedContent: 'x', encryptedSessionKey: 'k' } });
    expect(refused.status).toBe(403);
    const add = await call('POST', '/api/v1/contacts', { token: alice.token, body: { contactId: bob.id } });
    expect(add.status).toBe(201);
    // one way is not enough: messaging needs mutual contacts
    expect((await call('POST', '/api/v1/messages/send', { token: alice.token, body: { recipientId: bob.id, encryptedContent: 'x', encryptedSessionKey: 'k' } })).status).toBe(403);
    expect((await call('POST', '/api/v1/contacts', { token: bob.token, body: { contactId: alice.id } })).status).toBe(201);
    const list = await call('GET', '/api/v1/contacts', { token: alice.token });
    expect(list.body.contacts.map((c: { id: string }) => c.id)).toEqual([bob.id]);
  });

  it('sends messages, pages the conversation, marks read, deletes; a WebSocket client gets message.new', async () => {
    const ws = new WebSocket(`${L.gatewayUrl.replace('http', 'ws')}/ws?token=${bob.token}`);
    const inbox: any[] = [];
    ws.on('message', (d) => inbox.push(JSON.parse(String(d))));
    await waitFor(async () => inbox.some((m) => m.type === 'ready'), 10_000, 'ws ready');
    // presence: connected → online (users.set-presence from the realtime domain)
    await waitFor(async () => (await call('GET', `/api/v1/users/${bob.id}`, { token: alice.token })).body.online === true, 5000, 'bob online');

    const sent: { id: string }[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await call('POST', '/api/v1/messages/send', { token: alice.token, body: { recipientId: bob.id, encryptedContent: `ct-${i}`, encryptedSessionKey: `sk-${i}` } });
      expect(r.status).toBe(201);
      sent.push(r.body);
    }
    await waitFor(async () => inbox.filter((m) => m.type === 'message.new').length === 5, 10_000, 'five message.new');
    expect(inbox.find((m) => m.type === 'message.new').message.messageId).toBe(sent[0].id);
    ws.close();
    await waitFor(async () => (await call('GET', `/api/v1/users/${bob.id}`, { token: alice.token })).body.online === false, 5000, 'bob offline');

    const page1 = await call('GET', `/api/v1/messages/conversation/${alice.id}?limit=3`, { token: bob.token });
    expect(page1.status).toBe(200);
    expect(page1.body.messages.map((m: { encryptedContent: string }) => m.encryptedContent)).toEqual(['ct-4', 'ct-3', 'ct-2']);
    const page2 = await call('GET', `/api/v1/messages/conversation/${alice.id}?limit=3&before=${encodeURIComponent(page1.body.nextBefore)}`, { token: bob.token });
    expect(page2.body.messages.map((m: { encryptedContent: string }) => m.encryptedContent)).toEqual(['ct-1', 'ct-0']);

    const read = await call('PUT', `/api/v1/messages/${sent[0].id}/read`, { token: bob.token });
    expect(read.status).toBe(200);
    expect(read.body.isRead).toBe(true);
    expect((await call('DELETE', `/api/v1/messages/${sent[1].id}`, { token: alice.token })).status).toBe(204);
    const after = await call('GET', `/api/v1/messages/conversation/${bob.id}`, { token: alice.token });
    expect(after.body.messages).toHaveLength(4);
    expect(after.body.messages.find((m: { id: string }) => m.id === sent[0].id).isRead).toBe(true);
  });

  it('profiles each delivery as a span of its consumer operation, in its own unit', async () => {
    // The sends above published message.sent; notifications.notify consumed each (in process in
    // the monolith, from the queue in microservices): its CPU is the consumer's, not outside any operation.
    const unit = L.units.find((u) => u.domains.includes('notifications'))!;
    const counter = async (name: string) => {
      const m = await (await fetch(`${unit.internalUrl}/metrics`)).text();
      return Number(new RegExp(`${name}\\{[^}]*operation="notifications\\.notify"[^}]*\\} ([0-9.e+-]+)`).exec(m)?.[1] ?? 0);
    };
    await waitFor(async () => (await counter('archsim_op_spans_total')) >= 1, 10_000, 'a notifications.notify span');
    expect(await counter('archsim_op_loop_seconds_total')).toBeGreaterThan(0);
    // every unit says its replies are charged to their sender, which a load test's results keep
    for (const u of L.units) expect(parseProfileMetrics(await (await fetch(`${u.internalUrl}/metrics`)).text()).replies, u.name).toBe('sender');
  });

  it('records a notification for each message (outbox with attempt and outcome)', async () => {
    const db = L.databaseOf('notifications');
    await waitFor(async () => (await sql(db, `SELECT count(*)::int AS n FROM notifications.email_queue WHERE event = 'message.sent' AND recipient = $1`, [bob.id]))[0]!.n === 5, 10_000, 'notifications');
    const rows = await sql(db, `SELECT status, attempts, outcome FROM notifications.email_queue WHERE recipient = $1`, [bob.id]);
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1 && typeof r.outcome === 'string')).toBe(true);
    const welcome = await sql(db, `SELECT count(*)::int AS n FROM notifications.email_queue WHERE event = 'user.registered' AND recipient = $1`, [`${alice.username}@example.test`]);
    expect(welcome[0]!.n).toBe(1);
  });

  it('creates a group, adds a member, posts, lists and deletes it', async () => {
    const g = await call('POST', '/api/v1/groups', { token: alice.token, body: { name: 'team', description: 'the team' } });
    expect(g.status).toBe(201);
    const ws = new WebSocket(`${L.gatewayUrl.replace('http', 'ws')}/ws`);
    const inbox: any[] = [];
    ws.on('message', (d) => inbox.push(JSON.parse(String(d))));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'auth', token: bob.token })); // token as the first message
    await waitFor(async () => inbox.some((m) => m.type === 'ready'), 10_000, 'ws ready');
    expect((await call('POST', `/api/v1/groups/${g.body.id}/members`, { token: alice.token, body: { userId: bob.id } })).status).toBe(201);
    const post = await call('POST', `/api/v1/groups/${g.body.id}/messages`, { token: alice.token, body: { encryptedContent: 'group-ct' } });
    expect(post.status).toBe(201);
    expect(post.body.recipients).toBe(1);
    await waitFor(async () => inbox.some((m) => m.type === 'group.message' && m.message.id === post.body.id), 10_000, 'group event');
    ws.close();
    const mine = await call('GET', '/api/v1/groups', { token: bob.token });
    expect(mine.body.groups.map((x: { id: string }) => x.id)).toContain(g.body.id);
    const got = await call('GET', `/api/v1/groups/${g.body.id}`, { token: bob.token });
    expect(got.body.members.map((m: { userId: string }) => m.userId).sort()).toEqual([alice.id, bob.id].sort());
    expect((await call('DELETE', `/api/v1/groups/${g.body.id}`, { token: bob.token })).status).toBe(403);
    expect((await call('DELETE', `/api/v1/groups/${g.body.id}`, { token: alice.token })).status).toBe(204);
    expect((await call('GET', `/api/v1/groups/${g.body.id}`, { token: alice.token })).status).toBe(404);
  });

  it('uploads a binary file and downloads it byte for byte; attachments resolve in the conversation', async () => {
    const bytes = randomBytes(300 * 1024 + 7);
    const up = await call('POST', '/api/v1/media/upload', { token: alice.token, raw: bytes, headers: { 'x-file-name': 'photo.bin' } });
    expect(up.status).toBe(201);
    expect(up.body.size).toBe(bytes.length);
    const r = await fetch(`${L.gatewayUrl}/api/v1/media/${up.body.id}`, { headers: { authorization: `Bearer ${alice.token}` } });
    expect(r.status).toBe(200);
    const got = Buffer.from(await r.arrayBuffer());
    expect(got.equals(bytes)).toBe(true);
    expect(r.headers.get('x-sha256')).toBe(createHash('sha256').update(bytes).digest('hex'));
    const m = await call('POST', '/api/v1/messages/send', { token: alice.token, body: { recipientId: bob.id, encryptedContent: 'with-file', encryptedSessionKey: 'k', mediaIds: [up.body.id] } });
    expect(m.status).toBe(201);
    const conv = await call('GET', `/api/v1/messages/conversation/${alice.id}?limit=1`, { token: bob.token });
    expect(conv.body.messages[0].attachments[0]).toMatchObject({ id: up.body.id, size: bytes.length });
    expect((await call('DELETE', `/api/v1/media/${up.body.id}`, { token: alice.token })).status).toBe(204);
    expect((await call('GET', `/api/v1/media/${up.body.id}`, { token: alice.token })).status).toBe(404);
  });

  it('relays: queue, pending, ack, and expiry', async () => {
    const q = await call('POST', '/api/v1/relay/queue', { token: alice.token, body: { recipientId: bob.id, encryptedContent: 'offline-ct', ttlSeconds: 60 } });
    expect(q.status).toBe(201);
    const short = await call('POST', '/api/v1/relay/queue', { token: alice.token, body: { recipientId: bob.id, encryptedContent: 'short-lived', ttlSeconds: 1 } });
    expect(short.status).toBe(201);
    const p = await call('GET', `/api/v1/relay/pending/${bob.id}`, { token: bob.token });
    expect(p.status).toBe(200);
    const ids = p.body.messages.map((m: { id: string }) => m.id);
    expect(ids).toContain(q.body.id);
    expect(ids).toContain(short.body.id);
    // message.sent also reached the relay (relay.enqueue)
    expect(p.body.messages.some((m: { encryptedContent: string }) => m.encryptedContent === 'ct-0')).toBe(true);
    expect((await call('DELETE', `/api/v1/relay/${q.body.id}`, { token: bob.token })).status).toBe(204);
    await new Promise((r) => setTimeout(r, 1100));
    const later = await call('GET', `/api/v1/relay/pending/${bob.id}`, { token: bob.token });
    const left = later.body.messages.map((m: { id: string }) => m.id);
    expect(left).not.toContain(q.body.id); // acknowledged
    expect(left).not.toContain(short.body.id); // expired
    expect((await call('DELETE', `/api/v1/relay/${short.body.id}`, { token: bob.token })).status).toBe(404);
  });

  it('serves /health and /ready on every unit, details and /metrics only on its internal listener, and propagates x-request-id', async () => {
    for (const u of L.units) {
      const health = await fetch(`${u.url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' }); // no pid, no versions
      const ready = await fetch(`${u.url}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ ready: true });
      expect((await fetch(`${u.url}/metrics`)).status).toBe(404);
      const detail = (await (await fetch(`${u.internalUrl}/ready`)).json()) as { checks: unknown };
      expect(detail.checks).toBeTruthy();
      const metrics = await (await fetch(`${u.internalUrl}/metrics`)).text();
      expect(metrics).toContain('process_cpu_seconds_total');
      expect(metrics).toContain('nodejs_eventloop_lag_seconds');
    }
    const rid = `test-${Date.now()}`;
    const r = await fetch(`${L.gatewayUrl}/api/v1/contacts`, { headers: { authorization: `Bearer ${alice.token}`, 'x-request-id': rid } });
    expect(r.headers.get('x-request-id')).toBe(rid);
    const users = L.units.find((u) => u.domains.includes('users'))!;
    const m = await (await fetch(`${users.internalUrl}/metrics`)).text();
    expect(m).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/contacts"/);

    // One send touches messages, auth (verify-token) and users (check-contact): every unit
    // involved logs the same request id, as JSON lines.
    const sendRid = `send-${Date.now()}`;
    const s = await fetch(`${L.gatewayUrl}/api/v1/messages/send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json', 'x-request-id': sendRid },
      body: JSON.stringify({ recipientId: bob.id, encryptedContent: 'traced', encryptedSessionKey: 'k' }),
    });
    expect(s.status).toBe(201);
    const involved = new Set(['messages', 'auth', 'users'].map((d) => L.units.find((u) => u.domains.includes(d))!));
    for (const u of involved) {
      await waitFor(async () => readFileSync(u.log, 'utf8').split('\n').some((l) => l.startsWith('{') && JSON.parse(l).reqId === sendRid), 5000, `request id in ${u.name} log`);
    }
    expect(involved.size).toBe(layout === 'monolith' ? 1 : 3);
  });

  it('no token, invitation token, email address or database password in any log line', async () => {
    // The leaks the attack report found: a token in a 426's URL, an invitation token in a path,
    // addresses in notification lines; plus a 500-free bad request with a token in the query.
    const r426 = await call('GET', `/ws?token=${alice.token}`, {});
    expect(r426.status).toBe(426);
    const inviteTo = `friend${Date.now()}@example.test`;
    expect((await call('POST', '/api/v1/invitations/send', { token: alice.token, body: { email: inviteTo } })).status).toBe(202);
    const [inv] = await sql<{ token: string }>(L.databaseOf('users'), 'SELECT token FROM users.invitations WHERE invitee_email = $1', [inviteTo]);
    await waitFor(async () => (await sql(L.databaseOf('notifications'), `SELECT 1 FROM notifications.email_queue WHERE recipient = $1`, [inviteTo])).length === 1, 10_000, 'invitation email');
    expect((await call('GET', `/api/v1/invitations/verify/${inv!.token}`)).status).toBe(200);
    expect((await call('GET', `/api/v1/invitations/verify/${inv!.token}`)).status).toBe(410);
    await new Promise((r) => setTimeout(r, 500)); // let the log writes land
    const password = new URL(L.databases.events!).password;
    const secrets = [alice.token, alice.refresh, bob.token, inv!.token, ...(password ? [password] : [])];
    const files = readdirSync(logDir).filter((f) => f.endsWith('.log'));
    expect(files.length).toBe(L.units.length + (L.gateway ? 1 : 0));
    let lines = 0;
    const leaks: string[] = [];
    for (const f of files) {
      for (const line of readFileSync(join(logDir, f), 'utf8').split('\n')) {
        if (!line) continue;
        lines++;
        if (/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/.test(line) || /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]{2,}/.test(line) || secrets.some((x) => line.includes(x))) leaks.push(`${f}: ${line.slice(0, 200)}`);
      }
    }
    console.log(`[e2e ${layout}] ${lines} log lines in ${files.length} files, ${leaks.length} with a secret`);
    expect(lines).toBeGreaterThan(50);
    expect(leaks).toEqual([]);
  });

  it('opened every pool in full before it was ready, and kept each connection through the suite', async () => {
    // ten connections a pool, at least one pool a unit
    expect(atReady.length).toBeGreaterThanOrEqual(L.units.length * 10);
    expect(await backends()).toEqual(atReady);
  });
});
