// Every domain module, by the name the blueprint gives it.
import type { DomainModule } from '../runtime/context.js';
import { auth } from './auth/index.js';
import { groups } from './groups/index.js';
import { media } from './media/index.js';
import { messages } from './messages/index.js';
import { notifications } from './notifications/index.js';
import { realtime } from './realtime/index.js';
import { relay } from './relay/index.js';
import { users } from './users/index.js';

export const domainModules: Record<string, DomainModule<any>> = { auth, users, messages, groups, media, relay, notifications, realtime };
