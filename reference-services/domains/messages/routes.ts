import type { FastifyInstance } from 'fastify';
import { dateTime, principal, uuid, type DomainContext } from '../../runtime/context.js';
import type { MessagesService, SendInput } from './service.js';

const idParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;

export const routes = (s: MessagesService, ctx: DomainContext) => async (app: FastifyInstance) => {
  const auth = { onRequest: ctx.authenticate };
  app.post<{ Body: SendInput }>(
    '/api/v1/messages/send',
    {
      ...auth,
      schema: {
        body: {
          type: 'object',
          required: ['recipientId', 'encryptedContent', 'encryptedSessionKey'],
          properties: {
            recipientId: uuid,
            encryptedContent: { type: 'string', minLength: 1, maxLength: 65536 },
            encryptedSessionKey: { type: 'string', minLength: 1, maxLength: 4096 },
            cryptoVersion: { type: 'string', maxLength: 16 },
            encryptionAlgorithm: { type: 'string', maxLength: 64 },
            mediaIds: { type: 'array', items: uuid, maxItems: 10 },
          },
        },
      },
    },
    async (req, reply) => reply.code(201).send(await s.send(principal(req).userId, req.body)),
  );
  app.get<{ Params: { userId: string }; Querystring: { limit: number; before?: string } }>(
    '/api/v1/messages/conversation/:userId',
    {
      ...auth,
      schema: {
        params: { type: 'object', required: ['userId'], properties: { userId: uuid } },
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 50 }, before: dateTime } },
      },
    },
    async (req) => s.conversation(principal(req).userId, req.params.userId, req.query.limit, req.query.before),
  );
  app.put<{ Params: { id: string } }>('/api/v1/messages/:id/read', { ...auth, schema: { params: idParams } }, async (req) => s.markRead(principal(req).userId, req.params.id));
  app.delete<{ Params: { id: string } }>('/api/v1/messages/:id', { ...auth, schema: { params: idParams } }, async (req, reply) => {
    await s.delete(principal(req).userId, req.params.id);
    return reply.code(204).send();
  });
};
