// Fault isolation in the microservices layout, with real processes stopped and restarted
// under steady traffic.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLayout, type RunningLayout } from '../../reference-services/launcher/layout.js';
import { api, BLUEPRINT, newUser, profileReady, sql, waitFor, type Api, type User } from './helpers.js';

let L: RunningLayout;
let call: Api;
let alice: User, bob: User;

beforeAll(async () => {
  L = await startLayout(BLUEPRINT, 'microservices', { portOffset: 17300, logLevel: 'warn' });
  call = api(L.gatewayUrl);
  [alice, bob] = await Promise.all([newUser(call, 'alice'), newUser(call, 'bob')]);
  await Promise.all([alice, bob].map((u) => profileReady(call, u)));
  expect((await call('POST', '/api/v1/contacts', { token: alice.token, body: { contactId: bob.id } })).status).toBe(201);
  expect((await call('POST', '/api/v1/contacts', { token: bob.token, body: { contactId: alice.id } })).status).toBe(201);
});
afterAll(async () => {
  await L?.stop();
});

/** Alice sends to Bob every few ms until stopped; every 201 is an acknowledged message. */
function traffic(everyMs = 15) {
  const acked: string[] = [];
  const failures: { status: number; body: unknown }[] = [];
  let running = true;
  const done = (async () => {
    let i = 0;
    while (running) {
      const r = await call('POST', '/api/v1/messages/send', { token: alice.token, body: { recipientId: bob.id, encryptedContent: `t-${i++}`, encryptedSessionKey: 'k' } });
      if (r.status === 201) acked.push(r.body.id);
      else failures.push({ status: r.status, body: r.body });
      await new Promise((res) => setTimeout(res, everyMs));
    }
  })();
  return {
    acked,
    failures,
    async stop() {
      running = false;
      await done;
    },
  };
}

async function conversationIds(): Promise<Set<string>> {
  const ids = new Set<string>();
  let before: string | null = null;
  for (;;) {
    const q: string = before ? `&before=${encodeURIComponent(before)}` : '';
    const page = await call('GET', `/api/v1/messages/conversation/${alice.id}?limit=100${q}`, { token: bob.token });
    expect(page.status).toBe(200);
    for (const m of page.body.messages) ids.add(m.id);
    if (!page.body.nextBefore) return ids;
    before = page.body.nextBefore;
  }
}

describe('fault isolation (microservices)', () => {
  it('media down: messaging keeps working, media calls fail fast with 503, a conversation with attachments still reads (marked unavailable), and it serves again after restart', async () => {
    const file = await call('POST', '/api/v1/media/upload', { token: alice.token, raw: new Uint8Array([1, 2, 3]), headers: { 'x-file-name': 'a.bin' } });
    expect(file.status).toBe(201);
    expect((await call('POST', '/api/v1/messages/send', { token: alice.token, body: { recipientId: bob.id, encryptedContent: 'with-attachment', encryptedSessionKey: 'k', mediaIds: [file.body.id] } })).status).toBe(201);
    const t = traffic();
    await new Promise((r) => setTimeout(r, 300));
    await L.stopUnit('media-service');
    const before = t.acked.length;
    const slowest: number[] = [];
    for (let i = 0; i < 5; i++) {
      const up = await call('POST', '/api/v1/media/upload', { token: alice.token, raw: new Uint8Array(1024) });
      expect(up.status).toBe(503);
      slowest.push(up.ms);
      const dl = await call('GET', '/api/v1/media/00000000-0000-4000-8000-000000000000', { token: alice.token });
      expect(dl.status).toBe(503);
      slowest.push(dl.ms);
    }
    expect(Math.max(...slowest)).toBeLessThan(1000);
    // Sends keep working; a page that holds an attachment still reads, its attachment marked unavailable.
    await waitFor(async () => t.acked.length > before + 5, 10_000, 'sends while media is down');
    expect((await call('GET', `/api/v1/messages/conversation/${alice.id}?limit=5`, { token: bob.token })).status).toBe(200);
    const page = await call('GET', `/api/v1/messages/conversation/${alice.id}?limit=100`, { token: bob.token });
    expect(page.status).toBe(200);
    expect(page.body.attachmentsUnavailable).toBe(true);
    const withFile = page.body.messages.find((m: { encryptedContent: string }) => m.encryptedContent === 'with-attachment');
    expect(withFile.attachments).toEqual([{ id: file.body.id, unavailable: true }]);

    await L.startUnit('media-service');
    const up = await call('POST', '/api/v1/media/upload', { token: alice.token, raw: new Uint8Array([9, 8, 7]) });
    expect(up.status).toBe(201);
    await t.stop();
    expect(t.failures).toEqual([]);
  });

  it('a stopping unit drains: an upload in flight completes, new requests get 503', async () => {
    const chunks = 6;
    let sent = 0;
    const stream = new ReadableStream({
      async pull(c) {
        if (sent === chunks) return c.close();
        await new Promise((r) => setTimeout(r, 150));
        c.enqueue(new Uint8Array(16 * 1024).fill(sent++));
      },
    });
    const upload = fetch(`${L.gatewayUrl}/api/v1/media/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/octet-stream' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await waitFor(async () => sent >= 2, 5000, 'upload under way');
    const stopping = L.stopUnit('media-service'); // SIGTERM while the upload streams
    const r = await upload;
    expect(r.status).toBe(201);
    expect(((await r.json()) as { size: number }).size).toBe(chunks * 16 * 1024);
    await stopping;
    expect((await call('GET', '/api/v1/media/00000000-0000-4000-8000-000000000000', { token: alice.token })).status).toBe(503);
    await L.startUnit('media-service');
  });

  it('realtime and notifications down: every event reaches them after restart, no acknowledged message is lost', async () => {
    const notifDb = L.databaseOf('notifications');
    const t = traffic();
    await new Promise((r) => setTimeout(r, 300));
    await Promise.all([L.stopUnit('notification-service'), L.stopUnit('websocket-service')]);
    const whileDown = t.acked.length;
    // sends go on while the consumers are down
    await waitFor(async () => t.acked.length > whileDown + 20, 15_000, 'sends while consumers are down');
    await Promise.all([L.startUnit('notification-service'), L.startUnit('websocket-service')]);
    await new Promise((r) => setTimeout(r, 300));
    await t.stop();
    expect(t.failures).toEqual([]);
    const acked = [...t.acked];

    // Every message.sent reached notifications (one push row per message, attempt recorded)...
    await waitFor(
      async () => (await sql(notifDb, `SELECT count(*)::int AS n FROM notifications.email_queue WHERE event = 'message.sent' AND payload->>'messageId' = ANY($1)`, [acked]))[0]!.n === acked.length,
      30_000,
      'all notifications',
    );
    const notes = await sql(notifDb, `SELECT count(*)::int AS n FROM notifications.email_queue WHERE event = 'message.sent' AND payload->>'messageId' = ANY($1) AND attempts = 1 AND status = 'sent'`, [acked]);
    expect(notes[0]!.n).toBe(acked.length);
    // ...and realtime (the queue rows of realtime.broadcast, acknowledged by the consumer).
    await waitFor(
      async () =>
        (await sql(L.databases.events!, `SELECT count(*)::int AS n FROM events.queue WHERE consumer = 'realtime.broadcast' AND done_at IS NOT NULL AND payload->>'messageId' = ANY($1)`, [acked]))[0]!.n === acked.length,
      30_000,
      'all realtime deliveries',
    );
    const pending = await sql(L.databases.events!, `SELECT count(*)::int AS n FROM events.queue WHERE done_at IS NULL`);
    expect(pending[0]!.n).toBe(0);

    const ids = await conversationIds();
    const missing = acked.filter((id) => !ids.has(id));
    expect(missing).toEqual([]);
  });
});
