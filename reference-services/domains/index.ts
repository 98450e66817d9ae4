// Every domain module, by the name the blueprint gives it.
import type { Clients, DomainModule } from '../runtime/context.js';
import { auth } from './auth/index.js';
import { groups } from './groups/index.js';
import { media } from './media/index.js';
import { messages } from './messages/index.js';
import type { NotificationsClient } from './notifications/client.js';
import { notifications } from './notifications/index.js';
import type { RealtimeClient } from './realtime/client.js';
import { realtime } from './realtime/index.js';
import type { RelayClient } from './relay/client.js';
import { relay } from './relay/index.js';
import { users } from './users/index.js';

/** Each domain's client interface, by domain name (those no other domain calls have none). */
export interface DomainClients extends Clients {
  notifications: NotificationsClient;
  realtime: RealtimeClient;
  relay: RelayClient;
}

/** Each domain's module, its internal handlers checked against that domain's client. */
export type DomainModules = { [D in keyof DomainClients]: DomainModule<any, DomainClients[D]> };

const modules = { auth, users, messages, groups, media, relay, notifications, realtime } satisfies DomainModules;

export const domainModules: Record<string, DomainModule<any>> = modules;
