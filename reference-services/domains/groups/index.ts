import type { DomainModule, InternalHandlers } from '../../runtime/context.js';
import type { GroupsClient } from './client.js';
import { migrations } from './migrations.js';
import { routes } from './routes.js';
import { GroupsService } from './service.js';

export const groups: DomainModule<GroupsService, GroupsClient> = {
  name: 'groups',
  migrations,
  create: (ctx) => new GroupsService(ctx),
  internal: (s) => ({ listMembers: (g: string) => s.listMembers(g) }) satisfies InternalHandlers<GroupsClient>,
  routes,
};
