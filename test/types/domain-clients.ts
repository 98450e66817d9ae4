// Type-level test: a domain's internal handlers cannot drift from its client interface. Each
// `@ts-expect-error` below is a drift that must NOT compile; if one ever compiles, tsc reports
// the directive as unused and test/types/domain-clients.test.ts fails. Compiled by
// `tsc -p test/types/tsconfig.json` (no output, nothing runs).
import type { DomainModule, InternalHandlers } from '../../reference-services/runtime/context.js';
import type { AuthClient, Principal } from '../../reference-services/domains/auth/client.js';
import type { UsersClient } from '../../reference-services/domains/users/client.js';
import type { RelayClient } from '../../reference-services/domains/relay/client.js';
import { auth } from '../../reference-services/domains/auth/index.js';
import { groups } from '../../reference-services/domains/groups/index.js';
import { media } from '../../reference-services/domains/media/index.js';
import { messages } from '../../reference-services/domains/messages/index.js';
import { notifications } from '../../reference-services/domains/notifications/index.js';
import { realtime } from '../../reference-services/domains/realtime/index.js';
import { relay } from '../../reference-services/domains/relay/index.js';
import { users } from '../../reference-services/domains/users/index.js';
import type { DomainModules } from '../../reference-services/domains/index.js';

class FakeAuth {
  verifyToken = async (t: string): Promise<Principal> => ({ userId: t, username: t });
  createUser = async (i: { email: string }) => ({ id: i.email, username: i.email });
  userExists = async (u: string) => u.length > 0;
  verifyNumber = async (n: number): Promise<Principal> => ({ userId: String(n), username: '' });
}
const base = { name: 'auth', migrations: [], create: () => new FakeAuth(), routes: () => async () => undefined };

// The bundled modules implement their clients exactly.
export const real: DomainModules = { auth, users, messages, groups, media, relay, notifications, realtime };

// Handlers matching the client compile.
export const matching: DomainModule<FakeAuth, AuthClient> = { ...base, internal: (s) => ({ verifyToken: s.verifyToken, createUser: s.createUser, userExists: s.userExists }) satisfies InternalHandlers<AuthClient> };

// @ts-expect-error an operation of the client has no handler
export const missing: DomainModule<FakeAuth, AuthClient> = { ...base, internal: (s) => ({ verifyToken: s.verifyToken }) };

// @ts-expect-error a handler takes another parameter type than the client's
export const retyped: DomainModule<FakeAuth, AuthClient> = { ...base, internal: (s) => ({ verifyToken: s.verifyNumber, createUser: s.createUser, userExists: s.userExists }) };

// @ts-expect-error a handler resolves to another result than the client's
export const result: DomainModule<FakeAuth, AuthClient> = { ...base, internal: (s) => ({ verifyToken: async (t: string) => t.length, createUser: s.createUser, userExists: s.userExists }) };

export const extra: DomainModule<FakeAuth, AuthClient> = {
  ...base,
  // @ts-expect-error a handler the client does not have
  internal: (s) => ({ verifyToken: s.verifyToken, createUser: s.createUser, userExists: s.userExists, deleteUser: async (id: string) => id }) satisfies InternalHandlers<AuthClient>,
};

// @ts-expect-error a domain no other domain calls serves no internal operation
export const uncalled: DomainModule<FakeAuth, RelayClient> = { ...base, internal: (s) => ({ verifyToken: s.verifyToken }) };

// The client grows an operation the bundled auth module does not serve: its module no longer fits.
interface GrownAuthClient extends AuthClient {
  deactivateUser(userId: string): Promise<void>;
}
// @ts-expect-error the real auth module lacks deactivateUser
export const grown: DomainModule<any, GrownAuthClient> = auth;

// @ts-expect-error a module under another domain's name (users' handlers are not auth's)
export const swapped: DomainModules = { ...real, auth: users };

// @ts-expect-error a module declared without its client (handlers unchecked) does not fit the map
export const undeclared: DomainModules = { ...real, auth: { ...base, internal: (s: FakeAuth) => ({ verifyToken: s.verifyToken }) } as DomainModule<FakeAuth> };

// @ts-expect-error users' client has checkContact(a, b): a one-argument handler type is not it
export const usersDrift: InternalHandlers<UsersClient> = { checkContact: async (a: number) => a > 0, setPresence: async () => undefined };
