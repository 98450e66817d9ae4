import type { FastifyInstance } from 'fastify';
import { principal, uuid, type DomainContext } from '../../runtime/context.js';
import type { GroupsService } from './service.js';

const idParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;

export const routes = (s: GroupsService, ctx: DomainContext) => async (app: FastifyInstance) => {
  const auth = { onRequest: ctx.authenticate };
  app.post<{ Body: { name: string; description?: string; memberIds?: string[] } }>(
    '/api/v1/groups',
    {
      ...auth,
      schema: {
        body: {
          type: 'object',
          required: ['name'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 100 },
            description: { type: 'string', maxLength: 1000 },
            memberIds: { type: 'array', items: uuid, maxItems: 256 },
          },
        },
      },
    },
    async (req, reply) => reply.code(201).send(await s.create(principal(req).userId, req.body)),
  );
  app.get('/api/v1/groups', auth, async (req) => s.listMine(principal(req).userId));
  app.get<{ Params: { id: string } }>('/api/v1/groups/:id', { ...auth, schema: { params: idParams } }, async (req) => s.get(principal(req).userId, req.params.id));
  app.post<{ Params: { id: string }; Body: { userId: string } }>(
    '/api/v1/groups/:id/members',
    { ...auth, schema: { params: idParams, body: { type: 'object', required: ['userId'], properties: { userId: uuid } } } },
    async (req, reply) => reply.code(201).send(await s.addMember(principal(req).userId, req.params.id, req.body.userId)),
  );
  app.post<{ Params: { id: string }; Body: { encryptedContent: string; encryptedSessionKeys?: Record<string, string> } }>(
    '/api/v1/groups/:id/messages',
    {
      ...auth,
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['encryptedContent'],
          properties: {
            encryptedContent: { type: 'string', minLength: 1, maxLength: 65536 },
            encryptedSessionKeys: { type: 'object', additionalProperties: { type: 'string', maxLength: 4096 }, maxProperties: 256 },
          },
        },
      },
    },
    async (req, reply) => reply.code(201).send(await s.post(principal(req).userId, req.params.id, req.body)),
  );
  app.delete<{ Params: { id: string } }>('/api/v1/groups/:id', { ...auth, schema: { params: idParams } }, async (req, reply) => {
    await s.delete(principal(req).userId, req.params.id);
    return reply.code(204).send();
  });
};
