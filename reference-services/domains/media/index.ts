import type { DomainModule } from '../../runtime/context.js';
import { migrations } from './migrations.js';
import { routes } from './routes.js';
import { MediaService } from './service.js';

export const media: DomainModule<MediaService> = {
  name: 'media',
  migrations,
  create: (ctx) => new MediaService(ctx),
  internal: (s) => ({ resolve: (ids: string[]) => s.resolve(ids) }),
  routes,
};
