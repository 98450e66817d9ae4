import type { DomainModule, InternalHandlers } from '../../runtime/context.js';
import type { UsersClient } from './client.js';
import { migrations } from './migrations.js';
import { routes } from './routes.js';
import { UsersService } from './service.js';

export const users: DomainModule<UsersService, UsersClient> = {
  name: 'users',
  migrations,
  create: (ctx) => new UsersService(ctx),
  internal: (s) => ({
    checkContact: (a: string, b: string) => s.checkContact(a, b),
    setPresence: (u: string, online: boolean) => s.setPresence(u, online),
  }) satisfies InternalHandlers<UsersClient>,
  consumers: (s) => ({ 'create-profile': (e) => s.createProfile(e) }),
  routes,
};
