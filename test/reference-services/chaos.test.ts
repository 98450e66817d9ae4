// Chaos: under a steady 50 sends/s, every unit of the microservices layout is killed with
// SIGKILL at a random moment, and the message unit also right inside the window between a
// message's commit and the publishing of its event (a test-only fault hook). Supervision
// restarts each unit by itself. Afterwards every acknowledged message is stored exactly once
// and every event of every stored message reached every consumer.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLayout, type RunningLayout, type UnitEvent } from '../../src/run/layout.js';
import { api, BLUEPRINT, newUser, profileReady, sql, waitFor, type Api, type User } from './helpers.js';

const trigger = join(tmpdir(), `archsim-chaos-${process.pid}-after-commit`);
const events: UnitEvent[] = [];
let L: RunningLayout;
let call: Api;
let alice: User, bob: User;

beforeAll(async () => {
  L = await startLayout(BLUEPRINT, 'microservices', {
    portOffset: 18200,
    logLevel: 'warn',
    supervise: { backoffMs: 100, onEvent: (e) => events.push(e) },
    faults: { 'message-service': `after-commit@${trigger}` },
  });
  call = api(L.gatewayUrl);
  [alice, bob] = await Promise.all([newUser(call, 'alice'), newUser(call, 'bob')]);
  await Promise.all([alice, bob].map((u) => profileReady(call, u)));
  for (const [a, b] of [[alice, bob], [bob, alice]] as const) expect((await call('POST', '/api/v1/contacts', { token: a.token, body: { contactId: b.id } })).status).toBe(201);
});
afterAll(async () => {
  await L?.stop();
});

/** 50 sends per second, each on its own (not waiting for the previous), each with a unique content. */
function traffic(perSecond = 50) {
  const acked = new Map<string, string>(); // content → id
  let sent = 0;
  let refused = 0;
  const inflight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    const content = `chaos-${sent++}`;
    const p = call('POST', '/api/v1/messages/send', { token: alice.token, body: { recipientId: bob.id, encryptedContent: content, encryptedSessionKey: 'k' } })
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
    const t = traffic(50);
    const killed: string[] = [];
    try {
      await new Promise((r) => setTimeout(r, 500));
      // Inside the commit/event window first: the next commit of the message unit crashes it.
      const before = events.length;
      writeFileSync(trigger, '');
      await restartOf('message-service', before);
      killed.push('message-service (after commit, before publish)');
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
      await t.stop();
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
  });
});
