import type { DomainModule, InternalHandlers } from '../../runtime/context.js';
import type { AuthClient } from './client.js';
import { migrations } from './migrations.js';
import { routes } from './routes.js';
import { AuthService } from './service.js';

export const auth: DomainModule<AuthService, AuthClient> = {
  name: 'auth',
  migrations,
  create: (ctx) => new AuthService(ctx),
  internal: (s) => ({ verifyToken: (t: string) => s.verifyToken(t), createUser: (i: { email: string }) => s.createUser(i), userExists: (u: string) => s.userExists(u) }) satisfies InternalHandlers<AuthClient>,
  routes,
  close: async (s) => s.close(),
};
