import type { FastifyInstance } from 'fastify';
import { principal, uuid, type DomainContext } from '../../runtime/context.js';
import type { NotificationsService } from './service.js';

export const routes = (s: NotificationsService, ctx: DomainContext) => async (app: FastifyInstance) => {
  const auth = { onRequest: ctx.authenticate };
  // To the caller's own registered address only (`to` may be omitted; if given it must be it).
  app.post<{ Body: { to?: string; subject: string; body: string } }>(
    '/api/v1/notifications/email',
    {
      ...auth,
      schema: {
        body: {
          type: 'object',
          required: ['subject', 'body'],
          properties: { to: { type: 'string', format: 'email', maxLength: 254 }, subject: { type: 'string', minLength: 1, maxLength: 200 }, body: { type: 'string', maxLength: 20000 } },
        },
      },
    },
    async (req, reply) => reply.code(202).send(await s.emailSelf(principal(req).userId, req.body)),
  );
  // To the caller's own devices only.
  app.post<{ Body: { userId: string; title: string; body?: string } }>(
    '/api/v1/notifications/push',
    {
      ...auth,
      schema: {
        body: {
          type: 'object',
          required: ['userId', 'title'],
          properties: { userId: uuid, title: { type: 'string', minLength: 1, maxLength: 200 }, body: { type: 'string', maxLength: 2000 } },
        },
      },
    },
    async (req, reply) => reply.code(202).send(await s.pushSelf(principal(req).userId, req.body)),
  );
};
