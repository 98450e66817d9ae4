import type { DomainModule } from '../../runtime/context.js';
import type { RelayClient } from './client.js';
import { migrations } from './migrations.js';
import { routes } from './routes.js';
import { RelayService } from './service.js';

export const relay: DomainModule<RelayService, RelayClient> = {
  name: 'relay',
  migrations,
  create: (ctx) => new RelayService(ctx),
  consumers: (s) => ({ enqueue: (e) => s.enqueue(e) }),
  routes,
  close: async (s) => s.close(),
};
