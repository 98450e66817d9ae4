// Handlers of the realtime domain: WebSocket connections, presence and broadcasting (seed 001 WebSocket Service).
// Tables owned: websocket_connections. Each handler answers 501 until implemented.
import type { FastifyReply, FastifyRequest } from 'fastify';

function notImplemented(reply: FastifyReply, operation: string) {
  return reply.code(501).send({ error: 'Not Implemented', operation });
}

export type ConnectRequest = FastifyRequest<{ Params: Record<string, never>; Body: undefined }>;

/** realtime.connect. WS /ws: cpu ≈0.5 ms; db 0 read(s), 1 write(s); calls auth.verify-token, users.set-presence. */
export async function handleConnect(_req: ConnectRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement realtime.connect (a WebSocket endpoint: add @fastify/websocket and upgrade here).
  return notImplemented(reply, "realtime.connect");
}
