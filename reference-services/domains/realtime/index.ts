import type { DomainModule } from '../../runtime/context.js';
import type { RealtimeClient } from './client.js';
import { migrations } from './migrations.js';
import { routes } from './routes.js';
import { RealtimeService } from './service.js';

export const realtime: DomainModule<RealtimeService, RealtimeClient> = {
  name: 'realtime',
  migrations,
  create: (ctx) => new RealtimeService(ctx),
  consumers: (s) => ({ broadcast: (e) => s.broadcast(e), 'broadcast-group': (e) => s.broadcastGroup(e) }),
  routes,
  attach: (s, app) => {
    app.server.on('upgrade', (req, socket, head) => {
      const path = (req.url ?? '').split('?')[0];
      if (path === '/ws' || path === '/ws/') void s.upgrade(req, socket, head);
      else socket.destroy();
    });
  },
  close: (s) => s.shutdown(),
};
