import type { DomainModule } from '../../runtime/context.js';
import type { NotificationsClient } from './client.js';
import { migrations } from './migrations.js';
import { routes } from './routes.js';
import { NotificationsService } from './service.js';

export const notifications: DomainModule<NotificationsService, NotificationsClient> = {
  name: 'notifications',
  migrations,
  create: (ctx) => new NotificationsService(ctx),
  consumers: (s) => ({ notify: (e) => s.notify(e) }),
  routes,
};
