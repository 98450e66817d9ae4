// Direct messages. Content is opaque: ciphertext and an encrypted session key the server
// stores and returns, never reads. Sending needs mutual contacts; attachments must be the
// sender's own (media grants the recipient read access). A message and its message.sent
// event commit in one transaction (outbox). A conversation still reads while media is down:
// its attachments are then listed by id, marked unavailable.
import type { DomainContext, EventEnvelope } from '../../runtime/context.js';
import { derivedEventId } from '../../runtime/events.js';
import { badRequest, forbidden, HttpError, notFound } from '../../runtime/errors.js';
import type { GroupMessage } from './client.js';

interface MessageRow extends Record<string, unknown> {
  id: string;
  sender_id: string;
  recipient_id: string;
  encrypted_content: string;
  encrypted_session_key: string;
  crypto_version: string;
  encryption_algorithm: string;
  media_ids: string[];
  is_read: boolean;
  read_at: Date | null;
  created_at: Date;
}

export interface SendInput {
  recipientId: string;
  encryptedContent: string;
  encryptedSessionKey: string;
  cryptoVersion?: string;
  encryptionAlgorithm?: string;
  mediaIds?: string[];
}

const view = (m: MessageRow) => ({
  id: m.id,
  senderId: m.sender_id,
  recipientId: m.recipient_id,
  encryptedContent: m.encrypted_content,
  encryptedSessionKey: m.encrypted_session_key,
  cryptoVersion: m.crypto_version,
  encryptionAlgorithm: m.encryption_algorithm,
  mediaIds: m.media_ids,
  isRead: m.is_read,
  readAt: m.read_at,
  createdAt: m.created_at,
});

export class MessagesService {
  constructor(private readonly ctx: DomainContext) {}

  async send(me: string, input: SendInput) {
    if (input.recipientId === me) throw badRequest('you cannot message yourself', ['recipientId']);
    if (!(await this.ctx.clients.users.checkContact(me, input.recipientId))) throw forbidden('recipient is not a mutual contact');
    const mediaIds = [...new Set(input.mediaIds ?? [])];
    if (mediaIds.length) {
      const own = await this.ctx.clients.media.resolve(mediaIds, { viewer: me, grantTo: input.recipientId });
      const mine = new Set(own.map((m) => m.id));
      const foreign = mediaIds.filter((id) => !mine.has(id));
      if (foreign.length) throw badRequest(`mediaIds: not attachments of yours: ${foreign.join(', ')}`, ['mediaIds']);
    }
    const v = await this.ctx.db.tx(async (q) => {
      const m = await q.one<MessageRow>(
        `INSERT INTO messages.messages (sender_id, recipient_id, encrypted_content, encrypted_session_key, crypto_version, encryption_algorithm, media_ids)
         VALUES ($1, $2, $3, $4, COALESCE($5, '1'), COALESCE($6, 'x25519-aes-256-gcm'), $7) RETURNING *`,
        [me, input.recipientId, input.encryptedContent, input.encryptedSessionKey, input.cryptoVersion ?? null, input.encryptionAlgorithm ?? null, mediaIds],
      );
      const v = view(m!);
      await this.ctx.emit(
        'message.sent',
        { messageId: v.id, senderId: me, recipientId: v.recipientId, createdAt: v.createdAt.toISOString(), encryptedContent: v.encryptedContent, encryptedSessionKey: v.encryptedSessionKey },
        q,
      );
      return v;
    });
    return v;
  }

  async conversation(me: string, other: string, limit: number, before?: string) {
    const rows = await this.ctx.db.query<MessageRow>(
      `SELECT * FROM messages.messages
       WHERE LEAST(sender_id, recipient_id) = LEAST($1::uuid, $2::uuid) AND GREATEST(sender_id, recipient_id) = GREATEST($1::uuid, $2::uuid)
         AND deleted_at IS NULL AND ($3::timestamptz IS NULL OR created_at < $3::timestamptz)
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [me, other, before ?? null, limit],
    );
    const mediaIds = [...new Set(rows.flatMap((r) => r.media_ids))];
    let media: Awaited<ReturnType<typeof this.ctx.clients.media.resolve>> | undefined = [];
    if (mediaIds.length) {
      try {
        media = await this.ctx.clients.media.resolve(mediaIds, { viewer: me });
      } catch (e) {
        // Degrade, do not fail: the page reads, its attachments are marked unavailable.
        if (!(e instanceof HttpError) || e.status < 500) throw e;
        this.ctx.log.warn({ err: e.message }, 'media unavailable: conversation served without attachment metadata');
        media = undefined;
      }
    }
    const byId = new Map((media ?? []).map((m) => [m.id, m]));
    return {
      messages: rows.map((r) => ({
        ...view(r),
        attachments: media ? r.media_ids.map((id) => byId.get(id)).filter(Boolean) : r.media_ids.map((id) => ({ id, unavailable: true })),
      })),
      ...(media ? {} : { attachmentsUnavailable: true }),
      nextBefore: rows.length === limit ? rows[rows.length - 1]!.created_at : null,
    };
  }

  async markRead(me: string, id: string) {
    const m = await this.own(me, id);
    if (m.recipient_id !== me) throw forbidden('only the recipient can mark a message read');
    const r = await this.ctx.db.one<MessageRow>('UPDATE messages.messages SET is_read = true, read_at = COALESCE(read_at, now()) WHERE id = $1 RETURNING *', [id]);
    return view(r!);
  }

  async delete(me: string, id: string) {
    const m = await this.own(me, id);
    if (m.sender_id !== me) throw forbidden('only the sender can delete a message');
    await this.ctx.db.query('UPDATE messages.messages SET deleted_at = now() WHERE id = $1', [id]);
  }

  /**
   * Consumer of group.message-stored: fans the post out (group.message-posted, through this
   * domain's outbox). The event id is derived from the cause's, so a redelivery emits nothing twice.
   */
  async deliverGroup(e: EventEnvelope) {
    const p = e.payload as unknown as GroupMessage & { memberIds: string[] };
    const message: GroupMessage = { id: p.id, groupId: p.groupId, senderId: p.senderId, createdAt: p.createdAt };
    const recipients = (p.memberIds ?? []).filter((u) => u !== p.senderId);
    await this.ctx.emit('group.message-posted', { ...message, recipientIds: recipients }, undefined, derivedEventId(e.id, 'group.message-posted'));
  }

  /** A message the caller is a party to; anyone else gets 404 (no existence leak). */
  private async own(me: string, id: string) {
    const m = await this.ctx.db.one<MessageRow>('SELECT * FROM messages.messages WHERE id = $1 AND deleted_at IS NULL', [id]);
    if (!m || (m.sender_id !== me && m.recipient_id !== me)) throw notFound('message');
    return m;
  }
}
