import type { FastifyInstance } from 'fastify';
import { principal, type DomainContext } from '../../runtime/context.js';
import type { AuthService } from './service.js';

const tokenBody = {
  type: 'object',
  required: ['refreshToken'],
  properties: { refreshToken: { type: 'string', minLength: 10, maxLength: 4096 } },
} as const;

export const routes = (s: AuthService, ctx: DomainContext) => async (app: FastifyInstance) => {
  app.post<{ Body: { email: string; username: string; password: string; publicKey?: string } }>(
    '/api/v1/auth/register',
    {
      schema: {
        body: {
          type: 'object',
          required: ['email', 'username', 'password'],
          properties: {
            email: { type: 'string', format: 'email', maxLength: 254 },
            username: { type: 'string', pattern: '^[A-Za-z0-9_.-]{3,32}$' },
            password: { type: 'string', minLength: 8, maxLength: 200 },
            publicKey: { type: 'string', maxLength: 8192 },
          },
        },
      },
    },
    async (req, reply) => reply.code(201).send(await s.register(req.body)),
  );
  app.post<{ Body: { username: string; password: string } }>(
    '/api/v1/auth/login',
    {
      schema: {
        body: {
          type: 'object',
          required: ['username', 'password'],
          properties: { username: { type: 'string', minLength: 1, maxLength: 254 }, password: { type: 'string', minLength: 1, maxLength: 200 } },
        },
      },
    },
    async (req) => s.login(req.body),
  );
  app.get('/api/v1/auth/me', { onRequest: ctx.authenticate }, async (req) => s.me(principal(req).userId));
  app.post<{ Body: { refreshToken: string } }>('/api/v1/auth/refresh', { schema: { body: tokenBody } }, async (req) => s.refresh(req.body.refreshToken));
  app.post<{ Body: { refreshToken?: string } | undefined }>(
    '/api/v1/auth/logout',
    { onRequest: ctx.authenticate, schema: { body: { type: ['object', 'null'], properties: tokenBody.properties } } },
    async (req, reply) => {
      await s.logout(principal(req), req.body?.refreshToken);
      return reply.code(204).send();
    },
  );
};
