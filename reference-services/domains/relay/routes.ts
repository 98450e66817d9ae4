import type { FastifyInstance } from 'fastify';
import { principal, uuid, type DomainContext } from '../../runtime/context.js';
import type { RelayService } from './service.js';

export const routes = (s: RelayService, ctx: DomainContext) => async (app: FastifyInstance) => {
  const auth = { onRequest: ctx.authenticate };
  app.post<{ Body: { recipientId: string; encryptedContent: string; encryptedSessionKey?: string; ttlSeconds?: number } }>(
    '/api/v1/relay/queue',
    {
      ...auth,
      schema: {
        body: {
          type: 'object',
          required: ['recipientId', 'encryptedContent'],
          properties: {
            recipientId: uuid,
            encryptedContent: { type: 'string', minLength: 1, maxLength: 65536 },
            encryptedSessionKey: { type: 'string', maxLength: 4096 },
            ttlSeconds: { type: 'integer', minimum: 1, maximum: 30 * 86400 },
          },
        },
      },
    },
    async (req, reply) => reply.code(201).send(await s.queue(principal(req).userId, req.body)),
  );
  app.get<{ Params: { userId: string } }>(
    '/api/v1/relay/pending/:userId',
    { ...auth, schema: { params: { type: 'object', required: ['userId'], properties: { userId: uuid } } } },
    async (req) => s.pending(principal(req).userId, req.params.userId),
  );
  app.delete<{ Params: { messageId: string } }>(
    '/api/v1/relay/:messageId',
    { ...auth, schema: { params: { type: 'object', required: ['messageId'], properties: { messageId: uuid } } } },
    async (req, reply) => {
      await s.ack(principal(req).userId, req.params.messageId);
      return reply.code(204).send();
    },
  );
};
