import type { DomainModule } from '../../runtime/context.js';
import type { MessagesClient } from './client.js';
import { migrations } from './migrations.js';
import { routes } from './routes.js';
import { MessagesService } from './service.js';

export const messages: DomainModule<MessagesService, MessagesClient> = {
  name: 'messages',
  migrations,
  create: (ctx) => new MessagesService(ctx),
  consumers: (s) => ({ 'deliver-group': (e) => s.deliverGroup(e) }),
  routes,
};
