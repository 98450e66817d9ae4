// Handlers of the groups domain: Groups, members and group messages.
// Tables owned: groups, group_members, group_messages. Each handler answers 501 until implemented.
import type { FastifyReply, FastifyRequest } from 'fastify';

function notImplemented(reply: FastifyReply, operation: string) {
  return reply.code(501).send({ error: 'Not Implemented', operation });
}

export type PostMessageRequest = FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown> }>;

/** groups.post-message. POST /api/v1/groups/{id}/messages: cpu ≈0.8 ms; db 1 read(s), 1 write(s); calls auth.verify-token; emits group.message-stored. */
export async function handlePostMessage(_req: PostMessageRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement groups.post-message.
  return notImplemented(reply, "groups.post-message");
}

export type AddMemberRequest = FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown> }>;

/** groups.add-member. POST /api/v1/groups/{id}/members: cpu ≈0.5 ms; db 1 read(s), 1 write(s); calls auth.verify-token, users.check-contact. */
export async function handleAddMember(_req: AddMemberRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement groups.add-member.
  return notImplemented(reply, "groups.add-member");
}

export type DeleteRequest = FastifyRequest<{ Params: { id: string }; Body: undefined }>;

/** groups.delete. DELETE /api/v1/groups/{id}: cpu ≈0.5 ms; db 1 read(s), 3 write(s); calls auth.verify-token. */
export async function handleDelete(_req: DeleteRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement groups.delete.
  return notImplemented(reply, "groups.delete");
}

export type GetRequest = FastifyRequest<{ Params: { id: string }; Body: undefined }>;

/** groups.get. GET /api/v1/groups/{id}: cpu ≈0.5 ms; db 2 read(s), 0 write(s); calls auth.verify-token. */
export async function handleGet(_req: GetRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement groups.get.
  return notImplemented(reply, "groups.get");
}

export type ListRequest = FastifyRequest<{ Params: Record<string, never>; Body: undefined }>;

/** groups.list. GET /api/v1/groups: cpu ≈0.6 ms; db 1 read(s), 0 write(s); calls auth.verify-token. */
export async function handleList(_req: ListRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement groups.list.
  return notImplemented(reply, "groups.list");
}

export type CreateRequest = FastifyRequest<{ Params: Record<string, never>; Body: Record<string, unknown> }>;

/** groups.create. POST /api/v1/groups: cpu ≈0.8 ms; db 0 read(s), 2 write(s); calls auth.verify-token. */
export async function handleCreate(_req: CreateRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement groups.create.
  return notImplemented(reply, "groups.create");
}
