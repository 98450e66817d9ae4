// Chaos: under a steady 50 sends/s (and 10 group posts/s), every unit of the microservices
// layout is killed with SIGKILL at a random moment, and the message and group units also right
// inside the window between a commit and the publishing of its event (a test-only fault hook).
// Supervision restarts each unit by itself. Afterwards every acknowledged message and group
// post is stored exactly once and every event of every stored one reached every consumer once
// (a group post's fan-out goes group outbox → messages.deliver-group → group.message-posted).
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLayout, type RunningLayout, type UnitEvent } from '../../reference-services/launcher/layout.js';
import { api, BLUEPRINT, newUser, profileReady, sql, waitFor, type Api, type User } from './helpers.js';

const trigger = join(tmpdir(), `archsim-chaos-${process.pid}-after-commit`);
const groupTrigger = join(tmpdir(), `archsim-chaos-${process.pid}-group-after-commit`);
const events: UnitEvent[] = [];
let L: RunningLayout;
let call: Api;
let alice: User, bob: User;
let groupId: string;

beforeAll(async () => {
  L = await startLayout(BLUEPRINT, 'microservices', {
    portOffset: 18200,
    logLevel: 'warn',
    supervise: { backoffMs: 100, onEvent: (e) => events.push(e) },
    faults: { 'message-service': `after-commit@${trigger}`, 'group-service': `after-commit@${groupTrigger}` },
  });
  call = api(L.gatewayUrl);
  [alice, bob] = await Promise.all([newUser(call, 'alice'), newUser(call, 'bob')]);
  await Promise.all([alice, bob].map((u) => profileReady(call, u)));
  for (const [a, b] of [[alice, bob], [bob, alice]] as const) expect((await call('POST', '/api/v1/contacts', { token: a.token, body: { contactId: b.id } })).status).toBe(201);
  const g = await call('POST', '/api/v1/groups', { token: alice.token, body: { name: 'chaos', memberIds: [bob.id] } });
  expect(g.status).toBe(201);
  groupId = g.body.id;
});
afterAll(async () => {
  await L?.stop();
});

/** `perSecond` requests per second, each on its own (not waiting for the previous), each with a unique content. */
function traffic(perSecond: number, prefix: string, path: string, body: (content: string) => object) {
  const acked = new Map<string, string>(); // content → id
  let sent = 0;
  let refused = 0;
  const inflight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    const content = `${prefix}-${sent++}`;
    const p = call('POST', path, { token: alice.token, body: body(content) })
      .then((r) => {
        if (r.status === 201) acked.set(content, r.body.id);
        else refused++;
      })
      .catch(() => void refused++)
      .finally(() => inflight.delete(p));
    inflight.add(p);
  }, 1000 / perSecond);
  return {
    acked,
    counts: () => ({ sent, refused }),
    async stop() {
      clearInterval(timer);
      await Promise.all([...inflight]);
    },
  };
}

const restartOf = async (unit: string, since: number) =>
  waitFor(async () => events.slice(since).some((e) => e.kind === 'restarted' && e.unit === unit), 120_000, `${unit} restarted by supervision`);

describe('chaos (microservices)', () => {
  it('kill -9 of every unit at a random moment under 50 sends/s: each restarts by itself, nothing acknowledged is lost or doubled, every event is delivered', { timeout: 420_000 }, async () => {
    const t = traffic(50, 'chaos', '/api/v1/messages/send', (c) => ({ recipientId: bob.id, encryptedContent: c, encryptedSessionKey: 'k' }));
    const gt = traffic(10, 'gchaos', `/api/v1/groups/${groupId}/messages`, (c) => ({ encryptedContent: c }));
    const killed: string[] = [];
    try {
      await new Promise((r) => setTimeout(r, 500));
      // Inside the commit/event window first: the next commit of the message unit crashes it.
      const before = events.length;
      writeFileSync(trigger, '');
      await restartOf('message-service', before);
      killed.push('message-service (after commit, before publish)');
      // The same for a group post: stored with its event, the unit dies before publishing.
      const beforeGroup = events.length;
      writeFileSync(groupTrigger, '');
      await restartOf('group-service', beforeGroup);
      killed.push('group-service (after a post commit, before publish)');
      // Then every unit once, each at a random moment of a 5 s window (restarts overlap, as in
      // a real incident, and the test stays short).
      const since = events.length;
      await Promise.all(
        L.units.map(async (u) => {
          await new Promise((r) => setTimeout(r, Math.random() * 5000));
          process.kill(u.pid, 'SIGKILL');
          killed.push(u.name);
        }),
      );
      await Promise.all(L.units.map((u) => restartOf(u.name, since)));
      // Steady traffic again once everything is back (those sends must all succeed).
      await new Promise((r) => setTimeout(r, 2000));
    } finally {
      await Promise.all([t.stop(), gt.stop()]);
    }
    expect(events.filter((e) => e.kind === 'gave-up')).toEqual([]);
    for (const u of L.units) expect(u.state, u.name).toBe('up');

    // Messages: every acknowledged one stored exactly once (by id and by its unique content).
    const msgDb = L.databaseOf('messages');
    const rows = await sql<{ id: string; encrypted_content: string }>(msgDb, `SELECT id, encrypted_content FROM messages.messages WHERE sender_id = $1 AND encrypted_content LIKE 'chaos-%'`, [alice.id]);
    const byContent = new Map<string, number>();
    for (const r of rows) byContent.set(r.encrypted_content, (byContent.get(r.encrypted_content) ?? 0) + 1);
    const ids = new Set(rows.map((r) => r.id));
    const acked = [...t.acked.entries()];
    const lost = acked.filter(([, id]) => !ids.has(id)).length;
    const duplicates = [...byContent.values()].filter((n) => n > 1).length;

    // Events: message.sent of every stored message (acknowledged or not) reached relay,
    // notifications and realtime, once each.
    const stored = [...ids];
    const consumers = 3;
    const delivered = async () => {
      const relay = await sql<{ n: number }>(L.databaseOf('relay'), 'SELECT count(DISTINCT message_id)::int AS n FROM relay.relay_messages WHERE message_id = ANY($1::uuid[])', [stored]);
      const notes = await sql<{ n: number }>(L.databaseOf('notifications'), `SELECT count(DISTINCT payload->>'messageId')::int AS n FROM notifications.email_queue WHERE event = 'message.sent' AND payload->>'messageId' = ANY($1)`, [stored]);
      const rt = await sql<{ n: number }>(L.databases.events!, `SELECT count(DISTINCT payload->>'messageId')::int AS n FROM events.queue WHERE consumer = 'realtime.broadcast' AND done_at IS NOT NULL AND payload->>'messageId' = ANY($1)`, [stored]);
      return relay[0]!.n + notes[0]!.n + rt[0]!.n;
    };
    await waitFor(async () => (await delivered()) === stored.length * consumers, 60_000, 'every event delivered').catch(() => undefined);
    const got = await delivered();
    const notifDupes = await sql<{ n: number }>(
      L.databaseOf('notifications'),
      `SELECT count(*)::int AS n FROM (SELECT payload->>'messageId' FROM notifications.email_queue WHERE event = 'message.sent' AND payload->>'messageId' = ANY($1) GROUP BY 1 HAVING count(*) > 1) d`,
      [stored],
    );
    const { sent, refused } = t.counts();
    console.log(
      `[chaos] killed ${killed.length}: ${killed.join(', ')}; restarts ${events.filter((e) => e.kind === 'restarted').length}\n` +
        `[chaos] sent ${sent}, acknowledged ${acked.length}, refused while a unit was down ${refused}, stored ${stored.length} (unacknowledged but committed ${stored.length - acked.length})\n` +
        `[chaos] acknowledged ${acked.length}, found ${acked.length - lost}, lost ${lost}, duplicates ${duplicates}, events ${got}/${stored.length * consumers}`,
    );
    expect(acked.length).toBeGreaterThan(60); // 2 s at 50/s after the restarts, plus what got through before
    expect(lost).toBe(0);
    expect(duplicates).toBe(0);
    expect(notifDupes[0]!.n).toBe(0);
    expect(got).toBe(stored.length * consumers);
    // The fault hook fired inside the window: a message committed there was still published.
    expect(killed[0]).toContain('after commit');

    // Group posts: every acknowledged one stored once; its fan-out (deliver-group, then
    // group.message-posted to realtime and to notifications for bob) happened once.
    const posts = await sql<{ id: string; encrypted_content: string }>(L.databaseOf('groups'), `SELECT id, encrypted_content FROM groups.group_messages WHERE group_id = $1 AND encrypted_content LIKE 'gchaos-%'`, [groupId]);
    const postIds = new Set(posts.map((p) => p.id));
    const pAcked = [...gt.acked.values()];
    const pLost = pAcked.filter((id) => !postIds.has(id)).length;
    const pDupes = posts.length - new Set(posts.map((p) => p.encrypted_content)).size;
    const storedPosts = [...postIds];
    const fanned = async () => {
      const deliver = await sql<{ n: number }>(L.databases.events!, `SELECT count(DISTINCT payload->>'id')::int AS n FROM events.queue WHERE consumer = 'messages.deliver-group' AND done_at IS NOT NULL AND payload->>'id' = ANY($1)`, [storedPosts]);
      const rt = await sql<{ n: number }>(L.databases.events!, `SELECT count(DISTINCT payload->>'id')::int AS n FROM events.queue WHERE consumer = 'realtime.broadcast-group' AND done_at IS NOT NULL AND payload->>'id' = ANY($1)`, [storedPosts]);
      const notes = await sql<{ n: number }>(L.databaseOf('notifications'), `SELECT count(DISTINCT payload->>'messageId')::int AS n FROM notifications.email_queue WHERE event = 'group.message-posted' AND recipient = $2 AND payload->>'messageId' = ANY($1)`, [storedPosts, bob.id]);
      return deliver[0]!.n + rt[0]!.n + notes[0]!.n;
    };
    await waitFor(async () => (await fanned()) === storedPosts.length * 3, 60_000, 'every group post fanned out').catch(() => undefined);
    const pGot = await fanned();
    const pNoteDupes = await sql<{ n: number }>(
      L.databaseOf('notifications'),
      `SELECT count(*)::int AS n FROM (SELECT payload->>'messageId' FROM notifications.email_queue WHERE event = 'group.message-posted' AND payload->>'messageId' = ANY($1) GROUP BY 1 HAVING count(*) > 1) d`,
      [storedPosts],
    );
    const pRt = await sql<{ n: number }>(L.databases.events!, `SELECT count(*)::int AS n FROM events.queue WHERE consumer = 'realtime.broadcast-group' AND payload->>'id' = ANY($1)`, [storedPosts]);
    const g = gt.counts();
    console.log(
      `[chaos] group posts: sent ${g.sent}, acknowledged ${pAcked.length}, found ${pAcked.length - pLost}, lost ${pLost}, duplicates ${pDupes}, stored ${storedPosts.length}, fan-out ${pGot}/${storedPosts.length * 3} (deliver-group, realtime, notifications)`,
    );
    expect(pAcked.length).toBeGreaterThan(10);
    expect(pLost).toBe(0);
    expect(pDupes).toBe(0);
    expect(pGot).toBe(storedPosts.length * 3);
    expect(pNoteDupes[0]!.n).toBe(0);
    expect(pRt[0]!.n).toBe(storedPosts.length); // one group.message-posted per post, however often deliver-group ran
    expect(killed[1]).toContain('group-service (after a post commit');
  });
});
