import type { DomainModule } from '../../runtime/context.js';
import { migrations } from './migrations.js';
import { routes } from './routes.js';
import { GroupsService } from './service.js';

export const groups: DomainModule<GroupsService> = {
  name: 'groups',
  migrations,
  create: (ctx) => new GroupsService(ctx),
  internal: (s) => ({ listMembers: (g: string) => s.listMembers(g) }),
  routes,
};
