import type { FastifyInstance } from 'fastify';
import { principal, uuid, type DomainContext } from '../../runtime/context.js';
import type { UsersService } from './service.js';

const idParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;

export const routes = (s: UsersService, ctx: DomainContext) => async (app: FastifyInstance) => {
  const auth = { onRequest: ctx.authenticate };
  app.get<{ Querystring: { q: string; limit: number } }>(
    '/api/v1/users/search',
    {
      ...auth,
      schema: {
        querystring: {
          type: 'object',
          required: ['q'],
          properties: { q: { type: 'string', minLength: 1, maxLength: 64 }, limit: { type: 'integer', minimum: 1, maximum: 50, default: 20 } },
        },
      },
    },
    async (req) => s.search(req.query.q, req.query.limit),
  );
  app.get<{ Params: { id: string } }>('/api/v1/users/:id', { ...auth, schema: { params: idParams } }, async (req) => s.get(req.params.id));
  app.put<{ Params: { id: string }; Body: { fullName?: string; bio?: string; avatarUrl?: string } }>(
    '/api/v1/users/:id',
    {
      ...auth,
      schema: {
        params: idParams,
        body: {
          type: 'object',
          minProperties: 1,
          additionalProperties: false,
          properties: {
            fullName: { type: 'string', maxLength: 100 },
            bio: { type: 'string', maxLength: 500 },
            avatarUrl: { type: 'string', format: 'uri', maxLength: 500 },
          },
        },
      },
    },
    async (req) => s.update(principal(req).userId, req.params.id, req.body),
  );
  app.get('/api/v1/contacts', auth, async (req) => s.listContacts(principal(req).userId));
  app.post<{ Body: { contactId: string } }>(
    '/api/v1/contacts',
    { ...auth, schema: { body: { type: 'object', required: ['contactId'], properties: { contactId: uuid } } } },
    async (req, reply) => reply.code(201).send(await s.addContact(principal(req).userId, req.body.contactId)),
  );
  app.post<{ Body: { email: string } }>(
    '/api/v1/invitations/send',
    { ...auth, schema: { body: { type: 'object', required: ['email'], properties: { email: { type: 'string', format: 'email', maxLength: 254 } } } } },
    async (req, reply) => reply.code(202).send(await s.sendInvitation(principal(req).userId, req.body.email)),
  );
  // Public: the invitee has no account yet; the token is the credential.
  app.get<{ Params: { token: string } }>(
    '/api/v1/invitations/verify/:token',
    { schema: { params: { type: 'object', required: ['token'], properties: { token: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,64}$' } } } } },
    async (req) => s.verifyInvitation(req.params.token),
  );
};
