// What a domain module gets from the runtime: its database, typed clients for the other
// domains (in-process or HTTP, it cannot tell), an event emitter and its configuration. A
// domain module never learns which layout it runs in.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db, Tx } from './db.js';
import type { AuthClient, Principal } from '../domains/auth/client.js';
import type { UsersClient } from '../domains/users/client.js';
import type { MessagesClient } from '../domains/messages/client.js';
import type { GroupsClient } from '../domains/groups/client.js';
import type { MediaClient } from '../domains/media/client.js';

export type { Principal };

export interface Clients {
  auth: AuthClient;
  users: UsersClient;
  messages: MessagesClient;
  groups: GroupsClient;
  media: MediaClient;
}

export interface Config {
  jwtSecret: Uint8Array;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  mediaDir: string;
  mediaMaxBytes: number;
  relayTtlSeconds: number;
}

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface EventEnvelope<P = Record<string, unknown>> {
  id: string;
  event: string;
  payload: P;
  requestId?: string;
  at: string;
}

export interface DomainContext {
  domain: string;
  unit: string;
  db: Db;
  clients: Clients;
  /**
   * Record an event through the transactional outbox: pass the transaction that makes the
   * change, so both commit together (without one, the event is recorded on its own). A
   * consumer that emits because of an event passes `id` (derivedEventId of the cause): a
   * redelivered cause then records nothing twice.
   */
  emit(event: string, payload: Record<string, unknown>, tx?: Tx, id?: string): Promise<void>;
  config: Config;
  log: Logger;
  /** onRequest hook: verifies the bearer token through auth.verify-token, sets request.principal. */
  authenticate(req: FastifyRequest, reply: FastifyReply): Promise<void>;
}

export type Handler = (...args: never[]) => Promise<unknown>;

/** A client of unknown shape (the runtime's view, where modules of every domain sit together). */
export type AnyClient = Record<string, (...args: any[]) => Promise<any>>;

/**
 * A domain's internal handlers, derived from its client interface C: one handler per method of
 * C, taking C's parameters and resolving to C's result (as function types, so parameters are
 * checked strictly, not bivariantly as methods are). A module declared
 * `DomainModule<Service, XClient>` whose handlers drift from XClient (an operation missing, a
 * parameter or result re-typed) does not compile; `satisfies InternalHandlers<XClient>` on the
 * handlers object also refuses one XClient does not have. domains/index.ts ties each domain's
 * module to its client by name. test/types/domain-clients.ts proves each drift fails.
 */
export type InternalHandlers<C> = { [K in keyof C]: C[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => Promise<R> : never };

export interface DomainModule<S = unknown, C = AnyClient> {
  name: string;
  /** Ordered SQL steps for the domain's own schema (named after the domain). */
  migrations: readonly string[];
  create(ctx: DomainContext): S;
  /** Internal operations other domains call through the typed client C (method name = camelCase op). */
  internal?(s: S): InternalHandlers<C>;
  /** Event consumers: operation name (kebab, as in the blueprint) → handler. */
  consumers?(s: S): Record<string, (e: EventEnvelope) => Promise<void>>;
  routes(s: S, ctx: DomainContext): (app: FastifyInstance) => Promise<void>;
  /** For domains that need the raw server (WebSocket upgrades). */
  attach?(s: S, app: FastifyInstance): void;
  close?(s: S): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export function principal(req: FastifyRequest): Principal {
  // authenticate runs as an onRequest hook on every protected route, so this is set there.
  if (!req.principal) throw new Error('route is missing the authenticate hook');
  return req.principal;
}

export const uuid = { type: 'string', format: 'uuid' } as const;
/** An RFC 3339 time PostgreSQL can hold (years 0001–9999; "0000-…" is refused with 400, not a 500). */
export const dateTime = { type: 'string', format: 'date-time', pattern: '^(?!0000)[0-9]{4}-', maxLength: 64 } as const;
