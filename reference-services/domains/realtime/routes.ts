import type { FastifyInstance } from 'fastify';
import type { DomainContext } from '../../runtime/context.js';
import type { RealtimeService } from './service.js';

// WS /ws is served on the raw server's upgrade event (see index.ts attach); a plain GET gets
// 426 so a client that forgot the upgrade learns why.
export const routes = (_s: RealtimeService, ctx: DomainContext) => async (app: FastifyInstance) => {
  app.get('/ws', { onRequest: ctx.authenticate }, async (_req, reply) => reply.code(426).send({ error: 'upgrade_required', message: 'connect with a WebSocket client' }));
};
