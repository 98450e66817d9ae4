// Handlers of the notifications domain: Email and push notifications, queued (seed 004 Notification Service).
// Tables owned: email_queue. Each handler answers 501 until implemented.
import type { FastifyReply, FastifyRequest } from 'fastify';

function notImplemented(reply: FastifyReply, operation: string) {
  return reply.code(501).send({ error: 'Not Implemented', operation });
}

export type EmailRequest = FastifyRequest<{ Params: Record<string, never>; Body: Record<string, unknown> }>;

/** notifications.email. POST /api/v1/notifications/email: cpu ≈0.4 ms; db 0 read(s), 1 write(s); calls auth.verify-token, auth.user-exists. */
export async function handleEmail(_req: EmailRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement notifications.email.
  return notImplemented(reply, "notifications.email");
}

export type PushRequest = FastifyRequest<{ Params: Record<string, never>; Body: Record<string, unknown> }>;

/** notifications.push. POST /api/v1/notifications/push: cpu ≈0.4 ms; db 0 read(s), 1 write(s); calls auth.verify-token, auth.user-exists. */
export async function handlePush(_req: PushRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement notifications.push.
  return notImplemented(reply, "notifications.push");
}
