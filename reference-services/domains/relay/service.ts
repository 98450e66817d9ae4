// The offline queue: envelopes wait per recipient until acknowledged or expired (the TTL the
// seeds keep in Redis is a column here; expired rows are invisible at once and swept later).
import type { DomainContext, EventEnvelope } from '../../runtime/context.js';
import { forbidden, noSuchUser, notFound } from '../../runtime/errors.js';

interface RelayRow extends Record<string, unknown> {
  id: string;
  sender_id: string;
  recipient_id: string;
  message_id: string | null;
  payload: Record<string, unknown>;
  created_at: Date;
  expires_at: Date;
}

const view = (r: RelayRow) => ({ id: r.id, senderId: r.sender_id, recipientId: r.recipient_id, messageId: r.message_id, ...r.payload, createdAt: r.created_at, expiresAt: r.expires_at });

export class RelayService {
  private sweeper?: NodeJS.Timeout;
  constructor(private readonly ctx: DomainContext) {
    this.sweeper = setInterval(() => void this.sweep().catch(() => undefined), 60_000);
    this.sweeper.unref();
  }

  async queue(me: string, input: { recipientId: string; encryptedContent: string; encryptedSessionKey?: string; ttlSeconds?: number }) {
    // An envelope for nobody would wait out its TTL unread: refuse it, clearly.
    if (!(await this.ctx.clients.auth.userExists(input.recipientId))) throw noSuchUser('recipientId');
    const ttl = input.ttlSeconds ?? this.ctx.config.relayTtlSeconds;
    const r = await this.ctx.db.one<RelayRow>(
      `INSERT INTO relay.relay_messages (sender_id, recipient_id, payload, expires_at) VALUES ($1, $2, $3, clock_timestamp() + make_interval(secs => $4)) RETURNING *`,
      [me, input.recipientId, JSON.stringify({ encryptedContent: input.encryptedContent, encryptedSessionKey: input.encryptedSessionKey ?? null }), ttl],
    );
    return view(r!);
  }

  async pending(me: string, userId: string) {
    if (me !== userId) throw forbidden("you can only read your own relay queue");
    const rows = await this.ctx.db.query<RelayRow>(
      'SELECT * FROM relay.relay_messages WHERE recipient_id = $1 AND expires_at > clock_timestamp() ORDER BY created_at LIMIT 500',
      [me],
    );
    return { messages: rows.map(view) };
  }

  async ack(me: string, id: string) {
    const r = await this.ctx.db.one('DELETE FROM relay.relay_messages WHERE id = $1 AND recipient_id = $2 AND expires_at > clock_timestamp() RETURNING id', [id, me]);
    if (!r) throw notFound('relay message');
  }

  async enqueue(e: EventEnvelope) {
    const p = e.payload as { messageId: string; senderId: string; recipientId: string; encryptedContent: string; encryptedSessionKey: string };
    await this.ctx.db.query(
      `INSERT INTO relay.relay_messages (sender_id, recipient_id, message_id, payload, expires_at)
       VALUES ($1, $2, $3, $4, clock_timestamp() + make_interval(secs => $5)) ON CONFLICT (message_id) DO NOTHING`,
      [p.senderId, p.recipientId, p.messageId, JSON.stringify({ encryptedContent: p.encryptedContent, encryptedSessionKey: p.encryptedSessionKey }), this.ctx.config.relayTtlSeconds],
    );
  }

  async sweep() {
    await this.ctx.db.query('DELETE FROM relay.relay_messages WHERE expires_at <= clock_timestamp()');
  }

  close() {
    clearInterval(this.sweeper);
  }
}
