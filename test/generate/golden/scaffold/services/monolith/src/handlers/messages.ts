// Handlers of the messages domain: Direct messages; content is ciphertext plus an encrypted session key (the server never decrypts).
// Tables owned: messages. Each handler answers 501 until implemented.
import type { FastifyReply, FastifyRequest } from 'fastify';

function notImplemented(reply: FastifyReply, operation: string) {
  return reply.code(501).send({ error: 'Not Implemented', operation });
}

export type ConversationRequest = FastifyRequest<{ Params: { userId: string }; Body: undefined }>;

/** messages.conversation. GET /api/v1/messages/conversation/{userId}: cpu ≈1.2 ms; db 2 read(s), 0 write(s); calls auth.verify-token, media.resolve. */
export async function handleConversation(_req: ConversationRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement messages.conversation.
  return notImplemented(reply, "messages.conversation");
}

export type MarkReadRequest = FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown> }>;

/** messages.mark-read. PUT /api/v1/messages/{id}/read: cpu ≈0.3 ms; db 1 read(s), 1 write(s); calls auth.verify-token. */
export async function handleMarkRead(_req: MarkReadRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement messages.mark-read.
  return notImplemented(reply, "messages.mark-read");
}

export type SendRequest = FastifyRequest<{ Params: Record<string, never>; Body: Record<string, unknown> }>;

/** messages.send. POST /api/v1/messages/send: cpu ≈0.8 ms; db 1 read(s), 1 write(s); calls auth.verify-token, users.check-contact; emits message.sent. */
export async function handleSend(_req: SendRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement messages.send.
  return notImplemented(reply, "messages.send");
}

export type DeleteRequest = FastifyRequest<{ Params: { id: string }; Body: undefined }>;

/** messages.delete. DELETE /api/v1/messages/{id}: cpu ≈0.3 ms; db 1 read(s), 1 write(s); calls auth.verify-token. */
export async function handleDelete(_req: DeleteRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement messages.delete.
  return notImplemented(reply, "messages.delete");
}
