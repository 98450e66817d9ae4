import type { DomainModule, InternalHandlers } from '../../runtime/context.js';
import type { MediaAccess, MediaClient } from './client.js';
import { migrations } from './migrations.js';
import { routes } from './routes.js';
import { MediaService } from './service.js';

export const media: DomainModule<MediaService, MediaClient> = {
  name: 'media',
  migrations,
  create: (ctx) => new MediaService(ctx),
  internal: (s) => ({ resolve: (ids: string[], access: MediaAccess) => s.resolve(ids, access) }) satisfies InternalHandlers<MediaClient>,
  routes,
};
