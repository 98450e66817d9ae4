import type { DomainModule, InternalHandlers } from '../../runtime/context.js';
import type { GroupMessage, MessagesClient } from './client.js';
import { migrations } from './migrations.js';
import { routes } from './routes.js';
import { MessagesService } from './service.js';

export const messages: DomainModule<MessagesService, MessagesClient> = {
  name: 'messages',
  migrations,
  create: (ctx) => new MessagesService(ctx),
  internal: (s) => ({ deliverGroup: (m: GroupMessage, members: string[]) => s.deliverGroup(m, members) }) satisfies InternalHandlers<MessagesClient>,
  routes,
};
