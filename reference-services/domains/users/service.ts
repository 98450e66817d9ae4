// Profiles, contacts and invitations. Profiles are created from auth's user.registered event,
// so this domain never reads auth's tables.
//
// Contacts are one-way entries ("I added you"); messaging and group adds need both ways
// (mutual contacts). Invitations go to unregistered addresses only, and the token goes to the
// invitee only (by the notification email), never back to the inviter; redeeming one creates
// a new account or fails, it never touches an existing one.
import { createHash, randomBytes } from 'node:crypto';
import type { DomainContext, EventEnvelope } from '../../runtime/context.js';
import { badRequest, forbidden, HttpError, notFound } from '../../runtime/errors.js';
import type { UsersClient } from './client.js';

interface Profile extends Record<string, unknown> {
  user_id: string;
  username: string;
  full_name: string | null;
  avatar_url: string | null;
  bio: string | null;
  online: boolean;
  last_seen: Date | null;
}

const emailHash = (email: string) => createHash('sha256').update(email.trim().toLowerCase()).digest('hex');

const view = (p: Profile) => ({ id: p.user_id, username: p.username, fullName: p.full_name, avatarUrl: p.avatar_url, bio: p.bio, online: p.online, lastSeen: p.last_seen });

export class UsersService implements UsersClient {
  constructor(private readonly ctx: DomainContext) {}

  async createProfile(e: EventEnvelope) {
    const { userId, username, email } = e.payload as { userId: string; username: string; email?: string };
    const hash = typeof email === 'string' ? emailHash(email) : null;
    await this.ctx.db.query(
      `INSERT INTO users.user_profiles (user_id, username, email_sha256) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET email_sha256 = COALESCE(users.user_profiles.email_sha256, EXCLUDED.email_sha256)`,
      [userId, username, hash],
    );
  }

  async search(q: string, limit: number) {
    // LIKE metacharacters in the user's text are escaped: a search for "a_b" means "a_b".
    const pattern = `${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await this.ctx.db.query<Profile>('SELECT * FROM users.user_profiles WHERE lower(username) LIKE $1 ORDER BY username LIMIT $2', [pattern, limit]);
    return { users: rows.map(view) };
  }

  async get(id: string) {
    const p = await this.ctx.db.one<Profile>('SELECT * FROM users.user_profiles WHERE user_id = $1', [id]);
    if (!p) throw notFound('user');
    return view(p);
  }

  async update(me: string, id: string, patch: { fullName?: string; bio?: string; avatarUrl?: string }) {
    if (me !== id) throw forbidden('you can only update your own profile');
    const p = await this.ctx.db.one<Profile>(
      `UPDATE users.user_profiles SET full_name = COALESCE($2, full_name), bio = COALESCE($3, bio), avatar_url = COALESCE($4, avatar_url), updated_at = now()
       WHERE user_id = $1 RETURNING *`,
      [id, patch.fullName ?? null, patch.bio ?? null, patch.avatarUrl ?? null],
    );
    if (!p) throw notFound('user');
    return view(p);
  }

  async listContacts(me: string) {
    const rows = await this.ctx.db.query<Profile & { since: Date }>(
      `SELECT p.*, c.created_at AS since FROM users.contacts c JOIN users.user_profiles p ON p.user_id = c.contact_user_id
       WHERE c.user_id = $1 ORDER BY p.username`,
      [me],
    );
    return { contacts: rows.map((r) => ({ ...view(r), since: r.since })) };
  }

  async addContact(me: string, contactId: string) {
    if (me === contactId) throw badRequest('you cannot add yourself as a contact', ['contactId']);
    const p = await this.ctx.db.one<Profile>('SELECT * FROM users.user_profiles WHERE user_id = $1', [contactId]);
    if (!p) throw notFound('user');
    await this.ctx.db.query('INSERT INTO users.contacts (user_id, contact_user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [me, contactId]);
    return view(p);
  }

  async sendInvitation(me: string, email: string) {
    const address = email.toLowerCase();
    // The same answer whether or not the address has an account (no account lookup by email),
    // but a registered address gets no invitation and no email.
    const registered = await this.ctx.db.one('SELECT 1 FROM users.user_profiles WHERE email_sha256 = $1 LIMIT 1', [emailHash(address)]);
    const expiresAt = new Date(Date.now() + 7 * 86400_000);
    if (!registered) {
      const token = randomBytes(24).toString('base64url');
      await this.ctx.db.tx(async (q) => {
        const inv = await q.one<{ id: string }>(
          `INSERT INTO users.invitations (inviter_id, invitee_email, token, expires_at) VALUES ($1, $2, $3, $4) RETURNING id`,
          [me, address, token, expiresAt],
        );
        // The token travels to the invitee only, in the invitation email.
        await this.ctx.emit('invitation.sent', { invitationId: inv!.id, inviterId: me, email: address, token }, q);
      });
    }
    return { email: address, status: 'sent', expiresAt };
  }

  async verifyInvitation(token: string) {
    const inv = await this.ctx.db.one<{ id: string; invitee_email: string; inviter_id: string; status: string; expired: boolean }>(
      'SELECT id, invitee_email, inviter_id, status, expires_at <= now() AS expired FROM users.invitations WHERE token = $1',
      [token],
    );
    if (!inv) throw notFound('invitation');
    if (inv.status !== 'pending' || inv.expired) throw new HttpError(410, 'gone', `invitation is ${inv.expired ? 'expired' : inv.status}`);
    // Claim the invitation first: two concurrent redemptions cannot both create an account.
    const claimed = await this.ctx.db.one(`UPDATE users.invitations SET status = 'redeeming' WHERE id = $1 AND status = 'pending' RETURNING id`, [inv.id]);
    if (!claimed) throw new HttpError(410, 'gone', 'invitation is already used');
    let user: { id: string; username: string };
    try {
      user = await this.ctx.clients.auth.createUser({ email: inv.invitee_email });
    } catch (e) {
      // An address that has an account meanwhile: the invitation is void, the account untouched.
      const status = e instanceof HttpError && e.status === 409 ? 'void' : 'pending';
      await this.ctx.db.query('UPDATE users.invitations SET status = $2 WHERE id = $1', [inv.id, status]);
      if (status === 'void') throw new HttpError(409, 'conflict', 'this address already has an account; the invitation is void');
      throw e;
    }
    await this.ctx.db.tx(async (q) => {
      await q.query(`UPDATE users.invitations SET status = 'accepted', accepted_user_id = $2 WHERE id = $1`, [inv.id, user.id]);
      await q.query('INSERT INTO users.user_profiles (user_id, username, email_sha256) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [user.id, user.username, emailHash(inv.invitee_email)]);
      // The inviter and the new user become each other's contacts.
      await q.query('INSERT INTO users.contacts (user_id, contact_user_id) VALUES ($1, $2), ($2, $1) ON CONFLICT DO NOTHING', [inv.inviter_id, user.id]);
    });
    return { userId: user.id, username: user.username, inviterId: inv.inviter_id };
  }

  async checkContact(a: string, b: string) {
    // Mutual: both entries must exist (C adding A on its own does not let C message A).
    const r = await this.ctx.db.one<{ n: number }>(
      'SELECT count(*)::int AS n FROM users.contacts WHERE (user_id = $1 AND contact_user_id = $2) OR (user_id = $2 AND contact_user_id = $1)',
      [a, b],
    );
    return r?.n === 2;
  }

  async setPresence(userId: string, online: boolean) {
    await this.ctx.db.query('UPDATE users.user_profiles SET online = $2, last_seen = now() WHERE user_id = $1', [userId, online]);
  }
}
