import type { DomainModule } from '../../runtime/context.js';
import { migrations } from './migrations.js';
import { routes } from './routes.js';
import { AuthService } from './service.js';

export const auth: DomainModule<AuthService> = {
  name: 'auth',
  migrations,
  create: (ctx) => new AuthService(ctx),
  internal: (s) => ({ verifyToken: (t: string) => s.verifyToken(t), createUser: (i: { email: string }) => s.createUser(i), userExists: (u: string) => s.userExists(u) }),
  routes,
  close: async (s) => s.close(),
};
