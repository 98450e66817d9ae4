// Handlers of the relay domain: Offline queue per recipient, with TTL expiry (seed 004 phase 1, the first extraction).
// Tables owned: relay_messages. Each handler answers 501 until implemented.
import type { FastifyReply, FastifyRequest } from 'fastify';

function notImplemented(reply: FastifyReply, operation: string) {
  return reply.code(501).send({ error: 'Not Implemented', operation });
}

export type PendingRequest = FastifyRequest<{ Params: { userId: string }; Body: undefined }>;

/** relay.pending. GET /api/v1/relay/pending/{userId}: cpu ≈0.4 ms; db 1 read(s), 0 write(s); calls auth.verify-token. */
export async function handlePending(_req: PendingRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement relay.pending.
  return notImplemented(reply, "relay.pending");
}

export type QueueRequest = FastifyRequest<{ Params: Record<string, never>; Body: Record<string, unknown> }>;

/** relay.queue. POST /api/v1/relay/queue: cpu ≈0.3 ms; db 0 read(s), 1 write(s); calls auth.verify-token, auth.user-exists. */
export async function handleQueue(_req: QueueRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement relay.queue.
  return notImplemented(reply, "relay.queue");
}

export type AckRequest = FastifyRequest<{ Params: { messageId: string }; Body: undefined }>;

/** relay.ack. DELETE /api/v1/relay/{messageId}: cpu ≈0.2 ms; db 0 read(s), 1 write(s); calls auth.verify-token. */
export async function handleAck(_req: AckRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement relay.ack.
  return notImplemented(reply, "relay.ack");
}
