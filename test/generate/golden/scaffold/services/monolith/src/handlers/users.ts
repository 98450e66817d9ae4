// Handlers of the users domain: Profiles, search, contacts and invitations (seed 001 User Service).
// Tables owned: user_profiles, contacts, invitations. Each handler answers 501 until implemented.
import type { FastifyReply, FastifyRequest } from 'fastify';

function notImplemented(reply: FastifyReply, operation: string) {
  return reply.code(501).send({ error: 'Not Implemented', operation });
}

export type VerifyInvitationRequest = FastifyRequest<{ Params: { token: string }; Body: undefined }>;

/** users.verify-invitation. GET /api/v1/invitations/verify/{token}: cpu ≈0.5 ms; db 1 read(s), 1 write(s); calls auth.create-user. */
export async function handleVerifyInvitation(_req: VerifyInvitationRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement users.verify-invitation.
  return notImplemented(reply, "users.verify-invitation");
}

export type SendInvitationRequest = FastifyRequest<{ Params: Record<string, never>; Body: Record<string, unknown> }>;

/** users.send-invitation. POST /api/v1/invitations/send: cpu ≈0.8 ms; db 0 read(s), 1 write(s); calls auth.verify-token; emits invitation.sent. */
export async function handleSendInvitation(_req: SendInvitationRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement users.send-invitation.
  return notImplemented(reply, "users.send-invitation");
}

export type SearchRequest = FastifyRequest<{ Params: Record<string, never>; Body: undefined }>;

/** users.search. GET /api/v1/users/search: cpu ≈1 ms; db 2 read(s), 0 write(s); calls auth.verify-token. */
export async function handleSearch(_req: SearchRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement users.search.
  return notImplemented(reply, "users.search");
}

export type GetRequest = FastifyRequest<{ Params: { id: string }; Body: undefined }>;

/** users.get. GET /api/v1/users/{id}: cpu ≈0.4 ms; db 1 read(s), 0 write(s); calls auth.verify-token. */
export async function handleGet(_req: GetRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement users.get.
  return notImplemented(reply, "users.get");
}

export type UpdateRequest = FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown> }>;

/** users.update. PUT /api/v1/users/{id}: cpu ≈0.6 ms; db 0 read(s), 1 write(s); calls auth.verify-token. */
export async function handleUpdate(_req: UpdateRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement users.update.
  return notImplemented(reply, "users.update");
}

export type ListContactsRequest = FastifyRequest<{ Params: Record<string, never>; Body: undefined }>;

/** users.list-contacts. GET /api/v1/contacts: cpu ≈0.6 ms; db 1 read(s), 0 write(s); calls auth.verify-token. */
export async function handleListContacts(_req: ListContactsRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement users.list-contacts.
  return notImplemented(reply, "users.list-contacts");
}

export type AddContactRequest = FastifyRequest<{ Params: Record<string, never>; Body: Record<string, unknown> }>;

/** users.add-contact. POST /api/v1/contacts: cpu ≈0.6 ms; db 1 read(s), 1 write(s); calls auth.verify-token. */
export async function handleAddContact(_req: AddContactRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement users.add-contact.
  return notImplemented(reply, "users.add-contact");
}
