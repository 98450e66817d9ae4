// Notifications are recorded, then "delivered" by the configured sender. A real email/push
// provider is out of scope: the built-in sender writes a log line (no address, no content),
// and the attempt and its outcome are recorded on the row either way.
//
// Not a relay: notifications come from the system (domain events), and the two API routes
// only reach the caller's own account (its registered address, its own devices), which must
// exist (auth.user-exists, a call the blueprint declares).
import type { DomainContext, EventEnvelope } from '../../runtime/context.js';
import { conflict, forbidden, noSuchUser } from '../../runtime/errors.js';

interface Note {
  channel: 'email' | 'push';
  recipient: string;
  subject: string;
  payload: Record<string, unknown>;
}

function notesFor(e: EventEnvelope): Note[] {
  const p = e.payload as Record<string, unknown>;
  switch (e.event) {
    case 'message.sent':
      return [{ channel: 'push', recipient: String(p.recipientId), subject: 'New message', payload: { messageId: p.messageId, senderId: p.senderId } }];
    case 'group.message-posted':
      return ((p.recipientIds as string[] | undefined) ?? []).map((r) => ({ channel: 'push' as const, recipient: r, subject: 'New group message', payload: { groupId: p.groupId, messageId: p.id } }));
    case 'user.registered':
      return [{ channel: 'email', recipient: String(p.email), subject: 'Welcome to QuantChat', payload: { userId: p.userId, username: p.username } }];
    case 'invitation.sent':
      return [{ channel: 'email', recipient: String(p.email), subject: 'You are invited to QuantChat', payload: { invitationId: p.invitationId, inviterId: p.inviterId, token: p.token } }];
    default:
      return [];
  }
}

export class NotificationsService {
  constructor(private readonly ctx: DomainContext) {}

  async notify(e: EventEnvelope) {
    if (e.event === 'user.registered') {
      const p = e.payload as { userId: string; email: string };
      await this.ctx.db.query('INSERT INTO notifications.addresses (user_id, email) VALUES ($1, lower($2)) ON CONFLICT (user_id) DO NOTHING', [p.userId, p.email]);
    }
    for (const n of notesFor(e)) {
      const row = await this.ctx.db.one<{ id: string }>(
        `INSERT INTO notifications.email_queue (event_id, event, channel, recipient, subject, payload) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (event_id, channel, recipient) DO NOTHING RETURNING id`,
        [e.id, e.event, n.channel, n.recipient, n.subject, JSON.stringify(n.payload)],
      );
      if (row) await this.deliver(row.id, n);
    }
  }

  /** A test email to the caller's own registered address (`to`, if given, must be that address). */
  async emailSelf(me: string, input: { to?: string; subject: string; body: string }) {
    // A still-valid token of an account that is gone (deactivated) reaches no one.
    if (!(await this.ctx.clients.auth.userExists(me))) throw noSuchUser('to');
    const a = await this.ctx.db.one<{ email: string }>('SELECT email FROM notifications.addresses WHERE user_id = $1', [me]);
    if (!a) throw conflict('no address on record for your account yet');
    if (input.to !== undefined && input.to.toLowerCase() !== a.email) throw forbidden('notifications go to your own address only');
    return this.request(me, { channel: 'email', recipient: a.email, subject: input.subject, payload: { body: input.body } });
  }

  /** A push to the caller's own devices. */
  async pushSelf(me: string, input: { userId: string; title: string; body?: string }) {
    // The target must be an account (the auth domain knows), and then it must be yours.
    if (!(await this.ctx.clients.auth.userExists(input.userId))) throw noSuchUser('userId');
    if (input.userId !== me) throw forbidden('push notifications go to your own devices only');
    return this.request(me, { channel: 'push', recipient: me, subject: input.title, payload: { body: input.body ?? '' } });
  }

  private async request(me: string, n: Note) {
    const row = await this.ctx.db.one<{ id: string }>(
      `INSERT INTO notifications.email_queue (event, channel, recipient, subject, payload, requested_by) VALUES ('api', $1, $2, $3, $4, $5) RETURNING id`,
      [n.channel, n.recipient, n.subject, JSON.stringify(n.payload), me],
    );
    const outcome = await this.deliver(row!.id, n);
    return { id: Number(row!.id), channel: n.channel, status: outcome.status, outcome: outcome.outcome };
  }

  private async deliver(id: string, n: Note) {
    let status = 'sent';
    let outcome = 'logged: no external sender configured';
    try {
      this.ctx.log.info({ notification: id, channel: n.channel }, 'notification');
    } catch (e) {
      status = 'failed';
      outcome = (e as Error).message;
    }
    await this.ctx.db.query(
      'UPDATE notifications.email_queue SET status = $2, outcome = $3, attempts = attempts + 1, last_attempt_at = now() WHERE id = $1',
      [id, status, outcome],
    );
    return { status, outcome };
  }
}
