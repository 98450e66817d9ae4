// Groups, their members and their messages. Posting stores the message here and hands the
// fan-out to the messages domain (seed 001: "Auth + Group + Message services") through the
// outbox: the post and its group.message-stored event (with the members at that moment) commit
// in one transaction, so a crash after the commit can delay the fan-out, never lose it.
import type { DomainContext } from '../../runtime/context.js';
import { badRequest, forbidden, notFound } from '../../runtime/errors.js';
import type { GroupsClient } from './client.js';

interface GroupRow extends Record<string, unknown> {
  id: string;
  name: string;
  description: string | null;
  creator_id: string;
  created_at: Date;
  role?: string;
}

const view = (g: GroupRow) => ({ id: g.id, name: g.name, description: g.description, creatorId: g.creator_id, createdAt: g.created_at, ...(g.role ? { role: g.role } : {}) });

export class GroupsService implements GroupsClient {
  constructor(private readonly ctx: DomainContext) {}

  async create(me: string, input: { name: string; description?: string; memberIds?: string[] }) {
    const others = [...new Set(input.memberIds ?? [])].filter((u) => u !== me);
    for (const u of others) if (!(await this.ctx.clients.users.checkContact(me, u))) throw forbidden(`user ${u} is not a contact`);
    const g = await this.ctx.db.tx(async (q) => {
      const g = await q.one<GroupRow>('INSERT INTO groups.groups (name, description, creator_id) VALUES ($1, $2, $3) RETURNING *', [input.name, input.description ?? null, me]);
      await q.query(`INSERT INTO groups.group_members (group_id, user_id, role) VALUES ($1, $2, 'owner')`, [g!.id, me]);
      if (others.length) await q.query(`INSERT INTO groups.group_members (group_id, user_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`, [g!.id, others]);
      return g!;
    });
    return { ...view(g), role: 'owner', memberIds: [me, ...others] };
  }

  async listMine(me: string) {
    const rows = await this.ctx.db.query<GroupRow>(
      'SELECT g.*, m.role FROM groups.groups g JOIN groups.group_members m ON m.group_id = g.id WHERE m.user_id = $1 ORDER BY g.created_at DESC',
      [me],
    );
    return { groups: rows.map(view) };
  }

  async get(me: string, id: string) {
    const g = await this.membership(me, id);
    const members = await this.ctx.db.query<{ user_id: string; role: string; joined_at: Date }>(
      'SELECT user_id, role, joined_at FROM groups.group_members WHERE group_id = $1 ORDER BY joined_at',
      [id],
    );
    return { ...view(g), members: members.map((m) => ({ userId: m.user_id, role: m.role, joinedAt: m.joined_at })) };
  }

  async addMember(me: string, id: string, userId: string) {
    const g = await this.membership(me, id);
    if (g.role !== 'owner' && g.role !== 'admin') throw forbidden('only the group owner can add members');
    if (userId === me) throw badRequest('you are already a member', ['userId']);
    if (!(await this.ctx.clients.users.checkContact(me, userId))) throw forbidden('user is not a contact');
    await this.ctx.db.query('INSERT INTO groups.group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [id, userId]);
    return { groupId: id, userId, role: 'member' };
  }

  async post(me: string, id: string, input: { encryptedContent: string; encryptedSessionKeys?: Record<string, string> }) {
    await this.membership(me, id);
    const { message, recipients } = await this.ctx.db.tx(async (q) => {
      const m = await q.one<{ id: string; created_at: Date }>(
        'INSERT INTO groups.group_messages (group_id, sender_id, encrypted_content, encrypted_session_keys) VALUES ($1, $2, $3, $4) RETURNING id, created_at',
        [id, me, input.encryptedContent, JSON.stringify(input.encryptedSessionKeys ?? {})],
      );
      const members = (await q.query<{ user_id: string }>('SELECT user_id FROM groups.group_members WHERE group_id = $1', [id])).map((r) => r.user_id);
      const message = { id: m!.id, groupId: id, senderId: me, createdAt: m!.created_at.toISOString() };
      await this.ctx.emit('group.message-stored', { ...message, memberIds: members }, q);
      return { message, recipients: members.filter((u) => u !== me).length };
    });
    return { ...message, encryptedContent: input.encryptedContent, recipients };
  }

  async delete(me: string, id: string) {
    const g = await this.membership(me, id);
    if (g.role !== 'owner') throw forbidden('only the group owner can delete the group');
    // Members and messages go with the group (ON DELETE CASCADE).
    await this.ctx.db.query('DELETE FROM groups.groups WHERE id = $1', [id]);
  }

  async listMembers(groupId: string) {
    return (await this.ctx.db.query<{ user_id: string }>('SELECT user_id FROM groups.group_members WHERE group_id = $1', [groupId])).map((r) => r.user_id);
  }

  /** The group with the caller's role; non-members get 404, as if it did not exist. */
  private async membership(me: string, id: string) {
    const g = await this.ctx.db.one<GroupRow>(
      'SELECT g.*, m.role FROM groups.groups g JOIN groups.group_members m ON m.group_id = g.id AND m.user_id = $2 WHERE g.id = $1',
      [id, me],
    );
    if (!g) throw notFound('group');
    return g;
  }
}
