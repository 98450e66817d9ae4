// The routes of monolith, from the blueprint's route table. Request validation is JSON
// Schema (fastify answers 400 before a handler runs); the handlers are in handlers/.
import type { FastifyInstance } from 'fastify';
import * as auth from './handlers/auth.js';
import * as groups from './handlers/groups.js';
import * as media from './handlers/media.js';
import * as messages from './handlers/messages.js';
import * as notifications from './handlers/notifications.js';
import * as realtime from './handlers/realtime.js';
import * as users from './handlers/users.js';

export interface RouteInfo {
  operation: string;
  method: string;
  url: string;
  internal: boolean;
}

/** Every route this service serves (tests walk this list). */
export const ROUTES: RouteInfo[] = [
  { operation: "messages.conversation", method: "GET", url: "/api/v1/messages/conversation/:userId", internal: false },
  { operation: "users.verify-invitation", method: "GET", url: "/api/v1/invitations/verify/:token", internal: false },
  { operation: "groups.post-message", method: "POST", url: "/api/v1/groups/:id/messages", internal: false },
  { operation: "groups.add-member", method: "POST", url: "/api/v1/groups/:id/members", internal: false },
  { operation: "messages.mark-read", method: "PUT", url: "/api/v1/messages/:id/read", internal: false },
  { operation: "notifications.email", method: "POST", url: "/api/v1/notifications/email", internal: false },
  { operation: "notifications.push", method: "POST", url: "/api/v1/notifications/push", internal: false },
  { operation: "users.send-invitation", method: "POST", url: "/api/v1/invitations/send", internal: false },
  { operation: "auth.register", method: "POST", url: "/api/v1/auth/register", internal: false },
  { operation: "messages.send", method: "POST", url: "/api/v1/messages/send", internal: false },
  { operation: "auth.refresh", method: "POST", url: "/api/v1/auth/refresh", internal: false },
  { operation: "media.upload", method: "POST", url: "/api/v1/media/upload", internal: false },
  { operation: "users.search", method: "GET", url: "/api/v1/users/search", internal: false },
  { operation: "auth.logout", method: "POST", url: "/api/v1/auth/logout", internal: false },
  { operation: "auth.login", method: "POST", url: "/api/v1/auth/login", internal: false },
  { operation: "auth.me", method: "GET", url: "/api/v1/auth/me", internal: false },
  { operation: "messages.delete", method: "DELETE", url: "/api/v1/messages/:id", internal: false },
  { operation: "groups.delete", method: "DELETE", url: "/api/v1/groups/:id", internal: false },
  { operation: "groups.get", method: "GET", url: "/api/v1/groups/:id", internal: false },
  { operation: "media.delete", method: "DELETE", url: "/api/v1/media/:id", internal: false },
  { operation: "media.download", method: "GET", url: "/api/v1/media/:id", internal: false },
  { operation: "users.get", method: "GET", url: "/api/v1/users/:id", internal: false },
  { operation: "users.update", method: "PUT", url: "/api/v1/users/:id", internal: false },
  { operation: "users.list-contacts", method: "GET", url: "/api/v1/contacts", internal: false },
  { operation: "users.add-contact", method: "POST", url: "/api/v1/contacts", internal: false },
  { operation: "groups.list", method: "GET", url: "/api/v1/groups", internal: false },
  { operation: "groups.create", method: "POST", url: "/api/v1/groups", internal: false },
  { operation: "realtime.connect", method: "GET", url: "/ws", internal: false },
  { operation: "auth.user-exists", method: "POST", url: "/internal/auth/user-exists", internal: true },
  { operation: "auth.verify-token", method: "POST", url: "/internal/auth/verify-token", internal: true },
];

export function registerRoutes(app: FastifyInstance): void {
  // GET /api/v1/messages/conversation/{userId}: cpu ≈1.2 ms; db 2 read(s), 0 write(s); calls auth.verify-token, media.resolve
  app.route({ method: "GET", url: "/api/v1/messages/conversation/:userId", schema: {"params":{"type":"object","properties":{"userId":{"type":"string","minLength":1}},"required":["userId"]}}, handler: messages.handleConversation });
  // GET /api/v1/invitations/verify/{token}: cpu ≈0.5 ms; db 1 read(s), 1 write(s); calls auth.create-user
  app.route({ method: "GET", url: "/api/v1/invitations/verify/:token", schema: {"params":{"type":"object","properties":{"token":{"type":"string","minLength":1}},"required":["token"]}}, handler: users.handleVerifyInvitation });
  // POST /api/v1/groups/{id}/messages: cpu ≈0.8 ms; db 1 read(s), 1 write(s); calls auth.verify-token; emits group.message-stored
  app.route({ method: "POST", url: "/api/v1/groups/:id/messages", schema: {"params":{"type":"object","properties":{"id":{"type":"string","minLength":1}},"required":["id"]},"body":{"type":"object"}}, handler: groups.handlePostMessage });
  // POST /api/v1/groups/{id}/members: cpu ≈0.5 ms; db 1 read(s), 1 write(s); calls auth.verify-token, users.check-contact
  app.route({ method: "POST", url: "/api/v1/groups/:id/members", schema: {"params":{"type":"object","properties":{"id":{"type":"string","minLength":1}},"required":["id"]},"body":{"type":"object"}}, handler: groups.handleAddMember });
  // PUT /api/v1/messages/{id}/read: cpu ≈0.3 ms; db 1 read(s), 1 write(s); calls auth.verify-token
  app.route({ method: "PUT", url: "/api/v1/messages/:id/read", schema: {"params":{"type":"object","properties":{"id":{"type":"string","minLength":1}},"required":["id"]},"body":{"type":"object"}}, handler: messages.handleMarkRead });
  // POST /api/v1/notifications/email: cpu ≈0.4 ms; db 0 read(s), 1 write(s); calls auth.verify-token, auth.user-exists
  app.route({ method: "POST", url: "/api/v1/notifications/email", schema: {"body":{"type":"object"}}, handler: notifications.handleEmail });
  // POST /api/v1/notifications/push: cpu ≈0.4 ms; db 0 read(s), 1 write(s); calls auth.verify-token, auth.user-exists
  app.route({ method: "POST", url: "/api/v1/notifications/push", schema: {"body":{"type":"object"}}, handler: notifications.handlePush });
  // POST /api/v1/invitations/send: cpu ≈0.8 ms; db 0 read(s), 1 write(s); calls auth.verify-token; emits invitation.sent
  app.route({ method: "POST", url: "/api/v1/invitations/send", schema: {"body":{"type":"object"}}, handler: users.handleSendInvitation });
  // POST /api/v1/auth/register: cpu ≈3 ms; db 1 read(s), 1 write(s); emits user.registered
  app.route({ method: "POST", url: "/api/v1/auth/register", schema: {"body":{"type":"object"}}, handler: auth.handleRegister });
  // POST /api/v1/messages/send: cpu ≈0.8 ms; db 1 read(s), 1 write(s); calls auth.verify-token, users.check-contact; emits message.sent
  app.route({ method: "POST", url: "/api/v1/messages/send", schema: {"body":{"type":"object"}}, handler: messages.handleSend });
  // POST /api/v1/auth/refresh: cpu ≈0.6 ms; db 1 read(s), 1 write(s)
  app.route({ method: "POST", url: "/api/v1/auth/refresh", schema: {"body":{"type":"object"}}, handler: auth.handleRefresh });
  // POST /api/v1/media/upload: cpu ≈4 ms; db 0 read(s), 1 write(s); calls auth.verify-token
  app.route({ method: "POST", url: "/api/v1/media/upload", schema: {"body":{"type":"object"}}, handler: media.handleUpload });
  // GET /api/v1/users/search: cpu ≈1 ms; db 2 read(s), 0 write(s); calls auth.verify-token
  app.route({ method: "GET", url: "/api/v1/users/search", schema: {}, handler: users.handleSearch });
  // POST /api/v1/auth/logout: cpu ≈0.3 ms; db 0 read(s), 1 write(s)
  app.route({ method: "POST", url: "/api/v1/auth/logout", schema: {"body":{"type":"object"}}, handler: auth.handleLogout });
  // POST /api/v1/auth/login: cpu ≈1.6 ms; db 1 read(s), 1 write(s)
  app.route({ method: "POST", url: "/api/v1/auth/login", schema: {"body":{"type":"object"}}, handler: auth.handleLogin });
  // GET /api/v1/auth/me: cpu ≈0.4 ms; db 1 read(s), 0 write(s)
  app.route({ method: "GET", url: "/api/v1/auth/me", schema: {}, handler: auth.handleMe });
  // DELETE /api/v1/messages/{id}: cpu ≈0.3 ms; db 1 read(s), 1 write(s); calls auth.verify-token
  app.route({ method: "DELETE", url: "/api/v1/messages/:id", schema: {"params":{"type":"object","properties":{"id":{"type":"string","minLength":1}},"required":["id"]}}, handler: messages.handleDelete });
  // DELETE /api/v1/groups/{id}: cpu ≈0.5 ms; db 1 read(s), 3 write(s); calls auth.verify-token
  app.route({ method: "DELETE", url: "/api/v1/groups/:id", schema: {"params":{"type":"object","properties":{"id":{"type":"string","minLength":1}},"required":["id"]}}, handler: groups.handleDelete });
  // GET /api/v1/groups/{id}: cpu ≈0.5 ms; db 2 read(s), 0 write(s); calls auth.verify-token
  app.route({ method: "GET", url: "/api/v1/groups/:id", schema: {"params":{"type":"object","properties":{"id":{"type":"string","minLength":1}},"required":["id"]}}, handler: groups.handleGet });
  // DELETE /api/v1/media/{id}: cpu ≈0.5 ms; db 1 read(s), 1 write(s); calls auth.verify-token
  app.route({ method: "DELETE", url: "/api/v1/media/:id", schema: {"params":{"type":"object","properties":{"id":{"type":"string","minLength":1}},"required":["id"]}}, handler: media.handleDelete });
  // GET /api/v1/media/{id}: cpu ≈2 ms; db 1 read(s), 0 write(s); calls auth.verify-token
  app.route({ method: "GET", url: "/api/v1/media/:id", schema: {"params":{"type":"object","properties":{"id":{"type":"string","minLength":1}},"required":["id"]}}, handler: media.handleDownload });
  // GET /api/v1/users/{id}: cpu ≈0.4 ms; db 1 read(s), 0 write(s); calls auth.verify-token
  app.route({ method: "GET", url: "/api/v1/users/:id", schema: {"params":{"type":"object","properties":{"id":{"type":"string","minLength":1}},"required":["id"]}}, handler: users.handleGet });
  // PUT /api/v1/users/{id}: cpu ≈0.6 ms; db 0 read(s), 1 write(s); calls auth.verify-token
  app.route({ method: "PUT", url: "/api/v1/users/:id", schema: {"params":{"type":"object","properties":{"id":{"type":"string","minLength":1}},"required":["id"]},"body":{"type":"object"}}, handler: users.handleUpdate });
  // GET /api/v1/contacts: cpu ≈0.6 ms; db 1 read(s), 0 write(s); calls auth.verify-token
  app.route({ method: "GET", url: "/api/v1/contacts", schema: {}, handler: users.handleListContacts });
  // POST /api/v1/contacts: cpu ≈0.6 ms; db 1 read(s), 1 write(s); calls auth.verify-token
  app.route({ method: "POST", url: "/api/v1/contacts", schema: {"body":{"type":"object"}}, handler: users.handleAddContact });
  // GET /api/v1/groups: cpu ≈0.6 ms; db 1 read(s), 0 write(s); calls auth.verify-token
  app.route({ method: "GET", url: "/api/v1/groups", schema: {}, handler: groups.handleList });
  // POST /api/v1/groups: cpu ≈0.8 ms; db 0 read(s), 2 write(s); calls auth.verify-token
  app.route({ method: "POST", url: "/api/v1/groups", schema: {"body":{"type":"object"}}, handler: groups.handleCreate });
  // WS /ws: cpu ≈0.5 ms; db 0 read(s), 1 write(s); calls auth.verify-token, users.set-presence
  app.route({ method: "GET", url: "/ws", schema: {}, handler: realtime.handleConnect });
  // POST /internal/auth/user-exists: cpu ≈0.1 ms; db 1 read(s), 0 write(s)
  app.route({ method: "POST", url: "/internal/auth/user-exists", schema: {"body":{"type":"object"}}, handler: auth.handleUserExists });
  // POST /internal/auth/verify-token: cpu ≈0.2 ms
  app.route({ method: "POST", url: "/internal/auth/verify-token", schema: {"body":{"type":"object"}}, handler: auth.handleVerifyToken });
}
