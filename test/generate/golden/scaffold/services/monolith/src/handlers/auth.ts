// Handlers of the auth domain: Registration, login, JWT access and refresh tokens.
// Tables owned: users, deleted_users, sessions. Each handler answers 501 until implemented.
import type { FastifyReply, FastifyRequest } from 'fastify';

function notImplemented(reply: FastifyReply, operation: string) {
  return reply.code(501).send({ error: 'Not Implemented', operation });
}

export type RegisterRequest = FastifyRequest<{ Params: Record<string, never>; Body: Record<string, unknown> }>;

/** auth.register. POST /api/v1/auth/register: cpu ≈3 ms; db 1 read(s), 1 write(s); emits user.registered. */
export async function handleRegister(_req: RegisterRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement auth.register.
  return notImplemented(reply, "auth.register");
}

export type RefreshRequest = FastifyRequest<{ Params: Record<string, never>; Body: Record<string, unknown> }>;

/** auth.refresh. POST /api/v1/auth/refresh: cpu ≈0.6 ms; db 1 read(s), 1 write(s). */
export async function handleRefresh(_req: RefreshRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement auth.refresh.
  return notImplemented(reply, "auth.refresh");
}

export type LogoutRequest = FastifyRequest<{ Params: Record<string, never>; Body: Record<string, unknown> }>;

/** auth.logout. POST /api/v1/auth/logout: cpu ≈0.3 ms; db 0 read(s), 1 write(s). */
export async function handleLogout(_req: LogoutRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement auth.logout.
  return notImplemented(reply, "auth.logout");
}

export type LoginRequest = FastifyRequest<{ Params: Record<string, never>; Body: Record<string, unknown> }>;

/** auth.login. POST /api/v1/auth/login: cpu ≈1.6 ms; db 1 read(s), 1 write(s). */
export async function handleLogin(_req: LoginRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement auth.login.
  return notImplemented(reply, "auth.login");
}

export type MeRequest = FastifyRequest<{ Params: Record<string, never>; Body: undefined }>;

/** auth.me. GET /api/v1/auth/me: cpu ≈0.4 ms; db 1 read(s), 0 write(s). */
export async function handleMe(_req: MeRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement auth.me.
  return notImplemented(reply, "auth.me");
}

export type UserExistsRequest = FastifyRequest<{ Params: Record<string, never>; Body: Record<string, unknown> }>;

/** auth.user-exists (internal: called by other services). POST /internal/auth/user-exists: cpu ≈0.1 ms; db 1 read(s), 0 write(s). */
export async function handleUserExists(_req: UserExistsRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement auth.user-exists.
  return notImplemented(reply, "auth.user-exists");
}

export type VerifyTokenRequest = FastifyRequest<{ Params: Record<string, never>; Body: Record<string, unknown> }>;

/** auth.verify-token (internal: called by other services). POST /internal/auth/verify-token: cpu ≈0.2 ms. */
export async function handleVerifyToken(_req: VerifyTokenRequest, reply: FastifyReply): Promise<unknown> {
  // TODO: implement auth.verify-token.
  return notImplemented(reply, "auth.verify-token");
}
